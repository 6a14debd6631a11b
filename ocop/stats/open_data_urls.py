"""Public open data, mounted at /open-data/."""

from django.urls import path

from . import views

app_name = "open_data"

urlpatterns = [
    path("", views.open_data_index, name="index"),
    path("summary.json", views.summary_json, name="summary_json"),
    path("<slug:name>.<str:fmt>", views.dataset, name="dataset"),
]
