"""One dossier's whole way through the pages, each step by the person who takes it, and the
refusals a page shows: a message or form errors, and nothing changed."""

import datetime
import re

import time_machine
from django.core import mail
from django.test import TestCase, override_settings

from ocop.accounts.models import User
from ocop.accounts.tests.factories import UserFactory
from ocop.producers.choices import DocumentKind
from ocop.producers.tests.factories import ProducerDocumentFactory
from ocop.regions.tests.factories import province
from ocop.rubric.models import SelfAssessment

from ..models import Council, CouncilResult, Dossier, Round, ScoreSheet
from ..services.dossiers import (
    newest_finished_self_assessment,
    set_attachments,
    submission_problems,
)
from ..services.results import close_scoring
from ..services.rounds import assign_dossier_to_round, create_round
from ..services.scoring import declare_conflict, save_score_answer
from .factories import (
    NOW,
    accepted_dossier,
    another_product,
    answers_for_total,
    database_state,
    dossier_row,
    draft_dossier,
    finished_self_assessment,
    make_cast,
    make_panel,
    recognise,
    score,
    submitted_dossier,
)
from .pages import review_post, sheet_post, url

S = Dossier.Status


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
@time_machine.travel(NOW, tick=False)
class HappyPathThroughThePagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.chair = UserFactory(username="chu.tich")
        cls.secretary = UserFactory(username="thu.ky")
        cls.members = [UserFactory(username=f"uy.vien{n}") for n in (1, 2)]
        cls.adviser = UserFactory(username="tu.van")

    def as_user(self, user):
        self.client.force_login(user)

    def test_from_the_producers_draft_to_the_result_the_producer_reads(self):
        cast = self.cast
        # The producer opens a dossier, completes the form, chooses documents and submits.
        finished_self_assessment(cast, answers_for_total(82))
        self.as_user(cast.member)
        response = self.client.get(url("dossier_create"))
        self.assertEqual(list(response.context["form"].fields["product"].queryset), [cast.product])
        response = self.client.post(
            url("dossier_create"), {"product": cast.product.pk, "kind": "first_rating"}
        )
        dossier = Dossier.objects.get(product=cast.product)
        self.assertRedirects(response, url("dossier_edit", dossier.pk))
        # what the submission requires is marked, though a draft may be saved without it
        page = self.client.get(url("dossier_edit", dossier.pk)).content.decode()
        for name in ("representative_position", "phone"):
            label = re.search(rf'<label for="id_{name}">(.*?)</label>', page, re.S)[1]
            self.assertIn("*</abbr>", label)
        form = {
            "applicant_name": cast.producer.name,
            "representative_name": "Lò Văn Thành",
            "representative_position": "Giám đốc",
            "contact_address": "Bản Mường Ảng",
            "phone": "0215 3800 111",
            "email": "",
            "product_name": cast.product.name,
            "sample_count": "5",
            "is_declaration_accepted": "on",
            "production_address": "",
            "production_capacity": "",
            "markets": "",
        }
        response = self.client.post(url("dossier_edit", dossier.pk), form)
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        response = self.client.post(
            url("dossier_attachments", dossier.pk), {"documents": [cast.food_safety.pk]}
        )
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        response = self.client.get(url("dossier_submit", dossier.pk))
        self.assertEqual(response.context["problems"], [])
        self.assertContains(response, "Nothing blocks the submission.")
        self.assertNotContains(response, " disabled ")
        response = self.client.post(url("dossier_submit", dossier.pk))
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.SUBMITTED)
        self.assertEqual(dossier.receipt_number, "001/PĐK-11-03256-2026")
        response = self.client.get(url("dossier_detail", dossier.pk))
        self.assertContains(response, "001/PĐK-11-03256-2026")
        self.assertContains(response, "The commune will check your dossier within 15 working days")

        # The commune finds it in its inbox, with the deadline, and forwards it.
        self.as_user(cast.commune_officer)
        response = self.client.get(url("dossier_list"), {"waiting": "on"})
        self.assertEqual(list(response.context["page"].object_list), [dossier])
        self.assertContains(response, "06/22/2026")  # English short date
        response = self.client.post(url("dossier_review", dossier.pk), review_post())
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.FORWARDED)

        # The province accepts it, opens round 2 of 2026, sets up its council, assigns it.
        office = cast.province_officer
        self.as_user(office)
        response = self.client.get(url("dossier_list"), {"waiting": "on"})
        self.assertEqual(list(response.context["page"].object_list), [dossier])
        response = self.client.post(url("dossier_accept", dossier.pk), {"comment": ""})
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        response = self.client.post(
            url("round_create"),
            {
                "level": "province",
                "province": "11",
                "year": "2026",
                "kind": "statutory",
                "number": "2",
            },
        )
        round_ = Round.objects.get()
        self.assertRedirects(response, url("round_detail", round_.pk))
        self.assertEqual(round_.decide_before, datetime.date(2026, 12, 30))
        response = self.client.post(
            url("council_create", round_.pk),
            {"name": "Hội đồng OCOP tỉnh Điện Biên", "quorum_percent": "75", "spread_limit": "10"},
        )
        council = Council.objects.get()
        self.assertRedirects(response, url("council_edit", council.pk))
        seats = [
            (self.chair, "chair"),
            (self.secretary, "secretary"),
            (self.members[0], "member"),
            (self.members[1], "member"),
            (self.adviser, "adviser"),
        ]
        for user, role in seats:
            response = self.client.post(
                url("councilmember_add", council.pk), {"user": user.username, "role": role}
            )
            self.assertRedirects(response, url("council_edit", council.pk))
        response = self.client.get(url("round_assign", round_.pk))
        self.assertEqual(list(response.context["candidates"]), [dossier])
        response = self.client.post(url("round_assign", round_.pk), {"dossiers": [dossier.pk]})
        self.assertRedirects(response, url("round_detail", round_.pk))
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.IN_ROUND)

        # Each scoring member declares, scores and submits; one uses the htmx path.
        totals = {self.chair: 80, self.secretary: 82, self.members[0]: 78, self.members[1]: 80}
        for user, total in totals.items():
            self.as_user(user)
            response = self.client.get(url("scoresheet_list"))
            self.assertEqual([row["dossier"] for row in response.context["rows"]], [dossier])
            response = self.client.get(url("scoresheet_detail", dossier.pk))
            self.assertRedirects(response, url("conflict_declare", dossier.pk))
            response = self.client.post(url("conflict_declare", dossier.pk), {"has_conflict": "no"})
            self.assertRedirects(response, url("scoresheet_detail", dossier.pk))
            answers = answers_for_total(total)
            response = self.client.post(
                url("scoresheet_detail", dossier.pk), sheet_post(answers, action="submit")
            )
            self.assertRedirects(response, url("scoresheet_submit", dossier.pk))
            response = self.client.post(url("scoresheet_submit", dossier.pk))
            self.assertRedirects(response, url("scoresheet_detail", dossier.pk))
        self.assertEqual(
            sorted(ScoreSheet.objects.values_list("total", flat=True)), [78, 80, 80, 82]
        )

        # Before closing: a member sees their own sheet only, the producer none, the chair
        # the quorum without anybody's total.
        self.as_user(self.secretary)
        response = self.client.get(url("dossier_detail", dossier.pk))
        self.assertEqual([s.member.user for s in response.context["sheets"]], [self.secretary])
        self.as_user(cast.member)
        response = self.client.get(url("dossier_detail", dossier.pk))
        self.assertEqual(list(response.context["sheets"]), [])
        self.as_user(self.chair)
        response = self.client.get(url("dossier_scoring", dossier.pk))
        scoring = response.context["scoring"]
        self.assertTrue(scoring.quorum_met)
        self.assertEqual((scoring.submitted, scoring.required), (4, 3))  # 75% of 4, rounded up
        self.assertContains(response, "Quorum reached.")
        # No member's total (82) in what the chair reads; random tokens (CSRF, CSP nonce) are
        # left out of the search, as they may contain the digits by chance.
        visible = re.sub(
            r"""(nonce|value|hx-headers|content)=("[^"]*"|'[^']*')""", "", response.content.decode()
        )
        # People's, producers' and products' names ("Người dùng 82", "Sản phẩm mẫu 82") are
        # numbered by the factories' sequences, which other tests in the process advance.
        for person in User.objects.all():
            visible = visible.replace(str(person), "").replace(person.get_username(), "")
        for name in (dossier.product_name, cast.product.name, cast.producer.name):
            visible = visible.replace(name, "")
        found = re.search(r"(?<![\d./-])82(?:[.,]\d+)?(?![\d/])", visible)
        self.assertIsNone(found, found and visible[found.start() - 80 : found.end() + 40])

        # The chair closes; the producer reads the result, without individual sheets.
        response = self.client.post(url("dossier_close_scoring", dossier.pk), {"comment": ""})
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        result = CouncilResult.objects.get()
        self.assertEqual((str(result.mean_total), result.star), ("80.00", 4))
        self.as_user(cast.member)
        response = self.client.get(url("dossier_detail", dossier.pk))
        self.assertEqual(response.context["dossier"].status, S.PROPOSED)
        self.assertEqual([item["result"] for item in response.context["results"]], [result])
        # a whole mean reads 80, as every score: one format (ocop.core.numbers.points)
        self.assertContains(response, "<strong>80</strong> / 100")
        self.assertContains(response, "Your product is proposed for recognition at 4 stars.")
        self.assertEqual(list(response.context["sheets"]), [])
        self.assertNotContains(response, self.secretary.full_name)
        actions = [item["event"].action for item in response.context["history"]]
        self.assertEqual(
            actions,
            [
                "dossier.created",
                "dossier.updated",
                "dossier.attachments_changed",
                "dossier.submitted",
                "dossier.forwarded",
                "dossier.accepted",
                "dossier.assigned_to_round",
                "dossier.scoring_closed",
            ],
        )
        # After closing, the council's members see every sheet of the council.
        self.as_user(self.members[0])
        response = self.client.get(url("dossier_detail", dossier.pk))
        self.assertEqual(len(response.context["sheets"]), 4)


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class RefusalsThroughThePagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def test_an_expired_food_safety_certificate_blocks_submission_with_its_date(self):
        cast = self.cast
        expired = ProducerDocumentFactory(
            producer=cast.producer,
            kind=DocumentKind.FOOD_SAFETY,
            number="77/GCN-ATTP",
            issued_on=datetime.date(2023, 5, 31),
            expires_on=datetime.date(2026, 5, 31),
        )
        finished_self_assessment(cast)
        dossier = draft_dossier(cast, documents=[expired])
        self.client.force_login(cast.member)
        response = self.client.get(url("dossier_submit", dossier.pk))
        self.assertIn("77/GCN-ATTP", " ".join(response.context["problems"]))
        # the page that lists what is missing offers no active submit button
        self.assertContains(response, 'type="submit" disabled aria-describedby="submit-blocked"')
        before = database_state()
        response = self.client.post(url("dossier_submit", dossier.pk))
        self.assertEqual(response.status_code, 200)
        text = " ".join(response.context["errors"])
        self.assertIn("The food-safety certificate 77/GCN-ATTP expired on 05/31/2026", text)
        self.assertContains(response, "The dossier was not submitted:")
        self.assertEqual(database_state(), before)

    def test_forwarding_an_incomplete_dossier_shows_the_fields_and_changes_nothing(self):
        dossier = submitted_dossier(self.cast)
        self.client.force_login(self.cast.commune_officer)
        before = database_state()
        data = review_post(has_samples="", local_idea="", local_idea_note="")
        del data["has_samples"]
        response = self.client.post(url("dossier_review", dossier.pk), data)
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertIn("has_samples", errors)
        self.assertIn("local_idea", errors)
        self.assertIn("local_idea_note", errors)
        response = self.client.post(url("dossier_review", dossier.pk), review_post("return"))
        self.assertIn("reason", response.context["form"].errors)
        self.assertEqual(database_state(), before)

    def test_a_page_for_a_step_already_taken_says_so(self):
        dossier = submitted_dossier(self.cast)
        self.client.force_login(self.cast.member)
        before = database_state()
        for name in ("dossier_edit", "dossier_attachments", "dossier_submit", "dossier_withdraw"):
            with self.subTest(name=name):
                response = self.client.post(url(name, dossier.pk), follow=True)
                self.assertRedirects(response, url("dossier_detail", dossier.pk))
                self.assertContains(response, "there is nothing for you to do on it now")
        self.assertEqual(database_state(), before)

    def test_the_producers_e_mail_links_to_the_dossier_page(self):
        finished_self_assessment(self.cast)
        dossier = draft_dossier(self.cast)
        self.client.force_login(self.cast.member)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url("dossier_submit", dossier.pk))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn(url("dossier_detail", dossier.pk), mail.outbox[0].body)

    def test_a_second_open_dossier_for_the_product_is_refused_on_the_form(self):
        draft_dossier(self.cast)
        self.client.force_login(self.cast.member)
        before = database_state()
        response = self.client.post(
            url("dossier_create"), {"product": self.cast.product.pk, "kind": "first_rating"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("already has a dossier in progress", str(response.context["form"].errors))
        self.assertEqual(database_state(), before)

    def test_an_official_cannot_file_a_dossier_for_a_product(self):
        self.client.force_login(self.cast.province_officer)
        response = self.client.get(url("dossier_create"))
        self.assertFalse(response.context["has_products"])
        before = database_state()
        response = self.client.post(
            url("dossier_create"), {"product": self.cast.product.pk, "kind": "first_rating"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("product", response.context["form"].errors)
        self.assertEqual(database_state(), before)

    def test_a_duplicate_round_is_refused_on_the_form(self):
        create_round(
            actor=self.cast.province_officer,
            level="province",
            year=2026,
            number=2,
            province=province("11"),
        )
        self.client.force_login(self.cast.province_officer)
        before = database_state()
        response = self.client.post(
            url("round_create"),
            {
                "level": "province",
                "province": "11",
                "year": "2026",
                "kind": "statutory",
                "number": "2",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("already exists", str(response.context["form"].errors))
        response = self.client.post(
            url("round_create"),
            {"level": "province", "province": "11", "year": "2026", "kind": "extra"},
        )
        self.assertIn("decide_before", response.context["form"].errors)
        self.assertEqual(database_state(), before)

    def test_an_unknown_account_cannot_be_added_to_a_council(self):
        panel = make_panel(organiser=self.cast.province_officer, province=province("11"))
        self.client.force_login(self.cast.province_officer)
        before = database_state()
        response = self.client.post(
            url("councilmember_add", panel.council.pk), {"user": "nobody", "role": "member"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("user", response.context["member_form"].errors)
        response = self.client.post(
            url("councilmember_add", panel.council.pk),
            {"user": UserFactory().username, "role": "chair"},
        )
        self.assertIn("already has a chair", str(response.context["member_form"].errors))
        self.assertEqual(database_state(), before)

    def test_malformed_list_filters_are_ignored(self):
        draft_dossier(self.cast)
        self.client.force_login(self.cast.member)
        response = self.client.get(
            url("dossier_list"), {"status": "nonsense", "kind": "<b>", "page": "x", "q": "Trà"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("status", response.context["filters"].errors)
        response = self.client.get(url("dossier_list"), {"q": "mẫu"}, HTTP_HX_REQUEST="true")
        self.assertNotContains(response, "<html")  # only the results, swapped in by htmx
        self.assertEqual(len(response.context["page"].object_list), 1)
        response = self.client.get(url("result_list"), {"year": "abc", "level": "x"})
        self.assertEqual(response.status_code, 200)
        response = self.client.get(url("round_list"), {"year": "20x6"})
        self.assertEqual(response.status_code, 200)


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class UpgradeAndDecisionPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))

    def test_a_ninety_point_result_goes_to_the_central_round_from_the_decision_page(self):
        dossier = accepted_dossier(self.cast, answers_for_total(95))
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        for user in self.panel.scorers:
            score(dossier, user, answers_for_total(92))
        close_scoring(dossier, actor=self.panel.chair)
        self.client.force_login(self.cast.province_officer)
        response = self.client.get(url("dossier_detail", dossier.pk))
        self.assertContains(response, url("dossier_decide", dossier.pk))
        # Art. 7(3)(e): 90 points or more is approved and sent up; keeping it is no choice.
        page = self.client.get(url("dossier_decide", dossier.pk))
        self.assertContains(page, 'value="approve_for_central"')
        self.assertNotContains(page, 'value="keep_at_province"')
        before = database_state()
        response = self.client.post(
            url("dossier_decide", dossier.pk), {"decision": "keep_at_province", "comment": "x"}
        )
        self.assertIn("decision", response.context["form"].errors)
        self.assertEqual(database_state(), before)
        response = self.client.post(
            url("dossier_decide", dossier.pk), {"decision": "approve_for_central"}
        )
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.SENT_CENTRAL)

    def test_an_upgrade_starts_from_the_rated_dossier(self):
        dossier = accepted_dossier(self.cast)
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        for user in self.panel.scorers:
            score(dossier, user, answers_for_total(75))
        close_scoring(dossier, actor=self.panel.chair)
        recognise(dossier, self.cast.province_officer)
        self.client.force_login(self.cast.member)
        response = self.client.post(
            url("dossier_create"), {"product": self.cast.product.pk, "kind": "upgrade"}
        )
        upgrade = Dossier.objects.exclude(pk=dossier.pk).get()
        self.assertRedirects(response, url("dossier_edit", upgrade.pk))
        self.assertEqual(upgrade.previous, dossier)
        self.assertEqual(upgrade.phone, dossier.phone)
        response = self.client.get(url("dossier_edit", upgrade.pk))
        self.assertEqual(response.context["form"]["representative_position"].value(), "Giám đốc")


@time_machine.travel(NOW, tick=False)
class ServiceHelperTests(TestCase):
    """The read helpers and the one-answer save the pages use."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def test_submission_problems_is_what_submit_would_refuse_and_changes_nothing(self):
        dossier = draft_dossier(self.cast, documents=[])
        before = database_state()
        with self.settings(LANGUAGE_CODE="en"):
            problems = submission_problems(dossier)
        self.assertEqual(database_state(), before)
        self.assertEqual(len(problems), 2)  # no self-assessment, no food-safety certificate
        finished_self_assessment(self.cast)
        set_attachments(dossier, actor=self.cast.member, documents=[self.cast.food_safety])
        self.assertEqual(submission_problems(dossier), [])
        self.assertEqual(
            newest_finished_self_assessment(self.cast.product.pk),
            SelfAssessment.objects.get(product=self.cast.product),
        )

    def test_save_score_answer_keeps_the_other_answers_and_refuses_unknown_criteria(self):
        panel = make_panel(organiser=self.cast.province_officer, province=province("11"))
        other = another_product(self.cast)
        dossier = accepted_dossier(other)
        assign_dossier_to_round(dossier, panel.round, actor=self.cast.province_officer)
        member = panel.scorers[2]
        declare_conflict(dossier, actor=member, has_conflict=False)
        save_score_answer(dossier, actor=member, code="1.1", option=3)
        sheet = save_score_answer(dossier, actor=member, code="4.1", option=4)
        self.assertEqual(sheet.answers, {"1.1": 3, "4.1": 4})
        self.assertEqual(sheet.total, 8)
        before = database_state()
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            save_score_answer(dossier, actor=member, code="9.9", option=1)
        with self.assertRaises(ValidationError):
            save_score_answer(dossier, actor=member, code="1.1", option=99)
        self.assertEqual(database_state(), before)


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class OtherStepsThroughThePagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.panel = make_panel(organiser=cls.cast.province_officer, province=province("11"))

    def test_the_advisory_team_records_a_visit_and_a_lab_test_the_producer_does_not_see(self):
        dossier = accepted_dossier(self.cast)
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        self.client.force_login(self.panel.adviser)
        response = self.client.post(
            url("sitevisit_create", dossier.pk),
            {"visited_on": "2026-07-01", "findings": "Cơ sở sạch (dữ liệu mẫu)."},
        )
        self.assertIn("visited_on", response.context["form"].errors)  # in the future
        response = self.client.post(
            url("sitevisit_create", dossier.pk),
            {"visited_on": "2026-05-30", "findings": "Cơ sở sạch (dữ liệu mẫu)."},
        )
        self.assertContains(response, "before the dossier was submitted")
        self.assertFalse(dossier.site_visits.exists())
        response = self.client.post(
            url("sitevisit_create", dossier.pk),
            {"visited_on": "2026-06-01", "findings": "Cơ sở sạch (dữ liệu mẫu)."},
        )
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        response = self.client.post(
            url("labtest_create", dossier.pk),
            {"laboratory": "Trung tâm kiểm nghiệm Điện Biên", "tests": "Dư lượng thuốc BVTV"},
        )
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        order = dossier.lab_tests.get()
        response = self.client.get(url("labtest_result", order.pk))
        self.assertEqual(
            list(response.context["form"].fields["document"].queryset), [self.cast.food_safety]
        )
        response = self.client.post(
            url("labtest_result", order.pk),
            {"summary": "Đạt", "document": self.cast.food_safety.pk},
        )
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        order.refresh_from_db()
        self.assertEqual((order.status, order.result_document), ("reported", self.cast.food_safety))
        self.client.force_login(self.cast.province_officer)
        response = self.client.get(url("dossier_detail", dossier.pk))
        self.assertContains(response, "Cơ sở sạch (dữ liệu mẫu).")
        self.assertContains(response, "Trung tâm kiểm nghiệm Điện Biên")
        self.client.force_login(self.cast.member)
        response = self.client.get(url("dossier_detail", dossier.pk))
        self.assertNotContains(response, "Cơ sở sạch (dữ liệu mẫu).")
        self.assertNotContains(response, "Trung tâm kiểm nghiệm Điện Biên")

    def test_the_province_returns_a_dossier_and_the_producer_reads_why(self):
        dossier = accepted_dossier(self.cast)
        self.client.force_login(self.cast.province_officer)
        before = database_state()
        response = self.client.post(url("dossier_return", dossier.pk), {"comment": " "})
        self.assertIn("comment", response.context["return_form"].errors)
        self.assertEqual(database_state(), before)
        response = self.client.post(
            url("dossier_return", dossier.pk), {"comment": "Bổ sung phiếu kiểm nghiệm."}
        )
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        self.client.force_login(self.cast.member)
        response = self.client.get(url("dossier_detail", dossier.pk))
        self.assertContains(response, "Bổ sung phiếu kiểm nghiệm.")
        self.assertIn("producer", response.context["roles"])
        response = self.client.post(url("dossier_withdraw", dossier.pk), {"comment": "Chưa kịp."})
        self.assertRedirects(response, url("dossier_detail", dossier.pk))
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.WITHDRAWN)

    def test_the_office_edits_the_council_and_closes_the_round(self):
        council = self.panel.council
        self.client.force_login(self.cast.province_officer)
        response = self.client.post(
            url("council_edit", council.pk),
            {
                "name": "Hội đồng OCOP tỉnh",
                "establishing_decision": "123/QĐ-UBND",
                "quorum_percent": "80",
                "spread_limit": "8",
            },
        )
        self.assertRedirects(response, url("council_edit", council.pk))
        council.refresh_from_db()
        self.assertEqual((council.quorum_percent, str(council.spread_limit)), (80, "8.00"))
        response = self.client.post(
            url("council_edit", council.pk),
            {"name": "x", "quorum_percent": "0", "spread_limit": "8"},
        )
        self.assertIn("quorum_percent", response.context["form"].errors)
        seat = council.members.get(user=self.panel.adviser)
        response = self.client.post(url("councilmember_remove", council.pk, seat.pk))
        self.assertRedirects(response, url("council_edit", council.pk))
        self.assertFalse(council.members.filter(pk=seat.pk).exists())
        dossier = accepted_dossier(self.cast)
        self.client.post(url("dossier_assign", dossier.pk), {"round": self.panel.round.pk})
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, S.IN_ROUND)
        before = database_state()
        response = self.client.post(url("round_close", self.panel.round.pk), follow=True)
        self.assertContains(response, "still being scored")
        self.assertEqual(database_state(), before)
        for user in self.panel.scorers:
            score(dossier, user, answers_for_total(80))
        close_scoring(dossier, actor=self.panel.chair)
        response = self.client.post(url("round_close", self.panel.round.pk))
        self.assertRedirects(response, url("round_detail", self.panel.round.pk))
        self.panel.round.refresh_from_db()
        self.assertFalse(self.panel.round.is_open)

    def test_the_member_confirms_before_submitting_a_sheet(self):
        dossier = accepted_dossier(self.cast)
        assign_dossier_to_round(dossier, self.panel.round, actor=self.cast.province_officer)
        member = self.panel.scorers[2]
        answers = answers_for_total(80)
        del answers["1.1"]
        score(dossier, member, answers, submit=False)
        self.client.force_login(member)
        response = self.client.get(url("scoresheet_submit", dossier.pk))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["unanswered"], 1)
        self.assertContains(response, "1 criterion is not answered: it scores 0.")
        self.assertEqual(ScoreSheet.objects.get(member__user=member).status, "draft")


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class CommuneInboxTests(TestCase):
    def test_the_inbox_shows_deadlines_oldest_first_and_flags_overdue_dossiers(self):
        cast = make_cast()
        late = dossier_row(cast.product, commune_deadline=datetime.date(2026, 5, 29))
        on_time = dossier_row(commune_deadline=datetime.date(2026, 6, 22))
        dossier_row(status="forwarded")  # already forwarded: not in the inbox
        self.client.force_login(cast.commune_officer)
        response = self.client.get(url("dossier_list"), {"waiting": "on"})
        self.assertEqual(list(response.context["page"].object_list), [late, on_time])
        self.assertContains(response, 'class="row-expired"', count=1)
        self.assertContains(response, "Overdue:")
        response = self.client.get(url("dossier_list"), {"overdue": "on"})
        self.assertEqual(list(response.context["page"].object_list), [late])
