"""In a real browser: the provincial office plans an inspection from the list, records the
visit with a finding against a criterion of the product's sheet, records that the findings
were not corrected and revokes the certificate; the stamp's public page then says revoked.

The browser runs on the real clock, so the dates are counted from today."""

import datetime
import os

import pytest
from django.utils import timezone

from conftest import login
from ocop.accounts.tests.factories import PASSWORD, province_officer

from ..models import Certificate, Inspection
from .factories import historical_certificate, tea_product

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SCREENSHOTS = os.environ.get("INSPECTION_SCREENSHOTS")  # a folder, to look at the pages


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_the_office_plans_records_and_revokes_and_the_stamp_says_revoked(page):
    today = timezone.localdate()
    officer = province_officer("11")
    certificate = historical_certificate(
        officer, tea_product(), issued_on=today - datetime.timedelta(days=300)
    )

    login(page, officer.username, PASSWORD)
    page.goto("/manage/inspections/")
    shot(page, "1-list-empty")
    page.click("a[href='/manage/inspections/plan/']")
    page.select_option("select[name=certificate]", str(certificate.pk))
    page.select_option("select[name=kind]", "ad_hoc")
    page.fill("input[name=trigger]", "Phản ánh số 12")
    page.fill("textarea[name=team]", "Lò Văn Thắng, Cà Thị Hoa")
    shot(page, "2-plan")
    page.click("main button[type=submit]")
    inspection = Inspection.objects.get()
    page.wait_for_url(f"**/manage/inspections/{inspection.pk}/")

    page.click(f"a[href='/manage/inspections/{inspection.pk}/record/']")
    page.select_option("select[name=outcome]", "corrective_action")
    page.fill("input[name=corrective_deadline]", today.isoformat())
    page.select_option("select[name=findings-0-area]", "criterion")
    page.select_option("select[name=findings-0-criterion]", index=1)
    page.fill("textarea[name=findings-0-description]", "Hợp đồng liên kết đã hết hạn")
    page.select_option("select[name=findings-0-severity]", "major")
    shot(page, "3-record")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/manage/inspections/{inspection.pk}/")
    assert "Hợp đồng liên kết đã hết hạn" in page.content()
    shot(page, "4-detail-recorded")

    page.click(f"a[href='/manage/inspections/{inspection.pk}/follow-up/']")
    page.check("input[name=corrected][value=no]")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/manage/inspections/{inspection.pk}/")
    page.click(f"a[href='/manage/inspections/{inspection.pk}/revoke/']")
    page.fill("input[name=decision_number]", "321/QĐ-UBND")
    shot(page, "5-escalate")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/manage/inspections/{inspection.pk}/")
    shot(page, "6-detail-closed")
    assert Certificate.objects.get(pk=certificate.pk).revoked_on == today

    page.goto(f"/v/{certificate.public_code}")
    status = page.locator("#certificate-status")
    assert "expired" in status.get_attribute("class")
    assert "321/QĐ-UBND" in status.inner_text()
    page.goto("/manage/inspections/")
    shot(page, "7-list")
    assert page.console_errors == []
