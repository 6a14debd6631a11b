"""Every change to products and their photos goes through these functions: one transaction, the
product row locked, the actor's rights checked again (defence in depth: the views and forms already
limit what they offer) and an audit event written in the same transaction.

Photo events are recorded on the product, so the product's history shows them."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ocop.core.audit import record_event
from ocop.core.text import normalize
from ocop.core.uploads import check_image, make_thumbnail
from ocop.producers.models import Producer

from .codes import check_code_for_producer, normalize_code, validate_code
from .models import Product, ProductPhoto
from .permissions import OFFICIAL_FIELDS, is_official_for

PRODUCT_FIELDS = (
    "producer",
    "name",
    "scoring_set",
    "code",
    "description",
    "story",
    "unit",
    "packaging",
    "price_min",
    "price_max",
    "available_months",
    "shelf_life_days",
    "standards",
    "geographical_indication",
    "is_sample",
)
# The audit log records foreign keys by key ("scoring_set_id": [11, 13]) and the months as the
# list of month numbers ("available_months": ["1,2,3", "1,2,3,4"]).
AUDITED_PRODUCT_FIELDS = tuple(
    f"{name}_id" if name in ("producer", "scoring_set") else name for name in PRODUCT_FIELDS
)
_ONE_LINE_FIELDS = ("name", "unit", "packaging", "standards", "geographical_indication")
_TEXT_FIELDS = ("description", "story")


def duplicate_code_error(code) -> ValidationError:
    return ValidationError(
        _(
            "Another product already has the code %(code)s. Each code belongs to one product "
            "only; check the sequence number (STT) and the year."
        ),
        code="duplicate_code",
        params={"code": code},
    )


@transaction.atomic
def create_product(*, actor, data) -> Product:
    """Add a product for a producer the actor may edit. Only an official governing the producer
    may give it a code or mark it as sample data."""
    values = _product_values(data)
    producer = values.get("producer")
    if producer is None or not Producer.objects.editable_by(actor).filter(pk=producer.pk).exists():
        raise PermissionDenied(_("You cannot add products for this producer."))
    if not is_official_for(actor, producer):
        refused = [field for field in ("code", "is_sample") if values.get(field)]
        if refused:
            raise _official_fields_denied(refused)
    product = Product(**values)
    _validate(product, check_code=True)
    _save(product)
    changes = {
        field: [None, value]
        for field, value in _snapshot(product).items()
        if value not in ("", None, False)
    }
    record_event(actor=actor, action="product.created", obj=product, changes=changes)
    return product


@transaction.atomic
def update_product(product, *, actor, data) -> Product:
    """Change a product's details. Members cannot change the fields officials own; an official may
    move the product only to another producer they govern."""
    locked = _lock_editable(product, actor)
    values = _product_values(data)
    official = is_official_for(actor, locked.producer)
    old_values = _snapshot(locked)
    for field, value in values.items():
        setattr(locked, field, value)
    new_values = _snapshot(locked)
    changes = {
        field: [old_values[field], new_values[field]]
        for field in AUDITED_PRODUCT_FIELDS
        if old_values[field] != new_values[field]
    }
    if not official:
        refused = [field for field in changes if field.removesuffix("_id") in OFFICIAL_FIELDS]
        if refused:
            raise _official_fields_denied(refused)
    if "producer_id" in changes:
        target = locked.producer
        if not (
            Producer.objects.editable_by(actor).filter(pk=target.pk).exists()
            and is_official_for(actor, target)
        ):
            raise ValidationError(
                {"producer": _("Choose a producer in your area.")}, code="producer_out_of_scope"
            )
    if not changes:
        return locked
    _validate(locked, check_code=bool({"code", "producer_id"} & set(changes)))
    _save(locked)
    record_event(actor=actor, action="product.updated", obj=locked, changes=changes)
    return locked


@transaction.atomic
def add_photo(product, *, actor, upload, caption="") -> ProductPhoto:
    """Store a checked JPEG/PNG photo with a JPEG thumbnail (at most 480×360) at the end of the
    product's photos. The uploader's file name is never used."""
    locked = _lock_editable(product, actor)
    checked = check_image(upload)
    try:
        thumbnail = make_thumbnail(upload)
    except (OSError, ValueError):
        raise ValidationError(
            {"image": _("The image is damaged or not really a JPEG/PNG image.")},
            code="broken_image",
        ) from None
    last_position = locked.photos.aggregate(last=Max("position"))["last"]
    photo = ProductPhoto(
        product=locked,
        caption=normalize(caption),
        position=0 if last_position is None else last_position + 1,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    photo.full_clean(exclude=["product", "image", "thumbnail", "uploaded_by"])
    stem = secrets.token_hex(8)
    try:
        photo.image.save(f"{stem}.{checked.extension}", upload, save=False)
        photo.thumbnail.save(f"{stem}.jpg", thumbnail, save=False)
        photo.save()
        record_event(
            actor=actor,
            action="product.photo_added",
            obj=locked,
            changes={"photo": [None, photo.image.name]},
            comment=photo.caption,
        )
    except BaseException:
        _delete_files([photo.image.name, photo.thumbnail.name])
        raise
    return photo


@transaction.atomic
def remove_photo(photo, *, actor) -> None:
    """Remove a photo (it is illustration, not evidence); the removal is audited and the files
    are deleted once the transaction has committed."""
    locked = _lock_editable(photo.product, actor)
    current = locked.photos.filter(pk=photo.pk).first()
    if current is None:
        return  # already removed
    names = [current.image.name, current.thumbnail.name]
    current.delete()
    record_event(
        actor=actor,
        action="product.photo_removed",
        obj=locked,
        changes={"photo": [names[0], None]},
        comment=current.caption,
    )
    transaction.on_commit(lambda: _delete_files(names))


@transaction.atomic
def move_photo(photo, *, actor, offset) -> None:
    """Move a photo `offset` places (-1 earlier, +1 later); the first photo is the main one."""
    locked = _lock_editable(photo.product, actor)
    photos = list(locked.photos.order_by("position", "id"))
    index = next((i for i, item in enumerate(photos) if item.pk == photo.pk), None)
    if index is None:
        return
    new_index = min(max(index + offset, 0), len(photos) - 1)
    if new_index == index:
        return
    photos.insert(new_index, photos.pop(index))
    for position, item in enumerate(photos):
        item.position = position
    ProductPhoto.objects.bulk_update(photos, ["position"])
    record_event(
        actor=actor,
        action="product.photo_moved",
        obj=locked,
        changes={"position": [index + 1, new_index + 1]},
        comment=photos[new_index].image.name,
    )


def _product_values(data) -> dict:
    unknown = set(data) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown product fields: {sorted(unknown)}")
    values = dict(data)
    for field in _ONE_LINE_FIELDS:
        if field in values:
            values[field] = normalize(values[field])
    for field in _TEXT_FIELDS:
        if field in values:
            values[field] = (values[field] or "").strip()
    if "code" in values:
        values["code"] = normalize_code(values["code"])
    return values


def _snapshot(product) -> dict:
    values = {field: getattr(product, field) for field in AUDITED_PRODUCT_FIELDS}
    values["available_months"] = ",".join(str(month) for month in product.months)
    return values


def _validate(product, *, check_code):
    """Field and cross-field rules (Product.clean), then the code: its units, its province
    against the producer's, and uniqueness (checked again by the database on save)."""
    errors = {}
    try:
        product.full_clean(
            exclude=["folded_name"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if check_code and product.code and "code" not in errors and "producer" not in errors:
        try:
            parsed = validate_code(product.code)
            check_code_for_producer(parsed, product.producer)
            if Product.objects.filter(code=product.code).exclude(pk=product.pk).exists():
                raise duplicate_code_error(product.code)
        except ValidationError as error:
            errors.setdefault("code", []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


def _save(product):
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        if (
            product.code
            and Product.objects.filter(code=product.code).exclude(pk=product.pk).exists()
        ):
            raise ValidationError({"code": duplicate_code_error(product.code)}) from None
        raise


def _lock_editable(product, actor) -> Product:
    locked = Product.objects.editable_by(actor).select_for_update().filter(pk=product.pk).first()
    if locked is None:
        raise PermissionDenied(_("You cannot change this product."))
    return locked


def _official_fields_denied(fields) -> PermissionDenied:
    return PermissionDenied(
        _("Only an OCOP office or commune officer can set: %(fields)s.")
        % {"fields": ", ".join(sorted(field.removesuffix("_id") for field in fields))}
    )


def _delete_files(names):
    for name in names:
        if name:
            default_storage.delete(name)
