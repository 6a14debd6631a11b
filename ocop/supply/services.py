"""Every change to supply records goes through these functions: one transaction, the actor's
membership of the producer checked again, and an audit event in the same transaction.

Events are recorded on the producer, and name households by key only: the audit log is read by
officials, and a household's name is personal data that only the producer sees."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ocop.core.audit import record_event
from ocop.core.text import normalize
from ocop.producers.models import Producer, ProducerMember

from .models import Contract, Household, Purchase, Unit


def _check_member(producer, actor) -> None:
    if not ProducerMember.objects.filter(producer=producer, user=actor).exists():
        raise PermissionDenied(_("Only the producer's members keep its supply records."))


def _lock_member_producer(producer, actor) -> Producer:
    """The producer, locked, when ``actor`` is one of its members."""
    _check_member(producer, actor)
    return Producer.objects.select_for_update().get(pk=producer.pk)


@transaction.atomic
def add_household(producer, *, actor, head_name, ethnicity, commune, village) -> Household:
    locked = _lock_member_producer(producer, actor)
    household = Household(
        producer=locked,
        head_name=normalize(head_name),
        ethnicity=ethnicity,
        commune=commune,
        village=normalize(village),
    )
    household.full_clean()
    household.save()
    record_event(
        actor=actor,
        action="supply.household_added",
        obj=locked,
        changes={"household": [None, household.pk], "commune": [None, household.commune_id]},
    )
    return household


@transaction.atomic
def add_contract(
    producer,
    *,
    actor,
    household,
    product,
    starts_on,
    ends_on,
    committed_quantity,
    price_terms,
    unit=Unit.KILOGRAM,
    number="",
) -> Contract:
    locked = _lock_member_producer(producer, actor)
    contract = Contract(
        producer=locked,
        household=household,
        product=product,
        number=normalize(number),
        starts_on=starts_on,
        ends_on=ends_on,
        committed_quantity=committed_quantity,
        unit=unit,
        price_terms=price_terms.strip(),
    )
    contract.full_clean()
    contract.save()
    record_event(
        actor=actor,
        action="supply.contract_added",
        obj=locked,
        changes={
            "contract": [None, contract.pk],
            "household": [None, household.pk],
            "product": [None, product.pk],
            "period": [None, f"{starts_on.isoformat()}/{ends_on.isoformat()}"],
        },
    )
    return contract


def contract_in_force(household, product, day) -> Contract | None:
    """The household's contract for ``product`` in force on ``day`` (the earliest started)."""
    return (
        Contract.objects.filter(
            household=household, product=product, starts_on__lte=day, ends_on__gte=day
        )
        .order_by("starts_on", "pk")
        .first()
    )


def record_purchase(
    producer,
    *,
    actor,
    entry_key,
    household,
    product,
    purchased_on,
    quantity,
    unit_price,
    unit=Unit.KILOGRAM,
    quality_grade="",
    lot="",
) -> tuple[Purchase, bool]:
    """Store one purchase, under the household's contract for the product in force that day
    when there is one. ``entry_key`` is the entry's own key (a UUID made by the form, kept by
    the phone's queue): sent again, after a dropped connection or twice at once, it stores
    nothing new and returns the purchase already stored, with ``created`` False."""
    entry_key = _entry_key(entry_key)
    _check_member(producer, actor)
    stored = Purchase.objects.filter(entry_key=entry_key).first()
    if stored is not None:
        return _resent(stored, producer), False
    try:
        with transaction.atomic():
            locked = Producer.objects.select_for_update().get(pk=producer.pk)  # member: above
            purchase = Purchase(
                producer=locked,
                household=household,
                product=product,
                contract=contract_in_force(household, product, purchased_on),
                purchased_on=purchased_on,
                quantity=quantity,
                unit=unit,
                unit_price=unit_price,
                quality_grade=normalize(quality_grade),
                lot=normalize(lot),
                entry_key=entry_key,
                entered_by=actor,
            )
            purchase.full_clean(exclude=["entry_key"])
            purchase.save()
            record_event(
                actor=actor,
                action="supply.purchase_recorded",
                obj=locked,
                changes={
                    "purchase": [None, purchase.pk],
                    "household": [None, household.pk],
                    "quantity": [None, f"{quantity} {unit}"],
                    "contract": [None, purchase.contract_id],
                },
            )
    except IntegrityError:
        # The same entry, sent twice at once: the other request stored it first.
        stored = Purchase.objects.filter(entry_key=entry_key).first()
        if stored is None:
            raise
        return _resent(stored, producer), False
    return purchase, True


def _entry_key(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(
            {"entry_key": _("The entry's key is damaged; reload the form.")}, code="entry_key"
        ) from None


def _resent(stored, producer) -> Purchase:
    if stored.producer_id != producer.pk:
        raise ValidationError(
            {"entry_key": _("The entry's key is damaged; reload the form.")}, code="entry_key"
        )
    return stored
