"""Revoking a certificate on one of the six legal grounds (Decision 26/2026/QĐ-TTg, art. 8(1)),
from the certificate's page or at the end of an inspection
(``inspections.escalate_to_revocation``), by the office that may (``guards.can_revoke``: the
province's OCOP office for 3★ and 4★, the central office for 5★).

Art. 8(4): "Thời gian thu hồi giấy chứng nhận là 15 ngày kể từ ngày có kết luận của cơ quan có
thẩm quyền về hành vi vi phạm của chủ thể hoặc xác nhận của UBND cấp xã về chủ thể OCOP không
còn sản xuất sản phẩm OCOP." The 15 days run from the competent authority's conclusion on the
breach (grounds 8(1)(a)-(d) and (e)) or from the commune People's Committee's confirmation that
production stopped (ground (đ)): the *finding*. The due day is
``ocop.core.deadlines.revocation_due_on`` (the finding's day not counted, a 15th day that is
off moved to the next working day). Every revocation records the finding's day and the due
day; a revocation after the due day is recorded as late, never refused (the certificate must
still go).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.audit import record_event
from ocop.core.deadlines import revocation_due_on

from ..guards import can_revoke, notify_producers
from ..models import Certificate, RevocationGround, finding_messages
from ..signals import announce_change


def _short(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _lock_certificate(certificate, actor) -> Certificate:
    """The certificate's row, locked, if ``actor`` may revoke it; else refused."""
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
    return locked


def _check_revocable(locked) -> None:
    if locked.revoked_on is not None:
        raise ValidationError(
            _("This certificate was already revoked on %(date)s."),
            code="already_revoked",
            params={"date": _short(locked.revoked_on)},
        )
    if locked.superseded_by_id is not None:
        raise ValidationError(
            _("This certificate was replaced by a newer one; revoke the newer one."),
            code="superseded",
        )


def finding_error(ground, code, **params):
    return ValidationError(finding_messages(ground)[code], code=code, params=params or None)


def _check_finding(errors, locked, *, ground, finding_on, decided_on=None) -> None:
    """The finding's day: given, not in the future, not before the certificate's issue nor
    after the revocation decision (``decided_on``, when there is one)."""
    if finding_on is None:
        errors["finding_on"] = finding_error(ground, "no_finding_date")
    elif finding_on > timezone.localdate():
        errors["finding_on"] = finding_error(ground, "future_finding")
    elif decided_on is not None and finding_on > decided_on:
        errors["finding_on"] = finding_error(ground, "finding_after_decision")
    elif finding_on < locked.issued_on:
        errors["finding_on"] = finding_error(
            ground, "finding_before_issue", date=_short(locked.issued_on)
        )


# --------------------------------------------------------------------------------------
# The revocation
# --------------------------------------------------------------------------------------


@transaction.atomic
def revoke_certificate(
    certificate, *, actor, ground, decision_number, decided_on, finding_on, note=""
) -> Certificate:
    """Revoke a certificate on one of the six legal grounds (art. 8(1)), effective on the day
    of the revocation decision. ``finding_on`` is the day the 15 days of art. 8(4) started (the
    authority's conclusion, or the commune's confirmation that production stopped); the due day
    is computed from it and a later decision is recorded as late."""
    locked = _lock_certificate(certificate, actor)
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
    _check_finding(
        errors,
        locked,
        ground=ground,
        finding_on=finding_on,
        decided_on=None if "decided_on" in errors else decided_on,
    )
    if errors:
        raise ValidationError(errors)
    _check_revocable(locked)
    due_on = revocation_due_on(finding_on)
    locked.revoked_on = decided_on
    locked.revocation_ground = ground
    locked.revocation_decision_number = decision_number.strip()
    locked.revocation_note = note
    locked.revocation_finding_on = finding_on
    locked.revocation_due_on = due_on
    locked.is_current = False
    locked.save(
        update_fields=[
            "revoked_on",
            "revocation_ground",
            "revocation_decision_number",
            "revocation_note",
            "revocation_finding_on",
            "revocation_due_on",
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
            "revocation_finding_on": [None, finding_on],
            "revocation_due_on": [None, due_on],
            "late": [None, "yes" if locked.is_revoked_late else "no"],
        },
        old_status="current",
        new_status="revoked",
        comment=note,
    )
    announce_change([locked.product_id])
    if ground == RevocationGround.PRODUCTION_STOPPED:
        body = gettext_lazy(
            "Certificate %(number)s for %(product)s is revoked by decision %(decision)s of "
            "%(date)s (%(ground)s), following the commune People's Committee's confirmation "
            "of %(finding)s that production stopped. The OCOP stamp may no longer be used on "
            "the product."
        )
    else:
        body = gettext_lazy(
            "Certificate %(number)s for %(product)s is revoked by decision %(decision)s of "
            "%(date)s (%(ground)s), following the competent authority's conclusion of "
            "%(finding)s. The OCOP stamp may no longer be used on the product."
        )
    notify_producers(
        [locked.product],
        subject=gettext_lazy("Your OCOP certificate is revoked"),
        body=body,
        params={
            "number": locked.number,
            "product": locked.product,
            "decision": locked.revocation_decision_number,
            "date": decided_on,
            "ground": RevocationGround(ground).label,
            "finding": finding_on,
        },
    )
    return locked
