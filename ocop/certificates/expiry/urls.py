from django.urls import path

from . import views

app_name = "certificate_expiry"
urlpatterns = [
    path("expiring/", views.expiring_list, name="expiring_list"),
]
