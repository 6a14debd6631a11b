"""A producer's yearly supply figures (issue 17 §4): volumes, growth, the share under contract
and what households earned, from the purchases, without naming a household."""

import datetime
from decimal import Decimal

from django.test import TestCase

from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.supply.figures import producer_years
from ocop.supply.models import Contract, Household, Purchase, Unit

UNTIL = datetime.date(2026, 12, 7)


class ProducerYearsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory()
        cls.product = ProductFactory(producer=cls.producer)
        cls.households = [
            Household.objects.create(
                producer=cls.producer,
                head_name=f"Hộ {n} (mẫu)",
                ethnicity="Mông",
                commune=cls.producer.commune,
                village="Bản Sín Chải (mẫu)",
            )
            for n in range(3)
        ]
        cls.contract = Contract.objects.create(
            producer=cls.producer,
            household=cls.households[0],
            product=cls.product,
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
            committed_quantity=Decimal(5000),
            price_terms="(mẫu)",
        )

    def buy(self, household, on, quantity, *, unit=Unit.KILOGRAM, price=20000, contract=None):
        Purchase.objects.create(
            producer=self.producer,
            household=household,
            product=self.product,
            contract=contract,
            purchased_on=on,
            quantity=Decimal(quantity),
            unit=unit,
            unit_price=Decimal(price),
        )

    def test_volumes_growth_share_and_household_earnings_by_year(self):
        first, second, third = self.households
        self.buy(first, datetime.date(2023, 6, 1), 999)  # before the three years: growth only
        self.buy(first, datetime.date(2024, 4, 1), 1000)
        self.buy(first, datetime.date(2025, 4, 1), 1000, contract=self.contract)
        self.buy(second, datetime.date(2025, 9, 1), 5, unit=Unit.QUINTAL)  # 500 kg
        self.buy(first, datetime.date(2026, 3, 1), 1200, contract=self.contract, price=25000)
        self.buy(third, datetime.date(2026, 12, 7), 600)
        self.buy(third, datetime.date(2026, 12, 8), 600)  # after the day: not counted
        years = producer_years(self.producer, until=UNTIL)
        self.assertEqual([year.year for year in years], [2024, 2025, 2026])
        y2024, y2025, y2026 = years
        self.assertEqual(y2024.growth, Decimal("0.1"))  # 999 → 1,000 kg
        self.assertEqual((y2025.bought, y2025.growth), (1500, Decimal("50.0")))
        self.assertEqual((y2026.bought, y2026.growth), (1800, Decimal("20.0")))
        self.assertEqual(y2025.share_under_contract, Decimal("66.67"))
        self.assertEqual((y2026.households, y2026.paid), (2, 1200 * 25000 + 600 * 20000))
        self.assertEqual(y2026.paid_per_household, 21_000_000)

    def test_a_producer_without_purchases_has_no_years(self):
        self.assertEqual(producer_years(self.producer, until=UNTIL), [])

    def test_another_producers_purchases_are_not_counted(self):
        other = ProducerFactory()
        household = Household.objects.create(
            producer=other,
            head_name="Hộ khác (mẫu)",
            ethnicity="Thái",
            commune=other.commune,
            village="Bản (mẫu)",
        )
        Purchase.objects.create(
            producer=other,
            household=household,
            product=ProductFactory(producer=other),
            purchased_on=UNTIL,
            quantity=Decimal(10),
            unit_price=Decimal(1),
        )
        self.assertEqual(producer_years(self.producer, until=UNTIL), [])

    def test_one_query(self):
        self.buy(self.households[0], UNTIL, 10)
        with self.assertNumQueries(1):
            producer_years(self.producer, until=UNTIL)
