"""The file behind the demo's sample documents: a small, valid one-page PDF that says on its page
that it is sample data. Built here (not taken from a test module) with a correct cross-reference
table, so that any PDF reader opens it and `core.uploads.check_document` accepts it."""

SAMPLE_LINES = (
    "SAMPLE DOCUMENT - DEMO DATA ONLY",
    "Giay chung nhan co so du dieu kien an toan thuc pham (mau)",
    "Food-safety facility certificate (sample)",
    "Created by `manage.py seed_demo` for the OCOP platform demo.",
    "Not a real certificate; it has no legal value.",
)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def build_pdf(lines=SAMPLE_LINES) -> bytes:
    """A one-page A4 PDF 1.4 with ``lines`` (ASCII) in Helvetica, which every reader has."""
    text = " T* ".join(f"({_escape(line)}) Tj" for line in lines)
    stream = f"BT /F1 14 Tf 20 TL 60 780 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


SAMPLE_PDF = build_pdf()
