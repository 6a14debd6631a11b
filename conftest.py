"""Project-wide test set-up: uploads in a temporary folder, and a real browser (Debian's
chromium driven by Playwright) for the tests marked `browser`."""

import base64
import os
import re
import shutil
import time

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads (public and private) go to a temporary folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _chromium_path():
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if not os.path.exists(path):
        message = f"Debian chromium not found at {path} (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous, so tell Django that is intended.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # A loaded 2-core CI machine may take longer than Playwright's 5 s to re-render a page.
    expect.set_options(timeout=15_000)

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def reference_data(transactional_db):
    """The rows that migrations load (units, classification, holidays, the 26/2026 rubric).

    Browser tests run in real transactions, and the database is flushed after each of them;
    loading the reference data again at the start is cheaper than serialising the whole
    database for a rollback."""
    from ocop.core.holidays import load_public_holidays
    from ocop.products.classification import load_classification
    from ocop.products.models import ProductGroup, ScoringSet, Sector
    from ocop.regions.loader import load_all
    from ocop.rubric.services import load_version_from_data

    load_all()
    load_classification(Sector, ProductGroup, ScoringSet)
    load_public_holidays()
    load_version_from_data("26-2026")


@pytest.fixture
def page(browser, live_server, reference_data):
    """A fresh browser tab on the live test server, with console errors collected."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    tab = context.new_page()
    tab.console_errors = []
    tab.on(
        "console",
        lambda message: (
            tab.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def login(page, username, password):
    """Log in through the pages, with the second factor where the role requires it: the
    setup page's key read as the user's phone would, then the code typed in."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit] >> nth=-1")
    page.wait_for_url(re.compile(r".*/accounts/(home|two-factor/setup|two-factor/verify)/$"))
    if page.url.endswith("/two-factor/setup/"):
        key = base64.b32decode(page.inner_text("#totp-secret"))
        page.fill("#id_code", _current_code(key))
        page.click("article button[type=submit] >> nth=0")
        page.click("#recovery-codes ~ p a")
    elif page.url.endswith("/two-factor/verify/"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_code", _current_code(device.bin_key, after=device.last_t))
        page.click("article button[type=submit] >> nth=0")
    page.wait_for_url("**/accounts/home/")


def _current_code(key, after=-1):
    """The authenticator's code now, or in the next 30 s step when this one was used."""
    from django_otp.oath import TOTP

    totp = TOTP(key)
    if totp.t() <= after:
        time.sleep(30 - time.time() % 30 + 0.1)
    return f"{totp.token():06d}"
