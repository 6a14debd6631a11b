"""Every change in the evaluation workflow is one function here: ``verb_noun(obj, *, actor,
...)``, in one transaction, with the dossier row locked (and the council's sheets when scoring
closes), the actor's role and the dossier's status checked against ``ALLOWED_TRANSITIONS``, an
audit event written in the same transaction, and the producer told by e-mail once it commits.

A refusal raises ``PermissionDenied`` (wrong person) or ``ValidationError`` (wrong state or
input) with a message for the person who tried, and leaves the database as it was.

See docs/evaluations.md for the state diagram, the roles and the council rules.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ocop.core.audit import record_event
from ocop.core.tasks import queue_email
from ocop.rubric.engine import AnswerError, score_council, score_sheet
from ocop.rubric.gaps import gap_to_next_star
from ocop.rubric.loading import engine_sheet
from ocop.rubric.services import answer_error_message

from ..models import (
    Actor,
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilResult,
    Dossier,
    Round,
    ScoreSheet,
)
from ..permissions import council_seat, has_role, is_producer_member
from .guards import (
    ROLE_REFUSALS,
    answers_digest,
    check_transition,
    clean_text,
    lock_dossier,
    move_dossier,
    require_role,
    required_text,
    scoring_council,
    two_places,
)

S = Dossier.Status


# --------------------------------------------------------------------------------------
# Council work: conflicts, advisory team, sheets
# --------------------------------------------------------------------------------------


def _seat(actor, council) -> CouncilMember:
    seat = council_seat(actor, council)
    if seat is None:
        raise PermissionDenied(_("You are not a member of the council scoring this dossier."))
    return seat


@transaction.atomic
def declare_conflict(dossier, *, actor, has_conflict, note="") -> ConflictDeclaration:
    """A council member declares, for one dossier, whether they have a conflict of interest.
    Declaring is required before scoring; a member who acts for the producer must declare
    one."""
    locked = lock_dossier(dossier, actor)
    council = scoring_council(locked)
    seat = _seat(actor, council)
    note = (note or "").strip()
    if has_conflict and not note:
        raise ValidationError(
            _("Say briefly what ties you to this producer."), code="conflict_note"
        )
    if not has_conflict and is_producer_member(actor, locked.producer_id):
        raise ValidationError(
            _("You act for this producer: you have a conflict of interest and cannot score it."),
            code="tied_to_producer",
        )
    declaration = ConflictDeclaration.objects.filter(member=seat, dossier=locked).first()
    old = declaration.has_conflict if declaration else None
    if declaration is not None and old == has_conflict and declaration.note == note:
        return declaration
    if ScoreSheet.objects.filter(
        dossier=locked,
        member=seat,
        round_id=council.round_id,
        status=ScoreSheet.Status.SUBMITTED,
    ).exists():
        # A declaration changing under a submitted sheet would silently add it to, or take
        # it out of, the quorum and the spread.
        raise ValidationError(
            _(
                "Your sheet for this dossier is submitted. Ask the chair to send it back "
                "before you change your declaration."
            ),
            code="sheet_submitted",
        )
    if declaration is None:
        declaration = ConflictDeclaration(member=seat, dossier=locked)
    declaration.has_conflict, declaration.note = has_conflict, note
    declaration.declared_at = timezone.now()
    declaration.save()
    record_event(
        actor=actor,
        action="council.conflict_declared",
        obj=declaration,
        changes={"has_conflict": [old, has_conflict]},
        comment=note,
    )
    return declaration


def _check_may_score(actor, dossier, seat) -> None:
    if not seat.is_scoring:
        raise PermissionDenied(_("Members of the advisory team do not score dossiers."))
    if is_producer_member(actor, dossier.producer_id):
        raise PermissionDenied(
            _("You act for this producer: you have a conflict of interest and cannot score it.")
        )
    declaration = ConflictDeclaration.objects.filter(member=seat, dossier=dossier).first()
    if declaration is None:
        raise ValidationError(
            _("Declare whether you have a conflict of interest with this producer first."),
            code="no_declaration",
        )
    if declaration.has_conflict:
        raise PermissionDenied(
            _("You declared a conflict of interest with this producer and cannot score it.")
        )


def _engine_result(version, sheet_number, answers, knockouts=(), stop_at=None):
    try:
        return score_sheet(
            engine_sheet(version.slug, sheet_number),
            answers,
            knockouts=list(knockouts),
            stop_at=stop_at or None,
        )
    except AnswerError as error:
        raise ValidationError(answer_error_message(error), code="invalid_answer") from error


def _writable_sheet(locked, council, seat, actor) -> ScoreSheet | None:
    """The actor's own sheet for the dossier, locked, once they may score it (None if they
    have none yet); refused when it was submitted."""
    _check_may_score(actor, locked, seat)
    sheet = (
        ScoreSheet.objects.select_for_update()
        .filter(dossier=locked, member=seat, round_id=council.round_id)
        .first()
    )
    if sheet is not None and sheet.is_locked:
        raise ValidationError(
            _(
                "Your sheet was submitted and is locked. Only the chair can send it back to "
                "you for re-scoring."
            ),
            code="sheet_locked",
        )
    return sheet


def _write_sheet(locked, council, seat, sheet, *, answers, knockouts, stop_at, note):
    """Score the answers with the engine (refusing what the sheet does not allow) and save."""
    answers = {str(code): option for code, option in dict(answers).items()}
    knockouts = list(dict.fromkeys(knockouts or ()))
    result = _engine_result(locked.rubric_version, locked.sheet_number, answers, knockouts, stop_at)
    if sheet is None:
        sheet = ScoreSheet(
            dossier=locked,
            member=seat,
            round_id=council.round_id,
            rubric_version=locked.rubric_version,
            sheet_number=locked.sheet_number,
        )
    sheet.answers, sheet.knockouts = answers, knockouts
    sheet.stop_at, sheet.note = stop_at or "", (note or "").strip()
    sheet.total, sheet.star = two_places(result.total), result.star
    sheet.save()
    return sheet


@transaction.atomic
def save_score_sheet(dossier, *, actor, answers, knockouts=(), stop_at="", note="") -> ScoreSheet:
    """Create or change the actor's own sheet for a dossier while it may change (a draft, or a
    sheet the chair sent back). Every answer is checked by the rubric engine."""
    locked = lock_dossier(dossier, actor)
    council = scoring_council(locked)
    seat = _seat(actor, council)
    sheet = _writable_sheet(locked, council, seat, actor)
    return _write_sheet(
        locked,
        council,
        seat,
        sheet,
        answers=answers,
        knockouts=knockouts,
        stop_at=stop_at,
        note=note,
    )


@transaction.atomic
def save_score_answer(dossier, *, actor, code, option) -> ScoreSheet:
    """Set one answer of the actor's own sheet (``option`` None clears it), keeping the other
    answers, the flags and the note: what the sheet page sends on each change. The sheet is
    read and written under its lock, so two quick changes cannot undo each other."""
    locked = lock_dossier(dossier, actor)
    council = scoring_council(locked)
    seat = _seat(actor, council)
    code = str(code)
    if code not in engine_sheet(locked.rubric_version.slug, locked.sheet_number).criteria:
        raise ValidationError(
            _("Sheet %(number)s has no criterion %(code)s."),
            code="invalid_answer",
            params={"number": locked.sheet_number, "code": code},
        )
    sheet = _writable_sheet(locked, council, seat, actor)
    answers = dict(sheet.answers) if sheet else {}
    if option is None:
        answers.pop(code, None)
    else:
        answers[code] = option
    return _write_sheet(
        locked,
        council,
        seat,
        sheet,
        answers=answers,
        knockouts=sheet.knockouts if sheet else (),
        stop_at=sheet.stop_at if sheet else "",
        note=sheet.note if sheet else "",
    )


def _lock_sheet(sheet, actor) -> tuple[Dossier, ScoreSheet]:
    """Lock the dossier first, then the sheet (the order close_scoring uses)."""
    dossier = lock_dossier(sheet.dossier, actor)
    locked = ScoreSheet.objects.select_for_update().select_related("member").get(pk=sheet.pk)
    return dossier, locked


@transaction.atomic
def submit_score_sheet(sheet, *, actor) -> ScoreSheet:
    """Hand in one's sheet: it is scored, locked, and counted when the chair closes."""
    dossier, locked = _lock_sheet(sheet, actor)
    if locked.member.user_id != actor.pk:
        raise PermissionDenied(_("You can only submit your own score sheet."))
    council = scoring_council(dossier)
    if locked.member.council_id != council.pk:
        raise ValidationError(_("This sheet belongs to an earlier round."), code="old_round")
    # The council row, locked: its rules and seats cannot change while this sheet is handed
    # in (add_council_member and update_council lock it too).
    Council.objects.select_for_update().filter(pk=council.pk).values_list("pk").get()
    _check_may_score(actor, dossier, locked.member)
    if locked.is_locked:
        raise ValidationError(_("This sheet is already submitted."), code="already_submitted")
    result = _engine_result(
        locked.rubric_version, locked.sheet_number, locked.answers, locked.knockouts, locked.stop_at
    )
    old = locked.status
    locked.total, locked.star = two_places(result.total), result.star
    locked.status, locked.submitted_at = ScoreSheet.Status.SUBMITTED, timezone.now()
    locked.save()
    record_event(
        actor=actor,
        action="score_sheet.submitted",
        obj=locked,
        changes={
            "total": [None, locked.total],
            "star": [None, locked.star],
            "knockouts": [None, ",".join(locked.knockouts)],
            "answers_sha256": [None, answers_digest(locked.answers)],
        },
        old_status=old,
        new_status=locked.status,
    )
    return locked


@transaction.atomic
def return_score_sheet(sheet, *, actor, comment) -> ScoreSheet:
    """The chair sends a submitted sheet back to its member for re-scoring, with a comment."""
    dossier, locked = _lock_sheet(sheet, actor)
    council = scoring_council(dossier)
    seat = council_seat(actor, council)
    if (
        seat is None
        or seat.role != CouncilMember.Role.CHAIR
        or locked.member.council_id != council.pk
    ):
        raise PermissionDenied(str(ROLE_REFUSALS[Actor.CHAIR]))
    if locked.status != ScoreSheet.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted sheet can be sent back."), code="not_submitted")
    locked.return_comment = required_text(
        comment, _("Tell the member what to look at again."), "comment"
    )
    locked.status, locked.returned_at = ScoreSheet.Status.RETURNED, timezone.now()
    locked.save()
    record_event(
        actor=actor,
        action="score_sheet.returned",
        obj=locked,
        old_status=ScoreSheet.Status.SUBMITTED,
        new_status=ScoreSheet.Status.RETURNED,
        comment=locked.return_comment,
    )
    address = locked.member.user.email
    if address:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Score sheet sent back: %(dossier)s") % {"dossier": dossier}
            body = _("The chair asks you to look at your sheet again: %(comment)s") % {
                "comment": locked.return_comment
            }
        transaction.on_commit(
            partial(queue_email, subject=subject, body=body, recipients=[address])
        )
    return locked


# --------------------------------------------------------------------------------------
# The chair's view and closing the scoring
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberSheetStatus:
    member: CouncilMember
    declared: bool
    has_conflict: bool
    sheet_status: str  # "" when the member has no sheet yet
    submitted_at: datetime.datetime | None


@dataclass(frozen=True)
class ScoringStatus:
    """What the chair sees before closing: who has declared and submitted, the quorum, and the
    spread of the submitted totals (never a member's total or answers)."""

    council: Council
    members: list[MemberSheetStatus]
    scoring_members: int
    submitted: int
    required: int
    chair_submitted: bool
    spread: Decimal | None
    spread_limit: Decimal
    highest: list[CouncilMember] = field(default_factory=list)
    lowest: list[CouncilMember] = field(default_factory=list)

    @property
    def quorum_met(self) -> bool:
        return self.submitted >= self.required and self.chair_submitted

    @property
    def spread_exceeded(self) -> bool:
        return self.spread is not None and self.spread > self.spread_limit


def quorum_required(scoring_members: int, percent: int) -> int:
    """Sheets needed: ``percent`` of the scoring members, rounded up (75% of 7 is 6)."""
    return math.ceil(scoring_members * percent / 100)


def _counted_sheets(dossier, council, *, lock=False):
    conflicted = ConflictDeclaration.objects.filter(
        dossier=dossier, member__council=council, has_conflict=True
    ).values("member_id")
    sheets = ScoreSheet.objects.filter(dossier=dossier, member__council=council)
    if lock:
        sheets = sheets.select_for_update()
    return [
        sheet
        for sheet in sheets.exclude(member_id__in=conflicted).select_related("member")
        if sheet.status == ScoreSheet.Status.SUBMITTED
    ]


def _council_findings(counted, knockouts=None, stop_at=None) -> tuple[list[str], str | None]:
    """The council's knock-outs and flagged stop: those given, or else those raised on more
    than half of the counted sheets. They apply to every member's sheet."""
    if knockouts is None:
        knockouts = _majority([s.knockouts for s in counted], len(counted))
    if stop_at is None:
        stops = _majority([[s.stop_at] for s in counted if s.stop_at], len(counted))
        stop_at = stops[0] if stops else None
    return list(knockouts), stop_at or None


def _council_score(dossier, counted, council, *, knockouts, stop_at):
    """The engine's council result for the counted sheets under the council-wide findings
    (None without a counted sheet). Its members' totals, spread and mean are the ones shown to
    the chair, checked against the limit and stored: never the totals saved on each sheet,
    which were computed with that member's own flags."""
    if not counted:
        return None
    try:
        return score_council(
            engine_sheet(dossier.rubric_version.slug, dossier.sheet_number),
            [s.answers for s in counted],
            knockouts=knockouts,
            stop_at=stop_at,
            spread_limit=float(council.spread_limit),
        )
    except AnswerError as error:
        raise ValidationError(answer_error_message(error), code="invalid_answer") from error


def _status(dossier, council, counted, result) -> ScoringStatus:
    """``result`` is ``_council_score()`` of ``counted``: the spread comes from it."""
    seats = list(council.members.select_related("user").order_by("role", "id"))
    declarations = {
        d.member_id: d
        for d in ConflictDeclaration.objects.filter(dossier=dossier, member__council=council)
    }
    sheets = {
        s.member_id: s
        for s in ScoreSheet.objects.filter(dossier=dossier, member__council=council).only(
            "id", "member_id", "status", "submitted_at"
        )
    }
    scoring = [seat for seat in seats if seat.is_scoring]
    members = [
        MemberSheetStatus(
            member=seat,
            declared=seat.pk in declarations,
            has_conflict=bool(declarations.get(seat.pk) and declarations[seat.pk].has_conflict),
            sheet_status=sheets[seat.pk].status if seat.pk in sheets else "",
            submitted_at=sheets[seat.pk].submitted_at if seat.pk in sheets else None,
        )
        for seat in scoring
    ]
    totals = [two_places(member.total) for member in result.members] if result else []
    spread = two_places(result.spread) if len(totals) >= 2 else None
    highest = lowest = []
    if spread is not None and spread > council.spread_limit:
        highest = [
            s.member for s, total in zip(counted, totals, strict=True) if total == max(totals)
        ]
        lowest = [
            s.member for s, total in zip(counted, totals, strict=True) if total == min(totals)
        ]
    return ScoringStatus(
        council=council,
        members=members,
        scoring_members=len(scoring),
        submitted=len(counted),
        required=quorum_required(len(scoring), council.quorum_percent),
        chair_submitted=any(s.member.role == CouncilMember.Role.CHAIR for s in counted),
        spread=spread,
        spread_limit=council.spread_limit,
        highest=highest,
        lowest=lowest,
    )


def scoring_status(dossier, *, actor) -> ScoringStatus:
    """The chair's (or the organising office's) view of a dossier's scoring. It names, when the
    spread is above the limit, whose sheets are highest and lowest so they can be sent back,
    but shows no member's total or answers before the scoring is closed."""
    dossier = (
        Dossier.objects.visible_to(actor)
        .filter(pk=dossier.pk)
        .select_related("rubric_version")
        .first()
    )
    if dossier is None:
        raise PermissionDenied(_("You cannot act on this dossier."))
    council = scoring_council(dossier)
    seat = council_seat(actor, council)
    office = Actor.CENTRAL if council.round.level == Round.Level.CENTRAL else Actor.PROVINCE
    if not (seat and seat.role == CouncilMember.Role.CHAIR) and not has_role(
        actor, dossier, office
    ):
        raise PermissionDenied(str(ROLE_REFUSALS[Actor.CHAIR]))
    counted = _counted_sheets(dossier, council)
    knockouts, stop_at = _council_findings(counted)
    result = _council_score(dossier, counted, council, knockouts=knockouts, stop_at=stop_at)
    return _status(dossier, council, counted, result)


def _majority(findings: list[list[str]], count: int) -> list[str]:
    """The findings raised on more than half of ``count`` sheets, in first-seen order."""
    tally = Counter(item for items in findings for item in dict.fromkeys(items))
    return [item for item in tally if tally[item] * 2 > count]


def council_answers(sheet, criteria_points: Mapping[str, float]) -> dict[str, int]:
    """The council's answers for the gap report: for each criterion, the best option whose
    points do not exceed the council's mean for it (rounding down, so the report never
    overstates the product)."""
    answers = {}
    for code, criterion in sheet.criteria.items():
        mean = criteria_points.get(code, 0)
        fitting = [o for o in criterion.options if o.points <= mean + 1e-9]
        if fitting:
            best = max(fitting, key=lambda o: (o.points, -o.number))
            answers[code] = best.number
    return answers


def _outcome(level, result) -> tuple[str, str, int | None]:
    """(dossier status, result outcome, proposed star) for a council result."""
    outcome = CouncilResult.Outcome
    if result.knocked_out:
        return S.REJECTED, outcome.REJECTED, None
    if level == Round.Level.CENTRAL:
        if result.star == 5:
            return S.PROPOSED_CENTRAL, outcome.FIVE_STAR, 5
        if result.star >= 3:
            return S.CENTRAL_NOT_FIVE, outcome.NOT_FIVE_STAR, None
        return S.RATED_LOW, outcome.RECORDED_LOW, None
    # "đạt từ 90 điểm trở lên": the mean total reaches the 5-star band of the dossier's rubric
    # version (its bands are data), whatever the minimums held the star at.
    if result.band_star == 5 and result.star >= 3:
        return S.AWAITING_APPROVAL, outcome.SENT_CENTRAL, None
    if result.star >= 3:
        return S.PROPOSED, outcome.PROPOSED, result.star
    return S.RATED_LOW, outcome.RECORDED_LOW, None


@transaction.atomic
def close_scoring(
    dossier, *, actor, knockouts=None, stop_at=None, confirm_spread=False, comment=""
) -> CouncilResult:
    """The chair closes the scoring of a dossier and the council's result is computed.

    Refused without quorum (submitted sheets of members without a conflict, at least the
    council's percentage of its scoring members, the chair's own sheet among them). When the
    members' totals differ by more than the council's limit, refused unless the chair confirms
    after the council discussed it (``confirm_spread`` and a note in ``comment``). Knock-outs
    and a flagged stop are the council's findings: those given, or else those raised on more
    than half of the counted sheets.
    """
    locked = lock_dossier(dossier, actor)
    council = scoring_council(locked)
    require_role(actor, locked, Actor.CHAIR)
    council = Council.objects.select_for_update().select_related("round").get(pk=council.pk)
    counted = _counted_sheets(locked, council, lock=True)
    # The council-wide findings first, then one engine run: the spread checked below, the
    # spread stored and the member totals stored all come from this same result.
    knockouts, stop_at = _council_findings(counted, knockouts, stop_at)
    result = _council_score(locked, counted, council, knockouts=knockouts, stop_at=stop_at)
    status = _status(locked, council, counted, result)
    if not status.chair_submitted:
        raise ValidationError(
            _("Submit your own sheet before closing: the quorum includes the chair."),
            code="chair_sheet_missing",
        )
    if status.submitted < status.required:
        raise ValidationError(
            _(
                "No quorum yet: %(submitted)s of the %(members)s scoring members have submitted "
                "a sheet (members with a conflict of interest do not count); %(required)s are "
                "needed (%(percent)s%%, the chair included)."
            ),
            code="no_quorum",
            params={
                "submitted": status.submitted,
                "members": status.scoring_members,
                "required": status.required,
                "percent": council.quorum_percent,
            },
        )
    comment = (comment or "").strip()
    if status.spread_exceeded and not (confirm_spread and comment):
        raise ValidationError(
            _(
                "The members' totals differ by %(spread)s points, more than the council's limit "
                "of %(limit)s. Send the outlying sheets back for re-scoring, or, after the "
                "council has discussed them, confirm the closing with a note of the discussion."
            ),
            code="spread_exceeded",
            params={"spread": status.spread, "limit": council.spread_limit},
        )
    sheet = result.sheet
    level = council.round.level
    target, outcome, star = _outcome(level, result)
    check_transition(locked, target, Actor.CHAIR)
    gaps = gap_to_next_star(
        sheet,
        council_answers(sheet, result.criteria),
        knockouts=list(knockouts),
        stop_at=stop_at or None,
    )
    record = CouncilResult.objects.create(
        dossier=locked,
        council=council,
        level=level,
        rubric_version=locked.rubric_version,
        sheet_number=locked.sheet_number,
        mean_total=two_places(result.total),
        parts={code: round(points, 4) for code, points in result.parts.items()},
        star=result.star,
        band_star=result.band_star,
        unmet_minimums={str(s): codes for s, codes in result.unmet_minimums.items()},
        is_knocked_out=result.knocked_out,
        knockouts=[rule.id for rule in result.knockouts],
        stopped_at=result.stopped_at or "",
        spread=status.spread if status.spread is not None else two_places(0),
        spread_limit=council.spread_limit,
        is_spread_exceeded=status.spread_exceeded,
        quorum_percent=council.quorum_percent,
        scoring_members=status.scoring_members,
        members_counted=len(counted),
        member_totals=sorted(
            (float(two_places(member.total)) for member in result.members), reverse=True
        ),
        explanation=result.explain(),
        rule_note=result.rule_note["vi"],
        gap_report=gaps.to_dict(),
        outcome=outcome,
        comment=comment,
        closed_by=actor,
        closed_at=timezone.now(),
    )
    locked.proposed_star = star
    locked.decisive_result = record if star else locked.decisive_result
    move_dossier(
        locked,
        target,
        actor=actor,
        action="dossier.scoring_closed",
        comment=comment,
        fields=["proposed_star", "decisive_result"],
        changes={
            "result": [None, record.pk],
            "mean_total": [None, record.mean_total],
            "star": [None, record.star],
            "outcome": [None, outcome],
            "members_counted": [None, record.members_counted],
        },
    )
    return record


# --------------------------------------------------------------------------------------
# After the council: the province's and the central office's decisions
# --------------------------------------------------------------------------------------


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
