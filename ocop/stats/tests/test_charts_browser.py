"""The charts draw under the strict CSP: Chart.js (vendored) reads each chart's figures from its
JSON block, with no console error (a CSP violation would be one)."""

import pytest

from conftest import login
from ocop.accounts.tests.factories import PASSWORD, central_officer, province_officer

from .helpers import certified_products

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = "(id) => Chart.getChart(document.querySelector(`canvas[data-chart='${id}']`)) !== undefined"


def test_public_open_data_page_draws_its_charts(page):
    certified_products(province_officer("11"), 3)
    page.goto("/open-data/")
    page.wait_for_load_state("load")
    assert page.locator("[data-figure=products]").inner_text() == "3"
    for key in ("by_star", "by_sector", "by_producer_type", "territories"):
        assert page.evaluate(DRAWN, f"chart-data-{key}"), key
    # The map beside the provinces' table: test_map_browser.py.
    assert page.console_errors == []


def test_national_dashboard_draws_its_charts(page):
    certified_products(province_officer("11"), 2)
    user = central_officer()
    login(page, user.username, PASSWORD)
    page.goto("/manage/stats/national/")
    page.wait_for_load_state("load")
    assert page.locator("[data-figure=products]").inner_text() == "2"
    assert page.evaluate(DRAWN, "chart-data-by_year")
    assert page.console_errors == []
