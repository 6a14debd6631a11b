"""An uploaded PDF read by a real PDF parser (pypdf), not only recognised by ``%PDF-``.

A PDF is accepted when pypdf reads its structure and pages and when nothing reachable from
its trailer holds active content. That means no JavaScript (in an action, the name tree or an
XFA form), no launch action and no embedded or rich-media file. Two limits bound the work:
- its pages: ``MAX_PAGES``, above the 300–500 pages of the largest dossiers;
- what its streams inflate to: ``max(MIN_INFLATED, INFLATE_RATIO × file size)``, checked stream
  by stream, so that a decompression bomb stops early. pypdf also caps any one stream.

Objects no reader reaches (not linked from the trailer) are never run, and are not inspected."""

import io
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

logger = logging.getLogger(__name__)

MAX_PAGES = 1500
MAX_OBJECTS = 500_000
MIN_INFLATED = 64 * 1024 * 1024
INFLATE_RATIO = 40
#: Names that make a PDF active: as a key or as an action's type.
ACTIVE = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
    }
)


class _Refused(Exception):
    def __init__(self, error: ValidationError):
        self.error = error


def check_pdf(upload) -> int:
    """Raise a ValidationError (Vietnamese message) unless ``upload`` is a PDF that pypdf reads
    and that holds no active content; returns its number of pages."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _Refused(
                ValidationError(
                    _("The PDF is protected by a password. Upload it without the protection."),
                    code="encrypted_pdf",
                )
            )
        pages = len(reader.pages)
        if pages == 0:
            raise _Refused(ValidationError(_("The PDF has no page."), code="empty_pdf"))
        if pages > MAX_PAGES:
            raise _Refused(
                ValidationError(
                    _("The PDF has %(pages)d pages; the limit is %(limit)d.")
                    % {"pages": pages, "limit": MAX_PAGES},
                    code="too_many_pages",
                )
            )
        _inspect(reader.trailer, budget=max(MIN_INFLATED, INFLATE_RATIO * len(data)))
    except _Refused as refused:
        raise refused.error from None
    except Exception:  # hostile input: whatever pypdf raises means "damaged"
        logger.info("PDF refused: pypdf could not read it", exc_info=True)
        raise ValidationError(
            _("The PDF file is incomplete or damaged."), code="broken_pdf"
        ) from None
    return pages


def _inspect(root, *, budget: int) -> None:
    """Walk every object reachable from ``root`` once; refuse active content and streams that
    inflate past ``budget`` bytes in all."""
    seen, stack, visited, inflated = set(), [root], 0, 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise _Refused(ValidationError(_("The PDF is too complex."), code="complex_pdf"))
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in ACTIVE or (name == "/S" and value in ACTIVE):
                    raise _Refused(
                        ValidationError(
                            _(
                                "The PDF contains JavaScript, an embedded file or another "
                                "active element. Print it to a new PDF and upload that one."
                            ),
                            code="active_pdf",
                        )
                    )
                if not isinstance(value, NameObject):
                    stack.append(value)
            if isinstance(item, StreamObject):
                inflated += len(item.get_data())
                if inflated > budget:
                    raise _Refused(
                        ValidationError(
                            _("The PDF inflates to more data than a document can hold."),
                            code="pdf_bomb",
                        )
                    )
        elif isinstance(item, ArrayObject):
            stack.extend(item)
