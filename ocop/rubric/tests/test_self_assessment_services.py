"""Starting, answering and finishing a self-assessment (Mẫu 02, part III) through the services.

The product is a tea (scoring set 11): sheet 11 has headings (6, 6.1, 6.2), a conditional
criterion (5.2 counts only when 5.1 has a story) and a stop note (6.1.1).
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import DOAN_KET, MUONG_ANG, commune
from ocop.rubric.engine import load_sheet
from ocop.rubric.models import RubricVersion, SelfAssessment
from ocop.rubric.services import (
    finish_self_assessment,
    save_answer,
    save_answers,
    start_self_assessment,
)
from ocop.rubric.tests.factories import self_assessment

pytestmark = pytest.mark.usefixtures("english")

# The best option of every criterion of sheet 11: 100 points and every minimum met.
BEST_ANSWERS = {
    code: max(criterion.options, key=lambda o: o.points).number
    for code, criterion in load_sheet(11).criteria.items()
}


def state():
    """Every self-assessment row and audit event, to prove that nothing changed."""
    return (
        list(SelfAssessment.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values_list("pk", "action")),
    )


class StartTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.product = ProductFactory()
        cls.member = producer_member(cls.product.producer)
        cls.version = RubricVersion.objects.get(slug="26-2026")

    def test_member_starts_a_draft_on_the_products_sheet_in_the_version_in_force(self):
        assessment = start_self_assessment(self.product, actor=self.member)
        assert assessment.status == SelfAssessment.Status.DRAFT
        assert (assessment.version, assessment.sheet_number) == (self.version, 11)
        assert (assessment.answers, assessment.total, assessment.star) == ({}, 0, 1)
        assert assessment.created_by == self.member
        event = AuditEvent.objects.get()
        assert (event.action, event.actor, event.object_id) == (
            "rubric.self_assessment_started",
            self.member,
            str(assessment.pk),
        )
        assert event.new_status == "draft"
        assert event.changes["version"] == [None, "26/2026"]
        assert verify_chain() == []

    def test_starting_again_opens_the_same_draft_without_a_new_event(self):
        first = start_self_assessment(self.product, actor=self.member)
        again = start_self_assessment(self.product, actor=self.member)
        assert again.pk == first.pk
        assert SelfAssessment.objects.count() == 1
        assert AuditEvent.objects.count() == 1

    def test_a_new_draft_after_a_finished_one_starts_from_its_answers(self):
        finished = self_assessment(
            self.product, actor=self.member, answers={"1.1": 3, "2.2": 4}, finished=True
        )
        draft = start_self_assessment(self.product, actor=self.member)
        assert draft.pk != finished.pk
        assert draft.answers == {"1.1": 3, "2.2": 4}
        assert draft.total == 6
        event = AuditEvent.objects.filter(action="rubric.self_assessment_started").first()  # newest
        assert event.object_id == str(draft.pk)
        assert event.changes["copied_from"] == [None, str(finished.pk)]
        finished.refresh_from_db()
        assert finished.status == SelfAssessment.Status.FINISHED

    def test_officials_and_other_producers_members_cannot_start_one_and_nothing_changes(self):
        before = state()
        for actor in (
            central_officer(),
            province_officer("11"),
            producer_member(ProducerFactory()),
        ):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                start_self_assessment(self.product, actor=actor)
        assert state() == before

    def test_no_rubric_in_force_is_a_clear_refusal_and_nothing_changes(self):
        before = state()
        with self.assertRaisesMessage(ValidationError, "No OCOP rubric in force"):
            start_self_assessment(self.product, actor=self.member, day=datetime.date(2026, 5, 21))
        assert state() == before

    def test_the_version_in_force_on_the_day_is_chosen(self):
        with time_machine.travel(datetime.date(2026, 9, 1)):
            assessment = start_self_assessment(self.product, actor=self.member)
        assert assessment.version == self.version

    def test_the_database_refuses_a_second_draft_of_a_product(self):
        draft = start_self_assessment(self.product, actor=self.member)
        with self.assertRaises(IntegrityError), transaction.atomic():
            SelfAssessment.objects.create(
                product=self.product, version=draft.version, sheet_number=11
            )


class AnswerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.product = ProductFactory()
        cls.member = producer_member(cls.product.producer)
        cls.assessment = start_self_assessment(cls.product, actor=cls.member)

    def answer(self, code, option, actor=None):
        return save_answer(self.assessment, actor=actor or self.member, code=code, option=option)

    def test_an_answer_is_saved_and_the_total_and_stars_are_cached(self):
        assessment = self.answer("1.1", 3)
        assessment = self.answer("4.1", 4)
        self.assessment.refresh_from_db()
        assert self.assessment.answers == {"1.1": 3, "4.1": 4}
        # 1.1 option 3 is worth 3 points, 4.1 option 4 is worth 5.
        assert (self.assessment.total, self.assessment.star, self.assessment.band_star) == (
            8,
            1,
            1,
        )
        assert assessment.total == 8

    def test_changing_and_clearing_an_answer(self):
        self.answer("1.1", 3)
        self.answer("1.1", 1)
        self.assessment.refresh_from_db()
        assert (self.assessment.answers, self.assessment.total) == ({"1.1": 1}, 1)
        self.answer("1.1", None)
        self.assessment.refresh_from_db()
        assert (self.assessment.answers, self.assessment.total) == ({}, 0)

    def test_answers_write_no_audit_event(self):
        self.answer("1.1", 3)
        self.answer("1.1", None)
        assert AuditEvent.objects.filter(action__startswith="rubric.self_assessment").count() == 1

    def test_best_answers_give_100_points_and_a_provisional_5_stars(self):
        assessment = save_answers(self.assessment, actor=self.member, answers=BEST_ANSWERS)
        assessment.refresh_from_db()
        assert (assessment.total, assessment.star, assessment.band_star) == (100, 5, 5)

    def test_a_missed_minimum_keeps_the_star_below_its_band(self):
        answers = dict(BEST_ANSWERS, **{"4.1": 2})  # 4.1 at its 3-star minimum only
        assessment = save_answers(self.assessment, actor=self.member, answers=answers)
        assert (assessment.total, assessment.band_star, assessment.star) == (97, 5, 3)

    def test_a_conditional_answer_counts_only_when_its_condition_is_met(self):
        self.answer("5.2", 3)
        self.assessment.refresh_from_db()
        assert (self.assessment.answers, self.assessment.total) == ({"5.2": 3}, 0)
        self.answer("5.1", 2)
        self.assessment.refresh_from_db()
        assert self.assessment.total == 1 + 2

    def test_invalid_answers_are_refused_with_the_engines_message_and_nothing_changes(self):
        self.answer("1.1", 2)
        before = state()
        cases = [
            ("6.1", 1, "6.1 is a heading and cannot be answered"),
            ("6", None, "6 is a heading and cannot be answered"),
            ("99.9", 1, "Sheet 11 has no criterion with the code 99.9"),
            ("1.1", 0, "Criterion 1.1 has options 1 to 3; 0 is not one of them"),
            ("1.1", 4, "Criterion 1.1 has options 1 to 3; 4 is not one of them"),
            ("1.1", True, "Criterion 1.1 has options 1 to 3"),
            ("1.1", "2", "Criterion 1.1 has options 1 to 3"),
        ]
        for code, option, message in cases:
            with (
                self.subTest(code=code, option=option),
                self.assertRaisesMessage(ValidationError, message),
            ):
                self.answer(code, option)
        assert state() == before

    def test_several_answers_are_saved_all_or_nothing(self):
        before = state()
        with self.assertRaises(ValidationError):
            save_answers(self.assessment, actor=self.member, answers={"1.1": 3, "1.2": 9})
        assert state() == before

    def test_officials_and_other_members_cannot_answer_and_nothing_changes(self):
        before = state()
        for actor in (province_officer("11"), producer_member(ProducerFactory())):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                self.answer("1.1", 3, actor=actor)
        assert state() == before

    def test_the_unchanged_answer_saves_nothing(self):
        self.answer("1.1", 3)
        self.assessment.refresh_from_db()
        saved_at = self.assessment.updated_at
        self.answer("1.1", 3)
        self.assessment.refresh_from_db()
        assert self.assessment.updated_at == saved_at


class FinishTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.product = ProductFactory()
        cls.member = producer_member(cls.product.producer)
        cls.assessment = self_assessment(
            cls.product, actor=cls.member, answers={"1.1": 3, "5.1": 5, "5.2": 3}
        )

    def test_member_finishes_and_the_event_records_the_answers_and_result(self):
        assessment = finish_self_assessment(self.assessment, actor=self.member)
        assessment.refresh_from_db()
        assert assessment.status == SelfAssessment.Status.FINISHED
        assert assessment.finished_at is not None
        assert assessment.total == 3 + 5 + 2
        event = AuditEvent.objects.get(action="rubric.self_assessment_finished")
        assert (event.actor, event.old_status, event.new_status) == (
            self.member,
            "draft",
            "finished",
        )
        assert event.changes["answers"] == [None, '{"1.1": 3, "5.1": 5, "5.2": 3}']
        assert event.changes["total"] == [None, "10"]
        assert event.changes["star"] == [None, "1"]
        assert verify_chain() == []

    def test_a_finished_self_assessment_no_longer_changes(self):
        finish_self_assessment(self.assessment, actor=self.member)
        before = state()
        with self.assertRaisesMessage(ValidationError, "finished and can no longer change"):
            save_answer(self.assessment, actor=self.member, code="1.1", option=1)
        with self.assertRaisesMessage(ValidationError, "finished and can no longer change"):
            finish_self_assessment(self.assessment, actor=self.member)
        assert state() == before

    def test_officials_cannot_finish_a_producers_self_assessment(self):
        before = state()
        with self.assertRaises(PermissionDenied):
            finish_self_assessment(self.assessment, actor=central_officer())
        assert state() == before


class QuerySetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.here = self_assessment(ProductFactory(producer__commune=commune(MUONG_ANG)))
        cls.there = self_assessment(ProductFactory(producer__commune=commune(DOAN_KET)))

    def test_members_see_and_edit_their_own_officials_see_their_territory_and_edit_nothing(
        self,
    ):
        member = self.here.created_by
        dien_bien = province_officer("11")
        central = central_officer()
        visible = SelfAssessment.objects.visible_to
        editable = SelfAssessment.objects.editable_by
        assert list(visible(member)) == [self.here]
        assert list(editable(member)) == [self.here]
        assert list(visible(dien_bien)) == [self.here]
        assert list(editable(dien_bien)) == []
        assert set(visible(central)) == {self.here, self.there}
        assert list(editable(central)) == []
