"""The paths a dossier takes, from the producer's draft to the council's result."""

import datetime
from decimal import Decimal

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from ocop.core.audit import history_for
from ocop.producers.models import Producer
from ocop.regions.tests.factories import province

from ..models import Actor, CommuneReview, CouncilResult, Dossier, DossierAttachment, Round
from ..services.advisory import order_lab_test, record_lab_result, record_site_visit
from ..services.central import approve_for_central, reassess_at_province, recognise_central_score
from ..services.dossiers import create_dossier, submit_dossier
from ..services.results import close_scoring, scoring_status
from ..services.review import accept_dossier, review_dossier
from ..services.rounds import assign_dossier_to_round
from ..services.scoring import return_score_sheet, save_score_sheet, submit_score_sheet
from .factories import (
    NOW,
    TODAY,
    accepted_dossier,
    answers_for_total,
    complete_review,
    database_state,
    draft_dossier,
    finished_self_assessment,
    make_cast,
    make_panel,
    recognise,
    score,
)

S = Dossier.Status


@time_machine.travel(NOW, tick=False)
class ProvincialPathTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))

    def test_full_path_from_draft_to_a_four_star_proposal(self):
        cast, panel = self.cast, self.panel
        finished_self_assessment(cast, answers_for_total(82))

        dossier = draft_dossier(cast)
        self.assertEqual(dossier.status, S.DRAFT)
        self.assertEqual(dossier.rubric_version.code, "26/2026")
        self.assertEqual(dossier.sheet_number, 11)
        self.assertEqual(dossier.applicant_name, cast.producer.name)
        self.assertEqual(dossier.sample_count, 5)

        dossier = submit_dossier(dossier, actor=cast.member)
        self.assertEqual(dossier.status, S.SUBMITTED)
        self.assertEqual(dossier.receipt_number, "001/PĐK-11-03256-2026")
        self.assertEqual(dossier.received_on, TODAY)
        # Mon 1/6/2026 + 15 working days (no holiday in June).
        self.assertEqual(dossier.commune_deadline, datetime.date(2026, 6, 22))
        self.assertEqual(dossier.self_assessment_total, Decimal("82.00"))
        self.assertEqual(dossier.self_assessment_star, 4)
        attachment = DossierAttachment.objects.get(dossier=dossier)
        self.assertEqual(attachment.number, cast.food_safety.number)
        self.assertEqual(attachment.expires_on, datetime.date(2028, 1, 14))

        review = review_dossier(
            dossier,
            actor=cast.commune_officer,
            decision=CommuneReview.Decision.FORWARD,
            data=complete_review(local_idea=CommuneReview.Finding.PARTLY),
        )
        self.assertEqual(review.local_idea, "partly")
        dossier.refresh_from_db()
        self.assertEqual((dossier.status, dossier.forwarded_on), (S.FORWARDED, TODAY))

        dossier = accept_dossier(dossier, actor=cast.province_officer)
        self.assertEqual(dossier.status, S.ACCEPTED)

        assign_dossier_to_round(dossier, panel.round, actor=cast.province_officer)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.IN_ROUND)

        record_site_visit(
            dossier,
            actor=panel.adviser,
            visited_on=TODAY,
            findings="Cơ sở chế biến sạch, đúng hồ sơ (dữ liệu mẫu).",
        )
        order = order_lab_test(
            dossier, actor=panel.adviser, laboratory="Trung tâm kiểm nghiệm", tests="Dư lượng"
        )
        record_lab_result(order, actor=panel.adviser, summary="Đạt")

        for user, total in zip(panel.scorers, (78, 80, 82, 80, 80), strict=True):
            score(dossier, user, answers_for_total(total))
        result = close_scoring(dossier, actor=panel.chair)

        self.assertEqual(result.mean_total, Decimal("80.00"))
        self.assertEqual((result.star, result.band_star), (4, 4))
        self.assertEqual(result.members_counted, 5)
        self.assertEqual(result.scoring_members, 5)
        self.assertEqual(result.spread, Decimal("4.00"))
        self.assertFalse(result.is_spread_exceeded)
        self.assertEqual(result.member_totals, [82.0, 80.0, 80.0, 80.0, 78.0])
        self.assertEqual(result.outcome, CouncilResult.Outcome.PROPOSED)
        self.assertEqual(result.gap_report["target_star"], 5)
        self.assertIn("trung bình của từng tiêu chí", result.rule_note)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.PROPOSED)
        self.assertEqual(dossier.proposed_star, 4)
        self.assertEqual(dossier.decisive_result, result)

        actions = [event.action for event in reversed(history_for(dossier))]
        self.assertEqual(
            actions,
            [
                "dossier.created",
                "dossier.attachments_changed",
                "dossier.submitted",
                "dossier.forwarded",
                "dossier.accepted",
                "dossier.assigned_to_round",
                "dossier.scoring_closed",
            ],
        )
        statuses = [(e.old_status, e.new_status) for e in reversed(history_for(dossier))]
        self.assertEqual(statuses[-1], (S.IN_ROUND, S.PROPOSED))

    def test_one_or_two_stars_are_recorded_with_a_gap_report(self):
        dossier = accepted_dossier(self.cast, answers_for_total(45))
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        for user in self.panel.scorers[:4]:
            score(dossier, user, answers_for_total(45))
        result = close_scoring(dossier, actor=self.panel.chair)
        dossier.refresh_from_db()
        self.assertEqual((dossier.status, result.star), (S.RATED_LOW, 2))
        self.assertEqual(result.outcome, CouncilResult.Outcome.RECORDED_LOW)
        self.assertIsNone(dossier.proposed_star)
        self.assertEqual(result.gap_report["target_star"], 3)
        self.assertTrue(result.gap_report["reachable"])
        self.assertGreater(result.gap_report["points_missing"], 0)

    def test_a_knock_out_raised_on_most_sheets_rejects_the_dossier(self):
        dossier = accepted_dossier(self.cast)
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        for index, user in enumerate(self.panel.scorers):
            flags = ["dossier"] if index < 3 else []
            score(dossier, user, answers_for_total(80), knockouts=flags)
        result = close_scoring(dossier, actor=self.panel.chair)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.REJECTED)
        self.assertTrue(result.is_knocked_out)
        self.assertEqual((result.knockouts, result.star), (["dossier"], 0))

    def test_a_knock_out_raised_by_a_minority_is_not_applied(self):
        dossier = accepted_dossier(self.cast)
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        for index, user in enumerate(self.panel.scorers):
            score(dossier, user, answers_for_total(80), knockouts=["dossier"] if index < 2 else [])
        result = close_scoring(dossier, actor=self.panel.chair)
        self.assertFalse(result.is_knocked_out)
        self.assertEqual(result.star, 4)

    def test_a_returned_sheet_is_rescored_and_the_spread_then_fits(self):
        dossier = accepted_dossier(self.cast)
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        sheets = [
            score(dossier, user, answers_for_total(total))
            for user, total in zip(self.panel.scorers[:4], (80, 80, 80, 60), strict=True)
        ]
        status = scoring_status(dossier, actor=self.panel.chair)
        self.assertTrue(status.spread_exceeded)
        self.assertEqual([m.user for m in status.lowest], [self.panel.scorers[3]])

        return_score_sheet(sheets[3], actor=self.panel.chair, comment="Xem lại 4.1")
        outlier = self.panel.scorers[3]
        sheet = save_score_sheet(dossier, actor=outlier, answers=answers_for_total(76))
        submit_score_sheet(sheet, actor=outlier)
        result = close_scoring(dossier, actor=self.panel.chair)
        self.assertEqual(result.mean_total, Decimal("79.00"))
        self.assertEqual(result.spread, Decimal("4.00"))

    def test_the_chair_may_close_above_the_spread_limit_after_discussion(self):
        dossier = accepted_dossier(self.cast)
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        for user, total in zip(self.panel.scorers[:4], (80, 80, 80, 60), strict=True):
            score(dossier, user, answers_for_total(total))
        result = close_scoring(
            dossier,
            actor=self.panel.chair,
            confirm_spread=True,
            comment="Hội đồng đã thảo luận; giữ nguyên điểm.",
        )
        self.assertTrue(result.is_spread_exceeded)
        self.assertEqual(result.spread, Decimal("20.00"))
        self.assertEqual(result.mean_total, Decimal("75.00"))

    def test_upgrade_starts_from_the_certificate_and_copies_its_rated_dossier(self):
        """Art. 6(1)(b), 7(5): an upgrade is filed for a recognised product, so it starts from
        the certificate; when that was rated on the platform, its dossier's details and
        documents are copied."""
        cast = self.cast
        previous = accepted_dossier(cast)
        assign_dossier_to_round(previous, self.panel.round, actor=cast.province_officer)
        for user in self.panel.scorers[:4]:
            score(previous, user, answers_for_total(60))
        close_scoring(previous, actor=self.panel.chair)
        certificate = recognise(previous, cast.province_officer).certificates.get()

        upgrade = create_dossier(cast.product, actor=cast.member, kind="upgrade")
        self.assertEqual(upgrade.recognised_certificate_number, certificate.number)
        self.assertEqual(
            (upgrade.recognised_star, upgrade.recognised_until), (3, certificate.valid_until)
        )
        self.assertEqual(upgrade.previous, previous)
        self.assertEqual(upgrade.representative_position, "Giám đốc")
        self.assertEqual(upgrade.contact_address, previous.contact_address)
        self.assertFalse(upgrade.is_declaration_accepted)
        self.assertEqual(list(upgrade.attachments.all()), [cast.food_safety])
        self.assertEqual(upgrade.status, S.DRAFT)
        self.assertEqual(upgrade.receipt_number, "")


@time_machine.travel(NOW, tick=False)
class CentralPathTests(TestCase):
    """90 points or more at the province: approved, sent to a central round, scored there."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.central = make_panel(
            organiser=cls.cast.central_officer, level=Round.Level.CENTRAL, number=1
        )

    def _through_the_province(self):
        cast = self.cast
        dossier = accepted_dossier(cast, answers_for_total(95))
        assign_dossier_to_round(dossier, self.panel.round, actor=cast.province_officer)
        for user, total in zip(self.panel.scorers, (95, 93, 92, 94, 91), strict=True):
            score(dossier, user, answers_for_total(total))
        result = close_scoring(dossier, actor=self.panel.chair)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.AWAITING_APPROVAL)
        self.assertEqual((result.outcome, result.star), (CouncilResult.Outcome.SENT_CENTRAL, 5))
        dossier = approve_for_central(dossier, actor=cast.province_officer)
        self.assertEqual((dossier.status, dossier.approved_for_central_on), (S.SENT_CENTRAL, TODAY))
        assign_dossier_to_round(dossier, self.central.round, actor=cast.central_officer)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.IN_CENTRAL_ROUND)
        return dossier

    def test_five_star_path_through_a_central_round(self):
        dossier = self._through_the_province()
        for user, total in zip(self.central.scorers, (92, 91, 93, 90, 94), strict=True):
            score(dossier, user, answers_for_total(total))
        result = close_scoring(dossier, actor=self.central.chair)
        dossier.refresh_from_db()
        self.assertEqual(result.level, Round.Level.CENTRAL)
        self.assertEqual(result.mean_total, Decimal("92.00"))
        self.assertEqual(result.outcome, CouncilResult.Outcome.FIVE_STAR)
        self.assertEqual((dossier.status, dossier.proposed_star), (S.PROPOSED_CENTRAL, 5))
        self.assertEqual(dossier.decisive_result, result)
        self.assertEqual(dossier.results.count(), 2)

    def test_below_90_centrally_the_province_recognises_four_stars(self):
        dossier = self._through_the_province()
        for user in self.central.scorers:
            score(dossier, user, answers_for_total(85))
        result = close_scoring(dossier, actor=self.central.chair)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.CENTRAL_NOT_FIVE)
        self.assertEqual(result.outcome, CouncilResult.Outcome.NOT_FIVE_STAR)

        dossier = recognise_central_score(dossier, actor=self.cast.province_officer)
        self.assertEqual((dossier.status, dossier.proposed_star), (S.PROPOSED, 4))
        self.assertEqual(dossier.decisive_result, result)

    def test_below_three_stars_centrally_the_dossier_goes_back_to_the_province(self):
        """Art. 7(4)(g): "Trường hợp sản phẩm không đạt 90 điểm, Chủ tịch UBND cấp tỉnh có thể
        căn cứ vào kết quả đánh giá của Hội đồng cấp trung ương để xem xét, quyết định công nhận
        ... 3 sao, 4 sao hoặc tổ chức đánh giá và phân hạng sản phẩm theo thẩm quyền". A central
        result below 3 stars is "không đạt 90 điểm" too: it comes back to the province, which
        cannot recognise it on that score (nothing changes) but may evaluate it again."""
        dossier = self._through_the_province()
        for user in self.central.scorers:
            score(dossier, user, answers_for_total(45))
        result = close_scoring(dossier, actor=self.central.chair)
        dossier.refresh_from_db()
        self.assertEqual(result.star, 2)
        self.assertEqual(dossier.status, S.CENTRAL_NOT_FIVE)
        self.assertEqual(result.outcome, CouncilResult.Outcome.NOT_FIVE_STAR)
        before = database_state()
        with self.assertRaises(ValidationError) as refused:
            recognise_central_score(dossier, actor=self.cast.province_officer)
        self.assertEqual(refused.exception.code, "below_three_stars")
        self.assertEqual(database_state(), before)
        self.client.force_login(self.cast.province_officer)
        page = self.client.get(reverse("evaluations:dossier_decide", args=[dossier.pk]))
        self.assertContains(page, 'value="reassess_at_province"')
        self.assertNotContains(page, 'value="recognise_central_score"')
        dossier = reassess_at_province(
            dossier, actor=self.cast.province_officer, comment="Tỉnh tổ chức đánh giá lại."
        )
        self.assertEqual((dossier.status, dossier.proposed_star), (S.ACCEPTED, None))

    def test_below_90_centrally_the_province_may_evaluate_again(self):
        dossier = self._through_the_province()
        for user in self.central.scorers:
            score(dossier, user, answers_for_total(85))
        close_scoring(dossier, actor=self.central.chair)
        dossier = reassess_at_province(
            dossier, actor=self.cast.province_officer, comment="Đánh giá lại theo thẩm quyền."
        )
        self.assertEqual((dossier.status, dossier.proposed_star), (S.ACCEPTED, None))

    def test_a_ninety_point_result_cannot_be_kept_at_the_province(self):
        """Art. 7(3)(e): "Đối với các sản phẩm có tiềm năng đạt 5 sao (đạt từ 90 trở lên), Chủ
        tịch UBND cấp tỉnh xem xét, quyết định phê duyệt kết quả đánh giá; UBND cấp tỉnh có văn
        bản và gửi hồ sơ ... đề nghị Bộ Nông nghiệp và Môi trường đánh giá", and art. 3(3)(b)
        makes 4 stars "từ 70 đến dưới 90 điểm": the province approves and sends it up; it has no
        way to propose it at 4 stars, and trying changes nothing."""
        cast = self.cast
        dossier = accepted_dossier(cast, answers_for_total(95))
        assign_dossier_to_round(dossier, self.panel.round, actor=cast.province_officer)
        for user in self.panel.scorers:
            score(dossier, user, answers_for_total(91))
        close_scoring(dossier, actor=self.panel.chair)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.AWAITING_APPROVAL)
        self.assertEqual(dossier.next_statuses([Actor.PROVINCE]), [S.SENT_CENTRAL])
        self.assertFalse(dossier.can_transition_to(S.PROPOSED, Actor.PROVINCE))
        before = database_state()
        with self.assertRaises(ValidationError) as refused:
            recognise_central_score(dossier, actor=cast.province_officer)
        self.assertEqual(refused.exception.code, "wrong_status")
        self.assertEqual(database_state(), before)


class DraftWithoutRepresentativeTests(TestCase):
    def test_a_producer_without_a_recorded_representative_can_open_a_draft_but_not_submit(self):
        cast = make_cast()
        Producer.objects.filter(pk=cast.producer.pk).update(representative_name="")
        finished_self_assessment(cast)
        dossier = draft_dossier(cast)
        Dossier.objects.filter(pk=dossier.pk).update(representative_name="")
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, Dossier.Status.DRAFT)
        with self.assertRaises(ValidationError):
            submit_dossier(dossier, actor=cast.member)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, Dossier.Status.DRAFT)
        self.assertEqual(dossier.receipt_number, "")
