"""Buyer inquiries: the cap per address, sending one, and the producer answering it.

A buyer sends an inquiry from a listed product's page (:func:`submit_inquiry`); the producer's
members get it in their inbox and by e-mail (to the producer's address and its members'), after
the transaction commits. A member marks it replied (once, the first reply time is kept: the
response time is ``replied_at - created_at``) and closes it. Like the problem reports of the
verification page, no IP address is stored: the hourly cap counts under a salted hash of it in
Django's cache (which must be shared between app servers)."""

import hashlib
import hmac
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.audit import record_event
from ocop.core.tasks import queue_email
from ocop.producers.models import ProducerMember

from .catalogue import listed_products
from .models import Inquiry

DEFAULT_INQUIRIES_PER_HOUR = 5
MESSAGE_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000


def inquiries_per_hour() -> int:
    return getattr(settings, "OCOP_INQUIRIES_PER_HOUR", DEFAULT_INQUIRIES_PER_HOUR)


def take_inquiry_slot(ip_address: str) -> bool:
    """Count one inquiry from ``ip_address`` this hour; False once the cap is reached."""
    now = timezone.now()
    salt = hmac.new(
        settings.SECRET_KEY.encode(), f"inquiry-salt:{now.date()}".encode(), hashlib.sha256
    ).digest()
    digest = hashlib.sha256(salt + (ip_address or "").encode()).hexdigest()
    key = f"ocop:inquiry:{digest}:{now:%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=3600)
        count = 1
    return count <= inquiries_per_hour()


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
            "url": settings.SITE_URL + reverse("market:inquiry_detail", args=[inquiry.pk]),
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
