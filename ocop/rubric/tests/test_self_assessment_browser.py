"""A producer member fills in a self-assessment on a phone, in a real browser (Debian chromium
via Playwright): each answer is saved by htmx and the total updates without a reload."""

import pytest
from playwright.sync_api import expect

from conftest import login
from ocop.accounts.tests.factories import PASSWORD
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.rubric.models import SelfAssessment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_producer_fills_part_of_the_sheet_on_a_phone_and_sees_the_total_update(page):
    producer = ProducerFactory(name="Công ty TNHH MTV Hương Linh", is_sample=False)
    product = ProductFactory(producer=producer, name="Trà xanh Shan tuyết cổ thụ Tủa Chùa")
    producer_member(producer, username="huonglinh")
    page.set_viewport_size({"width": 375, "height": 812})

    login(page, "huonglinh", PASSWORD)
    page.goto("/manage/self-assessments/")
    page.select_option("select[name=product]", str(product.pk))
    page.click("main form[action='/manage/self-assessments/new/'] button[type=submit]")
    page.wait_for_url(f"**/manage/self-assessments/new/?product={product.pk}")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/manage/self-assessments/*/")
    assessment = SelfAssessment.objects.get(product=product)
    total = page.locator("#sa-total")
    expect(total).to_have_text("0")

    # A marker in the page's window survives htmx swaps but not a reload.
    page.evaluate("window.notReloaded = true")
    page.check("input[name='answer-1.1'][value='3']")  # 3 points
    expect(total).to_have_text("3")
    page.check("input[name='answer-4.1'][value='4']")  # 5 points
    expect(total).to_have_text("8")
    expect(page.locator("#score-4-1")).to_contain_text("5")
    page.check("input[name='answer-2.2'][value='3']")  # 2 points
    expect(total).to_have_text("10")
    expect(page.locator("#sa-part-A")).to_have_text("5")  # 1.1 and 2.2
    expect(page.locator("#sa-part-B")).to_have_text("5")  # 4.1
    page.check("input[name='answer-1.1'][value='']")  # cleared
    expect(total).to_have_text("7")
    expect(page.locator("#sa-live")).to_contain_text("7/100")
    assert page.evaluate("window.notReloaded") is True

    assessment.refresh_from_db()
    assert assessment.answers == {"4.1": 4, "2.2": 3}
    assert assessment.total == 7

    page.reload()
    assert page.evaluate("window.notReloaded") is None
    expect(total).to_have_text("7")
    expect(page.locator("input[name='answer-4.1'][value='4']")).to_be_checked()
    expect(page.locator("input[name='answer-2.2'][value='3']")).to_be_checked()
    expect(page.locator("input[name='answer-1.1'][value='']")).to_be_checked()
    assert page.console_errors == []
