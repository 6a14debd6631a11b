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
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.core.pagination import paginate, query_without_page

from ..forms import CloseScoringForm, DecisionForm, ResultFilterForm, add_service_error
from ..models import Actor, CouncilMember, CouncilResult, Dossier
from ..services.central import (
    approve_for_central,
    keep_at_province,
    reassess_at_province,
    recognise_central_score,
)
from ..services.results import close_scoring, scoring_status
from .common import (
    dossier_as,
    form_data,
    may_move,
    nothing_to_do,
    result_view,
    show_refusal,
    visible_dossier,
)

S = Dossier.Status

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
