"""Who sees what: the querysets every page must go through."""

import time_machine
from django.core.exceptions import PermissionDenied
from django.test import TestCase

from ocop.accounts.tests.factories import UserFactory
from ocop.producers.tests.factories import producer_member
from ocop.regions.tests.factories import province

from ..models import Council, CouncilResult, Dossier, LabTestOrder, Round, ScoreSheet, SiteVisit
from ..services.advisory import order_lab_test, record_site_visit
from ..services.results import close_scoring, scoring_status
from ..services.rounds import assign_dossier_to_round
from ..services.scoring import return_score_sheet
from .factories import (
    NOW,
    TODAY,
    accepted_dossier,
    answers_for_total,
    draft_dossier,
    make_cast,
    make_panel,
    score,
    submitted_dossier,
)

S = Dossier.Status


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


@time_machine.travel(NOW, tick=False)
class DossierVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.draft = draft_dossier(cls.cast)
        other = make_cast()
        cls.submitted = submitted_dossier(other)
        cls.other = other

    def visible(self, user):
        return ids(Dossier.objects.visible_to(user))

    def test_producer_members_see_their_own_dossiers_drafts_included(self):
        self.assertEqual(self.visible(self.cast.member), {self.draft.pk})
        self.assertEqual(self.visible(self.other.member), {self.submitted.pk})

    def test_officials_see_filed_dossiers_of_their_territory_only(self):
        self.assertEqual(self.visible(self.cast.commune_officer), {self.submitted.pk})
        self.assertEqual(self.visible(self.cast.province_officer), {self.submitted.pk})
        self.assertEqual(self.visible(self.cast.central_officer), {self.submitted.pk})
        self.assertEqual(self.visible(self.cast.other_commune_officer), set())
        self.assertEqual(self.visible(self.cast.other_province_officer), set())
        self.assertEqual(self.visible(self.cast.outsider), set())

    def test_inboxes_hold_what_each_role_must_act_on(self):
        self.assertEqual(ids(Dossier.objects.editable_by(self.cast.member)), {self.draft.pk})
        self.assertEqual(
            ids(Dossier.objects.editable_by(self.cast.commune_officer)), {self.submitted.pk}
        )
        self.assertEqual(ids(Dossier.objects.editable_by(self.cast.province_officer)), set())
        self.assertEqual(ids(Dossier.objects.editable_by(self.cast.other_commune_officer)), set())

    def test_next_statuses_follow_the_table(self):
        self.assertEqual(self.submitted.next_statuses(), [S.FORWARDED, S.RETURNED])
        self.assertTrue(self.submitted.can_transition_to(S.FORWARDED, "commune"))
        self.assertFalse(self.submitted.can_transition_to(S.FORWARDED, "province"))
        self.assertFalse(self.draft.can_transition_to(S.FORWARDED))


@time_machine.travel(NOW, tick=False)
class CouncilVisibilityTests(TestCase):
    """No member or producer sees another member's sheet until the chair closes the scoring;
    producers never see individual sheets, only the council's result."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.dossier = accepted_dossier(cls.cast)
        assign_dossier_to_round(cls.dossier, cls.panel.round, actor=cls.cast.province_officer)
        cls.sheets = [
            score(cls.dossier, user, answers_for_total(total))
            for user, total in zip(cls.panel.scorers, (80, 82, 78, 80, 80), strict=True)
        ]
        cls.other_council_member = UserFactory()

    def sheets_seen_by(self, user):
        return ids(ScoreSheet.objects.visible_to(user))

    def close(self):
        return close_scoring(self.dossier, actor=self.panel.chair)

    def test_before_closing_each_member_sees_only_their_own_sheet(self):
        for user, sheet in zip(self.panel.scorers, self.sheets, strict=True):
            self.assertEqual(self.sheets_seen_by(user), {sheet.pk})
        for user in (
            self.cast.member,
            self.cast.province_officer,
            self.cast.central_officer,
            self.panel.adviser,
        ):
            self.assertEqual(self.sheets_seen_by(user), set())

    def test_after_closing_the_council_and_the_province_see_every_sheet(self):
        self.close()
        every = {sheet.pk for sheet in self.sheets}
        for user in (*self.panel.scorers, self.panel.adviser, self.cast.province_officer):
            self.assertEqual(self.sheets_seen_by(user), every)
        self.assertEqual(self.sheets_seen_by(self.cast.central_officer), every)
        self.assertEqual(self.sheets_seen_by(self.cast.other_province_officer), set())
        self.assertEqual(self.sheets_seen_by(self.cast.commune_officer), set())

    def test_producers_never_see_sheets_but_see_the_result_after_closing(self):
        self.assertFalse(CouncilResult.objects.visible_to(self.cast.member).exists())
        result = self.close()
        self.assertEqual(self.sheets_seen_by(self.cast.member), set())
        self.assertEqual(ids(CouncilResult.objects.visible_to(self.cast.member)), {result.pk})
        self.assertEqual(ids(CouncilResult.objects.visible_to(producer_member())), set())

    def test_members_edit_only_their_own_open_sheets(self):
        member = self.panel.scorers[2]
        self.assertEqual(ids(ScoreSheet.objects.editable_by(member)), set())  # submitted
        return_score_sheet(self.sheets[2], actor=self.panel.chair, comment="Xem lại")
        self.assertEqual(ids(ScoreSheet.objects.editable_by(member)), {self.sheets[2].pk})
        self.assertEqual(ids(ScoreSheet.objects.editable_by(self.panel.chair)), set())

    def test_the_chairs_status_shows_progress_but_no_totals(self):
        status = scoring_status(self.dossier, actor=self.panel.chair)
        self.assertEqual((status.submitted, status.required, status.scoring_members), (5, 4, 5))
        self.assertTrue(status.quorum_met and status.chair_submitted)
        self.assertFalse(status.spread_exceeded)
        self.assertEqual((status.highest, status.lowest), ([], []))
        self.assertEqual({m.sheet_status for m in status.members}, {"submitted"})
        self.assertFalse(any(hasattr(m, "total") for m in status.members))

    def test_only_the_chair_and_the_organising_office_see_the_scoring_status(self):
        scoring_status(self.dossier, actor=self.cast.province_officer)
        for user in (self.panel.scorers[1], self.panel.adviser, self.cast.member):
            with self.assertRaises(PermissionDenied):
                scoring_status(self.dossier, actor=user)

    def test_council_members_see_the_dossiers_and_rounds_of_their_council(self):
        member = self.panel.scorers[3]
        self.assertEqual(ids(Dossier.objects.visible_to(member)), {self.dossier.pk})
        self.assertEqual(ids(Round.objects.visible_to(member)), {self.panel.round.pk})
        self.assertEqual(ids(Council.objects.visible_to(member)), {self.panel.council.pk})
        self.assertEqual(ids(Dossier.objects.visible_to(self.other_council_member)), set())
        self.assertEqual(ids(Round.objects.visible_to(self.cast.other_province_officer)), set())
        self.assertEqual(ids(Round.objects.editable_by(member)), set())
        self.assertEqual(
            ids(Round.objects.editable_by(self.cast.province_officer)), {self.panel.round.pk}
        )

    def test_the_chairs_inbox_holds_the_dossiers_being_scored(self):
        self.assertEqual(ids(Dossier.objects.editable_by(self.panel.chair)), {self.dossier.pk})
        self.assertEqual(ids(Dossier.objects.editable_by(self.panel.scorers[1])), set())

    def test_advisory_records_are_hidden_from_the_producer(self):
        record_site_visit(
            self.dossier, actor=self.panel.adviser, visited_on=TODAY, findings="Đúng hồ sơ"
        )
        order_lab_test(
            self.dossier, actor=self.panel.chair, laboratory="Phòng thí nghiệm", tests="Vi sinh"
        )
        for model in (SiteVisit, LabTestOrder):
            self.assertEqual(model.objects.visible_to(self.cast.member).count(), 0)
            self.assertEqual(model.objects.visible_to(self.cast.province_officer).count(), 1)
            self.assertEqual(model.objects.visible_to(self.panel.scorers[4]).count(), 1)
        with self.assertRaises(PermissionDenied):
            record_site_visit(
                self.dossier, actor=self.panel.scorers[4], visited_on=TODAY, findings="x"
            )
