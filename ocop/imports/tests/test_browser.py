"""A provincial office imports a list in a real browser (Debian chromium via Playwright), with
the real task queue: upload → progress while the worker checks it → preview → commit →
progress while the worker writes it → report."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import login
from ocop.accounts.tests.factories import PASSWORD, province_officer
from ocop.certificates.recognition.models import Certificate
from ocop.regions.tests.factories import DIEN_BIEN

from ..models import RecognitionImport
from .lists import DIEN_BIEN_ROWS, xlsx_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_upload_preview_commit_progress_and_report(page, settings, tmp_path):
    settings.TASKS = DATABASE_QUEUE
    province_officer(DIEN_BIEN, username="vp-ocop")
    upload = tmp_path / "danh-sach-ocop.xlsx"
    upload.write_bytes(xlsx_file(DIEN_BIEN_ROWS, title_rows=[["DANH SÁCH SẢN PHẨM OCOP (mẫu)"]]))

    login(page, "vp-ocop", PASSWORD)
    page.goto("/manage/imports/")
    page.set_input_files("input[name=file]", str(upload))
    page.select_option("select[name=province]", DIEN_BIEN)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/manage/imports/*/")
    expect(page.locator("#import-progress")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    run_worker()  # the worker checks the rows; the polling page reloads itself
    expect(page.locator("#import-counts")).to_contain_text("5", timeout=15_000)
    assert page.evaluate("window.notReloaded") is None
    expect(page.locator("#row-3")).to_contain_text("Xã Sín Chải")
    expect(page.locator("#row-6")).to_contain_text("Gạo nếp Thanh Xương (mẫu)")
    assert Certificate.objects.count() == 0

    page.click("#commit-import")
    expect(page.locator("#import-progress")).to_be_visible()
    expect(page.locator("#import-status")).to_have_attribute("data-status", "committing")
    run_worker()  # the worker writes the rows, then refreshes the search entries
    expect(page.locator("#import-status")).to_have_attribute(
        "data-status", "committed", timeout=15_000
    )
    job = RecognitionImport.objects.get()
    assert job.status == "committed"
    assert Certificate.objects.count() == 4

    with page.expect_download() as download:
        page.click("#download-report")
    report = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert report[0].startswith("row,outcome,status,province_code,commune_code,confidence,star")
    assert len(report) == 6
    assert page.console_errors == []
