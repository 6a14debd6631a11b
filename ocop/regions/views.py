"""Small HTML fragments for forms: the <option> elements of a commune picker, for htmx.

<select name="commune" hx-get="{% url 'regions:commune_options' %}"
        hx-trigger="change from:#id_province" hx-include="#id_province" …>
"""

from django.db.models import Case, Q, Value, When
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ocop.core.text import fold

from .models import Commune, LegacyCommune

MAX_OPTIONS = 50
MAX_QUERY_LENGTH = 100


@require_GET
def commune_options(request):
    """Today's communes of `province` whose name matches `q` (at most 50), as <option>s.
    A missing or malformed province gives an empty fragment."""
    province = request.GET.get("province", "")
    communes = Commune.objects.none()
    if _is_code(province, 2):
        communes = _matching(Commune.objects.filter(province_id=province), request.GET)
    return render(
        request,
        "regions/commune_options.html",
        {"communes": communes[:MAX_OPTIONS], "selected": request.GET.get("selected", "")},
    )


@require_GET
def legacy_commune_options(request):
    """Legacy communes of `district` (or of `province`) whose name matches `q` (at most 50),
    as <option>s; with a province, the district is named beside each commune."""
    district = request.GET.get("district", "")
    province = request.GET.get("province", "")
    communes = LegacyCommune.objects.none()
    if _is_code(district, 3):
        communes = LegacyCommune.objects.filter(district_id=district)
    elif _is_code(province, 2):
        communes = LegacyCommune.objects.filter(district__province_id=province).select_related(
            "district"
        )
    return render(
        request,
        "regions/legacy_commune_options.html",
        {
            "communes": _matching(communes, request.GET)[:MAX_OPTIONS],
            "selected": request.GET.get("selected", ""),
            "show_district": not _is_code(district, 3),
        },
    )


def _is_code(value, length):
    return len(value) == length and value.isascii() and value.isdigit()


def _matching(queryset, params):
    """Units whose folded name has a word starting with `q`; names starting with it first."""
    text = params.get("q", "")[:MAX_QUERY_LENGTH]
    folded = fold("".join(char for char in text if char.isprintable()))
    if not folded:
        return queryset.order_by("folded_name", "code")
    return (
        queryset.filter(Q(folded_name__startswith=folded) | Q(folded_name__contains=" " + folded))
        .annotate(rank=Case(When(folded_name__startswith=folded, then=Value(0)), default=Value(1)))
        .order_by("rank", "folded_name", "code")
    )
