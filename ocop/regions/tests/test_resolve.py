"""Old addresses (before 1 July 2025) resolved to today's communes."""

import random
import unicodedata

from django.db.models import Count
from django.test import TestCase

from ocop.regions.models import Commune, LegacyCommune, LegacyProvince
from ocop.regions.resolve import (
    AMBIGUOUS,
    CONTEXT_MISMATCH,
    CURRENT_UNIT,
    DISTRICT_ONLY,
    NO_SUCCESSOR,
    NO_TEXT,
    PROVINCE_ONLY,
    TOO_LONG,
    Confidence,
    PreloadedUnits,
    annotate_today_units,
    province_named,
    resolve_legacy_address,
    successor_province,
)

# (address, legacy commune, today's commune), codes taken from the data.
DIEN_BIEN_CASES = {
    "Tủa Chùa": [
        ("Thị trấn Tủa Chùa, Huyện Tủa Chùa, Tỉnh Điện Biên", "03217", "03217"),
        ("Xã Mường Báng, Huyện Tủa Chùa, Tỉnh Điện Biên", "03250", "03217"),
        ("Xã Xín Chải, Huyện Tủa Chùa, Tỉnh Điện Biên", "03223", "03226"),
        ("Xã Tả Phìn, Huyện Tủa Chùa, Tỉnh Điện Biên", "03232", "03241"),
        ("Xã Huổi Só, Huyện Tủa Chùa, Tỉnh Điện Biên", "03220", "03220"),
    ],
    "Mường Ảng": [
        ("Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên", "03307", "03256"),
        ("Thị trấn Mường Ảng, Huyện Mường Ảng, Tỉnh Điện Biên", "03256", "03256"),
        ("Xã Ẳng Tở, Huyện Mường Ảng, Tỉnh Điện Biên", "03292", "03301"),
        ("Xã Ngối Cáy, Huyện Mường Ảng, Tỉnh Điện Biên", "03287", "03316"),
        ("Xã Nặm Lịch, Huyện Mường Ảng, Tỉnh Điện Biên", "03312", "03313"),
    ],
    "Điện Biên": [
        # Today's Xã Thanh Nưa has another code than the legacy one.
        ("Xã Thanh Nưa, Huyện Điện Biên, Tỉnh Điện Biên", "03322", "03328"),
        # Legacy Xã Sam Mứn went to Thanh An; today's Xã Sam Mứn was Pom Lót.
        ("Xã Sam Mứn, Huyện Điện Biên, Tỉnh Điện Biên", "03355", "03352"),
        ("Xã Pom Lót, Huyện Điện Biên, Tỉnh Điện Biên", "03356", "03356"),
        ("Xã Thanh Xương, Huyện Điện Biên, Tỉnh Điện Biên", "03334", "03334"),
        ("Xã Mường Pồn, Huyện Điện Biên, Tỉnh Điện Biên", "03319", "03202"),
    ],
}


class DienBienDistrictTests(TestCase):
    def assert_resolves(self, address, legacy_code, today_code):
        result = resolve_legacy_address(address)
        self.assertTrue(result, f"{address}: {result.note}")
        self.assertEqual(result.legacy_commune.code, legacy_code, address)
        self.assertEqual(result.commune.code, today_code, address)
        self.assertEqual(result.province.code, "11", address)
        self.assertEqual(result.legacy_province.code, "11", address)
        self.assertEqual(result.confidence, Confidence.HIGH, address)
        self.assertFalse(result.is_partial, address)
        self.assertFalse(result.is_ambiguous, address)

    def test_tua_chua_communes_resolve_to_todays_communes(self):
        for address, legacy_code, today_code in DIEN_BIEN_CASES["Tủa Chùa"]:
            with self.subTest(address):
                self.assert_resolves(address, legacy_code, today_code)

    def test_muong_ang_communes_resolve_to_todays_communes(self):
        for address, legacy_code, today_code in DIEN_BIEN_CASES["Mường Ảng"]:
            with self.subTest(address):
                self.assert_resolves(address, legacy_code, today_code)

    def test_dien_bien_district_communes_resolve_to_todays_communes(self):
        for address, legacy_code, today_code in DIEN_BIEN_CASES["Điện Biên"]:
            with self.subTest(address):
                self.assert_resolves(address, legacy_code, today_code)

    def test_the_result_names_the_legacy_district_and_today_s_units(self):
        result = resolve_legacy_address("Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên")
        self.assertEqual(result.legacy_district.name, "Huyện Mường Ảng")
        self.assertEqual(result.commune.name, "Xã Mường Ảng")
        self.assertEqual(result.province.name, "Tỉnh Điện Biên")
        self.assertEqual(len(result.successors), 1)
        self.assertTrue(result.successors[0].is_primary)

    def test_a_commune_of_another_district_is_not_matched(self):
        result = resolve_legacy_address("Xã Ẳng Nưa, Huyện Tủa Chùa, Tỉnh Điện Biên")
        self.assertFalse(result)
        self.assertIsNone(result.legacy_commune)
        self.assertEqual(result.note, CONTEXT_MISMATCH)


class WrittenVariantTests(TestCase):
    VARIANTS = [
        "Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên",
        "xa ang nua, huyen muong ang, tinh dien bien",
        "XÃ ẲNG NƯA, HUYỆN MƯỜNG ẢNG, TỈNH ĐIỆN BIÊN",
        unicodedata.normalize("NFD", "Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên"),
        "X. Ẳng Nưa, H. Mường Ảng, T. Điện Biên",
        "Ẳng Nưa, Mường Ảng, Điện Biên",
        "  Xã  Ẳng Nưa ,Huyện Mường Ảng;  Tỉnh Điện Biên. ",
        "Xã Ẳng Nưa Huyện Mường Ảng Tỉnh Điện Biên",
        "xa ang nua huyen muong ang tinh dien bien",
        "Tỉnh Điện Biên, Huyện Mường Ảng, Xã Ẳng Nưa",
        "Xã Ẳng Nưa - Huyện Mường Ảng - Tỉnh Điện Biên",
        "Bản Co Muông, Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên, Việt Nam",
    ]

    def test_case_tone_marks_normal_form_abbreviations_and_order_do_not_matter(self):
        for address in self.VARIANTS:
            with self.subTest(address):
                result = resolve_legacy_address(address)
                self.assertTrue(result, result.note)
                self.assertEqual(result.legacy_commune.code, "03307")
                self.assertEqual(result.commune.code, "03256")
                self.assertEqual(result.confidence, Confidence.HIGH)

    def test_commune_and_province_only_give_medium_confidence(self):
        result = resolve_legacy_address("Ẳng Nưa, Điện Biên")
        self.assertEqual(result.commune.code, "03256")
        self.assertEqual(result.confidence, Confidence.MEDIUM)

    def test_a_commune_name_unique_in_the_country_alone_gives_low_confidence(self):
        result = resolve_legacy_address("Ẳng Nưa")
        self.assertEqual(result.commune.code, "03256")
        self.assertEqual(result.confidence, Confidence.LOW)

    def test_city_and_town_abbreviations(self):
        cases = [
            ("Phường Him Lam, TP. Điện Biên Phủ, T. Điện Biên", "03127", "03127"),
            ("P. Mường Thanh, TP Điện Biên Phủ, Điện Biên", "03136", "03127"),
            ("Phường Na Lay, TX. Mường Lay, Điện Biên", "03151", "03151"),
            ("Xã Phúc Xá, Q. Ba Đình, TP. Hà Nội", "00001", "00097"),
        ]
        for address, legacy_code, today_code in cases:
            with self.subTest(address):
                result = resolve_legacy_address(address)
                self.assertEqual(result.legacy_commune.code, legacy_code)
                self.assertEqual(result.commune.code, today_code)

    def test_numbered_wards_with_short_forms(self):
        for address in ["Phường 8, Quận 6, Thành phố Hồ Chí Minh", "P.8, Q.6, TP HCM", "P8, Q6"]:
            with self.subTest(address):
                result = resolve_legacy_address(address)
                self.assertEqual(result.legacy_commune.code, "27376")
                self.assertEqual(result.legacy_district.name, "Quận 6")

    def test_names_with_apostrophes_match_however_they_are_typed(self):
        for address in ["Xã Ea H'Leo, Huyện Ea H'Leo, Đắk Lắk", "Xa Ea Hleo, Ea H’leo, Dak Lak"]:
            with self.subTest(address):
                result = resolve_legacy_address(address)
                self.assertEqual(result.legacy_commune.code, "24184")


class SplitAndAmbiguousTests(TestCase):
    def test_a_split_commune_lists_its_main_successor_first_and_is_partial(self):
        result = resolve_legacy_address("Phường Ngọc Hà, Quận Ba Đình, Hà Nội")
        self.assertEqual(result.legacy_commune.code, "00016")
        self.assertTrue(result.is_partial)
        self.assertEqual(
            [(s.commune.code, s.is_primary, s.is_partial) for s in result.successors],
            [("00008", True, True), ("00004", False, True)],
        )
        self.assertEqual(result.commune.code, "00008")

    def test_a_name_shared_by_several_communes_is_reported_not_guessed(self):
        result = resolve_legacy_address("Xã Thanh Minh")
        self.assertFalse(result)
        self.assertTrue(result.is_ambiguous)
        self.assertEqual(result.note, AMBIGUOUS)
        self.assertEqual(sorted(unit.code for unit in result.candidates), ["03145", "07960"])
        self.assertIsNone(result.legacy_commune)

    def test_the_province_settles_a_shared_name(self):
        result = resolve_legacy_address("Xã Thanh Minh, Điện Biên")
        self.assertEqual(result.legacy_commune.code, "03145")
        self.assertEqual(result.commune.code, "03127")

    def test_a_name_that_looks_like_a_prefix_is_read_as_a_name(self):
        # "Xà Hồ" (Lào Cai) is a name; read as "Xã" + "Hồ" it would be Phường Hồ (Bắc Ninh).
        self.assertEqual(resolve_legacy_address("Xà Hồ").legacy_commune.code, "04594")
        self.assertEqual(resolve_legacy_address("Xã Xà Hồ").legacy_commune.code, "04594")
        self.assertEqual(resolve_legacy_address("Phường Hồ").legacy_commune.code, "09400")

    def test_a_legacy_commune_without_successor_says_so(self):
        result = resolve_legacy_address("Phường 1, Quận 6, Thành phố Hồ Chí Minh")
        self.assertEqual(result.legacy_commune.code, "27379")
        self.assertFalse(result)
        self.assertEqual(result.note, NO_SUCCESSOR)
        self.assertEqual(result.province.code, "79")

    def test_an_address_already_in_todays_units_resolves_to_itself(self):
        result = resolve_legacy_address("Phường Điện Biên Phủ, Tỉnh Điện Biên")
        self.assertEqual(result.commune.code, "03127")
        self.assertIsNone(result.legacy_commune)
        self.assertEqual(result.note, CURRENT_UNIT)

    def test_a_district_or_province_alone_is_reported_without_a_commune(self):
        result = resolve_legacy_address("Huyện Mường Ảng, Tỉnh Điện Biên")
        self.assertFalse(result)
        self.assertEqual(result.legacy_district.code, "102")
        self.assertEqual(result.province.code, "11")
        self.assertEqual(result.note, DISTRICT_ONLY)

        result = resolve_legacy_address("Tỉnh Điện Biên")
        self.assertFalse(result)
        self.assertEqual((result.legacy_province.code, result.province.code), ("11", "11"))
        self.assertEqual(result.note, PROVINCE_ONLY)


class GarbageInputTests(TestCase):
    GARBAGE = [
        "",
        "''",
        '""',
        "   ",
        ",,, ;;",
        "x" * 10_000,
        "Xã " * 100,
        "'; DROP TABLE regions_province; --",
        "Robert'); DELETE FROM regions_commune WHERE ('1'='1",
        "%",
        "_",
        "\x00",
        "\ud800",
        "🙂🙂🙂",
        "Xã Không Có Thật, Huyện Không Có, Tỉnh Không Có",
        None,
        42,
        ["Xã Ẳng Nưa"],
    ]

    def test_garbage_gives_no_match_and_changes_nothing(self):
        before = (Commune.objects.count(), LegacyCommune.objects.count())
        for text in self.GARBAGE:
            with self.subTest(repr(text)[:40]):
                result = resolve_legacy_address(text)
                self.assertFalse(result)
                self.assertEqual(result.confidence, Confidence.NONE)
                self.assertTrue(result.note)
        self.assertEqual((Commune.objects.count(), LegacyCommune.objects.count()), before)

    def test_control_characters_are_read_as_spaces(self):
        self.assertEqual(resolve_legacy_address("Xã Ẳng\x00Nưa\t").commune.code, "03256")

    def test_empty_and_too_long_texts_say_why(self):
        self.assertEqual(resolve_legacy_address("''").note, NO_TEXT)
        self.assertEqual(resolve_legacy_address("x" * 10_000).note, TOO_LONG)

    def test_resolution_takes_a_few_queries(self):
        # known legacy districts, known legacy provinces, legacy communes, their successions
        with self.assertNumQueries(4):
            resolve_legacy_address("Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên")


class SuccessorProvinceTests(TestCase):
    def test_successor_of_a_legacy_province_by_object_or_code(self):
        self.assertEqual(successor_province(LegacyProvince.objects.get(code="11")).code, "11")
        self.assertEqual(successor_province("02").code, "08")  # Hà Giang → Tuyên Quang
        self.assertEqual(successor_province(82).code, "82")  # Tiền Giang → Đồng Tháp

    def test_the_province_that_received_most_communes_wins(self):
        LegacyProvince.objects.get(code="11").successors.add("12")
        self.assertEqual(successor_province("11").code, "11")

    def test_unknown_or_malformed_codes_give_none(self):
        for value in ["99", "zz", "", None, "'; --", 3.5, "١١"]:
            with self.subTest(repr(value)):
                self.assertIsNone(successor_province(value))


class AggregationTests(TestCase):
    def test_legacy_rows_are_counted_under_todays_communes_and_provinces(self):
        legacy = LegacyCommune.objects.filter(district="102")
        by_commune = dict(
            annotate_today_units(legacy, legacy_commune_field="pk")
            .values_list("today_commune_code")
            .annotate(n=Count("pk"))
            .values_list("today_commune_code", "n")
        )
        self.assertEqual(by_commune, {"03256": 3, "03301": 2, "03313": 3, "03316": 2})
        by_province = dict(
            annotate_today_units(legacy, legacy_commune_field="pk")
            .values_list("today_province_code")
            .annotate(n=Count("pk"))
            .values_list("today_province_code", "n")
        )
        self.assertEqual(by_province, {"11": 10})
        self.assertEqual(Commune.objects.get(code="03301").name, "Xã Búng Lao")


class PreloadedUnitsTests(TestCase):
    """The in-memory lookups used by imports give exactly the database's answers."""

    @classmethod
    def setUpTestData(cls):
        cls.units = PreloadedUnits()

    def assert_same(self, address):
        expected = resolve_legacy_address(address)
        found = resolve_legacy_address(address, units=self.units)
        self.assertEqual(_summary(found), _summary(expected), repr(address)[:80])

    def test_every_address_of_these_tests_resolves_the_same(self):
        addresses = [case[0] for cases in DIEN_BIEN_CASES.values() for case in cases]
        addresses += WrittenVariantTests.VARIANTS + GarbageInputTests.GARBAGE
        addresses += [
            "Ẳng Nưa, Điện Biên",
            "Ẳng Nưa",
            "Xã Thanh Minh",
            "Xã Thanh Minh, Điện Biên",
            "Xà Hồ",
            "Phường Hồ",
            "Phường 1, Quận 6, Thành phố Hồ Chí Minh",
            "Phường Điện Biên Phủ, Tỉnh Điện Biên",
            "Huyện Mường Ảng, Tỉnh Điện Biên",
            "Tỉnh Điện Biên",
            "Xã Ẳng Nưa, Huyện Tủa Chùa, Tỉnh Điện Biên",
            "Phường Ngọc Hà, Quận Ba Đình, Hà Nội",
        ]
        for address in addresses:
            with self.subTest(repr(address)[:40]):
                self.assert_same(address)

    def test_a_sample_of_the_country_resolves_the_same(self):
        communes = list(LegacyCommune.objects.select_related("district__province"))
        sample = random.Random(26).sample(communes, 300)
        forms = [
            "{c.name}, {d.name}, {p.name}",
            "{c.short_name}, {p.short_name}",
            "{c.short_name}",
            "{c.short_name} - {d.short_name}",
            "{d.name}, {p.name}",
        ]
        for index, commune in enumerate(sample):
            district = commune.district
            address = forms[index % len(forms)].format(c=commune, d=district, p=district.province)
            self.assert_same(address)

    def test_preloaded_lookups_make_no_query(self):
        with self.assertNumQueries(0):
            resolve_legacy_address("Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên", units=self.units)


def _summary(result):
    return (
        getattr(result.legacy_commune, "pk", None),
        getattr(result.legacy_district, "pk", None),
        getattr(result.legacy_province, "pk", None),
        [
            (s.commune.pk, s.commune.province_id, s.is_primary, s.is_partial)
            for s in result.successors
        ],
        getattr(result.province, "pk", None),
        result.confidence,
        [unit.pk for unit in result.candidates],
        str(result.note),
        result.unrecognised_parts,
    )


class ProvinceNamedTests(TestCase):
    """A list that prints only the province: today's province, also for a merged one."""

    CASES = {
        "Điện Biên": "11",
        "Tỉnh Điện Biên": "11",
        "tinh dien bien": "11",
        "Bắc Kạn": "19",
        "Yên Bái": "15",
        "Đắk Nông": "68",
        "Kiên Giang": "91",
        "Trà Vinh": "86",
        "Bắc Giang": "24",
        "Quảng Nam": "48",
        "TP. Hồ Chí Minh": "79",
    }

    def test_today_s_province_of_a_province_name(self):
        units = PreloadedUnits()
        for text, code in self.CASES.items():
            with self.subTest(text):
                self.assertEqual(province_named(text).code, code)
                self.assertEqual(province_named(text, units=units).code, code)

    def test_anything_else_names_no_province(self):
        for text in (
            "Ẳng Nưa",
            "Xã Ẳng Nưa, Điện Biên",
            "",
            None,
            "x" * 1000,
            "Điện Biên, Lai Châu",
        ):
            with self.subTest(repr(text)[:30]):
                self.assertIsNone(province_named(text))
