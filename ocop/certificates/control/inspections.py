"""Post-recognition inspections (hậu kiểm, Decision 26/2026/QĐ-TTg art. 9) and the revocation
they may lead to (art. 8): one function per step, ``verb_noun(obj, *, actor, ...)``, in one
transaction, the inspection row locked, the actor's authority checked again, an audit event
written in the same transaction and the producer told by e-mail once it commits.

The steps: ``plan_inspection`` → ``record_inspection`` (visit, outcome, findings) →
``record_follow_up`` (after a corrective-action deadline) → ``escalate_to_revocation`` (calls
``revocation.revoke_certificate``); ``cancel_inspection`` drops a planned one.

Who acts: the office that could revoke the certificate (``guards.can_revoke``): the
province's OCOP office for 3★ and 4★ products, the central office for 5★ ones.

The revocation is due within 15 days of the finding (art. 8(4)): the visit that recommended it,
or the follow-up that found the corrections not made. That step opens the revocation due
(``revocation.open_revocation_case``), listed with the office's other revocations due until the
certificate is revoked; the revocation records the finding's day and the due day on the
certificate. A late revocation is allowed (the certificate must still go) and flagged, never
refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.audit import record_event
from ocop.rubric.models import Criterion, Sheet
from ocop.rubric.services import version_in_force

from ..guards import notify_producers
from ..models import (
    Certificate,
    CertificateStatus,
    Inspection,
    InspectionFinding,
    RevocationGround,
    grace_days,
    revoking_office_filter,
)
from .revocation import open_revocation_case, revoke_certificate

MAX_FINDINGS = 50
TRIGGER_MAX_LENGTH = 200


@dataclass(frozen=True)
class FindingInput:
    """One finding as entered: ``criterion_id`` for a criterion of the product's sheet."""

    area: str
    description: str
    severity: str
    criterion_id: int | None = None


# --------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------


def inspectable_certificates(user):
    """The current certificates whose product the user's office may inspect."""
    condition = revoking_office_filter(user)
    if condition is None:
        return Certificate.objects.none()
    earliest = timezone.localdate() - datetime.timedelta(days=grace_days())
    return Certificate.objects.filter(
        condition, is_current=True, revoked_on__isnull=True, valid_until__gte=earliest
    )


def inspection_sheet(certificate) -> Sheet | None:
    """The scoring sheet the product was rated on: the council result's version and sheet, or
    (for certificates recorded from before the platform) the product's set in the version in
    force on the day of issue, else today."""
    result = certificate.council_result
    if result is not None:
        return Sheet.objects.filter(
            version_id=result.rubric_version_id, number=result.sheet_number
        ).first()
    number = certificate.product.scoring_set_id
    version = version_in_force(number, certificate.issued_on) or version_in_force(
        number, timezone.localdate()
    )
    if version is None:
        return None
    return Sheet.objects.filter(version=version, number=number).first()


def inspection_criteria(certificate):
    """The answerable criteria of the product's sheet, in printed order (none without a
    sheet)."""
    sheet = inspection_sheet(certificate)
    if sheet is None:
        return Criterion.objects.none()
    return Criterion.objects.filter(sheet=sheet).answerable().order_by("position")


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _lock(inspection) -> Inspection:
    """The inspection row, locked, if the actor's office may act on it; else refused."""
    locked = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("certificate__product__producer")
        .filter(pk=inspection.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("You cannot act on this inspection."))
    return locked


def _check_actor(actor, inspection_or_certificate, *, prefix):
    condition = revoking_office_filter(actor, prefix=prefix)
    model = type(inspection_or_certificate)
    if (
        condition is None
        or not model.objects.filter(condition, pk=inspection_or_certificate.pk).exists()
    ):
        raise PermissionDenied(
            _(
                "Only the OCOP office that could revoke the certificate (the province for 3- "
                "and 4-star products, the central office for 5-star ones) can do this."
            )
        )


def _wrong_status(inspection):
    return ValidationError(
        _("This inspection is “%(status)s”: this step is not possible now."),
        code="wrong_status",
        params={"status": inspection.get_status_display()},
    )


def _short(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _notify(inspection, *, subject, body, params):
    params = {"product": inspection.certificate.product, **params}
    notify_producers([inspection.certificate.product], subject=subject, body=body, params=params)


# --------------------------------------------------------------------------------------
# Planning and cancelling
# --------------------------------------------------------------------------------------


@transaction.atomic
def plan_inspection(
    certificate,
    *,
    actor,
    kind,
    planned_on,
    team,
    checks_criteria=True,
    checks_stamp_use=True,
    trigger="",
    is_sample=False,
) -> Inspection:
    """Plan an inspection of the certificate's product. A periodic inspection is announced to
    the producer by e-mail; an ad hoc one is not (it may be unannounced)."""
    locked = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("product__producer")
        .filter(pk=certificate.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("You cannot act on this certificate."))
    _check_actor(actor, locked, prefix="")
    errors = {}
    if kind not in Inspection.Kind.values:
        errors["kind"] = ValidationError(_("Choose periodic or ad hoc."), code="kind")
    if planned_on is None:
        errors["planned_on"] = ValidationError(_("Enter the planned date."), code="no_date")
    elif planned_on < locked.issued_on:
        errors["planned_on"] = ValidationError(
            _("An inspection cannot be planned before the certificate was issued (%(date)s)."),
            code="before_issue",
            params={"date": _short(locked.issued_on)},
        )
    if not (team or "").strip():
        errors["team"] = ValidationError(
            _("Enter the members of the inspection team."), code="no_team"
        )
    if not (checks_criteria or checks_stamp_use):
        errors["checks_criteria"] = ValidationError(
            _("Choose what the inspection checks: the criteria, the use of the stamp, or both."),
            code="empty_scope",
        )
    if len(trigger or "") > TRIGGER_MAX_LENGTH:
        errors["trigger"] = ValidationError(
            _("Keep the reason under %(limit)s characters."),
            code="trigger_too_long",
            params={"limit": TRIGGER_MAX_LENGTH},
        )
    if errors:
        raise ValidationError(errors)
    if not locked.is_current or locked.revoked_on is not None:
        raise ValidationError(
            _("Certificate %(number)s is no longer current: inspect the current certificate."),
            code="not_current",
            params={"number": locked.number},
        )
    if locked.status_on(timezone.localdate()) == CertificateStatus.EXPIRED:
        raise ValidationError(
            _("Certificate %(number)s has expired: there is nothing left to inspect."),
            code="expired",
            params={"number": locked.number},
        )
    inspection = Inspection.objects.create(
        certificate=locked,
        kind=kind,
        trigger=(trigger or "").strip() if kind == Inspection.Kind.AD_HOC else "",
        planned_on=planned_on,
        team=team.strip(),
        checks_criteria=bool(checks_criteria),
        checks_stamp_use=bool(checks_stamp_use),
        is_sample=is_sample,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        actor=actor,
        action="inspection.planned",
        obj=inspection,
        changes={
            "certificate": [None, locked.number],
            "kind": [None, kind],
            "planned_on": [None, planned_on],
            "trigger": [None, inspection.trigger or None],
        },
        new_status=inspection.status,
    )
    if kind == Inspection.Kind.PERIODIC:
        _notify(
            inspection,
            subject=gettext_lazy("An OCOP inspection of your product is planned"),
            body=gettext_lazy(
                "The OCOP office plans a periodic inspection of %(product)s on %(date)s "
                "(certificate %(number)s)."
            ),
            params={"date": _short(planned_on), "number": locked.number},
        )
    return inspection


@transaction.atomic
def cancel_inspection(inspection, *, actor, reason) -> Inspection:
    """Cancel a planned inspection, with the reason."""
    locked = _lock(inspection)
    _check_actor(actor, locked, prefix="certificate__")
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": ValidationError(_("Say why the inspection is cancelled."), code="no_reason")}
        )
    if locked.status != Inspection.Status.PLANNED:
        raise _wrong_status(locked)
    locked.status = Inspection.Status.CANCELLED
    locked.cancellation_reason = reason.strip()
    locked.save(update_fields=["status", "cancellation_reason", "updated_at"])
    record_event(
        actor=actor,
        action="inspection.cancelled",
        obj=locked,
        old_status=Inspection.Status.PLANNED,
        new_status=locked.status,
        comment=locked.cancellation_reason,
    )
    return locked


# --------------------------------------------------------------------------------------
# The visit
# --------------------------------------------------------------------------------------


def _check_findings(findings, criteria_by_id):
    problems = []
    if len(findings) > MAX_FINDINGS:
        problems.append(
            ValidationError(
                _("Record at most %(limit)s findings."),
                code="too_many_findings",
                params={"limit": MAX_FINDINGS},
            )
        )
    for number, finding in enumerate(findings, start=1):
        if finding.area not in InspectionFinding.Area.values:
            problems.append(
                ValidationError(
                    _("Finding %(number)s: choose what it is about."),
                    code="finding_area",
                    params={"number": number},
                )
            )
        elif (
            finding.area == InspectionFinding.Area.CRITERION
            and finding.criterion_id not in criteria_by_id
        ):
            problems.append(
                ValidationError(
                    _("Finding %(number)s: choose a criterion of the product's scoring sheet."),
                    code="finding_criterion",
                    params={"number": number},
                )
            )
        if finding.severity not in InspectionFinding.Severity.values:
            problems.append(
                ValidationError(
                    _("Finding %(number)s: choose the severity."),
                    code="finding_severity",
                    params={"number": number},
                )
            )
        if not (finding.description or "").strip():
            problems.append(
                ValidationError(
                    _("Finding %(number)s: describe what was found."),
                    code="finding_description",
                    params={"number": number},
                )
            )
    return problems


@transaction.atomic
def record_inspection(
    inspection,
    *,
    actor,
    visited_on,
    outcome,
    summary="",
    findings=(),
    corrective_deadline=None,
) -> Inspection:
    """Record the visit of a planned inspection: the day, the outcome, the findings. A
    compliant outcome closes the inspection; corrective action needs a deadline (then a
    follow-up); a recommended revocation starts the 15 days of art. 8(4)."""
    locked = _lock(inspection)
    _check_actor(actor, locked, prefix="certificate__")
    if locked.status != Inspection.Status.PLANNED:
        raise _wrong_status(locked)
    certificate = locked.certificate
    findings = list(findings)
    today = timezone.localdate()
    errors = {}
    if visited_on is None:
        errors["visited_on"] = ValidationError(_("Enter the day of the visit."), code="no_date")
    elif visited_on > today:
        errors["visited_on"] = ValidationError(
            _("The day of the visit cannot be in the future."), code="future_date"
        )
    elif visited_on < certificate.issued_on:
        errors["visited_on"] = ValidationError(
            _("The visit cannot be before the certificate was issued (%(date)s)."),
            code="before_issue",
            params={"date": _short(certificate.issued_on)},
        )
    if outcome not in Inspection.Outcome.values:
        errors["outcome"] = ValidationError(_("Choose the outcome."), code="outcome")
    if outcome == Inspection.Outcome.CORRECTIVE_ACTION:
        if corrective_deadline is None:
            errors["corrective_deadline"] = ValidationError(
                _("Enter the day by which the producer must correct the findings."),
                code="no_deadline",
            )
        elif visited_on is not None and corrective_deadline < visited_on:
            errors["corrective_deadline"] = ValidationError(
                _("The deadline for corrections cannot be before the visit."),
                code="deadline_before_visit",
            )
    else:
        corrective_deadline = None
    if errors:
        raise ValidationError(errors)
    criteria_by_id = {}
    if any(finding.area == InspectionFinding.Area.CRITERION for finding in findings):
        criteria_by_id = {
            criterion.pk: criterion
            for criterion in inspection_criteria(certificate).only("pk", "code", "title_vi")
        }
    problems = _check_findings(findings, criteria_by_id)
    if outcome != Inspection.Outcome.COMPLIANT and not findings:
        problems.append(
            ValidationError(_("Record at least one finding for this outcome."), code="no_findings")
        )
    if problems:
        raise ValidationError(problems)

    for position, finding in enumerate(findings, start=1):
        criterion = criteria_by_id.get(finding.criterion_id)
        is_criterion = finding.area == InspectionFinding.Area.CRITERION
        InspectionFinding.objects.create(
            inspection=locked,
            position=position,
            area=finding.area,
            criterion=criterion if is_criterion else None,
            criterion_code=criterion.code if is_criterion else "",
            criterion_title=criterion.title_vi if is_criterion else "",
            description=finding.description.strip(),
            severity=finding.severity,
        )
    now = timezone.now()
    locked.visited_on = visited_on
    locked.outcome = outcome
    locked.corrective_deadline = corrective_deadline
    locked.summary = (summary or "").strip()
    locked.recorded_at = now
    if outcome == Inspection.Outcome.COMPLIANT:
        locked.status = Inspection.Status.CLOSED
        locked.resolution = Inspection.Resolution.COMPLIANT
        locked.closed_at = now
    else:
        locked.status = Inspection.Status.RECORDED
    locked.save()
    record_event(
        actor=actor,
        action="inspection.recorded",
        obj=locked,
        changes={
            "visited_on": [None, visited_on],
            "outcome": [None, outcome],
            "corrective_deadline": [None, corrective_deadline],
            "findings": [None, len(findings)],
        },
        old_status=Inspection.Status.PLANNED,
        new_status=locked.status,
        comment=locked.summary,
    )
    if locked.awaits_revocation:
        open_revocation_case(locked, actor=actor)
    params = {"date": _short(visited_on), "outcome": locked.get_outcome_display()}
    if outcome == Inspection.Outcome.CORRECTIVE_ACTION:
        body = gettext_lazy(
            "The OCOP inspection of %(product)s on %(date)s found points to correct "
            "(%(outcome)s). Correct them by %(deadline)s; the office will check again."
        )
        params["deadline"] = _short(corrective_deadline)
    else:
        body = gettext_lazy("The OCOP inspection of %(product)s on %(date)s: %(outcome)s.")
    _notify(
        locked,
        subject=gettext_lazy("Result of the OCOP inspection of your product"),
        body=body,
        params=params,
    )
    return locked


@transaction.atomic
def record_follow_up(inspection, *, actor, checked_on, corrected, note="") -> Inspection:
    """After a corrective-action deadline: corrected closes the inspection; not corrected
    leaves it waiting for the revocation, due 15 days after this check."""
    locked = _lock(inspection)
    _check_actor(actor, locked, prefix="certificate__")
    if not locked.awaits_follow_up:
        raise _wrong_status(locked)
    if checked_on is None:
        raise ValidationError(
            {"checked_on": ValidationError(_("Enter the day of the check."), code="no_date")}
        )
    if checked_on > timezone.localdate():
        raise ValidationError(
            {
                "checked_on": ValidationError(
                    _("The day of the check cannot be in the future."), code="future_date"
                )
            }
        )
    if checked_on < locked.visited_on:
        raise ValidationError(
            {
                "checked_on": ValidationError(
                    _("The check cannot be before the visit (%(date)s)."),
                    code="before_visit",
                    params={"date": _short(locked.visited_on)},
                )
            }
        )
    locked.follow_up_on = checked_on
    locked.follow_up_note = (note or "").strip()
    if corrected:
        locked.follow_up_result = Inspection.FollowUp.CORRECTED
        locked.status = Inspection.Status.CLOSED
        locked.resolution = Inspection.Resolution.CORRECTED
        locked.closed_at = timezone.now()
    else:
        locked.follow_up_result = Inspection.FollowUp.NOT_CORRECTED
    locked.save()
    record_event(
        actor=actor,
        action="inspection.followed_up",
        obj=locked,
        changes={
            "follow_up_on": [None, checked_on],
            "follow_up_result": [None, locked.follow_up_result],
        },
        old_status=Inspection.Status.RECORDED,
        new_status=locked.status,
        comment=locked.follow_up_note,
    )
    if locked.awaits_revocation:
        open_revocation_case(locked, actor=actor)
    if corrected:
        body = gettext_lazy(
            "The OCOP office checked on %(date)s that the findings about %(product)s are "
            "corrected. The inspection is closed."
        )
    else:
        body = gettext_lazy(
            "The OCOP office found on %(date)s that the findings about %(product)s are not "
            "corrected. The office may propose that the certificate be revoked."
        )
    _notify(
        locked,
        subject=gettext_lazy("Follow-up of the OCOP inspection of your product"),
        body=body,
        params={"date": _short(checked_on)},
    )
    return locked


# --------------------------------------------------------------------------------------
# Revocation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    inspection: Inspection
    certificate: Certificate
    due_on: datetime.date
    is_late: bool


@transaction.atomic
def escalate_to_revocation(
    inspection, *, actor, ground, decision_number, decided_on, note=""
) -> Escalation:
    """Revoke the certificate on the inspection's finding (``revocation.revoke_certificate``,
    with the same checks and the producer's e-mail) and close the inspection. The revocation
    is due 15 days after the finding; a later one is recorded and reported as late."""
    locked = _lock(inspection)
    _check_actor(actor, locked, prefix="certificate__")
    if not locked.awaits_revocation:
        raise _wrong_status(locked)
    if locked.certificate.revoked_on is not None:
        # Revoked meanwhile by its own decision (from the certificate's pages): the inspection
        # is closed on that revocation; the decision's details given here are not needed.
        return _close_revoked(locked, locked.certificate, actor=actor, note=(note or "").strip())
    if ground not in RevocationGround.values:
        raise ValidationError(
            {
                "ground": ValidationError(
                    _("Choose one of the legal grounds for revocation."), code="ground"
                )
            }
        )
    if decided_on is not None and locked.finding_on and decided_on < locked.finding_on:
        raise ValidationError(
            {
                "decided_on": ValidationError(
                    _("The revocation cannot be dated before the finding (%(date)s)."),
                    code="before_finding",
                    params={"date": _short(locked.finding_on)},
                )
            }
        )
    reference = _("Inspection of %(date)s (no. %(id)s).") % {
        "date": _short(locked.visited_on),
        "id": locked.pk,
    }
    note = (note or "").strip()
    certificate = revoke_certificate(
        locked.certificate,
        actor=actor,
        ground=ground,
        decision_number=decision_number,
        decided_on=decided_on,
        finding_on=locked.finding_on,
        note=f"{reference} {note}".strip(),
    )
    return _close_revoked(locked, certificate, actor=actor, note=note)


def _close_revoked(locked, certificate, *, actor, note) -> Escalation:
    # The 15 days run from the inspection's finding: the certificate records them when it is
    # revoked through the inspection; one revoked meanwhile records its own finding.
    due_on = locked.revocation_due_on
    is_late = certificate.revoked_on > due_on
    locked.status = Inspection.Status.CLOSED
    locked.resolution = Inspection.Resolution.REVOKED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "resolution", "closed_at", "updated_at"])
    record_event(
        actor=actor,
        action="inspection.escalated",
        obj=locked,
        changes={
            "revocation_decision_number": [None, certificate.revocation_decision_number],
            "revoked_on": [None, certificate.revoked_on],
            "revocation_due_on": [None, due_on],
            "late": [None, "yes" if is_late else "no"],
        },
        old_status=Inspection.Status.RECORDED,
        new_status=locked.status,
        comment=note,
    )
    return Escalation(locked, certificate, due_on, is_late)


__all__ = [
    "Escalation",
    "FindingInput",
    "cancel_inspection",
    "escalate_to_revocation",
    "inspectable_certificates",
    "inspection_criteria",
    "inspection_sheet",
    "plan_inspection",
    "record_follow_up",
    "record_inspection",
]
