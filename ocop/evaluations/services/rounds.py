"""Rounds and their councils: the office that organises a round (the province's, or the central
office for the 5-star round) opens it, with the decision's dates for a statutory round
(ocop.core.deadlines), sets up its council and seats the members, puts accepted dossiers in
it, and closes it once every dossier has its result.

The council's rules (quorum, spread limit) and its scoring seats are fixed once a member has
handed in a sheet, so that every dossier of the round is scored under the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.audit import diff, record_event
from ocop.core.deadlines import rounds_for

from ..models import (
    SCORING_STATUSES,
    Actor,
    Council,
    CouncilMember,
    Dossier,
    Round,
    RoundDossier,
    ScoreSheet,
)
from ..permissions import can_organise_round
from .guards import check_transition, clean_text, lock_dossier, move_dossier, require_role
from .review import require_office_check

S = Dossier.Status


COUNCIL_FIELDS = ("name", "establishing_decision", "quorum_percent", "spread_limit")


@transaction.atomic
def create_round(
    *,
    actor,
    level,
    year,
    province=None,
    kind=Round.Kind.STATUTORY,
    number=None,
    name="",
    forward_before=None,
    decide_before=None,
) -> Round:
    """Open a round. A statutory round (number 1 or 2) takes its dates from the decision
    (ocop.core.deadlines); an extra round carries its own."""
    if level not in Round.Level.values:
        raise ValidationError(_("Choose the level of the round."), code="level")
    if level == Round.Level.CENTRAL:
        province = None
    elif province is None:
        raise ValidationError(_("Choose the province of the round."), code="province")
    if not can_organise_round(actor, level, getattr(province, "pk", None)):
        raise PermissionDenied(
            _("Only the central OCOP office can open central rounds.")
            if level == Round.Level.CENTRAL
            else _("Only the OCOP office of this province can open its rounds.")
        )
    if kind == Round.Kind.STATUTORY:
        if number not in (1, 2):
            raise ValidationError(_("A statutory round is round 1 or round 2."), code="number")
        window = rounds_for(level, year)[number - 1]
        forward_before, decide_before = window.forward_before, window.decide_before
        exists = Round.objects.filter(
            level=level, province=province, year=year, number=number, kind=kind
        ).exists()
        if exists:
            raise ValidationError(
                _("Round %(number)s of %(year)s already exists."),
                code="duplicate_round",
                params={"number": number, "year": year},
            )
        name = clean_text(name) or _("Round %(number)s of %(year)s") % {
            "number": number,
            "year": year,
        }
    elif kind == Round.Kind.EXTRA:
        number = None
        if decide_before is None:
            raise ValidationError(
                _("Give the day before which the extra round must be decided."),
                code="decide_before",
            )
        if decide_before.year != year:
            raise ValidationError(
                _("An extra round of %(year)s must be decided within %(year)s."),
                code="dates",
                params={"year": year},
            )
        if forward_before is not None and forward_before > decide_before:
            raise ValidationError(
                _("Dossiers must be proposed before the round's decision day."), code="dates"
            )
        name = clean_text(name) or _("Extra round of %(year)s") % {"year": year}
    else:
        raise ValidationError(_("Choose the kind of round."), code="kind")
    round_ = Round.objects.create(
        level=level,
        province=province,
        year=year,
        kind=kind,
        number=number,
        name=name,
        forward_before=forward_before,
        decide_before=decide_before,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="round.created",
        obj=round_,
        changes={
            "level": [None, level],
            "forward_before": [None, forward_before],
            "decide_before": [None, decide_before],
        },
        new_status=round_.status,
    )
    return round_


def _lock_round(round_, actor) -> Round:
    locked = Round.objects.editable_by(actor).select_for_update().filter(pk=round_.pk).first()
    if locked is None:
        raise PermissionDenied(_("Only the office that organises this round can change it."))
    return locked


@transaction.atomic
def close_round(round_, *, actor) -> Round:
    """Close a round once every dossier in it has its result."""
    locked = _lock_round(round_, actor)
    if not locked.is_open:
        raise ValidationError(_("This round is already closed."), code="closed")
    pending = Dossier.objects.filter(
        round_entries__round=locked, status__in=SCORING_STATUSES
    ).count()
    if pending:
        raise ValidationError(
            _("%(count)s dossiers of this round are still being scored."),
            code="pending",
            params={"count": pending},
        )
    locked.status, locked.closed_at = Round.Status.CLOSED, timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(
        actor=actor,
        action="round.closed",
        obj=locked,
        old_status=Round.Status.OPEN,
        new_status=Round.Status.CLOSED,
    )
    return locked


def _council_values(data: Mapping) -> dict:
    unknown = set(data) - set(COUNCIL_FIELDS)
    if unknown:
        raise ValueError(f"Unknown council fields: {sorted(unknown)}")
    values = dict(data)
    for name in ("name", "establishing_decision"):
        if name in values:
            values[name] = clean_text(values[name])
    if "quorum_percent" in values and not 1 <= int(values["quorum_percent"]) <= 100:
        raise ValidationError(
            {"quorum_percent": _("The quorum is a percentage from 1 to 100.")}, code="quorum"
        )
    if "spread_limit" in values and not 0 <= Decimal(str(values["spread_limit"])) <= 100:
        raise ValidationError(
            {"spread_limit": _("The spread limit is between 0 and 100 points.")}, code="spread"
        )
    return values


@transaction.atomic
def create_council(round_, *, actor, data=None) -> Council:
    """Set up the round's council (quorum 75% and spread 10 points unless given)."""
    locked = _lock_round(round_, actor)
    if Council.objects.filter(round=locked).exists():
        raise ValidationError(_("This round already has a council."), code="duplicate_council")
    values = _council_values(data or {})
    values.setdefault("name", _("Council of %(round)s") % {"round": locked.name})
    council = Council.objects.create(round=locked, created_by=actor, **values)
    record_event(
        actor=actor,
        action="council.created",
        obj=council,
        changes={
            "round": [None, locked.pk],
            "quorum_percent": [None, council.quorum_percent],
            "spread_limit": [None, council.spread_limit],
        },
    )
    return council


def _scoring_started(council) -> bool:
    """Whether a member of the council has handed in a sheet for any dossier of its round (the
    sheet is submitted, or was and has been sent back) or a scoring has closed. From then on
    the quorum, the spread limit and the scoring seats are fixed, so that every dossier of the
    round is scored under the same rules."""
    return (
        ScoreSheet.objects.filter(member__council=council)
        .exclude(status=ScoreSheet.Status.DRAFT)
        .exists()
        or council.results.exists()
    )


@transaction.atomic
def update_council(council, *, actor, data) -> Council:
    """Change the council's name or rules; the rules are fixed once scoring has started."""
    _lock_round(council.round, actor)
    locked = Council.objects.select_for_update().get(pk=council.pk)
    values = _council_values(data)
    changes_rules = any(
        name in values and Decimal(str(values[name])) != getattr(locked, name)
        for name in ("quorum_percent", "spread_limit")
    )
    if changes_rules and _scoring_started(locked):
        raise ValidationError(
            _(
                "Council members have already handed in score sheets in this round; the quorum "
                "and the spread limit can no longer change."
            ),
            code="rules_fixed",
        )
    old = {name: getattr(locked, name) for name in COUNCIL_FIELDS}
    for name, value in values.items():
        setattr(locked, name, value)
    locked.spread_limit = Decimal(str(locked.spread_limit))
    changes = diff(locked, old, COUNCIL_FIELDS)
    if changes:
        locked.save(update_fields=[*changes, "updated_at"])
        record_event(actor=actor, action="council.updated", obj=locked, changes=changes)
    return locked


_SEATS_FIXED = gettext_lazy(
    "Council members have already handed in score sheets in this round; the scoring members "
    "can no longer change. Advisers can still be added or removed."
)


@transaction.atomic
def add_council_member(council, *, actor, user, role, organisation="") -> CouncilMember:
    """Seat a user on the council. A scoring seat (chair, secretary, member) is refused once
    scoring has started, since it changes the quorum; an adviser does not score and can join
    at any time."""
    _lock_round(council.round, actor)
    locked = Council.objects.select_for_update().get(pk=council.pk)
    if role not in CouncilMember.Role.values:
        raise ValidationError(_("Choose the member's role."), code="role")
    if role in CouncilMember.SCORING_ROLES and _scoring_started(locked):
        raise ValidationError(_SEATS_FIXED, code="seats_fixed")
    if CouncilMember.objects.filter(council=locked, user=user).exists():
        raise ValidationError(
            _("%(user)s is already in this council."), code="duplicate", params={"user": user}
        )
    if role == CouncilMember.Role.CHAIR and locked.members.filter(role=role).exists():
        raise ValidationError(_("The council already has a chair."), code="second_chair")
    member = CouncilMember.objects.create(
        council=locked, user=user, role=role, organisation=clean_text(organisation)
    )
    record_event(
        actor=actor,
        action="council.member_added",
        obj=locked,
        changes={"member": [None, user.get_username()], "role": [None, role]},
    )
    return member


@transaction.atomic
def remove_council_member(member, *, actor) -> None:
    """Take a user off the council: refused for a member who has a sheet, and for any scoring
    seat once scoring has started (see ``add_council_member``)."""
    _lock_round(member.council.round, actor)
    Council.objects.select_for_update().get(pk=member.council_id)
    locked = CouncilMember.objects.select_for_update().get(pk=member.pk)
    if locked.score_sheets.exists():
        raise ValidationError(
            _("This member has already scored a dossier and stays in the council's record."),
            code="has_sheets",
        )
    if locked.is_scoring and _scoring_started(locked.council):
        raise ValidationError(_SEATS_FIXED, code="seats_fixed")
    record_event(
        actor=actor,
        action="council.member_removed",
        obj=locked.council,
        changes={"member": [locked.user.get_username(), None], "role": [locked.role, None]},
    )
    locked.delete()


@transaction.atomic
def assign_dossier_to_round(dossier, round_, *, actor) -> RoundDossier:
    """Put an accepted dossier in a provincial round of its province, or a dossier approved for
    the central round in a central round. A statutory round takes only dossiers proposed
    before its cut-off."""
    locked = lock_dossier(dossier, actor)
    round_ = _lock_round(round_, actor)
    if round_.level == Round.Level.PROVINCE:
        role, target = Actor.PROVINCE, S.IN_ROUND
        proposed_on = locked.forwarded_on
    else:
        role, target = Actor.CENTRAL, S.IN_CENTRAL_ROUND
        proposed_on = locked.approved_for_central_on
    require_role(actor, locked, role)
    check_transition(locked, target, role)
    if round_.level == Round.Level.PROVINCE and locked.kind == Dossier.Kind.RE_RATING:
        require_office_check(locked)
    if not round_.is_open:
        raise ValidationError(_("This round is closed."), code="round_closed")
    if round_.level == Round.Level.PROVINCE and round_.province_id != locked.province_id:
        raise ValidationError(
            _("The dossier belongs to another province's rounds."), code="other_province"
        )
    today = timezone.localdate()
    if today >= round_.decide_before:
        raise ValidationError(
            _("This round had to be decided before %(day)s; choose a later round."),
            code="round_over",
            params={"day": date_format(round_.decide_before, "SHORT_DATE_FORMAT")},
        )
    if (
        round_.forward_before is not None
        and proposed_on is not None
        and proposed_on >= round_.forward_before
    ):
        raise ValidationError(
            _(
                "This dossier was proposed on %(day)s, not before this round's cut-off "
                "(%(cut_off)s). Put it in the next round or in an extra round."
            ),
            code="after_cut_off",
            params={
                "day": date_format(proposed_on, "SHORT_DATE_FORMAT"),
                "cut_off": date_format(round_.forward_before, "SHORT_DATE_FORMAT"),
            },
        )
    if RoundDossier.objects.filter(round=round_, dossier=locked).exists():
        raise ValidationError(
            _("The dossier was already scored in this round; choose another round."),
            code="already_in_round",
        )
    entry = RoundDossier.objects.create(round=round_, dossier=locked, added_by=actor)
    move_dossier(
        locked,
        target,
        actor=actor,
        action="dossier.assigned_to_round",
        comment=round_.name,
        changes={"round": [None, round_.pk]},
    )
    return entry


@transaction.atomic
def assign_dossiers_to_round(round_, dossiers, *, actor) -> list[RoundDossier]:
    """Several dossiers at once, all or none."""
    return [assign_dossier_to_round(dossier, round_, actor=actor) for dossier in dossiers]
