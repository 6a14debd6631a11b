from django.urls import path

from . import inspection_views as views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("plan/", views.inspection_plan, name="inspection_plan"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/record/", views.inspection_record, name="inspection_record"),
    path("<int:pk>/follow-up/", views.inspection_follow_up, name="inspection_follow_up"),
    path("<int:pk>/revoke/", views.inspection_escalate, name="inspection_escalate"),
    path("<int:pk>/cancel/", views.inspection_cancel, name="inspection_cancel"),
]
