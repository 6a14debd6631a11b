"""Uploaded PDFs are read by pypdf (issue 16 §5): a file that starts with ``%PDF-`` and ends
with ``%%EOF`` but carries JavaScript, an embedded file or a decompression bomb is refused."""

import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from ocop.core import pdfcheck
from ocop.core.uploads import check_document
from ocop.producers.tests.factories import MINIMAL_PDF


def _pdf(edit=None, pages=1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if edit:
        edit(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _upload(data, name="scan.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _refused(data) -> str:
    with pytest.raises(ValidationError) as caught:
        check_document(_upload(data))
    return caught.value.code


def test_a_plain_pdf_is_accepted_with_its_pages():
    assert check_document(_upload(_pdf(pages=3))).content_type == "application/pdf"
    assert pdfcheck.check_pdf(_upload(_pdf(pages=3))) == 3
    assert pdfcheck.check_pdf(_upload(MINIMAL_PDF)) == 1


def test_javascript_run_at_opening_is_refused():
    """The attack of issue 16: %PDF- … /OpenAction JavaScript … %%EOF passed the old check."""

    def add_js(writer):
        writer.add_open_action(JavaScript("app.alert('xin chào');"))

    assert _refused(_pdf(add_js)) == "active_pdf"


def test_a_javascript_action_on_a_page_is_refused():
    def page_action(writer):
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("this.print()"),
            }
        )
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})

    assert _refused(_pdf(page_action)) == "active_pdf"


def test_an_embedded_file_is_refused():
    def attach(writer):
        writer.add_attachment("payload.exe", b"MZ\x90\x00")

    assert _refused(_pdf(attach)) == "active_pdf"


def test_a_launch_action_is_refused():
    def launch(writer):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("x")}
        )

    assert _refused(_pdf(launch)) == "active_pdf"


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(pdfcheck, "MIN_INFLATED", 1024 * 1024)

    def bomb(writer):
        inflated = zlib.compress(b"\0" * (8 * 1024 * 1024), 9)
        stream = StreamObject()
        stream.set_data(inflated)
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        stream[NameObject("/Length")] = NumberObject(len(inflated))
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)

    assert _refused(_pdf(bomb)) == "pdf_bomb"


def test_too_many_pages_are_refused(monkeypatch):
    monkeypatch.setattr(pdfcheck, "MAX_PAGES", 2)
    assert _refused(_pdf(pages=3)) == "too_many_pages"


def test_an_encrypted_pdf_is_refused():
    def encrypt(writer):
        writer.encrypt("mat-khau")

    assert _refused(_pdf(encrypt)) == "encrypted_pdf"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nnothing but garbage\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 9 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF",
        b"%PDF-1.4\n" + b"[" * 5000 + b"\n%%EOF",
    ],
)
def test_damaged_or_hostile_structures_are_refused_not_crashed(data):
    assert _refused(data) in {"broken_pdf", "empty_pdf"}


def test_the_message_is_vietnamese():
    with pytest.raises(ValidationError) as caught:
        check_document(_upload(_pdf(lambda writer: writer.add_open_action(JavaScript("1")))))
    assert "JavaScript" in caught.value.messages[0]
    assert "PDF" in caught.value.messages[0]


def test_a_stream_in_an_array_of_contents_is_counted(monkeypatch):
    monkeypatch.setattr(pdfcheck, "MIN_INFLATED", 1024 * 1024)

    def contents(writer):
        parts = []
        for _ in range(3):
            stream = DecodedStreamObject()
            stream.set_data(b"0 0 m " * 100_000)
            parts.append(writer._add_object(stream.flate_encode(level=9)))
        writer.pages[0][NameObject("/Contents")] = ArrayObject(parts)

    assert _refused(_pdf(contents)) == "pdf_bomb"
