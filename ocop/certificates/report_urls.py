"""The officials' inbox of problem reports, mounted at /manage/problem-reports/."""

from django.urls import path

from . import report_views

app_name = "problem_reports"
urlpatterns = [
    path("", report_views.problem_report_list, name="problem_report_list"),
    path("<int:pk>/", report_views.problem_report_detail, name="problem_report_detail"),
    path("<int:pk>/handle/", report_views.problem_report_handle, name="problem_report_handle"),
    path("<int:pk>/reopen/", report_views.problem_report_reopen, name="problem_report_reopen"),
]
