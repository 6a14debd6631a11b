"""The officials' inbox of problem reports sent from the public verification pages.

Scoped by ``ProblemReport.objects.visible_to``: a provincial OCOP office sees the reports about
its province's products, the central office every report (and alone the reports about unknown
codes). Anyone else (producers, commune officers, users without a role) gets 404. The sender's
name and contact are shown here, to officials only, and nowhere else."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.scope import official_scope
from ocop.core.audit import history_for
from ocop.core.htmx import is_htmx
from ocop.core.pagination import paginate, query_without_page

from .models import CertificateStatus, ProblemReport
from .problem_reports import handle_problem_report, reopen_problem_report
from .recognition.public_views import STATUS_CLASSES
from .recognition.services import can_revoke
from .report_forms import HandleProblemReportForm, ProblemReportFilterForm

OTHER_REPORTS_SHOWN = 20
HISTORY_SHOWN = 20


def _check_office(request) -> None:
    """Only the OCOP offices (provincial and central) have an inbox."""
    scope = official_scope(request.user)
    if not (scope.is_national or scope.province_codes):
        raise Http404


def _report(request, pk) -> ProblemReport:
    _check_office(request)
    return get_object_or_404(
        ProblemReport.objects.visible_to(request.user).select_related(
            "certificate__product__producer__province",
            "certificate__product__producer__commune",
            "province",
            "handled_by",
        ),
        pk=pk,
    )


@require_GET
def problem_report_list(request):
    _check_office(request)
    filters = ProblemReportFilterForm(request.GET)
    reports = filters.filter(
        ProblemReport.objects.visible_to(request.user)
        .select_related("certificate__product", "province")
        .order_by("-created_at", "-id")
    )
    page = paginate(request, reports)
    partial = is_htmx(request)
    context = {
        "filters": filters,
        "page": page,
        "reports": page.object_list,
        "query": query_without_page(request),
        "is_national": official_scope(request.user).is_national,
        "Status": ProblemReport.Status,
        "is_htmx": partial,
    }
    template = "certificates/report_list.html"
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail(request, report, form, *, status=None):
    others = ProblemReport.objects.visible_to(request.user).exclude(pk=report.pk)
    if report.certificate_id:
        others = others.filter(certificate_id=report.certificate_id)
    else:
        others = others.filter(certificate__isnull=True, code=report.code)
    others = others.order_by("-created_at", "-id")
    certificate = report.certificate
    certificate_status = None
    if certificate is not None:
        certificate_status = CertificateStatus(certificate.status_on(timezone.localdate()))
    context = {
        "report": report,
        "certificate": certificate,
        "certificate_status": certificate_status,
        "status_class": STATUS_CLASSES.get(certificate_status, ""),
        "others_count": others.count(),
        "others": list(others[:OTHER_REPORTS_SHOWN]),
        "history": list(history_for(report).order_by("-id")[:HISTORY_SHOWN]),
        "form": form,
        "Status": ProblemReport.Status,
        # An ad hoc inspection prompted by the report, for the office that could revoke.
        "may_inspect": certificate is not None
        and certificate.is_current
        and can_revoke(request.user, certificate),
    }
    return render(request, "certificates/report_detail.html", context, status=status)


@require_GET
def problem_report_detail(request, pk):
    report = _report(request, pk)
    return _detail(request, report, HandleProblemReportForm())


@require_POST
def problem_report_handle(request, pk):
    """Mark the report handled, with the note of what was done (required)."""
    report = _report(request, pk)
    form = HandleProblemReportForm(request.POST)
    if form.is_valid():
        try:
            handle_problem_report(report, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                for message in error.messages:
                    messages.error(request, message)
                return redirect("problem_reports:problem_report_detail", pk=report.pk)
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The report was marked as handled."))
            return redirect("problem_reports:problem_report_detail", pk=report.pk)
    return _detail(request, report, form)


@require_POST
def problem_report_reopen(request, pk):
    """Put a handled report back among the new ones."""
    report = _report(request, pk)
    try:
        reopen_problem_report(report, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The report is open again."))
    return redirect("problem_reports:problem_report_detail", pk=report.pk)
