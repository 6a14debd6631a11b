"""The council's pages through a real client: a member's score sheet (whole, or one answer at a
time through htmx) and the chair's scoring page (quorum, spread, sending a sheet back,
closing)."""

import time_machine
from django.test import TestCase, override_settings

from ocop.regions.tests.factories import province

from ..models import ConflictDeclaration, CouncilResult, ScoreSheet
from ..services.rounds import assign_dossier_to_round
from ..services.scoring import declare_conflict, return_score_sheet, save_score_sheet
from .factories import (
    NOW,
    accepted_dossier,
    answers_for_total,
    database_state,
    make_cast,
    make_panel,
    score,
)
from .pages import sheet_post, url


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class ScoreSheetPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.dossier = accepted_dossier(cls.cast)
        assign_dossier_to_round(cls.dossier, cls.panel.round, actor=cls.cast.province_officer)
        cls.chair, cls.secretary, cls.member = cls.panel.scorers[:3]

    def test_the_sheet_reuses_the_rubric_layout_with_htmx_on_each_criterion(self):
        declare_conflict(self.dossier, actor=self.member, has_conflict=False)
        self.client.force_login(self.member)
        response = self.client.get(url("scoresheet_detail", self.dossier.pk))
        self.assertEqual(response.status_code, 200)
        answer_url = url("scoresheet_answer", self.dossier.pk)
        self.assertContains(response, f'hx-post="{answer_url}"')
        self.assertContains(response, 'name="answer-1.1"')
        self.assertContains(response, 'id="sa-summary"')

    def test_one_answer_through_htmx_is_saved_and_answered_with_the_summary(self):
        declare_conflict(self.dossier, actor=self.member, has_conflict=False)
        save_score_sheet(self.dossier, actor=self.member, answers={"4.1": 4}, note="x")
        self.client.force_login(self.member)
        response = self.client.post(
            url("scoresheet_answer", self.dossier.pk), {"answer-1.1": "3"}, HTTP_HX_REQUEST="true"
        )
        self.assertEqual(response.status_code, 200)
        sheet = ScoreSheet.objects.get(member__user=self.member)
        self.assertEqual(sheet.answers, {"4.1": 4, "1.1": 3})
        self.assertEqual(sheet.note, "x")
        self.assertContains(response, 'id="sa-summary"')
        self.assertContains(response, 'hx-swap-oob="true"')
        self.assertEqual(response.context["result"].total, 8)
        # Clearing keeps the rest.
        self.client.post(
            url("scoresheet_answer", self.dossier.pk), {"answer-4.1": ""}, HTTP_HX_REQUEST="true"
        )
        sheet.refresh_from_db()
        self.assertEqual(sheet.answers, {"1.1": 3})

    def test_an_answer_the_sheet_does_not_have_is_refused_with_a_message(self):
        declare_conflict(self.dossier, actor=self.member, has_conflict=False)
        self.client.force_login(self.member)
        before = database_state()
        for data in ({"answer-1.1": "9"}, {"answer-99.9": "1"}, {"answer-1.1": "abc"}, {}):
            with self.subTest(data=data):
                response = self.client.post(
                    url("scoresheet_answer", self.dossier.pk), data, HTTP_HX_REQUEST="true"
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["error"])
                self.assertContains(response, 'class="form-error"')
        self.assertEqual(database_state(), before)

    def test_a_submitted_sheet_is_locked_on_the_page(self):
        score(self.dossier, self.member, answers_for_total(80))
        self.client.force_login(self.member)
        response = self.client.get(url("scoresheet_detail", self.dossier.pk))
        self.assertFalse(response.context["can_edit"])
        self.assertNotContains(response, 'name="answer-1.1"')
        self.assertContains(response, "Your sheet is submitted and locked.")
        before = database_state()
        response = self.client.post(
            url("scoresheet_detail", self.dossier.pk), sheet_post(answers_for_total(60))
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("locked", response.context["error"])
        response = self.client.post(
            url("scoresheet_answer", self.dossier.pk), {"answer-1.1": "1"}, HTTP_HX_REQUEST="true"
        )
        self.assertIn("locked", response.context["error"])
        self.assertEqual(database_state(), before)

    def test_a_returned_sheet_shows_the_chairs_comment_and_can_be_changed_again(self):
        sheet = score(self.dossier, self.member, answers_for_total(60))
        return_score_sheet(sheet, actor=self.chair, comment="Xem lại tiêu chí 1.1.")
        self.client.force_login(self.member)
        response = self.client.get(url("scoresheet_detail", self.dossier.pk))
        self.assertContains(response, "The chair sent your sheet back for re-scoring:")
        self.assertContains(response, "Xem lại tiêu chí 1.1.")
        self.assertTrue(response.context["can_edit"])
        response = self.client.get(url("scoresheet_list"))
        self.assertContains(response, "Xem lại tiêu chí 1.1.")

    def test_a_conflicted_member_is_told_and_cannot_score(self):
        self.client.force_login(self.member)
        response = self.client.post(
            url("conflict_declare", self.dossier.pk), {"has_conflict": "yes"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("note", response.context["form"].errors)
        self.assertFalse(ConflictDeclaration.objects.exists())
        response = self.client.post(
            url("conflict_declare", self.dossier.pk),
            {"has_conflict": "yes", "note": "Anh rể của giám đốc HTX."},
        )
        self.assertRedirects(response, url("dossier_detail", self.dossier.pk))
        response = self.client.get(url("scoresheet_detail", self.dossier.pk))
        self.assertContains(response, "You declared a conflict of interest")
        self.assertNotContains(response, 'name="answer-1.1"')
        before = database_state()
        response = self.client.post(
            url("scoresheet_answer", self.dossier.pk), {"answer-1.1": "1"}, HTTP_HX_REQUEST="true"
        )
        self.assertIn("conflict of interest", response.context["error"])
        self.assertEqual(database_state(), before)

    def test_the_adviser_is_sent_back_to_the_dossier(self):
        self.client.force_login(self.panel.adviser)
        response = self.client.get(url("scoresheet_detail", self.dossier.pk), follow=True)
        self.assertRedirects(response, url("dossier_detail", self.dossier.pk))
        self.assertContains(response, "Members of the advisory team do not score dossiers.")


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class ChairPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.dossier = accepted_dossier(cls.cast)
        assign_dossier_to_round(cls.dossier, cls.panel.round, actor=cls.cast.province_officer)
        cls.chair = cls.panel.chair

    def test_closing_without_quorum_shows_why_and_changes_nothing(self):
        for user in self.panel.scorers[:3]:
            score(self.dossier, user, answers_for_total(80))
        self.client.force_login(self.chair)
        response = self.client.get(url("dossier_scoring", self.dossier.pk))
        self.assertContains(response, "No quorum yet.")
        before = database_state()
        response = self.client.post(url("dossier_close_scoring", self.dossier.pk), {"comment": ""})
        self.assertEqual(response.status_code, 200)
        self.assertIn("No quorum yet: 3 of the 5", str(response.context["close_form"].errors))
        self.assertEqual(database_state(), before)

    def test_spread_above_the_limit_names_the_outliers_and_needs_a_confirmed_note(self):
        for user, total in zip(self.panel.scorers, (80, 80, 80, 80, 60), strict=True):
            score(self.dossier, user, answers_for_total(total))
        lowest = self.panel.scorers[-1]
        self.client.force_login(self.chair)
        response = self.client.get(url("dossier_scoring", self.dossier.pk))
        self.assertTrue(response.context["scoring"].spread_exceeded)
        self.assertIn(lowest.council_memberships.get().pk, response.context["outliers"])
        self.assertContains(response, "Above the limit:")
        before = database_state()
        response = self.client.post(url("dossier_close_scoring", self.dossier.pk), {"comment": ""})
        self.assertIn("more than the council", str(response.context["close_form"].errors))
        self.assertEqual(database_state(), before)
        response = self.client.post(
            url("dossier_close_scoring", self.dossier.pk),
            {"confirm_spread": "on", "comment": "Hội đồng đã thảo luận và thống nhất."},
        )
        self.assertRedirects(response, url("dossier_detail", self.dossier.pk))
        self.assertTrue(CouncilResult.objects.get().is_spread_exceeded)

    def test_the_chair_sends_a_sheet_back_with_a_comment(self):
        member = self.panel.scorers[2]
        sheet = score(self.dossier, member, answers_for_total(60))
        self.client.force_login(self.chair)
        seat = member.council_memberships.get()
        before = database_state()
        response = self.client.post(
            url("scoresheet_return", self.dossier.pk, seat.pk), {"comment": ""}, follow=True
        )
        self.assertContains(response, "Tell the member what to look at again.")
        self.assertEqual(database_state(), before)
        response = self.client.post(
            url("scoresheet_return", self.dossier.pk, seat.pk), {"comment": "Chấm lại phần B."}
        )
        self.assertRedirects(response, url("dossier_scoring", self.dossier.pk))
        sheet.refresh_from_db()
        self.assertEqual((sheet.status, sheet.return_comment), ("returned", "Chấm lại phần B."))

    def test_the_organising_office_sees_the_status_but_cannot_close(self):
        self.client.force_login(self.cast.province_officer)
        response = self.client.get(url("dossier_scoring", self.dossier.pk))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["is_chair"])
        self.assertNotContains(response, url("dossier_close_scoring", self.dossier.pk))
