from django.urls import path

from . import expiry_views

app_name = "certificate_expiry"
urlpatterns = [
    path("expiring/", expiry_views.expiring_list, name="expiring_list"),
]
