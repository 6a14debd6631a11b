"""Evaluation pages (/manage/evaluations/): one dossier's way from the producer's draft to the
council's result, a page for each role.

- Producer members: their dossiers, the registration form, the documents, submission.
- Commune officers: the inbox of submitted dossiers with the 15-working-day deadline, the
  review (Mẫu 03).
- The provincial (or central) OCOP office: intake, rounds, councils, results and decisions.
- Council members: their sheets (conflict declaration first, then the scoring sheet).
- Chairs: each dossier's scoring status (quorum, spread), sending sheets back, closing.

Every dossier is fetched through ``Dossier.objects.visible_to``; a page for one role answers 404
to anyone who does not hold that role for the dossier (``permissions.has_role``). Every change is
one service call; a refusal comes back as a message or as form errors and changes nothing.
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
from ocop.rubric.layout import engine_sheet, sheet_layout, sheet_rows

from ..forms import (
    CloseScoringForm,
    ConflictForm,
    DecisionForm,
    ResultFilterForm,
    ReturnSheetForm,
    SheetFlagsForm,
    add_service_error,
)
from ..models import (
    SCORING_STATUSES,
    Actor,
    ConflictDeclaration,
    CouncilMember,
    CouncilResult,
    Dossier,
    Round,
    RoundDossier,
    ScoreSheet,
)
from ..permissions import council_seat, current_council
from ..services.central import (
    approve_for_central,
    keep_at_province,
    reassess_at_province,
    recognise_central_score,
)
from ..services.results import close_scoring, scoring_status
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
    may_move,
    messages_of,
    nothing_to_do,
    result_view,
    show_refusal,
    visible_dossier,
)

S = Dossier.Status
ANSWER_PREFIX = "answer-"

DECISION_SERVICES = {
    "approve_for_central": approve_for_central,
    "keep_at_province": keep_at_province,
    "recognise_central_score": recognise_central_score,
    "reassess_at_province": reassess_at_province,
}


# --------------------------------------------------------------------------------------
# The province (and the central office)
# --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def dossier_decide(request, pk):
    """After a council: approve for the central round or keep at the province (90 points or
    more), or recognise the central score or evaluate again (below 5 stars centrally)."""
    dossier = dossier_as(request, pk, Actor.PROVINCE)
    if dossier.status not in DecisionForm.CHOICES or not may_move(dossier, Actor.PROVINCE):
        return nothing_to_do(request, dossier)
    form = DecisionForm(form_data(request), status=dossier.status)
    if request.method == "POST" and form.is_valid():
        service = DECISION_SERVICES[form.cleaned_data["decision"]]
        try:
            service(dossier, actor=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error, {"comment": "comment"})
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(dossier)
    results = [
        result_view(result)
        for result in CouncilResult.objects.visible_to(request.user)
        .filter(dossier=dossier)
        .select_related("council__round", "closed_by")
    ]
    context = {"form": form, "dossier": dossier, "results": results}
    return render(request, "evaluations/dossier_decide.html", context)


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@require_GET
def result_list(request):
    filters = ResultFilterForm(request.GET)
    results = filters.filter(CouncilResult.objects.visible_to(request.user).with_list_data())
    context = {
        "filters": filters,
        "page": paginate(request, results),
        "query": query_without_page(request),
    }
    return render(request, "evaluations/result_list.html", context)


# --------------------------------------------------------------------------------------
# Council members: their sheets
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# The chair
# --------------------------------------------------------------------------------------


def _scoring_page(request, dossier, *, close_form=None, status=200):
    try:
        scoring = scoring_status(dossier, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        show_refusal(request, error)
        return redirect(dossier)
    is_chair = any(
        item.member.user_id == request.user.pk and item.member.role == CouncilMember.Role.CHAIR
        for item in scoring.members
    )
    outliers = {member.pk for member in (*scoring.highest, *scoring.lowest)}
    context = {
        "dossier": dossier,
        "scoring": scoring,
        "is_chair": is_chair,
        "outliers": outliers,
        "close_form": close_form or CloseScoringForm(),
    }
    return render(request, "evaluations/dossier_scoring.html", context, status=status)


@require_GET
def dossier_scoring(request, pk):
    """The chair's view (and the organising office's): who has declared and submitted, the
    quorum and the spread; no member's total or answers."""
    return _scoring_page(request, visible_dossier(request, pk))


@require_POST
def dossier_close_scoring(request, pk):
    dossier = dossier_as(request, pk, Actor.CHAIR)
    form = CloseScoringForm(request.POST)
    if form.is_valid():
        try:
            result = close_scoring(
                dossier,
                actor=request.user,
                confirm_spread=form.cleaned_data["confirm_spread"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_error(form, error, {"spread_exceeded": "comment"})
        else:
            messages.success(
                request,
                _("The scoring is closed: mean %(total)s points, %(star)s stars.")
                % {"total": result.mean_total, "star": result.star},
            )
            return redirect(dossier)
    return _scoring_page(request, dossier, close_form=form)


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
