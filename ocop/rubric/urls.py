"""Self-assessments, mounted by config/urls.py at /manage/self-assessments/."""

from django.urls import path

from . import views

app_name = "rubric"
urlpatterns = [
    path("", views.selfassessment_list, name="selfassessment_list"),
    path("new/", views.selfassessment_start, name="selfassessment_start"),
    path("<int:pk>/", views.selfassessment_detail, name="selfassessment_detail"),
    path("<int:pk>/answer/", views.selfassessment_answer, name="selfassessment_answer"),
    path("<int:pk>/finish/", views.selfassessment_finish, name="selfassessment_finish"),
    path("<int:pk>/print/", views.selfassessment_print, name="selfassessment_print"),
]
