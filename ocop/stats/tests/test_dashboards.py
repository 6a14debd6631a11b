"""The officials' dashboards: who sees which level, what they show, their exports, and their
query counts (the same for 5 and 50 products)."""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.accounts.tests.factories import (
    UserFactory,
    central_officer,
    commune_officer,
    province_officer,
)
from ocop.certificates.control.revocation import revoke_certificate
from ocop.certificates.models import RevocationGround
from ocop.producers.tests.factories import producer_member
from ocop.products.models import Product
from ocop.stats.models import CertificateFact

from .helpers import certified_products, scored_result

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=VN)


def snapshot():
    return (
        list(CertificateFact.objects.order_by("pk").values()),
        Product.objects.count(),
    )


@time_machine.travel(NOW, tick=False)
class DashboardAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.central = central_officer()
            cls.officer = province_officer("11")
            cls.other_officer = province_officer("12")
            cls.commune_officer = commune_officer("03256")
            cls.other_commune_officer = commune_officer("03390")
            cls.certificates = certified_products(cls.officer, 3)
            cls.producer_user = producer_member(cls.certificates[0].product.producer)
            certified_products(cls.other_officer, 2, commune_code="03388")

    def get(self, user, name, *args, **params):
        if user is not None:
            self.client.force_login(user)
        return self.client.get(reverse(name, args=args), params)

    def test_anonymous_is_sent_to_the_login_page(self):
        for name, args in [
            ("stats:home", ()),
            ("stats:dashboard_national", ()),
            ("stats:dashboard_province", ("11",)),
            ("stats:dashboard_commune", ("03256",)),
            ("stats:export_province", ("11", "by_star", "csv")),
            ("stats:monthly_report_province", ("11",)),
        ]:
            response = self.get(None, name, *args)
            self.assertEqual(response.status_code, 302, name)
            self.assertIn(reverse("accounts:login"), response["Location"])

    def test_central_office_sees_every_level(self):
        for name, args in [
            ("stats:dashboard_national", ()),
            ("stats:dashboard_province", ("12",)),
            ("stats:dashboard_commune", ("03256",)),
        ]:
            self.assertEqual(self.get(self.central, name, *args).status_code, 200, name)
        response = self.get(self.central, "stats:dashboard_national")
        self.assertEqual(response.context["headline"]["products"], 5)

    def test_home_sends_each_official_to_their_territory(self):
        self.assertRedirects(
            self.get(self.central, "stats:home"), reverse("stats:dashboard_national")
        )
        self.assertRedirects(
            self.get(self.officer, "stats:home"), reverse("stats:dashboard_province", args=["11"])
        )
        self.assertRedirects(
            self.get(self.commune_officer, "stats:home"),
            reverse("stats:dashboard_commune", args=["03256"]),
        )

    def test_province_officer_sees_own_province_and_its_communes_only(self):
        response = self.get(self.officer, "stats:dashboard_province", "11")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["headline"]["products"], 3)
        self.assertEqual(
            self.get(self.officer, "stats:dashboard_commune", "03256").status_code, 200
        )

    def test_other_province_officer_gets_404_and_nothing_changes(self):
        before = snapshot()
        for name, args in [
            ("stats:dashboard_province", ("11",)),
            ("stats:dashboard_commune", ("03256",)),
            ("stats:dashboard_national", ()),
            ("stats:export_province", ("11", "by_star", "xlsx")),
            ("stats:monthly_report_province", ("11",)),
        ]:
            self.assertEqual(self.get(self.other_officer, name, *args).status_code, 404, name)
        self.assertEqual(snapshot(), before)

    def test_commune_officer_sees_own_commune_only(self):
        self.assertEqual(
            self.get(self.commune_officer, "stats:dashboard_commune", "03256").status_code, 200
        )
        for name, args in [
            ("stats:dashboard_province", ("11",)),
            ("stats:dashboard_commune", ("03127",)),
        ]:
            self.assertEqual(self.get(self.commune_officer, name, *args).status_code, 404)
        self.assertEqual(
            self.get(self.other_commune_officer, "stats:dashboard_commune", "03256").status_code,
            404,
        )

    def test_producers_and_users_without_a_role_get_404(self):
        before = snapshot()
        for user in (self.producer_user, UserFactory()):
            for name, args in [
                ("stats:home", ()),
                ("stats:dashboard_province", ("11",)),
                ("stats:dashboard_commune", ("03256",)),
                ("stats:export_commune", ("03256", "by_star", "csv")),
            ]:
                self.assertEqual(self.get(user, name, *args).status_code, 404, name)
        self.assertEqual(snapshot(), before)

    def test_unknown_units_tables_and_formats_give_404(self):
        for name, args in [
            ("stats:dashboard_province", ("99",)),
            ("stats:dashboard_province", ("1" * 300,)),
            ("stats:dashboard_commune", ("00000",)),
            ("stats:dashboard_commune", ("9" * 300,)),
            ("stats:export_province", ("11", "nothing", "csv")),
            ("stats:export_province", ("11", "by_star", "pdf")),
        ]:
            self.assertEqual(self.get(self.central, name, *args).status_code, 404, args)

    def test_bad_dates_get_a_vietnamese_message_never_a_500(self):
        for value, message in [
            ("2023-13-01", "YYYY-MM-DD"),
            ("abc", "YYYY-MM-DD"),
            ("2023-02-28" * 50, "YYYY-MM-DD"),
            ("0001-01-01", "2000-01-01"),
            ("9999-12-31", "2100-12-31"),
        ]:
            response = self.get(self.officer, "stats:dashboard_province", "11", as_of=value)
            self.assertContains(response, message, status_code=400)
        response = self.get(
            self.officer, "stats:export_province", "11", "by_star", "csv", as_of="x"
        )
        self.assertEqual(response.status_code, 400)

    def test_wrong_method_is_refused(self):
        self.client.force_login(self.officer)
        before = snapshot()
        response = self.client.post(reverse("stats:dashboard_province", args=["11"]))
        self.assertEqual(response.status_code, 405)
        self.assertEqual(snapshot(), before)


@time_machine.travel(NOW, tick=False)
class DashboardContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.officer = province_officer("11")
            cls.certificates = certified_products(cls.officer, 4)
            # One product named like a formula, to check the exports neutralise it.
            product = cls.certificates[0].product
            product.name = '=HYPERLINK("http://x")'
            with cls.captureOnCommitCallbacks(execute=True):
                product.save()
            # One expiring soon (issued 36 months before: valid until within 180 days).
            cls.expiring = certified_products(
                cls.officer, 1, issued_on=datetime.date(2023, 9, 1), star=4
            )[0]
            with cls.captureOnCommitCallbacks(execute=True):
                revoke_certificate(
                    cls.certificates[1],
                    actor=cls.officer,
                    ground=RevocationGround.MARK_MISUSE,
                    decision_number="12/QĐ-UBND",
                    decided_on=datetime.date(2026, 5, 1),
                    finding_on=datetime.date(2026, 5, 1),
                )
            scored_result(lost={"1.5": 3, "3.1": 1})
            scored_result(lost={"1.5": 1, "2.1": 2})

    def dashboard(self, **params):
        self.client.force_login(self.officer)
        return self.client.get(reverse("stats:dashboard_province", args=["11"]), params)

    def tables(self, response):
        return {table.key: table for table in response.context["tables"]}

    def test_headline_counts_valid_certificates_only(self):
        response = self.dashboard()
        headline = response.context["headline"]
        self.assertEqual(headline["products"], 4)  # 5 certified, 1 revoked
        self.assertEqual(headline["by_star"], {3: 2, 4: 2, 5: 0})
        self.assertEqual(headline["expiring"], 1)
        # Before the revocation, five.
        self.assertEqual(self.dashboard(as_of="2026-04-30").context["headline"]["products"], 5)

    def test_revoked_and_expiring_tables_name_the_certificates(self):
        tables = self.tables(self.dashboard())
        self.assertEqual([row[0] for row in tables["revoked"].rows], [self.certificates[1].number])
        self.assertEqual([row[0] for row in tables["expiring"].rows], [self.expiring.product.name])

    def test_revoked_and_expiring_rows_lead_to_the_certificate_and_the_product(self):
        """Issue 15, item 5: the expiring list is no dead end. A product's back-office page
        for the expiring rows, the public verification page for the revoked ones."""
        response = self.dashboard()
        product_url = reverse("products:product_detail", args=[self.expiring.product.pk])
        verify_url = reverse("verify:certificate_verify", args=[self.certificates[1].public_code])
        self.assertContains(response, f'<a href="{product_url}">{self.expiring.product.name}</a>')
        self.assertContains(response, f'<a href="{verify_url}">{self.certificates[1].number}</a>')
        self.client.force_login(self.officer)
        self.assertEqual(self.client.get(product_url).status_code, 200)

    def test_criteria_losing_most_points_come_first(self):
        tables = self.tables(self.dashboard())
        top = tables["criteria_losses"].rows
        self.assertEqual(top[0][0], "1.5")
        self.assertEqual(float(top[0][4]), 4.0)
        self.assertEqual(top[0][2], 2)
        self.assertEqual({row[0] for row in top[:3]}, {"1.5", "2.1", "3.1"})

    def test_year_table_counts_issues_and_revocations(self):
        rows = {row[0]: row for row in self.tables(self.dashboard()).get("by_year").rows}
        self.assertEqual(rows[2025][1], 4)
        self.assertEqual(rows[2023][1], 1)
        self.assertEqual(rows[2026][3], 1)
        self.assertEqual(rows[2026][4], 4)

    def test_xlsx_export_has_the_page_numbers_and_a_neutralised_formula(self):
        page = self.tables(self.dashboard())
        self.client.force_login(self.officer)
        response = self.client.get(reverse("stats:export_province", args=["11", "by_star", "xlsx"]))
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        self.assertEqual(values, [list(row) for row in page["by_star"].rows])

    def test_csv_and_xlsx_exports_neutralise_a_formula_in_a_product_name(self):
        self.client.force_login(self.officer)
        CertificateFact.objects.filter(certificate=self.certificates[0]).update(
            valid_until=datetime.date(2026, 8, 1)
        )  # make it expire soon, so it is listed
        url = reverse("stats:export_province", args=["11", "expiring", "csv"])
        text = self.client.get(url).content.decode("utf-8-sig")
        self.assertIn("'=HYPERLINK", text)
        self.assertNotIn(",=HYPERLINK", text)
        url = reverse("stats:export_province", args=["11", "expiring", "xlsx"])
        sheet = openpyxl.load_workbook(io.BytesIO(self.client.get(url).content)).active
        names = [row[0].value for row in sheet.iter_rows(min_row=2)]
        self.assertIn('\'=HYPERLINK("http://x")', names)

    def test_monthly_report_has_the_ptnt_ocop_columns_and_one_row_per_certificate(self):
        self.client.force_login(self.officer)
        response = self.client.get(
            reverse("stats:monthly_report_province", args=["11"]), {"month": "2026-05"}
        )
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.title, "PTNT_OCOP")
        self.assertEqual(sheet.max_column, 9)
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(rows), 5)  # the revoked one was valid part of May
        self.assertEqual({row[2] for row in rows}, {"05/2026"})
        self.assertEqual(sorted(row[5] for row in rows), [3, 3, 4, 4, 4])
        bad = self.client.get(
            reverse("stats:monthly_report_province", args=["11"]), {"month": "2026-13"}
        )
        self.assertEqual(bad.status_code, 400)

    def test_map_zooms_to_the_province_with_one_marker_per_commune_with_products(self):
        shown = self.tables(self.dashboard())["territories"].map
        self.assertEqual(shown["focus"], "11")
        points = shown["markers"]
        self.assertEqual(len(points), 1)
        self.assertEqual(points[0]["products"], 4)
        self.assertAlmostEqual(points[0]["lat"], 21.5, delta=0.5)  # Mường Ảng, Điện Biên
        self.assertAlmostEqual(points[0]["lon"], 103.2, delta=0.5)

    def test_charts_come_with_their_data_and_a_nonce_script(self):
        response = self.dashboard()
        self.assertContains(response, 'id="chart-data-by_star"')
        self.assertContains(response, "vendor/chartjs/chart.umd.min.js")
        self.assertNotContains(response, " style=")
        self.assertNotContains(response, "<script>")


class DashboardQueryCountTests(TestCase):
    """Every dashboard costs the same number of queries for 5 and for 50 products."""

    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.central = central_officer()
            cls.officer = province_officer("11")

    def count(self, url):
        """(queries computing the figures, queries reading them from the cache)."""
        self.client.force_login(self.central)
        self.client.get(url)  # warm the session
        cache.clear()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            counts.append(len(queries))
        return tuple(counts)

    def test_dashboards_cost_the_same_for_5_and_50_products(self):
        urls = [
            reverse("stats:dashboard_national"),
            reverse("stats:dashboard_province", args=["11"]),
            reverse("stats:dashboard_commune", args=["03256"]),
            reverse("open_data:index"),
            reverse("open_data:summary_json"),
        ]
        with time_machine.travel(NOW, tick=False):
            certified_products(self.officer, 5)
            scored_result()
            small = [self.count(url) for url in urls]
            certified_products(self.officer, 45)
            for _ in range(3):
                scored_result()
            large = [self.count(url) for url in urls]
        self.assertEqual(small, large)
        # The second request reads the figures from the cache (the version query is in both):
        # national and province save the breakdown, potential 5★, producers by type, the
        # classification, the year table (one read of the tallies' month rows), the units'
        # names, the two lists (the expiring one as two short lists of ids, then their rows)
        # and the losses; commune the same without names and losses but
        # with the year tuples and first recognitions from the facts; /open-data/ the
        # breakdown, potential, types, classification and names; summary.json the same
        # without the classification.
        self.assertEqual([computed - cached for computed, cached in small], [10, 10, 9, 5, 4])

    @time_machine.travel(NOW, tick=False)
    def test_province_dashboard_query_count(self):
        certified_products(self.officer, 5)
        self.client.force_login(self.officer)
        url = reverse("stats:dashboard_province", args=["11"])
        # session, user, the official's memberships, the province; the statistics version;
        # the breakdown by commune, set and star (headline, sets, communes);
        # potential 5★; producers by type (tallies); the classification; the year table
        # (tallies); the communes' names; expiring list (the extended ids, the valid ids, the
        # rows); revoked list; criteria losses; then,
        # live: inquiries, sales channels by kind, trade events.
        with self.assertNumQueries(18):
            self.client.get(url)
        # Again: session, user, memberships, province, version; the figures come from the
        # cache; the three live market-access queries.
        with self.assertNumQueries(8):
            self.client.get(url)


@time_machine.travel(NOW, tick=False)
class MarketAccessTableTests(TestCase):
    """Issue 6's figures on the dashboards: inquiries, response rate, sales channels and trade
    events of the area, read live (an inquiry answered shows at once, cache or not)."""

    @classmethod
    def setUpTestData(cls):
        from ocop.market.models import Inquiry, Participation, SalesChannel, TradeEvent

        cls.officer = province_officer("11")
        dien_bien = certified_products(cls.officer, 2)
        lai_chau = certified_products(province_officer("12"), 1, commune_code="03388")
        for certificate in (*dien_bien, *lai_chau):
            product = certificate.product
            SalesChannel.objects.create(
                product=product, kind="ecommerce", name="Sàn (mẫu)", url="https://shop.example/"
            )
            Inquiry.objects.create(
                product=product,
                producer=product.producer,
                province_id=product.producer.province_id,
                buyer_name="Người mua (mẫu)",
                email="mua@example.vn",
                quantity=10,
                unit="kg",
                message="Báo giá giúp tôi.",
            )
        cls.first = Inquiry.objects.filter(province_id="11").order_by("pk").first()
        fair = TradeEvent.objects.create(
            name="Hội chợ (mẫu)",
            kind="fair",
            starts_on=NOW.date() + datetime.timedelta(days=5),
            ends_on=NOW.date() + datetime.timedelta(days=7),
            province_id="11",
            address="Điện Biên Phủ",
            organiser="Văn phòng OCOP",
        )
        Participation.objects.create(
            event=fair, producer=dien_bien[0].product.producer, status="accepted"
        )

    def figures(self):
        self.client.force_login(self.officer)
        response = self.client.get(reverse("stats:dashboard_province", args=["11"]))
        (table,) = [t for t in response.context["tables"] if t.key == "market"]
        return [row[1] for row in table.rows]

    def test_the_province_sees_its_inquiries_channels_and_events_only(self):
        figures = self.figures()
        # received, answered, rate, channels (then one row per kind), events, upcoming, producers
        self.assertEqual(figures[:4], [2, 0, 0, 2])
        self.assertEqual(figures[-3:], [1, 1, 1])
        self.first.replied_at = NOW
        self.first.status = "replied"
        self.first.save()
        self.assertEqual(self.figures()[:3], [2, 1, 50])

    def test_the_table_exports(self):
        self.client.force_login(self.officer)
        url = reverse("stats:export_province", args=["11", "market", "csv"])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))
        self.assertEqual([row[1] for row in rows[1:5]], ["2", "0", "0.0", "2"])


class NavigationFilterTests(TestCase):
    def test_is_official_tells_officials_from_producers(self):
        from ocop.stats.templatetags.stats import is_official

        self.assertTrue(is_official(province_officer("11")))
        self.assertTrue(is_official(commune_officer("03256")))
        self.assertFalse(is_official(UserFactory()))
