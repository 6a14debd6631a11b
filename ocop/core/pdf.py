"""PDF documents with fpdf2 and the bundled DejaVu Sans (every Vietnamese glyph, ★, ☐ and ☒):
the A4 page, the HTTP answer, and the pieces of a Vietnamese administrative form (the national
motto, a title, fields with a dotted blank to fill by hand, tick boxes, signature blocks).

Used by the certificates and the printable forms of the evaluations. A printed form is a legal
Vietnamese document: its wording is the decision's, whatever the reader's language.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from fpdf import FPDF

FONT = "DejaVu"
FONT_DIR = settings.BASE_DIR / "static" / "fonts"

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TICKED, UNTICKED = "☒", "☐"


def new_document(orientation: str = "P", *, page_breaks: bool = False) -> FPDF:
    """An A4 document in millimetres with the bundled font. ``page_breaks`` lets long forms
    flow onto new pages (a certificate is one fixed page)."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_auto_page_break(auto=page_breaks, margin=15 if page_breaks else 20)
    pdf.set_creator("OCOP platform")
    return pdf


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (``inline``) under an ASCII ``filename``; never cached by a
    shared cache, since it holds a dossier's data."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def tick(checked: bool) -> str:
    return TICKED if checked else UNTICKED


class PaperForm:
    """An A4 portrait form written top to bottom, in the layout of the decision's annexes."""

    LINE = 6  # line height, mm

    def __init__(self, title: str):
        self.pdf = new_document("P", page_breaks=True)
        self.pdf.set_margins(20, 15, 15)
        self.pdf.set_title(title)
        self.pdf.add_page()
        self.width = self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def output(self) -> bytes:
        return bytes(self.pdf.output())

    def font(self, size: float = 11, bold: bool = False):
        self.pdf.set_font(FONT, "B" if bold else "", size)

    def centred(self, text: str, *, size: float = 11, bold: bool = False, width=None, x=None):
        self.font(size, bold)
        if x is not None:
            self.pdf.set_x(x)
        self.pdf.multi_cell(
            width or self.width, self.LINE, text, align="C", new_x="LMARGIN", new_y="NEXT"
        )

    def motto(self, issuer: tuple[str, ...] = ()):
        """The national motto, centred or, under an issuing body (``issuer`` lines, on the
        left), on the right as in the decision's Mẫu 03."""
        top = self.pdf.get_y()
        if not issuer:
            self.centred(NATION, bold=True)
            self.centred(MOTTO, bold=True)
            self.centred("---------------")
        else:
            half = self.width * 0.42
            for index, line in enumerate(issuer):
                self.centred(line, size=10, bold=index > 0, width=half)
            self.centred("-------", size=10, width=half)
            bottom = self.pdf.get_y()
            right = self.pdf.l_margin + half
            self.pdf.set_y(top)
            for line, bold in ((NATION, True), (MOTTO, True), ("---------------", False)):
                self.centred(line, size=10, bold=bold, width=self.width - half, x=right)
            self.pdf.set_y(max(bottom, self.pdf.get_y()))
        self.pdf.ln(3)

    def title(self, *lines: str):
        self.centred(lines[0], size=13, bold=True)
        for line in lines[1:]:
            self.centred(line, bold=True)
        self.pdf.ln(3)

    def heading(self, text: str):
        self.pdf.ln(1)
        self.font(11, bold=True)
        self.pdf.multi_cell(0, self.LINE, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def text(self, text: str, *, size: float = 11, bold: bool = False):
        self.font(size, bold)
        self.pdf.multi_cell(0, self.LINE, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def dots(self, reserve: float = 0) -> str:
        """Dots to the end of the line (less ``reserve`` mm): the blank to fill by hand."""
        room = self.pdf.w - self.pdf.r_margin - self.pdf.get_x() - reserve
        return "." * max(int(room / self.pdf.get_string_width(".")) - 2, 3)

    def field(self, label: str, value="", *parts):
        """``label`` then its value, or a dotted blank when the platform has none. ``parts``
        are more (label, value) pairs on the same line."""
        self.font(11)
        pairs = [(label, value), *zip(parts[::2], parts[1::2], strict=True)]
        for index, (name, content) in enumerate(pairs):
            self.pdf.write(self.LINE, f"{name} ")
            content = str(content or "").strip()
            if content:
                self.pdf.write(self.LINE, content + ("  " if index < len(pairs) - 1 else ""))
            else:
                share = (len(pairs) - index - 1) / (len(pairs) - index)
                room = self.pdf.w - self.pdf.r_margin - self.pdf.get_x()
                self.pdf.write(self.LINE, self.dots(reserve=room * share))
                if index < len(pairs) - 1:
                    self.pdf.write(self.LINE, " ")
        self.pdf.ln(self.LINE)

    def blank_lines(self, count: int = 2):
        self.font(11)
        for _ in range(count):
            self.pdf.cell(0, self.LINE, self.dots(), new_x="LMARGIN", new_y="NEXT")

    def signatures(self, *blocks: tuple[str, str, str], place_date: str = ""):
        """Signature blocks side by side, the last one on the right: (caption, how to sign,
        name printed under the space left for the signature). ``place_date`` heads the
        right-hand block."""
        self.pdf.ln(4)
        if self.pdf.get_y() > self.pdf.h - 70:
            self.pdf.add_page()
        top = self.pdf.get_y()
        column = self.width / 2
        bottom = top
        for index, (caption, how, name) in enumerate(blocks):
            x = self.pdf.l_margin + column * (index + 2 - len(blocks))
            self.pdf.set_y(top)
            if place_date and index == len(blocks) - 1:
                self.centred(place_date, size=10, width=column, x=x)
            elif place_date:
                self.pdf.ln(self.LINE)
            self.centred(caption, bold=True, width=column, x=x)
            self.centred(how, size=9, width=column, x=x)
            self.pdf.ln(22)
            self.centred(name or "", bold=True, width=column, x=x)
            bottom = max(bottom, self.pdf.get_y())
        self.pdf.set_y(bottom)


def place_and_date(place: str, day) -> str:
    """ "Tủa Chùa, ngày 01 tháng 6 năm 2026", with blanks for what is not known."""
    place = place or "........"
    if day is None:
        return f"{place}, ngày ..... tháng ..... năm ......"
    return f"{place}, ngày {day.day:02d} tháng {day.month} năm {day.year}"
