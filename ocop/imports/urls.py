from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("sample-list.xlsx", views.sample_list, name="sample_list"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("<int:pk>/report.csv", views.import_report, name="import_report"),
    path("<int:pk>/file/", views.import_file, name="import_file"),
    path("reported/", views.reported_list, name="reported_list"),
    path("reported/<int:pk>/complete/", views.reported_complete, name="reported_complete"),
    path("reported/<int:pk>/dismiss/", views.reported_dismiss, name="reported_dismiss"),
]
