"""The demo's recognition history: on 28 February 2023 exactly the 56 products of that count
hold valid certificates (4×4★, 52×3★); by the seeding day some have expired, some were
re-rated, one is in its re-rating window and one is revoked; everything is sample data, a
second run changes nothing and the audit chain holds. Seeded on a fixed day and on a day years
ahead (the seed must work on any future day)."""

import datetime
import zoneinfo
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from ocop.certificates.models import (
    Authority,
    Certificate,
    CertificateStatus,
    RecognitionDecision,
    certificate_status,
)
from ocop.core.audit import verify_chain
from ocop.demo.certificates import REVOKED_PRODUCT, WINDOW_PRODUCT
from ocop.demo.seed import iter_products, read_data, seed

from .base import FilesInTemporaryFolder

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FEBRUARY_2023 = datetime.date(2023, 2, 28)
S = CertificateStatus


def snapshot():
    return {
        "decisions": list(RecognitionDecision.objects.order_by("pk").values()),
        "certificates": list(Certificate.objects.order_by("pk").values()),
    }


class DemoCertificatesMixin:
    seeded_at = None  # set by each class

    @classmethod
    def setUpTestData(cls):
        cls.data = read_data()
        with time_machine.travel(cls.seeded_at, tick=False):
            seed(cls.data)
        cls.today = cls.seeded_at.date()
        cls.intended = {
            product["name"]: product
            for _, product in iter_products(cls.data)
            if product["recognition_year"] is not None
        }

    def statuses_today(self):
        return {
            certificate: certificate_status(
                certificate, on=self.today, pending_re_rating=certificate.has_pending_re_rating
            )
            for certificate in Certificate.objects.with_list_data()
        }

    def test_exactly_the_56_products_of_february_2023_hold_valid_certificates_on_that_day(self):
        valid = list(Certificate.objects.valid_on(FEBRUARY_2023).select_related("product"))
        names = {certificate.product.name for certificate in valid}
        expected = {name for name, row in self.intended.items() if row["recognition_year"] <= 2022}
        self.assertEqual(len(valid), 56)
        self.assertEqual(names, expected)
        stars = [certificate.star for certificate in valid]
        self.assertEqual((stars.count(4), stars.count(3)), (4, 52))
        for certificate in valid:
            self.assertEqual(
                certificate.star, self.intended[certificate.product.name]["intended_star"]
            )

    def test_the_2023_products_are_not_yet_valid_in_february_2023_but_are_recognised_later(self):
        names = {n for n, row in self.intended.items() if row["recognition_year"] == 2023}
        certificates = Certificate.objects.filter(product__name__in=names)
        self.assertEqual(certificates.count(), 3)
        for certificate in certificates:
            self.assertEqual(certificate.star, 4)
            self.assertGreater(certificate.issued_on, FEBRUARY_2023)

    def test_by_today_some_expired_some_were_replaced_one_window_open_and_one_revoked(self):
        statuses = self.statuses_today()
        counts = {status: list(statuses.values()).count(status) for status in S}
        self.assertGreater(counts[S.EXPIRED], 0)
        self.assertGreaterEqual(
            counts[S.SUPERSEDED], 26 + 2
        )  # re-rated in 2022, and the two moving
        self.assertEqual(counts[S.REVOKED], 1)
        by_name = {
            certificate.product.name: status
            for certificate, status in statuses.items()
            if certificate.is_current or certificate.revoked_on
        }
        self.assertEqual(by_name[WINDOW_PRODUCT], S.RE_RATING_WINDOW)
        self.assertEqual(by_name[REVOKED_PRODUCT], S.REVOKED)

    def test_the_re_rated_products_have_a_newer_certificate_that_replaced_the_old_one(self):
        replaced = Certificate.objects.filter(superseded_by__isnull=False).select_related(
            "superseded_by"
        )
        for certificate in replaced:
            self.assertEqual(certificate.product_id, certificate.superseded_by.product_id)
            self.assertGreater(certificate.superseded_by.issued_on, certificate.issued_on)
            self.assertEqual(certificate.superseded_on, certificate.superseded_by.issued_on)

    def test_every_decision_and_certificate_is_marked_sample(self):
        for decision in RecognitionDecision.objects.all():
            self.assertTrue(decision.is_sample and decision.is_historical, decision.number)
            self.assertIn("(mẫu)", decision.number)
            self.assertRegex(decision.number, r"^\d+/QĐ-UBND \(mẫu\)$")
        for certificate in Certificate.objects.all():
            self.assertTrue(certificate.is_sample, certificate.number)
            self.assertIn("(mẫu)", certificate.number)
        revoked = Certificate.objects.get(revoked_on__isnull=False)
        self.assertIn("(mẫu)", revoked.revocation_decision_number)
        self.assertLessEqual(revoked.revoked_on, self.today)

    def test_3_star_decisions_between_148_and_the_abolition_of_districts_are_the_districts(self):
        for decision in RecognitionDecision.objects.prefetch_related("items"):
            stars = {item.star for item in decision.items.all()}
            in_148 = datetime.date(2023, 2, 24) <= decision.decided_on < datetime.date(2025, 7, 1)
            expected = (
                Authority.DISTRICT_CHAIRMAN
                if in_148 and stars == {3}
                else Authority.PROVINCE_CHAIRMAN
            )
            self.assertEqual(decision.authority, expected, decision.number)

    def test_running_again_changes_nothing(self):
        before = snapshot()
        with time_machine.travel(self.seeded_at, tick=False):
            report = seed(self.data)
        self.assertFalse(report.changed_anything, list(report.lines()))
        self.assertEqual(snapshot(), before)

    def test_running_again_on_a_later_day_adds_no_decision(self):
        before = snapshot()
        later = self.seeded_at + datetime.timedelta(days=400)
        with time_machine.travel(later, tick=False):
            report = seed(self.data)
        self.assertEqual(report.created["certificates.RecognitionDecision"], 0)
        self.assertEqual(snapshot()["certificates"], before["certificates"])

    def test_the_audit_chain_holds(self):
        self.assertEqual(verify_chain(), [])
        out = StringIO()
        call_command("verify_audit_chain", stdout=out)
        self.assertIn("Audit chain intact", out.getvalue())


class DemoCertificatesTodayTests(DemoCertificatesMixin, FilesInTemporaryFolder, TestCase):
    seeded_at = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=VN)


class DemoCertificatesYearsAheadTests(DemoCertificatesMixin, FilesInTemporaryFolder, TestCase):
    seeded_at = datetime.datetime(2031, 5, 31, 9, 0, tzinfo=VN)


class DemoCertificatesOnTheRealDayTests(FilesInTemporaryFolder, TestCase):
    """Seeded on the day the tests run (no time travel): the moving events still hold."""

    def test_window_and_revoked_products_today(self):
        seed()
        today = timezone.localdate()
        window = Certificate.objects.get(product__name=WINDOW_PRODUCT, is_current=True)
        self.assertEqual(window.status_on(today), S.RE_RATING_WINDOW)
        revoked = Certificate.objects.get(product__name=REVOKED_PRODUCT, revoked_on__isnull=False)
        self.assertEqual(revoked.status_on(today), S.REVOKED)
        self.assertEqual(Certificate.objects.valid_on(FEBRUARY_2023).count(), 56)
