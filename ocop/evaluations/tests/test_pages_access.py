"""Who gets which page. A fixed cast around dossiers of a Mường Ảng tea producer (Điện Biên) in
every state, a provincial round with its council, and outsiders of each kind: every page answers
each role as expected; a page for a role is a 404 for anyone else, and a refused request changes
nothing (the workflow's rows, the dossiers' statuses and the audit log are compared); anonymous
users are sent to the login page."""

import time_machine
from django.test import TestCase
from django.urls import reverse

from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.regions.tests.factories import commune, province

from ..models import Dossier
from ..services.advisory import order_lab_test
from ..services.results import close_scoring
from ..services.rounds import assign_dossier_to_round, create_round
from .factories import (
    NOW,
    accepted_dossier,
    another_product,
    answers_for_total,
    database_state,
    draft_dossier,
    forwarded_dossier,
    make_cast,
    make_panel,
    score,
    submitted_dossier,
)

ROLES = (
    "member",
    "other_member",
    "commune",
    "other_commune",
    "province",
    "other_province",
    "central",
    "outsider",
    "chair",
    "secretary",
    "adviser",
)
OFFICIALS_HERE = ("commune", "province", "central")
COUNCIL = ("chair", "secretary", "adviser")


def url(name, *args):
    return reverse(f"evaluations:{name}", args=args)


def only(*roles, status=200):
    return dict.fromkeys(roles, status)


@time_machine.travel(NOW, tick=False)
class PageAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cast = make_cast()
        office = cast.province_officer
        panel = make_panel(organiser=office, province=province("11"))
        cls.panel = panel
        cls.draft = draft_dossier(cast)
        cls.submitted = submitted_dossier(another_product(cast))
        cls.forwarded = forwarded_dossier(another_product(cast))
        cls.accepted = accepted_dossier(another_product(cast))
        cls.scoring = accepted_dossier(another_product(cast))
        assign_dossier_to_round(cls.scoring, panel.round, actor=office)
        cls.awaiting = accepted_dossier(another_product(cast), answers_for_total(95))
        assign_dossier_to_round(cls.awaiting, panel.round, actor=office)
        for user in panel.scorers:
            score(cls.awaiting, user, answers_for_total(92))
        close_scoring(cls.awaiting, actor=panel.chair)
        cls.order = order_lab_test(
            cls.scoring, actor=panel.adviser, laboratory="Trung tâm kiểm nghiệm", tests="Dư lượng"
        )
        cls.other_round = create_round(
            actor=cast.other_province_officer,
            level="province",
            year=2026,
            number=2,
            province=province("12"),
        )
        cls.users = {
            "member": cast.member,
            "other_member": producer_member(ProducerFactory(commune=commune("03256"))),
            "commune": cast.commune_officer,
            "other_commune": cast.other_commune_officer,
            "province": office,
            "other_province": cast.other_province_officer,
            "central": cast.central_officer,
            "outsider": cast.outsider,
            "chair": panel.chair,
            "secretary": panel.scorers[1],
            "adviser": panel.adviser,
        }
        cls.seat = panel.council.members.get(user=panel.scorers[2])

    def check_get(self, path, expected):
        before = database_state()
        for role in ROLES:
            with self.subTest(role=role, path=path):
                self.client.force_login(self.users[role])
                response = self.client.get(path)
                self.assertEqual(response.status_code, expected.get(role, 404))
        self.assertEqual(database_state(), before)

    def check_post_refused(self, path, allowed, data=None):
        """Everyone not in ``allowed`` gets 404 and changes nothing."""
        before = database_state()
        for role in ROLES:
            if role in allowed:
                continue
            with self.subTest(role=role, path=path):
                self.client.force_login(self.users[role])
                response = self.client.post(path, data or {})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(database_state(), before)

    # Lists: everyone gets the page, with what their scope covers.

    def test_lists_answer_everyone_with_their_own_scope(self):
        for name in (
            "dossier_list",
            "dossier_create",
            "round_list",
            "result_list",
            "scoresheet_list",
        ):
            self.check_get(url(name), dict.fromkeys(ROLES, 200))

    def test_the_dossier_list_holds_what_each_role_may_see(self):
        filed = {self.submitted, self.forwarded, self.accepted, self.scoring, self.awaiting}
        expected = {
            "member": {self.draft, *filed},
            "other_member": set(),
            "commune": filed,
            "other_commune": set(),
            "province": filed,
            "other_province": set(),
            "central": filed,
            "outsider": set(),
            "chair": {self.scoring, self.awaiting},
            "adviser": {self.scoring, self.awaiting},
        }
        for role, dossiers in expected.items():
            with self.subTest(role=role):
                self.client.force_login(self.users[role])
                response = self.client.get(url("dossier_list"))
                self.assertEqual(set(response.context["page"].object_list), dossiers)

    def test_the_round_and_result_lists_hold_what_each_role_may_see(self):
        rounds = {
            "province": {self.panel.round},
            "other_province": {self.other_round},
            "central": {self.panel.round, self.other_round},
            "chair": {self.panel.round},
            "member": set(),
            "commune": set(),
            "outsider": set(),
        }
        for role, expected in rounds.items():
            with self.subTest(role=role):
                self.client.force_login(self.users[role])
                response = self.client.get(url("round_list"))
                self.assertEqual(set(response.context["page"].object_list), expected)
        results = {
            "member": 1,
            "province": 1,
            "chair": 1,
            "commune": 1,
            "other_province": 0,
            "other_member": 0,
            "outsider": 0,
        }
        for role, count in results.items():
            with self.subTest(role=role):
                self.client.force_login(self.users[role])
                response = self.client.get(url("result_list"))
                self.assertEqual(len(response.context["page"].object_list), count)

    def test_my_sheets_lists_only_the_users_councils(self):
        for role, count in {
            "chair": 1,
            "secretary": 1,
            "adviser": 1,
            "province": 0,
            "member": 0,
        }.items():
            with self.subTest(role=role):
                self.client.force_login(self.users[role])
                response = self.client.get(url("scoresheet_list"))
                self.assertEqual(len(response.context["rows"]), count)

    # The dossier page

    def test_dossier_page_answers_those_who_may_see_the_dossier(self):
        self.check_get(url("dossier_detail", self.draft.pk), only("member"))
        self.check_get(url("dossier_detail", self.submitted.pk), only("member", *OFFICIALS_HERE))
        self.check_get(
            url("dossier_detail", self.scoring.pk), only("member", *OFFICIALS_HERE, *COUNCIL)
        )
        self.check_get(url("dossier_detail", 999999), {})

    # The producer's pages

    def test_producer_pages_are_for_the_producers_members_only(self):
        for name in ("dossier_edit", "dossier_attachments", "dossier_submit", "dossier_withdraw"):
            path = url(name, self.draft.pk)
            self.check_get(path, only("member"))
            self.check_post_refused(path, {"member"})

    # The commune and the province

    def test_the_review_is_for_the_officer_of_the_commune(self):
        path = url("dossier_review", self.submitted.pk)
        self.check_get(path, only("commune"))
        self.check_post_refused(path, {"commune"}, {"decision": "return", "reason": "x"})

    def test_accepting_and_returning_are_for_the_provincial_office(self):
        for name in ("dossier_accept", "dossier_return"):
            path = url(name, self.forwarded.pk)
            self.check_get(path, only("province"))
            self.check_post_refused(path, {"province"}, {"comment": "x"})

    def test_assigning_a_dossier_is_for_the_organising_office(self):
        path = url("dossier_assign", self.accepted.pk)
        # The central office holds the central role but has no round this dossier can join.
        self.check_post_refused(path, {"province", "central"}, {"round": self.panel.round.pk})
        before = database_state()
        self.client.force_login(self.users["central"])
        response = self.client.post(path, {"round": self.panel.round.pk})
        self.assertRedirects(response, url("dossier_detail", self.accepted.pk))
        self.assertEqual(database_state(), before)

    def test_the_decision_after_the_council_is_for_the_provincial_office(self):
        path = url("dossier_decide", self.awaiting.pk)
        self.check_get(path, only("province"))
        self.check_post_refused(path, {"province"}, {"decision": "approve_for_central"})

    # Council members and the chair

    def test_the_sheet_pages_are_for_the_councils_members(self):
        path = url("conflict_declare", self.scoring.pk)
        self.check_get(path, only(*COUNCIL))
        self.check_post_refused(path, set(COUNCIL), {"has_conflict": "no"})
        # Scoring members are first asked to declare; the adviser is sent to the dossier.
        self.check_get(url("scoresheet_detail", self.scoring.pk), only(*COUNCIL, status=302))
        self.check_get(url("scoresheet_submit", self.scoring.pk), only(*COUNCIL, status=302))
        for name in ("scoresheet_detail", "scoresheet_answer", "scoresheet_submit"):
            self.check_post_refused(url(name, self.scoring.pk), set(COUNCIL), {"answer-1.1": "1"})

    def test_a_member_never_reaches_another_members_sheet_before_closing(self):
        sheet = score(self.scoring, self.panel.scorers[2], answers_for_total(80))
        self.client.force_login(self.users["secretary"])
        response = self.client.get(url("dossier_detail", self.scoring.pk))
        self.assertNotIn(sheet, list(response.context["sheets"]))
        response = self.client.get(url("scoresheet_detail", self.scoring.pk))
        self.assertRedirects(response, url("conflict_declare", self.scoring.pk))
        self.client.force_login(self.users["chair"])
        response = self.client.get(url("dossier_scoring", self.scoring.pk))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, str(sheet.total))

    def test_the_scoring_status_is_for_the_chair_and_the_organising_office(self):
        self.check_get(url("dossier_scoring", self.scoring.pk), only("chair", "province"))
        self.check_post_refused(
            url("dossier_close_scoring", self.scoring.pk), {"chair"}, {"comment": "x"}
        )
        self.check_post_refused(
            url("scoresheet_return", self.scoring.pk, self.seat.pk), {"chair"}, {"comment": "x"}
        )

    def test_advisory_records_are_for_the_advisers_the_chair_and_the_office(self):
        allowed = only("chair", "adviser", "province")
        for path in (
            url("sitevisit_create", self.scoring.pk),
            url("labtest_create", self.scoring.pk),
            url("labtest_result", self.order.pk),
        ):
            self.check_get(path, allowed)
            self.check_post_refused(path, set(allowed), {"findings": "x", "summary": "x"})

    # Rounds and councils

    def test_round_pages_follow_the_round_scope(self):
        round_ = self.panel.round
        self.check_get(url("round_detail", round_.pk), only("province", "central", *COUNCIL))
        self.check_get(url("round_detail", self.other_round.pk), only("other_province", "central"))
        self.check_get(
            url("round_create"),
            only("province", "other_province", "central")
            | only(
                "member",
                "other_member",
                "commune",
                "other_commune",
                "outsider",
                *COUNCIL,
                status=403,
            ),
        )
        self.check_get(url("round_assign", round_.pk), only("province"))
        self.check_get(url("council_create", round_.pk), only("province", status=302))
        self.check_get(url("council_edit", self.panel.council.pk), only("province"))
        self.check_post_refused(url("round_assign", round_.pk), {"province"})
        self.check_post_refused(url("round_close", round_.pk), {"province"})
        self.check_post_refused(url("council_create", round_.pk), {"province"})
        self.check_post_refused(url("council_edit", self.panel.council.pk), {"province"})
        self.check_post_refused(
            url("councilmember_add", self.panel.council.pk),
            {"province"},
            {"user": self.users["outsider"].username, "role": "member"},
        )
        self.check_post_refused(
            url("councilmember_remove", self.panel.council.pk, self.seat.pk), {"province"}
        )

    def test_round_creation_is_refused_with_403_to_those_who_organise_no_round(self):
        before = database_state()
        for role in ("member", "commune", "outsider", "chair"):
            with self.subTest(role=role):
                self.client.force_login(self.users[role])
                response = self.client.post(
                    url("round_create"),
                    {
                        "level": "province",
                        "province": "11",
                        "year": "2026",
                        "kind": "extra",
                        "decide_before": "2026-09-30",
                    },
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(database_state(), before)

    def test_another_provinces_office_cannot_open_a_round_for_this_province(self):
        self.client.force_login(self.users["other_province"])
        before = database_state()
        response = self.client.post(
            url("round_create"),
            {
                "level": "province",
                "province": "11",
                "year": "2026",
                "kind": "extra",
                "decide_before": "2026-09-30",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("province", response.context["form"].errors)
        self.assertEqual(database_state(), before)

    # Anonymous users

    def test_anonymous_users_are_sent_to_login_and_change_nothing(self):
        dossier, round_, council = self.scoring, self.panel.round, self.panel.council
        paths = [
            url("dossier_list"),
            url("dossier_create"),
            url("round_list"),
            url("round_create"),
            url("result_list"),
            url("scoresheet_list"),
            url("round_detail", round_.pk),
            url("round_assign", round_.pk),
            url("round_close", round_.pk),
            url("council_create", round_.pk),
            url("council_edit", council.pk),
            url("councilmember_add", council.pk),
            url("councilmember_remove", council.pk, self.seat.pk),
            url("labtest_result", self.order.pk),
            url("scoresheet_return", dossier.pk, self.seat.pk),
        ] + [
            url(name, dossier.pk)
            for name in (
                "dossier_detail",
                "dossier_edit",
                "dossier_attachments",
                "dossier_submit",
                "dossier_withdraw",
                "dossier_review",
                "dossier_accept",
                "dossier_return",
                "dossier_assign",
                "dossier_decide",
                "sitevisit_create",
                "labtest_create",
                "conflict_declare",
                "scoresheet_detail",
                "scoresheet_answer",
                "scoresheet_submit",
                "dossier_scoring",
                "dossier_close_scoring",
            )
        ]
        before = database_state()
        login = reverse("accounts:login")
        for path in paths:
            for method in ("get", "post"):
                with self.subTest(path=path, method=method):
                    response = getattr(self.client, method)(path)
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith(login))
        self.assertEqual(database_state(), before)
        self.assertEqual(Dossier.objects.get(pk=dossier.pk).status, Dossier.Status.IN_ROUND)
