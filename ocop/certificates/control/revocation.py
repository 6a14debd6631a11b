"""Revoking a certificate (Decision 26/2026/QĐ-TTg, art. 8) and the revocations due before it,
by the office that may revoke (``guards.can_revoke``: the province's OCOP office for 3★ and 4★,
the central office for 5★).

Art. 8(4): "Thời gian thu hồi giấy chứng nhận là 15 ngày kể từ ngày có kết luận của cơ quan có
thẩm quyền về hành vi vi phạm của chủ thể hoặc xác nhận của UBND cấp xã về chủ thể OCOP không
còn sản xuất sản phẩm OCOP." The 15 days run from the competent authority's conclusion on the
breach (grounds 8(1)(a)-(d) and (e)) or from the commune People's Committee's confirmation that
production stopped (ground (đ)): the *finding*. The due day is
``ocop.core.deadlines.revocation_due_on`` (the finding's day not counted, a 15th day that is
off moved to the next working day).

- ``record_revocation_case``: the office records a conclusion or a confirmation against a
  certificate not yet revoked; the revocation is then due, and listed, until it is made;
- ``open_revocation_case``: the same for an inspection whose finding calls for revocation
  (called by ``inspections.record_inspection`` and ``record_follow_up``);
- ``withdraw_revocation_case``: one recorded by mistake, or whose conclusion was annulled;
- ``revoke_certificate``: the revocation decision, on one of the six grounds of art. 8(1),
  from the certificate's page or at the end of an inspection
  (``inspections.escalate_to_revocation``). It records the finding's day and the due day; a
  revocation after the due day is recorded as late, never refused (the certificate must still
  go), and closes the certificate's revocations due.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.audit import record_event
from ocop.core.deadlines import revocation_due_on

from ..guards import can_revoke, notify_producers
from ..models import Certificate, RevocationCase, RevocationGround, finding_messages
from ..signals import announce_change

REFERENCE_MAX_LENGTH = 200


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


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


# --------------------------------------------------------------------------------------
# Revocations due
# --------------------------------------------------------------------------------------


@transaction.atomic
def record_revocation_case(
    certificate, *, actor, ground, finding_on, reference, note=""
) -> RevocationCase:
    """Record the competent authority's conclusion on a breach, or the commune's confirmation
    that production stopped, against a certificate not yet revoked: its revocation is due 15
    days after ``finding_on`` (art. 8(4)) and is listed until it is made."""
    locked = _lock_certificate(certificate, actor)
    errors = {}
    if ground not in RevocationGround.values:
        errors["ground"] = ValidationError(
            _("Choose one of the legal grounds for revocation."), code="ground"
        )
    _check_finding(errors, locked, ground=ground, finding_on=finding_on)
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = ValidationError(
            _("Enter the number of the conclusion or confirmation and the body that issued it."),
            code="no_reference",
        )
    elif len(reference) > REFERENCE_MAX_LENGTH:
        errors["reference"] = ValidationError(
            _("Keep it under %(limit)s characters."),
            code="reference_too_long",
            params={"limit": REFERENCE_MAX_LENGTH},
        )
    if errors:
        raise ValidationError(errors)
    _check_revocable(locked)
    if (
        RevocationCase.objects.open()
        .filter(certificate=locked, ground=ground, finding_on=finding_on, reference=reference)
        .exists()
    ):
        raise ValidationError(
            _("This conclusion is already recorded for this certificate."), code="duplicate"
        )
    case = RevocationCase.objects.create(
        certificate=locked,
        ground=ground,
        finding_on=finding_on,
        due_on=revocation_due_on(finding_on),
        reference=reference,
        note=(note or "").strip(),
        recorded_by=_actor_or_none(actor),
    )
    record_event(
        actor=actor,
        action="revocation_case.recorded",
        obj=case,
        changes={
            "certificate": [None, locked.number],
            "ground": [None, ground],
            "finding_on": [None, finding_on],
            "due_on": [None, case.due_on],
            "reference": [None, reference],
        },
        new_status=case.status,
        comment=case.note,
    )
    return case


@transaction.atomic
def open_revocation_case(inspection, *, actor) -> RevocationCase | None:
    """The revocation due on an inspection's finding (the visit that recommended revocation,
    or the follow-up that found the corrections not made): due 15 days after it, its ground
    chosen with the revocation decision. Called by the inspection's services, which have
    locked the inspection and checked the actor; nothing when the certificate is already
    revoked."""
    certificate = inspection.certificate
    if certificate.revoked_on is not None:
        return None
    finding_on = inspection.finding_on
    with translation.override(settings.LANGUAGE_CODE):
        reference = _("Inspection of %(date)s (no. %(id)s)") % {
            "date": _short(inspection.visited_on),
            "id": inspection.pk,
        }
    case = RevocationCase.objects.create(
        certificate=certificate,
        inspection=inspection,
        finding_on=finding_on,
        due_on=revocation_due_on(finding_on),
        reference=reference,
        recorded_by=_actor_or_none(actor),
    )
    record_event(
        actor=actor,
        action="revocation_case.recorded",
        obj=case,
        changes={
            "certificate": [None, certificate.number],
            "inspection": [None, inspection.pk],
            "finding_on": [None, finding_on],
            "due_on": [None, case.due_on],
        },
        new_status=case.status,
    )
    return case


@transaction.atomic
def withdraw_revocation_case(case, *, actor, reason) -> RevocationCase:
    """Withdraw a revocation due that was recorded by mistake or whose conclusion was
    annulled, with the reason. One opened by an inspection follows its inspection."""
    locked = (
        RevocationCase.objects.editable_by(actor)
        .select_for_update(of=("self",))
        .filter(pk=case.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("You cannot act on this revocation."))
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": ValidationError(_("Say why it is withdrawn."), code="no_reason")}
        )
    if not locked.is_open:
        raise ValidationError(
            _("This revocation is “%(status)s”: it cannot be withdrawn."),
            code="closed",
            params={"status": locked.get_status_display()},
        )
    if locked.inspection_id is not None:
        raise ValidationError(
            _(
                "This revocation is due on an inspection's finding: it is closed through the "
                "inspection."
            ),
            code="from_inspection",
        )
    locked.status = RevocationCase.Status.WITHDRAWN
    locked.withdrawal_reason = reason.strip()
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "withdrawal_reason", "closed_at", "updated_at"])
    record_event(
        actor=actor,
        action="revocation_case.withdrawn",
        obj=locked,
        old_status=RevocationCase.Status.OPEN,
        new_status=locked.status,
        comment=locked.withdrawal_reason,
    )
    return locked


def _close_cases(certificate, *, actor, decided_on) -> None:
    """The certificate's revocations due are closed by its revocation (each with its own due
    day, late or not)."""
    now = timezone.now()
    cases = RevocationCase.objects.select_for_update().filter(
        certificate=certificate, status=RevocationCase.Status.OPEN
    )
    for case in cases.order_by("pk"):
        case.status = RevocationCase.Status.REVOKED
        case.closed_at = now
        case.save(update_fields=["status", "closed_at", "updated_at"])
        record_event(
            actor=actor,
            action="revocation_case.closed",
            obj=case,
            changes={
                "revoked_on": [None, decided_on],
                "late": [None, "yes" if decided_on > case.due_on else "no"],
            },
            old_status=RevocationCase.Status.OPEN,
            new_status=case.status,
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
    _close_cases(locked, actor=actor, decided_on=decided_on)
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
