from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ocop.accounts.views import admin_login
from ocop.certificates.control import urls as control_urls

urlpatterns = [
    path("", include("ocop.market.urls")),
    path("", include("ocop.core.urls")),
    path("accounts/", include("ocop.accounts.urls")),
    path("regions/", include("ocop.regions.urls")),
    path("manage/producers/", include("ocop.producers.urls")),
    path("manage/products/", include("ocop.products.urls")),
    path("manage/self-assessments/", include("ocop.rubric.urls")),
    path("manage/evaluations/", include("ocop.evaluations.urls")),
    path("manage/certificates/", include("ocop.certificates.expiry.urls")),
    path("manage/certificates/", include("ocop.certificates.recognition.urls")),
    path("manage/inspections/", include((control_urls.inspections, "inspections"))),
    path("manage/revocations/", include((control_urls.revocations, "revocations"))),
    path("manage/problem-reports/", include((control_urls.problem_reports, "problem_reports"))),
    path("manage/stats/", include("ocop.stats.urls")),
    path("manage/imports/", include("ocop.imports.urls")),
    path("open-data/", include("ocop.stats.open_data_urls")),
    path("v/", include("ocop.certificates.recognition.public_urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

handler400 = "ocop.core.views.bad_request"
handler403 = "ocop.core.views.permission_denied"
handler404 = "ocop.core.views.page_not_found"
handler500 = "ocop.core.views.server_error"
