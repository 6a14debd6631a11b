"""Hostile files at the import's level: each is refused with a message, or its bad rows are
errors, and nothing is written (issue 13: wrong type, password, zip bomb, formulas, too many
rows, control characters, no product or star column, stars outside 1–5 or 1–2★ given as
recognised)."""

import io
import zipfile

from django.test import TestCase, override_settings

from ocop.accounts.tests.factories import province_officer
from ocop.regions.tests.factories import DIEN_BIEN, province

from ..models import RecognitionImport
from .lists import DIEN_BIEN_ROWS, HEADER, checked, csv_file
from .test_commit import written
from .test_files import (
    fixture,
    inline,
    number,
    recognition_list,
    workbook_bytes,
    workbook_with_sheet_xml,
)

Status = RecognitionImport.Status


class HostileFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer(DIEN_BIEN)
        cls.dien_bien = province(DIEN_BIEN)

    def assert_refused(self, data, name, *, says):
        before = written()
        job = checked(data, name, actor=self.office, province=self.dien_bien)
        self.assertEqual(job.status, Status.REFUSED, job.message)
        self.assertIn(says, job.message)
        self.assertFalse(job.rows.exists())
        self.assertEqual(written(), before)
        return job

    def test_a_wrong_type_renamed_to_xlsx(self):
        self.assert_refused(b"\x89PNG\r\n\x1a\n" + bytes(200), "danh-sach.xlsx", says="XLSX")
        self.assert_refused(csv_file(DIEN_BIEN_ROWS), "danh-sach.xlsx", says="XLSX")

    def test_a_password_protected_workbook(self):
        self.assert_refused(fixture("encrypted.xlsx"), "danh-sach.xlsx", says="password")

    @override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=5 * 1024 * 1024)
    def test_a_zip_bomb(self):
        output = io.BytesIO(workbook_bytes(recognition_list))
        with (
            zipfile.ZipFile(output, "a", zipfile.ZIP_DEFLATED) as archive,
            archive.open("xl/media/image1.bin", "w") as entry,
        ):
            for _ in range(20):
                entry.write(bytes(1024 * 1024))
        self.assertLess(len(output.getvalue()), 200 * 1024)
        self.assert_refused(output.getvalue(), "danh-sach.xlsx", says="5 MB")

    @override_settings(IMPORT_MAX_ROWS=3)
    def test_more_rows_than_the_limit(self):
        self.assert_refused(csv_file(DIEN_BIEN_ROWS), "danh-sach.csv", says="3")

    def test_nul_and_control_characters(self):
        for character in ("\x00", "\x07", "\x1b"):
            rows = [[1, f"Chè{character}Shan (mẫu)", "HTX (mẫu)", "Điện Biên", "3", "", "", ""]]
            with self.subTest(repr(character)):
                self.assert_refused(csv_file(rows), "danh-sach.csv", says="column B")

    def test_a_header_with_no_product_or_star_column(self):
        no_star = csv_file([[1, "Chè (mẫu)", "HTX (mẫu)"]], ["STT", "Tên sản phẩm", "Chủ thể"])
        job = self.assert_refused(no_star, "danh-sach.csv", says="Hạng sao")
        self.assertIn("product name", job.message)
        no_product = csv_file([["4"]], ["Hạng sao"])
        self.assert_refused(no_product, "danh-sach.csv", says="Tên sản phẩm")

    def test_stars_outside_one_to_five_and_one_or_two_stars_given_as_recognised(self):
        place = "Xã Ẳng Nưa, Mường Ảng"
        rows = [
            [1, "Chè sáu sao (mẫu)", "HTX A (mẫu)", place, "6", "1/QĐ-UBND", "01/02/2023", ""],
            [2, "Chè không sao (mẫu)", "HTX A (mẫu)", place, "0 sao", "", "", ""],
            [3, "Chè hai sao (mẫu)", "HTX A (mẫu)", place, "★★", "1/QĐ-UBND", "01/02/2023", ""],
            [4, "Chè một sao (mẫu)", "HTX A (mẫu)", place, "1 sao", "", "", ""],
        ]
        before = written()
        job = checked(csv_file(rows), actor=self.office, province=self.dien_bien)
        self.assertEqual(job.status, Status.INVALID)
        self.assertEqual(job.error_count, 4)
        for row in job.rows.all():
            self.assertEqual(row.errors[0]["column"], "star", row.messages)
        self.assertEqual(written(), before)

    def test_a_formula_is_read_as_its_cached_value_but_never_trusted_as_a_star(self):
        header = "".join(
            inline(f"{col}1", text) for col, text in zip("ABCDE", HEADER[1:6], strict=False)
        )
        sheet = (
            f'<row r="1">{header}</row>'
            f'<row r="2">{inline("A2", "Chè công thức (mẫu)")}{inline("B2", "HTX Công Thức (mẫu)")}'
            f"{inline('C2', 'Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên')}"
            '<c r="D2"><f>2+2</f><v>4</v></c>'
            f"{inline('E2', '9/QĐ-UBND')}</row>"
            f'<row r="3">{inline("A3", "Mật ong công thức (mẫu)")}'
            '<c r="B3" t="str"><f>"HTX "&amp;"Mật Ong (mẫu)"</f><v>HTX Mật Ong (mẫu)</v></c>'
            f"{inline('C3', 'Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên')}{number('D3', 3)}</row>"
        )
        before = written()
        job = checked(
            workbook_with_sheet_xml(sheet),
            "danh-sach.xlsx",
            actor=self.office,
            province=self.dien_bien,
        )
        star_row, name_row = job.rows.order_by("row")
        self.assertEqual(star_row.outcome, "error")
        self.assertIn("formula", star_row.errors[0]["text"])
        self.assertEqual(name_row.outcome, "new", name_row.messages)
        self.assertEqual(name_row.producer_name, "HTX Mật Ong (mẫu)")
        self.assertEqual(written(), before)

    def test_an_expiry_before_the_decision_or_years_after_it_is_a_typing_error(self):
        header = [*HEADER[:7], "Ngày hết hạn"]
        place, decision = "Xã Ẳng Nưa, Mường Ảng", ["8/QĐ-UBND", "01/02/2023"]
        rows = [
            [1, "Chè hết hạn sớm (mẫu)", "HTX B (mẫu)", place, "3", *decision, "01/01/2023"],
            [2, "Chè hết hạn 9999 (mẫu)", "HTX B (mẫu)", place, "3", *decision, "31/12/9999"],
        ]
        job = checked(csv_file(rows, header), actor=self.office, province=self.dien_bien)
        self.assertEqual(job.error_count, 2)
        self.assertEqual({row.errors[0]["column"] for row in job.rows.all()}, {"expiry"})
