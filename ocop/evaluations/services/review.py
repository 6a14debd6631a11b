"""Review of a submitted dossier before it is scored: the commune's review (Mẫu 03), which
forwards a complete dossier to the province or returns it to the producer, then the provincial
OCOP office's intake, which accepts the forwarded dossier for a round or returns it for
completion (art. 7(3)(a)).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.deadlines import re_rating_decision_deadline

from ..models import Actor, CommuneReview, Dossier
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
