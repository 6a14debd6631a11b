"""The statistics map in a real browser: today's provinces drawn from the bundled outline (no
tile server), shaded by their products with a legend and labels, the Hoàng Sa and Trường Sa
archipelagos labelled, Leaflet's zoom buttons with their glyph inside them, at 375 and 1280 px,
with no console error and no failed request."""

import pytest

from conftest import login
from ocop.accounts.tests.factories import PASSWORD, central_officer, province_officer

from .helpers import certified_products

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "[data-map=map-data-territories]"

# For each zoom button: its box and the box of its glyph ("+" or "−"), measured on the text.
ZOOM_GLYPHS = """() => [...document.querySelectorAll(".leaflet-control-zoom a")].map((button) => {
  const range = document.createRange();
  range.selectNodeContents(button);
  const glyph = range.getBoundingClientRect(), box = button.getBoundingClientRect();
  return {
    text: button.textContent.trim(),
    inside: glyph.top >= box.top && glyph.bottom <= box.bottom
      && glyph.left >= box.left && glyph.right <= box.right,
    offset: Math.abs((glyph.top + glyph.bottom) / 2 - (box.top + box.bottom) / 2),
  };
})"""


def watch_requests(page):
    """The requests that failed or were answered with an error, as they happen."""
    failures = []
    page.on(
        "requestfailed",
        lambda request: (
            failures.append(f"{request.url} ({request.failure})")
            if request.failure != "net::ERR_ABORTED"  # the browser's own, e.g. the favicon
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            failures.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400
            else None
        ),
    )
    return failures


def check_national_map(page, failures):
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload()
        page.locator(f"{MAP}[data-shapes]").wait_for()
        # 34 provinces and the 2 archipelagos, as SVG paths.
        assert page.locator(MAP).get_attribute("data-shapes") == "36"
        assert page.locator(f"{MAP} path.leaflet-interactive").count() == 36
        # Điện Biên has the products: labelled with its name and figure.
        label = page.locator(f"{MAP} .stats-map-label > span", has_text="Điện Biên")
        assert label.is_visible()
        assert label.inner_text().split() == ["Điện", "Biên", "3"]
        for name in ("Quần đảo Hoàng Sa (TP. Đà Nẵng)", "Quần đảo Trường Sa (tỉnh Khánh Hòa)"):
            assert page.locator(f"{MAP} .stats-map-archipelago > span", has_text=name).is_visible()
        legend = page.locator(f"{MAP} .stats-map-legend")
        assert legend.is_visible()
        assert "Sản phẩm" in legend.inner_text()
        assert "Natural Earth" in page.locator(f"{MAP} .leaflet-control-attribution").inner_text()
        glyphs = page.evaluate(ZOOM_GLYPHS)
        assert [glyph["text"] for glyph in glyphs] == ["+", "−"]
        for glyph in glyphs:
            assert glyph["inside"], glyph
            assert glyph["offset"] <= 3, glyph
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (width, overflow)
    assert page.console_errors == []
    assert failures == []


def test_open_data_map_shades_the_provinces(page):
    certified_products(province_officer("11"), 3)
    failures = watch_requests(page)
    page.goto("/open-data/")
    check_national_map(page, failures)


def test_national_dashboard_map_shades_the_provinces(page):
    certified_products(province_officer("11"), 3)
    failures = watch_requests(page)
    login(page, central_officer().username, PASSWORD)
    page.goto("/manage/stats/national/")
    check_national_map(page, failures)


def test_province_dashboard_map_zooms_to_the_province_with_its_communes(page):
    officer = province_officer("11")
    certified_products(officer, 2)
    failures = watch_requests(page)
    login(page, officer.username, PASSWORD)
    page.goto("/manage/stats/province/11/")
    page.locator(f"{MAP}[data-shapes]").wait_for()
    assert page.locator(MAP).get_attribute("data-markers") == "1"
    # The province fills the view: Lai Châu's outline is drawn beside it, Cà Mau's is not.
    bounds = page.evaluate(
        "() => [...document.querySelectorAll('.stats-map path.leaflet-interactive')]"
        ".filter((path) => path.getAttribute('d') && path.getAttribute('d') !== 'M0 0').length"
    )
    assert 1 < bounds < 36
    assert page.locator(f"{MAP} .stats-map-legend").is_visible()
    assert page.console_errors == []
    assert failures == []
