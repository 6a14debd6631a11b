"""The linkage criterion from the records (issue 17 §4): the share bought under contract over
twelve months, its stability, and the option of the sheet it supports."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.rubric.models import Sheet
from ocop.supply.linkage import (
    Condition,
    Linkage,
    linkage_criterion,
    option_condition,
    product_linkage,
    supported_option,
    window,
)
from ocop.supply.models import Contract, Household, Purchase, Unit

DAY = datetime.date(2026, 12, 7)  # the day of registration
YEAR_BEFORE = datetime.date(2025, 12, 7)
# The options of the criterion in the order of their points (sheet 5, whose criterion is 1.4).
NONE, FROM_50, ABOVE_75, ABOVE_75_STABLE = range(4)


def supported(linkage, sheet_number=5):
    """The position of the option the records support, among the criterion's options."""
    sheet = Sheet.objects.get(version__slug="26-2026", number=sheet_number)
    criterion = linkage_criterion(sheet)
    options = sorted(criterion.options.all(), key=lambda option: option.points)
    return options.index(supported_option(criterion, linkage))


def linkage_of(share, *, stable):
    """Figures with ``share`` percent under contract, contracts in force for the last twelve
    months (``stable``) or only for the last six."""
    return Linkage(
        day=DAY,
        since=YEAR_BEFORE,
        base_unit="kg",
        bought=Decimal(100),
        under_contract=share or Decimal(0),
        share=share,
        contracted_since=YEAR_BEFORE if stable else datetime.date(2026, 6, 1),
    )


class Records:
    """A producer, its product, and two households, one of them under contract."""

    def setUp(self):
        super().setUp()
        self.producer = ProducerFactory()
        self.product = ProductFactory(producer=self.producer)
        self.linked = self.household("Giàng A Sình (mẫu)")
        self.unlinked = self.household("Vàng Seo Pao (mẫu)")

    def household(self, name, producer=None):
        producer = producer or self.producer
        return Household.objects.create(
            producer=producer,
            head_name=name,
            ethnicity="Mông",
            commune=producer.commune,
            village="Bản Sín Chải (mẫu)",
        )

    def contract(self, starts_on, ends_on, household=None):
        return Contract.objects.create(
            producer=self.producer,
            household=household or self.linked,
            product=self.product,
            starts_on=starts_on,
            ends_on=ends_on,
            committed_quantity=Decimal(1000),
            price_terms="Giá thị trường cộng 10% (mẫu)",
        )

    def buy(self, quantity, on, *, contract=None, household=None, unit=Unit.KILOGRAM):
        return Purchase.objects.create(
            producer=self.producer,
            household=household or (contract.household if contract else self.unlinked),
            product=self.product,
            contract=contract,
            purchased_on=on,
            quantity=Decimal(quantity),
            unit=unit,
            unit_price=Decimal(20000),
        )


class ShareTests(Records, TestCase):
    def test_the_share_is_what_was_bought_under_contract_over_all_that_was_bought(self):
        contract = self.contract(YEAR_BEFORE, DAY)
        self.buy(600, DAY - datetime.timedelta(days=30), contract=contract)
        self.buy(400, DAY - datetime.timedelta(days=20))
        linkage = product_linkage(self.product, DAY)
        self.assertEqual((linkage.bought, linkage.under_contract), (1000, 600))
        self.assertEqual(linkage.share, Decimal("60.00"))
        self.assertEqual(supported(linkage), FROM_50)

    def test_units_are_summed_in_kilograms(self):
        contract = self.contract(YEAR_BEFORE, DAY)
        self.buy(1, DAY, contract=contract, unit=Unit.TONNE)  # 1,000 kg
        self.buy(2, DAY, unit=Unit.QUINTAL)  # 200 kg
        linkage = product_linkage(self.product, DAY)
        self.assertEqual((linkage.bought, linkage.under_contract), (1200, 1000))
        self.assertEqual(linkage.base_unit, "kg")

    def test_nothing_bought_supports_no_linkage(self):
        self.contract(YEAR_BEFORE, DAY)
        linkage = product_linkage(self.product, DAY)
        self.assertIsNone(linkage.share)
        self.assertEqual(supported(linkage), NONE)
        self.assertFalse(linkage.stable)

    def test_the_window_is_the_twelve_months_that_end_on_the_day(self):
        """ "ổn định từ 12 tháng trở lên tính đến thời điểm đăng ký" (criterion 1.4/1.5): a
        purchase on the same day a year before is outside, the next day inside."""
        self.assertEqual(window(DAY), (YEAR_BEFORE, DAY))
        self.buy(100, YEAR_BEFORE)
        self.assertIsNone(product_linkage(self.product, DAY).share)
        self.buy(100, YEAR_BEFORE + datetime.timedelta(days=1))
        self.assertEqual(product_linkage(self.product, DAY).bought, 100)
        self.buy(100, DAY + datetime.timedelta(days=1))  # after the day: not counted
        self.assertEqual(product_linkage(self.product, DAY).bought, 100)

    def test_the_window_of_29_february_ends_on_28_february_a_year_before(self):
        self.assertEqual(window(datetime.date(2028, 2, 29))[0], datetime.date(2027, 2, 28))


class ThresholdTests(TestCase):
    """The thresholds the sheet prints: "từ 50% đến dưới 75%", "trên 75%" (Decision
    26/2026/QĐ-TTg, criterion "Liên kết chuỗi trong sản xuất" of the food sheets)."""

    def test_each_threshold(self):
        cases = [
            (None, False, NONE),
            (Decimal("0"), True, NONE),
            (Decimal("49.99"), True, NONE),
            (Decimal("50"), False, FROM_50),
            (Decimal("74.99"), True, FROM_50),
            (Decimal("75"), True, FROM_50),  # neither "dưới 75%" nor "trên 75%"
            (Decimal("75.01"), False, ABOVE_75),
            (Decimal("75.01"), True, ABOVE_75_STABLE),
            (Decimal("100"), True, ABOVE_75_STABLE),
        ]
        for share, stable, expected in cases:
            with self.subTest(share=share, stable=stable):
                self.assertEqual(supported(linkage_of(share, stable=stable)), expected)


class StabilityTests(Records, TestCase):
    """ "tổ chức thực hiện hợp đồng ổn định từ 12 tháng trở lên": contracts in force on every
    day of the twelve months, and carried out (purchases under them)."""

    def test_contracts_that_follow_each_other_without_a_gap_are_stable(self):
        first = self.contract(datetime.date(2025, 6, 1), datetime.date(2026, 5, 31))
        self.contract(datetime.date(2026, 6, 1), datetime.date(2027, 5, 31))
        self.buy(900, datetime.date(2026, 4, 2), contract=first)
        self.buy(100, datetime.date(2026, 4, 3))
        linkage = product_linkage(self.product, DAY)
        self.assertTrue(linkage.stable)
        self.assertEqual(supported(linkage), ABOVE_75_STABLE)

    def test_a_day_without_a_contract_breaks_the_twelve_months(self):
        first = self.contract(datetime.date(2025, 6, 1), datetime.date(2026, 5, 30))
        self.contract(datetime.date(2026, 6, 1), datetime.date(2027, 5, 31))  # 31 May uncovered
        self.buy(1000, datetime.date(2026, 4, 2), contract=first)
        linkage = product_linkage(self.product, DAY)
        self.assertFalse(linkage.stable)
        self.assertEqual(supported(linkage), ABOVE_75)

    def test_a_contract_that_started_less_than_twelve_months_before_is_not_yet_stable(self):
        contract = self.contract(YEAR_BEFORE + datetime.timedelta(days=2), DAY)
        self.buy(1000, DAY, contract=contract)
        self.assertFalse(product_linkage(self.product, DAY).stable)
        contract.starts_on = YEAR_BEFORE + datetime.timedelta(days=1)  # the window's first day
        contract.save()
        self.assertTrue(product_linkage(self.product, DAY).stable)

    def test_contracts_signed_but_not_carried_out_are_not_stable(self):
        self.contract(YEAR_BEFORE, DAY)
        self.buy(1000, DAY)  # bought outside the contract
        linkage = product_linkage(self.product, DAY)
        self.assertFalse(linkage.stable)
        self.assertEqual(supported(linkage), NONE)


class SheetOptionTests(TestCase):
    """The option supported is read from each sheet's own wording."""

    def test_every_sheet_with_the_criterion_maps_each_level_to_its_option(self):
        sheets = Sheet.objects.filter(version__slug="26-2026").order_by("number")
        levels = [
            linkage_of(None, stable=False),
            linkage_of(Decimal(50), stable=False),
            linkage_of(Decimal("75.01"), stable=False),
            linkage_of(Decimal("75.01"), stable=True),
        ]
        with_criterion = 0
        for sheet in sheets:
            criterion = linkage_criterion(sheet)
            if criterion is None:
                continue
            with_criterion += 1
            options = sorted(criterion.options.all(), key=lambda option: option.points)
            with self.subTest(sheet=sheet.number, criterion=criterion.code):
                self.assertIn(criterion.code, ("1.4", "1.5"))
                self.assertEqual(
                    [option_condition(option.text_vi) for option in options],
                    [
                        Condition(),
                        Condition(share=Decimal(50), inclusive=True),
                        Condition(share=Decimal(75), inclusive=False),
                        Condition(share=Decimal(75), inclusive=False, months=12),
                    ],
                )
                for linkage, option in zip(levels, options, strict=True):
                    self.assertEqual(supported_option(criterion, linkage), option)
                self.assertEqual(options[2].star_minimum, 4)
                self.assertEqual(options[3].star_minimum, 5)
        self.assertEqual(with_criterion, 25)

    def test_another_wording_gives_another_condition(self):
        """Nothing of the thresholds is written in the code: a sheet printing other numbers
        would be read with them."""
        self.assertEqual(
            option_condition("Có hợp đồng liên kết từ 60,5% sản lượng"),
            Condition(share=Decimal("60.5"), inclusive=True),
        )
        self.assertEqual(
            option_condition("Có hợp đồng liên kết trên 80% … ổn định từ 24 tháng trở lên"),
            Condition(share=Decimal(80), inclusive=False, months=24),
        )


class RecordRuleTests(Records, TestCase):
    def test_a_purchase_under_a_contract_must_fall_in_its_period(self):
        contract = self.contract(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
        purchase = Purchase(
            producer=self.producer,
            household=self.linked,
            product=self.product,
            contract=contract,
            purchased_on=datetime.date(2026, 7, 1),
            quantity=Decimal(5),
            unit_price=Decimal(1),
        )
        with self.assertRaises(ValidationError) as raised:
            purchase.full_clean()
        self.assertIn("contract", raised.exception.message_dict)

    def test_another_producers_household_is_refused(self):
        other = self.household("Hộ khác (mẫu)", producer=ProducerFactory())
        purchase = Purchase(
            producer=self.producer,
            household=other,
            product=self.product,
            purchased_on=DAY,
            quantity=Decimal(5),
            unit_price=Decimal(1),
        )
        with self.assertRaises(ValidationError) as raised:
            purchase.full_clean()
        self.assertIn("household", raised.exception.message_dict)

    def test_an_entry_key_stores_one_purchase(self):
        first = self.buy(5, DAY)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Purchase.objects.create(
                producer=self.producer,
                household=self.unlinked,
                product=self.product,
                purchased_on=DAY,
                quantity=Decimal(5),
                unit_price=Decimal(1),
                entry_key=first.entry_key,
            )
        self.assertEqual(Purchase.objects.count(), 1)

    def test_a_quantity_must_be_positive(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.buy(0, DAY)


class ScopeTests(Records, TestCase):
    """Producers see only their own households and purchases; officials see none of the rows."""

    def test_only_the_producers_members_see_its_rows(self):
        from ocop.accounts.tests.factories import central_officer, province_officer

        self.buy(5, DAY)
        member = producer_member(self.producer)
        other_member = producer_member(ProducerFactory())
        for model in (Household, Purchase):
            with self.subTest(model=model.__name__):
                self.assertTrue(model.objects.visible_to(member).exists())
                self.assertFalse(model.objects.visible_to(other_member).exists())
                self.assertFalse(model.objects.visible_to(province_officer()).exists())
                self.assertFalse(model.objects.visible_to(central_officer()).exists())
