"""With the Điện Biên demo seeded: on 28 February 2023 the open data and the province dashboard
show 56 products, 4 at 4★ and 52 at 3★; the figures move when a certificate expires (time) or is
revoked, and the summary tables always agree with the certificates' own rule of validity."""

import datetime
import zoneinfo

import time_machine
from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.certificates.control.revocation import revoke_certificate
from ocop.certificates.models import Certificate, RevocationGround
from ocop.demo.seed import read_data, seed
from ocop.demo.tests.base import FilesInTemporaryFolder
from ocop.stats import summary
from ocop.stats.models import CertificateFact

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SEEDED_AT = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=VN)
FEBRUARY_2023 = datetime.date(2023, 2, 28)
DIEN_BIEN = "11"


class DemoFiguresTests(FilesInTemporaryFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        # The receivers run on commit: execute them, as a real transaction would.
        with (
            time_machine.travel(SEEDED_AT, tick=False),
            cls.captureOnCommitCallbacks(execute=True),
        ):
            seed(read_data())
        cls.officer = province_officer(DIEN_BIEN)
        cls.central = central_officer()

    def summary(self, day):
        response = self.client.get(reverse("open_data:summary_json"), {"as_of": day.isoformat()})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def valid_products(self, day):
        return set(Certificate.objects.valid_on(day).values_list("product_id", flat=True))

    def test_summary_json_on_28_february_2023_shows_56_products_4_at_4_and_52_at_3_stars(self):
        data = self.summary(FEBRUARY_2023)
        self.assertEqual(data["as_of"], "2023-02-28")
        self.assertEqual(data["products"], 56)
        self.assertEqual(data["by_star"], {"3": 52, "4": 4, "5": 0})
        dien_bien = next(p for p in data["provinces"] if p["code"] == DIEN_BIEN)
        self.assertEqual(dien_bien["products"], 56)
        self.assertEqual(dien_bien["by_star"], {"3": 52, "4": 4, "5": 0})
        self.assertEqual(data["provinces"][0]["code"], DIEN_BIEN)  # ranked first
        self.assertEqual(len(data["provinces"]), 34)
        self.assertEqual(
            set(data),
            {
                "as_of",
                "products",
                "by_star",
                "potential_5_star",
                "producers",
                "producers_by_type",
                "provinces",
            },
        )
        self.assertEqual(data["producers"], sum(data["producers_by_type"].values()))
        self.assertGreater(data["producers"], 0)

    def test_province_dashboard_on_28_february_2023_shows_the_same_figures(self):
        self.client.force_login(self.officer)
        response = self.client.get(
            reverse("stats:dashboard_province", args=[DIEN_BIEN]), {"as_of": "2023-02-28"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["headline"]["products"], 56)
        self.assertEqual(response.context["headline"]["by_star"], {3: 52, 4: 4, 5: 0})
        self.assertContains(response, '<p class="stats-number" data-figure="products">56</p>')
        self.assertContains(response, '<p class="stats-number" data-figure="star-4">4</p>')
        self.assertContains(response, '<p class="stats-number" data-figure="star-3">52</p>')

    def test_facts_agree_with_the_certificates_rule_on_every_edge_day(self):
        days = set()
        for row in Certificate.objects.values(
            "issued_on", "valid_until", "revoked_on", "superseded_on"
        ):
            for value in row.values():
                if value is not None:
                    days |= {value - datetime.timedelta(days=1), value}
                    days.add(value + datetime.timedelta(days=1))
                    days.add(value + datetime.timedelta(days=181))
        for day in sorted(days):
            facts = set(CertificateFact.objects.valid_on(day).values_list("product_id", flat=True))
            self.assertEqual(facts, self.valid_products(day), day)

    def test_figures_drop_when_a_certificate_expires(self):
        # The first certificate valid in February 2023 to expire without a successor: the day
        # after its last day (no re-rating pending) its product no longer counts.
        certificate = next(
            certificate
            for certificate in Certificate.objects.valid_on(FEBRUARY_2023)
            .filter(has_pending_re_rating=False)
            .order_by("valid_until", "pk")
            if certificate.product_id
            not in self.valid_products(certificate.valid_until + datetime.timedelta(days=1))
        )
        last_day = certificate.valid_until
        next_day = last_day + datetime.timedelta(days=1)
        before, after = self.summary(last_day), self.summary(next_day)
        self.assertIn(certificate.product_id, self.valid_products(last_day))
        self.assertEqual(before["products"], len(self.valid_products(last_day)))
        self.assertEqual(after["products"], len(self.valid_products(next_day)))
        # The open products file lists its certificate on its last day, not the day after.
        url = reverse("open_data:dataset", args=["products", "json"])
        listed = [
            {
                row["certificate_number"]
                for row in self.client.get(url, {"as_of": day}).json()["rows"]
            }
            for day in (last_day.isoformat(), next_day.isoformat())
        ]
        self.assertIn(certificate.number, listed[0])
        self.assertNotIn(certificate.number, listed[1])

    def test_figures_drop_the_day_a_certificate_is_revoked_and_reconcile_agrees(self):
        with time_machine.travel(SEEDED_AT, tick=False):
            today = SEEDED_AT.date()
            certificate = Certificate.objects.valid_on(today).filter(star=3).order_by("pk").first()
            before = self.summary(today)
            with self.captureOnCommitCallbacks(execute=True):
                revoke_certificate(
                    certificate,
                    actor=self.officer,
                    ground=RevocationGround.MARK_MISUSE,
                    decision_number="99/QĐ-UBND",
                    decided_on=today,
                    finding_on=today,
                )
            after = self.summary(today)
            yesterday = self.summary(today - datetime.timedelta(days=1))
        self.assertEqual(after["products"], before["products"] - 1)
        self.assertEqual(after["by_star"]["3"], before["by_star"]["3"] - 1)
        self.assertEqual(yesterday["products"], before["products"])  # history unchanged
        self.assertEqual(summary.reconcile(repair=False), [])

    def test_reconcile_reports_and_repairs_a_tampered_summary_row(self):
        fact = CertificateFact.objects.order_by("pk").first()
        CertificateFact.objects.filter(pk=fact.pk).update(star=5 if fact.star != 5 else 3)
        CertificateFact.objects.order_by("-pk").first().delete()
        differences = summary.reconcile(repair=True)
        self.assertEqual(
            sorted(difference.kind for difference in differences), ["changed", "missing"]
        )
        self.assertEqual(summary.reconcile(repair=False), [])
