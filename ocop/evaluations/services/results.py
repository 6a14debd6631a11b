"""The council's result: what the chair sees before closing (who has declared and submitted, the
quorum, the spread of the totals, never a member's total or answers), and closing the scoring,
which computes the council's result with the engine, stores it with its gap report, and moves
the dossier to its outcome (proposed, sent to the central round, rated below 3 stars or
rejected).
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.rubric.engine import AnswerError, score_council
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
from ..permissions import council_seat, has_role
from .guards import (
    ROLE_REFUSALS,
    check_transition,
    lock_dossier,
    move_dossier,
    require_role,
    scoring_council,
    two_places,
)

S = Dossier.Status


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
        # "Trường hợp sản phẩm không đạt 90 điểm" (art. 7(4)(g)): any central result short of
        # 5 stars, below 3 stars included, goes back to the province, which decides.
        return S.CENTRAL_NOT_FIVE, outcome.NOT_FIVE_STAR, None
    # "đạt từ 90 điểm trở lên": the mean total reaches the 5-star band of the dossier's rubric
    # version (its bands are data), whatever the minimums held the star at.
    if result.band_star == 5 and result.star >= 3:
        return S.AWAITING_APPROVAL, outcome.SENT_CENTRAL, None
    if result.star >= 3:
        return S.PROPOSED, outcome.PROPOSED, result.star
    return S.RATED_LOW, outcome.RECORDED_LOW, None


def _method(dossier, met) -> str:
    """How the council decided: on written opinions for a re-rating that needed no meeting."""
    if dossier.kind == Dossier.Kind.RE_RATING and not met:
        return CouncilResult.Method.WRITTEN
    return CouncilResult.Method.MEETING


@transaction.atomic
def close_scoring(
    dossier,
    *,
    actor,
    knockouts=None,
    stop_at=None,
    confirm_spread=False,
    comment="",
    held_meeting=False,
) -> CouncilResult:
    """The chair closes the scoring of a dossier and the council's result is computed.

    Refused without quorum (submitted sheets of members without a conflict, at least the
    council's percentage of its scoring members, the chair's own sheet among them). When the
    members' totals differ by more than the council's limit, refused unless the chair confirms
    after the council discussed it (``confirm_spread`` and a note in ``comment``). Knock-outs
    and a flagged stop are the council's findings: those given, or else those raised on more
    than half of the counted sheets.

    A re-rating is decided on the members' written opinions (their sheets, art. 7(6)(d)-(e):
    "thông qua hình thức lấy ý kiến bằng văn bản; chỉ tổ chức họp trực tiếp khi có nhiều ý kiến
    đánh giá khác nhau hoặc có nội dung phức tạp cần thảo luận"): the result says so, unless
    the chair says the council met (``held_meeting``) or it had to discuss a spread above the
    limit. Any other dossier is decided at a meeting (art. 7(3)(d)).
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
        method=_method(locked, held_meeting or status.spread_exceeded),
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
            "method": [None, record.method],
        },
    )
    return record
