"""The advisory team's pages (tổ tư vấn): record a site visit, order a laboratory test and record
its result, for a dossier being scored. Open to the advisory team, the council's chair and the
organising office; 404 for anyone else.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ocop.producers.models import ProducerDocument

from ..forms import LabResultForm, LabTestForm, SiteVisitForm, add_service_error
from ..models import SCORING_STATUSES, Dossier, LabTestOrder
from ..permissions import can_advise, current_council
from ..services.advisory import order_lab_test, record_lab_result, record_site_visit
from .common import as_validation_error, form_data, visible_dossier

S = Dossier.Status


def _advisory_dossier(request, pk):
    """A dossier being scored, for the advisory team, the chair or the organising office."""
    dossier = visible_dossier(request, pk)
    council = current_council(dossier) if dossier.status in SCORING_STATUSES else None
    if council is None or not can_advise(request.user, dossier, council):
        raise Http404
    return dossier


@require_http_methods(["GET", "POST"])
def sitevisit_create(request, pk):
    dossier = _advisory_dossier(request, pk)
    form = SiteVisitForm(form_data(request), initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            record_site_visit(dossier, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error), {"future": "visited_on"})
        else:
            messages.success(request, _("The site visit was recorded."))
            return redirect(dossier)
    context = {"form": form, "dossier": dossier, "title": _("Record a site visit")}
    return render(request, "evaluations/advisory_form.html", context)


@require_http_methods(["GET", "POST"])
def labtest_create(request, pk):
    dossier = _advisory_dossier(request, pk)
    form = LabTestForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            order_lab_test(dossier, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error))
        else:
            messages.success(request, _("The laboratory test was ordered."))
            return redirect(dossier)
    context = {"form": form, "dossier": dossier, "title": _("Order a laboratory test")}
    return render(request, "evaluations/advisory_form.html", context)


@require_http_methods(["GET", "POST"])
def labtest_result(request, pk):
    order = get_object_or_404(
        LabTestOrder.objects.visible_to(request.user).select_related(
            "dossier__product", "council__round"
        ),
        pk=pk,
    )
    dossier = order.dossier
    if not can_advise(request.user, dossier, order.council):
        raise Http404
    if order.status == LabTestOrder.Status.REPORTED:
        messages.error(request, _("The result of this test is already recorded."))
        return redirect(dossier)
    documents = ProducerDocument.objects.filter(producer_id=dossier.producer_id)
    form = LabResultForm(form_data(request), documents=documents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_lab_result(
                order,
                actor=request.user,
                summary=data["summary"],
                reported_on=data["reported_on"],
                document=data["document"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error))
        else:
            messages.success(request, _("The result of the laboratory test was recorded."))
            return redirect(dossier)
    context = {
        "form": form,
        "dossier": dossier,
        "order": order,
        "title": _("Record a laboratory result"),
    }
    return render(request, "evaluations/advisory_form.html", context)
