"""The province's decision after a council: approve a result of 90 points or more and send it to
the central round (art. 7(3)(e)), and, after a central result short of 5 stars, recognise the
central score (when it reaches 3 stars) or evaluate the product again (art. 7(4)(g)); and the
re-rating of a 5★ product, sent to the Ministry on the office's report (art. 6(3)(b)).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms import DecisionForm, ReasonForm, add_service_error
from ..models import Actor, CouncilResult, Dossier, Round
from ..services.central import (
    approve_for_central,
    reassess_at_province,
    recognise_central_score,
    send_five_star_re_rating,
)
from ..services.review import latest_office_check
from .common import dossier_as, form_data, may_move, nothing_to_do, result_view

S = Dossier.Status


DECISION_SERVICES = {
    "approve_for_central": approve_for_central,
    "recognise_central_score": recognise_central_score,
    "reassess_at_province": reassess_at_province,
}


@require_http_methods(["GET", "POST"])
def dossier_decide(request, pk):
    """After a council: approve for the central round (90 points or more), or recognise the
    central score or evaluate again (short of 5 stars centrally)."""
    dossier = dossier_as(request, pk, Actor.PROVINCE)
    if dossier.status not in DecisionForm.CHOICES or not may_move(dossier, Actor.PROVINCE):
        return nothing_to_do(request, dossier)
    results = [
        result_view(result)
        for result in CouncilResult.objects.visible_to(request.user)
        .filter(dossier=dossier)
        .select_related("council__round", "closed_by")
    ]
    # The newest central result first (results are newest first): below 3 stars, nothing to
    # recognise on it.
    central = next(
        (view["result"] for view in results if view["result"].level == Round.Level.CENTRAL), None
    )
    can_recognise = central is None or central.star >= 3
    form = DecisionForm(form_data(request), status=dossier.status, can_recognise=can_recognise)
    if request.method == "POST" and form.is_valid():
        service = DECISION_SERVICES[form.cleaned_data["decision"]]
        try:
            service(dossier, actor=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error, {"comment": "comment"})
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(dossier)
    context = {"form": form, "dossier": dossier, "results": results}
    return render(request, "evaluations/dossier_decide.html", context)


@require_http_methods(["GET", "POST"])
def dossier_send_ministry(request, pk):
    """Confirm (GET) and send (POST) a 5★ product's re-rating to the central round on the
    office's report, without a provincial council (art. 6(3)(b), 7(6)(e))."""
    dossier = dossier_as(request, pk, Actor.PROVINCE)
    if not (
        dossier.status == S.ACCEPTED
        and dossier.kind == Dossier.Kind.RE_RATING
        and dossier.recognised_star == 5
    ):
        return nothing_to_do(request, dossier)
    check = latest_office_check(dossier)
    form = ReasonForm(form_data(request), label=_("Comment (optional)"))
    if request.method == "POST" and form.is_valid():
        try:
            send_five_star_re_rating(
                dossier, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("The re-rating was sent to the Ministry on the office's report.")
            )
            return redirect(dossier)
    context = {"form": form, "dossier": dossier, "check": check}
    return render(request, "evaluations/dossier_send_ministry.html", context)
