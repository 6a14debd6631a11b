"""Dossiers filed before 22 May 2026 (art. 12(2)), for the provincial OCOP office: the list
with each one's last day (flagged once passed), entering one, and closing it without a
recognition. A recognition is recorded as a historical decision (certificates), which closes
it. Offices only: anyone else gets 404, as does another province's office."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ocop.accounts.scope import official_scope
from ocop.core.pagination import paginate, query_without_page

from ..forms import CloseTransitionalForm, TransitionalDossierForm, add_service_error
from ..models import TransitionalDossier
from ..services.transitional import close_transitional_dossier, record_transitional_dossier
from .common import as_validation_error, form_data


def _require_office(request):
    scope = official_scope(request.user)
    if not (scope.is_national or scope.province_codes):
        raise Http404


@require_GET
def transitional_list(request):
    _require_office(request)
    show = request.GET.get("show", "")
    dossiers = TransitionalDossier.objects.visible_to(request.user).select_related(
        "product", "producer", "province"
    )
    if show != "all":
        dossiers = dossiers.filter(status=TransitionalDossier.Status.PENDING)
    context = {
        "page": paginate(request, dossiers),
        "query": query_without_page(request),
        "show_all": show == "all",
        "can_enter": bool(official_scope(request.user).province_codes),
        "today": timezone.localdate(),
    }
    return render(request, "evaluations/transitional_list.html", context)


@require_http_methods(["GET", "POST"])
def transitional_create(request):
    scope = official_scope(request.user)
    if not scope.province_codes:
        raise Http404
    form = TransitionalDossierForm(form_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = record_transitional_dossier(
                data["product"],
                actor=request.user,
                kind=data["kind"],
                filed_on=data["filed_on"],
                reference=data["reference"],
                note=data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error))
        else:
            messages.success(
                request,
                _("The dossier was entered; it must be rated by %(day)s.")
                % {"day": date_format(dossier.completion_due_on, "SHORT_DATE_FORMAT")},
            )
            return redirect("evaluations:transitional_list")
    return render(request, "evaluations/transitional_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def transitional_detail(request, pk):
    _require_office(request)
    dossier = get_object_or_404(
        TransitionalDossier.objects.visible_to(request.user).select_related(
            "product", "producer", "province", "entered_by"
        ),
        pk=pk,
    )
    can_close = (
        dossier.status == TransitionalDossier.Status.PENDING
        and TransitionalDossier.objects.editable_by(request.user).filter(pk=pk).exists()
    )
    form = CloseTransitionalForm(form_data(request) if can_close else None)
    if request.method == "POST":
        if not can_close:
            raise Http404
        if form.is_valid():
            try:
                close_transitional_dossier(
                    dossier,
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as error:
                add_service_error(form, as_validation_error(error), {"note": "note"})
            else:
                messages.success(request, _("The dossier is closed."))
                return redirect("evaluations:transitional_detail", pk=pk)
    context = {"dossier": dossier, "form": form, "can_close": can_close}
    return render(request, "evaluations/transitional_detail.html", context)
