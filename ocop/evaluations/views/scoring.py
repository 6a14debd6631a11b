"""Council members' pages: the dossiers of their rounds with their own declaration and sheet (no
one else's), the conflict-of-interest declaration, and their score sheet, saved one answer at
a time through htmx (or all at once without JavaScript) and then submitted, which locks it.
The chair sends a submitted sheet back from the scoring page (``scoresheet_return``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.core.htmx import is_htmx
from ocop.core.pagination import paginate, query_without_page
from ocop.rubric.engine import AnswerError, score_sheet
from ocop.rubric.layout import sheet_layout, sheet_rows
from ocop.rubric.loading import engine_sheet

from ..forms import ConflictForm, ReturnSheetForm, SheetFlagsForm, add_service_error
from ..models import (
    SCORING_STATUSES,
    Actor,
    ConflictDeclaration,
    CouncilMember,
    Dossier,
    Round,
    RoundDossier,
    ScoreSheet,
)
from ..permissions import council_seat, current_council
from ..services.scoring import (
    declare_conflict,
    return_score_sheet,
    save_score_answer,
    save_score_sheet,
    submit_score_sheet,
)
from .common import (
    as_validation_error,
    dossier_as,
    form_data,
    messages_of,
    nothing_to_do,
    show_refusal,
    visible_dossier,
)

S = Dossier.Status


ANSWER_PREFIX = "answer-"


@require_GET
def scoresheet_list(request):
    """The dossiers of the rounds whose council the user sits on, with the user's own
    declaration and sheet: nobody else's."""
    user = request.user
    seats = {seat.council_id: seat for seat in CouncilMember.objects.filter(user=user)}
    show_all = request.GET.get("show") == "all"
    entries = RoundDossier.objects.filter(round__council__members__user=user).select_related(
        "round__council", "dossier__product", "dossier__producer"
    )
    if not show_all:
        entries = entries.filter(
            Q(dossier__status=S.IN_ROUND, round__level=Round.Level.PROVINCE)
            | Q(dossier__status=S.IN_CENTRAL_ROUND, round__level=Round.Level.CENTRAL)
        )
    page = paginate(request, entries.order_by("-added_at", "-id"))
    dossier_ids = [entry.dossier_id for entry in page]
    declarations = {
        (declaration.member_id, declaration.dossier_id): declaration
        for declaration in ConflictDeclaration.objects.filter(
            member__user=user, dossier_id__in=dossier_ids
        )
    }
    sheets = {
        (sheet.member_id, sheet.dossier_id): sheet
        for sheet in ScoreSheet.objects.filter(member__user=user, dossier_id__in=dossier_ids).only(
            "id", "member_id", "dossier_id", "status", "total", "submitted_at", "return_comment"
        )
    }
    rows = []
    for entry in page:
        seat = seats.get(entry.round.council.pk)
        key = (seat.pk, entry.dossier_id) if seat else None
        rows.append(
            {
                "entry": entry,
                "dossier": entry.dossier,
                "seat": seat,
                "declaration": declarations.get(key),
                "sheet": sheets.get(key),
                "is_scoring": entry.dossier.status in SCORING_STATUSES,
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "show_all": show_all,
        "has_seats": bool(seats),
        "query": query_without_page(request),
    }
    return render(request, "evaluations/scoresheet_list.html", context)


def _seat_for(request, dossier):
    """The user's seat in the council scoring (or that last scored) the dossier, else 404."""
    council = current_council(dossier)
    seat = council_seat(request.user, council)
    if seat is None:
        raise Http404
    seat.council = council  # already loaded, with its round
    return council, seat


@require_http_methods(["GET", "POST"])
def conflict_declare(request, pk):
    """A member declares, before scoring, whether they have a conflict of interest."""
    dossier = visible_dossier(request, pk)
    _council, seat = _seat_for(request, dossier)
    if dossier.status not in SCORING_STATUSES:
        return nothing_to_do(request, dossier)
    declaration = ConflictDeclaration.objects.filter(member=seat, dossier=dossier).first()
    initial = {}
    if declaration is not None:
        initial = {
            "has_conflict": "yes" if declaration.has_conflict else "no",
            "note": declaration.note,
        }
    form = ConflictForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = declare_conflict(
                dossier,
                actor=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(
                form,
                as_validation_error(error),
                {"conflict_note": "note", "tied_to_producer": "has_conflict"},
            )
        else:
            messages.success(request, _("Your declaration was recorded."))
            if declaration.has_conflict or not seat.is_scoring:
                return redirect(dossier)
            return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    context = {"form": form, "dossier": dossier, "seat": seat, "declaration": declaration}
    return render(request, "evaluations/conflict_form.html", context)


def _sheet_context(
    dossier, seat, sheet, *, answers=None, knockouts=None, stop_at=None, note=None, error=""
):
    """The member's sheet on the rubric layout, scored by the engine once."""
    version = dossier.rubric_version.slug
    engine = engine_sheet(version, dossier.sheet_number)
    if answers is None:
        answers = dict(sheet.answers) if sheet else {}
        knockouts = list(sheet.knockouts) if sheet else []
        stop_at = sheet.stop_at if sheet else ""
    try:
        result = score_sheet(engine, answers, knockouts=knockouts or (), stop_at=stop_at or None)
    except AnswerError:  # what was posted does not fit the sheet: show the saved sheet
        answers = dict(sheet.answers) if sheet else {}
        knockouts = list(sheet.knockouts) if sheet else []
        stop_at = sheet.stop_at if sheet else ""
        result = score_sheet(engine, answers, knockouts=knockouts, stop_at=stop_at or None)
    layout = sheet_layout(version, dossier.sheet_number)
    can_edit = dossier.status in SCORING_STATUSES and (sheet is None or not sheet.is_locked)
    answered = sum(1 for code in engine.criteria if code in answers)
    flags = SheetFlagsForm(
        sheet=engine,
        initial={
            "knockouts": knockouts,
            "stop_at": stop_at,
            "note": note if note is not None else (sheet.note if sheet else ""),
        },
    )
    return {
        "dossier": dossier,
        "seat": seat,
        "sheet": sheet,
        "layout": layout,
        "parts": sheet_rows(layout, answers, result),
        "result": result,
        "star_mark": "★" * result.star,
        "answered": answered,
        "unanswered": len(engine.criteria) - answered,
        "criteria_count": len(engine.criteria),
        "flags": flags,
        "flagged_knockouts": [rule.text_vi for rule in result.knockouts],
        "can_edit": can_edit,
        "error": error,
    }


def _scoring_seat(request, pk):
    """The dossier and the user's scoring seat on its council; 404 for anyone without one."""
    dossier = visible_dossier(request, pk)
    council, seat = _seat_for(request, dossier)
    sheet = ScoreSheet.objects.filter(
        dossier=dossier, member=seat, round_id=council.round_id
    ).first()
    return dossier, seat, sheet


@require_http_methods(["GET", "POST"])
def scoresheet_detail(request, pk):
    """The member's own score sheet for a dossier: radio options like the self-assessment,
    saved one by one through htmx (or all at once without JavaScript)."""
    dossier, seat, sheet = _scoring_seat(request, pk)
    if not seat.is_scoring:
        messages.error(request, _("Members of the advisory team do not score dossiers."))
        return redirect(dossier)
    declaration = ConflictDeclaration.objects.filter(member=seat, dossier=dossier).first()
    scoring = dossier.status in SCORING_STATUSES
    if scoring and declaration is None:
        return redirect("evaluations:conflict_declare", pk=dossier.pk)
    if request.method == "POST":
        engine = engine_sheet(dossier.rubric_version.slug, dossier.sheet_number)
        answers = _posted_answers(request.POST, engine)
        flags = SheetFlagsForm(request.POST, sheet=engine)
        error = ""
        if not flags.is_valid():
            error = " ".join(message for errors in flags.errors.values() for message in errors)
        else:
            try:
                sheet = save_score_sheet(
                    dossier,
                    actor=request.user,
                    answers=answers,
                    knockouts=flags.cleaned_data["knockouts"],
                    stop_at=flags.cleaned_data["stop_at"],
                    note=flags.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as refusal:
                error = " ".join(messages_of(refusal))
        if not error:
            if request.POST.get("action") == "submit":
                return redirect("evaluations:scoresheet_submit", pk=dossier.pk)
            messages.success(request, _("Your sheet was saved as a draft."))
            return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
        context = _sheet_context(
            dossier,
            seat,
            sheet,
            answers={code: value for code, value in answers.items() if isinstance(value, int)},
            knockouts=request.POST.getlist("knockouts"),
            stop_at=request.POST.get("stop_at", ""),
            note=request.POST.get("note", ""),
            error=error,
        )
        context["declaration"] = declaration
        return render(request, "evaluations/scoresheet_detail.html", context)
    context = _sheet_context(dossier, seat, sheet)
    context["declaration"] = declaration
    return render(request, "evaluations/scoresheet_detail.html", context)


@require_POST
def scoresheet_answer(request, pk):
    """One radio change, sent by htmx: saved, answered with the summary and the scores."""
    dossier, seat, sheet = _scoring_seat(request, pk)
    posted = [
        (key.removeprefix(ANSWER_PREFIX), value)
        for key, value in request.POST.items()
        if key.startswith(ANSWER_PREFIX)
    ]
    error = ""
    if len(posted) != 1:
        error = _("Choose one option of one criterion.")
    else:
        code, value = posted[0]
        try:
            sheet = save_score_answer(dossier, actor=request.user, code=code, option=_option(value))
        except (ValidationError, PermissionDenied) as refusal:
            error = " ".join(messages_of(refusal))
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    context = _sheet_context(dossier, seat, sheet, error=error)
    response = render(request, "evaluations/scoresheet_detail.html#answer_response", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def scoresheet_submit(request, pk):
    """Confirm (GET) and hand in (POST) the member's sheet: it is locked afterwards."""
    dossier, seat, sheet = _scoring_seat(request, pk)
    if sheet is None:
        messages.error(request, _("Fill in your sheet before submitting it."))
        return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    if request.method == "POST":
        try:
            submit_score_sheet(sheet, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Your sheet was submitted and is now locked."))
        return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    if sheet.is_locked:
        return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    return render(
        request, "evaluations/scoresheet_submit.html", _sheet_context(dossier, seat, sheet)
    )


def _option(value: str):
    """A posted option: "" clears the answer; anything else the engine checks."""
    value = value.strip()
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return value  # refused by the engine with a clear message


def _posted_answers(post, engine) -> dict:
    """The answered criteria of the full form (an empty choice leaves a criterion out)."""
    answers = {}
    for code in engine.criteria:
        value = _option(post.get(ANSWER_PREFIX + code, ""))
        if value is not None:
            answers[code] = value
    return answers


@require_POST
def scoresheet_return(request, pk, member_pk):
    """The chair sends one submitted sheet back to its member, with a comment."""
    dossier = dossier_as(request, pk, Actor.CHAIR)
    council = current_council(dossier)
    sheet = get_object_or_404(
        ScoreSheet.objects.select_related("member__user"),
        dossier=dossier,
        member_id=member_pk,
        member__council=council,
        round_id=council.round_id,
    )
    form = ReturnSheetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("evaluations:dossier_scoring", pk=dossier.pk)
    try:
        return_score_sheet(sheet, actor=request.user, comment=form.cleaned_data["comment"])
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The sheet of %(member)s was sent back for re-scoring.")
            % {"member": sheet.member.user},
        )
    return redirect("evaluations:dossier_scoring", pk=dossier.pk)
