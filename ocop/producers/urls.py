from django.urls import path

from . import views

app_name = "producers"
urlpatterns = [
    path("", views.producer_list, name="producer_list"),
    path("new/", views.producer_create, name="producer_create"),
    path("legacy-communes/", views.legacy_commune_options, name="legacy_commune_options"),
    path("<int:pk>/", views.producer_detail, name="producer_detail"),
    path("<int:pk>/edit/", views.producer_edit, name="producer_edit"),
    path("<int:pk>/personal-data/", views.personal_data_log, name="personal_data_log"),
    path("<int:pk>/documents/new/", views.document_create, name="document_create"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        views.document_download,
        name="document_download",
    ),
]
