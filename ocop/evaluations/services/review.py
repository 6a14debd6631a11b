"""Review of a submitted dossier before it is scored: the commune's review (Mẫu 03), which
forwards a complete dossier to the province or returns it to the producer, then the provincial
OCOP office's intake, which accepts the forwarded dossier for a round or returns it for
completion (art. 7(3)(a)), and, for a re-rating, the office's check and report on it (art.
7(6)(c)).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.core.audit import record_event
from ocop.core.deadlines import re_rating_decision_deadline

from ..models import Actor, CommuneReview, Dossier, OfficeCheck
from .guards import (
    check_transition,
    clean_text,
    lock_dossier,
    move_dossier,
    require_role,
    required_text,
)

S = Dossier.Status


REVIEW_FIELDS = (
    *CommuneReview.CHECKLIST_FIELDS,
    *(name for finding in CommuneReview.FINDING_FIELDS for name in (finding, f"{finding}_note")),
)


@transaction.atomic
def review_dossier(dossier, *, actor, decision, data=None, reason="") -> CommuneReview:
    """The commune's review (Mẫu 03): forward a complete dossier with the four points assessed,
    or return it to the producer with the reason."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.COMMUNE)
    target = {
        CommuneReview.Decision.FORWARD: S.FORWARDED,
        CommuneReview.Decision.RETURN: S.RETURNED,
    }.get(decision)
    if target is None:
        raise ValidationError(
            _("Choose whether to forward or return the dossier."), code="decision"
        )
    check_transition(locked, target, Actor.COMMUNE)
    data = dict(data or {})
    unknown = set(data) - set(REVIEW_FIELDS)
    if unknown:
        raise ValueError(f"Unknown review fields: {sorted(unknown)}")
    review = CommuneReview(dossier=locked, reviewer=actor, decision=decision, **data)
    for finding in CommuneReview.FINDING_FIELDS:
        setattr(review, f"{finding}_note", (getattr(review, f"{finding}_note") or "").strip())
    review.reason = (reason or "").strip()
    if decision == CommuneReview.Decision.RETURN:
        required_text(
            review.reason,
            _("Write why the dossier is returned, so that the producer can complete it."),
            "reason",
        )
    else:
        errors = {}
        for name in CommuneReview.CHECKLIST_FIELDS:
            if not getattr(review, name):
                errors[name] = ValidationError(
                    _(
                        "Forward only a complete dossier. If this part is missing, return the "
                        "dossier to the producer with the reason."
                    ),
                    code="incomplete",
                )
        for finding in CommuneReview.FINDING_FIELDS:
            if getattr(review, finding) not in CommuneReview.Finding.values:
                errors[finding] = ValidationError(
                    _("Assess this point before forwarding."), code="finding"
                )
            if not getattr(review, f"{finding}_note"):
                errors[f"{finding}_note"] = ValidationError(
                    _("Describe what the commune found on this point (Mẫu 03)."), code="note"
                )
        if errors:
            raise ValidationError(errors)
    review.full_clean(exclude=["dossier", "reviewer"])
    review.save()
    changes = {name: [None, getattr(review, name)] for name in CommuneReview.FINDING_FIELDS}
    changes["review"] = [None, review.pk]
    if target == S.FORWARDED:
        locked.forwarded_on = timezone.localdate()
        return_fields = ["forwarded_on"]
        changes["forwarded_on"] = [None, locked.forwarded_on]
    else:
        locked.return_reason = review.reason
        return_fields = ["return_reason"]
    move_dossier(
        locked,
        target,
        actor=actor,
        action="dossier.forwarded" if target == S.FORWARDED else "dossier.returned",
        comment=review.reason,
        changes=changes,
        fields=return_fields,
    )
    return review


@transaction.atomic
def accept_dossier(dossier, *, actor, comment="") -> Dossier:
    """The provincial OCOP office has checked the forwarded dossier and takes it in. A
    re-rating is then evaluated within 45 days of the day the complete dossier came from the
    commune (art. 7(6)(g)): its due date is set here."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PROVINCE)
    check_transition(locked, S.ACCEPTED, Actor.PROVINCE)
    locked.province_received_at = timezone.now()
    fields, changes = ["province_received_at"], {}
    if locked.kind == Dossier.Kind.RE_RATING:
        received_on = locked.forwarded_on or timezone.localdate()
        locked.re_rating_due_on = re_rating_decision_deadline(received_on)
        fields.append("re_rating_due_on")
        changes["re_rating_due_on"] = [None, locked.re_rating_due_on]
    return move_dossier(
        locked,
        S.ACCEPTED,
        actor=actor,
        action="dossier.accepted",
        comment=clean_text(comment),
        fields=fields,
        changes=changes,
    )


@transaction.atomic
def return_dossier(dossier, *, actor, reason) -> Dossier:
    """The provincial OCOP office sends the dossier back for completion (art. 7(3)(a)); the
    producer completes it and files it again at the commune."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PROVINCE)
    check_transition(locked, S.RETURNED, Actor.PROVINCE)
    locked.return_reason = required_text(
        reason,
        _("Write what the producer must complete, so that the dossier can be filed again."),
        "reason",
    )
    return move_dossier(
        locked,
        S.RETURNED,
        actor=actor,
        action="dossier.returned",
        comment=locked.return_reason,
        fields=["return_reason"],
    )


@transaction.atomic
def record_office_check(
    dossier,
    *,
    actor,
    report,
    site_check_reason="",
    visited_on=None,
    participants="",
    site_findings="",
) -> OfficeCheck:
    """The provincial OCOP office's check of an accepted re-rating (art. 7(6)(c)): "kiểm tra
    thực tế tại cơ sở đối với những sản phẩm có thay đổi lớn về quy mô sản xuất hoặc hồ sơ
    minh chứng không rõ ràng ...; lập báo cáo đánh giá về hồ sơ gửi Chủ tịch Hội đồng cấp
    tỉnh". The report is required; a site check, when one is needed, is recorded with its day
    (between the submission and today) and findings. A re-rating is put in a round, or a 5★
    one sent to the Ministry, only once its check is recorded."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PROVINCE)
    if locked.kind != Dossier.Kind.RE_RATING or locked.status != S.ACCEPTED:
        raise ValidationError(
            _("The office checks a re-rating once it has accepted it, before its council."),
            code="not_an_accepted_re_rating",
        )
    report = required_text(
        report, _("Write the office's report on the dossier for the council."), "report"
    )
    if site_check_reason not in ("", *OfficeCheck.SiteCheckReason.values):
        raise ValidationError(_("Choose why a site check is needed."), code="site_check_reason")
    check = OfficeCheck(
        dossier=locked,
        site_check_reason=site_check_reason,
        report=report,
        participants=(participants or "").strip(),
        site_findings=(site_findings or "").strip(),
        visited_on=visited_on if site_check_reason else None,
        recorded_by=actor,
    )
    if site_check_reason:
        errors = {}
        if visited_on is None:
            errors["visited_on"] = ValidationError(
                _("Give the day of the site check."), code="no_visit_day"
            )
        else:
            submitted_on = timezone.localdate(locked.submitted_at)
            if visited_on > timezone.localdate():
                errors["visited_on"] = ValidationError(
                    _("The site check cannot be in the future."), code="future"
                )
            elif visited_on < submitted_on:
                errors["visited_on"] = ValidationError(
                    _("The site check cannot be before the dossier was submitted (%(date)s)."),
                    code="before_submission",
                    params={"date": date_format(submitted_on, "SHORT_DATE_FORMAT")},
                )
        if not check.site_findings:
            errors["site_findings"] = ValidationError(
                _("Write what the site check found."), code="no_findings"
            )
        if errors:
            raise ValidationError(errors)
    else:
        check.participants = check.site_findings = ""
    check.save()
    record_event(
        actor=actor,
        action="dossier.office_check_recorded",
        obj=locked,
        changes={
            "office_check": [None, check.pk],
            "site_check_reason": [None, site_check_reason],
            "visited_on": [None, check.visited_on],
        },
    )
    return check


def latest_office_check(dossier) -> OfficeCheck | None:
    """The office's check of the re-rating since the province last accepted it, if any."""
    if dossier.province_received_at is None:
        return None
    return (
        OfficeCheck.objects.filter(dossier=dossier, recorded_at__gte=dossier.province_received_at)
        .order_by("-recorded_at", "-pk")
        .first()
    )


def require_office_check(dossier) -> OfficeCheck:
    """A re-rating goes on (to a round, or to the Ministry) only with its office check."""
    check = latest_office_check(dossier)
    if check is None:
        raise ValidationError(
            _(
                "Record the office's check of this re-rating and its report for the council "
                "first (Decision 26/2026, art. 7(6)(c))."
            ),
            code="no_office_check",
        )
    return check
