"""Back-office pages of decisions and certificates, mounted at /manage/certificates/ (next to
``expiry.urls``: ``expiring/``)."""

from django.urls import path

from . import historical, views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="certificate_list"),
    path("<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path(
        "decisions/historical/",
        historical.decision_record_historical,
        name="decision_record_historical",
    ),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>.pdf", views.decision_pdf, name="decision_pdf"),
    path("decisions/<int:pk>/sign/", views.decision_sign, name="decision_sign"),
    path("decisions/<int:pk>/discard/", views.decision_discard, name="decision_discard"),
    # Fragments loaded by htmx into the product's and the dossier's pages.
    path("products/<int:pk>/", views.product_certificates, name="product_certificates"),
    path("dossiers/<int:pk>/", views.dossier_decision, name="dossier_decision"),
]
