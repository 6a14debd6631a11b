"""The council's result: the chair's scoring page (and the organising office's), with who has
declared and submitted, the quorum and the spread but no member's total or answers; closing
the scoring; and the list of council results.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.core.numbers import points
from ocop.core.pagination import paginate, query_without_page

from ..forms import CloseScoringForm, ResultFilterForm, add_service_error
from ..models import Actor, CouncilMember, CouncilResult, Dossier
from ..services.results import close_scoring, scoring_status
from .common import dossier_as, show_refusal, visible_dossier

S = Dossier.Status


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
                held_meeting=form.cleaned_data["held_meeting"],
            )
        except ValidationError as error:
            add_service_error(form, error, {"spread_exceeded": "comment"})
        else:
            messages.success(
                request,
                _("The scoring is closed: mean %(total)s points, %(star)s stars.")
                % {"total": points(result.mean_total), "star": result.star},
            )
            return redirect(dossier)
    return _scoring_page(request, dossier, close_form=form)
