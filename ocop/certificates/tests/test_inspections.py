"""Post-recognition inspections (hậu kiểm): planning, the visit with its findings, the
follow-up of corrective action, the revocation they lead to, cancelling; who may do each, what
each one refuses (and that a refusal changes nothing), the audit chain and the producer's
e-mails; who sees which inspection."""

import datetime

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from ocop.accounts.tests.factories import UserFactory, central_officer, province_officer
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import producer_member
from ocop.rubric.models import Criterion

from ..control.inspections import (
    FindingInput,
    cancel_inspection,
    escalate_to_revocation,
    inspectable_certificates,
    inspection_criteria,
    plan_inspection,
    record_follow_up,
    record_inspection,
)
from ..control.revocation import revoke_certificate
from ..models import Certificate, CertificateStatus, Inspection, InspectionFinding, RevocationGround
from .factories import (
    NOW,
    TODAY,
    historical_certificate,
    planned_inspection,
    recorded_inspection,
    tea_product,
)


def days(n):
    return datetime.timedelta(days=n)


def state():
    """Everything an inspection step may change."""
    return (
        list(
            Inspection.objects.order_by("pk").values_list(
                "pk", "status", "outcome", "visited_on", "follow_up_result", "resolution"
            )
        ),
        InspectionFinding.objects.count(),
        list(Certificate.objects.order_by("pk").values_list("pk", "is_current", "revoked_on")),
        AuditEvent.objects.count(),
    )


def codes(error):
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}


def tea_criterion(code="1.1"):
    return Criterion.objects.get(sheet__version__code="26/2026", sheet__number=11, code=code)


@time_machine.travel(NOW, tick=False)
class InspectionServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.other_officer = province_officer("12")
        cls.central = central_officer()
        cls.superuser = UserFactory(is_superuser=True)
        cls.product = tea_product()
        cls.member = producer_member(cls.product.producer, email="member@example.vn")
        cls.certificate = historical_certificate(
            cls.officer, cls.product, issued_on=TODAY - days(400)
        )
        cls.five_star = historical_certificate(
            cls.superuser, tea_product(), star=5, issued_on=TODAY - days(300)
        )

    # -- planning -----------------------------------------------------------------------

    def test_province_office_plans_a_periodic_inspection_and_the_producer_is_told(self):
        with self.captureOnCommitCallbacks(execute=True):
            inspection = plan_inspection(
                self.certificate,
                actor=self.officer,
                kind=Inspection.Kind.PERIODIC,
                planned_on=TODAY + days(10),
                team="Lò Văn Thắng",
                checks_criteria=True,
                checks_stamp_use=False,
            )
        self.assertEqual(inspection.status, Inspection.Status.PLANNED)
        self.assertEqual(inspection.created_by, self.officer)
        self.assertFalse(inspection.checks_stamp_use)
        event = AuditEvent.objects.get(action="inspection.planned")
        self.assertEqual(event.object_id, str(inspection.pk))
        self.assertEqual(event.new_status, "planned")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["member@example.vn"])
        self.assertIn(self.product.name, mail.outbox[0].body)
        self.assertEqual(verify_chain(), [])

    def test_an_ad_hoc_inspection_keeps_its_trigger_and_is_not_announced(self):
        with self.captureOnCommitCallbacks(execute=True):
            inspection = plan_inspection(
                self.certificate,
                actor=self.officer,
                kind=Inspection.Kind.AD_HOC,
                planned_on=TODAY,
                team="Tổ kiểm tra",
                trigger="Phản ánh số 12",
            )
        self.assertEqual(inspection.trigger, "Phản ánh số 12")
        self.assertEqual(mail.outbox, [])

    def test_other_province_central_office_and_members_cannot_plan_a_3_star_inspection(self):
        before = state()
        for actor in (self.other_officer, self.central, self.member, UserFactory()):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                planned_inspection(actor, self.certificate)
        self.assertEqual(state(), before)

    def test_5_star_products_are_inspected_by_the_central_office_not_the_province(self):
        before = state()
        with self.assertRaises(PermissionDenied):
            planned_inspection(self.officer, self.five_star)
        self.assertEqual(state(), before)
        inspection = planned_inspection(self.central, self.five_star)
        self.assertEqual(inspection.certificate, self.five_star)

    def test_planning_refuses_bad_input_and_changes_nothing(self):
        cases = [
            ({"planned_on": TODAY - days(401)}, "before_issue"),
            ({"planned_on": None}, "no_date"),
            ({"team": "   "}, "no_team"),
            ({"checks_criteria": False, "checks_stamp_use": False}, "empty_scope"),
            ({"kind": "weekly"}, "kind"),
            ({"kind": "ad_hoc", "trigger": "x" * 201}, "trigger_too_long"),
        ]
        before = state()
        for kwargs, code in cases:
            values = {"kind": "periodic", "planned_on": TODAY, "team": "Tổ kiểm tra"}
            values.update(kwargs)
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                plan_inspection(self.certificate, actor=self.officer, **values)
            self.assertIn(code, codes(caught.exception))
        self.assertEqual(state(), before)

    def test_a_revoked_certificate_is_not_inspected(self):
        revoke_certificate(
            self.certificate,
            actor=self.officer,
            ground=RevocationGround.PRODUCTION_STOPPED,
            decision_number="9/QĐ-UBND",
            decided_on=TODAY,
            finding_on=TODAY,
        )
        before = state()
        with self.assertRaises(ValidationError) as caught:
            planned_inspection(self.officer, self.certificate)
        self.assertEqual(codes(caught.exception), {"not_current"})
        self.assertEqual(state(), before)
        self.assertNotIn(self.certificate, inspectable_certificates(self.officer))

    def test_an_expired_certificate_is_not_inspected(self):
        old = historical_certificate(
            self.officer, tea_product(), issued_on=datetime.date(2021, 1, 4)
        )
        with self.assertRaises(ValidationError) as caught:
            planned_inspection(self.officer, old)
        self.assertEqual(codes(caught.exception), {"expired"})
        self.assertNotIn(old, inspectable_certificates(self.officer))

    def test_inspectable_certificates_follow_the_revoking_office(self):
        self.assertIn(self.certificate, inspectable_certificates(self.officer))
        self.assertNotIn(self.five_star, inspectable_certificates(self.officer))
        self.assertEqual(list(inspectable_certificates(self.central)), [self.five_star])
        self.assertFalse(inspectable_certificates(self.other_officer).exists())
        self.assertFalse(inspectable_certificates(self.member).exists())

    # -- the visit ----------------------------------------------------------------------

    def test_recording_corrective_action_keeps_findings_against_the_products_sheet(self):
        inspection = planned_inspection(self.officer, self.certificate, planned_on=TODAY)
        criterion = tea_criterion()
        with self.captureOnCommitCallbacks(execute=True):
            recorded = record_inspection(
                inspection,
                actor=self.officer,
                visited_on=TODAY - days(1),
                outcome=Inspection.Outcome.CORRECTIVE_ACTION,
                corrective_deadline=TODAY + days(30),
                summary="Nhãn thiếu thông tin.",
                findings=[
                    FindingInput(
                        area="criterion",
                        criterion_id=criterion.pk,
                        description="Không còn hợp đồng liên kết",
                        severity="major",
                    ),
                    FindingInput(
                        area="stamp", description="Tem dán sai sản phẩm", severity="minor"
                    ),
                ],
            )
        self.assertEqual(recorded.status, Inspection.Status.RECORDED)
        self.assertTrue(recorded.awaits_follow_up)
        findings = list(recorded.findings.order_by("position"))
        self.assertEqual([f.area for f in findings], ["criterion", "stamp"])
        self.assertEqual(findings[0].criterion, criterion)
        self.assertEqual(findings[0].criterion_code, "1.1")
        self.assertEqual(findings[0].criterion_title, criterion.title_vi)
        self.assertEqual(findings[1].criterion_code, "")
        event = AuditEvent.objects.get(action="inspection.recorded")
        self.assertEqual((event.old_status, event.new_status), ("planned", "recorded"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(verify_chain(), [])

    def test_a_compliant_visit_closes_the_inspection(self):
        inspection = recorded_inspection(self.officer, self.certificate, outcome="compliant")
        self.assertEqual(inspection.status, Inspection.Status.CLOSED)
        self.assertEqual(inspection.resolution, Inspection.Resolution.COMPLIANT)
        self.assertIsNone(inspection.corrective_deadline)
        self.assertFalse(inspection.awaits_follow_up or inspection.awaits_revocation)

    def test_recording_refuses_bad_input_and_changes_nothing(self):
        inspection = planned_inspection(self.officer, self.certificate)
        other_sheet = Criterion.objects.get(
            sheet__version__code="26/2026", sheet__number=1, code="1.1"
        )
        stamp = FindingInput(area="stamp", description="Tem sai", severity="major")
        cases = [
            ({"visited_on": TODAY + days(1)}, "future_date"),
            ({"visited_on": TODAY - days(401)}, "before_issue"),
            ({"visited_on": None}, "no_date"),
            ({"corrective_deadline": None}, "no_deadline"),
            ({"corrective_deadline": TODAY - days(5)}, "deadline_before_visit"),
            ({"outcome": "fine"}, "outcome"),
            ({"findings": []}, "no_findings"),
            (
                {
                    "findings": [
                        FindingInput(
                            area="criterion",
                            criterion_id=other_sheet.pk,
                            description="x",
                            severity="minor",
                        )
                    ]
                },
                "finding_criterion",
            ),
            (
                {"findings": [FindingInput(area="criterion", description="x", severity="minor")]},
                "finding_criterion",
            ),
            (
                {"findings": [FindingInput(area="x", description="x", severity="minor")]},
                "finding_area",
            ),
            (
                {"findings": [FindingInput(area="stamp", description="x", severity="huge")]},
                "finding_severity",
            ),
            (
                {"findings": [FindingInput(area="stamp", description=" ", severity="minor")]},
                "finding_description",
            ),
            ({"findings": [stamp] * 51}, "too_many_findings"),
        ]
        before = state()
        for kwargs, code in cases:
            values = {
                "visited_on": TODAY,
                "outcome": "corrective_action",
                "corrective_deadline": TODAY + days(30),
                "findings": [stamp],
            }
            values.update(kwargs)
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                record_inspection(inspection, actor=self.officer, **values)
            self.assertIn(code, codes(caught.exception))
        self.assertEqual(state(), before)

    def test_recording_twice_or_by_another_office_is_refused(self):
        inspection = recorded_inspection(self.officer, self.certificate)
        before = state()
        with self.assertRaises(ValidationError) as caught:
            record_inspection(inspection, actor=self.officer, visited_on=TODAY, outcome="compliant")
        self.assertEqual(codes(caught.exception), {"wrong_status"})
        planned = planned_inspection(self.officer, self.certificate)
        before = state()
        for actor in (self.other_officer, self.central, self.member):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                record_inspection(planned, actor=actor, visited_on=TODAY, outcome="compliant")
        self.assertEqual(state(), before)

    def test_the_sheet_of_a_certificate_from_before_the_platform_is_the_products_set(self):
        codes_ = list(inspection_criteria(self.certificate).values_list("code", flat=True))
        self.assertIn("1.1", codes_)
        self.assertTrue(
            all(
                c.sheet.number == 11 and not c.is_heading
                for c in inspection_criteria(self.certificate)
            )
        )

    # -- the follow-up ------------------------------------------------------------------

    def test_corrected_findings_close_the_inspection(self):
        inspection = recorded_inspection(
            self.officer, self.certificate, visited_on=TODAY - days(40)
        )
        with self.captureOnCommitCallbacks(execute=True):
            closed = record_follow_up(
                inspection, actor=self.officer, checked_on=TODAY, corrected=True, note="Đã sửa"
            )
        self.assertEqual(closed.status, Inspection.Status.CLOSED)
        self.assertEqual(closed.resolution, Inspection.Resolution.CORRECTED)
        self.assertEqual(closed.follow_up_result, Inspection.FollowUp.CORRECTED)
        self.assertTrue(AuditEvent.objects.filter(action="inspection.followed_up").exists())
        self.assertEqual(len(mail.outbox), 1)

    def test_findings_not_corrected_start_the_15_days_to_revoke(self):
        inspection = recorded_inspection(
            self.officer, self.certificate, visited_on=TODAY - days(40)
        )
        self.assertTrue(inspection.is_corrective_overdue(TODAY))
        escalated = record_follow_up(
            inspection, actor=self.officer, checked_on=TODAY - days(2), corrected=False
        )
        self.assertEqual(escalated.status, Inspection.Status.RECORDED)
        self.assertTrue(escalated.awaits_revocation)
        self.assertFalse(escalated.awaits_follow_up)
        self.assertEqual(escalated.finding_on, TODAY - days(2))
        # The 15th day, Sunday 14 June, moves to Monday (Civil Code art. 148(5)).
        self.assertEqual(escalated.revocation_due_on, TODAY + days(14))

    def test_follow_up_refuses_bad_dates_wrong_status_and_other_offices(self):
        inspection = recorded_inspection(
            self.officer, self.certificate, visited_on=TODAY - days(10)
        )
        before = state()
        for checked_on, code in (
            (TODAY + days(1), "future_date"),
            (TODAY - days(11), "before_visit"),
            (None, "no_date"),
        ):
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                record_follow_up(
                    inspection, actor=self.officer, checked_on=checked_on, corrected=True
                )
            self.assertEqual(codes(caught.exception), {code})
        with self.assertRaises(PermissionDenied):
            record_follow_up(inspection, actor=self.other_officer, checked_on=TODAY, corrected=True)
        compliant = recorded_inspection(self.officer, self.certificate, outcome="compliant")
        before = state()
        with self.assertRaises(ValidationError) as caught:
            record_follow_up(compliant, actor=self.officer, checked_on=TODAY, corrected=True)
        self.assertEqual(codes(caught.exception), {"wrong_status"})
        self.assertEqual(state(), before)

    # -- the revocation -----------------------------------------------------------------

    def escalate(self, inspection, actor=None, **kwargs):
        values = {
            "ground": RevocationGround.CRITERIA_NOT_MET,
            "decision_number": "88/QĐ-UBND",
            "decided_on": TODAY,
        }
        values.update(kwargs)
        return escalate_to_revocation(inspection, actor=actor or self.officer, **values)

    def test_escalation_revokes_the_certificate_and_closes_the_inspection(self):
        inspection = recorded_inspection(
            self.officer, self.certificate, outcome="revocation_recommended", visited_on=TODAY
        )
        self.assertEqual(inspection.revocation_due_on, TODAY + days(15))
        with self.captureOnCommitCallbacks(execute=True):
            escalation = self.escalate(inspection, note="Không khắc phục")
        self.assertFalse(escalation.is_late)
        self.assertEqual(escalation.due_on, TODAY + days(15))
        certificate = Certificate.objects.get(pk=self.certificate.pk)
        self.assertEqual(certificate.revoked_on, TODAY)
        self.assertFalse(certificate.is_current)
        self.assertEqual(certificate.revocation_ground, RevocationGround.CRITERIA_NOT_MET)
        self.assertEqual(certificate.revocation_decision_number, "88/QĐ-UBND")
        self.assertIn(f"{inspection.pk}", certificate.revocation_note)
        self.assertEqual(certificate.status_on(TODAY), CertificateStatus.REVOKED)
        inspection.refresh_from_db()
        self.assertEqual(inspection.status, Inspection.Status.CLOSED)
        self.assertEqual(inspection.resolution, Inspection.Resolution.REVOKED)
        actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
        self.assertEqual(
            actions[-3:],
            ["certificate.revoked", "revocation_case.closed", "inspection.escalated"],
        )
        self.assertEqual(verify_chain(), [])
        # revoke_certificate's e-mail (the visit's was queued outside this capture).
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("88/QĐ-UBND", mail.outbox[0].body)

    def test_a_late_revocation_is_recorded_and_flagged(self):
        inspection = recorded_inspection(
            self.officer,
            self.certificate,
            outcome="revocation_recommended",
            visited_on=TODAY - days(20),
        )
        escalation = self.escalate(inspection)
        self.assertTrue(escalation.is_late)
        self.assertEqual(escalation.due_on, TODAY - days(5))
        self.assertEqual(
            AuditEvent.objects.get(action="inspection.escalated").changes["late"], [None, "yes"]
        )
        self.assertIsNotNone(Certificate.objects.get(pk=self.certificate.pk).revoked_on)

    def test_the_15_days_end_on_the_15th_day_after_the_finding(self):
        inspection = recorded_inspection(
            self.officer,
            self.certificate,
            outcome="revocation_recommended",
            visited_on=TODAY - days(15),
        )
        self.assertFalse(self.escalate(inspection).is_late)

    def test_escalation_refuses_bad_input_wrong_status_and_other_offices_and_changes_nothing(
        self,
    ):
        waiting = recorded_inspection(
            self.officer, self.certificate, outcome="revocation_recommended", visited_on=TODAY
        )
        before = state()
        cases = [
            ({"decision_number": " "}, "no_number"),
            ({"decided_on": TODAY + days(1)}, "future_date"),
            ({"decided_on": None}, "no_date"),
            ({"ground": "dislike"}, "ground"),
            ({"decided_on": TODAY - days(1)}, "before_finding"),
        ]
        for kwargs, code in cases:
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                self.escalate(waiting, **kwargs)
            self.assertIn(code, codes(caught.exception))
        for actor in (self.other_officer, self.central, self.member):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                self.escalate(waiting, actor=actor)
        self.assertEqual(state(), before)

    def test_a_certificate_revoked_meanwhile_closes_the_inspection_on_that_revocation(self):
        inspection = recorded_inspection(
            self.officer, self.certificate, outcome="revocation_recommended", visited_on=TODAY
        )
        revoke_certificate(
            self.certificate,
            actor=self.officer,
            ground=RevocationGround.MARK_MISUSE,
            decision_number="7/QĐ-UBND",
            decided_on=TODAY,
            finding_on=TODAY,
        )
        escalation = self.escalate(inspection, ground=None, decision_number=None, decided_on=None)
        self.assertFalse(escalation.is_late)
        inspection.refresh_from_db()
        self.assertEqual(inspection.resolution, Inspection.Resolution.REVOKED)
        certificate = Certificate.objects.get(pk=self.certificate.pk)
        self.assertEqual(certificate.revocation_decision_number, "7/QĐ-UBND")
        self.assertEqual(
            AuditEvent.objects.get(action="inspection.escalated").changes[
                "revocation_decision_number"
            ],
            [None, "7/QĐ-UBND"],
        )

    def test_corrective_action_is_not_escalated_before_its_follow_up(self):
        inspection = recorded_inspection(self.officer, self.certificate)
        before = state()
        with self.assertRaises(ValidationError) as caught:
            self.escalate(inspection)
        self.assertEqual(codes(caught.exception), {"wrong_status"})
        self.assertEqual(state(), before)

    def test_the_central_office_escalates_a_5_star_inspection(self):
        inspection = recorded_inspection(
            self.central, self.five_star, outcome="revocation_recommended", visited_on=TODAY
        )
        with self.assertRaises(PermissionDenied):
            self.escalate(inspection, actor=self.officer)
        self.escalate(inspection, actor=self.central, decision_number="12/QĐ-BNNMT")
        self.assertIsNotNone(Certificate.objects.get(pk=self.five_star.pk).revoked_on)

    # -- cancelling ---------------------------------------------------------------------

    def test_a_planned_inspection_is_cancelled_with_a_reason(self):
        inspection = planned_inspection(self.officer, self.certificate)
        before = state()
        with self.assertRaises(ValidationError) as caught:
            cancel_inspection(inspection, actor=self.officer, reason=" ")
        self.assertEqual(codes(caught.exception), {"no_reason"})
        with self.assertRaises(PermissionDenied):
            cancel_inspection(inspection, actor=self.other_officer, reason="Trùng lịch")
        self.assertEqual(state(), before)
        cancelled = cancel_inspection(inspection, actor=self.officer, reason="Trùng lịch")
        self.assertEqual(cancelled.status, Inspection.Status.CANCELLED)
        self.assertEqual(cancelled.cancellation_reason, "Trùng lịch")
        self.assertTrue(AuditEvent.objects.filter(action="inspection.cancelled").exists())
        with self.assertRaises(ValidationError):
            cancel_inspection(cancelled, actor=self.officer, reason="again")

    def test_a_recorded_inspection_cannot_be_cancelled(self):
        inspection = recorded_inspection(self.officer, self.certificate)
        before = state()
        with self.assertRaises(ValidationError) as caught:
            cancel_inspection(inspection, actor=self.officer, reason="x")
        self.assertEqual(codes(caught.exception), {"wrong_status"})
        self.assertEqual(state(), before)

    # -- who sees what ------------------------------------------------------------------

    def test_visibility_and_editability(self):
        planned = planned_inspection(self.officer, self.certificate)
        recorded = recorded_inspection(self.officer, self.certificate)
        five = planned_inspection(self.central, self.five_star)
        outsider = producer_member(email="outsider@example.vn")

        def seen(user, method="visible_to"):
            return set(getattr(Inspection.objects, method)(user).values_list("pk", flat=True))

        self.assertEqual(seen(self.officer), {planned.pk, recorded.pk, five.pk})
        self.assertEqual(seen(self.central), {planned.pk, recorded.pk, five.pk})
        self.assertEqual(seen(self.member), {recorded.pk})
        self.assertEqual(seen(self.other_officer), set())
        self.assertEqual(seen(outsider), set())
        self.assertEqual(seen(UserFactory()), set())
        self.assertEqual(seen(self.officer, "editable_by"), {planned.pk, recorded.pk})
        self.assertEqual(seen(self.central, "editable_by"), {five.pk})
        self.assertEqual(seen(self.member, "editable_by"), set())
        self.assertEqual(seen(self.superuser, "editable_by"), {planned.pk, recorded.pk, five.pk})


class InspectionConstraintTests(TestCase):
    """The database keeps an inspection's fields consistent even without the services."""

    @classmethod
    def setUpTestData(cls):
        officer = province_officer("11")
        with time_machine.travel(NOW, tick=False):
            cls.certificate = historical_certificate(
                officer, tea_product(), issued_on=TODAY - days(100)
            )

    def row(self, **fields):
        values = {
            "certificate": self.certificate,
            "kind": "periodic",
            "planned_on": TODAY,
            "team": "Tổ",
        }
        values.update(fields)
        with transaction.atomic():
            return Inspection.objects.create(**values)

    def test_inconsistent_rows_are_refused(self):
        now = NOW
        bad = [
            {"kind": "weekly"},
            {"checks_criteria": False, "checks_stamp_use": False},
            {"status": "recorded"},
            {"visited_on": TODAY},
            {
                "status": "recorded",
                "visited_on": TODAY,
                "outcome": "corrective_action",
                "recorded_at": now,
            },
            {
                "status": "recorded",
                "visited_on": TODAY,
                "outcome": "compliant",
                "recorded_at": now,
                "corrective_deadline": TODAY,
            },
            {
                "status": "recorded",
                "visited_on": TODAY,
                "outcome": "corrective_action",
                "recorded_at": now,
                "corrective_deadline": TODAY - days(1),
            },
            {"status": "closed", "visited_on": TODAY, "outcome": "compliant", "recorded_at": now},
            {"follow_up_result": "corrected"},
        ]
        for fields in bad:
            with self.subTest(fields=fields), self.assertRaises(IntegrityError):
                self.row(**fields)
        self.assertFalse(Inspection.objects.exists())

    def test_findings_name_a_criterion_only_when_about_a_criterion(self):
        inspection = self.row()
        for fields in (
            {"area": "criterion", "criterion_code": ""},
            {"area": "stamp", "criterion_code": "1.1"},
            {"area": "stamp", "severity": "huge"},
            {"area": "other", "description": ""},
        ):
            values = {"description": "x", "severity": "minor", "position": 1}
            values.update(fields)
            with (
                self.subTest(fields=fields),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
            ):
                InspectionFinding.objects.create(inspection=inspection, **values)
        self.assertFalse(InspectionFinding.objects.exists())
