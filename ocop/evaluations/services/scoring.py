"""Scoring by the council's members: each scoring member first declares, for the dossier, whether
they have a conflict of interest, then fills in their own score sheet on the dossier's rubric
(whole or one answer at a time, every answer checked by the engine) and submits it, which locks
it. The chair may send a submitted sheet back for re-scoring, with a comment.

Nobody sees another member's sheet before the chair closes the scoring (see results.py).
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ocop.core.audit import record_event
from ocop.core.tasks import queue_email
from ocop.rubric.engine import AnswerError, score_sheet
from ocop.rubric.loading import engine_sheet
from ocop.rubric.services import answer_error_message

from ..models import Actor, ConflictDeclaration, Council, CouncilMember, Dossier, ScoreSheet
from ..permissions import council_seat, is_producer_member
from .guards import (
    ROLE_REFUSALS,
    answers_digest,
    lock_dossier,
    required_text,
    scoring_council,
    two_places,
)


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
