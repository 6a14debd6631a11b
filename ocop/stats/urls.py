"""Officials' dashboards, mounted at /manage/stats/."""

from django.urls import path

from . import views

app_name = "stats"

LEVELS = (
    ("national", "national/"),
    ("province", "province/<str:code>/"),
    ("commune", "commune/<str:code>/"),
)

urlpatterns = [path("", views.stats_home, name="home")]
for level, prefix in LEVELS:
    urlpatterns += [
        path(prefix, views.dashboard, {"level": level}, name=f"dashboard_{level}"),
        path(
            f"{prefix}monthly-report.xlsx",
            views.monthly_report,
            {"level": level},
            name=f"monthly_report_{level}",
        ),
        path(
            f"{prefix}<slug:table>.<str:fmt>",
            views.table_export,
            {"level": level},
            name=f"export_{level}",
        ),
    ]
