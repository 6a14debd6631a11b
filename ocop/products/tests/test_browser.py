"""A producer member edits a product in a real browser (Debian chromium via Playwright)."""

import pytest

from conftest import login
from ocop.accounts.tests.factories import PASSWORD
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.models import Product
from ocop.products.tests.factories import ProductFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_producer_member_edits_own_product_on_a_phone(page):
    producer = ProducerFactory(name="Công ty TNHH MTV Hương Linh", is_sample=False)
    product = ProductFactory(producer=producer, name="Trà xanh Shan tuyết cổ thụ Tủa Chùa")
    other = ProductFactory(name="Sản phẩm của chủ thể khác (mẫu)")
    producer_member(producer, username="huonglinh")
    page.set_viewport_size({"width": 375, "height": 812})

    login(page, "huonglinh", PASSWORD)
    page.goto("/manage/products/")
    assert page.locator("text=Sản phẩm của chủ thể khác").count() == 0
    page.click(f"a[href='/manage/products/{product.pk}/']")
    page.click(f"a[href='/manage/products/{product.pk}/edit/']")
    page.fill("#id_story", "Búp chè Shan tuyết hái từ cây cổ thụ trên núi Tủa Chùa.")
    page.fill("#id_price_min", "250000")
    page.fill("#id_price_max", "120000")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    # The wrong price range is refused with a message and nothing is saved.
    assert page.locator(".errorlist").count() >= 1
    product.refresh_from_db()
    assert product.story == ""

    page.fill("#id_price_max", "450000")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/manage/products/{product.pk}/")
    assert "Búp chè Shan tuyết" in page.content()

    product.refresh_from_db()
    assert product.story.startswith("Búp chè Shan tuyết")
    assert (product.price_min, product.price_max) == (250_000, 450_000)
    assert AuditEvent.objects.filter(object_id=str(product.pk), action="product.updated").exists()
    assert Product.objects.get(pk=other.pk).story == ""
    assert page.console_errors == []
