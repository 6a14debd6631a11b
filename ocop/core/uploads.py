"""Checking uploaded files by their content, not their name, and making thumbnails.

Every upload form calls one of the `check_*` functions from its `clean_<field>()`; they raise a
ValidationError with a Vietnamese message and leave the file untouched."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .pdfcheck import check_pdf

MAX_IMAGE_PIXELS = 40_000_000  # 40 megapixels: any real product photo, no decompression bombs
THUMBNAIL_SIZE = (480, 360)

_SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def _check_size(upload, max_bytes):
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")


def _read_head(upload, length=16) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _verify_image(upload, content_type):
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("The image is too large in pixels."), code="too_many_pixels"
                )
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The image is damaged or not really a JPEG/PNG image."), code="broken_image"
        ) from None
    finally:
        upload.seek(0)


def check_document(upload, *, max_bytes=None) -> CheckedFile:
    """A PDF, JPEG or PNG document, recognised by its first bytes; images must decode, and a
    PDF must be read by pypdf and hold no active content (``pdfcheck``)."""
    _check_size(upload, max_bytes)
    found = sniff(_read_head(upload))
    if found is None:
        raise ValidationError(
            _("Only PDF, JPEG or PNG files are accepted; this file is something else."),
            code="bad_type",
        )
    content_type, extension = found
    if content_type == "application/pdf":
        upload.seek(0)
        tail = upload.read()[-2048:]
        upload.seek(0)
        if b"%%EOF" not in tail:
            raise ValidationError(_("The PDF file is incomplete or damaged."), code="broken_pdf")
        check_pdf(upload)
    else:
        _verify_image(upload, content_type)
    return CheckedFile(content_type, extension, upload.size)


def check_image(upload, *, max_bytes=None) -> CheckedFile:
    """A JPEG or PNG photo that decodes and is not absurdly large."""
    _check_size(upload, max_bytes)
    found = sniff(_read_head(upload))
    if found is None or not found[0].startswith("image/"):
        raise ValidationError(_("Only JPEG or PNG photos are accepted."), code="bad_type")
    _verify_image(upload, found[0])
    return CheckedFile(found[0], found[1], upload.size)


def make_thumbnail(upload, size=THUMBNAIL_SIZE) -> ContentFile:
    """A JPEG thumbnail that fits in `size`, with EXIF orientation applied and metadata dropped."""
    from PIL import ImageOps

    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
        image.thumbnail(size)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=82, optimize=True)
    upload.seek(0)
    return ContentFile(buffer.getvalue())
