from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("communes/", views.commune_options, name="commune_options"),
    path("legacy-communes/", views.legacy_commune_options, name="legacy_commune_options"),
]
