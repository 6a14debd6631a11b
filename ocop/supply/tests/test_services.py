"""Writing supply records: members only, audited without household names, and a purchase entry
stored once however often it is sent (issue 17 §3)."""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from ocop.accounts.tests.factories import province_officer
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.supply import services
from ocop.supply.models import (
    AreaCertification,
    Contract,
    Household,
    ProductionLot,
    Purchase,
    RawMaterialArea,
)

DAY = datetime.date(2026, 11, 20)
SUPPLY_MODELS = (
    RawMaterialArea,
    AreaCertification,
    Household,
    Contract,
    Purchase,
    ProductionLot,
    AuditEvent,
)


def supply_state():
    """Every row, whole, of the supply tables and the audit log."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in SUPPLY_MODELS}


HEAD = "Giàng A Sình (mẫu)"


class SupplyServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory()
        cls.product = ProductFactory(producer=cls.producer)
        cls.member = producer_member(cls.producer)
        cls.household = services.add_household(
            cls.producer,
            actor=cls.member,
            head_name=HEAD,
            ethnicity="Mông",
            commune=cls.producer.commune,
            village="Bản Sín Chải (mẫu)",
        )
        cls.contract = services.add_contract(
            cls.producer,
            actor=cls.member,
            household=cls.household,
            product=cls.product,
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
            committed_quantity=Decimal(2000),
            price_terms="Giá sàn 20.000 đ/kg (mẫu)",
        )

    def buy(self, key, *, actor=None, on=DAY, quantity=Decimal(12)):
        return services.record_purchase(
            self.producer,
            actor=actor or self.member,
            entry_key=key,
            household=self.household,
            product=self.product,
            purchased_on=on,
            quantity=quantity,
            unit_price=Decimal(22000),
        )

    def test_an_entry_sent_twice_stores_one_purchase(self):
        key = uuid.uuid4()
        first, created = self.buy(str(key))
        again, created_again = self.buy(str(key), quantity=Decimal(99))
        self.assertEqual((created, created_again), (True, False))
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(Purchase.objects.get().quantity, 12)

    def test_a_purchase_in_the_contracts_period_is_under_it(self):
        under, _ = self.buy(uuid.uuid4())
        outside, _ = self.buy(uuid.uuid4(), on=datetime.date(2025, 12, 31))
        self.assertEqual(under.contract, self.contract)
        self.assertIsNone(outside.contract)

    def test_the_audit_log_names_no_household(self):
        self.buy(uuid.uuid4())
        events = AuditEvent.objects.filter(action__startswith="supply.")
        self.assertEqual(events.count(), 3)
        for event in events:
            self.assertNotIn("Giàng", f"{event.object_repr} {event.changes} {event.comment}")

    def test_someone_not_a_member_changes_nothing(self):
        """The same role (a member of another producer) and an official are refused, and every
        row stays as it was."""
        before = supply_state()
        for actor in (producer_member(ProducerFactory()), province_officer()):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                self.buy(uuid.uuid4(), actor=actor)
        self.assertEqual(supply_state(), before)

    def test_a_resent_entry_needs_a_member_too(self):
        key = uuid.uuid4()
        self.buy(key)
        with self.assertRaises(PermissionDenied):
            self.buy(key, actor=producer_member(ProducerFactory()))

    def test_a_damaged_key_is_refused_with_a_message(self):
        with self.assertRaises(ValidationError) as raised:
            self.buy("not-a-key")
        self.assertIn("entry_key", raised.exception.message_dict)
        self.assertFalse(Purchase.objects.exists())

    def test_a_key_of_another_producers_entry_is_refused(self):
        other = ProducerFactory()
        other_member = producer_member(other)
        other_household = services.add_household(
            other,
            actor=other_member,
            head_name="Hộ khác (mẫu)",
            ethnicity="Thái",
            commune=other.commune,
            village="Bản Noong Bua (mẫu)",
        )
        key = uuid.uuid4()
        services.record_purchase(
            other,
            actor=other_member,
            entry_key=key,
            household=other_household,
            product=ProductFactory(producer=other),
            purchased_on=DAY,
            quantity=Decimal(1),
            unit_price=Decimal(1),
        )
        with self.assertRaises(ValidationError):
            self.buy(key)
        self.assertEqual(Purchase.objects.filter(producer=self.producer).count(), 0)
