"""Malformed ids in addresses and query strings give a page, never a server error."""

from django.test import TestCase

from ocop.accounts.tests.factories import province_officer
from ocop.core.ids import MAX_ID, parse_id
from ocop.producers.tests.factories import producer_member
from ocop.products.tests.factories import ProductFactory

HUGE = "9" * 25


def test_parse_id_accepts_only_ascii_digits_in_range():
    assert parse_id("42") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    for bad in ["", "0", "¹", "²⁰²⁶", "٣", "-1", "1.5", " 1", HUGE, str(MAX_ID + 1), None]:
        assert parse_id(bad) is None, bad


class MalformedIdTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.product = ProductFactory()
        cls.member = producer_member(cls.product.producer)

    def assert_not_server_error(self, user, url):
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertLess(response.status_code, 500, url)
        return response

    def test_unicode_digits_in_query_strings(self):
        for url in [
            "/manage/self-assessments/?product=¹",
            "/manage/products/?producer=¹",
            "/manage/products/new/?producer=¹",
        ]:
            self.assert_not_server_error(self.officer, url)
        response = self.assert_not_server_error(
            self.member, "/manage/self-assessments/new/?product=¹"
        )
        self.assertEqual(response.status_code, 404)

    def test_ids_beyond_the_database_range_are_not_found(self):
        for url in [
            f"/manage/producers/{HUGE}/",
            f"/manage/producers/{HUGE}/documents/1/download/",
            f"/manage/products/{HUGE}/photos/1/thumbnail/",
            f"/manage/products/{HUGE}/",
            f"/manage/self-assessments/?product={HUGE}",
        ]:
            response = self.assert_not_server_error(self.officer, url)
            self.assertIn(response.status_code, (200, 404), url)


class MalformedEvaluationIdTests(TestCase):
    def test_unicode_digits_on_evaluation_pages(self):
        officer = province_officer("11")
        member = producer_member(ProductFactory().producer)
        self.client.force_login(member)
        self.assertLess(self.client.get("/manage/evaluations/new/?product=¹").status_code, 500)
        self.client.force_login(officer)
        response = self.client.get("/manage/evaluations/rounds/?year=²⁰²⁶")
        self.assertLess(response.status_code, 500)
