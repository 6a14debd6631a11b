"""The paper forms as PDFs (issue 15, item 10), read back with pypdf: each carries the headings
of its form in Decision 26/2026/QĐ-TTg and the dossier's data, and each answers only those who
may open the page it prints (404 for everyone else, and nothing changes)."""

import io
import re

import time_machine
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from ocop.producers.tests.factories import ProducerDocumentFactory, ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune, province

from ..models import CommuneReview, CouncilResult, DossierAttachment, ScoreSheet
from ..services.results import close_scoring
from ..services.review import review_dossier
from ..services.rounds import assign_dossier_to_round
from ..services.scoring import declare_conflict
from .factories import (
    NOW,
    TEA,
    accepted_dossier,
    answers_for_total,
    database_state,
    make_cast,
    make_panel,
    score,
    submitted_dossier,
)

PRODUCER = "HTX Chè Shan tuyết Mường Ảng (mẫu)"
PRODUCT = "Trà Shan tuyết Mường Ảng (mẫu)"
NOTE = "Xác minh thực tế tại xã (dữ liệu mẫu)."


def url(name, *args):
    return reverse(f"evaluations:{name}", args=args)


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def scored_case():
    """A dossier forwarded by Mường Ảng, accepted by Điện Biên and scored by a council of six:
    the chair and the secretary 66, three members 65 (5 of 6 sheets, the quorum), the last
    member nothing yet. A mean of 65,40 once the chair closes."""
    product = ProductFactory(
        producer=ProducerFactory(name=PRODUCER, commune=commune("03256")),
        name=PRODUCT,
        scoring_set_id=TEA,
    )
    cast = make_cast(product=product)
    dossier = accepted_dossier(cast, answers=answers_for_total(80))
    panel = make_panel(organiser=cast.province_officer, province=province("11"), members=4)
    assign_dossier_to_round(dossier, panel.round, actor=cast.province_officer)
    sheets = [score(dossier, user, answers_for_total(66)) for user in panel.scorers[:2]]
    sheets += [score(dossier, user, answers_for_total(65)) for user in panel.scorers[2:5]]
    other = make_panel(organiser=cast.other_province_officer, province=province("12"))
    return cast, dossier, panel, sheets, other


class PdfAssertions:
    def get(self, user, path):
        if user is not None:
            self.client.force_login(user)
        return self.client.get(path)

    def assertPdf(self, user, path) -> str:
        """200, an inline PDF under an ASCII name; its text."""
        response = self.get(user, path)
        self.assertEqual(response.status_code, 200, path)
        self.assertEqual(response["Content-Type"], "application/pdf")
        disposition = response["Content-Disposition"]
        self.assertRegex(disposition, r'^inline; filename="ocop-[a-z0-9-]+\.pdf"$')
        self.assertTrue(disposition.isascii())
        return pdf_text(response)

    def assertRefused(self, users, path):
        """404 for each user, and the database as it was."""
        before = database_state()
        for user in users:
            with self.subTest(user=str(user), path=path):
                self.client.logout()
                self.assertEqual(self.get(user, path).status_code, 404)
        self.assertEqual(database_state(), before)

    def assertIns(self, text, *expected):
        for fragment in expected:
            self.assertIn(fragment, text)


@time_machine.travel(NOW, tick=False)
class DossierFormTests(PdfAssertions, TestCase):
    """Mẫu số 01, 02 and 03 of Annex III (art. 6(1)(a), 6(2)(b) and 7(2)(b))."""

    @classmethod
    def setUpTestData(cls):
        cls.cast, cls.dossier, cls.panel, cls.sheets, cls.other = scored_case()

    def outsiders(self):
        cast = self.cast
        return [
            cast.other_commune_officer,
            cast.other_province_officer,
            cast.outsider,
            self.other.chair,
        ]

    def test_registration_is_form_01_filled_from_the_dossier(self):
        """Annex III, Mẫu số 01: motto, title, unit's fields, kind boxes, receipt number."""
        text = self.assertPdf(self.cast.member, url("dossier_registration_pdf", self.dossier.pk))
        self.assertIns(
            text,
            "Mẫu số 01",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "PHIẾU ĐĂNG KÝ",
            "Tham gia đánh giá, phân hạng sản phẩm OCOP",
            "của tỉnh Điện Biên năm 2026",
            "Tên đơn vị:",
            "Họ tên người đại diện pháp lý:",
            "Chức vụ: Giám đốc",
            "Tên sản phẩm: " + PRODUCT,
            "Lần đầu ☒",
            "Nâng hạng ☐",
            "Sản phẩm mẫu (số lượng): 5",
            "ĐẠI DIỆN",
            "(Ký, đóng dấu, ghi rõ họ tên)",
            "DÀNH CHO ỦY BAN NHÂN DÂN CẤP XÃ",
            "DÀNH CHO CƠ QUAN QUẢN LÝ OCOP CẤP TỈNH",
            "Người tiếp nhận:",
            self.dossier.receipt_number,
            "Mường Ảng, ngày 01 tháng 6 năm 2026",
        )
        self.assertIn(PRODUCER, text)

    def test_self_assessment_is_form_02_with_the_frozen_answers(self):
        """Annex III, Mẫu số 02, parts I-IV; part III on sheet 11 of Annex II."""
        text = self.assertPdf(self.cast.member, url("dossier_self_assessment_pdf", self.dossier.pk))
        self.assertIns(
            text,
            "Mẫu số 02",
            "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM",
            "Phần I",
            "THÔNG TIN CHUNG",
            "1. Tên chủ thể: " + PRODUCER,
            "Địa chỉ thường trú:",
            "Phần III",
            "1.1. Nguồn nguyên liệu",
            "Thang điểm",
            "Điểm tự đánh giá",
            "TỔNG CỘNG",
            "Tổng điểm tự đánh giá: 80/100",
            "Phần IV",
            "ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ",
        )
        self.assertIn("c) Giấy chứng nhận cơ sở đủ điều kiện vệ sinh", text)
        self.assertIn("☒", text)  # the food-safety certificate is attached

    def test_commune_report_is_form_03_from_the_forwarding_review(self):
        """Annex III, Mẫu số 03 (art. 7(2)(b)): the four points and the proposal."""
        text = self.assertPdf(self.cast.member, url("dossier_review_pdf", self.dossier.pk))
        self.assertIns(
            text,
            "Mẫu số 03",
            "ỦY BAN NHÂN DÂN",
            "XÃ MƯỜNG ẢNG",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "BÁO CÁO",
            "I. THÔNG TIN CHUNG VỀ HỒ SƠ SẢN PHẨM",
            "5. Sản phẩm đăng ký đánh giá: " + PRODUCT,
            "II. ĐÁNH GIÁ MỘT SỐ NỘI DUNG CỦA HỒ SƠ SẢN PHẨM",
            "1. Về sử dụng nguyên liệu địa phương:",
            "4. Bản sắc/trí tuệ địa phương:",
            NOTE,
            "Ủy ban nhân dân xã Mường Ảng đề nghị Ủy ban nhân dân tỉnh Điện Biên",
            "T.M ỦY BAN NHÂN DÂN\nXÃ MƯỜNG ẢNG",
        )

    def test_the_dossier_forms_answer_whoever_sees_the_dossier(self):
        cast = self.cast
        readers = [
            cast.member,
            cast.commune_officer,
            cast.province_officer,
            cast.central_officer,
            self.panel.scorers[5],
        ]
        for name in (
            "dossier_registration_pdf",
            "dossier_self_assessment_pdf",
            "dossier_review_pdf",
        ):
            for user in readers:
                with self.subTest(name=name, user=str(user)):
                    self.client.logout()
                    self.assertPdf(user, url(name, self.dossier.pk))

    def test_other_scopes_get_404_and_nothing_changes(self):
        for name in (
            "dossier_registration_pdf",
            "dossier_self_assessment_pdf",
            "dossier_review_pdf",
        ):
            self.assertRefused(self.outsiders(), url(name, self.dossier.pk))

    def test_anonymous_visitors_are_sent_to_log_in(self):
        response = self.get(None, url("dossier_registration_pdf", self.dossier.pk))
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_a_form_is_get_only(self):
        before = database_state()
        self.client.force_login(self.cast.member)
        response = self.client.post(url("dossier_registration_pdf", self.dossier.pk))
        self.assertEqual(response.status_code, 405)
        self.assertEqual(database_state(), before)


@time_machine.travel(NOW, tick=False)
class UnfiledFormTests(PdfAssertions, TestCase):
    """What is not filed has no Mẫu 02 to print, and a returned dossier no Mẫu 03."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.dossier = submitted_dossier(cls.cast)
        review_dossier(
            cls.dossier,
            actor=cls.cast.commune_officer,
            decision=CommuneReview.Decision.RETURN,
            reason="Thiếu giấy tờ (dữ liệu mẫu).",
        )

    def test_a_returned_dossier_has_no_commune_report(self):
        self.assertRefused(
            [self.cast.member, self.cast.commune_officer],
            url("dossier_review_pdf", self.dossier.pk),
        )

    def test_the_registration_of_a_returned_dossier_still_prints(self):
        text = self.assertPdf(self.cast.member, url("dossier_registration_pdf", self.dossier.pk))
        self.assertIn("PHIẾU ĐĂNG KÝ", text)


@time_machine.travel(NOW, tick=False)
class ScoreSheetPdfTests(PdfAssertions, TestCase):
    """Annex II ("Kiêm phiếu đánh giá sản phẩm OCOP"): each member prints their own sheet;
    before the chair closes, nobody prints anybody else's (docs/evaluations.md, "Independence")."""

    @classmethod
    def setUpTestData(cls):
        cls.cast, cls.dossier, cls.panel, cls.sheets, cls.other = scored_case()

    def test_a_member_prints_their_own_sheet_with_its_points(self):
        member = self.panel.scorers[2]
        text = self.assertPdf(member, url("scoresheet_pdf", self.dossier.pk))
        self.assertIns(
            text,
            "BỘ TIÊU CHÍ ĐÁNH GIÁ SẢN PHẨM OCOP",
            "(Kiêm phiếu đánh giá sản phẩm OCOP)",
            "11. Bộ sản phẩm: Chè tươi, chè chế biến",
            "Tên sản phẩm: " + PRODUCT,
            "Tên chủ thể sản xuất: " + PRODUCER,
            "Hồ sơ bị loại khi:",
            "Phần A: SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG",
            "1.1. Nguồn nguyên liệu",
            "Điểm chấm",
            "Tổng điểm: 65/100",
            "Ý kiến của người đánh giá:",
            "Người đánh giá",
            "(Ký và ghi rõ họ tên)",
            str(member),
        )
        self.assertNotIn("66", text.split("TỔNG CỘNG")[1].split("\n")[0])

    def test_a_member_without_a_sheet_prints_the_blank_sheet(self):
        text = self.assertPdf(self.panel.scorers[5], url("scoresheet_pdf", self.dossier.pk))
        self.assertIn("1.1. Nguồn nguyên liệu", text)
        self.assertNotIn("Tổng điểm:", text)
        self.assertNotIn("☒", text)

    def test_the_chair_prints_only_their_own_sheet_before_closing(self):
        text = self.assertPdf(self.panel.chair, url("scoresheet_pdf", self.dossier.pk))
        self.assertIn("Tổng điểm: 66/100", text)
        own = self.sheets[0]
        self.assertPdf(self.panel.chair, url("scoresheet_member_pdf", own.pk))
        self.assertRefused(
            [self.panel.chair, self.cast.province_officer, self.cast.central_officer],
            url("scoresheet_member_pdf", self.sheets[2].pk),
        )

    def test_those_without_a_scoring_seat_get_404_and_nothing_changes(self):
        cast = self.cast
        users = [
            self.panel.adviser,
            cast.member,
            cast.province_officer,
            cast.commune_officer,
            self.other.chair,
            cast.outsider,
        ]
        self.assertRefused(users, url("scoresheet_pdf", self.dossier.pk))
        self.assertRefused(
            [cast.member, self.other.chair, self.panel.scorers[3]],
            url("scoresheet_member_pdf", self.sheets[2].pk),
        )

    def test_no_minutes_exist_before_closing(self):
        self.assertFalse(CouncilResult.objects.exists())


@time_machine.travel(NOW, tick=False)
class ClosedScoringPdfTests(PdfAssertions, TestCase):
    """After closing: every sheet of the council for its members and the officials governing
    the dossier, and the minutes of the result (art. 7(3)(d)) for whoever sees the result."""

    @classmethod
    def setUpTestData(cls):
        cls.cast, cls.dossier, cls.panel, cls.sheets, cls.other = scored_case()
        cls.result = close_scoring(cls.dossier, actor=cls.panel.chair)

    def test_the_minutes_hold_the_result_as_the_dossier_page_shows_it(self):
        text = self.assertPdf(self.cast.member, url("result_minutes_pdf", self.result.pk))
        self.assertIns(
            text,
            "HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG",
            "SẢN PHẨM OCOP TỈNH ĐIỆN BIÊN",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "BIÊN BẢN",
            "Họp Hội đồng",
            "Tên sản phẩm: " + PRODUCT,
            "Số phiếu hợp lệ: 5/6",
            "phiếu 1: 66; phiếu 2: 66; phiếu 3: 65",
            "Tổng điểm trung bình: 65,40/100",
            "Hạng sao: ★★★ (3 sao)",
            "III. KẾT LUẬN",
            "THƯ KÝ HỘI ĐỒNG",
            "CHỦ TỊCH HỘI ĐỒNG",
            str(self.panel.chair),
        )
        for user in self.panel.scorers[1:]:  # no member's name beside a total
            self.assertNotIn(str(user), text)

    def test_the_minutes_answer_whoever_sees_the_result(self):
        path = url("result_minutes_pdf", self.result.pk)
        for user in (self.cast.member, self.cast.province_officer, self.panel.scorers[3]):
            with self.subTest(user=str(user)):
                self.client.logout()
                self.assertPdf(user, path)
        cast = self.cast
        self.assertRefused(
            [
                cast.other_province_officer,
                cast.other_commune_officer,
                cast.outsider,
                self.other.chair,
            ],
            path,
        )

    def test_every_sheet_of_the_council_prints_for_its_members_and_the_office(self):
        path = url("scoresheet_member_pdf", self.sheets[2].pk)
        for user in (self.panel.chair, self.panel.scorers[5], self.cast.province_officer):
            with self.subTest(user=str(user)):
                self.client.logout()
                text = self.assertPdf(user, path)
                self.assertIn("Tổng điểm: 65/100", text)
        cast = self.cast
        self.assertRefused(
            [cast.member, cast.other_province_officer, cast.commune_officer, self.other.chair], path
        )


@time_machine.travel(NOW, tick=False)
class PdfQueryCountTests(PdfAssertions, TestCase):
    """Back-office budget (≤ 20 queries), the same with 5 and 50 rows: the attached documents
    of Mẫu 02, the criteria of a sheet (all of them read from the cached layout) and the
    members' totals of the minutes (a JSON column) never cost a query each."""

    @classmethod
    def setUpTestData(cls):
        cls.cast, cls.dossier, cls.panel, cls.sheets, cls.other = scored_case()
        cls.result = close_scoring(cls.dossier, actor=cls.panel.chair)

    def count(self, user, path, queries):
        self.client.force_login(user)
        with self.assertNumQueries(queries):
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200)

    def attach(self, count):
        DossierAttachment.objects.bulk_create(
            DossierAttachment(dossier=self.dossier, document=document)
            for document in ProducerDocumentFactory.create_batch(count, producer=self.cast.producer)
        )

    def test_forms_of_the_dossier(self):
        member = self.cast.member
        # Session, user, the user's official scope (memberships), the dossier with its
        # producer, product, places and classification (one join; the visibility subqueries
        # inside it), then for Mẫu 02 the kinds of the attached documents.
        self.attach(4)
        self.count(member, url("dossier_registration_pdf", self.dossier.pk), 4)
        self.count(member, url("dossier_self_assessment_pdf", self.dossier.pk), 5)
        self.attach(45)
        self.count(member, url("dossier_self_assessment_pdf", self.dossier.pk), 5)
        # Session, user, scope, the newest review with its dossier (one join).
        self.count(member, url("dossier_review_pdf", self.dossier.pk), 4)

    def test_sheets_and_minutes(self):
        chair = self.panel.chair
        # Session, user, scope, the dossier (one join), its round entry, the council with its
        # round, the chair's seat, the sheet, the round's province (the place of signing).
        self.count(chair, url("scoresheet_pdf", self.dossier.pk), 9)
        # Session, user, scope, the sheet with its dossier, member, council, round (one join).
        self.count(chair, url("scoresheet_member_pdf", self.sheets[2].pk), 4)
        ScoreSheet.objects.filter(pk=self.sheets[2].pk).update(answers={})
        self.count(chair, url("scoresheet_member_pdf", self.sheets[2].pk), 4)
        # Session, user, scope, the result with its dossier, council, round, closer (one join).
        self.count(chair, url("result_minutes_pdf", self.result.pk), 4)
        CouncilResult.objects.filter(pk=self.result.pk).update(member_totals=[60] * 50)
        self.count(chair, url("result_minutes_pdf", self.result.pk), 4)


@time_machine.travel(NOW, tick=False)
class PdfLinkTests(PdfAssertions, TestCase):
    """The pages show a "Print / download PDF" link exactly to those who may open it, and each
    link they show answers with the PDF."""

    @classmethod
    def setUpTestData(cls):
        cls.cast, cls.dossier, cls.panel, cls.sheets, cls.other = scored_case()

    def pdf_links(self, user, path) -> list[str]:
        self.client.force_login(user)
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        links = re.findall(r'href="([^"]+\.pdf)"', response.content.decode())
        for link in links:
            self.assertPdf(user, link)
        return links

    def test_each_role_sees_the_links_it_may_open_and_they_open(self):
        detail = url("dossier_detail", self.dossier.pk)
        forms = [
            url("dossier_registration_pdf", self.dossier.pk),
            url("dossier_self_assessment_pdf", self.dossier.pk),
            url("dossier_review_pdf", self.dossier.pk),
        ]
        self.assertEqual(self.pdf_links(self.cast.member, detail), forms)
        chair_links = self.pdf_links(self.panel.chair, detail)
        self.assertEqual(chair_links, [*forms, url("scoresheet_member_pdf", self.sheets[0].pk)])
        member = self.panel.scorers[5]  # declared, no sheet yet: the blank one
        declare_conflict(self.dossier, actor=member, has_conflict=False)
        sheet_page = url("scoresheet_detail", self.dossier.pk)
        self.assertIn(url("scoresheet_pdf", self.dossier.pk), self.pdf_links(member, sheet_page))
        self.assertEqual(self.pdf_links(self.cast.member, url("result_list")), [])

    def test_after_closing_the_minutes_and_every_sheet_are_linked(self):
        result = close_scoring(self.dossier, actor=self.panel.chair)
        minutes = url("result_minutes_pdf", result.pk)
        detail = url("dossier_detail", self.dossier.pk)
        self.assertIn(minutes, self.pdf_links(self.cast.member, detail))
        self.assertIn(minutes, self.pdf_links(self.cast.member, url("result_list")))
        office = self.pdf_links(self.cast.province_officer, detail)
        for sheet in self.sheets:
            self.assertIn(url("scoresheet_member_pdf", sheet.pk), office)
        self.assertNotIn("sheets/", " ".join(self.pdf_links(self.cast.member, detail)))
