"""The import pages of the provincial and central OCOP offices: upload a list, watch it being
checked, read the preview row by row, commit it, download the report; and the reported
recognitions to complete with their decision. Anyone else gets 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.scope import official_scope
from ocop.core.forms import add_service_error
from ocop.core.htmx import is_htmx
from ocop.core.pagination import paginate, query_without_page
from ocop.core.text import fold

from . import services, tasks, template
from .columns import LABELS
from .forms import (
    CompleteReportedForm,
    DismissReportedForm,
    ReportedFilterForm,
    RowFilterForm,
    UploadForm,
)
from .models import ImportRow, RecognitionImport, ReportedRecognition

ROWS_PER_PAGE = 100
#: How sure the placement is (ocop.regions.resolve.Confidence, and the import's own).
CONFIDENCE = {
    "high": gettext_lazy("high: the commune and its district"),
    "medium": gettext_lazy("medium: the commune and its province"),
    "low": gettext_lazy("low: the commune's name alone"),
    "province": gettext_lazy("the province only; commune to fill in"),
}


def _office(request):
    if not services.can_import(request.user):
        raise Http404
    return official_scope(request.user)


def _posted(request, files=False):
    """The form's data on a POST (even an empty one, so that it is checked), None otherwise."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _job(request, pk):
    _office(request)
    return get_object_or_404(
        RecognitionImport.objects.visible_to(request.user).select_related("province"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def import_list(request):
    """The imports the office can see, newest first, and the upload form."""
    scope = _office(request)
    form = UploadForm(
        *_posted(request, files=True),
        user=request.user,
        is_national=scope.is_national,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.start_import(
                upload.read(),
                upload.name,
                actor=request.user,
                province=form.cleaned_data["province"],
                is_sample=form.cleaned_data["is_sample"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            transaction.on_commit(lambda: tasks.validate_import.enqueue(job.pk))
            return redirect("imports:import_detail", pk=job.pk)
    jobs = RecognitionImport.objects.visible_to(request.user).select_related("province")
    context = {"form": form, "page": paginate(request, jobs), "query": query_without_page(request)}
    return render(request, "imports/import_list.html", context)


@require_GET
def import_detail(request, pk):
    """An import: its progress while the worker runs, then every row's outcome."""
    job = _job(request, pk)
    filters = RowFilterForm(request.GET)
    rows = job.rows.all()
    if filters.is_valid() and filters.cleaned_data["outcome"]:
        rows = rows.filter(outcome=filters.cleaned_data["outcome"])
    page = paginate(request, rows, per_page=ROWS_PER_PAGE)
    labels = {str(name): label for name, label in LABELS.items()}
    for row in page.object_list:
        row.confidence_label = CONFIDENCE.get(row.confidence, row.confidence)
        row.shown_messages = [
            (labels.get(m["column"], m["column"]), m["text"], m["error"]) for m in row.messages
        ]
    context = {
        "job": job,
        "filters": filters,
        "page": page,
        "query": query_without_page(request),
        "counts": _counts(job),
        "columns": [(LABELS.get(name, name), text) for name, text in job.columns.items()],
        "can_commit": job.can_commit and services.can_commit(request.user, job),
        "rows_to_write": sum(job.counts.get(name, 0) for name in ("new", "matched", "updated")),
        "stalled": services.is_stalled(job),
        "is_htmx": is_htmx(request),
    }
    template = "imports/import_detail.html"
    response = render(request, f"{template}#rows" if context["is_htmx"] else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def import_progress(request, pk):
    """The progress block, polled while the worker runs; once it stops, the page reloads to
    show the preview."""
    job = _job(request, pk)
    if not job.is_running or services.is_stalled(job):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/import_detail.html#progress", {"job": job})


@require_POST
def import_commit(request, pk):
    job = _job(request, pk)
    try:
        job = services.claim_commit(job, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        user_id = request.user.pk
        transaction.on_commit(lambda: tasks.write_import.enqueue(job.pk, user_id))
        messages.success(request, _("The import is being written. You may close this page."))
    return redirect("imports:import_detail", pk=job.pk)


@require_GET
def import_report(request, pk):
    job = _job(request, pk)
    return _private_file(job.report, f"bao-cao-nhap-{job.pk}.csv", "text/csv; charset=utf-8")


@require_GET
def import_file(request, pk):
    job = _job(request, pk)
    return _private_file(job.file, job.file_name, "application/octet-stream")


def _private_file(field, filename, content_type):
    if not field:
        raise Http404
    try:
        handle = field.storage.open(field.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def sample_list(request):
    """The sample list: the columns the import reads, with sample Điện Biên rows."""
    _office(request)
    response = HttpResponse(
        template.sample_list(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="danh-sach-ocop-mau.xlsx"'
    return response


def _counts(job):
    order = [choice for choice, _label in ImportRow.Outcome.choices]
    labels = dict(ImportRow.Outcome.choices)
    return [(name, labels[name], job.counts[name]) for name in order if job.counts.get(name)]


# --------------------------------------------------------------------------------------
# Reported recognitions
# --------------------------------------------------------------------------------------


@require_GET
def reported_list(request):
    """Stars reported by imported lists without their decision, open ones first."""
    scope = _office(request)
    filters = ReportedFilterForm(request.GET)
    reported = ReportedRecognition.objects.visible_to(request.user).select_related(
        "product__producer__province", "imported_by"
    )
    status = ReportedRecognition.Status.OPEN
    if filters.is_valid():
        status = filters.cleaned_data["status"] if "status" in request.GET else status
        text = fold(filters.cleaned_data["q"])
        if text:
            reported = reported.filter(
                Q(product__folded_name__contains=text)
                | Q(product__producer__folded_name__contains=text)
            )
    if status:
        reported = reported.filter(status=status)
    context = {
        "filters": filters,
        "page": paginate(request, reported.order_by("product__folded_name", "pk")),
        "query": query_without_page(request),
        "is_national": scope.is_national,
        "is_htmx": is_htmx(request),
    }
    template = "imports/reported_list.html"
    response = render(request, f"{template}#results" if context["is_htmx"] else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _reported(request, pk):
    _office(request)
    return get_object_or_404(
        ReportedRecognition.objects.visible_to(request.user).select_related(
            "product__producer__province", "imported_by"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def reported_complete(request, pk):
    reported = _reported(request, pk)
    form = CompleteReportedForm(*_posted(request), star=reported.star)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.complete_reported(
                reported,
                actor=request.user,
                number=data["number"],
                decided_on=data["decided_on"],
                authority=data["authority"],
                signer_name=data["signer_name"],
                certificate_number=data["certificate_number"],
                valid_until=data["valid_until"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The certificate is recorded."))
            return redirect("imports:reported_list")
    return render(request, "imports/reported_complete.html", {"reported": reported, "form": form})


@require_http_methods(["GET", "POST"])
def reported_dismiss(request, pk):
    reported = _reported(request, pk)
    form = DismissReportedForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.dismiss_reported(reported, actor=request.user, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The reported recognition is dismissed."))
            return redirect("imports:reported_list")
    return render(request, "imports/reported_dismiss.html", {"reported": reported, "form": form})
