"""The public open data: the description page, summary.json and the CSV/JSON files; no login,
no personal data, bad dates answered with 400 and a message, few queries."""

import csv
import datetime
import io
import zoneinfo

import time_machine
from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.evaluations.models import Dossier
from ocop.evaluations.tests.factories import dossier_row
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune

from .helpers import certified_products

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=VN)


@time_machine.travel(NOW, tick=False)
class OpenDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.officer = province_officer("11")
            cls.certificates = certified_products(cls.officer, 4)
            certified_products(central_officer(), 1, commune_code="03388", star=5)
            # A dossier that reached 90 at the province and waits for the central round.
            dossier_row(
                ProductFactory(
                    producer=ProducerFactory(commune=commune("03256")), scoring_set_id=11
                ),
                status=Dossier.Status.SENT_CENTRAL,
            )

    def test_summary_json_without_a_date_counts_today(self):
        data = self.client.get(reverse("open_data:summary_json")).json()
        self.assertEqual(data["as_of"], "2026-06-01")
        self.assertEqual(data["products"], 5)
        self.assertEqual(data["by_star"], {"3": 2, "4": 2, "5": 1})
        self.assertEqual(data["potential_5_star"], 1)
        self.assertEqual(data["producers"], 5)
        self.assertEqual(sum(data["producers_by_type"].values()), 5)
        lai_chau = next(p for p in data["provinces"] if p["code"] == "12")
        self.assertEqual(lai_chau, {"code": "12", "name": lai_chau["name"], "products": 1,
                                    "by_star": {"3": 0, "4": 0, "5": 1}})  # fmt: skip

    def test_summary_json_before_the_first_certificate_is_all_zero(self):
        data = self.client.get(reverse("open_data:summary_json"), {"as_of": "2025-02-28"}).json()
        self.assertEqual(data["products"], 0)
        self.assertEqual(data["by_star"], {"3": 0, "4": 0, "5": 0})

    def test_bad_dates_get_400_json_with_a_message(self):
        for value in ["2023-02-30", "yesterday", "1-1-1", "0001-01-01", "x" * 5000]:
            response = self.client.get(reverse("open_data:summary_json"), {"as_of": value})
            self.assertEqual(response.status_code, 400, value)
            self.assertTrue(response.json()["error"])
            response = self.client.get(
                reverse("open_data:dataset", args=["provinces", "csv"]), {"as_of": value}
            )
            self.assertEqual(response.status_code, 400, value)

    def test_unknown_dataset_or_format_gets_404_and_post_405(self):
        self.assertEqual(
            self.client.get(reverse("open_data:dataset", args=["secrets", "csv"])).status_code,
            404,
        )
        self.assertEqual(
            self.client.get(reverse("open_data:dataset", args=["products", "xlsx"])).status_code,
            404,
        )
        self.assertEqual(self.client.post(reverse("open_data:summary_json")).status_code, 405)

    def test_products_file_lists_certified_products_without_personal_data(self):
        response = self.client.get(reverse("open_data:dataset", args=["products", "csv"]))
        self.assertEqual(response.status_code, 200)
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 5)
        self.assertEqual(
            {row["certificate_number"] for row in rows} >= {c.number for c in self.certificates},
            True,
        )
        text = response.content.decode("utf-8-sig")
        producer = self.certificates[0].product.producer
        for private in (producer.name, producer.representative_name, producer.phone):
            self.assertNotIn(private, text)

    def test_json_files_carry_the_same_rows_as_the_csv_files(self):
        for name in ("stars", "provinces", "scoring-sets", "producer-types"):
            data = self.client.get(reverse("open_data:dataset", args=[name, "json"])).json()
            text = self.client.get(reverse("open_data:dataset", args=[name, "csv"])).content
            rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
            self.assertEqual(rows[0], data["columns"], name)
            self.assertEqual(len(rows) - 1, len(data["rows"]), name)
        stars = self.client.get(reverse("open_data:dataset", args=["stars", "json"])).json()
        self.assertEqual(
            {row["star"]: row["products"] for row in stars["rows"]},
            {"3": 2, "4": 2, "5": 1, "potential_5": 1},
        )

    def test_description_page_is_public_and_shows_the_headline(self):
        response = self.client.get(reverse("open_data:index"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<p class="stats-number" data-figure="products">5</p>')
        self.assertContains(response, reverse("open_data:summary_json"))
        self.assertNotContains(response, self.certificates[0].product.producer.name)

    def test_map_shades_every_province_by_its_products(self):
        response = self.client.get(reverse("open_data:index"))
        territories = next(t for t in response.context["tables"] if t.key == "territories")
        values = territories.map["values"]
        self.assertEqual(len(values), 34)
        self.assertEqual(values["11"], 4)  # Điện Biên
        self.assertEqual(values["12"], 1)  # Lai Châu: the 5★ one
        self.assertEqual(sum(values.values()), 5)
        self.assertContains(response, 'data-outline="/static/stats/provinces.geo.json"')

    def test_public_pages_stay_within_eight_queries(self):
        # the statistics version; the breakdown by province, set and star; potential 5★;
        # producers by type; the classification; the provinces' names.
        with self.assertNumQueries(6):
            self.client.get(reverse("open_data:index"))
        # the version; the breakdown; producers by type; potential 5★; the provinces' names.
        with self.assertNumQueries(5):
            self.client.get(reverse("open_data:summary_json"))
        # Again: the version only, the figures come from the cache.
        with self.assertNumQueries(1):
            self.client.get(reverse("open_data:index"))
        with self.assertNumQueries(1):
            self.client.get(reverse("open_data:summary_json"))
