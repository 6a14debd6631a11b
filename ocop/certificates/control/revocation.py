"""Revoking a certificate on one of the six legal grounds (art. 8(1)), from the certificate's page
or at the end of an inspection (``inspections.escalate_to_revocation``), by the office that may
(``guards.can_revoke``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.audit import record_event

from ..guards import can_revoke, notify_producers
from ..models import Certificate, RevocationGround
from ..signals import announce_change


@transaction.atomic
def revoke_certificate(
    certificate, *, actor, ground, decision_number, decided_on, note=""
) -> Certificate:
    """Revoke a certificate on one of the six legal grounds (art. 8(1)), effective on the day of
    the revocation decision."""
    locked = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("product__producer")
        .filter(pk=certificate.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("You cannot act on this certificate."))
    if not can_revoke(actor, locked):
        if locked.star == 5:
            raise PermissionDenied(
                _("Only the central OCOP office can revoke a 5-star certificate.")
            )
        raise PermissionDenied(
            _("Only the OCOP office of the product's province can revoke this certificate.")
        )
    errors = {}
    if ground not in RevocationGround.values:
        errors["ground"] = ValidationError(
            _("Choose one of the legal grounds for revocation."), code="ground"
        )
    if not (decision_number or "").strip():
        errors["decision_number"] = ValidationError(
            _("Enter the number of the revocation decision."), code="no_number"
        )
    if decided_on is None:
        errors["decided_on"] = ValidationError(
            _("Enter the date of the revocation decision."), code="no_date"
        )
    elif decided_on > timezone.localdate():
        errors["decided_on"] = ValidationError(
            _("The date of the revocation decision cannot be in the future."), code="future_date"
        )
    elif decided_on < locked.issued_on:
        errors["decided_on"] = ValidationError(
            _("The revocation cannot be dated before the certificate was issued."),
            code="before_issue",
        )
    if errors:
        raise ValidationError(errors)
    if locked.revoked_on is not None:
        raise ValidationError(
            _("This certificate was already revoked on %(date)s."),
            code="already_revoked",
            params={"date": date_format(locked.revoked_on, "SHORT_DATE_FORMAT")},
        )
    if locked.superseded_by_id is not None:
        raise ValidationError(
            _("This certificate was replaced by a newer one; revoke the newer one."),
            code="superseded",
        )
    locked.revoked_on = decided_on
    locked.revocation_ground = ground
    locked.revocation_decision_number = decision_number.strip()
    locked.revocation_note = note
    locked.is_current = False
    locked.save(
        update_fields=[
            "revoked_on",
            "revocation_ground",
            "revocation_decision_number",
            "revocation_note",
            "is_current",
            "updated_at",
        ]
    )
    record_event(
        actor=actor,
        action="certificate.revoked",
        obj=locked,
        changes={
            "revoked_on": [None, decided_on],
            "revocation_ground": [None, ground],
            "revocation_decision_number": [None, locked.revocation_decision_number],
        },
        old_status="current",
        new_status="revoked",
        comment=note,
    )
    announce_change([locked.product_id])
    notify_producers(
        [locked.product],
        subject=gettext_lazy("Your OCOP certificate is revoked"),
        body=gettext_lazy(
            "Certificate %(number)s for %(product)s is revoked by decision %(decision)s of "
            "%(date)s (%(ground)s). The OCOP stamp may no longer be used on the product."
        ),
        params={
            "number": locked.number,
            "product": locked.product,
            "decision": locked.revocation_decision_number,
            "date": date_format(decided_on, "SHORT_DATE_FORMAT"),
            "ground": RevocationGround(ground).label,
        },
    )
    return locked
