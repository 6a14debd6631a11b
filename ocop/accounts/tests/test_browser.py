import pytest

from conftest import login
from ocop.accounts.tests.factories import PASSWORD, province_officer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_official_logs_in_sees_the_start_page_and_logs_out(page):
    province_officer("11", username="dienbien")
    login(page, "dienbien", PASSWORD)
    assert "Điện Biên" in page.content()
    page.click("header form[action$='/logout/'] button")
    page.wait_for_url("**/")
    assert page.locator("a[href$='/accounts/login/']").count() >= 1
    assert page.console_errors == []
