"""Post-recognition control pages, for the OCOP offices:

- inspections (/manage/inspections/): the list, planning, the visit with its findings, the
  follow-up of corrective action and the revocation;
- revocations due (/manage/revocations/, art. 8(4)): the list of the office's revocations due,
  soonest first and the overdue ones flagged; recording a conclusion or the commune's
  confirmation against a certificate; withdrawing one recorded by mistake. Only the office that
  may revoke the certificate (``guards.can_revoke``) sees and acts; anyone else gets 404;
- problem reports (/manage/problem-reports/): the inbox of the reports sent from the public
  verification pages, marked handled with a note, or reopened.

Every inspection is fetched through ``Inspection.objects.visible_to`` (producer members see
their recorded inspections, read-only); the pages that change something fetch it through
``editable_by`` (the office that could revoke the certificate), so anyone else gets 404 and
nothing changes. Problem reports are scoped by ``ProblemReport.objects.visible_to``: a
provincial office sees the reports about its province's products, the central office every
report (and alone those about unknown codes); anyone else gets 404. The sender's name and
contact are shown there, to officials only, and nowhere else.

Every change is one call into ``inspections.py``, ``revocation.py`` or ``problem_reports.py``;
a refusal comes back as form errors or a message and changes nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.scope import official_scope
from ocop.core import privacy
from ocop.core.audit import history_for
from ocop.core.htmx import is_htmx
from ocop.core.ids import parse_id
from ocop.core.models import PersonalDataAccess
from ocop.core.pagination import paginate, query_without_page

from ..guards import can_revoke
from ..models import (
    Certificate,
    CertificateStatus,
    Inspection,
    ProblemReport,
    RevocationCase,
    RevocationGround,
    revoking_office_filter,
)
from ..recognition.public_views import STATUS_CLASSES
from . import inspections as services
from .forms import (
    CancelForm,
    ConfirmForm,
    EscalateForm,
    FindingFormSet,
    FollowUpForm,
    HandleProblemReportForm,
    InspectionFilterForm,
    PlanForm,
    ProblemReportFilterForm,
    RecordForm,
    RevocationCaseFilterForm,
    RevocationCaseForm,
    WithdrawRevocationCaseForm,
    add_service_error,
)
from .inspections import TRIGGER_MAX_LENGTH
from .problem_reports import handle_problem_report, reopen_problem_report
from .revocation import record_revocation_case, withdraw_revocation_case

# --------------------------------------------------------------------------------------
# Inspections
# --------------------------------------------------------------------------------------


HISTORY_LABELS = {
    "inspection.planned": gettext_lazy("Inspection planned"),
    "inspection.recorded": gettext_lazy("Visit recorded"),
    "inspection.followed_up": gettext_lazy("Follow-up recorded"),
    "inspection.escalated": gettext_lazy("Closed on the revocation of the certificate"),
    "inspection.cancelled": gettext_lazy("Inspection cancelled"),
}


def _posted(request):
    return request.POST if request.method == "POST" else None


def _inspection(request, pk, *, editable=False) -> Inspection:
    """The inspection if the user may see it (or act on it, with ``editable``), else 404."""
    queryset = Inspection.objects.visible_to(request.user)
    if editable:
        queryset = queryset.editable_by(request.user)
    return get_object_or_404(queryset.with_list_data(), pk=pk)


def _nothing_to_do(request, inspection):
    messages.error(
        request,
        _("This inspection is “%(status)s”: this step is not possible now.")
        % {"status": inspection.get_status_display()},
    )
    return redirect(inspection)


def _short(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _refused(request, inspection, error):
    messages.error(request, str(error) or _("You cannot do this."))
    return redirect(inspection)


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


@require_GET
def inspection_list(request):
    today = timezone.localdate()
    filters = InspectionFilterForm(request.GET)
    inspections = filters.filter(
        Inspection.objects.visible_to(request.user).with_list_data().order_by("-planned_on", "-id"),
        today=today,
    )
    page = paginate(request, inspections)
    partial = is_htmx(request)
    context = {
        "filters": filters,
        "page": page,
        "rows": [(inspection, inspection.is_corrective_overdue(today)) for inspection in page],
        "query": query_without_page(request),
        "today": today,
        "is_national": official_scope(request.user).is_national,
        "may_plan": revoking_office_filter(request.user) is not None,
        "is_htmx": partial,
    }
    template = "certificates/inspection_list.html"
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def inspection_detail(request, pk):
    inspection = _inspection(request, pk)
    today = timezone.localdate()
    may_act = Inspection.objects.editable_by(request.user).filter(pk=inspection.pk).exists()
    due_on = inspection.revocation_due_on
    context = {
        "inspection": inspection,
        "certificate": inspection.certificate,
        "findings": list(inspection.findings.all()),
        "may_act": may_act,
        "today": today,
        "overdue": inspection.is_corrective_overdue(today),
        "revocation_due_on": due_on,
        "revocation_late": inspection.awaits_revocation and due_on is not None and today > due_on,
        "history": [
            (event, HISTORY_LABELS.get(event.action, event.action))
            for event in (history_for(inspection) if may_act else [])
        ],
    }
    return render(request, "certificates/inspection_detail.html", context)


# --------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def inspection_plan(request):
    """Plan an inspection of one of the office's current certificates (``?certificate=`` picks
    it in advance; ``?trigger=`` makes it an ad hoc inspection citing that reason)."""
    if revoking_office_filter(request.user) is None:
        raise Http404
    certificates = services.inspectable_certificates(request.user)
    initial = {"planned_on": timezone.localdate()}
    raw = request.GET.get("certificate")
    if raw is not None:
        certificate_id = parse_id(raw)
        if certificate_id is None or not certificates.filter(pk=certificate_id).exists():
            raise Http404
        initial["certificate"] = certificate_id
    trigger = request.GET.get("trigger", "").strip()
    if trigger:
        # E.g. from a problem report: an ad hoc inspection that cites it.
        initial.update(kind=Inspection.Kind.AD_HOC, trigger=trigger[:TRIGGER_MAX_LENGTH])
    form = PlanForm(_posted(request), certificates=certificates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.plan_inspection(
                data["certificate"],
                actor=request.user,
                kind=data["kind"],
                planned_on=data["planned_on"],
                team=data["team"],
                checks_criteria=data["checks_criteria"],
                checks_stamp_use=data["checks_stamp_use"],
                trigger=data["trigger"],
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(str(error))
            add_service_error(form, error)
        else:
            messages.success(request, _("The inspection was planned."))
            return redirect(inspection)
    return render(request, "certificates/inspection_plan.html", {"form": form})


@require_http_methods(["GET", "POST"])
def inspection_cancel(request, pk):
    inspection = _inspection(request, pk, editable=True)
    if inspection.status != Inspection.Status.PLANNED:
        return _nothing_to_do(request, inspection)
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_inspection(
                inspection, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as error:
            return _refused(request, inspection, error)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The inspection was cancelled."))
            return redirect(inspection)
    context = {"form": form, "inspection": inspection}
    return render(request, "certificates/inspection_cancel.html", context)


# --------------------------------------------------------------------------------------
# The visit, the follow-up, the revocation
# --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def inspection_record(request, pk):
    inspection = _inspection(request, pk, editable=True)
    if inspection.status != Inspection.Status.PLANNED:
        return _nothing_to_do(request, inspection)
    criteria = list(
        services.inspection_criteria(inspection.certificate).only("pk", "code", "title_vi")
    )
    form = RecordForm(_posted(request), initial={"visited_on": timezone.localdate()})
    formset = FindingFormSet(
        _posted(request), prefix="findings", form_kwargs={"criteria": criteria}
    )
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        data = form.cleaned_data
        try:
            services.record_inspection(
                inspection,
                actor=request.user,
                visited_on=data["visited_on"],
                outcome=data["outcome"],
                summary=data["summary"],
                corrective_deadline=data["corrective_deadline"],
                findings=formset.findings(),
            )
        except PermissionDenied as error:
            return _refused(request, inspection, error)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The inspection was recorded."))
            return redirect(inspection)
    context = {
        "form": form,
        "formset": formset,
        "inspection": inspection,
        "has_criteria": bool(criteria),
    }
    return render(request, "certificates/inspection_record.html", context)


@require_http_methods(["GET", "POST"])
def inspection_follow_up(request, pk):
    inspection = _inspection(request, pk, editable=True)
    if not inspection.awaits_follow_up:
        return _nothing_to_do(request, inspection)
    form = FollowUpForm(_posted(request), initial={"checked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.record_follow_up(
                inspection,
                actor=request.user,
                checked_on=data["checked_on"],
                corrected=data["corrected"],
                note=data["note"],
            )
        except PermissionDenied as error:
            return _refused(request, inspection, error)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if updated.status == Inspection.Status.CLOSED:
                messages.success(
                    request, _("The corrections were recorded; the inspection is closed.")
                )
            else:
                messages.warning(
                    request,
                    _("The findings were not corrected. Revoke the certificate by %(date)s.")
                    % {"date": date_format(updated.revocation_due_on, "SHORT_DATE_FORMAT")},
                )
            return redirect(inspection)
    context = {"form": form, "inspection": inspection, "today": timezone.localdate()}
    return render(request, "certificates/inspection_follow_up.html", context)


@require_http_methods(["GET", "POST"])
def inspection_escalate(request, pk):
    inspection = _inspection(request, pk, editable=True)
    if not inspection.awaits_revocation:
        return _nothing_to_do(request, inspection)
    today = timezone.localdate()
    already_revoked = inspection.certificate.revoked_on is not None
    initial = {"decided_on": today}
    if inspection.follow_up_result == Inspection.FollowUp.NOT_CORRECTED:
        initial["ground"] = RevocationGround.CRITERIA_NOT_MET
    form = (ConfirmForm if already_revoked else EscalateForm)(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            escalation = services.escalate_to_revocation(
                inspection,
                actor=request.user,
                ground=data.get("ground"),
                decision_number=data.get("decision_number"),
                decided_on=data.get("decided_on"),
                note=data.get("note", ""),
            )
        except PermissionDenied as error:
            return _refused(request, inspection, error)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if already_revoked:
                messages.success(request, _("The inspection was closed on that revocation."))
            else:
                messages.success(request, _("The certificate was revoked."))
            if escalation.is_late:
                messages.warning(
                    request,
                    _("The revocation was due by %(date)s, 15 days after the finding: it is late.")
                    % {"date": date_format(escalation.due_on, "SHORT_DATE_FORMAT")},
                )
            return redirect(inspection)
    due_on = inspection.revocation_due_on
    context = {
        "form": form,
        "inspection": inspection,
        "revocation_due_on": due_on,
        "revocation_late": today > due_on,
        "already_revoked": already_revoked,
    }
    return render(request, "certificates/inspection_escalate.html", context)


# --------------------------------------------------------------------------------------
# Revocations due (art. 8(4))
# --------------------------------------------------------------------------------------


def _revoking_office(request):
    """Only an office that may revoke some certificate has revocations due; 404 otherwise."""
    condition = revoking_office_filter(request.user)
    if condition is None:
        raise Http404
    return condition


def _certificate_page(certificate_id):
    return redirect(
        reverse("certificates:certificate_detail", args=[certificate_id]) + "#revocation-due-cases"
    )


@require_GET
def revocation_case_list(request):
    """The revocations due of the certificates the office may revoke, soonest due first, the
    overdue ones flagged; or the closed ones."""
    _revoking_office(request)
    today = timezone.localdate()
    filters = RevocationCaseFilterForm(request.GET)
    cases = RevocationCase.objects.editable_by(request.user)
    page = paginate(request, filters.filter(cases.with_list_data(), today=today))
    partial = is_htmx(request)
    context = {
        "filters": filters,
        "page": page,
        # (case, overdue, days to the due day or past it)
        "rows": [(case, case.is_overdue(today), abs(case.days_left(today))) for case in page],
        "overdue_count": cases.open().filter(due_on__lt=today).count(),
        "query": query_without_page(request),
        "today": today,
        "is_national": official_scope(request.user).is_national,
        "is_htmx": partial,
    }
    template = "certificates/revocation_case_list.html"
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def revocation_case_record(request, pk):
    """Record a conclusion on a breach, or the commune's confirmation that production stopped,
    against a certificate the office may revoke: the revocation is then due within 15 days."""
    condition = _revoking_office(request)
    certificate = get_object_or_404(
        Certificate.objects.filter(condition).select_related("product__producer"), pk=pk
    )
    if certificate.revoked_on is not None or certificate.superseded_by_id is not None:
        messages.error(request, _("This certificate is no longer current: nothing is due on it."))
        return _certificate_page(certificate.pk)
    form = RevocationCaseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = record_revocation_case(
                certificate,
                actor=request.user,
                ground=data["ground"],
                finding_on=data["finding_on"],
                reference=data["reference"],
                note=data["note"],
            )
        except PermissionDenied as error:
            add_service_error(form, error)
        except ValidationError as error:
            if getattr(error, "code", None) == "duplicate":
                # The same form sent twice (a double click): it is recorded already.
                messages.info(request, error.messages[0])
                return _certificate_page(certificate.pk)
            add_service_error(form, error)
        else:
            params = {"number": certificate.number, "date": _short(case.due_on)}
            if case.due_on < timezone.localdate():
                messages.warning(
                    request,
                    _(
                        "Recorded: certificate %(number)s was to be revoked by %(date)s (art. "
                        "8(4)); that day has passed. Revoke it now: the revocation is recorded "
                        "as late."
                    )
                    % params,
                )
            else:
                messages.success(
                    request,
                    _("Recorded: revoke certificate %(number)s by %(date)s (art. 8(4)).") % params,
                )
            return _certificate_page(certificate.pk)
    context = {"form": form, "certificate": certificate}
    return render(request, "certificates/revocation_case_record.html", context)


@require_http_methods(["GET", "POST"])
def revocation_case_withdraw(request, pk):
    """Withdraw a revocation due recorded by mistake, or whose conclusion was annulled."""
    _revoking_office(request)
    case = get_object_or_404(
        RevocationCase.objects.editable_by(request.user).with_list_data(), pk=pk
    )
    if not case.is_open or case.inspection_id is not None:
        messages.error(request, _("This revocation due cannot be withdrawn."))
        return _certificate_page(case.certificate_id)
    form = WithdrawRevocationCaseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_revocation_case(case, actor=request.user, reason=form.cleaned_data["reason"])
        except (PermissionDenied, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The revocation due was withdrawn."))
            return _certificate_page(case.certificate_id)
    context = {"form": form, "case": case, "certificate": case.certificate}
    return render(request, "certificates/revocation_case_withdraw.html", context)


# --------------------------------------------------------------------------------------
# Problem reports: the offices' inbox
# --------------------------------------------------------------------------------------


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
    if report.reporter_name or report.reporter_contact:
        privacy.record_view(
            request,
            PersonalDataAccess.Kind.PROBLEM_REPORT,
            report,
            province_code=report.province_id or "",
        )
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
