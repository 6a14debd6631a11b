"""The tallies follow the certificate facts through the receivers alone: after issues,
revocations, expiries (time alone), re-ratings (supersession and the grace period of a late
one) and a producer moved to another province, they equal a tally recomputed from the facts,
and the counts they give on any day (edges of validity included) equal a count over the facts
with ``valid_q``. The rows a national figure sums do not grow with the certificates."""

import datetime
import zoneinfo
from collections import Counter
from unittest import mock

import time_machine
from django.db.models import Count, Q
from django.test import TestCase

from ocop.accounts.tests.factories import province_officer
from ocop.certificates.control.revocation import revoke_certificate
from ocop.certificates.models import Certificate, RevocationGround
from ocop.certificates.recognition import services
from ocop.evaluations.models import Dossier
from ocop.evaluations.tests.factories import dossier_row
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune
from ocop.stats import figures, summary, tallies
from ocop.stats.models import CertificateFact, Tally, valid_q

from .helpers import certified_products

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=VN)
DAY = datetime.timedelta(days=1)


def facts_on(day):
    """The reference: products valid on ``day`` by province, set and star, from the facts."""
    horizon = day + datetime.timedelta(days=figures.EXPIRY_HORIZON_DAYS)
    rows = (
        CertificateFact.objects.filter(valid_q(day))
        .values("province_id", "scoring_set_id", "star")
        .annotate(
            n=Count("pk"),
            expiring=Count("pk", filter=Q(valid_until__lte=horizon)),
            one_step=Count("pk", filter=Q(upgrades_to_next_star=1)),
        )
        .order_by()
    )
    return sorted(
        (r["province_id"], r["scoring_set_id"], r["star"], r["n"], r["expiring"], r["one_step"])
        for r in rows
    )


def tallied_on(day):
    return sorted(
        (r["province_id"], r["scoring_set_id"], r["star"], r["n"], r["expiring"], r["one_step"])
        for r in tallies.counts_on(day)
    )


def kinds_from_facts(day, province=None):
    facts = CertificateFact.objects.filter(valid_q(day))
    if province is not None:
        facts = facts.filter(province_id=province)
    rows = (
        facts.values("producer_kind")
        .annotate(producers=Count("producer_id", distinct=True), products=Count("pk"))
        .order_by("producer_kind")
    )
    return {
        r["producer_kind"]: {"producers": r["producers"], "products": r["products"]} for r in rows
    }


def years_from_facts(day):
    """issued, first recognised, revoked and valid at the end of each year, from the facts."""
    facts = list(CertificateFact.objects.values())
    first = {}
    for fact in facts:
        first[fact["product_id"]] = min(first.get(fact["product_id"], fact["issued_on"]),
                                        fact["issued_on"])  # fmt: skip
    years = {}
    for year in range(figures.FIRST_TREND_YEAR, day.year + 1):
        start, end = datetime.date(year, 1, 1), min(day, datetime.date(year, 12, 31))
        years[year] = {
            "issued": sum(start <= f["issued_on"] <= end for f in facts),
            "first_recognised": sum(start <= d <= end for d in first.values()),
            "revoked": sum(
                bool(f["revoked_on"]) and start <= f["revoked_on"] <= end for f in facts
            ),
            "products": CertificateFact.objects.valid_on(end).count(),
        }
    return years


@time_machine.travel(NOW, tick=False)
class TallyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")

    def assert_tallies_follow_the_facts(self, days):
        facts = summary.stored_facts().values()
        self.assertEqual(tallies.stored_rows(), tallies.tally_rows(facts, facts))
        self.assertEqual(summary.reconcile(repair=False), [])
        for day in sorted(set(days)):
            with self.subTest(day=day):
                self.assertEqual(tallied_on(day), facts_on(day))
                self.assertEqual(tallies.kinds_on(day), kinds_from_facts(day))
                for province in ("11", "12"):
                    self.assertEqual(
                        tallies.kinds_on(day, province=province), kinds_from_facts(day, province)
                    )
                years = tallies.year_counts(day, figures.FIRST_TREND_YEAR)
                self.assertEqual(years, years_from_facts(day))

    def edges(self):
        """Every day on which something starts or ends, the day before and after, month ends."""
        days = {NOW.date(), datetime.date(2100, 12, 31), datetime.date(2019, 1, 1)}
        for fact in CertificateFact.objects.all():
            grace = datetime.timedelta(days=180)
            for day in (fact.issued_on, fact.valid_until, fact.valid_until + grace,
                        fact.valid_until - grace, fact.revoked_on, fact.superseded_on):  # fmt: skip
                if day:
                    days |= {day - DAY, day, day + DAY, tallies.month_end(day)}
        return days

    def test_issue_revocation_expiry_and_re_ratings_keep_the_tallies_exact(self):
        old = certified_products(self.officer, 3, issued_on=datetime.date(2022, 1, 10))
        recent = certified_products(self.officer, 2)
        # A second product of the first producer: the producer counts once while both are valid.
        second = ProductFactory(producer=old[0].product.producer, scoring_set_id=12)
        with self.captureOnCommitCallbacks(execute=True):
            services.record_historical_decision(
                old[0].product.producer.province,
                actor=self.officer,
                number="900/QĐ-UBND",
                decided_on=datetime.date(2023, 7, 31),
                signer_name="Lê Thành Đô",
                certificates=[services.HistoricalCertificate(product=second, star=3, number="G-2")],
            )
            # A re-rating: a newer certificate supersedes the first product's old one, then is
            # revoked.
            services.record_historical_decision(
                old[0].product.producer.province,
                actor=self.officer,
                number="901/QĐ-UBND",
                decided_on=datetime.date(2025, 1, 5),
                signer_name="Lê Thành Đô",
                certificates=[
                    services.HistoricalCertificate(product=old[0].product, star=4, number="G-R1")
                ],
            )
            revoke_certificate(
                Certificate.objects.get(number="G-R1"),
                actor=self.officer,
                ground=RevocationGround.PRODUCTION_STOPPED,
                decision_number="902/QĐ-UBND",
                decided_on=datetime.date(2026, 5, 20),
                finding_on=datetime.date(2026, 5, 20),
            )
            # A late re-rating keeps the second old certificate valid in its grace period.
            dossier = dossier_row(
                old[1].product,
                kind=Dossier.Kind.RE_RATING,
                status=Dossier.Status.SUBMITTED,
                is_late_re_rating=True,
            )
        self.assertTrue(CertificateFact.objects.get(certificate=old[1]).is_extended)
        self.assert_tallies_follow_the_facts(self.edges())
        # The re-rating ends without a recognition: the grace period is gone.
        dossier.status = Dossier.Status.REJECTED
        with self.captureOnCommitCallbacks(execute=True):
            dossier.save(update_fields=["status"])
        self.assertFalse(CertificateFact.objects.get(certificate=old[1]).is_extended)
        self.assert_tallies_follow_the_facts(self.edges())
        # Expiry is time alone: the headline follows the certificates' own rule on any day.
        for day in (datetime.date(2024, 6, 1), datetime.date(2025, 1, 9), NOW.date()):
            self.assertEqual(
                figures.headline(figures.NATIONAL, day)["products"],
                Certificate.objects.valid_on(day).count(),
            )
        self.assertEqual(figures.headline(figures.NATIONAL, NOW.date())["products"], 3)
        self.assertEqual(len(recent), 2)

    def test_a_producer_moved_to_another_province_is_followed(self):
        certificates = certified_products(self.officer, 3, issued_on=datetime.date(2024, 2, 29))
        producer = certificates[0].product.producer
        producer.commune = commune("03388")  # province 12
        with self.captureOnCommitCallbacks(execute=True):
            producer.save()
        self.assertEqual(CertificateFact.objects.get(certificate=certificates[0]).province_id, "12")
        self.assertEqual(
            {row["province_id"] for row in tallies.counts_on(NOW.date())}, {"11", "12"}
        )
        self.assert_tallies_follow_the_facts(self.edges())
        summary_json = figures._summary(NOW.date())
        by_province = {p["code"]: p["products"] for p in summary_json["provinces"]}
        self.assertEqual((by_province["11"], by_province["12"]), (2, 1))

    def test_a_large_refresh_rewrites_the_tallies_from_the_facts(self):
        certified_products(self.officer, 2, issued_on=datetime.date(2023, 3, 1))
        with mock.patch.object(tallies, "REWRITE_ABOVE", 0):
            certificates = certified_products(self.officer, 3)
            producer = certificates[0].product.producer
            producer.commune = commune("03388")
            with self.captureOnCommitCallbacks(execute=True):
                producer.save()
        self.assert_tallies_follow_the_facts(self.edges())

    def test_imported_certificates_land_in_the_tallies(self):
        from ocop.imports.services import commit_import
        from ocop.imports.tests.lists import checked, csv_file
        from ocop.imports.tests.test_lifecycle import row
        from ocop.regions.tests.factories import province

        certified_products(self.officer, 1)
        rows = [
            row("Cà phê tally (mẫu)", "3", datetime.date(2024, 5, 2)),
            row("Chè tally (mẫu)", "4", datetime.date(2021, 11, 30), number="6/QĐ-UBND"),
        ]
        job = checked(csv_file(rows), actor=self.officer, province=province("11"))
        with self.captureOnCommitCallbacks(execute=True):
            job = commit_import(job, actor=self.officer)
        self.assertEqual(job.status, "committed", job.message)
        self.assertEqual(CertificateFact.objects.count(), 3)
        self.assert_tallies_follow_the_facts(self.edges())
        self.assertEqual(tallies.year_counts(NOW.date(), 2019)[2024]["issued"], 1)

    def test_reconcile_reports_and_repairs_a_wrong_tally(self):
        certified_products(self.officer, 2)
        Tally.objects.filter(period=Tally.Period.MONTH).update(products=7)
        differences = summary.reconcile(repair=False)
        self.assertTrue(differences)
        self.assertTrue(all(d.table == "tally" and d.kind == "changed" for d in differences))
        summary.reconcile(repair=True)
        self.assertEqual(summary.reconcile(repair=False), [])

    def test_a_national_figure_sums_the_same_rows_for_5_and_50_certificates(self):
        def rows_read():
            return Tally.objects.filter(tallies.on(NOW.date())).count()

        certified_products(self.officer, 5, star=3)
        small = rows_read()
        certified_products(self.officer, 45, star=3)
        # per (province, set, star) and per (province, producer type): 3 sets × 1 star, 3 types
        self.assertEqual((small, rows_read()), (6, 6))
        self.assertEqual(
            Counter(r["n"] for r in tallies.counts_on(NOW.date())), Counter([17, 17, 16])
        )
