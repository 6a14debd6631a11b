"""Dashboards for officials (national, province, commune; scoped by role), their exports, the
monthly report, and the public open data.

An official sees the dashboards of the territory they govern: the central office every level,
a provincial office its province and that province's communes, a commune officer their
commune. Anyone else (a producer, an official of another territory) gets 404."""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ocop.accounts.scope import official_scope
from ocop.regions.models import Commune, Province

from . import figures, open_data, reports
from .exports import download, table_download

EXPORT_FORMATS = ("csv", "xlsx")
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


def parse_day(value):
    """(day, error) from ``YYYY-MM-DD``; today when empty. The error is a Vietnamese-translated
    message; the day is then today."""
    today = timezone.localdate()
    if not value:
        return today, ""
    try:
        day = datetime.date.fromisoformat(value.strip()) if len(value) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        return today, _("The date must be written as YYYY-MM-DD, for example 2023-02-28.")
    if not FIRST_DAY <= day <= LAST_DAY:
        return today, _("The date must lie between %(first)s and %(last)s.") % {
            "first": FIRST_DAY.isoformat(),
            "last": LAST_DAY.isoformat(),
        }
    return day, ""


def scope_for(user, level, code=""):
    """The :class:`figures.Scope` of ``level``/``code`` if ``user`` governs it, else 404."""
    scope = official_scope(user)
    if level == "national":
        if not scope.is_national:
            raise Http404
        return figures.NATIONAL
    if level == "province":
        province = get_object_or_404(Province, code=code[:2]) if len(code) <= 2 else None
        if province is None or not (scope.is_national or province.code in scope.province_codes):
            raise Http404
        return figures.Scope("province", province=province)
    if level == "commune" and len(code) <= 5:
        commune = get_object_or_404(Commune.objects.select_related("province"), code=code)
        if (
            scope.is_national
            or commune.province_id in scope.province_codes
            or commune.code in scope.commune_codes
        ):
            return figures.Scope("commune", province=commune.province, commune=commune)
    raise Http404


def _dashboard_url(scope, name="dashboard"):
    if scope.level == "national":
        return reverse(f"stats:{name}_national")
    return reverse(f"stats:{name}_{scope.level}", args=[scope.code])


@require_GET
def stats_home(request):
    """The dashboard of the widest territory the user governs."""
    scope = official_scope(request.user)
    if scope.is_national:
        return redirect("stats:dashboard_national")
    if scope.province_codes:
        return redirect("stats:dashboard_province", min(scope.province_codes))
    if scope.commune_codes:
        return redirect("stats:dashboard_commune", min(scope.commune_codes))
    raise Http404


@require_GET
def dashboard(request, level, code=""):
    scope = scope_for(request.user, level, code)
    day, error = parse_day(request.GET.get("as_of", ""))
    data = figures.dashboard(scope, day)
    query = f"?as_of={day.isoformat()}"
    context = {
        "scope": scope,
        "day": day,
        "date_error": error,
        "as_of_value": request.GET.get("as_of", "")[:10] if error else day.isoformat(),
        "query": query,
        "export_base": _dashboard_url(scope, "dashboard"),
        "monthly_report_url": _dashboard_url(scope, "monthly_report") if level != "commune" else "",
        **data,
        "tables": figures.dashboard_tables(scope, day, data),
    }
    return render(request, "stats/dashboard.html", context, status=400 if error else 200)


@require_GET
def table_export(request, level, table, fmt, code=""):
    scope = scope_for(request.user, level, code)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    day, error = parse_day(request.GET.get("as_of", ""))
    if error:
        return JsonResponse({"error": error}, status=400)
    tables = {t.key: t for t in figures.dashboard_tables(scope, day)}
    if table not in tables:
        raise Http404
    stem = f"ocop-{scope.level}{'-' + scope.code if scope.code else ''}-{day.isoformat()}"
    return table_download(tables[table], stem=stem, fmt=fmt)


@require_GET
def monthly_report(request, level, code=""):
    """The monthly report (PTNT_OCOP layout) as XLSX; ``?month=YYYY-MM``, default this month."""
    scope = scope_for(request.user, level, code)
    if scope.level == "commune":
        raise Http404
    month, error = reports.parse_month(request.GET.get("month", ""))
    if error:
        return JsonResponse({"error": error}, status=400)
    content = reports.monthly_report_xlsx(scope, month)
    name = f"PTNT_OCOP-{scope.code or 'VN'}-{month:%Y-%m}.xlsx"
    return download(content, filename=name, fmt="xlsx")


# --------------------------------------------------------------------------------------
# Open data (public)
# --------------------------------------------------------------------------------------


@login_not_required
@require_GET
def open_data_index(request):
    day, error = parse_day(request.GET.get("as_of", ""))
    context = {
        "day": day,
        "date_error": error,
        "datasets": open_data.DATASETS,
        **figures.public_tables(day),
    }
    return render(request, "stats/open_data_index.html", context, status=400 if error else 200)


def _json_error(message):
    return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})


@login_not_required
@require_GET
def summary_json(request):
    day, error = parse_day(request.GET.get("as_of", ""))
    if error:
        return _json_error(error)
    return JsonResponse(figures.summary(day), json_dumps_params={"ensure_ascii": False})


@login_not_required
@require_GET
def dataset(request, name, fmt):
    if name not in open_data.DATASETS or fmt not in ("csv", "json"):
        raise Http404
    day, error = parse_day(request.GET.get("as_of", ""))
    if error:
        return _json_error(error)
    return open_data.response(name, fmt, day)
