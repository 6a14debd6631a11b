"""What the evaluation pages of every stage use: the dossier fetched for the user (404 for anyone
who may not see it, or who does not hold the role a page is for), refusals shown as messages,
and the rows of attachments and council results as the templates show them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.rubric.engine import STAR_LEVELS, AnswerError, score_sheet
from ocop.rubric.layout import sheet_layout
from ocop.rubric.loading import engine_sheet

from ..models import Dossier, Round
from ..permissions import has_role

S = Dossier.Status


DOSSIER_RELATED = ("product", "producer", "province", "commune", "rubric_version")


def visible_dossier(request, pk) -> Dossier:
    """The dossier if the user may see it, else 404."""
    queryset = Dossier.objects.visible_to(request.user).select_related(*DOSSIER_RELATED)
    return get_object_or_404(queryset, pk=pk)


def dossier_as(request, pk, *roles) -> Dossier:
    """The dossier if the user holds one of ``roles`` for it, else 404: a page for a role is
    not there for anyone else."""
    dossier = visible_dossier(request, pk)
    if not any(has_role(request.user, dossier, role) for role in roles):
        raise Http404
    return dossier


def frozen_self_assessment(dossier):
    """The self-assessment frozen on the dossier at submission, scored again by the engine:
    (engine sheet, layout, answers, result). 404 for a draft, which has none yet."""
    if dossier.self_assessment_total is None:
        raise Http404
    version = dossier.rubric_version.slug
    engine = engine_sheet(version, dossier.sheet_number)
    answers = dict(dossier.self_assessment_answers)
    try:
        result = score_sheet(engine, answers)
    except AnswerError:  # frozen answers always fit their sheet; never a 500 if one does not
        raise Http404 from None
    return engine, sheet_layout(version, dossier.sheet_number), answers, result


def saved_sheet(dossier, sheet):
    """A member's saved score sheet (blank when ``sheet`` is None) scored by the engine:
    (layout, answers, result). 404 if saved answers ever stopped fitting their sheet."""
    version = dossier.rubric_version.slug
    answers = dict(sheet.answers) if sheet else {}
    try:
        result = score_sheet(
            engine_sheet(version, dossier.sheet_number),
            answers,
            knockouts=sheet.knockouts if sheet else (),
            stop_at=(sheet.stop_at or None) if sheet else None,
        )
    except AnswerError:
        raise Http404 from None
    return sheet_layout(version, dossier.sheet_number), answers, result


def may_move(dossier, *roles) -> bool:
    return bool(dossier.next_statuses(roles))


def nothing_to_do(request, dossier):
    messages.error(
        request,
        _("This dossier is “%(status)s”: there is nothing for you to do on it now.")
        % {"status": dossier.get_status_display()},
    )
    return redirect(dossier)


def messages_of(error) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("You cannot do this.")]


def show_refusal(request, error):
    for message in messages_of(error):
        messages.error(request, message)


def form_data(request):
    """What a form is bound to: the posted data, or None (an unbound form) for a GET."""
    return request.POST if request.method == "POST" else None


def attachment_rows(dossier):
    """The attached documents: the number and dates as filed (copied at submission) or, for a
    draft, as they are in the locker; with the document's validity today."""
    rows = []
    for row in dossier.attachment_rows.select_related("document"):
        document = row.document
        frozen = row.frozen_at is not None
        rows.append(
            {
                "document": document,
                "number": row.number if frozen else document.number,
                "issued_on": row.issued_on if frozen else document.issued_on,
                "expires_on": row.expires_on if frozen else document.expires_on,
                "status": document.expiry_status,
            }
        )
    return rows


def result_view(result):
    """A council result ready for the template: unmet minimums by star, knock-out texts."""
    unmet = [
        (star, codes)
        for star in STAR_LEVELS
        if (codes := (result.unmet_minimums or {}).get(str(star)))
    ]
    explanation = result.explanation or {}
    return {
        "result": result,
        "unmet": unmet,
        "knockouts": explanation.get("knockouts", []),
        "stop_note_vi": explanation.get("stop_note_vi"),
        "gap_messages": (result.gap_report or {}).get("messages_vi", []),
    }


def open_rounds(user, dossier):
    """The open rounds the user organises that the dossier could join."""
    rounds = Round.objects.editable_by(user).filter(
        status=Round.Status.OPEN, decide_before__gt=timezone.localdate()
    )
    if dossier.status == S.SENT_CENTRAL:
        return rounds.filter(level=Round.Level.CENTRAL)
    return rounds.filter(level=Round.Level.PROVINCE, province_id=dossier.province_id)


def as_validation_error(error):
    """A refusal as form errors: a ``PermissionDenied`` becomes a non-field error."""
    return error if isinstance(error, ValidationError) else ValidationError(str(error))
