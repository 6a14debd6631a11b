from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.security, name="security"),
    path("personal-data/", views.personal_data_log, name="personal_data_log"),
    path("two-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
    path("two-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("home/", views.home, name="home"),
]
