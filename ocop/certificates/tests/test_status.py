"""A certificate's status on every edge date (issued 15 March 2026: valid through 15 March 2029;
re-rating window 16 September to 15 November 2028; at most 180 days of grace, to 11 September
2029), and the ``valid_on`` query agreeing with it."""

import datetime

import time_machine
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from ocop.accounts.tests.factories import province_officer
from ocop.evaluations.models import Dossier
from ocop.evaluations.tests.factories import dossier_row

from ..control.revocation import revoke_certificate
from ..models import (
    Authority,
    Certificate,
    CertificateStatus,
    DecisionItem,
    RecognitionDecision,
    RevocationGround,
    certificate_status,
)
from .factories import NOW, historical_certificate, tea_product

S = CertificateStatus
ISSUED = datetime.date(2026, 3, 15)


def day(text):
    return datetime.date.fromisoformat(text)


@time_machine.travel(NOW, tick=False)
class CertificateStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.product = tea_product()
        cls.certificate = historical_certificate(cls.officer, cls.product, issued_on=ISSUED)

    def status_on(self, text, *, pending=False):
        """The status computed on that day, with the clock travelled there."""
        with time_machine.travel(datetime.datetime.fromisoformat(f"{text}T10:00+07:00")):
            today = timezone.localdate()
            self.assertEqual(today, day(text))
            return certificate_status(self.certificate, on=today, pending_re_rating=pending)

    def is_valid_on(self, text):
        return Certificate.objects.valid_on(day(text)).filter(pk=self.certificate.pk).exists()

    def test_valid_until_is_36_months_after_issue(self):
        self.assertEqual(self.certificate.valid_until, day("2029-03-15"))
        self.assertTrue(self.certificate.is_current)

    def test_not_valid_before_the_day_of_issue(self):
        self.assertEqual(self.status_on("2026-03-14"), S.NOT_YET_VALID)
        self.assertFalse(self.is_valid_on("2026-03-14"))

    def test_valid_from_the_day_of_issue(self):
        self.assertEqual(self.status_on("2026-03-15"), S.VALID)
        self.assertTrue(self.is_valid_on("2026-03-15"))

    def test_re_rating_window_opens_180_days_before_expiry(self):
        self.assertEqual(self.status_on("2028-09-15"), S.VALID)
        self.assertEqual(self.status_on("2028-09-16"), S.RE_RATING_WINDOW)
        self.assertTrue(self.is_valid_on("2028-09-16"))

    def test_re_rating_window_closes_120_days_before_expiry(self):
        self.assertEqual(self.status_on("2028-11-15"), S.RE_RATING_WINDOW)
        self.assertEqual(self.status_on("2028-11-16"), S.VALID)

    def test_valid_on_the_expiry_day_and_expired_the_day_after(self):
        self.assertEqual(self.status_on("2029-03-15"), S.VALID)
        self.assertTrue(self.is_valid_on("2029-03-15"))
        self.assertEqual(self.status_on("2029-03-16"), S.EXPIRED)
        self.assertFalse(self.is_valid_on("2029-03-16"))

    def test_late_re_rating_pending_extends_it_at_most_180_days_past_expiry(self):
        self.assertEqual(self.status_on("2029-03-16", pending=True), S.EXTENDED)
        self.assertEqual(self.status_on("2029-09-11", pending=True), S.EXTENDED)
        self.assertEqual(self.status_on("2029-09-12", pending=True), S.EXPIRED)

    def test_valid_on_counts_a_pending_re_rating_dossier_of_the_product(self):
        self.assertFalse(self.is_valid_on("2029-04-01"))
        # Filed late (after 15 November 2028), not decided yet.
        late = dossier_row(
            self.product,
            kind=Dossier.Kind.RE_RATING,
            status=Dossier.Status.IN_ROUND,
            submitted_at=datetime.datetime(2029, 1, 10, 9, tzinfo=NOW.tzinfo),
            is_late_re_rating=True,
        )
        self.assertTrue(self.is_valid_on("2029-04-01"))
        self.assertTrue(self.is_valid_on("2029-09-11"))
        self.assertFalse(self.is_valid_on("2029-09-12"))
        annotated = Certificate.objects.with_pending_re_rating().get(pk=self.certificate.pk)
        self.assertEqual(annotated.status_on(day("2029-04-01")), S.EXTENDED)
        # Decided (rated low): the grace ends with it.
        Dossier.objects.filter(pk=late.pk).update(status=Dossier.Status.RATED_LOW)
        self.assertFalse(self.is_valid_on("2029-04-01"))
        self.assertEqual(self.certificate.status_on(day("2029-04-01")), S.EXPIRED)

    def test_revoked_from_the_day_of_the_revocation_decision(self):
        revoke_certificate(
            self.certificate,
            actor=self.officer,
            ground=RevocationGround.MARK_MISUSE,
            decision_number="77/QĐ-UBND",
            decided_on=day("2026-05-20"),
            finding_on=day("2026-05-20"),
        )
        self.certificate.refresh_from_db()
        self.assertEqual(self.status_on("2026-05-19"), S.VALID)
        self.assertEqual(self.status_on("2026-05-20"), S.REVOKED)
        self.assertEqual(self.status_on("2029-03-16", pending=True), S.REVOKED)
        self.assertTrue(self.is_valid_on("2026-05-19"))
        self.assertFalse(self.is_valid_on("2026-05-20"))
        self.assertFalse(self.certificate.is_current)

    def test_superseded_from_the_day_the_new_certificate_is_issued(self):
        newer = historical_certificate(
            self.officer, self.product, issued_on=day("2026-05-01"), star=4
        )
        self.certificate.refresh_from_db()
        self.assertEqual(self.certificate.superseded_by, newer)
        self.assertEqual(self.status_on("2026-04-30"), S.VALID)
        self.assertEqual(self.status_on("2026-05-01"), S.SUPERSEDED)
        self.assertEqual(
            list(Certificate.objects.valid_on(day("2026-05-01")).values_list("pk", flat=True)),
            [newer.pk],
        )

    def test_the_database_refuses_a_second_current_certificate_for_a_product(self):
        decision = RecognitionDecision.objects.create(
            number="5/QĐ-UBND",
            decided_on=ISSUED,
            authority=Authority.PROVINCE_CHAIRMAN,
            signer_name="Lê Thành Đô",
            province_id="11",
        )
        item = DecisionItem.objects.create(
            decision=decision, position=1, product=self.product, star=4
        )
        fields = {
            "decision": decision,
            "item": item,
            "product": self.product,
            "star": 4,
            "issued_on": ISSUED,
            "valid_until": day("2029-03-15"),
        }
        with self.assertRaises(IntegrityError), transaction.atomic():
            Certificate.objects.create(number="GCN-second", **fields)
        # Not current (replaced), the same row is accepted.
        Certificate.objects.create(
            number="GCN-second",
            is_current=False,
            superseded_by=self.certificate,
            superseded_on=ISSUED,
            **fields,
        )
        self.assertEqual(
            Certificate.objects.filter(product=self.product, is_current=True).count(), 1
        )
