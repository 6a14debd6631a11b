"""After the provincial council, the way to 5 stars: the province approves a result of 90 points
or more and sends it to the central round (art. 7(3)(e)); it may not keep such a product at
4 stars, which art. 3(3)(b) defines as 70 to under 90 points. After a central result short of
5 stars (below 3 stars included), the province proposes recognition at 3 or 4 stars on the
central score, or evaluates the product again itself (art. 7(4)(g)).

A 5★ product's re-rating takes a shorter way: once the office has checked it, the province
sends it to the Ministry on the office's report, without a provincial council (art. 6(3)(b),
7(6)(e)); its 45 days then run again from that day (art. 7(6)(g)).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.deadlines import re_rating_decision_deadline

from ..models import Actor, CouncilResult, Dossier, Round
from .guards import (
    check_transition,
    clean_text,
    lock_dossier,
    move_dossier,
    require_role,
    required_text,
)
from .review import require_office_check

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
def recognise_central_score(dossier, *, actor, comment="") -> Dossier:
    """Below 5 stars centrally, the province proposes recognition at 3 or 4 stars on the
    central council's score (art. 7(4)(g)); a central score below 3 stars cannot be
    recognised, and the province evaluates the product again instead."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PROVINCE)
    check_transition(locked, S.PROPOSED, Actor.PROVINCE)
    result = _latest_result(locked, Round.Level.CENTRAL)
    if result.star < 3:
        raise ValidationError(
            _(
                "The central council rated this product %(star)s stars (%(total)s points): below "
                "3 stars it cannot be recognised on that score. Evaluate it again at the province."
            ),
            code="below_three_stars",
            params={"star": result.star, "total": result.mean_total},
        )
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


@transaction.atomic
def send_five_star_re_rating(dossier, *, actor, comment="") -> Dossier:
    """Send the re-rating of a 5★ product to the central round on the provincial office's
    report (art. 6(3)(b): "báo cáo đánh giá của cơ quan tham mưu quản lý OCOP cấp tỉnh"), with
    no provincial council; the central council then decides it (art. 7(6)(e)). The Ministry
    has 45 days from that day (art. 7(6)(g))."""
    locked = lock_dossier(dossier, actor)
    require_role(actor, locked, Actor.PROVINCE)
    check_transition(locked, S.SENT_CENTRAL, Actor.PROVINCE)
    if locked.kind != Dossier.Kind.RE_RATING or locked.recognised_star != 5:
        raise ValidationError(
            _(
                "Only the re-rating of a 5-star product goes to the Ministry on the office's "
                "report; put this dossier in a round of the provincial council."
            ),
            code="not_five_star_re_rating",
        )
    check = require_office_check(locked)
    today = timezone.localdate()
    locked.approved_for_central_on = today
    locked.re_rating_due_on = re_rating_decision_deadline(today)
    return move_dossier(
        locked,
        S.SENT_CENTRAL,
        actor=actor,
        action="dossier.five_star_re_rating_sent",
        comment=clean_text(comment),
        fields=["approved_for_central_on", "re_rating_due_on"],
        changes={
            "office_check": [None, check.pk],
            "re_rating_due_on": [None, locked.re_rating_due_on],
        },
    )
