"""A buyer on a phone (375 px wide) searches the catalogue, opens a product, sees its live
certificate status, sends an inquiry and follows the link to the official verification page; a
visitor opens the fairs calendar, an event and a producer taking part in it."""

import datetime
import re

import pytest
from django.utils import timezone

from ..models import Inquiry, Participation, SalesChannel, TradeEvent
from .helpers import certify, make_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Trà xanh Shan tuyết cổ thụ Tủa Chùa"


def test_phone_buyer_searches_opens_a_product_asks_for_a_quote_and_verifies_it(page):
    page.set_viewport_size({"width": 375, "height": 740})
    tea = make_product(NAME, "Công ty TNHH MTV Hương Linh", commune="03217")
    honey = make_product("Mật ong bánh tổ", "HTX Ong mật Điện Biên", commune="03352", scoring_set=4)
    certificate = certify([tea], star=3)[tea.pk]
    certify([honey], star=4)

    page.goto("/")
    page.fill("input[name=q]", "tra shan TUA CHUA")  # no tone marks, odd case
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/products/?q=*")
    results = page.locator("#results .product-card h3 a")
    assert results.all_inner_texts() == [NAME]
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    results.first.click()
    page.wait_for_url(f"**/products/{tea.pk}/")
    assert page.locator("h1").inner_text() == NAME
    status = page.locator("#certificate-status")
    assert status.get_attribute("data-status") == "valid"
    assert "valid" in status.get_attribute("class")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.fill("#id_buyer_name", "Nguyễn Thị Lan")
    page.fill("#id_organisation", "Cửa hàng đặc sản Tây Bắc")
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_quantity", "200")
    page.fill("#id_unit", "hộp")
    page.fill("#id_message", "Xin báo giá 200 hộp, giao tại Hà Nội.")
    page.click("#inquiry button[type=submit]")
    page.wait_for_url(re.compile(rf".*/products/{tea.pk}/inquiry/sent/(#inquiry)?$"))
    inquiry = Inquiry.objects.get()
    assert (inquiry.product_id, inquiry.quantity, inquiry.phone) == (tea.pk, 200, "0912 345 678")

    page.goto(f"/products/{tea.pk}/")
    page.click("#verify-link")
    page.wait_for_url(f"**/v/{certificate.public_code}")
    assert page.locator("h1").inner_text() == NAME
    assert "valid" in page.locator("#certificate-status").get_attribute("class")
    assert page.console_errors == []


def test_phone_visitor_opens_the_calendar_an_event_and_a_participating_producer(page):
    page.set_viewport_size({"width": 375, "height": 740})
    tea = make_product(NAME, "Công ty TNHH MTV Hương Linh", commune="03217")
    certify([tea], star=3)
    SalesChannel.objects.create(
        product=tea,
        kind="ecommerce",
        name="Gian hàng trên sàn bưu điện (mẫu)",
        url="https://postmart.example/huong-linh",
        is_sample=True,
    )
    today = timezone.localdate()
    fair = TradeEvent.objects.create(
        name="Hội chợ OCOP tỉnh Điện Biên (mẫu)",
        kind="fair",
        starts_on=today + datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=24),
        province_id="11",
        address="Quảng trường 7/5, phường Điện Biên Phủ",
        organiser="Văn phòng OCOP tỉnh Điện Biên",
        is_sample=True,
    )
    Participation.objects.create(event=fair, producer=tea.producer, status="accepted")

    page.goto("/events/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click(f"#events a[href='/events/{fair.pk}/']")
    page.wait_for_url(f"**/events/{fair.pk}/")
    assert page.locator("h1").inner_text() == fair.name
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.click("#participants a")
    page.wait_for_url(f"**/producers/{tea.producer_id}/")
    assert page.locator("h1").inner_text() == "Công ty TNHH MTV Hương Linh"
    assert page.locator("#producer-events a").inner_text() == fair.name
    link = page.locator("#where-to-buy a")
    assert link.get_attribute("rel") == "nofollow noopener noreferrer"
    assert link.get_attribute("target") == "_blank"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.console_errors == []
