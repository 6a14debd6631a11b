"""Post-recognition control pages, in three URL namespaces that config/urls.py mounts:
``inspections`` at /manage/inspections/, ``revocations`` (the revocations due) at
/manage/revocations/ and ``problem_reports`` (the offices' inbox) at /manage/problem-reports/::

    path("manage/inspections/", include((control_urls.inspections, "inspections"))),
    path("manage/revocations/", include((control_urls.revocations, "revocations"))),
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
revocations = [
    path("", views.revocation_case_list, name="revocation_case_list"),
    path(
        "certificates/<int:pk>/record/",
        views.revocation_case_record,
        name="revocation_case_record",
    ),
    path("<int:pk>/withdraw/", views.revocation_case_withdraw, name="revocation_case_withdraw"),
]
problem_reports = [
    path("", views.problem_report_list, name="problem_report_list"),
    path("<int:pk>/", views.problem_report_detail, name="problem_report_detail"),
    path("<int:pk>/handle/", views.problem_report_handle, name="problem_report_handle"),
    path("<int:pk>/reopen/", views.problem_report_reopen, name="problem_report_reopen"),
]
