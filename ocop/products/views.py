"""Back-office pages for products (/manage/products/). Every product is fetched through
`visible_to` (reading) or `editable_by` (changing); another scope's product is a 404. Writes go
through ocop.products.services."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.scope import official_scope
from ocop.core.audit import history_for
from ocop.core.ids import parse_id
from ocop.core.keyset import paginate_keyset
from ocop.producers.models import Producer, ProducerMember

from . import services
from .forms import PhotoForm, ProductFilterForm, ProductForm
from .models import Product, ProductPhoto

# The detail page shows the latest changes; the whole log stays in the audit table.
HISTORY_LENGTH = 50
# Field labels for the history, keyed as the audit log records them.
_HISTORY_LABELS = {
    "producer_id": Product._meta.get_field("producer").verbose_name,
    "scoring_set_id": Product._meta.get_field("scoring_set").verbose_name,
    "photo": ProductPhoto._meta.verbose_name,
    "position": ProductPhoto._meta.get_field("position").verbose_name,
}


# The product list's order; the index products_product_name serves it.
PRODUCT_ORDERING = ["folded_name", "id"]


@require_GET
def product_list(request):
    form = ProductFilterForm(request.GET, user=request.user)
    form.is_valid()
    products = Product.objects.visible_to(request.user).with_list_data().filtered(**form.filters())
    context = {
        "form": form,
        # By name, served by the index products_product_name.
        "page": paginate_keyset(request, products, PRODUCT_ORDERING),
        "can_create": Producer.objects.editable_by(request.user).exists(),
    }
    if request.headers.get("HX-Target") == "results":
        response = render(request, "products/product_list.html#results", context)
    else:
        response = render(request, "products/product_list.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_GET
def product_detail(request, pk):
    product = get_object_or_404(
        Product.objects.visible_to(request.user).select_related(
            "producer__province", "producer__commune", "scoring_set__group__sector"
        ),
        pk=pk,
    )
    can_edit = Product.objects.editable_by(request.user).filter(pk=product.pk).exists()
    scope = official_scope(request.user)  # computed by visible_to above: no query
    context = {
        "product": product,
        "photos": product.photos.all(),
        "history": [_history_entry(event) for event in history_for(product)[:HISTORY_LENGTH]],
        "can_edit": can_edit,
        # Only the producer's own members fill its self-assessments (officials read them).
        "is_member": ProducerMember.objects.filter(
            user=request.user, producer_id=product.producer_id
        ).exists(),
        "photo_form": PhotoForm() if can_edit else None,
        # Only the offices (provincial or central) have the certificate list to link to.
        "is_office": scope.is_national or bool(scope.province_codes),
    }
    return render(request, "products/product_detail.html", context)


def product_create(request):
    editable = Producer.objects.editable_by(request.user)
    if not editable.exists():
        raise Http404
    initial = {}
    producer_id = parse_id(request.GET.get("producer", ""))
    if producer_id:
        initial["producer"] = producer_id
    data = request.POST if request.method == "POST" else None
    form = ProductForm(data, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(actor=request.user, data=form.product_data())
        except ValidationError as error:
            _add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The product was added."))
            for warning in form.warnings:
                messages.warning(request, warning)
            return redirect(product)
    return render(request, "products/product_form.html", {"form": form, "product": None})


def product_edit(request, pk):
    product = get_object_or_404(
        Product.objects.editable_by(request.user).select_related("producer"), pk=pk
    )
    data = request.POST if request.method == "POST" else None
    form = ProductForm(data, actor=request.user, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_product(product, actor=request.user, data=form.product_data())
        except ValidationError as error:
            _add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The changes were saved."))
            for warning in form.warnings:
                messages.warning(request, warning)
            return redirect(product)
    return render(request, "products/product_form.html", {"form": form, "product": product})


def photo_add(request, pk):
    product = get_object_or_404(Product.objects.editable_by(request.user), pk=pk)
    form = PhotoForm(request.POST, request.FILES) if request.method == "POST" else PhotoForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.add_photo(
                product,
                actor=request.user,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as error:
            _add_service_errors(form, error, default_field="image")
        else:
            messages.success(request, _("The photo was added."))
            return redirect(product)
    return render(request, "products/photo_add.html", {"form": form, "product": product})


@require_POST
def photo_remove(request, pk, photo_pk):
    photo = _editable_photo(request, pk, photo_pk)
    services.remove_photo(photo, actor=request.user)
    messages.success(request, _("The photo was removed."))
    return redirect(photo.product)


@require_POST
def photo_move(request, pk, photo_pk):
    photo = _editable_photo(request, pk, photo_pk)
    offset = {"earlier": -1, "later": 1}.get(request.POST.get("direction"))
    if offset is not None:
        services.move_photo(photo, actor=request.user, offset=offset)
    return redirect(photo.product)


@require_GET
def photo_file(request, pk, photo_pk):
    photo = _visible_photo(request, pk, photo_pk)
    return _serve(photo.image)


@require_GET
def photo_thumbnail(request, pk, photo_pk):
    photo = _visible_photo(request, pk, photo_pk)
    return _serve(photo.thumbnail)


def _visible_photo(request, pk, photo_pk):
    return get_object_or_404(
        ProductPhoto.objects.visible_to(request.user), pk=photo_pk, product_id=pk
    )


def _editable_photo(request, pk, photo_pk):
    return get_object_or_404(
        ProductPhoto.objects.editable_by(request.user).select_related("product"),
        pk=photo_pk,
        product_id=pk,
    )


def _serve(field_file):
    """Stream a stored photo; only JPEG and PNG are ever stored (checked on upload)."""
    if not field_file:
        raise Http404
    content_type = mimetypes.guess_type(field_file.name)[0]
    if content_type not in ("image/jpeg", "image/png"):
        raise Http404
    try:
        handle = field_file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _add_service_errors(form, error, default_field=None):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, error)


def _history_entry(event):
    """An audit event with its changes as rows of (field label, old value, new value)."""
    rows = []
    for field, (old, new) in (event.changes or {}).items():
        label = _HISTORY_LABELS.get(field)
        if label is None:
            try:
                label = Product._meta.get_field(field).verbose_name
            except FieldDoesNotExist:
                label = field
        rows.append({"label": label, "old": old, "new": new})
    return {"event": event, "rows": rows}
