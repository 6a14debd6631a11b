"""Round and council pages, for the office that organises a round (the province's, or the central
office's for the 5-star round): the rounds, opening one, a round with its council and its
dossiers' progress, putting dossiers in it (from the round, or one from its page), closing it,
and the council with its members.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.scope import official_scope
from ocop.core.pagination import paginate, query_without_page

from ..forms import (
    AssignForm,
    CouncilForm,
    CouncilMemberForm,
    RoundChoiceForm,
    RoundForm,
    add_service_error,
)
from ..models import (
    SCORING_STATUSES,
    Actor,
    Council,
    CouncilMember,
    CouncilResult,
    Dossier,
    Round,
    ScoreSheet,
)
from ..permissions import can_organise_round
from ..services.rounds import (
    add_council_member,
    assign_dossier_to_round,
    assign_dossiers_to_round,
    close_round,
    create_council,
    create_round,
    remove_council_member,
    update_council,
)
from .common import as_validation_error, dossier_as, form_data, open_rounds, show_refusal

S = Dossier.Status


@require_POST
def dossier_assign(request, pk):
    """Put one dossier in a round, from the dossier's page."""
    dossier = dossier_as(request, pk, Actor.PROVINCE, Actor.CENTRAL)
    form = RoundChoiceForm(request.POST, rounds=open_rounds(request.user, dossier))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(dossier)
    try:
        assign_dossier_to_round(dossier, form.cleaned_data["round"], actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The dossier was put in %(round)s.") % {"round": form.cleaned_data["round"]},
        )
    return redirect(dossier)


def _can_open_rounds(user) -> bool:
    scope = official_scope(user)
    return bool(scope.province_codes) or can_organise_round(user, Round.Level.CENTRAL)


@require_GET
def round_list(request):
    rounds = (
        Round.objects.visible_to(request.user)
        .with_list_data()
        .order_by("-year", "-decide_before", "-id")
    )
    year = request.GET.get("year", "")
    if year.isascii() and year.isdigit() and len(year) == 4:
        rounds = rounds.filter(year=int(year))
    context = {
        "page": paginate(request, rounds),
        "query": query_without_page(request),
        "year": year if year.isascii() and year.isdigit() else "",
        "can_create": _can_open_rounds(request.user),
    }
    return render(request, "evaluations/round_list.html", context)


@require_http_methods(["GET", "POST"])
def round_create(request):
    if not _can_open_rounds(request.user):
        raise PermissionDenied
    form = RoundForm(form_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = create_round(
                actor=request.user,
                level=data["level"],
                year=data["year"],
                province=data["province"],
                kind=data["kind"],
                number=data["number"],
                name=data["name"],
                forward_before=data["forward_before"],
                decide_before=data["decide_before"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error), RoundForm.ERROR_FIELDS)
        else:
            messages.success(request, _("The round was opened. Set up its council."))
            return redirect(round_)
    return render(request, "evaluations/round_form.html", {"form": form})


@require_GET
def round_detail(request, pk):
    """A round: its council, its dossiers with their scoring progress and results."""
    user = request.user
    round_ = get_object_or_404(Round.objects.visible_to(user).select_related("province"), pk=pk)
    council = Council.objects.filter(round=round_).first()
    members = list(council.members.select_related("user")) if council else []
    seat = next((member for member in members if member.user_id == user.pk), None)
    is_organiser = Round.objects.editable_by(user).filter(pk=round_.pk).exists()
    is_chair = seat is not None and seat.role == CouncilMember.Role.CHAIR
    entries = round_.entries.select_related(
        "dossier__product", "dossier__producer", "dossier__commune"
    ).order_by("added_at", "id")
    page = paginate(request, entries)
    dossier_ids = [entry.dossier_id for entry in page]
    results = {}
    submitted = {}
    if council is not None and dossier_ids:
        results = {
            result.dossier_id: result
            for result in CouncilResult.objects.visible_to(user).filter(
                council=council, dossier_id__in=dossier_ids
            )
        }
        if is_organiser or is_chair:
            # How many sheets each dossier has received (never whose, nor their totals).
            submitted = dict(
                ScoreSheet.objects.filter(
                    round=round_,
                    dossier_id__in=dossier_ids,
                    status=ScoreSheet.Status.SUBMITTED,
                )
                .values("dossier_id")
                .annotate(count=Count("id"))
                .values_list("dossier_id", "count")
            )
    rows = [
        {
            "entry": entry,
            "dossier": entry.dossier,
            "result": results.get(entry.dossier_id),
            "submitted": submitted.get(entry.dossier_id, 0),
            "is_scoring": entry.dossier.status in SCORING_STATUSES,
        }
        for entry in page
    ]
    context = {
        "round": round_,
        "council": council,
        "members": members,
        "scoring_members": sum(1 for member in members if member.is_scoring),
        "seat": seat,
        "is_organiser": is_organiser,
        "is_chair": is_chair,
        "page": page,
        "rows": rows,
    }
    return render(request, "evaluations/round_detail.html", context)


def _editable_round(request, pk) -> Round:
    return get_object_or_404(
        Round.objects.editable_by(request.user).select_related("province"), pk=pk
    )


def _assign_candidates(user, round_):
    dossiers = (
        Dossier.objects.editable_by(user).with_list_data().exclude(round_entries__round=round_)
    )
    if round_.level == Round.Level.CENTRAL:
        return dossiers.filter(status=S.SENT_CENTRAL).order_by("approved_for_central_on", "id")
    return dossiers.filter(status=S.ACCEPTED, province_id=round_.province_id).order_by(
        "forwarded_on", "id"
    )


@require_http_methods(["GET", "POST"])
def round_assign(request, pk):
    """Put accepted dossiers (or, centrally, dossiers sent by the provinces) in the round."""
    round_ = _editable_round(request, pk)
    candidates = _assign_candidates(request.user, round_)
    form = AssignForm(form_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["dossiers"])
        try:
            assign_dossiers_to_round(round_, chosen, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error))
        else:
            messages.success(
                request,
                _("%(count)s dossiers were put in the round.") % {"count": len(chosen)},
            )
            return redirect(round_)
    context = {"form": form, "round": round_, "candidates": candidates}
    return render(request, "evaluations/round_assign.html", context)


@require_POST
def round_close(request, pk):
    round_ = _editable_round(request, pk)
    try:
        close_round(round_, actor=request.user)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The round was closed."))
    return redirect(round_)


@require_http_methods(["GET", "POST"])
def council_create(request, pk):
    round_ = _editable_round(request, pk)
    council = Council.objects.filter(round=round_).first()
    if council is not None:
        return redirect("evaluations:council_edit", pk=council.pk)
    form = CouncilForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            council = create_council(round_, actor=request.user, data=form.service_data())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The council was set up. Add its members."))
            return redirect("evaluations:council_edit", pk=council.pk)
    return render(
        request, "evaluations/council_form.html", {"form": form, "round": round_, "council": None}
    )


def _editable_council(request, pk) -> Council:
    return get_object_or_404(
        Council.objects.editable_by(request.user).select_related("round__province"), pk=pk
    )


def _council_page(request, council, *, form=None, member_form=None):
    has_results = council.results.exists()
    if form is None:
        form = CouncilForm(
            initial={
                "name": council.name,
                "establishing_decision": council.establishing_decision,
                "quorum_percent": council.quorum_percent,
                "spread_limit": council.spread_limit,
            }
        )
    if has_results:
        for name in ("quorum_percent", "spread_limit"):
            form.fields[name].disabled = True
    context = {
        "form": form,
        "member_form": member_form or CouncilMemberForm(),
        "council": council,
        "round": council.round,
        "members": council.members.select_related("user").annotate(
            sheet_count=Count("score_sheets")
        ),
        "has_results": has_results,
    }
    return render(request, "evaluations/council_form.html", context)


@require_http_methods(["GET", "POST"])
def council_edit(request, pk):
    council = _editable_council(request, pk)
    if request.method == "GET":
        return _council_page(request, council)
    form = CouncilForm(request.POST)
    has_results = council.results.exists()
    if has_results:
        for name in ("quorum_percent", "spread_limit"):
            form.fields[name].disabled = True
            form.fields[name].initial = getattr(council, name)
    if form.is_valid():
        try:
            update_council(
                council, actor=request.user, data=form.service_data(rules=not has_results)
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The council was saved."))
            return redirect("evaluations:council_edit", pk=council.pk)
    return _council_page(request, council, form=form)


@require_POST
def councilmember_add(request, pk):
    council = _editable_council(request, pk)
    form = CouncilMemberForm(request.POST)
    if form.is_valid():
        try:
            member = add_council_member(
                council,
                actor=request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            add_service_error(form, error, {"role": "role", "second_chair": "role"})
        else:
            messages.success(
                request,
                _("%(user)s was added as %(role)s.")
                % {"user": member.user, "role": member.get_role_display()},
            )
            return redirect("evaluations:council_edit", pk=council.pk)
    return _council_page(request, council, member_form=form)


@require_POST
def councilmember_remove(request, pk, member_pk):
    council = _editable_council(request, pk)
    member = get_object_or_404(
        CouncilMember.objects.select_related("user"), council=council, pk=member_pk
    )
    try:
        remove_council_member(member, actor=request.user)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("%(user)s was removed from the council.") % {"user": member.user}
        )
    return redirect("evaluations:council_edit", pk=council.pk)
