"""A consumer scans a stamp: the verification page opens without login, and they report a
problem from it."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from ocop.accounts.tests.factories import province_officer
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune

from ..models import Certificate, ProblemReport
from .factories import historical_certificate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NAME = "Trà xanh Shan tuyết cổ thụ Tủa Chùa"


def test_consumer_scans_a_stamp_sees_the_status_and_reports_a_problem(page):
    producer = ProducerFactory(name="Công ty TNHH MTV Hương Linh", commune=commune("03256"))
    certificate = historical_certificate(
        province_officer("11"),
        ProductFactory(producer=producer, name=NAME),
        issued_on=timezone.localdate() - datetime.timedelta(days=365),
    )

    page.goto(f"/v/{certificate.public_code}")  # what the QR code opens
    assert page.locator("h1").inner_text() == NAME
    status = page.locator("#certificate-status")
    assert "valid" in status.get_attribute("class")
    assert "Công ty TNHH MTV Hương Linh" in page.content()

    page.check("input[name=kind][value=not_valid_on_sale]")
    page.fill("textarea[name=message]", "Tem dán trên hộp trà bán ở chợ, nghi là giả.")
    page.click("#report button[type=submit]")
    page.wait_for_url(f"**/v/{certificate.public_code}/report/sent")
    with translation.override("vi"):  # the tab's language
        thanks = gettext("Thank you: your report was sent")
    assert page.locator("h1").inner_text() == thanks

    report = ProblemReport.objects.get()
    assert report.certificate_id == certificate.pk
    assert report.kind == ProblemReport.Kind.NOT_VALID_ON_SALE
    assert report.province_id == "11"
    assert Certificate.objects.get(pk=certificate.pk).scan_count == 1
    assert page.console_errors == []
