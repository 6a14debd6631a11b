"""Every change to producers, their documents and their members goes through these functions:
one transaction, the producer row locked, the actor's rights checked again (defence in depth, the
views already limit what they offer) and an audit event written in the same transaction."""

import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ocop.core.audit import diff, record_event
from ocop.core.text import normalize
from ocop.core.uploads import check_document

from .models import DUPLICATE_REGISTRATION_NUMBER, Producer, ProducerDocument, ProducerMember
from .permissions import (
    OFFICIAL_FIELDS,
    can_create_producers,
    communes_in_scope,
    is_official_for,
)

PRODUCER_FIELDS = (
    "name",
    "kind",
    "registration_number",
    "representative_name",
    "representative_sex",
    "representative_ethnicity",
    "representative_has_disability",
    "phone",
    "email",
    "address",
    "commune",
    "legacy_commune",
    "founded_on",
    "member_count",
    "worker_count",
    "is_sample",
)
# The audit log records foreign keys by code ("commune_id": ["03256", "03127"]).
AUDITED_PRODUCER_FIELDS = tuple(
    f"{name}_id" if name in ("commune", "legacy_commune") else name for name in PRODUCER_FIELDS
)
DOCUMENT_FIELDS = ("kind", "title", "number", "issuer", "issued_on", "expires_on")

_SPACES = re.compile(r"\s+")
# Tax codes ("0101234567", "0101234567-001"), business or cooperative registration numbers
# ("62.07.000123", "62A8001234"): letters, digits and . - / only.
REGISTRATION_NUMBER = re.compile(r"^[0-9A-Z][0-9A-Z./-]*$")


def normalize_registration_number(value) -> str:
    return _SPACES.sub("", value or "").upper()


@transaction.atomic
def create_producer(*, actor, data) -> Producer:
    """Register a producer in a commune the actor governs."""
    if not can_create_producers(actor):
        raise PermissionDenied(_("Only OCOP offices and commune officers can register producers."))
    values = _producer_values(data)
    commune = values.get("commune")
    if commune is None or not communes_in_scope(actor).filter(pk=commune.pk).exists():
        raise ValidationError(
            {"commune": _("Choose a commune in your area.")}, code="commune_out_of_scope"
        )
    producer = Producer(**values)
    _validate(producer)
    _save(producer)
    changes = {
        field: pair
        for field, pair in diff(producer, {}, AUDITED_PRODUCER_FIELDS).items()
        if pair[1] not in ("", None, False)
    }
    record_event(actor=actor, action="producer.created", obj=producer, changes=changes)
    return producer


@transaction.atomic
def update_producer(producer, *, actor, data) -> Producer:
    """Change a producer's details. Members cannot change the fields officials own."""
    locked = _lock_editable(producer, actor)
    values = _producer_values(data)
    official = is_official_for(actor, locked)
    old_values = {field: getattr(locked, field) for field in AUDITED_PRODUCER_FIELDS}
    for field, value in values.items():
        setattr(locked, field, value)
    changes = diff(locked, old_values, AUDITED_PRODUCER_FIELDS)
    if not official:
        refused = [
            str(Producer._meta.get_field(field.removesuffix("_id")).verbose_name)
            for field in changes
            if field.removesuffix("_id") in OFFICIAL_FIELDS
        ]
        if refused:
            raise PermissionDenied(
                _("Only an OCOP office or commune officer can change: %(fields)s.")
                % {"fields": ", ".join(sorted(refused))}
            )
    if (
        "commune_id" in changes
        and not communes_in_scope(actor).filter(pk=locked.commune_id).exists()
    ):
        raise ValidationError(
            {"commune": _("Choose a commune in your area.")}, code="commune_out_of_scope"
        )
    if not changes:
        return locked
    _validate(locked)
    _save(locked)
    record_event(actor=actor, action="producer.updated", obj=locked, changes=changes)
    return locked


@transaction.atomic
def add_document(producer, *, actor, data, upload) -> ProducerDocument:
    """Put a checked PDF/JPEG/PNG file in the producer's evidence locker."""
    locked = _lock_editable(producer, actor)
    unknown = set(data) - set(DOCUMENT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown document fields: {sorted(unknown)}")
    checked = check_document(upload)
    document = ProducerDocument(
        producer=locked,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        content_type=checked.content_type,
        size=checked.size,
        **{field: data[field] for field in DOCUMENT_FIELDS if field in data},
    )
    for field in ("title", "number", "issuer"):
        setattr(document, field, normalize(getattr(document, field)))
    document.full_clean(exclude=["file", "producer", "uploaded_by"])
    # A random stored name: the uploader's file name is never trusted or reused.
    stored_name = f"{document.kind}-{secrets.token_hex(8)}.{checked.extension}"
    document.file.save(stored_name, upload, save=False)
    try:
        document.save()
        record_event(
            actor=actor,
            action="producer.document_added",
            obj=locked,
            changes={
                field: [None, getattr(document, field)]
                for field in DOCUMENT_FIELDS
                if getattr(document, field) not in ("", None)
            },
            comment=str(document),
        )
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def add_member(producer, *, actor, user) -> ProducerMember:
    """Let `user` act for the producer. Only an official governing the producer may do this."""
    locked = _lock_editable(producer, actor)
    if not is_official_for(actor, locked):
        raise PermissionDenied(_("Only an OCOP office or commune officer can add members."))
    membership, created = ProducerMember.objects.get_or_create(user=user, producer=locked)
    if created:
        record_event(
            actor=actor,
            action="producer.member_added",
            obj=locked,
            changes={"member": [None, user.get_username()]},
        )
    return membership


def _producer_values(data) -> dict:
    unknown = set(data) - set(PRODUCER_FIELDS)
    if unknown:
        raise ValueError(f"Unknown producer fields: {sorted(unknown)}")
    values = dict(data)
    for field in ("name", "representative_name", "phone", "address"):
        if field in values:
            values[field] = normalize(values[field])
    if "email" in values:
        values["email"] = (values["email"] or "").strip()
    if "registration_number" in values:
        number = normalize_registration_number(values["registration_number"])
        if number and not REGISTRATION_NUMBER.match(number):
            raise ValidationError(
                {
                    "registration_number": _(
                        "Use only digits, letters, dots, hyphens or slashes in the number."
                    )
                },
                code="bad_registration_number",
            )
        values["registration_number"] = number
    return values


def _validate(producer):
    """Field and cross-field rules (Producer.clean); the unique constraint is checked by clean
    with a clear message, and again by the database on save."""
    producer.full_clean(
        exclude=["province", "folded_name"], validate_unique=False, validate_constraints=False
    )


def _save(producer):
    try:
        with transaction.atomic():
            producer.save()
    except IntegrityError:
        number = producer.registration_number
        if (
            number
            and Producer.objects.filter(registration_number=number).exclude(pk=producer.pk).exists()
        ):
            raise ValidationError(
                {"registration_number": DUPLICATE_REGISTRATION_NUMBER},
                code="duplicate_registration_number",
            ) from None
        raise


def _lock_editable(producer, actor) -> Producer:
    locked = (
        Producer.objects.editable_by(actor)
        .select_for_update(of=("self",))
        .select_related("commune")
        .filter(pk=producer.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("You cannot change this producer."))
    return locked
