"""Where imported rows land today: old addresses of Tủa Chùa, Mường Ảng and Điện Biên
districts in today's communes, written out or abbreviated; rows of merged provinces in today's
province; the commune left open when only the province is known; producers matched by
registration number or by name within the commune, products by name within the producer."""

from django.test import TestCase

from ocop.accounts.models import Membership
from ocop.accounts.tests.factories import UserFactory, central_officer, province_officer
from ocop.producers.models import Producer
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.models import LegacyCommune, Province
from ocop.regions.resolve import resolve_legacy_address
from ocop.regions.tests.factories import DIEN_BIEN, commune, province
from ocop.regions.tests.test_resolve import DIEN_BIEN_CASES

from ..services import commit_import
from .lists import checked, csv_file

# Former province → today's province (Resolution 202/2025/QH15).
MERGED = {
    "Bắc Kạn": "19",
    "Yên Bái": "15",
    "Đắk Nông": "68",
    "Kiên Giang": "91",
    "Trà Vinh": "86",
    "Bắc Giang": "24",
    "Quảng Nam": "48",
}


def rows_for(addresses, star="3"):
    return [
        [n, f"Sản phẩm {n} (mẫu)", f"HTX số {n} (mẫu)", address, star, "", "", ""]
        for n, address in enumerate(addresses, 1)
    ]


class OldAddressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer(DIEN_BIEN)

    def check(self, rows):
        return checked(csv_file(rows), actor=self.office, province=province(DIEN_BIEN))

    def test_old_communes_of_tua_chua_muong_ang_and_dien_bien_land_in_today_s_communes(self):
        for district, cases in DIEN_BIEN_CASES.items():
            with self.subTest(district):
                job = self.check(rows_for([address for address, _legacy, _today in cases]))
                placed = [row.commune_code for row in job.rows.order_by("row")]
                self.assertEqual(placed, [today for _address, _legacy, today in cases])
                self.assertEqual({row.confidence for row in job.rows.all()}, {"high"})

    def test_abbreviations_resolve_as_the_words_do(self):
        pairs = [
            ("X. Ẳng Nưa, H. Mường Ảng, T. Điện Biên",
             "Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên"),
            ("TT. Tủa Chùa, H. Tủa Chùa", "Thị trấn Tủa Chùa, Huyện Tủa Chùa, Tỉnh Điện Biên"),
            ("P. Mường Thanh, TP. Điện Biên Phủ",
             "Phường Mường Thanh, Thành phố Điện Biên Phủ, Tỉnh Điện Biên"),
            ("X. Thanh Xương, H. Điện Biên", "Xã Thanh Xương, Huyện Điện Biên, Tỉnh Điện Biên"),
            ("TX. Mường Lay, T. Điện Biên", "Thị xã Mường Lay, Tỉnh Điện Biên"),
        ]  # fmt: skip
        job = self.check(rows_for([short for short, _full in pairs]))
        for row, (short, full) in zip(job.rows.order_by("row"), pairs, strict=True):
            with self.subTest(short):
                expected = resolve_legacy_address(full)
                self.assertEqual(row.province_code, DIEN_BIEN, row.messages)
                self.assertEqual(row.commune_code, getattr(expected.commune, "pk", ""), full)

    def test_the_original_text_is_kept_beside_the_result_with_its_confidence(self):
        job = self.check(rows_for(["Bản Co Muông, Xã Ẳng Nưa, Mường Ảng", "Điện Biên"]))
        first, second = job.rows.order_by("row")
        self.assertEqual(first.address, "Bản Co Muông, Xã Ẳng Nưa, Mường Ảng")
        self.assertEqual((first.commune_code, first.confidence), ("03256", "high"))
        self.assertEqual((second.province_code, second.commune_code), (DIEN_BIEN, ""))
        self.assertEqual(second.confidence, "province")
        commit_import(job, actor=self.office)
        producer = Producer.objects.get(name="HTX số 1 (mẫu)")
        self.assertEqual(producer.address, "Bản Co Muông")
        self.assertEqual(producer.legacy_commune_id, "03307")
        self.assertIsNone(Producer.objects.get(name="HTX số 2 (mẫu)").commune_id)


class MergedProvinceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.central = central_officer()

    def test_rows_of_merged_provinces_land_in_today_s_province(self):
        addresses = []
        for name in MERGED:
            legacy = (
                LegacyCommune.objects.filter(district__province__name__endswith=name)
                .select_related("district__province")
                .order_by("code")
                .first()
            )
            addresses.append(
                f"{legacy.name}, {legacy.district.name}, {legacy.district.province.name}"
            )
            addresses.append(f"Tỉnh {name}")
        job = checked(csv_file(rows_for(addresses)), actor=self.central)
        rows = list(job.rows.order_by("row"))
        for index, (name, code) in enumerate(MERGED.items()):
            with self.subTest(name):
                with_commune, province_only = rows[2 * index], rows[2 * index + 1]
                self.assertEqual(with_commune.province_code, code, with_commune.messages)
                self.assertTrue(with_commune.commune_code)
                self.assertEqual(
                    (province_only.province_code, province_only.commune_code), (code, "")
                )

    def test_a_merged_province_s_office_imports_its_former_province_s_list(self):
        thai_nguyen = Province.objects.get(code="19")
        office = UserFactory()
        Membership.objects.create(
            user=office, role=Membership.Role.PROVINCE_OFFICE, province=thai_nguyen
        )
        job = checked(
            csv_file(rows_for(["Tỉnh Bắc Kạn", "Bắc Kạn"])), actor=office, province=thai_nguyen
        )
        self.assertEqual(job.status, "validated", list(job.rows.values_list("messages", flat=True)))


class MatchingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer(DIEN_BIEN)
        cls.producer = ProducerFactory(
            name="HTX Chè Đã Có", registration_number="5600111222", commune=commune("03256")
        )
        cls.product = ProductFactory(producer=cls.producer, name="Chè Đã Có")

    def check(self, rows):
        return checked(csv_file(rows), actor=self.office, province=province(DIEN_BIEN))

    def test_producers_match_by_registration_number_or_by_name_within_the_commune(self):
        header = ["Tên sản phẩm", "Tên chủ thể", "Mã số thuế", "Địa chỉ", "Hạng sao"]
        rows = [
            ["Chè Đã Có", "Tên khác hẳn", "5600111222", "Tỉnh Điện Biên", "3"],
            ["CHÈ ĐÃ CÓ", "htx che da co", "", "Xã Ẳng Nưa, Mường Ảng, Điện Biên", "3"],
            ["Chè Đã Có", "HTX Chè Đã Có", "", "Xã Xín Chải, Tủa Chùa, Điện Biên", "3"],
        ]
        job = checked(csv_file(rows, header), actor=self.office, province=province(DIEN_BIEN))
        by_number, by_name, elsewhere = job.rows.order_by("row")
        self.assertEqual(by_number.producer_id_value, self.producer.pk)
        self.assertEqual(by_number.product_id_value, self.product.pk)
        self.assertIn("registration number", " ".join(m["text"] for m in by_number.messages))
        self.assertEqual(by_name.producer_id_value, self.producer.pk)
        self.assertIn("matched by name", " ".join(m["text"] for m in by_name.messages))
        # The same name in another commune is another producer.
        self.assertEqual(elsewhere.outcome, "new")
        self.assertIsNone(elsewhere.producer_id_value)

    def test_a_row_without_a_commune_matches_a_producer_of_the_file_with_one(self):
        place = "Xã Ẳng Nưa, Mường Ảng, Điện Biên"
        rows = [
            [1, "Chè A (mẫu)", "HTX Hai Dòng (mẫu)", place, "3", "", "", ""],
            [2, "Chè B (mẫu)", "HTX Hai Dòng (mẫu)", "Điện Biên", "3", "", "", ""],
        ]
        job = self.check(rows)
        commit_import(job, actor=self.office)
        self.assertEqual(Producer.objects.filter(name="HTX Hai Dòng (mẫu)").count(), 1)
        again = self.check(rows)
        self.assertEqual(again.counts, {"unchanged": 2})
