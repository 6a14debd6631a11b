"""What the workflow leaves behind: the hash-chained audit log, the e-mails to the producer,
the receipt numbers and the commune's deadline."""

import datetime
import hashlib
import io
import json

import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune, province

from ..models import CommuneReview, Dossier, ReceiptCounter
from ..services.dossiers import set_attachments, submit_dossier
from ..services.results import close_scoring
from ..services.review import review_dossier
from ..services.rounds import assign_dossier_to_round
from ..services.scoring import return_score_sheet
from .factories import (
    NOW,
    VN,
    accepted_dossier,
    answers_for_total,
    complete_review,
    draft_dossier,
    finished_self_assessment,
    make_cast,
    make_panel,
    score,
    submitted_dossier,
)

S = Dossier.Status
PRODUCER_ADDRESSES = ["htx.member@example.vn", "htx.second@example.vn"]


def provincial_path(cast, panel):
    """Draft to a 4-star proposal; returns the dossier and the council's result."""
    dossier = accepted_dossier(cast)
    assign_dossier_to_round(dossier, panel.round, actor=cast.province_officer)
    sheets = [score(dossier, user, answers_for_total(80)) for user in panel.scorers]
    result = close_scoring(dossier, actor=panel.chair)
    return dossier, result, sheets


@time_machine.travel(NOW, tick=False)
class AuditTrailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))

    def test_the_chain_verifies_after_the_full_path(self):
        provincial_path(self.cast, self.panel)
        self.assertEqual(verify_chain(), [])
        out = io.StringIO()
        call_command("verify_audit_chain", stdout=out)
        self.assertIn("intact", out.getvalue())

    def test_a_tampered_result_event_is_detected_by_the_verify_command(self):
        dossier, _, _ = provincial_path(self.cast, self.panel)
        event = AuditEvent.objects.get(action="dossier.scoring_closed", object_id=str(dossier.pk))
        self.assertEqual(event.changes["star"], [None, "4"])
        AuditEvent.objects.filter(pk=event.pk).update(
            changes={**event.changes, "star": [None, "5"]}
        )
        problems = verify_chain()
        self.assertEqual(
            problems,
            [
                f"event {event.pk}: the seal does not match the content: changed after it was "
                "written, or rehashed without the audit key"
            ],
        )
        with self.assertRaises(CommandError):
            call_command("verify_audit_chain", stderr=io.StringIO())

    def test_each_status_change_is_recorded_with_its_actor_and_comment(self):
        dossier = submitted_dossier(self.cast)
        review_dossier(
            dossier, actor=self.cast.commune_officer, decision="return", reason="Thiếu ảnh nhãn"
        )
        event = AuditEvent.objects.get(action="dossier.returned")
        self.assertEqual((event.old_status, event.new_status), (S.SUBMITTED, S.RETURNED))
        self.assertEqual(event.actor, self.cast.commune_officer)
        self.assertEqual(event.comment, "Thiếu ảnh nhãn")

    def test_a_submitted_sheet_is_sealed_by_a_digest_of_its_answers(self):
        _, _, sheets = provincial_path(self.cast, self.panel)
        sheet = sheets[1]
        event = AuditEvent.objects.get(action="score_sheet.submitted", object_id=str(sheet.pk))
        digest = hashlib.sha256(
            json.dumps(sheet.answers, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        self.assertEqual(event.changes["answers_sha256"], [None, digest])
        self.assertEqual(event.changes["total"], [None, "80.00"])


@time_machine.travel(NOW, tick=False)
class NotificationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))

    def test_each_status_change_sends_one_email_to_the_producers_members(self):
        with self.captureOnCommitCallbacks(execute=True):
            dossier, _, _ = provincial_path(self.cast, self.panel)
        to_producer = [m for m in mail.outbox if m.to == PRODUCER_ADDRESSES]
        self.assertEqual(len(to_producer), 5)  # submitted, forwarded, accepted, round, result
        self.assertEqual(len(mail.outbox), 5)
        dossier.refresh_from_db()
        self.assertTrue(all(dossier.receipt_number in m.subject for m in to_producer))
        self.assertIn("4", to_producer[-1].body)
        self.assertIn("22-06-2026", to_producer[0].body)  # Vietnamese SHORT_DATE_FORMAT

    def test_nothing_is_sent_until_the_change_commits(self):
        finished_self_assessment(self.cast)
        dossier = draft_dossier(self.cast)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            submit_dossier(dossier, actor=self.cast.member)
        self.assertEqual(mail.outbox, [])
        for callback in callbacks:  # the e-mail, and whatever other apps refresh on commit
            callback()
        self.assertEqual(len(mail.outbox), 1)

    def test_a_member_whose_sheet_is_sent_back_is_told(self):
        dossier = accepted_dossier(self.cast)
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        sheet = score(dossier, self.panel.scorers[1], answers_for_total(80))
        with self.captureOnCommitCallbacks(execute=True):
            return_score_sheet(sheet, actor=self.panel.chair, comment="Xem lại 7")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.panel.scorers[1].email])
        self.assertIn("Xem lại 7", mail.outbox[0].body)


@time_machine.travel(NOW, tick=False)
class ReceiptNumberTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def other_cast(self, commune_code="03256"):
        producer = ProducerFactory(commune=commune(commune_code))
        return make_cast(product=ProductFactory(producer=producer, scoring_set_id=11))

    def test_numbers_run_per_commune_and_year_without_gaps(self):
        first = submitted_dossier(self.cast)
        second = submitted_dossier(self.other_cast())
        elsewhere = submitted_dossier(self.other_cast("03127"))
        self.assertEqual(first.receipt_number, "001/PĐK-11-03256-2026")
        self.assertEqual(second.receipt_number, "002/PĐK-11-03256-2026")
        self.assertEqual(elsewhere.receipt_number, "001/PĐK-11-03127-2026")
        self.assertEqual(
            dict(ReceiptCounter.objects.values_list("commune_id", "last_number")),
            {"03256": 2, "03127": 1},
        )

    def test_a_refused_submission_takes_no_number(self):
        finished_self_assessment(self.cast)
        dossier = draft_dossier(self.cast, documents=[])
        with self.assertRaises(ValidationError):
            submit_dossier(dossier, actor=self.cast.member)
        self.assertFalse(ReceiptCounter.objects.exists())
        set_attachments(dossier, actor=self.cast.member, documents=[self.cast.food_safety])
        dossier = submit_dossier(dossier, actor=self.cast.member)
        self.assertEqual(dossier.receipt_number, "001/PĐK-11-03256-2026")

    def test_a_new_year_starts_again_at_one(self):
        submitted_dossier(self.cast)
        with time_machine.travel(datetime.datetime(2027, 1, 4, 9, tzinfo=VN), tick=False):
            later = submitted_dossier(self.other_cast())
        self.assertEqual(later.receipt_number, "001/PĐK-11-03256-2027")
        # 4/1/2027 + 15 working days, none off in January after New Year's Day.
        self.assertEqual(later.commune_deadline, datetime.date(2027, 1, 25))

    def test_a_returned_dossier_filed_again_keeps_its_number_and_gets_a_new_deadline(self):
        dossier = submitted_dossier(self.cast)
        review_dossier(
            dossier, actor=self.cast.commune_officer, decision="return", reason="Thiếu nhãn"
        )
        with time_machine.travel(datetime.datetime(2026, 6, 10, 9, tzinfo=VN), tick=False):
            dossier = submit_dossier(dossier, actor=self.cast.member)
        self.assertEqual(dossier.receipt_number, "001/PĐK-11-03256-2026")
        self.assertEqual(dossier.received_on, datetime.date(2026, 6, 10))
        self.assertEqual(dossier.commune_deadline, datetime.date(2026, 7, 1))
        self.assertEqual(ReceiptCounter.objects.get().last_number, 1)
        self.assertEqual(dossier.return_reason, "")

    def test_an_overdue_review_is_flagged(self):
        dossier = submitted_dossier(self.cast)  # deadline 22/6/2026
        for day, overdue in ((22, False), (23, True)):
            with time_machine.travel(datetime.datetime(2026, 6, day, 9, tzinfo=VN), tick=False):
                dossier.refresh_from_db()
                self.assertEqual(dossier.is_commune_overdue, overdue)
                self.assertEqual(Dossier.objects.commune_overdue().exists(), overdue)
        review_dossier(
            dossier, actor=self.cast.commune_officer, decision="forward", data=complete_review()
        )
        with time_machine.travel(datetime.datetime(2026, 6, 23, 9, tzinfo=VN), tick=False):
            self.assertFalse(Dossier.objects.commune_overdue().exists())
        self.assertEqual(CommuneReview.objects.get().decision, "forward")
