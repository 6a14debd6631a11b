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


def test_officer_records_a_historical_decision_typing_the_products(page):
    """A province with many products: each row's box suggests them from one list; "More rows"
    keeps what was typed."""
    officer = province_officer("11")
    producer = ProducerFactory(name="HTX Ong mật Điện Biên", commune=commune("03256"))
    honey = ProductFactory(producer=producer, name="Mật ong bánh tổ", scoring_set_id=4)
    tea = ProductFactory(producer=producer, name=NAME, scoring_set_id=11)
    login(page, officer.username, PASSWORD)

    page.goto("/manage/certificates/decisions/historical/")
    suggestions = page.locator("#historical-products option")
    labels = [suggestions.nth(index).get_attribute("value") for index in range(suggestions.count())]
    assert len(labels) == 2
    page.fill("#id_number", "1047/QĐ-UBND")
    page.fill("#id_decided_on", "2022-07-15")
    page.fill("#id_signer_name", "Lê Thành Đô")
    honey_label = next(label for label in labels if label.startswith(honey.name))
    page.fill("#id_rows-0-product", honey_label)
    page.select_option("#id_rows-0-star", "4")
    page.fill("#id_rows-0-number", "GCN-1047-01")

    page.click("#more-rows")
    page.wait_for_load_state()
    assert page.locator("#historical-rows tbody tr").count() == 10
    assert page.input_value("#id_rows-0-product") == honey_label
    assert page.input_value("#id_number") == "1047/QĐ-UBND"
    page.fill("#id_rows-7-product", "tra xanh shan tuyet co thu tua chua")  # no tone marks
    page.select_option("#id_rows-7-star", "3")
    page.fill("#id_rows-7-number", "GCN-1047-02")
    page.click("#record-historical")
    page.wait_for_url(re.compile(r"/manage/certificates/decisions/\d+/$"))

    decision = RecognitionDecision.objects.get(number="1047/QĐ-UBND")
    assert decision.is_historical
    assert dict(Certificate.objects.values_list("number", "product_id")) == {
        "GCN-1047-01": honey.pk,
        "GCN-1047-02": tea.pk,
    }
    assert page.console_errors == []
