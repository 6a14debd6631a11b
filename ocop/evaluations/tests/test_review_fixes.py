"""Review findings: the spread is the one of the council's result, the council's rules do not
change once scoring has started, and the kind of a dossier matches the product's history.

Every refusal leaves the database as it was."""

import statistics
from decimal import Decimal

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings

from ocop.accounts.tests.factories import UserFactory
from ocop.regions.tests.factories import province
from ocop.rubric.engine import load_sheet, score_sheet

from ..models import ConflictDeclaration, CouncilMember, CouncilResult, Dossier
from ..services.dossiers import create_dossier
from ..services.results import close_scoring, scoring_status
from ..services.rounds import (
    add_council_member,
    assign_dossier_to_round,
    remove_council_member,
    update_council,
)
from ..services.scoring import declare_conflict, return_score_sheet
from .factories import (
    FORM,
    NOW,
    TEA,
    accepted_dossier,
    another_product,
    answers_for_total,
    best_answers,
    database_state,
    dossier_row,
    make_cast,
    make_panel,
    score,
)

S = Dossier.Status
STOP = "6.1.1"  # a criterion of sheet 11 with a stop note


def state():
    """database_state() plus the declarations' answers and the council members' roles."""
    return {
        **database_state(),
        "declarations": list(
            ConflictDeclaration.objects.order_by("pk").values_list("pk", "has_conflict", "note")
        ),
        "members": list(CouncilMember.objects.order_by("pk").values_list("pk", "user", "role")),
    }


def outlier_answers():
    """Answers whose full total is within 10 points of the best answers stopped at ``STOP``,
    while the same answers stopped at ``STOP`` are more than 10 points below it: the member
    who gives them is close to the others on the sheets as stored, far from them once the
    council's stop applies to every sheet."""
    sheet = load_sheet(TEA)
    codes = list(sheet.criteria)
    before, after = codes[: codes.index(STOP) + 1], codes[codes.index(STOP) + 1 :]
    flagged = score_sheet(sheet, best_answers(), stop_at=STOP).total
    lowest = {c: min(sheet.criteria[c].options, key=lambda o: o.points).number for c in codes}
    answers = best_answers()
    for code in before:
        if flagged - score_sheet(sheet, answers, stop_at=STOP).total > 12:
            break
        answers[code] = lowest[code]
    for code in reversed(after):
        if score_sheet(sheet, answers).total - flagged <= 10:
            break
        answers[code] = lowest[code]
    full = score_sheet(sheet, answers).total
    stopped = score_sheet(sheet, answers, stop_at=STOP).total
    assert abs(full - flagged) <= 10 < abs(stopped - flagged), (flagged, full, stopped)
    return answers


def stop_sensitive_answers():
    """Two sets of answers whose full totals are within 10 points, while stopped at ``STOP``
    they are more than 10 apart: the first is strong before the stop and weak after it, the
    second the other way round."""
    sheet = load_sheet(TEA)
    codes = list(sheet.criteria)
    before, after = codes[: codes.index(STOP) + 1], codes[codes.index(STOP) + 1 :]
    lowest = {c: min(sheet.criteria[c].options, key=lambda o: o.points).number for c in codes}
    flagged = score_sheet(sheet, best_answers(), stop_at=STOP).total
    weak_before = best_answers()
    for code in before:
        if flagged - score_sheet(sheet, weak_before, stop_at=STOP).total > 10:
            break
        weak_before[code] = lowest[code]
    strong_before = best_answers()
    for code in reversed(after):
        if score_sheet(sheet, strong_before).total - score_sheet(sheet, weak_before).total <= 10:
            break
        strong_before[code] = lowest[code]
    full = [score_sheet(sheet, a).total for a in (strong_before, weak_before)]
    stopped = [score_sheet(sheet, a, stop_at=STOP).total for a in (strong_before, weak_before)]
    assert abs(full[0] - full[1]) <= 10 < abs(stopped[0] - stopped[1]), (full, stopped)
    return strong_before, weak_before


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class ReviewFixTestCase(TestCase):
    def assertRefused(self, call, *, code):
        before = state()
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(ValidationError) as raised,
        ):
            call()
        self.assertEqual(state(), before)
        self.assertEqual(callbacks, [])
        self.assertIn(code, {error.code for error in raised.exception.error_list})
        return raised.exception


@time_machine.travel(NOW, tick=False)
class SpreadOfTheCouncilResultTests(ReviewFixTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.dossier = accepted_dossier(cls.cast)
        assign_dossier_to_round(cls.dossier, cls.panel.round, actor=cls.cast.province_officer)
        cls.chair, cls.secretary, cls.first, cls.second, _third = cls.panel.scorers

    def test_a_majority_stop_widens_the_spread_so_closing_needs_the_councils_note(self):
        for user in (self.chair, self.secretary, self.first):
            score(self.dossier, user, best_answers(), stop_at=STOP)
        score(self.dossier, self.second, outlier_answers())

        status = scoring_status(self.dossier, actor=self.chair)
        self.assertGreater(status.spread, Decimal(10))
        self.assertTrue(status.spread_exceeded)
        self.assertEqual(status.lowest, [CouncilMember.objects.get(user=self.second)])

        error = self.assertRefused(
            lambda: close_scoring(self.dossier, actor=self.chair),
            code="spread_exceeded",
        )
        self.assertIn(str(status.spread), " ".join(error.messages))

        result = close_scoring(
            self.dossier, actor=self.chair, confirm_spread=True, comment="Đã thảo luận."
        )
        result = CouncilResult.objects.get(pk=result.pk)
        self.assertEqual(result.stopped_at, STOP)
        self.assertTrue(result.is_spread_exceeded)
        self.assertEqual(result.spread, status.spread)
        self.assertEqual(
            Decimal(str(max(result.member_totals) - min(result.member_totals))).quantize(
                Decimal("0.01")
            ),
            result.spread,
        )
        self.assertAlmostEqual(
            statistics.mean(result.member_totals), float(result.mean_total), delta=0.005
        )

    def test_a_minority_stop_does_not_count_so_the_spread_is_within_the_limit(self):
        # The chair alone flags the stop: the stored totals differ by far more than 10, but
        # the stop is not the council's, so every sheet is scored in full.
        stopped = score(self.dossier, self.chair, best_answers(), stop_at=STOP)
        for user in (self.secretary, self.first, self.second):
            score(self.dossier, user, best_answers())
        self.assertGreater(Decimal(100) - stopped.total, Decimal(10))

        status = scoring_status(self.dossier, actor=self.chair)
        self.assertEqual(status.spread, Decimal(0))
        self.assertFalse(status.spread_exceeded)
        self.assertEqual((status.highest, status.lowest), ([], []))

        result = close_scoring(self.dossier, actor=self.chair)
        self.assertEqual(result.stopped_at, "")
        self.assertFalse(result.is_spread_exceeded)
        self.assertEqual(result.spread, Decimal(0))
        self.assertEqual(result.member_totals, [100.0] * 4)
        self.assertEqual(result.mean_total, Decimal(100))

    def test_a_stop_given_by_the_chair_applies_to_the_spread_checked_at_closing(self):
        strong_before, strong_after = stop_sensitive_answers()
        for user in (self.chair, self.secretary, self.first):
            score(self.dossier, user, strong_before)
        score(self.dossier, self.second, strong_after)
        self.assertFalse(scoring_status(self.dossier, actor=self.chair).spread_exceeded)

        self.assertRefused(
            lambda: close_scoring(self.dossier, actor=self.chair, stop_at=STOP),
            code="spread_exceeded",
        )


@time_machine.travel(NOW, tick=False)
class RulesFixedOnceScoringStartedTests(ReviewFixTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.officer = cls.cast.province_officer
        cls.panel = make_panel(organiser=cls.officer, province=province("11"))
        cls.council = cls.panel.council
        cls.dossier = accepted_dossier(cls.cast)
        assign_dossier_to_round(cls.dossier, cls.panel.round, actor=cls.officer)
        cls.chair, cls.secretary, cls.first, cls.second, cls.third = cls.panel.scorers
        # A seat with no sheet, the one the office might try to take away.
        cls.spare = add_council_member(
            cls.council, actor=cls.officer, user=UserFactory(), role="member"
        )

    def hand_in_one_sheet(self):
        return score(self.dossier, self.first, answers_for_total(80))

    def test_before_any_sheet_is_handed_in_the_rules_and_seats_can_change(self):
        score(self.dossier, self.first, answers_for_total(80), submit=False)  # a draft only
        update_council(
            self.council, actor=self.officer, data={"quorum_percent": 60, "spread_limit": 12}
        )
        add_council_member(self.council, actor=self.officer, user=UserFactory(), role="member")
        remove_council_member(self.spare, actor=self.officer)
        self.council.refresh_from_db()
        self.assertEqual((self.council.quorum_percent, self.council.spread_limit), (60, 12))

    def test_quorum_and_spread_limit_cannot_change_once_a_sheet_is_submitted(self):
        self.hand_in_one_sheet()
        for data in ({"quorum_percent": 1}, {"spread_limit": 100}):
            with self.subTest(data=data):
                error = self.assertRefused(
                    lambda data=data: update_council(self.council, actor=self.officer, data=data),
                    code="rules_fixed",
                )
                self.assertIn("can no longer change", " ".join(error.messages))

    def test_the_name_can_still_change_with_the_same_rules_sent_again(self):
        self.hand_in_one_sheet()
        update_council(
            self.council,
            actor=self.officer,
            data={"name": "Hội đồng OCOP tỉnh", "quorum_percent": 75, "spread_limit": "10.00"},
        )
        self.council.refresh_from_db()
        self.assertEqual(self.council.name, "Hội đồng OCOP tỉnh")
        self.assertEqual((self.council.quorum_percent, self.council.spread_limit), (75, 10))

    def test_a_sheet_sent_back_still_fixes_the_rules(self):
        sheet = self.hand_in_one_sheet()
        return_score_sheet(sheet, actor=self.chair, comment="Xem lại mục 2.")
        self.assertRefused(
            lambda: update_council(self.council, actor=self.officer, data={"quorum_percent": 50}),
            code="rules_fixed",
        )

    def test_no_scoring_seat_can_be_added_once_a_sheet_is_submitted(self):
        self.hand_in_one_sheet()
        for role in ("member", "secretary"):
            with self.subTest(role=role):
                self.assertRefused(
                    lambda role=role: add_council_member(
                        self.council, actor=self.officer, user=UserFactory(), role=role
                    ),
                    code="seats_fixed",
                )

    def test_no_scoring_seat_can_be_removed_once_a_sheet_is_submitted(self):
        self.hand_in_one_sheet()
        self.assertRefused(
            lambda: remove_council_member(self.spare, actor=self.officer),
            code="seats_fixed",
        )

    def test_an_adviser_can_still_join_and_leave_since_advisers_do_not_score(self):
        self.hand_in_one_sheet()
        adviser = add_council_member(
            self.council,
            actor=self.officer,
            user=UserFactory(),
            role=CouncilMember.Role.ADVISER,
        )
        remove_council_member(adviser, actor=self.officer)
        self.assertFalse(CouncilMember.objects.filter(pk=adviser.pk).exists())

    def test_a_declaration_cannot_change_under_a_submitted_sheet(self):
        self.hand_in_one_sheet()
        error = self.assertRefused(
            lambda: declare_conflict(
                self.dossier, actor=self.first, has_conflict=True, note="Họ hàng."
            ),
            code="sheet_submitted",
        )
        self.assertIn("send it back", " ".join(error.messages))
        status = scoring_status(self.dossier, actor=self.chair)
        self.assertEqual(status.submitted, 1)

    def test_the_same_declaration_again_is_accepted_and_changes_nothing(self):
        self.hand_in_one_sheet()
        before = state()
        declare_conflict(self.dossier, actor=self.first, has_conflict=False)
        self.assertEqual(state(), before)

    def test_after_the_chair_sends_the_sheet_back_the_member_may_declare_a_conflict(self):
        sheet = self.hand_in_one_sheet()
        return_score_sheet(sheet, actor=self.chair, comment="Bạn có quan hệ với HTX?")
        declare_conflict(self.dossier, actor=self.first, has_conflict=True, note="Họ hàng.")
        self.assertTrue(
            ConflictDeclaration.objects.get(
                dossier=self.dossier, member__user=self.first
            ).has_conflict
        )
        self.assertEqual(scoring_status(self.dossier, actor=self.chair).submitted, 0)


@time_machine.travel(NOW, tick=False)
class KindOfDossierTests(ReviewFixTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def test_an_upgrade_or_re_rating_of_a_never_recognised_product_is_refused(self):
        """Art. 6(1)(b)-(c): upgrades and re-ratings are for recognised products; without a
        certificate there is nothing to start from, and nothing changes."""
        for kind in (Dossier.Kind.UPGRADE, Dossier.Kind.RE_RATING):
            with self.subTest(kind=kind):
                error = self.assertRefused(
                    lambda kind=kind: create_dossier(
                        self.cast.product, actor=self.cast.member, kind=kind, data=FORM
                    ),
                    code="not_recognised",
                )
                self.assertIn("File a first rating instead", " ".join(error.messages))

    def test_after_a_low_rating_an_upgrade_is_still_refused(self):
        dossier_row(self.cast.product, status=S.RATED_LOW)
        self.assertRefused(
            lambda: create_dossier(
                self.cast.product, actor=self.cast.member, kind=Dossier.Kind.UPGRADE
            ),
            code="not_recognised",
        )
        # ...and a first rating is what the producer files instead.
        again = create_dossier(self.cast.product, actor=self.cast.member, data=FORM)
        self.assertEqual(again.kind, Dossier.Kind.FIRST_RATING)


@time_machine.travel(NOW, tick=False)
class KindAfterARatingTests(ReviewFixTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))
        cls.rated = accepted_dossier(cls.cast, answers_for_total(75))
        assign_dossier_to_round(cls.rated, panel.round, actor=cls.cast.province_officer)
        for user in panel.scorers[:4]:
            score(cls.rated, user, answers_for_total(75))
        close_scoring(cls.rated, actor=panel.chair)
        cls.rated.refresh_from_db()

    def test_the_product_is_rated(self):
        self.assertEqual(self.rated.status, S.PROPOSED)

    def test_a_second_first_rating_waits_for_the_decision_on_the_proposal(self):
        error = self.assertRefused(
            lambda: create_dossier(
                self.cast.product, actor=self.cast.member, kind="first_rating", data=FORM
            ),
            code="awaiting_decision",
        )
        self.assertIn("waits for the decision", " ".join(error.messages))

    def test_an_upgrade_waits_for_the_certificate(self):
        """The proposal is not a recognition yet (art. 7(3)(e)): the certificate the upgrade
        starts from comes with the decision."""
        self.assertRefused(
            lambda: create_dossier(
                self.cast.product, actor=self.cast.member, kind=Dossier.Kind.UPGRADE, data=FORM
            ),
            code="not_recognised",
        )

    def test_another_product_of_the_producer_can_still_have_its_first_rating(self):
        other = another_product(self.cast)
        dossier = create_dossier(other.product, actor=other.member, data=FORM)
        self.assertEqual(dossier.kind, Dossier.Kind.FIRST_RATING)


class ReceiptNumberSearchTests(TestCase):
    def test_receipt_numbers_are_found_whatever_the_case_or_tone_marks(self):
        from django.urls import reverse

        from .factories import submitted_dossier

        cast = make_cast()
        dossier = submitted_dossier(cast)
        self.assertIn("PĐK", dossier.receipt_number)
        self.client.force_login(cast.commune_officer)
        number = dossier.receipt_number.split("/")[0]
        for query in [dossier.receipt_number, f"{number}/pđk", f"{number}/pdk", "PDK-11"]:
            with self.subTest(query=query):
                response = self.client.get(reverse("evaluations:dossier_list"), {"q": query})
                self.assertContains(response, dossier.receipt_number)
        response = self.client.get(reverse("evaluations:dossier_list"), {"q": "999/PĐK"})
        self.assertNotContains(response, dossier.receipt_number)
