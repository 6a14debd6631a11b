"""Every absolute address the platform prints is on SITE_URL (ocop.core.links), whatever Host
the request came with: the sitemap, the product page's canonical link and JSON-LD, the
iCalendar feed. (The certificate PDF and its QR code: ``certificates/tests/test_pdf.py``; a
problem report's e-mail: ``certificates/tests/test_problem_report_inbox.py``.) A source check
keeps it one place: only ``ocop/core/links.py`` reads SITE_URL."""

import re
from pathlib import Path

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse

from ocop.market.tests.helpers import certify, make_product
from ocop.market.tests.test_events import event

SITE = "https://ocop.example.gov.vn"
ROOT = Path(settings.BASE_DIR) / "ocop"
URL = re.compile(r"https?://[^\s\"'<>\\]+")


@override_settings(SITE_URL=SITE, ALLOWED_HOSTS=["testserver", "forged.example"])
class AbsoluteAddressesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tea = make_product("Trà Shan tuyết mẫu")
        certify([cls.tea], star=4)
        cls.fair = event()

    def get(self, url):
        response = self.client.get(url, HTTP_HOST="forged.example")
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def platform_urls(self, text):
        """The absolute addresses in ``text`` that point at a page of ours (not schema.org,
        the W3C, or a producer's own site)."""
        return [
            url
            for url in URL.findall(text)
            if "forged.example" in url or "testserver" in url or url.startswith(SITE)
        ]

    def assert_on_site(self, text, *, at_least=1):
        urls = self.platform_urls(text)
        self.assertGreaterEqual(len(urls), at_least, text[:300])
        self.assertEqual([url for url in urls if not url.startswith(SITE + "/")], [])

    def test_sitemap_product_page_and_calendar(self):
        self.assert_on_site(self.get(reverse("market:sitemap")), at_least=2)
        page = self.get(reverse("market:product_detail", args=[self.tea.pk]))
        self.assert_on_site(page, at_least=2)  # canonical link, JSON-LD
        self.assertIn(f'"url": "{SITE}/', page.replace('":"', '": "'))
        self.assert_on_site(self.get(reverse("market:calendar_ics")), at_least=1)

    def test_one_place_builds_absolute_addresses(self):
        """Only ``ocop/core/links.py`` reads SITE_URL, and nothing builds an address from the
        request's Host header."""
        offenders = []
        for path in ROOT.rglob("*.py"):
            if "tests" in path.parts or path.name == "links.py" or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "settings.SITE_URL" in text or "build_absolute_uri" in text:
                offenders.append(str(path.relative_to(ROOT)))
        self.assertEqual(offenders, [])
