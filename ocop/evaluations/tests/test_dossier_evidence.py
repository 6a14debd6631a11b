"""The evidence a council scores from, reached through the dossier: the attached documents and
the self-assessment frozen at submission. Anyone who may see the dossier (its producer, the
officials of its territory, the council and advisers of its round) opens them; nobody else
does, and no other document of the producer's locker is served through the dossier.

The cast: a Mường Ảng tea producer (Điện Biên) whose dossier is being scored in a provincial
round, the council of that round, the council of another Điện Biên round and of a Lai Châu
round, a member of another producer and the officials of other territories."""

import time_machine
from django.core.files.base import ContentFile
from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import UserFactory
from ocop.producers.choices import DocumentKind
from ocop.producers.tests.factories import (
    MINIMAL_PDF,
    ProducerDocumentFactory,
    ProducerFactory,
    producer_member,
)
from ocop.products.models import Product
from ocop.regions.tests.factories import commune, province
from ocop.rubric.tests.factories import self_assessment

from ..models import DossierAttachment, Round
from ..services.rounds import (
    add_council_member,
    assign_dossier_to_round,
    create_council,
    create_round,
)
from ..services.scoring import declare_conflict
from .factories import (
    NOW,
    TODAY,
    accepted_dossier,
    another_product,
    answers_for_total,
    database_state,
    draft_dossier,
    make_cast,
    make_panel,
)

OUTSIDERS = (
    "other_round_member",
    "other_province_member",
    "other_producer_member",
    "other_commune",
    "other_province",
    "outsider",
)


def url(name, *args):
    return reverse(f"evaluations:{name}", args=args)


def council_of_new_round(*, organiser, province_code, **round_fields):
    """A round with a council of one member; the member."""
    round_ = create_round(
        actor=organiser,
        level=Round.Level.PROVINCE,
        province=province(province_code),
        **round_fields,
    )
    council = create_council(round_, actor=organiser, data={"name": "Hội đồng khác"})
    member = UserFactory()
    add_council_member(council, actor=organiser, user=member, role="chair")
    return member


@time_machine.travel(NOW, tick=False)
class DossierEvidenceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cast = make_cast()
        Product.objects.filter(pk=cast.product.pk).update(
            description="Trà xanh từ búp chè Shan tuyết cổ thụ (dữ liệu mẫu).",
            story="Người H'Mông hái chè trên núi cao (dữ liệu mẫu).",
            unit="hộp",
            packaging="Hộp giấy 200 g",
            standards="TCCS 01:2025",
        )
        office = cast.province_officer
        cls.cast = cast
        cls.panel = make_panel(organiser=office, province=province("11"))
        cls.dossier = accepted_dossier(cast, answers_for_total(80))
        assign_dossier_to_round(cls.dossier, cls.panel.round, actor=office)
        cls.attached = cast.food_safety
        # A document of the same producer that is not part of the dossier.
        cls.unattached = ProducerDocumentFactory(
            producer=cast.producer, kind=DocumentKind.BUSINESS_REGISTRATION
        )
        # The producer fills in a new self-assessment after filing: the dossier keeps the old.
        self_assessment(
            cast.product, answers=answers_for_total(40), finished=True, actor=cast.member
        )
        cls.draft = draft_dossier(another_product(cast))
        cls.users = {
            "member": cast.member,
            "province": office,
            "commune": cast.commune_officer,
            "central": cast.central_officer,
            "chair": cls.panel.chair,
            "secretary": cls.panel.scorers[1],
            "council_member": cls.panel.scorers[2],
            "adviser": cls.panel.adviser,
            "other_round_member": council_of_new_round(
                organiser=office,
                province_code="11",
                year=2026,
                kind=Round.Kind.EXTRA,
                name="Đợt bổ sung",
                decide_before=TODAY.replace(month=9),
            ),
            "other_province_member": council_of_new_round(
                organiser=cast.other_province_officer, province_code="12", year=2026, number=2
            ),
            "other_producer_member": producer_member(ProducerFactory(commune=commune("03256"))),
            "other_commune": cast.other_commune_officer,
            "other_province": cast.other_province_officer,
            "outsider": cast.outsider,
        }

    def setUp(self):
        # Uploads go to a temporary folder per test: store the documents' files there.
        for document in (self.attached, self.unattached):
            stored = document.file.storage.save(document.file.name, ContentFile(MINIMAL_PDF))
            self.assertEqual(stored, document.file.name)

    def login(self, role):
        self.client.force_login(self.users[role])

    # Downloading the attached documents

    def test_council_members_and_the_adviser_download_an_attached_document(self):
        path = url("dossier_document", self.dossier.pk, self.attached.pk)
        before = database_state()
        for role in ("chair", "secretary", "council_member", "adviser", "member", "province"):
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(b"".join(response.streaming_content), MINIMAL_PDF)
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertEqual(
                    response["Content-Disposition"],
                    f'attachment; filename="{self.attached.download_name}"',
                )
                self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(database_state(), before)

    def test_a_document_of_the_producer_not_attached_to_the_dossier_is_404(self):
        path = url("dossier_document", self.dossier.pk, self.unattached.pk)
        before = database_state()
        for role in ("chair", "adviser", "member", "province", "central"):
            with self.subTest(role=role):
                self.login(role)
                self.assertEqual(self.client.get(path).status_code, 404)
        self.assertEqual(database_state(), before)

    def test_a_document_attached_to_another_dossier_is_404_through_this_one(self):
        other_document = ProducerDocumentFactory(producer=self.cast.producer)
        DossierAttachment.objects.create(dossier=self.draft, document=other_document)
        self.login("chair")
        before = database_state()
        response = self.client.get(url("dossier_document", self.dossier.pk, other_document.pk))
        self.assertEqual(response.status_code, 404)
        # ... and the draft itself is not the council's to see.
        response = self.client.get(url("dossier_document", self.draft.pk, other_document.pk))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(database_state(), before)

    def test_outsiders_get_404_for_the_document_and_nothing_changes(self):
        path = url("dossier_document", self.dossier.pk, self.attached.pk)
        before = database_state()
        for role in OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                self.assertEqual(self.client.get(path).status_code, 404)
        self.assertEqual(database_state(), before)

    def test_a_missing_file_on_disk_is_404_not_500(self):
        self.attached.file.storage.delete(self.attached.file.name)
        self.login("chair")
        response = self.client.get(url("dossier_document", self.dossier.pk, self.attached.pk))
        self.assertEqual(response.status_code, 404)

    def test_unknown_ids_are_404(self):
        self.login("chair")
        for path in (
            url("dossier_document", self.dossier.pk, 999_999),
            url("dossier_document", 999_999, self.attached.pk),
            url("dossier_self_assessment", 999_999),
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    # The frozen self-assessment

    def test_council_members_and_the_adviser_open_the_frozen_self_assessment(self):
        path = url("dossier_self_assessment", self.dossier.pk)
        before = database_state()
        for role in ("chair", "secretary", "council_member", "adviser", "member", "province"):
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                # The answers frozen at submission (80 points), not the newer 40-point one.
                self.assertEqual(response.context["result"].total, 80)
                self.assertEqual(self.dossier.self_assessment_total, 80)
                self.assertEqual(response.context["answered"], response.context["criteria_count"])
                self.assertFalse(response.context["can_edit"])
                self.assertNotContains(response, 'type="radio"')
                self.assertNotContains(response, "hx-post")
                self.assertContains(response, "aria-current")
        self.assertEqual(database_state(), before)

    def test_outsiders_get_404_for_the_self_assessment_and_nothing_changes(self):
        path = url("dossier_self_assessment", self.dossier.pk)
        before = database_state()
        for role in OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                self.assertEqual(self.client.get(path).status_code, 404)
        self.assertEqual(database_state(), before)

    def test_a_draft_has_no_frozen_self_assessment(self):
        self.login("member")
        response = self.client.get(url("dossier_self_assessment", self.draft.pk))
        self.assertEqual(response.status_code, 404)

    def test_anonymous_users_are_sent_to_the_login_page_and_nothing_changes(self):
        before = database_state()
        for path in (
            url("dossier_document", self.dossier.pk, self.attached.pk),
            url("dossier_self_assessment", self.dossier.pk),
        ):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.assertEqual(database_state(), before)

    def test_the_new_pages_answer_get_only(self):
        self.login("chair")
        before = database_state()
        for path in (
            url("dossier_document", self.dossier.pk, self.attached.pk),
            url("dossier_self_assessment", self.dossier.pk),
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.post(path).status_code, 405)
        self.assertEqual(database_state(), before)

    # The pages link to what the viewer can open

    def test_the_dossier_page_of_a_council_member_links_only_to_pages_they_can_open(self):
        producer_page = reverse("producers:producer_detail", args=[self.cast.producer.pk])
        product_page = reverse("products:product_detail", args=[self.cast.product.pk])
        locker_download = reverse(
            "producers:document_download", args=[self.cast.producer.pk, self.attached.pk]
        )
        assessment_page = reverse(
            "rubric:selfassessment_detail", args=[self.dossier.self_assessment_id]
        )
        for role in ("chair", "council_member", "adviser"):
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(url("dossier_detail", self.dossier.pk))
                self.assertEqual(response.status_code, 200)
                self.assertContains(
                    response, url("dossier_document", self.dossier.pk, self.attached.pk)
                )
                self.assertContains(response, url("dossier_self_assessment", self.dossier.pk))
                for unreachable in (producer_page, product_page, locker_download, assessment_page):
                    self.assertNotContains(response, unreachable)
                # The facts needed for scoring are on the page itself.
                self.assertContains(response, self.cast.producer.name)
                self.assertContains(response, "Người H&#x27;Mông hái chè trên núi cao")
                self.assertContains(response, "Hộp giấy 200 g")
                self.assertContains(response, "TCCS 01:2025")
        for role in ("member", "province"):
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(url("dossier_detail", self.dossier.pk))
                self.assertContains(response, producer_page)
                self.assertContains(response, product_page)

    def test_every_link_of_the_council_members_dossier_page_opens(self):
        """The review finding: every link a council member or adviser is shown answers 200."""
        paths = [
            url("dossier_document", self.dossier.pk, self.attached.pk),
            url("dossier_self_assessment", self.dossier.pk),
        ]
        for role in ("chair", "council_member", "adviser"):
            self.login(role)
            page = self.client.get(url("dossier_detail", self.dossier.pk)).content.decode()
            for path in paths:
                with self.subTest(role=role, path=path):
                    self.assertIn(f'href="{path}"', page)
                    self.assertEqual(self.client.get(path).status_code, 200)

    def test_the_score_sheet_links_to_the_frozen_self_assessment(self):
        self.login("council_member")
        declare_conflict(self.dossier, actor=self.users["council_member"], has_conflict=False)
        response = self.client.get(url("scoresheet_detail", self.dossier.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, url("dossier_self_assessment", self.dossier.pk))
        self.assertNotContains(
            response,
            reverse("rubric:selfassessment_detail", args=[self.dossier.self_assessment_id]),
        )

    # Query budgets

    def test_the_self_assessment_page_costs_the_same_for_every_viewer(self):
        path = url("dossier_self_assessment", self.dossier.pk)
        for role in ("chair", "adviser", "member", "province"):
            with self.subTest(role=role):
                self.login(role)
                # 1 session, 2 user, 3 the user's memberships (official scope), 4 the dossier
                # with product, producer, province, commune and rubric version. The sheet's
                # layout is read from the rubric files, not the database.
                with self.assertNumQueries(4):
                    response = self.client.get(path)
                self.assertEqual(response.status_code, 200)

    def test_the_self_assessment_page_costs_the_same_with_few_answers(self):
        few = accepted_dossier(another_product(self.cast), {"1.1": 1})
        assign_dossier_to_round(few, self.panel.round, actor=self.users["province"])
        self.login("chair")
        for dossier in (self.dossier, few):
            with self.subTest(dossier=dossier):
                # 1 session, 2 user, 3 memberships, 4 the dossier with its related rows.
                with self.assertNumQueries(4):
                    response = self.client.get(url("dossier_self_assessment", dossier.pk))
                self.assertEqual(response.status_code, 200)

    def test_the_document_download_costs_five_queries(self):
        self.login("adviser")
        # 1 session, 2 user, 3 memberships, 4 the dossier, 5 its attachment with the document.
        with self.assertNumQueries(5):
            response = self.client.get(url("dossier_document", self.dossier.pk, self.attached.pk))
        self.assertEqual(response.status_code, 200)
        # Read the file through the test client's wrapper (closing the response directly
        # would run Django's end-of-request hook and drop the test's database connection).
        self.assertEqual(b"".join(response.streaming_content), MINIMAL_PDF)

    def assert_dossier_page_with_attachments(self, count):
        extra = count - self.dossier.attachment_rows.count()
        for _ in range(extra):
            document = ProducerDocumentFactory(producer=self.cast.producer)
            DossierAttachment.objects.create(
                dossier=self.dossier, document=document, frozen_at=NOW, number=document.number
            )
        self.assertEqual(self.dossier.attachment_rows.count(), count)
        self.login("adviser")
        # 1 session, 2 user, 3 memberships, 4 the dossier (with whether the viewer may open
        # the producer's and the product's pages), 5 is the user a producer member, 6 the
        # round entry and 7 the council scoring it, 8 the user's seat, 9 the attached
        # documents, 10 the commune's review, 11 the council results, 12 the history,
        # 13 the rounds of the dossier, 14 site visits, 15 lab tests, 16 the visible sheets.
        with self.assertNumQueries(16):
            response = self.client.get(url("dossier_detail", self.dossier.pk))
        self.assertEqual(len(response.context["attachments"]), count)

    def test_dossier_page_with_5_attached_documents(self):
        self.assert_dossier_page_with_attachments(5)

    def test_dossier_page_with_50_attached_documents(self):
        self.assert_dossier_page_with_attachments(50)
