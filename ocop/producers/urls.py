from django.urls import path

from . import views

app_name = "producers"
urlpatterns = [
    path("", views.producer_list, name="producer_list"),
    path("<int:pk>/", views.producer_detail, name="producer_detail"),
]
