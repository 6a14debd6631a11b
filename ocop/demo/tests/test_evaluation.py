"""The evaluation chain of the demo: one dossier at each stage, the council and its result,
built through the services on the day the seed runs, and left alone by later runs."""

import datetime
import re
import zoneinfo
from io import StringIO

import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from ocop.accounts.models import Membership, User
from ocop.core.audit import verify_chain
from ocop.core.deadlines import commune_review_deadline, next_province_round
from ocop.core.models import AuditEvent
from ocop.core.uploads import check_document
from ocop.demo.documents import SAMPLE_PDF
from ocop.demo.evaluation import answers_for, demo_dossier
from ocop.demo.seed import DEMO_PASSWORD, SeedError, read_data, seed
from ocop.evaluations.models import (
    CommuneReview,
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilResult,
    Dossier,
    DossierAttachment,
    ReceiptCounter,
    Round,
    RoundDossier,
    ScoreSheet,
    SiteVisit,
)
from ocop.evaluations.services.dossiers import submission_problems
from ocop.evaluations.services.results import close_scoring, scoring_status
from ocop.evaluations.services.review import review_dossier
from ocop.evaluations.services.rounds import create_council, create_round
from ocop.evaluations.services.scoring import declare_conflict, save_score_sheet, submit_score_sheet
from ocop.producers.choices import DocumentKind
from ocop.producers.models import ProducerDocument
from ocop.products.models import Product
from ocop.rubric.engine import score_sheet
from ocop.rubric.loading import engine_sheet
from ocop.rubric.models import SelfAssessment

from .base import FilesInTemporaryFolder

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
S = Dossier.Status

CLOSED = "Gạo nếp Tan Thanh Xương (mẫu)"
IN_ROUND = "Gạo lứt đỏ Mường Thanh (mẫu)"
FORWARDED = "Su su Noong Bua (mẫu)"
SUBMITTED = "Mật ong bạc hà Mường Báng (mẫu)"
DRAFT = "Trà xanh Shan tuyết cổ thụ Tủa Chùa"  # a real product of Hương Linh
SELF_ASSESSMENT_DRAFT = "Trà xanh Shan tuyết Sính Phình"  # real too
STATUSES = {
    CLOSED: S.PROPOSED,
    IN_ROUND: S.IN_ROUND,
    FORWARDED: S.FORWARDED,
    SUBMITTED: S.SUBMITTED,
    DRAFT: S.DRAFT,
}
SEATS = {
    "chutich": CouncilMember.Role.CHAIR,
    "thuky": CouncilMember.Role.SECRETARY,
    "hoidong1": CouncilMember.Role.MEMBER,
    "hoidong2": CouncilMember.Role.MEMBER,
    "hoidong3": CouncilMember.Role.MEMBER,
    "tuvan": CouncilMember.Role.ADVISER,
}
WORKFLOW_MODELS = [
    Round,
    Council,
    CouncilMember,
    Dossier,
    DossierAttachment,
    ReceiptCounter,
    CommuneReview,
    RoundDossier,
    ConflictDeclaration,
    SiteVisit,
    ScoreSheet,
    CouncilResult,
    SelfAssessment,
    ProducerDocument,
    AuditEvent,
    User,
    Membership,
]


def snapshot():
    """Counts of every row the evaluation part writes, and the columns a needless change or
    a walked-on dossier would move."""
    return {
        "counts": {model.__name__: model.objects.count() for model in WORKFLOW_MODELS},
        "dossiers": list(
            Dossier.objects.order_by("pk").values_list(
                "pk", "status", "receipt_number", "proposed_star", "updated_at"
            )
        ),
        "sheets": list(
            ScoreSheet.objects.order_by("pk").values_list("pk", "status", "total", "updated_at")
        ),
        "assessments": list(
            SelfAssessment.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "councils": list(Council.objects.order_by("pk").values_list("pk", "name", "updated_at")),
        "documents": list(
            ProducerDocument.objects.order_by("pk").values_list("pk", "number", "updated_at")
        ),
        "users": list(User.objects.order_by("pk").values()),
    }


def by_product():
    return {dossier.product.name: dossier for dossier in Dossier.objects.select_related("product")}


def user(username):
    return User.objects.get(username=username)


class EvaluationDemoTests(FilesInTemporaryFolder, TestCase):
    """The demo seeded today, as `make run` does."""

    @classmethod
    def setUpTestData(cls):
        cls.data = read_data()
        cls.report = seed(cls.data)
        cls.rows = {row["product"]: row for row in cls.data["evaluation"]["dossiers"]}

    def test_the_first_run_builds_every_part_without_a_note(self):
        self.assertEqual(self.report.notes, [])
        self.assertEqual(self.report.created["evaluations.Dossier"], 5)
        self.assertEqual(self.report.created["evaluations.Council"], 1)
        self.assertEqual(self.report.created["evaluations.CouncilMember"], 6)
        self.assertEqual(self.report.created["producers.ProducerDocument"], 4)

    def test_each_demo_dossier_is_at_its_stage_and_was_filed_by_its_demo_account(self):
        dossiers = by_product()
        self.assertEqual({name: d.status for name, d in dossiers.items()}, STATUSES)
        for name, dossier in dossiers.items():
            member = user(self.rows[name]["member"])
            self.assertEqual(demo_dossier(dossier.product, member), dossier)
            # Art. 6(1): a first rating of a new product; an upgrade of a certified one.
            self.assertEqual(dossier.kind, self.rows[name].get("kind", Dossier.Kind.FIRST_RATING))

    def test_filed_dossiers_carry_consecutive_receipt_numbers_and_the_communes_deadline(self):
        dossiers = by_product()
        year = dossiers[CLOSED].received_on.year
        # Filed in this order in Phường Mường Thanh; the honey in Xã Tủa Chùa.
        self.assertEqual(
            [dossiers[name].receipt_number for name in (CLOSED, IN_ROUND, FORWARDED, SUBMITTED)],
            [
                f"001/PĐK-11-03334-{year}",
                f"002/PĐK-11-03334-{year}",
                f"003/PĐK-11-03334-{year}",
                f"001/PĐK-11-03217-{year}",
            ],
        )
        for name in (CLOSED, IN_ROUND, FORWARDED, SUBMITTED):
            dossier = dossiers[name]
            self.assertEqual(
                dossier.commune_deadline, commune_review_deadline(dossier.received_on), name
            )
        self.assertEqual(dossiers[SUBMITTED].commune_id, "03217")  # waits for `tuachua`
        self.assertEqual((dossiers[DRAFT].receipt_number, dossiers[DRAFT].submitted_at), ("", None))

    def test_every_dossier_has_a_finished_self_assessment_and_a_valid_food_safety_certificate(
        self,
    ):
        today = timezone.localdate()
        for name, dossier in by_product().items():
            total = self.rows[name]["self_assessment"]
            finished = SelfAssessment.objects.get(
                product=dossier.product, status=SelfAssessment.Status.FINISHED
            )
            self.assertEqual(finished.total, total, name)
            if dossier.status != S.DRAFT:
                self.assertEqual(dossier.self_assessment, finished)
                self.assertEqual(dossier.self_assessment_total, total)
            (attachment,) = dossier.attachment_rows.select_related("document")
            document = attachment.document
            self.assertEqual(document.kind, DocumentKind.FOOD_SAFETY, name)
            self.assertEqual(document.producer, dossier.producer)
            self.assertLessEqual(document.issued_on, dossier.received_on or today)
            self.assertGreaterEqual(document.expires_on, today)
            self.assertIn("(mẫu)", document.number)
            with document.file.open("rb") as stored:
                content = stored.read()
            self.assertEqual(content, SAMPLE_PDF)
            check_document(ContentFile(content))  # accepted by the upload check
        self.assertEqual(submission_problems(by_product()[SUBMITTED]), [])

    def test_the_self_assessment_draft_is_half_answered_by_huong_linh(self):
        (draft,) = SelfAssessment.objects.filter(product__name=SELF_ASSESSMENT_DRAFT)
        self.assertEqual(draft.status, SelfAssessment.Status.DRAFT)
        self.assertEqual(draft.created_by, user("huonglinh"))
        sheet = draft.engine_sheet()
        parts = {sheet.criteria[code].part for code in draft.answers}
        self.assertEqual(parts, {"A"})
        self.assertLess(len(draft.answers), len(sheet.criteria))

    def test_the_council_sits_in_the_next_provincial_round_with_the_demo_seats(self):
        council = Council.objects.select_related("round").get()
        round_ = council.round
        window = next_province_round(by_product()[IN_ROUND].forwarded_on)
        self.assertEqual(
            (round_.level, round_.province_id, round_.kind, round_.year, round_.number),
            (Round.Level.PROVINCE, "11", Round.Kind.STATUTORY, window.year, window.number),
        )
        self.assertEqual(
            (round_.forward_before, round_.decide_before),
            (window.forward_before, window.decide_before),
        )
        self.assertTrue(round_.is_open)
        self.assertEqual(round_.created_by, user("dienbien"))
        self.assertIn("(mẫu)", council.name)
        self.assertIn("(mẫu)", round_.name)
        seats = {seat.user.username: seat.role for seat in council.members.select_related("user")}
        self.assertEqual(seats, SEATS)
        for seat in council.members.select_related("user"):
            self.assertIn("(mẫu)", seat.organisation)
            self.assertIn("(tài khoản demo)", seat.user.full_name)
        self.assertEqual(
            set(RoundDossier.objects.values_list("dossier__product__name", flat=True)),
            {CLOSED, IN_ROUND},
        )

    def test_the_chair_sees_no_quorum_yet_and_closes_once_the_others_have_scored(self):
        dossier = by_product()[IN_ROUND]
        chair, hoidong2 = user("chutich"), user("hoidong2")
        status = scoring_status(dossier, actor=chair)
        sheets = {row.member.user.username: row.sheet_status for row in status.members}
        self.assertEqual(
            sheets,
            {"chutich": "", "thuky": "submitted", "hoidong1": "submitted", "hoidong2": "draft"}
            | {"hoidong3": ""},
        )
        self.assertEqual((status.submitted, status.required), (2, 4))
        self.assertFalse(status.chair_submitted or status.quorum_met)
        with self.assertRaises(ValidationError) as refused:
            close_scoring(dossier, actor=chair)
        self.assertEqual(refused.exception.error_list[0].code, "chair_sheet_missing")

        # The walk the demo is for: the chair scores, hoidong2 submits the draft, the chair
        # closes.
        sheet = engine_sheet(dossier.rubric_version.slug, dossier.sheet_number)
        declare_conflict(dossier, actor=chair, has_conflict=False)
        own = save_score_sheet(dossier, actor=chair, answers=answers_for(sheet, 65, salt="chutich"))
        submit_score_sheet(own, actor=chair)
        draft = ScoreSheet.objects.get(dossier=dossier, member__user=hoidong2)
        submit_score_sheet(draft, actor=hoidong2)
        self.assertTrue(scoring_status(dossier, actor=chair).quorum_met)
        result = close_scoring(dossier, actor=chair)

        dossier.refresh_from_db()
        self.assertEqual((result.members_counted, result.star), (4, 3))
        self.assertEqual((dossier.status, dossier.proposed_star), (S.PROPOSED, 3))
        self.assertEqual(verify_chain(), [])

    def test_the_closed_dossier_is_proposed_at_four_stars_on_the_councils_result(self):
        dossier = by_product()[CLOSED]
        result = CouncilResult.objects.get(dossier=dossier)
        totals = self.rows[CLOSED]["sheets"].values()
        self.assertEqual(result.star, 4)
        self.assertEqual(result.outcome, CouncilResult.Outcome.PROPOSED)
        self.assertEqual(float(result.mean_total), sum(totals) / len(totals))
        self.assertEqual(float(result.spread), max(totals) - min(totals))
        self.assertEqual((result.members_counted, result.scoring_members), (5, 5))
        self.assertEqual(result.closed_by, user("chutich"))
        self.assertEqual(sorted(result.member_totals), sorted(float(t) for t in totals))
        self.assertEqual((dossier.proposed_star, dossier.decisive_result), (4, result))

    def test_sheets_score_the_totals_of_the_data_file_with_the_engine(self):
        for name in (CLOSED, IN_ROUND):
            row = self.rows[name]
            wanted = {**row.get("sheets", {}), **row.get("draft_sheets", {})}
            sheets = ScoreSheet.objects.filter(dossier__product__name=name).select_related(
                "member__user", "dossier__rubric_version"
            )
            found = {}
            for scored in sheets:
                engine = engine_sheet(scored.dossier.rubric_version.slug, scored.sheet_number)
                self.assertEqual(score_sheet(engine, scored.answers).total, float(scored.total))
                found[scored.member.user.username] = int(scored.total)
            self.assertEqual(found, wanted, name)

    def test_the_adviser_recorded_a_site_visit_on_the_dossier_being_scored(self):
        (visit,) = SiteVisit.objects.select_related("dossier__product", "recorded_by")
        self.assertEqual(visit.dossier.product.name, IN_ROUND)
        self.assertEqual(visit.recorded_by, user("tuvan"))

    def test_each_demo_login_finds_its_own_work_waiting(self):
        waiting = {
            "tuachua": {SUBMITTED},
            "dienbien": {FORWARDED},
            "chutich": {IN_ROUND},
            "huonglinh": {DRAFT},
            "muongthanh": set(),
            "htxmau": set(),
            "laichau": set(),
        }
        for username, names in waiting.items():
            found = Dossier.objects.editable_by(user(username)).values_list(
                "product__name", flat=True
            )
            self.assertEqual(set(found), names, username)
        visible = {
            "huonglinh": {DRAFT},
            "htxmau": {CLOSED, IN_ROUND},
            "htxrau": {FORWARDED},
            "htxong": {SUBMITTED},
            "hoidong3": {CLOSED, IN_ROUND},
            "laichau": set(),
        }
        for username, names in visible.items():
            found = Dossier.objects.visible_to(user(username)).values_list(
                "product__name", flat=True
            )
            self.assertEqual(set(found), names, username)

    def test_the_audit_chain_verifies_and_holds_every_step(self):
        out = StringIO()
        call_command("verify_audit_chain", stdout=out)
        self.assertIn("Audit chain intact", out.getvalue())
        actions = list(AuditEvent.objects.values_list("action", flat=True))
        self.assertEqual(actions.count("dossier.submitted"), 4)
        self.assertEqual(actions.count("dossier.forwarded"), 3)
        self.assertEqual(actions.count("dossier.scoring_closed"), 1)
        self.assertEqual(actions.count("score_sheet.submitted"), 7)
        self.assertEqual(actions.count("producer.document_added"), 4)
        self.assertEqual(actions.count("rubric.self_assessment_finished"), 5)

    def test_demo_dossiers_are_on_sample_products_except_huong_linhs_draft(self):
        flagged = {
            product["name"]: product["is_sample"]
            for producer in self.data["producers"]
            for product in producer["products"]
        }
        real = set()
        for name, dossier in by_product().items():
            product = Product.objects.select_related("producer").get(pk=dossier.product_id)
            self.assertEqual(product.is_sample, flagged[name], name)
            self.assertEqual(product.producer.is_sample, product.is_sample, name)
            if product.is_sample:
                self.assertIn("(mẫu)", name)
            else:
                real.add(name)
        self.assertEqual(real, {DRAFT})
        self.assertEqual(by_product()[DRAFT].status, S.DRAFT)
        self.assertEqual(by_product()[DRAFT].producer.name, "Công ty TNHH MTV Hương Linh")

    def test_running_again_changes_nothing(self):
        before = snapshot()
        report = seed(self.data)
        self.assertFalse(report.changed_anything, list(report.lines()))
        self.assertEqual(report.notes, [])
        self.assertEqual(report.unchanged["evaluations.Dossier"], 5)
        self.assertEqual(snapshot(), before)

    def test_running_again_on_a_later_day_changes_nothing(self):
        before = snapshot()
        later = timezone.now() + datetime.timedelta(days=400)
        with time_machine.travel(later, tick=False):
            report = seed(self.data)
        self.assertFalse(report.changed_anything, list(report.lines()))
        self.assertEqual(report.notes, [])
        self.assertEqual(snapshot(), before)

    def test_a_dossier_walked_on_in_the_pages_is_left_where_it_is(self):
        honey = by_product()[SUBMITTED]
        review_dossier(
            honey,
            actor=user("tuachua"),
            decision=CommuneReview.Decision.RETURN,
            reason="Bổ sung nhãn sản phẩm (mẫu).",
        )
        before = snapshot()
        report = seed(self.data)
        self.assertFalse(report.changed_anything)
        self.assertEqual(snapshot(), before)
        honey.refresh_from_db()
        self.assertEqual(honey.status, S.RETURNED)


class SeedOnAnyDayTests(FilesInTemporaryFolder, TestCase):
    """`make run` may run on any day: the round follows the day, and what cannot be built on
    that day is skipped with a note, never half built."""

    def seed_on(self, year, month, day):
        with time_machine.travel(datetime.datetime(year, month, day, 9, 0, tzinfo=VN), tick=False):
            return seed()

    def round_of_the_council(self):
        return Council.objects.select_related("round").get().round

    def test_before_30_october_the_council_sits_in_round_2_of_that_year(self):
        report = self.seed_on(2026, 6, 15)
        round_ = self.round_of_the_council()
        self.assertEqual((round_.year, round_.number), (2026, 2))
        self.assertEqual(round_.forward_before, datetime.date(2026, 10, 30))
        self.assertEqual(round_.decide_before, datetime.date(2026, 12, 30))
        self.assertEqual(report.notes, [])
        self.assertEqual({name: d.status for name, d in by_product().items()}, STATUSES)

    def test_after_30_october_the_council_sits_in_round_1_of_the_next_year(self):
        report = self.seed_on(2026, 11, 28)
        round_ = self.round_of_the_council()
        self.assertEqual((round_.year, round_.number), (2027, 1))
        self.assertEqual(round_.name, "Đợt 1 năm 2027 (mẫu)")
        self.assertEqual(report.notes, [])
        self.assertEqual({name: d.status for name, d in by_product().items()}, STATUSES)
        self.assertEqual(by_product()[CLOSED].receipt_number, "001/PĐK-11-03334-2026")

    def test_a_round_the_province_already_opened_is_used(self):
        window = next_province_round(datetime.date(2026, 11, 28))
        with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=VN), tick=False):
            seed({**read_data(), "evaluation": None})  # the accounts only
            opened = create_round(
                actor=user("dienbien"),
                level=Round.Level.PROVINCE,
                province=Membership.objects.get(user__username="dienbien").province,
                year=window.year,
                number=window.number,
            )
        report = self.seed_on(2026, 11, 28)
        self.assertEqual(self.round_of_the_council(), opened)
        self.assertEqual(Round.objects.count(), 1)
        self.assertEqual(report.notes, [])

    def test_a_round_with_another_council_skips_the_council_stages_with_a_note(self):
        window = next_province_round(datetime.date(2026, 11, 28))
        with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=VN), tick=False):
            seed({**read_data(), "evaluation": None})
            dienbien = user("dienbien")
            opened = create_round(
                actor=dienbien,
                level=Round.Level.PROVINCE,
                province=Membership.objects.get(user=dienbien).province,
                year=window.year,
                number=window.number,
            )
            create_council(opened, actor=dienbien, data={"name": "Hội đồng khác"})
        report = self.seed_on(2026, 11, 28)
        self.assertEqual(len(report.notes), 3, report.notes)  # the council and two dossiers
        self.assertTrue(report.notes[0].startswith("the council: skipped"))
        self.assertEqual(set(by_product()), {FORWARDED, SUBMITTED, DRAFT})
        self.assertFalse(CouncilMember.objects.exists())
        self.assertEqual(verify_chain(), [])

    def test_before_the_rubric_is_in_force_dossiers_are_skipped_and_nothing_is_half_built(self):
        report = self.seed_on(2026, 3, 2)  # 26/2026 is in force from 22 May 2026
        self.assertEqual(len(report.notes), 6, report.notes)  # 5 dossiers, 1 self-assessment
        self.assertFalse(Dossier.objects.exists())
        self.assertFalse(SelfAssessment.objects.exists())
        self.assertEqual(CouncilMember.objects.count(), 6)  # a council needs no rubric
        self.assertEqual(verify_chain(), [])
        # A later run, once the rubric is in force, builds what was skipped.
        report = self.seed_on(2026, 6, 1)
        self.assertEqual(report.notes, [])
        self.assertEqual({name: d.status for name, d in by_product().items()}, STATUSES)


class DemoLoginPagesTests(FilesInTemporaryFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = read_data()
        seed(cls.data)

    def expected_roles(self, account):
        """The lines of the start page's "Your roles" list for this account."""
        with translation.override("vi"):
            lines = [str(membership) for membership in Membership.objects.filter(user=account)]
            lines += [
                f"{seat.get_role_display()} — {seat.council}"
                for seat in CouncilMember.objects.filter(user=account).select_related("council")
            ]
            lines += [
                f"{translation.gettext('Producer member')} — "
                for _ in account.producer_memberships.all()
            ]
            lines += [pm.producer.name for pm in account.producer_memberships.all()]
            if account.is_superuser:
                lines.append(translation.gettext("System administrator (all provinces)"))
        return lines

    def test_every_demo_account_logs_in_and_its_start_page_names_its_role(self):
        for row in self.data["users"]:
            account = user(row["username"])
            self.assertTrue(
                self.client.login(username=account.username, password=DEMO_PASSWORD),
                account.username,
            )
            response = self.client.get(reverse("accounts:home"))
            self.assertEqual(response.status_code, 200, account.username)
            html = re.sub(r"<[^>]+>", "", response.content.decode())
            expected = self.expected_roles(account)
            self.assertTrue(expected, account.username)
            for line in expected:
                self.assertIn(line, html, account.username)
            self.client.logout()

    def test_the_council_pages_of_the_walk_open_for_their_people(self):
        dossiers = by_product()
        in_round, closed = dossiers[IN_ROUND], dossiers[CLOSED]
        pages = [
            ("chutich", "evaluations:dossier_scoring", in_round.pk),
            ("hoidong2", "evaluations:scoresheet_detail", in_round.pk),
            ("hoidong3", "evaluations:dossier_detail", in_round.pk),
            ("tuvan", "evaluations:dossier_detail", in_round.pk),
            ("dienbien", "evaluations:dossier_scoring", in_round.pk),
            ("htxmau", "evaluations:dossier_detail", closed.pk),
            ("tuachua", "evaluations:dossier_detail", dossiers[SUBMITTED].pk),
            ("huonglinh", "evaluations:dossier_submit", dossiers[DRAFT].pk),
        ]
        for username, name, pk in pages:
            self.client.force_login(user(username))
            response = self.client.get(reverse(name, args=[pk]))
            self.assertEqual(response.status_code, 200, (username, name))
        self.client.force_login(user("laichau"))
        for dossier in dossiers.values():
            response = self.client.get(reverse("evaluations:dossier_detail", args=[dossier.pk]))
            self.assertEqual(response.status_code, 404)


class EvaluationDataCheckTests(TestCase):
    """A data file whose evaluation block does not fit is refused before anything is written."""

    def assert_refused(self, data, message):
        with self.assertRaisesMessage(SeedError, message):
            seed(data)
        self.assertFalse(User.objects.exists())
        self.assertFalse(Dossier.objects.exists())
        self.assertFalse(AuditEvent.objects.exists())

    def test_a_dossier_filed_by_someone_outside_the_producer_is_refused(self):
        data = read_data()
        data["evaluation"]["dossiers"][0]["member"] = "huonglinh"
        self.assert_refused(data, "huonglinh is not a member of HTX Lúa gạo Thanh Xương (mẫu)")

    def test_a_sheet_by_an_adviser_is_refused(self):
        data = read_data()
        data["evaluation"]["dossiers"][0]["sheets"]["tuvan"] = 75
        self.assert_refused(data, "tuvan has no scoring seat in the council")

    def test_closing_without_the_chairs_sheet_is_refused(self):
        data = read_data()
        del data["evaluation"]["dossiers"][0]["sheets"]["chutich"]
        self.assert_refused(data, "the chair must submit a sheet before closing")

    def test_a_review_by_an_officer_of_another_commune_is_refused(self):
        data = read_data()
        data["evaluation"]["dossiers"][0]["commune_officer"] = "tuachua"
        self.assert_refused(data, "no commune officer of the producer's commune")


class SampleDocumentTests(SimpleTestCase):
    def test_the_sample_pdf_cross_reference_table_points_at_each_object(self):
        pdf = SAMPLE_PDF
        self.assertTrue(pdf.startswith(b"%PDF-1.4\n"))
        start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
        self.assertTrue(pdf[start:].startswith(b"xref\n0 6\n0000000000 65535 f \n"))
        offsets = re.findall(rb"(\d{10}) 00000 n \n", pdf[start:])
        self.assertEqual(len(offsets), 5)
        for number, offset in enumerate(offsets, start=1):
            self.assertTrue(pdf[int(offset) :].startswith(b"%d 0 obj\n" % number), number)
        length = int(re.search(rb"/Length (\d+)", pdf).group(1))
        stream = pdf[pdf.index(b"stream\n") + 7 :]
        self.assertEqual(stream[length:].lstrip(b"\n")[:9], b"endstream")
        self.assertIn(b"(SAMPLE DOCUMENT - DEMO DATA ONLY)", pdf)
