import time_machine
from django.test import TestCase, override_settings
from django.utils import translation

from ocop.accounts.tests.factories import province_officer
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.forms import ProductForm
from ocop.products.models import ALL_MONTHS, Product, ScoringSet
from ocop.regions.tests.factories import commune

from .factories import ProductFactory
from .test_permissions import edit_data


@time_machine.travel("2026-06-15 09:00 +0700", tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class ProductFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(commune=commune("03256"))
        cls.official = province_officer("11")
        cls.member = producer_member(cls.producer)
        cls.product = ProductFactory(producer=cls.producer, code="11-03256-001-2026")

    def form(self, actor=None, instance=None, **overrides):
        data = edit_data(self.product, **overrides)
        return ProductForm(data, actor=actor or self.official, instance=instance)

    def test_months_checkboxes_become_the_bitmask(self):
        form = self.form(instance=self.product, available_months=["1", "2", "12"])
        assert form.is_valid(), form.errors
        assert form.cleaned_data["available_months"] == 1 | 2 | 2048

    def test_the_bitmask_ticks_the_matching_checkboxes(self):
        product = ProductFactory(
            producer=self.producer, available_months=Product.months_to_mask([3, 4, 10])
        )
        html = str(ProductForm(actor=self.official, instance=product)["available_months"])
        assert html.count("checked") == 3
        assert 'value="3" id="id_available_months_2" checked' in html
        assert 'value="10" id="id_available_months_9" checked' in html
        new = str(ProductForm(actor=self.official)["available_months"])
        assert new.count("checked") == 12  # a new product is available all year

    def test_no_month_ticked_is_an_error(self):
        form = self.form(instance=self.product, available_months=[])
        assert not form.is_valid()
        assert form.errors["available_months"] == [
            "Tick at least one month when the product is available."
        ]

    def test_month_outside_1_to_12_is_an_error(self):
        form = self.form(instance=self.product, available_months=["13"])
        assert not form.is_valid()
        assert "available_months" in form.errors

    def test_lowest_price_above_highest_gives_one_clear_message(self):
        form = self.form(instance=self.product, price_min="200000", price_max="150000")
        assert not form.is_valid()
        assert form.errors["price_max"] == [
            "The highest price (150,000 VND) is lower than the lowest price (200,000 VND). "
            "Swap them or correct one of them."
        ]
        assert list(form.errors) == ["price_max"]

    def test_equal_prices_are_fine(self):
        form = self.form(instance=self.product, price_min="150000", price_max="150000")
        assert form.is_valid(), form.errors

    def test_scoring_sets_are_grouped_by_sector_and_group_in_vietnamese(self):
        with translation.override("vi"):
            html = str(ProductForm(actor=self.official)["scoring_set"])
        assert '<optgroup label="I. Sản phẩm thực phẩm › Chè">' in html
        assert "11. Chè tươi, chè chế biến</option>" in html
        assert html.count("<optgroup") == 17
        assert html.count("<option") == 27  # the empty choice and the 26 sets

    def test_scoring_sets_follow_the_active_language(self):
        with translation.override("en"):
            html = str(ProductForm(actor=self.official)["scoring_set"])
        assert '<optgroup label="I. Food products › Tea">' in html
        assert "11. Fresh and processed tea</option>" in html

    def test_scoring_set_choice_is_saved(self):
        coffee = ScoringSet.objects.get(number=13)
        form = self.form(instance=self.product, scoring_set=str(coffee.pk))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["scoring_set"] == coffee

    def test_code_is_normalised(self):
        form = self.form(instance=self.product, code=" 11 — 3256 – 2 – 2026 ")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["code"] == "11-03256-2-2026"

    def test_duplicate_code_is_a_form_error_naming_the_code(self):
        ProductFactory(producer=self.producer, code="11-03256-002-2026")
        form = self.form(instance=self.product, code="11-03256-002-2026")
        assert not form.is_valid()
        assert form.errors["code"] == [
            "Another product already has the code 11-03256-002-2026. Each code belongs to one "
            "product only; check the sequence number (STT) and the year."
        ]

    def test_wrong_code_part_is_named(self):
        form = self.form(instance=self.product, code="11-99999-002-2026")
        assert not form.is_valid()
        assert "(X, the second part of the code)" in form.errors["code"][0]

    def test_code_of_another_province_than_the_producer_is_refused(self):
        commune("03388")
        form = self.form(instance=self.product, code="12-03388-002-2026")
        assert not form.is_valid()
        assert "another province" in form.errors["code"][0]

    def test_code_of_another_commune_of_the_province_gives_a_warning(self):
        commune("03127")
        form = self.form(instance=self.product, code="11-03127-002-2026")
        assert form.is_valid(), form.errors
        assert len(form.warnings) == 1

    def test_members_form_has_no_official_fields(self):
        form = ProductForm(actor=self.member, instance=self.product)
        assert "code" not in form.fields
        assert "producer" not in form.fields
        assert "is_sample" not in form.fields
        new = ProductForm(actor=self.member)
        assert "producer" in new.fields
        assert list(new.fields["producer"].queryset) == [self.producer]
        assert "code" not in new.fields

    def test_new_product_starts_available_all_year(self):
        form = ProductForm(actor=self.official)
        assert form["available_months"].value() == [str(month) for month in range(1, 13)]
        assert form.fields["available_months"].initial == ALL_MONTHS
