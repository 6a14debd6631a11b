"""Query budgets of the evaluation pages: every list costs the same with 5 rows as with 50
(back-office pages stay within 20 queries), and so do the dossier, sheet and scoring pages.

Rows are written directly (``factories.dossier_row``) where many are needed: the queries a page
makes do not depend on how its rows were written."""

from decimal import Decimal

import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.tests.factories import UserFactory
from ocop.regions.tests.factories import province

from ..models import (
    ConflictDeclaration,
    CouncilMember,
    CouncilResult,
    Round,
    RoundDossier,
    ScoreSheet,
)
from ..services.rounds import add_council_member, assign_dossier_to_round
from .factories import (
    NOW,
    accepted_dossier,
    answers_for_total,
    dossier_row,
    make_cast,
    make_panel,
    score,
)


def url(name, *args):
    return reverse(f"evaluations:{name}", args=args)


def result_row(dossier, council, closed_by, mean="80.00", star=4):
    """A council result written directly, as ``close_scoring`` would have written it."""
    return CouncilResult.objects.create(
        dossier=dossier,
        council=council,
        level=Round.Level.PROVINCE,
        rubric_version=dossier.rubric_version,
        sheet_number=dossier.sheet_number,
        mean_total=Decimal(mean),
        parts={"A": 32, "B": 20, "C": 28},
        star=star,
        band_star=star,
        spread=Decimal("2.00"),
        spread_limit=Decimal("10.00"),
        quorum_percent=75,
        scoring_members=5,
        members_counted=5,
        member_totals=[81, 80, 80, 80, 79],
        rule_note="Điểm trung bình (dữ liệu mẫu).",
        outcome=CouncilResult.Outcome.PROPOSED,
        closed_by=closed_by,
        closed_at=timezone.now(),
    )


@time_machine.travel(NOW, tick=False)
class ListQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.member_seat = cls.panel.council.members.get(user=cls.panel.scorers[2])

    def get(self, user, path, queries):
        self.client.force_login(user)
        with self.assertNumQueries(queries):
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return response

    def assert_dossier_list(self, count):
        for _ in range(count):
            dossier_row()
        # The first page and the last (newest first).
        for query in ("", "?page=last"):
            # 1 session, 2 user, 3 the user's memberships (official scope), 4 the page of
            # dossiers with product, producer, province, commune, rubric, 5 count of the
            # visible dossiers, 6 does the user have products to file a dossier for, 7 the
            # communes of the filter.
            response = self.get(self.cast.province_officer, url("dossier_list") + query, 7)
            self.assertEqual(len(response.context["page"].object_list), min(count, 25))
        # The commune's inbox (by deadline, first and last page): the same without the
        # communes of the filter (one commune).
        for query in ("?waiting=on", "?waiting=on&page=last"):
            # 1 session, 2 user, 3 memberships, 4 the page, 5 count, 6 products to file for.
            response = self.get(self.cast.commune_officer, url("dossier_list") + query, 6)
            self.assertEqual(len(response.context["page"].object_list), min(count, 25))

    def test_dossier_list_with_5_dossiers(self):
        self.assert_dossier_list(5)

    def test_dossier_list_with_50_dossiers(self):
        self.assert_dossier_list(50)

    def assert_round_list(self, count):
        for number in range(count):
            round_ = Round.objects.create(
                level=Round.Level.PROVINCE,
                province=province("11"),
                year=2026,
                kind=Round.Kind.EXTRA,
                name=f"Đợt bổ sung {number}",
                decide_before=NOW.date().replace(month=9),
            )
            RoundDossier.objects.create(round=round_, dossier=dossier_row(status="in_round"))
        # 1 session, 2 user, 3 memberships, 4 count of the visible rounds, 5 the page of rounds
        # with province, council and the number of dossiers.
        response = self.get(self.cast.province_officer, url("round_list"), 5)
        self.assertEqual(len(response.context["page"].object_list), min(count + 1, 25))

    def test_round_list_with_5_rounds(self):
        self.assert_round_list(5)

    def test_round_list_with_50_rounds(self):
        self.assert_round_list(50)

    def assert_round_detail(self, count):
        council = self.panel.council
        for number in range(count):
            dossier = dossier_row(status="in_round" if number % 2 else "proposed")
            RoundDossier.objects.create(round=self.panel.round, dossier=dossier)
            if not number % 2:
                result_row(dossier, council, self.panel.chair)
        # 1 session, 2 user, 3 memberships, 4 the round with its province, 5 its council,
        # 6 the council's members with their users, 7 is the user the round's organiser,
        # 8 count of the round's dossiers, 9 the page of dossiers with product, producer and
        # commune, 10 the results of the page's dossiers, 11 the submitted sheets per dossier.
        response = self.get(
            self.cast.province_officer, url("round_detail", self.panel.round.pk), 11
        )
        self.assertEqual(len(response.context["rows"]), min(count, 25))

    def test_round_detail_with_5_dossiers(self):
        self.assert_round_detail(5)

    def test_round_detail_with_50_dossiers(self):
        self.assert_round_detail(50)

    def assert_round_assign(self, count):
        for _ in range(count):
            dossier_row(status="accepted", forwarded_on=NOW.date())
        # 1 session, 2 user, 3 memberships, 4 the round the user organises, 5 the accepted
        # dossiers of the province not in the round, with product, producer, commune.
        response = self.get(self.cast.province_officer, url("round_assign", self.panel.round.pk), 5)
        self.assertEqual(len(response.context["candidates"]), count)

    def test_round_assign_with_5_candidates(self):
        self.assert_round_assign(5)

    def test_round_assign_with_50_candidates(self):
        self.assert_round_assign(50)

    def assert_result_list(self, count):
        for _ in range(count):
            result_row(dossier_row(status="proposed"), self.panel.council, self.panel.chair)
        # 1 session, 2 user, 3 memberships, 4 count of the visible results, 5 the page of
        # results with dossier, product, round and who closed them.
        response = self.get(self.cast.province_officer, url("result_list"), 5)
        self.assertEqual(len(response.context["page"].object_list), min(count, 25))

    def test_result_list_with_5_results(self):
        self.assert_result_list(5)

    def test_result_list_with_50_results(self):
        self.assert_result_list(50)

    def assert_my_sheets(self, count):
        seat = self.member_seat
        for number in range(count):
            dossier = dossier_row(status="in_round")
            RoundDossier.objects.create(round=self.panel.round, dossier=dossier)
            ConflictDeclaration.objects.create(member=seat, dossier=dossier, has_conflict=False)
            if number % 2:
                ScoreSheet.objects.create(
                    dossier=dossier,
                    member=seat,
                    round=self.panel.round,
                    rubric_version=dossier.rubric_version,
                    sheet_number=dossier.sheet_number,
                    answers={"1.1": 3},
                    total=3,
                    star=1,
                )
        # 1 session, 2 user, 3 the user's council seats, 4 count of the dossiers being scored
        # in the user's councils, 5 the page with round, council, dossier, product, producer,
        # 6 the user's declarations for the page, 7 the user's sheets for the page.
        response = self.get(self.panel.scorers[2], url("scoresheet_list"), 7)
        self.assertEqual(len(response.context["rows"]), min(count, 25))

    def test_my_sheets_with_5_dossiers(self):
        self.assert_my_sheets(5)

    def test_my_sheets_with_50_dossiers(self):
        self.assert_my_sheets(50)


@time_machine.travel(NOW, tick=False)
class PageQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.dossier = accepted_dossier(cls.cast)
        assign_dossier_to_round(cls.dossier, cls.panel.round, actor=cls.cast.province_officer)
        cls.member = cls.panel.scorers[2]

    def test_the_score_sheet_page(self):
        score(self.dossier, self.member, answers_for_total(80), submit=False)
        self.client.force_login(self.member)
        # 1 session, 2 user, 3 memberships (visible_to), 4 the dossier with product, producer,
        # province, commune, rubric, 5 the dossier's round entry, 6 the round's council,
        # 7 the user's seat, 8 the user's sheet, 9 the user's declaration. The sheet's layout
        # and the engine come from the rubric files, cached: no query per criterion.
        with self.assertNumQueries(9):
            response = self.client.get(url("scoresheet_detail", self.dossier.pk))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["result"].total, 80)

    def test_one_htmx_answer_costs_the_same_however_many_criteria_are_answered(self):
        score(self.dossier, self.member, answers_for_total(80), submit=False)
        self.client.force_login(self.member)
        # The page's reads: 1 session, 2 user, 3 memberships, 4 the dossier, 5 round entry,
        # 6 council, 7 seat, 8 sheet. The service: 9 savepoint (the test's transaction),
        # 10 the dossier locked, 11 round entry, 12 council, 13 seat, 14 is the member acting
        # for the producer, 15 the declaration, 16 the sheet locked, 17 the sheet saved,
        # 18 savepoint released. The answer is scored from the cached sheet files.
        with self.assertNumQueries(18):
            response = self.client.post(
                url("scoresheet_answer", self.dossier.pk),
                {"answer-1.1": "1"},
                HTTP_HX_REQUEST="true",
            )
        self.assertEqual(response.context["error"], "")

    def test_the_dossier_page_for_each_role(self):
        for user in self.panel.scorers[2:]:
            score(self.dossier, user, answers_for_total(80))
        score(self.dossier, self.panel.chair, answers_for_total(80))
        # 1 session, 2 user, 3 memberships, 4 the dossier, 5 is the user a producer member,
        # 6 the round entry and 7 the council scoring it, 8 the user's seat, 9 the attached
        # documents, 10 the commune's review, 11 the council results, 12 the history,
        # 13 the rounds of the dossier, 14 site visits, 15 lab tests, 16 the visible sheets.
        for user in (self.cast.member, self.cast.province_officer, self.panel.chair, self.member):
            with self.subTest(user=user):
                self.client.force_login(user)
                with self.assertNumQueries(16):
                    response = self.client.get(url("dossier_detail", self.dossier.pk))
                self.assertEqual(response.status_code, 200)

    def test_the_scoring_page(self):
        for user in self.panel.scorers:
            score(self.dossier, user, answers_for_total(80))
        self.client.force_login(self.panel.chair)
        # 1 session, 2 user, 3 memberships, 4 the dossier (page), 5 the dossier again (the
        # service reads it through visible_to itself), 6 the round entry, 7 the council,
        # 8 the chair's seat, 9 the counted sheets, 10 the council's members, 11 their
        # declarations, 12 their sheets' statuses.
        with self.assertNumQueries(12):
            response = self.client.get(url("dossier_scoring", self.dossier.pk))
        self.assertTrue(response.context["scoring"].quorum_met)

    def test_a_dossier_with_many_members_costs_the_same(self):
        for _ in range(10):
            add_council_member(
                self.panel.council,
                actor=self.cast.province_officer,
                user=UserFactory(),
                role=CouncilMember.Role.MEMBER,
            )
        self.client.force_login(self.panel.chair)
        with self.assertNumQueries(12):
            self.client.get(url("dossier_scoring", self.dossier.pk))
