"""Buyer inquiries: the cap per address, sending one, and the producer answering it.

A buyer sends an inquiry from a listed product's page (:func:`submit_inquiry`); the producer's
members get it in their inbox and by e-mail (to the producer's address and its members'), after
the transaction commits. A member marks it replied (once, the first reply time is kept: the
response time is ``replied_at - created_at``) and closes it. Like the problem reports of the
verification page, no IP address is stored: the hourly cap counts under a salted hash of it in
Django's cache (which must be shared between app servers)."""

from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.scope import official_scope
from ocop.core.audit import record_event
from ocop.core.links import absolute_reverse
from ocop.core.ratelimit import take_hourly_slot
from ocop.core.tasks import queue_email
from ocop.producers.models import ProducerMember
from ocop.products.models import Product

from .catalogue import listed_products
from .models import Inquiry, Participation, SalesChannel, TradeEvent

DEFAULT_INQUIRIES_PER_HOUR = 5
MESSAGE_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000


def inquiries_per_hour() -> int:
    return getattr(settings, "OCOP_INQUIRIES_PER_HOUR", DEFAULT_INQUIRIES_PER_HOUR)


def take_inquiry_slot(ip_address: str) -> bool:
    """Count one inquiry from ``ip_address`` this hour; False once the cap is reached."""
    return take_hourly_slot("inquiry", ip_address, limit=inquiries_per_hour())


FIELDS = (
    "buyer_name",
    "organisation",
    "phone",
    "email",
    "quantity",
    "unit",
    "wanted_by",
    "message",
)


@transaction.atomic
def submit_inquiry(product, *, data) -> Inquiry:
    """Store a buyer's inquiry about ``product`` (listed today) and tell its producer. ``data``
    holds the cleaned fields of :class:`~ocop.market.forms.InquiryForm`. Not audited: a public
    message changes no owned object, and its row is its own record."""
    today = timezone.localdate()
    if not listed_products(today).filter(pk=product.pk).exists():
        raise ValidationError(
            _("This product has no valid OCOP certificate today; it cannot receive inquiries."),
            code="not_listed",
        )
    values = {field: data.get(field) for field in FIELDS}
    for field in ("buyer_name", "organisation", "phone", "email", "unit", "message"):
        values[field] = (values[field] or "").strip()
    if not values["phone"] and not values["email"]:
        raise ValidationError(
            _("Give a phone number or an e-mail address so the producer can answer."),
            code="no_contact",
        )
    if values["wanted_by"] is not None and values["wanted_by"] < today:
        raise ValidationError(
            {"wanted_by": _("The date you need the goods by cannot be in the past.")},
            code="past_date",
        )
    inquiry = Inquiry.objects.create(
        product=product,
        producer_id=product.producer_id,
        province_id=product.producer.province_id,
        **values,
    )
    _notify_producer(inquiry)
    return inquiry


NEW_INQUIRY_SUBJECT = gettext_lazy("OCOP: a buyer asks about %(product)s")
NEW_INQUIRY_BODY = gettext_lazy(
    "A buyer sent an inquiry from the public page of %(product)s.\n\n"
    "From: %(name)s %(organisation)s\n"
    "Quantity: %(quantity)s\n\n"
    "Read it, answer the buyer, then mark it replied:\n%(url)s\n"
)


def producer_recipients(producer) -> list[str]:
    addresses = {producer.email} if producer.email else set()
    addresses |= set(
        ProducerMember.objects.filter(producer=producer, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(addresses)


def _notify_producer(inquiry) -> None:
    recipients = producer_recipients(inquiry.product.producer)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(NEW_INQUIRY_SUBJECT) % {"product": inquiry.product.name}
        body = str(NEW_INQUIRY_BODY) % {
            "product": inquiry.product.name,
            "name": inquiry.buyer_name,
            "organisation": f"({inquiry.organisation})" if inquiry.organisation else "",
            "quantity": f"{inquiry.quantity or '—'} {inquiry.unit}".strip(),
            "url": absolute_reverse("market:inquiry_detail", inquiry.pk),
        }
    transaction.on_commit(partial(queue_email, subject=subject, body=body, recipients=recipients))


# Allowed status changes: from → to.
TRANSITIONS = {
    Inquiry.Status.NEW: {Inquiry.Status.REPLIED, Inquiry.Status.CLOSED},
    Inquiry.Status.REPLIED: {Inquiry.Status.CLOSED},
    Inquiry.Status.CLOSED: set(),
}


def _locked(inquiry, actor) -> Inquiry:
    locked = Inquiry.objects.editable_by(actor).select_for_update().filter(pk=inquiry.pk).first()
    if locked is None:
        raise PermissionDenied(_("Only the producer's members can answer this inquiry."))
    return locked


def _move(inquiry, *, actor, to, note=""):
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": _("The note is too long (at most %(limit)s characters).")
                % {"limit": NOTE_MAX_LENGTH}
            },
            code="note_too_long",
        )
    locked = _locked(inquiry, actor)
    if to not in TRANSITIONS[locked.status]:
        raise ValidationError(
            _("This inquiry is already %(status)s.") % {"status": locked.get_status_display()},
            code="bad_transition",
        )
    old_status, old_note = locked.status, locked.reply_note
    now = timezone.now()
    locked.status = to
    if to == Inquiry.Status.REPLIED:
        locked.replied_at = now
    if to == Inquiry.Status.CLOSED:
        locked.closed_at = now
    if note:
        locked.reply_note = note
    locked.save(update_fields=["status", "replied_at", "closed_at", "reply_note", "updated_at"])
    record_event(
        actor=actor,
        action=f"inquiry.{to}",
        obj=locked,
        old_status=old_status,
        new_status=to,
        changes={"reply_note": [old_note, locked.reply_note]} if note else {},
        comment=note,
    )
    return locked


@transaction.atomic
def mark_inquiry_replied(inquiry, *, actor, note="") -> Inquiry:
    """The producer answered the buyer (by phone or e-mail); records when."""
    return _move(inquiry, actor=actor, to=Inquiry.Status.REPLIED, note=note)


@transaction.atomic
def close_inquiry(inquiry, *, actor, note="") -> Inquiry:
    return _move(inquiry, actor=actor, to=Inquiry.Status.CLOSED, note=note)


# --------------------------------------------------------------------------------------
# Sales channels (edited by the producer's members and its province's OCOP office)
# --------------------------------------------------------------------------------------

CHANNEL_FIELDS = ("kind", "name", "address", "url", "country", "province", "commune", "is_active")
EVENT_FIELDS = (
    "name",
    "kind",
    "starts_on",
    "ends_on",
    "province",
    "address",
    "organiser",
    "description",
    "url",
)


def channel_products(user):
    """Products whose sales channels ``user`` may edit."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Product.objects.none()
    scope = official_scope(user)
    return Product.objects.filter(
        Q(producer__province_id__in=scope.province_codes)
        | Q(producer_id__in=ProducerMember.objects.filter(user=user).values("producer_id"))
    )


def _assign(instance, data, fields) -> dict:
    """Set ``fields`` from ``data`` (strings stripped); {field: [old, new]} of what changed."""
    changes = {}
    for field in fields:
        if field not in data:
            continue
        value = data[field]
        if isinstance(value, str):
            value = value.strip()
        attribute = f"{field}_id" if field in ("province", "commune") else field
        if field in ("province", "commune"):
            value = getattr(value, "pk", value) or None
        old = getattr(instance, attribute)
        if old != value:
            changes[field] = [old, value]
            setattr(instance, attribute, value)
    return changes


def _clean_channel(channel):
    if channel.commune_id and not channel.province_id:
        channel.province_id = channel.commune.province_id
    if not channel.is_physical and channel.kind != SalesChannel.Kind.OTHER:
        # Only physical places keep a province and commune.
        channel.province_id = channel.commune_id = None
    channel.full_clean()


@transaction.atomic
def create_sales_channel(product, *, actor, data) -> SalesChannel:
    locked = channel_products(actor).select_for_update().filter(pk=product.pk).first()
    if locked is None:
        raise PermissionDenied(_("You cannot edit this product's sales channels."))
    channel = SalesChannel(product=locked, is_sample=bool(data.get("is_sample")))
    _assign(channel, data, CHANNEL_FIELDS)
    _clean_channel(channel)
    channel.save()
    record_event(
        actor=actor,
        action="sales_channel.created",
        obj=channel,
        changes={field: [None, getattr(channel, field)] for field in ("kind", "name", "url")},
    )
    return channel


def _locked_channel(channel, actor) -> SalesChannel:
    locked = (
        SalesChannel.objects.editable_by(actor).select_for_update().filter(pk=channel.pk).first()
    )
    if locked is None:
        raise PermissionDenied(_("You cannot edit this product's sales channels."))
    return locked


@transaction.atomic
def update_sales_channel(channel, *, actor, data) -> SalesChannel:
    locked = _locked_channel(channel, actor)
    changes = _assign(locked, data, CHANNEL_FIELDS)
    _clean_channel(locked)
    if changes:
        locked.save()
        record_event(actor=actor, action="sales_channel.updated", obj=locked, changes=changes)
    return locked


@transaction.atomic
def delete_sales_channel(channel, *, actor) -> None:
    locked = _locked_channel(channel, actor)
    record_event(
        actor=actor,
        action="sales_channel.deleted",
        obj=locked,
        changes={"name": [locked.name, None], "url": [locked.url, None]},
    )
    locked.delete()


# --------------------------------------------------------------------------------------
# Trade events (provincial offices: their province's; the central office: national ones)
# --------------------------------------------------------------------------------------


def _event_is_national(actor, province_id) -> bool:
    scope = official_scope(actor)
    if province_id in scope.province_codes:
        return False
    if scope.is_national:
        return True
    raise PermissionDenied(_("You can only organise events in your own province."))


@transaction.atomic
def create_trade_event(*, actor, data) -> TradeEvent:
    event = TradeEvent(is_sample=bool(data.get("is_sample")))
    _assign(event, data, EVENT_FIELDS)
    event.is_national = _event_is_national(actor, event.province_id)
    event.full_clean()
    event.save()
    record_event(
        actor=actor,
        action="trade_event.created",
        obj=event,
        changes={field: [None, getattr(event, field)] for field in ("name", "starts_on")},
    )
    return event


def _locked_event(event, actor) -> TradeEvent:
    locked = TradeEvent.objects.managed_by(actor).select_for_update().filter(pk=event.pk).first()
    if locked is None:
        raise PermissionDenied(_("Only the organising OCOP office can change this event."))
    return locked


@transaction.atomic
def update_trade_event(event, *, actor, data) -> TradeEvent:
    locked = _locked_event(event, actor)
    changes = _assign(locked, data, EVENT_FIELDS)
    scope = official_scope(actor)
    if not locked.is_national and locked.province_id not in scope.province_codes:
        raise PermissionDenied(_("You can only organise events in your own province."))
    locked.full_clean()
    if changes:
        locked.save()
        record_event(actor=actor, action="trade_event.updated", obj=locked, changes=changes)
    return locked


@transaction.atomic
def delete_trade_event(event, *, actor) -> None:
    locked = _locked_event(event, actor)
    record_event(
        actor=actor,
        action="trade_event.deleted",
        obj=locked,
        changes={"name": [locked.name, None]},
    )
    locked.delete()


def _check_products(producer, products):
    products = list(products or [])
    if any(product.producer_id != producer.pk for product in products):
        raise ValidationError(
            _("Choose only products of this producer."), code="product_of_other_producer"
        )
    return products


def _check_open(event, producer):
    if event.ends_on < timezone.localdate():
        raise ValidationError(_("This event is over."), code="event_over")
    if not event.is_national and event.province_id != producer.province_id:
        raise ValidationError(
            _("Producers can join only the events of their province and national ones."),
            code="event_elsewhere",
        )


@transaction.atomic
def request_participation(event, producer, *, actor, products=(), note="") -> Participation:
    """A member of ``producer`` asks to take part in ``event`` (its province's or a national
    one, not over yet); the organiser then accepts or declines."""
    if not ProducerMember.objects.filter(user=actor, producer=producer).exists():
        raise PermissionDenied(_("Only the producer's members can ask to join an event."))
    event = TradeEvent.objects.select_for_update().get(pk=event.pk)
    _check_open(event, producer)
    products = _check_products(producer, products)
    if Participation.objects.filter(event=event, producer=producer).exists():
        raise ValidationError(
            _("This producer has already asked to join this event."), code="already_asked"
        )
    participation = Participation.objects.create(
        event=event, producer=producer, note=(note or "").strip()[:500]
    )
    participation.products.set(products)
    record_event(
        actor=actor,
        action="participation.requested",
        obj=participation,
        new_status=participation.status,
    )
    return participation


@transaction.atomic
def add_participant(event, producer, *, actor, products=()) -> Participation:
    """The organiser lists ``producer`` at ``event`` directly (accepted at once)."""
    event = _locked_event(event, actor)
    if not event.is_national and event.province_id != producer.province_id:
        raise ValidationError(
            _("Producers can join only the events of their province and national ones."),
            code="event_elsewhere",
        )
    products = _check_products(producer, products)
    participation = (
        Participation.objects.select_for_update().filter(event=event, producer=producer).first()
    )
    old_status = participation.status if participation else ""
    if participation is None:
        participation = Participation(event=event, producer=producer)
    elif participation.status == Participation.Status.ACCEPTED:
        raise ValidationError(
            _("This producer already takes part in this event."), code="already_taking_part"
        )
    participation.status = Participation.Status.ACCEPTED
    participation.decided_at = timezone.now()
    participation.save()
    if products:
        participation.products.set(products)
    record_event(
        actor=actor,
        action="participation.added",
        obj=participation,
        old_status=old_status,
        new_status=participation.status,
    )
    return participation


@transaction.atomic
def decide_participation(participation, *, actor, accept: bool) -> Participation:
    """The organiser accepts or declines a producer's request (or declines an accepted one)."""
    _locked_event(participation.event, actor)
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    to = Participation.Status.ACCEPTED if accept else Participation.Status.DECLINED
    if locked.status == to:
        raise ValidationError(
            _("This request is already %(status)s.") % {"status": locked.get_status_display()},
            code="bad_transition",
        )
    old_status = locked.status
    locked.status = to
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    record_event(
        actor=actor,
        action=f"participation.{to}",
        obj=locked,
        old_status=old_status,
        new_status=to,
    )
    return locked


@transaction.atomic
def withdraw_participation(participation, *, actor) -> None:
    """The producer's member withdraws (or the organiser removes) a participation."""
    is_member = ProducerMember.objects.filter(
        user=actor, producer_id=participation.producer_id
    ).exists()
    if not is_member:
        _locked_event(participation.event, actor)
    locked = Participation.objects.select_for_update().filter(pk=participation.pk).first()
    if locked is None:
        raise ValidationError(_("This participation no longer exists."), code="gone")
    record_event(
        actor=actor,
        action="participation.withdrawn",
        obj=locked,
        old_status=locked.status,
        new_status="",
    )
    locked.delete()
