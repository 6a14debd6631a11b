"""Post-recognition control pages, in two URL namespaces that config/urls.py mounts:
``inspections`` at /manage/inspections/ and ``problem_reports`` (the offices' inbox) at
/manage/problem-reports/::

    path("manage/inspections/", include((control_urls.inspections, "inspections"))),
    path("manage/problem-reports/", include((control_urls.problem_reports, "problem_reports"))),
"""

from django.urls import path

from . import views

inspections = [
    path("", views.inspection_list, name="inspection_list"),
    path("plan/", views.inspection_plan, name="inspection_plan"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/record/", views.inspection_record, name="inspection_record"),
    path("<int:pk>/follow-up/", views.inspection_follow_up, name="inspection_follow_up"),
    path("<int:pk>/revoke/", views.inspection_escalate, name="inspection_escalate"),
    path("<int:pk>/cancel/", views.inspection_cancel, name="inspection_cancel"),
]
problem_reports = [
    path("", views.problem_report_list, name="problem_report_list"),
    path("<int:pk>/", views.problem_report_detail, name="problem_report_detail"),
    path("<int:pk>/handle/", views.problem_report_handle, name="problem_report_handle"),
    path("<int:pk>/reopen/", views.problem_report_reopen, name="problem_report_reopen"),
]
