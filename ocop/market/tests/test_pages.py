"""The public pages: who is listed, what each page shows, bad input, query budgets, SEO."""

import datetime
import json
import re
from urllib.parse import urlencode

import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.tests.factories import province_officer
from ocop.certificates.control.revocation import revoke_certificate
from ocop.certificates.models import Certificate
from ocop.products.tests.factories import ProductPhotoFactory, image_bytes

from .. import listing, pages
from ..models import SearchEntry
from .helpers import certify, make_product

HUGE = "9" * 25
SITE = settings.SITE_URL


def listed_names(response):
    return [product.name for product in response.context["page"].object_list]


class ListingRuleTests(TestCase):
    """Only products holding a certificate valid today are listed, and they leave at once."""

    @classmethod
    def setUpTestData(cls):
        cls.tea = make_product("Trà xanh Phan Nhất", "Phan Nhất", commune="03313")
        cls.coffee = make_product("Cà phê bột Hà Chung", "Cà phê Hà Chung")
        cls.draft = make_product("Khoai sọ nương Sín Chải (mẫu)")  # never certified
        certificates = certify([cls.tea, cls.coffee], star=4)
        cls.tea_certificate = certificates[cls.tea.pk]

    def test_only_certified_products_are_listed(self):
        response = self.client.get(reverse("market:product_list"))
        self.assertEqual(response.status_code, 200)
        self.assertCountEqual(listed_names(response), [self.tea.name, self.coffee.name])
        self.assertNotContains(response, self.draft.name)

    def test_a_never_certified_product_has_no_public_page(self):
        response = self.client.get(reverse("market:product_detail", args=[self.draft.pk]))
        self.assertEqual(response.status_code, 404)
        response = self.client.get(reverse("market:producer_detail", args=[self.draft.producer_id]))
        self.assertEqual(response.status_code, 404)

    def test_a_revoked_product_leaves_the_catalogue_at_once_and_its_page_says_so(self):
        revoke_certificate(
            self.tea_certificate,
            actor=province_officer("11"),
            ground="mark_misuse",
            decision_number="15/QĐ-UBND",
            decided_on=timezone.localdate(),
            finding_on=timezone.localdate(),
        )
        response = self.client.get(reverse("market:product_list"))
        self.assertEqual(listed_names(response), [self.coffee.name])
        response = self.client.get(reverse("market:product_list"), {"q": "phan nhat"})
        self.assertEqual(listed_names(response), [])
        response = self.client.get(reverse("market:home"))
        self.assertNotContains(response, self.tea.name)
        page = self.client.get(reverse("market:product_detail", args=[self.tea.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'data-status="revoked"')
        self.assertContains(page, '<meta name="robots" content="noindex, follow">')
        self.assertNotContains(page, '"award"')
        self.assertFalse(page.context["is_listed"])
        sitemap = self.client.get(reverse("market:sitemap")).content.decode()
        self.assertNotIn(reverse("market:product_detail", args=[self.tea.pk]), sitemap)

    def test_an_expired_product_leaves_the_catalogue_the_day_after_expiry(self):
        valid_until = self.tea_certificate.valid_until
        with time_machine.travel(datetime.datetime.combine(valid_until, datetime.time(12))):
            response = self.client.get(reverse("market:product_list"))
            self.assertIn(self.tea.name, listed_names(response))
        day_after = valid_until + datetime.timedelta(days=1)
        with time_machine.travel(datetime.datetime.combine(day_after, datetime.time(12))):
            response = self.client.get(reverse("market:product_list"))
            self.assertNotIn(self.tea.name, listed_names(response))
            page = self.client.get(reverse("market:product_detail", args=[self.tea.pk]))
            self.assertContains(page, 'data-status="expired"')

    def test_the_product_page_shows_the_live_status_and_links_to_the_verification_page(self):
        response = self.client.get(reverse("market:product_detail", args=[self.tea.pk]))
        self.assertContains(response, 'data-status="valid"')
        self.assertContains(
            response,
            reverse("verify:certificate_verify", args=[self.tea_certificate.public_code]),
        )
        self.assertContains(response, self.tea_certificate.number)
        self.assertContains(response, "★★★★")
        self.assertTrue(response.context["is_listed"])


class CatalogueFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tea = make_product(
            "Trà Shan tuyết Phình Giàng (mẫu)",
            kind="cooperative",
            commune="03382",
            scoring_set=11,
            available_months=0b000000001110,  # February to April
        )
        cls.honey = make_product(
            "Mật ong hoa rừng Tủa Chùa (mẫu)", kind="household", commune="03217", scoring_set=4
        )
        cls.lai_chau = make_product(
            "Chè Tam Đường (mẫu)", kind="enterprise", commune="03390", scoring_set=11
        )
        certify([cls.tea], star=4)
        certify([cls.honey], star=3)
        certify([cls.lai_chau], star=5, province_code="12")

    def names(self, **params):
        response = self.client.get(reverse("market:product_list"), params)
        self.assertEqual(response.status_code, 200)
        return sorted(listed_names(response))

    def test_filters(self):
        self.assertEqual(self.names(province="12"), [self.lai_chau.name])
        self.assertEqual(self.names(province="11", commune="03217"), [self.honey.name])
        self.assertEqual(self.names(star="4"), [self.tea.name])
        self.assertEqual(self.names(kind="household"), [self.honey.name])
        self.assertEqual(self.names(set="4"), [self.honey.name])
        self.assertEqual(self.names(group="2"), [self.honey.name])
        self.assertEqual(
            self.names(sector="1"), sorted([self.tea.name, self.honey.name, self.lai_chau.name])
        )
        self.assertEqual(
            self.names(month="3"), sorted([self.tea.name, self.honey.name, self.lai_chau.name])
        )
        self.assertEqual(self.names(month="7"), sorted([self.honey.name, self.lai_chau.name]))
        self.assertEqual(self.names(province="11", q="tra"), [self.tea.name])

    def test_sorting(self):
        def order(sort, **params):
            response = self.client.get(reverse("market:product_list"), {"sort": sort, **params})
            return listed_names(response)

        self.assertEqual(order("stars"), [self.lai_chau.name, self.tea.name, self.honey.name])
        self.assertEqual(order("name"), [self.lai_chau.name, self.honey.name, self.tea.name])
        self.assertEqual(order("relevance", q="tra shan"), [self.tea.name])

    def test_bad_filter_values_are_ignored_not_errors(self):
        everything = self.names()
        for params in [
            {"province": "<script>"},
            {"province": HUGE},
            {"commune": "zz"},
            {"sector": "x"},
            {"group": HUGE},
            {"set": "-1"},
            {"star": "9"},
            {"star": "¹"},
            {"kind": "robot"},
            {"month": "13"},
            {"month": "0"},
            {"sort": "price; DROP"},
            {"page": "abc"},
            {"page": HUGE},
            {"page": "-5"},
            {"q": ""},
        ]:
            with self.subTest(params=params):
                self.assertEqual(self.names(**params), everything)

    def test_the_catalogue_answers_an_htmx_request_with_the_results_only(self):
        response = self.client.get(
            reverse("market:product_list"), {"q": "mat ong"}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, self.honey.name)
        self.assertNotContains(response, "<html")

    def test_province_page_counts_listed_products_per_star(self):
        response = self.client.get(reverse("market:province_detail", args=["11"]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["star_counts"], [(5, 0), (4, 1), (3, 1)])
        self.assertEqual(response.context["total"], 2)
        self.assertContains(response, self.tea.name)
        self.assertNotContains(response, self.lai_chau.name)

    def test_producer_page_lists_its_listed_products(self):
        response = self.client.get(reverse("market:producer_detail", args=[self.honey.producer_id]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([p.name for p in response.context["products"]], [self.honey.name])
        self.assertNotContains(response, self.honey.producer.phone)

    def test_home_features_four_and_five_star_products(self):
        response = self.client.get(reverse("market:home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="vi">')
        featured = [product.name for product in response.context["featured"]]
        self.assertEqual(featured, [self.lai_chau.name, self.tea.name])
        self.assertEqual(response.context["total"], 3)


class BadAddressTests(TestCase):
    def test_unknown_or_malformed_addresses_are_not_found(self):
        for url in [
            f"/products/{HUGE}/",
            f"/producers/{HUGE}/",
            "/products/0/",
            "/provinces/zz/",
            f"/provinces/{HUGE}/",
            f"/products/1/photos/{HUGE}/",
            f"/products/{HUGE}/photos/1/thumbnail/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_pages_only_answer_get(self):
        product = make_product("Măng khô Mường Chà (mẫu)")
        certify([product])
        for url in [
            reverse("market:home"),
            reverse("market:product_list"),
            reverse("market:product_detail", args=[product.pk]),
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url).status_code, 405)


class PhotoTests(TestCase):
    def test_photos_of_certified_products_are_public_others_are_not(self):
        certified = make_product("Thảo quả sấy khô Mường Nhé (mẫu)")
        draft = make_product("Cao khô hà thủ ô (mẫu)")
        certify([certified])
        name = default_storage.save("products/test/photo.png", ContentFile(image_bytes()))
        photo = ProductPhotoFactory(product=certified, image=name, thumbnail=name)
        hidden = ProductPhotoFactory(product=draft, image=name, thumbnail=name)
        missing = ProductPhotoFactory(product=certified)  # its file was never written

        response = self.client.get(reverse("market:photo_thumbnail", args=[certified.pk, photo.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(
            self.client.get(reverse("market:photo_image", args=[draft.pk, hidden.pk])).status_code,
            404,
        )
        self.assertEqual(
            self.client.get(reverse("market:photo_image", args=[draft.pk, photo.pk])).status_code,
            404,
        )
        self.assertEqual(
            self.client.get(
                reverse("market:photo_image", args=[certified.pk, missing.pk])
            ).status_code,
            404,
        )


class QueryBudgetTests(TestCase):
    """Public pages: at most 8 queries, the same for 5 and for 50 products."""

    def build(self, count):
        producer_product = make_product("Trà Shan tuyết mẫu 0")
        products = [producer_product] + [
            make_product(f"Trà Shan tuyết mẫu {n}", producer=producer_product.producer)
            for n in range(1, count)
        ]
        for product in products:
            ProductPhotoFactory(product=product)
            ProductPhotoFactory(product=product)
        certify(products, star=4)
        return products

    def assert_same_count(self, url_for, expected):
        for count in (5, 50):
            Certificate.objects.all().delete()
            SearchEntry.objects.all().delete()
            products = self.build(count)
            url = url_for(products)
            # As every request after the first: the day's listing summary is built and the
            # filter choices (reference data) are in the server's cache.
            self.client.get(url)
            with self.subTest(count=count), self.assertNumQueries(expected):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)

    def test_catalogue(self):
        # the count from the listing summary; the page of listings (a seek); their products
        # with producer and places; their photos (provinces, sets and communes are cached)
        self.assert_same_count(lambda products: reverse("market:product_list") + "?province=11", 4)

    def after_first_row(self):
        """The address of the rows after the first one shown (what "Next" links to)."""
        first = listing.listed_on(timezone.localdate()).order_by("-star", "name_key", "product_id")[
            0
        ]
        cursor = pages.sign_cursor(
            1, [first.star, first.name_key, first.product_id], backwards=False, sort="stars"
        )
        return "?" + urlencode({"province": "11", "cursor": cursor})

    def test_catalogue_next_page(self):
        # the same queries as the first page: the rows after the signed boundary
        self.assert_same_count(
            lambda products: reverse("market:product_list") + self.after_first_row(), 4
        )

    def test_catalogue_last_page(self):
        # the same queries as the first page: the last page reads the reversed index
        self.assert_same_count(
            lambda products: reverse("market:product_list") + "?province=11&page=last", 4
        )

    def test_search(self):
        # count of the matching listings (up to the cap; on SQLite in the same query as the
        # index's estimate of each ranking tier's size); the page, one bounded read per tier
        # in one query; their products; their photos
        self.assert_same_count(lambda products: reverse("market:product_list") + "?q=tra+shan", 4)

    def test_product_page(self):
        # the product with producer and places (its set from the cached reference data); its
        # certificates; its photos; the listings of its set and of its producer (one query);
        # their products; their photos; its active sales channels; its producer's upcoming
        # events
        self.assert_same_count(
            lambda products: reverse("market:product_detail", args=[products[0].pk]), 8
        )

    def test_producer_page(self):
        # the producer; its listed products; their photos; their active sales channels; its
        # upcoming events
        self.assert_same_count(
            lambda products: reverse("market:producer_detail", args=[products[0].producer_id]), 5
        )

    def test_province_page(self):
        # the province; listed products per star; per commune; the best products; their photos
        self.assert_same_count(lambda products: reverse("market:province_detail", args=["11"]), 5)

    def test_home(self):
        # featured listings; their products; their photos; the listing summary per province;
        # upcoming events
        self.assert_same_count(lambda products: reverse("market:home"), 5)

    def test_sitemap(self):
        # listed products; their producers; their provinces; upcoming events
        self.assert_same_count(lambda products: reverse("market:sitemap"), 4)


class SeoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.product = make_product(
            "Cà phê Arabica hạt rang Hồng Kỳ HK13",
            "Cà phê Hồng Kỳ </script><script>alert(1)</script>",
            description="Cà phê Arabica & hạt rang <b>mộc</b>.",
            price_min=150_000,
            price_max=180_000,
        )
        certify([cls.product], star=4)

    def test_product_page_carries_json_ld_open_graph_and_a_canonical_address(self):
        response = self.client.get(reverse("market:product_detail", args=[self.product.pk]))
        html = response.content.decode()
        nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        match = re.search(
            r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', html, re.S
        )
        self.assertEqual(match.group(1), nonce)
        data = json.loads(match.group(2))
        self.assertEqual(data["@type"], "Product")
        self.assertEqual(data["name"], self.product.name)
        self.assertEqual(data["brand"]["name"], self.product.producer.name)
        self.assertEqual(data["offers"]["lowPrice"], 150_000)
        self.assertIn("4", data["award"])
        self.assertNotIn("</script><script>", match.group(2))
        url = f"{SITE}/products/{self.product.pk}/"
        self.assertEqual(data["url"], url)
        self.assertIn(f'<link rel="canonical" href="{url}">', html)
        self.assertIn('<meta property="og:type" content="product">', html)
        self.assertIn(f'<meta property="og:title" content="{self.product.name}">', html)
        self.assertEqual(html.count("<script"), html.count(f'nonce="{nonce}"'))

    def test_catalogue_canonical_keeps_filters_and_drops_the_search(self):
        response = self.client.get(
            reverse("market:product_list"), {"q": "ca phe", "star": "4", "province": "11"}
        )
        self.assertContains(
            response,
            f'<link rel="canonical" href="{SITE}/products/?province=11&amp;star=4">',
        )
        self.assertContains(response, '<meta name="robots" content="noindex, follow">')

    def test_sitemap_and_robots(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response["Content-Type"], "application/xml")
        self.assertTrue(response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'))
        body = response.content.decode()
        self.assertIn(f"<loc>{SITE}/products/{self.product.pk}/</loc>", body)
        self.assertIn(f"<loc>{SITE}/producers/{self.product.producer_id}/</loc>", body)
        self.assertIn(f"<loc>{SITE}/provinces/11/</loc>", body)
        robots = self.client.get("/robots.txt")
        self.assertEqual(robots["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn(f"Sitemap: {SITE}/sitemap.xml", robots.content.decode())
        self.assertIn("Disallow: /manage/", robots.content.decode())


class LanguageTests(TestCase):
    def test_vietnamese_by_default_english_on_request(self):
        product = make_product("Gạo Séng Cù Trường Hương")
        certify([product])
        url = reverse("market:product_detail", args=[product.pk])
        self.assertContains(self.client.get(url), '<html lang="vi">')
        self.client.post(reverse("set_language"), {"language": "en", "next": url})
        response = self.client.get(url)
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Check this certificate on the official verification page")
        self.assertContains(response, '<meta property="og:locale" content="en_US">')
