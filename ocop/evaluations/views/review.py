"""Review pages: the commune's review of a submitted dossier (Mẫu 03: completeness, the four
points, forward or return), then the provincial OCOP office's check of a forwarded dossier
(accept it for a round, or return it for completion) and, for a re-rating, its check and report
(art. 7(6)(c)).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms import CommuneReviewForm, OfficeCheckForm, ReasonForm, add_service_error
from ..models import Actor, CommuneReview, Dossier
from ..services.review import accept_dossier, record_office_check, return_dossier, review_dossier
from .common import attachment_rows, dossier_as, form_data, may_move, nothing_to_do

S = Dossier.Status


@require_http_methods(["GET", "POST"])
def dossier_review(request, pk):
    """The commune's review (Mẫu 03): completeness, the four points, forward or return."""
    dossier = dossier_as(request, pk, Actor.COMMUNE)
    if not may_move(dossier, Actor.COMMUNE):
        return nothing_to_do(request, dossier)
    form = CommuneReviewForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = review_dossier(
                dossier,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error, {"reason": "reason", "decision": "decision"})
        else:
            if review.decision == CommuneReview.Decision.FORWARD:
                messages.success(request, _("The dossier was forwarded to the province."))
            else:
                messages.success(request, _("The dossier was returned to the producer."))
            return redirect(dossier)
    context = {
        "form": form,
        "dossier": dossier,
        "attachments": attachment_rows(dossier),
        "today": timezone.localdate(),
    }
    return render(request, "evaluations/dossier_review.html", context)


def _check_page(request, dossier, *, accept_form=None, return_form=None, status=200):
    context = {
        "dossier": dossier,
        "attachments": attachment_rows(dossier),
        "review": CommuneReview.objects.visible_to(request.user)
        .filter(dossier=dossier)
        .select_related("reviewer")
        .first(),
        "can_accept": dossier.can_transition_to(S.ACCEPTED, Actor.PROVINCE),
        "can_return": dossier.can_transition_to(S.RETURNED, Actor.PROVINCE),
        "accept_form": accept_form or ReasonForm(label=_("Comment (optional)")),
        "return_form": return_form
        or ReasonForm(label=_("What must the producer complete?"), required=True),
        "today": timezone.localdate(),
    }
    return render(request, "evaluations/dossier_check.html", context, status=status)


@require_http_methods(["GET", "POST"])
def dossier_accept(request, pk):
    """The provincial office checks a forwarded dossier and accepts it (or returns it)."""
    dossier = dossier_as(request, pk, Actor.PROVINCE)
    if not may_move(dossier, Actor.PROVINCE) or dossier.status not in (S.FORWARDED, S.ACCEPTED):
        return nothing_to_do(request, dossier)
    form = ReasonForm(form_data(request), label=_("Comment (optional)"))
    if request.method == "POST" and form.is_valid():
        try:
            accept_dossier(dossier, actor=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The dossier was accepted. Put it in a round."))
            return redirect(dossier)
    return _check_page(request, dossier, accept_form=form)


@require_http_methods(["GET", "POST"])
def dossier_return(request, pk):
    dossier = dossier_as(request, pk, Actor.PROVINCE)
    if not dossier.can_transition_to(S.RETURNED, Actor.PROVINCE):
        return nothing_to_do(request, dossier)
    form = ReasonForm(
        form_data(request), label=_("What must the producer complete?"), required=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            return_dossier(dossier, actor=request.user, reason=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error, {"reason": "comment"})
        else:
            messages.success(request, _("The dossier was returned to the producer."))
            return redirect(dossier)
    return _check_page(request, dossier, return_form=form)


@require_http_methods(["GET", "POST"])
def dossier_office_check(request, pk):
    """The office's check of an accepted re-rating: its report for the council and, when
    needed, the site check (art. 7(6)(c))."""
    dossier = dossier_as(request, pk, Actor.PROVINCE)
    if dossier.kind != Dossier.Kind.RE_RATING or dossier.status != S.ACCEPTED:
        return nothing_to_do(request, dossier)
    form = OfficeCheckForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            record_office_check(dossier, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error, {"report": "report"})
        else:
            messages.success(request, _("The office's check of the re-rating was recorded."))
            return redirect(dossier)
    context = {"form": form, "dossier": dossier, "checks": dossier.office_checks.all()}
    return render(request, "evaluations/dossier_office_check.html", context)
