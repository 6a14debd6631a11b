"""After the provincial council, the way to 5 stars: the province approves a result of 90 points
or more for the central round (art. 7(3)(e)) or keeps the product for provincial recognition
(at most 4 stars); after a central result below 5 stars, it proposes recognition on the
central score (art. 7(4)(g)) or evaluates the product again itself.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Actor, CouncilResult, Dossier, Round
from .guards import (
    check_transition,
    clean_text,
    lock_dossier,
    move_dossier,
    require_role,
    required_text,
)

S = Dossier.Status


def _latest_result(dossier, level) -> CouncilResult:
    return (
        CouncilResult.objects.filter(dossier=dossier, level=level)
        .order_by("-closed_at", "-pk")
        .first()
    )


@transaction.atomic
def approve_for_central(dossier, *, actor, comment="") -> Dossier:
    """The province approves a result of 90 points or more and sends the dossier to the
    central round (art. 7(3)(e))."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PROVINCE)
    check_transition(locked, S.SENT_CENTRAL, Actor.PROVINCE)
    locked.approved_for_central_on = timezone.localdate()
    return move_dossier(
        locked,
        S.SENT_CENTRAL,
        actor=actor,
        action="dossier.approved_for_central",
        comment=clean_text(comment),
        fields=["approved_for_central_on"],
    )


@transaction.atomic
def keep_at_province(dossier, *, actor, comment) -> Dossier:
    """The province does not send a 90-point result to the central round and proposes it for
    provincial recognition instead (at most 4 stars)."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PROVINCE)
    check_transition(locked, S.PROPOSED, Actor.PROVINCE)
    comment = required_text(comment, _("Write why the province keeps this product."), "comment")
    result = _latest_result(locked, Round.Level.PROVINCE)
    locked.proposed_star, locked.decisive_result = min(result.star, 4), result
    return move_dossier(
        locked,
        S.PROPOSED,
        actor=actor,
        action="dossier.kept_at_province",
        comment=comment,
        fields=["proposed_star", "decisive_result"],
        changes={"proposed_star": [None, locked.proposed_star]},
    )


@transaction.atomic
def recognise_central_score(dossier, *, actor, comment="") -> Dossier:
    """Below 5 stars centrally, the province proposes recognition at 3 or 4 stars on the
    central council's score (art. 7(4)(g))."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PROVINCE)
    check_transition(locked, S.PROPOSED, Actor.PROVINCE)
    result = _latest_result(locked, Round.Level.CENTRAL)
    locked.proposed_star, locked.decisive_result = result.star, result
    return move_dossier(
        locked,
        S.PROPOSED,
        actor=actor,
        action="dossier.central_score_recognised",
        comment=clean_text(comment),
        fields=["proposed_star", "decisive_result"],
        changes={"proposed_star": [None, result.star]},
    )


@transaction.atomic
def reassess_at_province(dossier, *, actor, comment) -> Dossier:
    """Below 5 stars centrally, the province chooses to evaluate the product again itself: the
    dossier goes back to its accepted dossiers, ready for a provincial round."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PROVINCE)
    check_transition(locked, S.ACCEPTED, Actor.PROVINCE)
    comment = required_text(
        comment, _("Write why the province evaluates the product again."), "comment"
    )
    locked.proposed_star = None
    return move_dossier(
        locked,
        S.ACCEPTED,
        actor=actor,
        action="dossier.reassessed_at_province",
        comment=comment,
        fields=["proposed_star"],
    )
