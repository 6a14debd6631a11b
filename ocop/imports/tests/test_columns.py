"""Reading a list's header and cells: columns by name in Vietnamese or English, stars as lists
write them, dates in the three forms, decision numbers with their date beside them."""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase

from ocop.certificates.recognition.models import Authority
from ocop.producers.choices import ProducerKind

from ..columns import (
    CellError,
    Field,
    field_of,
    find_header,
    producer_kind_from_name,
    read_authority,
    read_date,
    read_decision,
    read_producer_kind,
    read_score,
    read_star,
)


class HeaderTests(SimpleTestCase):
    def test_vietnamese_and_english_names_in_any_order(self):
        names = {
            "Tên sản phẩm": Field.PRODUCT,
            "product_name": Field.PRODUCT,
            "TÊN SẢN PHẨM OCOP": Field.PRODUCT,
            "Tên chủ thể": Field.PRODUCER,
            "Chủ thể": Field.PRODUCER,
            "producer_name": Field.PRODUCER,
            "producer_type": Field.PRODUCER_TYPE,
            "Địa chỉ": Field.ADDRESS,
            "address": Field.ADDRESS,
            "province": Field.PROVINCE,
            "Hạng sao": Field.STAR,
            "star": Field.STAR,
            "Hạng sao (3-5)": Field.STAR,
            "score": Field.SCORE,
            "product_group": Field.GROUP,
            "Số quyết định": Field.DECISION_NO,
            "decision_no": Field.DECISION_NO,
            "decision_date": Field.DECISION_DATE,
            "Ngày hết hạn (dd/mm/yyyy)": Field.EXPIRY,
            "source_url": Field.SOURCE_URL,
            "Cơ quan ban hành": Field.AUTHORITY,
            "Ghi chú": None,
            "": None,
        }
        for text, field in names.items():
            with self.subTest(text):
                self.assertEqual(field_of(text), field)

    def test_the_header_is_found_below_a_title_and_unknown_columns_are_source_text(self):
        rows = [
            ["DANH SÁCH SẢN PHẨM OCOP NĂM 2023"],
            ["Ghi chú", "Hạng sao", "Tên sản phẩm", "Tên sản phẩm"],
            ["x", "4", "Chè", "Chè"],
        ]
        header = find_header(rows)
        self.assertEqual(header.row_index, 1)
        self.assertEqual(header.columns, {Field.STAR: 1, Field.PRODUCT: 2})
        self.assertEqual(header.source_columns, {0: "Ghi chú", 3: "Tên sản phẩm"})
        self.assertEqual(len(header.notes), 1)

    def test_a_header_of_two_rows_is_read_as_one(self):
        rows = [
            ["STT", "Tên sản phẩm", "Hạng sao", "Quyết định công nhận", None],
            [None, None, None, "Số", "Ngày"],
            [1, "Chè", 4, "12/QĐ-UBND", "20/12/2022"],
        ]
        header = find_header(rows)
        self.assertEqual(header.row_index, 1)
        self.assertEqual(header.columns[Field.DECISION_NO], 3)
        self.assertEqual(header.columns[Field.DECISION_DATE], 4)

    def test_no_product_or_no_star_column_is_no_header(self):
        self.assertIsNone(find_header([["Tên sản phẩm", "Địa chỉ"], ["Chè", "Tủa Chùa"]]))
        self.assertIsNone(find_header([["Hạng sao"], ["4"]]))
        self.assertIsNone(find_header([]))


class CellTests(SimpleTestCase):
    def test_stars_as_lists_write_them(self):
        cases = [
            ("4", 4),
            (4, 4),
            (4.0, 4),
            ("4 sao", 4),
            ("4*", 4),
            ("4 *", 4),
            ("★★★★", 4),
            ("★★★", 3),
            ("4 sao (tiềm năng 5 sao)", 4),
            ("5 stars", 5),
            ("Hạng 3 sao", 3),
            ("ba sao", 3),
            ("04", 4),
        ]
        for value, star in cases:
            with self.subTest(value):
                self.assertEqual(read_star(value), star)

    def test_stars_outside_one_to_five_or_not_stars_are_refused(self):
        for value in ("6", 0, "4.5", "-1", "abc", "", None, "4abc", True, "★★★★★★", 1e9):
            with self.subTest(value), self.assertRaises(CellError):
                read_star(value)

    def test_dates_in_three_forms_and_excel_serials(self):
        expected = datetime.date(2022, 12, 20)
        for value in (
            "20/12/2022",
            "20-12-2022",
            "20.12.2022",
            "2022-12-20",
            44915,
            44915.0,
            "44915",
            datetime.datetime(2022, 12, 20, 0, 0),
            expected,
            "ngày 20 tháng 12 năm 2022",
        ):
            with self.subTest(value):
                self.assertEqual(read_date(value, label="date"), expected)
        self.assertIsNone(read_date("", label="date"))
        for value in ("31/02/2022", "12/20/2022", "2022", 12, "hôm qua", 1e12):
            with self.subTest(value), self.assertRaises(CellError):
                read_date(value, label="date")

    def test_decision_number_with_its_date_beside_it(self):
        self.assertEqual(
            read_decision("QĐ số 1234/QĐ-UBND ngày 20/12/2022"),
            ("1234/QĐ-UBND", datetime.date(2022, 12, 20)),
        )
        self.assertEqual(read_decision("1234/QĐ-UBND"), ("1234/QĐ-UBND", None))
        self.assertEqual(read_decision("Số 56/QĐ-UBND, 04/05/2023")[1], datetime.date(2023, 5, 4))
        self.assertEqual(read_decision(""), ("", None))
        with self.assertRaises(CellError):
            read_decision("chưa có")

    def test_scores_types_and_authorities(self):
        self.assertEqual(read_score("85,5"), Decimal("85.50"))
        self.assertIsNone(read_score(None))
        for value in ("101", "-3", "nan", "abc"):
            with self.subTest(value), self.assertRaises(CellError):
                read_score(value)
        self.assertEqual(read_producer_kind("HTX"), ProducerKind.COOPERATIVE)
        self.assertEqual(read_producer_kind("Doanh nghiệp"), ProducerKind.ENTERPRISE)
        self.assertEqual(read_producer_kind("Hộ kinh doanh"), ProducerKind.HOUSEHOLD)
        self.assertEqual(producer_kind_from_name("HTX Chè Tủa Chùa"), ProducerKind.COOPERATIVE)
        self.assertEqual(producer_kind_from_name("Hộ ông Lò Văn A"), ProducerKind.HOUSEHOLD)
        self.assertEqual(producer_kind_from_name("Công ty TNHH Gạo"), ProducerKind.ENTERPRISE)
        self.assertIsNone(producer_kind_from_name("Hồng Phát"))
        self.assertEqual(read_authority("UBND tỉnh Điện Biên"), Authority.PROVINCE_CHAIRMAN)
        self.assertEqual(read_authority("UBND huyện Tủa Chùa"), Authority.DISTRICT_CHAIRMAN)
        self.assertEqual(read_authority("Bộ Nông nghiệp và Môi trường"), Authority.MINISTER)
        with self.assertRaises(CellError):
            read_authority("Hội Nông dân")
