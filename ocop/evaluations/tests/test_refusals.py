"""Every refusal leaves the database as it was: the dossier's status, the rows of the workflow
and the audit log."""

import datetime

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase, override_settings

from ocop.core.models import AuditEvent
from ocop.producers.choices import DocumentKind
from ocop.producers.models import ProducerMember
from ocop.producers.tests.factories import ProducerDocumentFactory, producer_member
from ocop.regions.tests.factories import province

from .. import models
from ..models import CommuneReview, Dossier, Round
from ..services.advisory import order_lab_test, record_lab_result, record_site_visit
from ..services.central import approve_for_central, recognise_central_score
from ..services.dossiers import create_dossier, set_attachments, submit_dossier, update_dossier
from ..services.results import close_scoring
from ..services.review import accept_dossier, return_dossier, review_dossier
from ..services.rounds import assign_dossier_to_round, create_round
from ..services.scoring import (
    declare_conflict,
    return_score_sheet,
    save_score_sheet,
    submit_score_sheet,
)
from .factories import (
    NOW,
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
TRACKED = [
    models.Dossier,
    models.DossierAttachment,
    models.ReceiptCounter,
    models.CommuneReview,
    models.Round,
    models.RoundDossier,
    models.Council,
    models.CouncilMember,
    models.ConflictDeclaration,
    models.SiteVisit,
    models.LabTestOrder,
    models.ScoreSheet,
    models.CouncilResult,
    AuditEvent,
]


def state():
    """Everything a refused call could have changed."""
    return {
        "counts": {model.__name__: model.objects.count() for model in TRACKED},
        "dossiers": list(
            Dossier.objects.order_by("pk").values_list(
                "pk", "status", "receipt_number", "updated_at", "proposed_star"
            )
        ),
        "sheets": list(
            models.ScoreSheet.objects.order_by("pk").values_list(
                "pk", "status", "answers", "total", "updated_at"
            )
        ),
        "counters": list(models.ReceiptCounter.objects.values_list("pk", "last_number")),
    }


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class RefusalTestCase(TestCase):
    def assertRefused(self, exception, call, *, code=None):
        before = state()
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(exception) as raised,
        ):
            call()
        self.assertEqual(state(), before)
        self.assertEqual(callbacks, [])
        if code is not None:
            codes = {error.code for error in raised.exception.error_list}
            self.assertIn(code, codes)
        return raised.exception


@time_machine.travel(NOW, tick=False)
class SubmissionRefusalTests(RefusalTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def test_expired_food_safety_certificate_blocks_submission_with_its_date(self):
        expired = ProducerDocumentFactory(
            producer=self.cast.producer,
            kind=DocumentKind.FOOD_SAFETY,
            number="77/GCN-ATTP",
            issued_on=datetime.date(2023, 5, 31),
            expires_on=datetime.date(2026, 5, 31),
        )
        finished_self_assessment(self.cast)
        dossier = draft_dossier(self.cast, documents=[expired])
        error = self.assertRefused(
            ValidationError,
            lambda: submit_dossier(dossier, actor=self.cast.member),
            code="expired_document",
        )
        self.assertIn("77/GCN-ATTP", " ".join(error.messages))
        self.assertIn("expired on", " ".join(error.messages))

    def test_missing_food_safety_certificate_blocks_a_food_product(self):
        finished_self_assessment(self.cast)
        dossier = draft_dossier(self.cast, documents=[])
        self.assertRefused(
            ValidationError,
            lambda: submit_dossier(dossier, actor=self.cast.member),
            code="no_food_safety_certificate",
        )

    def test_no_finished_self_assessment_blocks_submission(self):
        dossier = draft_dossier(self.cast)
        self.assertRefused(
            ValidationError,
            lambda: submit_dossier(dossier, actor=self.cast.member),
            code="no_self_assessment",
        )

    def test_incomplete_form_and_missing_declaration_are_reported_together(self):
        finished_self_assessment(self.cast)
        dossier = draft_dossier(self.cast)
        update_dossier(
            dossier, actor=self.cast.member, data={"phone": "", "is_declaration_accepted": False}
        )
        error = self.assertRefused(
            ValidationError, lambda: submit_dossier(dossier, actor=self.cast.member)
        )
        self.assertEqual({e.code for e in error.error_list}, {"incomplete_form", "declaration"})

    def test_other_producers_member_cannot_submit(self):
        finished_self_assessment(self.cast)
        dossier = draft_dossier(self.cast)
        stranger = producer_member()
        self.assertRefused(PermissionDenied, lambda: submit_dossier(dossier, actor=stranger))

    def test_an_official_cannot_see_or_submit_a_draft(self):
        finished_self_assessment(self.cast)
        dossier = draft_dossier(self.cast)
        for official in (self.cast.commune_officer, self.cast.province_officer):
            self.assertRefused(
                PermissionDenied,
                lambda official=official: submit_dossier(dossier, actor=official),
            )

    def test_submitted_dossier_cannot_be_submitted_or_edited_again(self):
        dossier = submitted_dossier(self.cast)
        self.assertRefused(
            ValidationError,
            lambda: submit_dossier(dossier, actor=self.cast.member),
            code="not_editable",
        )
        self.assertRefused(
            ValidationError,
            lambda: update_dossier(dossier, actor=self.cast.member, data={"phone": "1"}),
            code="not_editable",
        )

    def test_a_second_open_dossier_for_the_same_product_is_refused(self):
        draft_dossier(self.cast)
        self.assertRefused(
            ValidationError,
            lambda: create_dossier(self.cast.product, actor=self.cast.member),
            code="dossier_in_progress",
        )

    def test_officials_cannot_file_a_dossier(self):
        self.assertRefused(
            PermissionDenied,
            lambda: create_dossier(self.cast.product, actor=self.cast.commune_officer),
        )

    def test_documents_of_another_producer_cannot_be_attached(self):
        dossier = draft_dossier(self.cast)
        foreign = ProducerDocumentFactory()
        self.assertRefused(
            ValidationError,
            lambda: set_attachments(dossier, actor=self.cast.member, documents=[foreign]),
            code="foreign_document",
        )


@time_machine.travel(NOW, tick=False)
class ReviewRefusalTests(RefusalTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.dossier = submitted_dossier(cls.cast)

    def review(self, actor, **kwargs):
        return lambda: review_dossier(
            self.dossier,
            actor=actor,
            decision=kwargs.pop("decision", CommuneReview.Decision.FORWARD),
            data=kwargs.pop("data", complete_review()),
            **kwargs,
        )

    def test_producer_cannot_forward_its_own_dossier(self):
        self.assertRefused(PermissionDenied, self.review(self.cast.member))

    def test_officer_of_another_commune_cannot_review(self):
        self.assertRefused(PermissionDenied, self.review(self.cast.other_commune_officer))

    def test_province_office_cannot_do_the_communes_review(self):
        self.assertRefused(PermissionDenied, self.review(self.cast.province_officer))

    def test_forwarding_an_incomplete_dossier_is_refused(self):
        data = complete_review(has_samples=False, local_labour_note="")
        error = self.assertRefused(
            ValidationError, self.review(self.cast.commune_officer, data=data)
        )
        self.assertEqual(set(error.message_dict), {"has_samples", "local_labour_note"})

    def test_returning_without_a_reason_is_refused(self):
        self.assertRefused(
            ValidationError,
            self.review(self.cast.commune_officer, decision=CommuneReview.Decision.RETURN, data={}),
            code="reason",
        )

    def test_province_cannot_accept_before_the_commune_forwards(self):
        self.assertRefused(
            ValidationError,
            lambda: accept_dossier(self.dossier, actor=self.cast.province_officer),
            code="wrong_status",
        )


@time_machine.travel(NOW, tick=False)
class ProvinceRefusalTests(RefusalTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.dossier = submitted_dossier(cls.cast)
        review_dossier(
            cls.dossier,
            actor=cls.cast.commune_officer,
            decision=CommuneReview.Decision.FORWARD,
            data=complete_review(),
        )

    def test_other_province_office_cannot_accept(self):
        self.assertRefused(
            PermissionDenied,
            lambda: accept_dossier(self.dossier, actor=self.cast.other_province_officer),
        )

    def test_central_office_cannot_take_the_provinces_step(self):
        self.assertRefused(
            PermissionDenied,
            lambda: accept_dossier(self.dossier, actor=self.cast.central_officer),
        )

    def test_commune_officer_cannot_accept_at_the_province(self):
        self.assertRefused(
            PermissionDenied,
            lambda: accept_dossier(self.dossier, actor=self.cast.commune_officer),
        )

    def test_a_forwarded_dossier_cannot_skip_acceptance(self):
        round_ = create_round(
            actor=self.cast.province_officer,
            level="province",
            year=2026,
            number=2,
            province=province("11"),
        )
        self.assertRefused(
            ValidationError,
            lambda: assign_dossier_to_round(self.dossier, round_, actor=self.cast.province_officer),
            code="wrong_status",
        )

    def test_a_statutory_round_refuses_dossiers_proposed_after_its_cut_off(self):
        accept_dossier(self.dossier, actor=self.cast.province_officer)
        first = create_round(
            actor=self.cast.province_officer,
            level="province",
            year=2026,
            number=1,
            province=province("11"),
        )
        self.assertRefused(
            ValidationError,
            lambda: assign_dossier_to_round(self.dossier, first, actor=self.cast.province_officer),
            code="after_cut_off",
        )

    def test_other_province_cannot_open_this_provinces_rounds(self):
        self.assertRefused(
            PermissionDenied,
            lambda: create_round(
                actor=self.cast.other_province_officer,
                level="province",
                year=2026,
                number=2,
                province=province("11"),
            ),
        )

    def test_province_office_cannot_open_a_central_round(self):
        self.assertRefused(
            PermissionDenied,
            lambda: create_round(
                actor=self.cast.province_officer, level=Round.Level.CENTRAL, year=2026, number=1
            ),
        )

    def test_returning_without_a_reason_is_refused(self):
        self.assertRefused(
            ValidationError,
            lambda: return_dossier(self.dossier, actor=self.cast.province_officer, reason=" "),
            code="reason",
        )


@time_machine.travel(NOW, tick=False)
class ScoringRefusalTests(RefusalTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.dossier = accepted_dossier(cls.cast)
        assign_dossier_to_round(cls.dossier, cls.panel.round, actor=cls.cast.province_officer)
        cls.chair, cls.secretary, cls.member = cls.panel.scorers[:3]

    def test_conflicted_member_cannot_score(self):
        declare_conflict(
            self.dossier, actor=self.member, has_conflict=True, note="Anh rể của giám đốc HTX."
        )
        self.assertRefused(
            PermissionDenied,
            lambda: save_score_sheet(
                self.dossier, actor=self.member, answers=answers_for_total(80)
            ),
        )

    def test_member_acting_for_the_producer_cannot_declare_no_conflict(self):
        ProducerMember.objects.create(user=self.member, producer=self.cast.producer)
        self.assertRefused(
            ValidationError,
            lambda: declare_conflict(self.dossier, actor=self.member, has_conflict=False),
            code="tied_to_producer",
        )

    def test_scoring_without_a_declaration_is_refused(self):
        self.assertRefused(
            ValidationError,
            lambda: save_score_sheet(
                self.dossier, actor=self.member, answers=answers_for_total(80)
            ),
            code="no_declaration",
        )

    def test_advisers_and_outsiders_cannot_score(self):
        declare_conflict(self.dossier, actor=self.panel.adviser, has_conflict=False)
        self.assertRefused(
            PermissionDenied,
            lambda: save_score_sheet(
                self.dossier, actor=self.panel.adviser, answers=answers_for_total(80)
            ),
        )
        self.assertRefused(
            PermissionDenied,
            lambda: save_score_sheet(
                self.dossier, actor=self.cast.outsider, answers=answers_for_total(80)
            ),
        )

    def test_editing_a_submitted_sheet_is_refused(self):
        score(self.dossier, self.member, answers_for_total(80))
        self.assertRefused(
            ValidationError,
            lambda: save_score_sheet(
                self.dossier, actor=self.member, answers=answers_for_total(60)
            ),
            code="sheet_locked",
        )

    def test_an_answer_the_sheet_does_not_allow_is_refused(self):
        declare_conflict(self.dossier, actor=self.member, has_conflict=False)
        self.assertRefused(
            ValidationError,
            lambda: save_score_sheet(self.dossier, actor=self.member, answers={"1.1": 9}),
            code="invalid_answer",
        )

    def test_another_members_sheet_cannot_be_submitted_or_sent_back_by_a_member(self):
        sheet = score(self.dossier, self.member, answers_for_total(80), submit=False)
        self.assertRefused(
            PermissionDenied, lambda: submit_score_sheet(sheet, actor=self.secretary)
        )
        submit_score_sheet(sheet, actor=self.member)
        self.assertRefused(
            PermissionDenied,
            lambda: return_score_sheet(sheet, actor=self.secretary, comment="x"),
        )

    def test_closing_without_quorum_is_refused(self):
        for user in (self.chair, self.secretary, self.member):
            score(self.dossier, user, answers_for_total(80))
        error = self.assertRefused(
            ValidationError,
            lambda: close_scoring(self.dossier, actor=self.chair),
            code="no_quorum",
        )
        self.assertIn("3 of the 5", " ".join(error.messages))

    def test_a_conflicted_members_submitted_sheet_does_not_count_toward_quorum(self):
        for user in self.panel.scorers[:4]:
            score(self.dossier, user, answers_for_total(80))
        # declare_conflict now refuses while the sheet is submitted (the chair sends it back
        # first); a conflict recorded under a submitted sheet can still come from older rows.
        models.ConflictDeclaration.objects.filter(
            dossier=self.dossier, member__user=self.member
        ).update(has_conflict=True, note="Phát hiện sau khi chấm.")
        self.assertRefused(
            ValidationError,
            lambda: close_scoring(self.dossier, actor=self.chair),
            code="no_quorum",
        )

    def test_closing_without_the_chairs_own_sheet_is_refused(self):
        for user in self.panel.scorers[1:]:
            score(self.dossier, user, answers_for_total(80))
        self.assertRefused(
            ValidationError,
            lambda: close_scoring(self.dossier, actor=self.chair),
            code="chair_sheet_missing",
        )

    def test_only_the_chair_closes(self):
        for user in self.panel.scorers:
            score(self.dossier, user, answers_for_total(80))
        for user in (self.secretary, self.panel.adviser, self.cast.province_officer):
            self.assertRefused(
                PermissionDenied, lambda user=user: close_scoring(self.dossier, actor=user)
            )

    def test_spread_above_the_limit_without_confirmation_is_refused(self):
        for user, total in zip(self.panel.scorers[:4], (80, 80, 80, 60), strict=True):
            score(self.dossier, user, answers_for_total(total))
        self.assertRefused(
            ValidationError,
            lambda: close_scoring(self.dossier, actor=self.chair),
            code="spread_exceeded",
        )
        self.assertRefused(
            ValidationError,
            lambda: close_scoring(self.dossier, actor=self.chair, confirm_spread=True),
            code="spread_exceeded",
        )

    def test_after_closing_no_sheet_can_be_saved_submitted_or_sent_back(self):
        sheets = [
            score(self.dossier, user, answers_for_total(80)) for user in self.panel.scorers[:4]
        ]
        late = self.panel.scorers[4]
        declare_conflict(self.dossier, actor=late, has_conflict=False)
        draft = save_score_sheet(self.dossier, actor=late, answers=answers_for_total(70))
        close_scoring(self.dossier, actor=self.chair)
        self.assertRefused(
            ValidationError,
            lambda: submit_score_sheet(draft, actor=late),
            code="not_scoring",
        )
        self.assertRefused(
            ValidationError,
            lambda: save_score_sheet(self.dossier, actor=late, answers={}),
            code="not_scoring",
        )
        self.assertRefused(
            ValidationError,
            lambda: return_score_sheet(sheets[1], actor=self.chair, comment="x"),
            code="not_scoring",
        )
        self.assertRefused(
            ValidationError,
            lambda: close_scoring(self.dossier, actor=self.chair),
            code="not_scoring",
        )

    def test_wrong_state_transitions_after_the_result(self):
        for user in self.panel.scorers:
            score(self.dossier, user, answers_for_total(80))
        close_scoring(self.dossier, actor=self.chair)
        self.assertRefused(
            ValidationError,
            lambda: approve_for_central(self.dossier, actor=self.cast.province_officer),
            code="wrong_status",
        )
        self.assertRefused(
            ValidationError,
            lambda: recognise_central_score(self.dossier, actor=self.cast.province_officer),
            code="wrong_status",
        )


@time_machine.travel(NOW, tick=False)
class AdvisoryDateRefusalTests(RefusalTestCase):
    """Visits, lab orders and results are dated between the dossier's submission and today."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.dossier = accepted_dossier(cls.cast)
        assign_dossier_to_round(cls.dossier, cls.panel.round, actor=cls.cast.province_officer)
        cls.submitted_on = cls.dossier.submitted_at.date()
        cls.order = order_lab_test(
            cls.dossier, actor=cls.panel.chair, laboratory="Phòng thí nghiệm", tests="Vi sinh"
        )

    def test_a_visit_before_the_submission_is_refused(self):
        day = self.submitted_on - datetime.timedelta(days=1)
        error = self.assertRefused(
            ValidationError,
            lambda: record_site_visit(
                self.dossier, actor=self.panel.adviser, visited_on=day, findings="Đúng hồ sơ"
            ),
            code="before_submission",
        )
        self.assertIn("before the dossier was submitted", error.messages[0])

    def test_a_lab_order_in_the_future_or_before_the_submission_is_refused(self):
        for day, code in (
            (NOW.date() + datetime.timedelta(days=1), "future"),
            (self.submitted_on - datetime.timedelta(days=3), "before_submission"),
        ):
            with self.subTest(day=day):
                self.assertRefused(
                    ValidationError,
                    lambda day=day: order_lab_test(
                        self.dossier,
                        actor=self.panel.chair,
                        laboratory="Phòng thí nghiệm",
                        tests="Vi sinh",
                        ordered_on=day,
                    ),
                    code=code,
                )

    def test_a_lab_result_in_the_future_or_before_the_order_is_refused(self):
        for day, code in (
            (NOW.date() + datetime.timedelta(days=1), "future"),
            (self.order.ordered_on - datetime.timedelta(days=1), "before_order"),
        ):
            with self.subTest(day=day):
                self.assertRefused(
                    ValidationError,
                    lambda day=day: record_lab_result(
                        self.order, actor=self.panel.chair, summary="Đạt", reported_on=day
                    ),
                    code=code,
                )

    def test_a_result_on_the_order_day_is_accepted(self):
        order = record_lab_result(
            self.order, actor=self.panel.chair, summary="Đạt", reported_on=self.order.ordered_on
        )
        self.assertEqual(order.reported_on, NOW.date())

    def test_an_extra_round_decided_outside_its_year_is_refused(self):
        self.assertRefused(
            ValidationError,
            lambda: create_round(
                actor=self.cast.province_officer,
                level=Round.Level.PROVINCE,
                year=2026,
                province=province("11"),
                kind=Round.Kind.EXTRA,
                decide_before=datetime.date(2027, 3, 1),
            ),
            code="dates",
        )
