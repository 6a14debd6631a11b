"""Public verification addresses, mounted at /v/ by config/urls.py:
``path("v/", include("ocop.certificates.recognition.public_urls"))``."""

from django.urls import path

from . import public_views

app_name = "verify"

urlpatterns = [
    path("<str:code>", public_views.certificate_verify, name="certificate_verify"),
    path("<str:code>/report", public_views.problem_report, name="problem_report"),
    path("<str:code>/check-pdf", public_views.certificate_pdf_check, name="pdf_check"),
    path("<str:code>/report/sent", public_views.problem_report_sent, name="problem_report_sent"),
    # Login required, scoped to the certificates the user may see.
    path("<str:code>/certificate.pdf", public_views.certificate_pdf, name="certificate_pdf"),
    path(
        "<str:code>/stamps.pdf", public_views.certificate_stamps_pdf, name="certificate_stamps_pdf"
    ),
]
