"""The entry of a decision taken before the platform (a provincial, a district or the Minister's)
with its certificates as written on them, typed row by row with the products suggested as one
types. Offices only, like the other decision pages (``views.py``); the rows are saved
together by ``services.record_historical_decision``, or none.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ocop.accounts.scope import official_scope
from ocop.core.forms import add_service_error
from ocop.core.ids import parse_id
from ocop.core.text import normalize
from ocop.products.models import Product
from ocop.regions.models import Province

from ..guards import can_decide
from ..models import Authority, RecognitionDecision
from . import services
from .forms import (
    HISTORICAL_MAX_ROWS,
    HistoricalCertificateForm,
    HistoricalDecisionForm,
    ProductLookup,
    historical_formset,
)
from .views import require_office

HISTORICAL_ROWS = 5


def _provinces_for_history(user):
    scope = official_scope(user)
    provinces = Province.objects.order_by("folded_name")
    if not scope.is_national:
        provinces = provinces.filter(code__in=scope.province_codes)
    return list(provinces)


def _chosen_province(request, provinces):
    """The province the historical decision is entered for: the office's own, or (for the
    central office, or an office of several provinces) the one chosen with ``?province=``."""
    if len(provinces) == 1:
        return provinces[0]
    code = request.POST.get("province") or request.GET.get("province") or ""
    return next((province for province in provinces if province.pk == code), None)


def _product_lookup(user, province) -> ProductLookup:
    """The products of ``province`` the user may see, for the rows (one query)."""
    products = (
        Product.objects.visible_to(user)
        .filter(producer__province=province)
        .select_related("producer")
        .order_by("folded_name", "pk")
        .only("pk", "name", "folded_name", "code", "producer__name", "producer__province_id")
    )
    return ProductLookup(products, province=province)


def _bounded_count(value, default) -> int:
    """A number of rows from the request, at most ``HISTORICAL_MAX_ROWS``; ``default`` when it
    is not a number."""
    text = (value or "").strip()
    number = 0 if text == "0" else parse_id(text)
    return min(default if number is None else number, HISTORICAL_MAX_ROWS)


def _row_count(request) -> int:
    return max(1, _bounded_count(request.GET.get("rows"), HISTORICAL_ROWS))


def _with_more_rows(data, *, authorities, lookup):
    """The header and the rows as typed, unbound (no errors shown yet), with
    ``HISTORICAL_ROWS`` more blank rows: "More rows" keeps what was typed."""
    header = {name: data.get(name, "") for name in HistoricalDecisionForm.base_fields}
    typed = _bounded_count(data.get("rows-TOTAL_FORMS"), 0)
    rows = [
        {
            name: data.get(f"rows-{index}-{name}", "")
            for name in HistoricalCertificateForm.base_fields
        }
        for index in range(typed)
    ]
    total = min(typed + HISTORICAL_ROWS, HISTORICAL_MAX_ROWS)
    form = HistoricalDecisionForm(initial=header, authorities=authorities)
    formset = historical_formset(extra=total)(prefix="rows", lookup=lookup, row_initial=rows)
    return form, formset


def _historical_entries(formset, lookup):
    """The rows as the service takes them."""
    return [
        services.HistoricalCertificate(
            product=lookup.products[row.cleaned_data["product"]],
            star=row.cleaned_data["star"],
            number=row.cleaned_data["number"],
            issued_on=row.cleaned_data.get("issued_on"),
            valid_until=row.cleaned_data.get("valid_until"),
        )
        for row in formset.filled_forms
    ]


def _historical_already_recorded(request, header, formset):
    """The historical decision, visible to the user, already recorded from this very form: the
    same authority, number and date, and the same certificate numbers (looked for only when the
    rows or the service were refused)."""
    numbers = {
        normalize(row.data.get(row.add_prefix("number"), ""))
        for row in formset.forms
        if row.has_changed()
    } - {""}
    decision = (
        RecognitionDecision.objects.visible_to(request.user)
        .filter(
            is_historical=True,
            authority=header["authority"],
            number=header["number"],
            decided_on=header["decided_on"],
        )
        .first()
    )
    if not numbers or decision is None:
        return None
    recorded = set(decision.certificates.values_list("number", flat=True))
    return decision if recorded == numbers else None


@require_http_methods(["GET", "POST"])
def decision_record_historical(request):
    """Enter a decision taken before the platform (a provincial, a district or the Minister's)
    and its certificates as written on them; all rows are saved together or none. "More rows"
    (a second submit button) shows the form again with blank rows added, keeping what was
    typed and saving nothing."""
    require_office(request)
    provinces = _provinces_for_history(request.user)
    province = _chosen_province(request, provinces)
    if province is None:
        # The central office first chooses the province (its products fill the rows).
        context = {"provinces": provinces, "province": None}
        return render(request, "certificates/decision_historical.html", context)
    authorities = [
        (value, label)
        for value, label in Authority.choices
        if can_decide(request.user, authority=value, province_id=province.pk)
    ]
    lookup = _product_lookup(request.user, province)
    data = request.POST if request.method == "POST" else None
    header = None
    if data is not None and "more_rows" in data:
        form, formset = _with_more_rows(data, authorities=authorities, lookup=lookup)
        data = None
    else:
        form = HistoricalDecisionForm(data, authorities=authorities)
        if data is not None and form.is_valid():
            header = dict(form.cleaned_data)  # as typed (service errors change the form's)
        formset = historical_formset(extra=_row_count(request) if data is None else 0)(
            data, prefix="rows", lookup=lookup, header=header
        )
    if header is not None and formset.is_valid():
        try:
            decision = services.record_historical_decision(
                province,
                actor=request.user,
                number=header["number"],
                decided_on=header["decided_on"],
                signer_name=header["signer_name"],
                certificates=_historical_entries(formset, lookup),
                authority=header["authority"],
                note=header["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Decision %(number)s and its certificates were recorded.")
                % {"number": decision.number},
            )
            return redirect("certificates:decision_detail", pk=decision.pk)
    if header is not None and (recorded := _historical_already_recorded(request, header, formset)):
        # The same form sent twice (a double click): the first request recorded it.
        messages.info(
            request,
            _("Decision %(number)s and its certificates were already recorded.")
            % {"number": recorded.number},
        )
        return redirect("certificates:decision_detail", pk=recorded.pk)
    context = {
        "province": province,
        "provinces": provinces,
        "form": form,
        "formset": formset,
        "can_add_rows": formset.total_form_count() < HISTORICAL_MAX_ROWS,
        "max_rows": HISTORICAL_MAX_ROWS,
        "products": lookup.options,
    }
    return render(request, "certificates/decision_historical.html", context)
