import time_machine
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase, override_settings

from ocop.producers.tests.factories import ProducerFactory
from ocop.products.codes import (
    ProductCode,
    check_code_for_producer,
    normalize_code,
    parse_code,
    validate_code,
)
from ocop.regions.tests.factories import commune

from .factories import legacy_commune, legacy_province


def error_codes(error: ValidationError) -> list[str]:
    return [item.code for item in error.error_list]


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


class NormaliseCodeTests(SimpleTestCase):
    def test_spaces_and_every_kind_of_dash_are_unified(self):
        assert normalize_code(" 11 – 03256 — 001 ‑ 2026 ") == "11-03256-001-2026"
        assert normalize_code("11\u2212 03256 -001-2026") == "11-03256-001-2026"

    def test_province_and_commune_are_zero_padded(self):
        assert normalize_code("1-3256-001-2026") == "01-03256-001-2026"
        assert normalize_code("11-102-3307-01-2022") == "11-102-03307-01-2022"

    def test_sequence_number_is_kept_as_written(self):
        assert normalize_code("11-03256-1-2026") == "11-03256-1-2026"
        assert normalize_code("11-03256-0001-2026") == "11-03256-0001-2026"

    def test_text_that_is_not_a_code_is_only_cleaned(self):
        assert normalize_code(" ab – cd ") == "ab-cd"
        assert normalize_code(None) == ""


@time_machine.travel("2026-06-15 09:00 +0700", tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class ParseCodeTests(SimpleTestCase):
    def test_garbage_is_refused_with_the_expected_shape(self):
        for text in [
            "",
            "abc",
            "11-03256-001",
            "11/03256/001/2026",
            "11-03256-0a1-2026",
            "11--03256-001-2026",
            "11-03256-001-2026-1-2",
            "١١-03256-001-2026",  # Arabic-Indic digits are digits to Python, not to us
        ]:
            with self.subTest(text=text), self.assertRaises(ValidationError) as caught:
                parse_code(text)
            assert error_codes(caught.exception) == ["bad_format"]
            assert "11-03256-001-2026" in messages(caught.exception)

    def test_sequence_number_of_zero_or_five_digits_is_refused(self):
        for sequence in ["0", "000", "00001", "12345"]:
            with self.subTest(sequence=sequence), self.assertRaises(ValidationError) as caught:
                parse_code(f"11-03256-{sequence}-2026")
            assert error_codes(caught.exception) == ["bad_sequence"]
            assert "(STT)" in messages(caught.exception)

    def test_year_outside_2019_to_next_year_is_refused(self):
        for year in ["2018", "2028", "26", "02026"]:
            with self.subTest(year=year), self.assertRaises(ValidationError) as caught:
                parse_code(f"11-03256-001-{year}")
            assert error_codes(caught.exception) == ["bad_year"]
            assert "2019" in messages(caught.exception)
            assert "2027" in messages(caught.exception)

    def test_next_year_is_accepted(self):
        assert parse_code("11-03256-001-2027").year == 2027
        assert parse_code("11-03256-001-2019").year == 2019

    def test_legacy_code_dated_after_2025_is_refused_with_an_explanation(self):
        with self.assertRaises(ValidationError) as caught:
            parse_code("11-102-03307-01-2026")
        assert error_codes(caught.exception) == ["bad_year"]
        assert "until 2025" in messages(caught.exception)

    def test_province_with_three_digits_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            parse_code("111-03256-001-2026")
        assert error_codes(caught.exception) == ["bad_province"]

    def test_commune_with_six_digits_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            parse_code("11-032560-001-2026")
        assert error_codes(caught.exception) == ["bad_commune"]

    def test_every_wrong_part_is_reported_at_once(self):
        with self.assertRaises(ValidationError) as caught:
            parse_code("11-03256-0-2030")
        assert error_codes(caught.exception) == ["bad_sequence", "bad_year"]


@time_machine.travel("2026-06-15 09:00 +0700", tick=False)
@override_settings(LANGUAGE_CODE="en")
class ValidateCodeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for code in ("03256", "03127", "03388"):
            commune(code)
        for code in ("03256", "03307", "03127", "03388"):
            legacy_commune(code)

    def test_current_code_with_a_commune_of_its_province_is_valid(self):
        code = validate_code("11-03256-001-2026")
        assert code == ProductCode(province="11", commune="03256", sequence="001", year=2026)
        assert not code.is_legacy
        assert str(code) == "11-03256-001-2026"

    def test_code_typed_loosely_is_validated_after_normalising(self):
        assert str(validate_code("11 – 3256 – 001 – 2026")) == "11-03256-001-2026"

    def test_legacy_code_with_district_is_valid(self):
        code = validate_code("11-102-03307-01-2022")
        assert code.is_legacy
        assert (code.province, code.district, code.commune) == ("11", "102", "03307")
        assert str(code) == "11-102-03307-01-2022"

    def test_unknown_province_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            validate_code("99-03256-001-2026")
        assert error_codes(caught.exception) == ["unknown_province"]
        assert "(T, the first part of the code)" in messages(caught.exception)

    def test_commune_of_another_province_is_refused_naming_both_provinces(self):
        with self.assertRaises(ValidationError) as caught:
            validate_code("12-03256-001-2026")
        assert error_codes(caught.exception) == ["commune_elsewhere"]
        text = messages(caught.exception)
        assert "Xã Mường Ảng" in text
        assert "Tỉnh Điện Biên" in text
        assert "Tỉnh Lai Châu" in text

    def test_non_existent_commune_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            validate_code("11-99999-001-2026")
        assert error_codes(caught.exception) == ["unknown_commune"]
        assert "(X, the second part of the code)" in messages(caught.exception)

    def test_unknown_province_and_commune_are_both_reported(self):
        with self.assertRaises(ValidationError) as caught:
            validate_code("99-99999-001-2026")
        assert error_codes(caught.exception) == ["unknown_province", "unknown_commune"]

    def test_legacy_commune_code_in_the_current_form_is_refused(self):
        # 03307 (Xã Ẳng Nưa) stopped existing on 1 July 2025.
        with self.assertRaises(ValidationError) as caught:
            validate_code("11-03307-001-2026")
        assert error_codes(caught.exception) == ["unknown_commune"]

    def test_legacy_unknown_district_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            validate_code("11-999-03307-01-2022")
        assert error_codes(caught.exception) == ["unknown_district"]

    def test_legacy_district_of_another_province_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            validate_code("12-102-03307-01-2022")
        assert error_codes(caught.exception) == ["district_elsewhere"]

    def test_legacy_commune_of_another_district_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            validate_code("11-094-03307-01-2022")
        assert error_codes(caught.exception) == ["commune_elsewhere"]
        assert "Huyện Mường Ảng" in messages(caught.exception)

    def test_legacy_unknown_commune_and_province_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            validate_code("13-102-99999-01-2022")
        assert error_codes(caught.exception) == ["unknown_province", "unknown_commune"]


class CodeForProducerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(commune=commune("03256"))
        commune("03127")
        commune("03388")
        for code in ("03256", "03307", "03127", "03388"):
            legacy_commune(code)

    def test_code_of_the_producers_commune_matches(self):
        code = ProductCode(province="11", commune="03256", sequence="1", year=2026)
        assert check_code_for_producer(code, self.producer) == []

    def test_code_of_another_commune_of_the_province_gives_a_warning(self):
        code = ProductCode(province="11", commune="03127", sequence="1", year=2026)
        warnings = check_code_for_producer(code, self.producer)
        assert len(warnings) == 1
        assert "03127" in warnings[0]
        assert "Mường Ảng" in warnings[0]

    def test_code_of_another_province_is_refused(self):
        code = ProductCode(province="12", commune="03388", sequence="1", year=2026)
        with self.assertRaises(ValidationError) as caught:
            check_code_for_producer(code, self.producer)
        assert error_codes(caught.exception) == ["other_province"]

    def test_legacy_code_of_a_predecessor_commune_matches(self):
        code = ProductCode(province="11", district="102", commune="03307", sequence="1", year=2022)
        assert check_code_for_producer(code, self.producer) == []

    def test_legacy_code_of_a_commune_now_elsewhere_in_the_province_gives_a_warning(self):
        code = ProductCode(province="11", district="094", commune="03127", sequence="1", year=2022)
        assert len(check_code_for_producer(code, self.producer)) == 1

    def test_legacy_code_of_a_commune_now_in_another_province_is_refused(self):
        code = ProductCode(province="12", district="105", commune="03388", sequence="1", year=2022)
        with self.assertRaises(ValidationError):
            check_code_for_producer(code, self.producer)

    def test_legacy_code_without_succession_data_is_checked_by_province_only(self):
        from ocop.regions.models import CommuneSuccession

        CommuneSuccession.objects.filter(legacy_commune_id="03127").delete()
        legacy_province("11").successors.add(self.producer.province)
        code = ProductCode(province="11", district="094", commune="03127", sequence="1", year=2022)
        assert check_code_for_producer(code, self.producer) == []
        CommuneSuccession.objects.filter(legacy_commune_id="03388").delete()
        legacy_province("12").successors.add(commune("03388").province)
        other = ProductCode(province="12", district="105", commune="03388", sequence="1", year=2022)
        with self.assertRaises(ValidationError):
            check_code_for_producer(other, self.producer)
