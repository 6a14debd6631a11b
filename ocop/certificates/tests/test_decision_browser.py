"""A provincial officer turns a council's proposal into a signed decision and prints the
certificate."""

import re

import pytest
from django.utils import timezone

from conftest import login
from ocop.accounts.tests.factories import PASSWORD, province_officer
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune

from ..models import Certificate, RecognitionDecision
from .factories import proposal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NAME = "Trà xanh Shan tuyết cổ thụ Tủa Chùa"


def test_officer_creates_a_decision_signs_it_and_opens_the_certificate_pdf(page):
    officer = province_officer("11")
    producer = ProducerFactory(name="Công ty TNHH MTV Hương Linh", commune=commune("03256"))
    result = proposal(ProductFactory(producer=producer, name=NAME, scoring_set_id=11), star=3)
    login(page, officer.username, PASSWORD)

    page.goto("/manage/certificates/decisions/new/")
    page.check(f"#id_dossier_{result.dossier_id}")
    page.fill("#id_number", "120/QĐ-UBND")
    page.fill("#id_decided_on", timezone.localdate().isoformat())
    page.fill("#id_signer_name", "Lê Thành Đô")
    page.click("#create-decision")
    page.wait_for_url(re.compile(r"/manage/certificates/decisions/\d+/$"))
    decision = RecognitionDecision.objects.get(number="120/QĐ-UBND")
    assert page.url.endswith(f"/decisions/{decision.pk}/")
    assert NAME in page.locator("#decision-items").inner_text()

    page.click("#sign-decision")
    page.wait_for_url(f"**/decisions/{decision.pk}/sign/")
    page.check("#id_confirm")
    page.click("#confirm-sign")
    page.wait_for_url(f"**/manage/certificates/decisions/{decision.pk}/")
    certificate = Certificate.objects.get(decision=decision)
    assert certificate.product.name == NAME

    page.click(f"#decision-items a:text('{certificate.number}')")
    page.wait_for_url(f"**/manage/certificates/{certificate.pk}/")
    assert "valid" in page.locator("#certificate-status").get_attribute("class")
    href = page.locator("#certificate-pdf").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert page.console_errors == []
