"""Back-office pages for producers and their evidence locker. Thin: scoping through the
querysets, rules in the services, choices limited by the forms."""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import BooleanField
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ocop.core import privacy
from ocop.core.audit import history_for
from ocop.core.htmx import is_htmx
from ocop.core.keyset import paginate_keyset
from ocop.core.models import PersonalDataAccess
from ocop.regions.models import Commune, LegacyCommune

from . import services
from .forms import (
    DocumentForm,
    ProducerFilterForm,
    ProducerMemberForm,
    ProducerOfficialForm,
    unit_code,
)
from .models import Producer, ProducerDocument
from .permissions import (
    can_create_producers,
    communes_in_scope,
    is_official_for,
    legacy_communes_of,
)

# How audit actions read on the history list.
ACTION_LABELS = {
    "producer.created": gettext_lazy("registered"),
    "producer.updated": gettext_lazy("updated"),
    "producer.document_added": gettext_lazy("document added"),
    "producer.member_added": gettext_lazy("member added"),
}


@require_GET
def producer_list(request):
    filters = ProducerFilterForm(request.GET, user=request.user)
    producers = filters.filter(Producer.objects.visible_to(request.user).with_list_data())
    context = {
        "filters": filters,
        # By name, served by the index producers_producer_name.
        "page": paginate_keyset(request, producers, ["folded_name", "id"]),
        "can_create": can_create_producers(request.user),
        "is_htmx": is_htmx(request),
    }
    template = "producers/producer_list.html"
    response = render(request, f"{template}#results" if context["is_htmx"] else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def producer_detail(request, pk):
    producer = get_object_or_404(
        Producer.objects.visible_to(request.user).select_related(
            "province", "commune", "legacy_commune__district"
        ),
        pk=pk,
    )
    can_edit = Producer.objects.editable_by(request.user).filter(pk=producer.pk).exists()
    members = list(producer.members.select_related("user").order_by("user__username"))
    _record_personal_data_view(request, producer, members)
    context = {
        "producer": producer,
        "can_edit": can_edit,
        "documents": producer.documents.select_related("uploaded_by"),
        "products": producer.products.order_by("folded_name", "id").only(
            "id", "name", "producer_id"
        ),
        "members": members,
        "history": _history(producer),
    }
    return render(request, "producers/producer_detail.html", context)


@require_http_methods(["GET", "POST"])
def producer_create(request):
    if not can_create_producers(request.user):
        raise PermissionDenied
    form = ProducerOfficialForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            producer = services.create_producer(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The producer was registered."))
            return redirect("producers:producer_detail", pk=producer.pk)
    return render(request, "producers/producer_form.html", {"form": form, "producer": None})


@require_http_methods(["GET", "POST"])
def producer_edit(request, pk):
    producer = get_object_or_404(
        Producer.objects.editable_by(request.user).select_related("commune"), pk=pk
    )
    form_class = (
        ProducerOfficialForm if is_official_for(request.user, producer) else ProducerMemberForm
    )
    if request.method == "GET":
        _record_personal_data_view(request, producer)
    # The form works on its own copy; the service reloads and locks the row.
    form = form_class(
        _posted(request),
        instance=Producer.objects.select_related("commune").get(pk=producer.pk),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_producer(producer, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("producers:producer_detail", pk=producer.pk)
    return render(request, "producers/producer_form.html", {"form": form, "producer": producer})


@require_http_methods(["GET", "POST"])
def document_create(request, pk):
    producer = get_object_or_404(Producer.objects.editable_by(request.user), pk=pk)
    form = DocumentForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(
                producer,
                actor=request.user,
                data=form.service_data(),
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The document was added."))
            return redirect("producers:producer_detail", pk=producer.pk)
    return render(request, "producers/document_form.html", {"form": form, "producer": producer})


@require_GET
def document_download(request, pk, document_pk):
    """Documents are private: served only to those who may see the producer."""
    document = get_object_or_404(
        ProducerDocument.objects.visible_to(request.user), pk=document_pk, producer_id=pk
    )
    if not document.file:
        raise Http404
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def legacy_commune_options(request):
    """<option>s of the former communes for the province of the chosen commune (htmx)."""
    code = unit_code(request.GET.get("commune"), 5)
    commune = communes_in_scope(request.user).filter(pk=code).first() if code else None
    legacy_communes = legacy_communes_of([commune.province_id]) if commune else []
    return render(
        request,
        "producers/producer_form.html#legacy_options",
        {"legacy_communes": legacy_communes},
    )


def _record_personal_data_view(request, producer, members=None):
    """Record that someone other than the producer's own members saw its representative,
    phone, e-mail and registration number (docs/privacy.md)."""
    if members is None:
        own = producer.members.filter(user=request.user).exists()
    else:
        own = any(member.user_id == request.user.pk for member in members)
    if not own:
        privacy.record_view(
            request,
            PersonalDataAccess.Kind.PRODUCER,
            producer,
            producer_id=producer.pk,
            province_code=producer.province_id or "",
        )


@require_GET
def personal_data_log(request, pk):
    """Who saw this producer's personal data, when and on which page: for its members and
    for the offices that see it."""
    producer = get_object_or_404(Producer.objects.visible_to(request.user), pk=pk)
    accesses = PersonalDataAccess.objects.filter(producer_id=producer.pk)
    context = {"producer": producer, "page": paginate_keyset(request, accesses, ["-id"])}
    return render(request, "producers/personal_data_log.html", context)


def _add_service_error(form, error):
    """Show a service's ValidationError on the form: on its field when the form has that field,
    else at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _posted(request):
    """The submitted data on POST (even when empty, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _history(producer, limit=30):
    """The newest audit events of the producer, with field labels and readable values."""
    events = list(history_for(producer)[:limit])
    codes = {"commune_id": set(), "legacy_commune_id": set()}
    for event in events:
        for name, pair in (event.changes or {}).items():
            if name in codes:
                codes[name].update(value for value in pair if value)
    unit_names = {"commune_id": {}, "legacy_commune_id": {}}
    if codes["commune_id"]:
        unit_names["commune_id"] = dict(
            Commune.objects.filter(code__in=codes["commune_id"]).values_list("code", "name")
        )
    if codes["legacy_commune_id"]:
        unit_names["legacy_commune_id"] = dict(
            LegacyCommune.objects.filter(code__in=codes["legacy_commune_id"]).values_list(
                "code", "name"
            )
        )
    rows = []
    for event in events:
        model = ProducerDocument if event.action == "producer.document_added" else Producer
        changes = []
        for name, pair in (event.changes or {}).items():
            old, new = pair
            try:
                field = model._meta.get_field(name.removesuffix("_id"))
            except FieldDoesNotExist:
                changes.append((name.replace("_", " "), old, new))
                continue
            if name in unit_names:
                names = unit_names[name]
            elif isinstance(field, BooleanField):
                names = {"True": _("yes"), "False": _("no")}
            else:
                names = {str(key): label for key, label in field.flatchoices}
            changes.append((field.verbose_name, names.get(old, old), names.get(new, new)))
        rows.append((event, ACTION_LABELS.get(event.action, event.action), changes))
    return rows
