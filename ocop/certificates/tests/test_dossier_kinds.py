"""Dossiers that start from a certificate (Decision 26/2026/QĐ-TTg, art. 6(1), 7(5), 7(6),
12(1) and 12(3)): upgrades and re-ratings of products recognised on the platform or before it,
the re-rating window and its grace, the 45 days of a re-rating, and the first rating a valid
certificate rules out.

The cast (``make_cast``): a producer of Xã Mường Ảng with its members and officials. Its tea
holds a 3★ certificate recorded from a decision taken before the platform, valid until
31 December 2026: its re-rating window runs from 4 July to 2 September 2026."""

import datetime
import zoneinfo

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from ocop.core.models import AuditEvent
from ocop.evaluations.models import CommuneReview, Dossier
from ocop.evaluations.services.dossiers import create_dossier, set_attachments, submit_dossier
from ocop.evaluations.services.review import accept_dossier, review_dossier
from ocop.evaluations.tests.factories import (
    FORM,
    complete_review,
    database_state,
    draft_dossier,
    finished_self_assessment,
    make_cast,
)

from ..models import Certificate, CertificateStatus, DecisionItem, RecognitionDecision
from .factories import historical_certificate, proposal, signed_decision

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
EXPIRES = datetime.date(2026, 12, 31)
BEFORE_WINDOW = datetime.date(2026, 6, 1)
IN_WINDOW = datetime.date(2026, 7, 10)
AFTER_WINDOW = datetime.date(2026, 10, 1)


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), VN), tick=False)


def certificates_state():
    return (
        list(RecognitionDecision.objects.order_by("pk").values_list("pk", "status")),
        list(DecisionItem.objects.order_by("pk").values_list("pk", "product_id")),
        list(
            Certificate.objects.order_by("pk").values_list(
                "pk", "is_current", "superseded_by_id", "revoked_on"
            )
        ),
        AuditEvent.objects.count(),
    )


class CertificateCast(TestCase):
    @classmethod
    def setUpTestData(cls):
        with at(BEFORE_WINDOW):
            cls.cast = make_cast()
            cls.certificate = historical_certificate(
                cls.cast.province_officer,
                cls.cast.product,
                issued_on=datetime.date(2024, 1, 10),
                valid_until=EXPIRES,
            )

    def refused(self, call, code):
        before = database_state()
        with self.assertRaises(ValidationError) as raised:
            call()
        self.assertEqual(database_state(), before)
        self.assertIn(code, {error.code for error in raised.exception.error_list})
        return raised.exception

    def file(self, kind, day):
        """A dossier of ``kind`` opened and submitted on ``day``."""
        with at(day):
            finished_self_assessment(self.cast)
            dossier = draft_dossier(self.cast, kind=kind)
            return submit_dossier(dossier, actor=self.cast.member)

    def status_on(self, day):
        certificate = Certificate.objects.with_pending_re_rating().get(pk=self.certificate.pk)
        return certificate.status_on(day)


class UpgradeTests(CertificateCast):
    def test_a_product_recognised_before_the_platform_files_an_upgrade_from_its_certificate(
        self,
    ):
        """Art. 6(1)(b) and 7(5): an upgrade is for a recognised product; art. 12(1) keeps the
        certificates of decisions taken before the platform valid, so the upgrade starts from
        that certificate (there is no earlier dossier on the platform)."""
        with at(BEFORE_WINDOW):
            upgrade = create_dossier(
                self.cast.product, actor=self.cast.member, kind=Dossier.Kind.UPGRADE, data=FORM
            )
        self.assertIsNone(upgrade.previous)
        self.assertEqual(
            (upgrade.recognised_certificate_number, upgrade.recognised_star),
            (self.certificate.number, 3),
        )
        self.assertEqual(upgrade.recognised_until, EXPIRES)
        submitted = self.file_submitted(upgrade)
        self.assertEqual(submitted.status, Dossier.Status.SUBMITTED)
        self.assertFalse(submitted.is_late_re_rating)

    def file_submitted(self, dossier):
        with at(BEFORE_WINDOW):
            finished_self_assessment(self.cast)
            set_attachments(dossier, actor=self.cast.member, documents=[self.cast.food_safety])
            return submit_dossier(dossier, actor=self.cast.member)

    def test_an_upgrade_needs_a_valid_certificate_below_five_stars(self):
        """Art. 7(5): "nâng hạng sản phẩm OCOP" raises a valid recognition; an expired
        certificate is re-rated instead, and a 5★ product has no higher star."""
        with at(EXPIRES + datetime.timedelta(days=1)):
            self.refused(
                lambda: create_dossier(
                    self.cast.product, actor=self.cast.member, kind=Dossier.Kind.UPGRADE
                ),
                "not_valid",
            )
        five = make_cast()
        with at(BEFORE_WINDOW):
            historical_certificate(
                self.cast.central_officer,
                five.product,
                star=5,
                issued_on=datetime.date(2025, 3, 1),
                valid_until=datetime.date(2028, 3, 1),
            )
            self.refused(
                lambda: create_dossier(five.product, actor=five.member, kind=Dossier.Kind.UPGRADE),
                "already_five_stars",
            )


class ReRatingWindowTests(CertificateCast):
    def test_a_re_rating_filed_before_the_window_opens_is_refused_and_nothing_changes(self):
        """Art. 7(6)(a): "Thời gian nộp hồ sơ không sớm hơn 180 ngày ... tính đến ngày hết
        thời hạn của giấy chứng nhận": filed on 1 June for a certificate expiring on
        31 December, it is too early (the window opens on 4 July). The draft may be prepared."""
        with at(BEFORE_WINDOW), translation.override("en"):
            finished_self_assessment(self.cast)
            dossier = draft_dossier(self.cast, kind=Dossier.Kind.RE_RATING)
            error = self.refused(
                lambda: submit_dossier(dossier, actor=self.cast.member), "re_rating_too_early"
            )
        self.assertIn("180", " ".join(error.messages))

    def test_a_re_rating_filed_in_the_window_is_not_late_and_gets_no_grace(self):
        """Art. 7(6)(a) and 12(3): filed inside the window, the re-rating is decided within its
        45 days (art. 7(6)(g)); the extension of art. 12(3) is for those who missed the window,
        so after the expiry day the certificate has expired even if no result has come."""
        dossier = self.file(Dossier.Kind.RE_RATING, IN_WINDOW)
        self.assertFalse(dossier.is_late_re_rating)
        self.assertEqual(dossier.recognised_until, EXPIRES)
        self.assertEqual(self.status_on(EXPIRES), CertificateStatus.VALID)
        self.assertEqual(
            self.status_on(EXPIRES + datetime.timedelta(days=1)), CertificateStatus.EXPIRED
        )

    def test_a_late_re_rating_keeps_the_certificate_valid_until_the_result_for_180_days(self):
        """Art. 12(3): "thời gian nộp hồ sơ không đáp ứng được thời hạn ... thì giấy chứng
        nhận tiếp tục có hiệu lực đến ngày có kết quả xử lý ..., nhưng không quá 180 ngày tính
        từ ngày hết thời hạn". Filed on 1 October, after the window closed on 2 September."""
        dossier = self.file(Dossier.Kind.RE_RATING, AFTER_WINDOW)
        self.assertTrue(dossier.is_late_re_rating)
        self.assertEqual(
            self.status_on(EXPIRES + datetime.timedelta(days=1)), CertificateStatus.EXTENDED
        )
        self.assertEqual(
            self.status_on(EXPIRES + datetime.timedelta(days=180)), CertificateStatus.EXTENDED
        )
        self.assertEqual(
            self.status_on(EXPIRES + datetime.timedelta(days=181)), CertificateStatus.EXPIRED
        )
        # A result without recognition ends the extension.
        Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.RATED_LOW)
        self.assertEqual(
            self.status_on(EXPIRES + datetime.timedelta(days=1)), CertificateStatus.EXPIRED
        )

    def test_the_45_days_run_from_the_complete_dossier_and_are_flagged_once_overdue(self):
        """Art. 7(6)(g): "không quá 45 ngày kể từ ngày nhận đủ hồ sơ đề nghị của UBND cấp xã":
        the province's due date counts from the day the commune forwarded the complete dossier,
        the office sees it on the dossier, and the list flags it once it has passed."""
        dossier = self.file(Dossier.Kind.RE_RATING, IN_WINDOW)
        with at(IN_WINDOW):
            review_dossier(
                dossier,
                actor=self.cast.commune_officer,
                decision=CommuneReview.Decision.FORWARD,
                data=complete_review(),
            )
        with at(IN_WINDOW + datetime.timedelta(days=3)):
            dossier = accept_dossier(dossier, actor=self.cast.province_officer)
        due = dossier.re_rating_due_on
        self.assertGreaterEqual(due, IN_WINDOW + datetime.timedelta(days=45))
        self.assertLessEqual(due, IN_WINDOW + datetime.timedelta(days=48))  # a working day
        self.client.force_login(self.cast.province_officer)
        page = reverse("evaluations:dossier_list")
        with at(due):
            self.assertFalse(Dossier.objects.get(pk=dossier.pk).is_re_rating_overdue)
            response = self.client.get(page, {"re_rating_overdue": "on"})
            self.assertNotContains(response, dossier.receipt_number)
        with at(due + datetime.timedelta(days=1)):
            self.assertTrue(Dossier.objects.get(pk=dossier.pk).is_re_rating_overdue)
            response = self.client.get(page, {"re_rating_overdue": "on"})
            self.assertContains(response, dossier.receipt_number)
            detail = self.client.get(reverse("evaluations:dossier_detail", args=[dossier.pk]))
            self.assertTrue(detail.context["dossier"].is_re_rating_overdue)
            self.assertContains(
                detail, f'<dd class="expired">{date_format(due, "SHORT_DATE_FORMAT")}'
            )


class FirstRatingTests(CertificateCast):
    def test_a_first_rating_of_a_product_with_a_valid_certificate_is_refused(self):
        """Art. 6(1): a recognised product is upgraded (b) or re-rated (c); a first rating (a)
        would replace its valid certificate. The refusal says which to file instead."""
        with at(BEFORE_WINDOW), translation.override("en"):
            error = self.refused(
                lambda: create_dossier(self.cast.product, actor=self.cast.member, data=FORM),
                "already_recognised",
            )
        text = " ".join(error.messages)
        self.assertIn("upgrade", text)
        self.assertIn("re-rating", text)

    def test_a_first_rating_is_filed_again_once_the_certificate_has_lapsed(self):
        with at(EXPIRES + datetime.timedelta(days=1)):
            dossier = create_dossier(self.cast.product, actor=self.cast.member, data=FORM)
        self.assertEqual(dossier.kind, Dossier.Kind.FIRST_RATING)
        self.assertEqual(dossier.recognised_certificate_number, "")

    def test_signing_a_first_rating_that_would_replace_a_valid_certificate_is_refused(self):
        """A certificate recorded after the first rating was filed: signing would silently
        replace a valid certificate, so it is refused and nothing is issued. An upgrade of the
        same product replaces it, as it should."""
        cast = make_cast()
        with at(BEFORE_WINDOW):
            first = proposal(cast.product, star=4)
            historical_certificate(
                cast.province_officer,
                cast.product,
                issued_on=datetime.date(2025, 5, 2),
                valid_until=datetime.date(2028, 5, 2),
            )
            before = certificates_state()
            with self.assertRaises(ValidationError) as raised:
                signed_decision(cast.province_officer, [first])
            self.assertEqual(certificates_state(), before)
            codes = {error.code for error in raised.exception.error_list}
            self.assertEqual(codes, {"replaces_valid_certificate"})

            upgrade = proposal(cast.product, star=4, kind=Dossier.Kind.UPGRADE)
            decision = signed_decision(cast.province_officer, [upgrade])
        new = decision.certificates.get()
        old = Certificate.objects.exclude(pk=new.pk).get(product=cast.product)
        self.assertTrue(new.is_current)
        self.assertEqual((old.is_current, old.superseded_by), (False, new))
