"""The certificate as a PDF (A4 landscape) and a printable A4 sheet of QR stamps for the
packaging, drawn with fpdf2 and the bundled DejaVu Sans (every Vietnamese glyph and ★).

Both are written in the site's language (Vietnamese), whatever the language of the person who
downloads them: they are documents of the programme, not pages of the site. Both carry the QR
code of the certificate's public verification address (``qr.verification_url``).
"""

import io

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.core import signing
from ocop.core.pdf import FONT, PaperForm, new_document, place_and_date

from ..models import Authority
from .qr import qr_png, verification_url

GREEN = (21, 101, 52)
GOLD = (191, 144, 0)
GREY = (90, 90, 90)
RED = (176, 0, 32)

# The stamps sheet: A4 portrait, 4 × 5 stamps of 47.5 × 55 mm inside 10 mm margins.
STAMP_COLUMNS = 4
STAMP_ROWS = 5
STAMP_MARGIN = 10
STAMP_QR_SIZE = 30


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _producer_place(producer) -> str:
    """Commune and province of the producer (names only, never the street address)."""
    parts = [unit.name for unit in (producer.commune, producer.province) if unit is not None]
    return ", ".join(parts)


def _issuing_body(decision) -> str:
    if decision.authority == Authority.MINISTER or decision.province is None:
        return _("MINISTRY OF AGRICULTURE AND ENVIRONMENT")
    return _("PEOPLE'S COMMITTEE OF %(province)s") % {"province": decision.province.name.upper()}


def certificate_pdf(certificate) -> bytes:
    """The certificate of one product (A4 landscape), signed (PAdES, ``core.signing``) with a
    reason that names it, which ``/v/<code>`` checks. ``certificate`` must come with its
    product, producer (with commune and province) and decision (with province) loaded."""
    with translation.override(settings.LANGUAGE_CODE):
        content = _certificate_pdf(certificate)
    province = certificate.decision.province
    return signing.sign(
        content, reason=signed_reason(certificate), location=province.name if province else ""
    )


def signed_reason(certificate) -> str:
    return f"OCOP certificate {certificate.number} ({certificate.public_code})"


def _certificate_pdf(certificate) -> bytes:
    product = certificate.product
    producer = product.producer
    decision = certificate.decision
    pdf = new_document("L")
    pdf.set_title(_("OCOP certificate %(number)s") % {"number": certificate.number})
    pdf.add_page()
    width = pdf.w - 40  # text width inside the frame

    # A double frame.
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)

    pdf.set_xy(20, 17)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(width, 6, _issuing_body(decision), align="C", new_x="LMARGIN", new_y="NEXT")
    if certificate.is_sample:
        pdf.set_x(20)
        pdf.set_text_color(*RED)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(
            width,
            6,
            _("SAMPLE DATA: not a real certificate"),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )

    pdf.set_xy(20, 32)
    pdf.set_text_color(*GREEN)
    pdf.set_font(FONT, "B", 26)
    pdf.cell(width, 14, _("OCOP PRODUCT CERTIFICATE"), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_x(20)
    pdf.set_text_color(*GREY)
    pdf.set_font(FONT, "", 11)
    pdf.cell(
        width, 8, _("This certifies that the product"), align="C", new_x="LMARGIN", new_y="NEXT"
    )

    pdf.set_x(20)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 22)
    pdf.multi_cell(width, 11, product.name, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_x(20)
    pdf.set_font(FONT, "", 12)
    pdf.multi_cell(
        width,
        7,
        _("of %(producer)s, %(place)s")
        % {"producer": producer.name, "place": _producer_place(producer)},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )

    pdf.set_x(20)
    pdf.set_text_color(*GOLD)
    pdf.set_font(FONT, "B", 34)
    pdf.cell(width, 17, certificate.star_mark, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.set_text_color(*GREEN)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(
        width,
        8,
        _("is recognised as a %(star)s-star OCOP product") % {"star": certificate.star},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )

    # The facts, on the left; the QR code on the right.
    facts = [
        (
            _("Decision"),
            _("%(number)s of %(date)s")
            % {"number": decision.number, "date": _day(decision.decided_on)},
        ),
        (_("Authority"), str(Authority(decision.authority).label)),
        (_("Signed by"), decision.signer_name),
        (_("Issued on"), _day(certificate.issued_on)),
        (_("Valid until"), _day(certificate.valid_until)),
        (_("Certificate number"), certificate.number),
    ]
    top = pdf.h - 72
    pdf.set_text_color(0, 0, 0)
    for index, (label, value) in enumerate(facts):
        pdf.set_xy(30, top + index * 7.5)
        pdf.set_font(FONT, "", 11)
        pdf.cell(48, 7, f"{label}:")
        pdf.set_font(FONT, "B", 11)
        pdf.cell(140, 7, value)

    url = verification_url(certificate)
    qr_size = 42
    qr_x, qr_y = pdf.w - 30 - qr_size, pdf.h - 20 - qr_size - 12
    pdf.image(qr_png(url), x=qr_x, y=qr_y, w=qr_size, h=qr_size)
    pdf.set_text_color(*GREY)
    pdf.set_font(FONT, "", 8)
    pdf.set_xy(qr_x - 20, qr_y + qr_size + 1)
    pdf.cell(qr_size + 40, 4, _("Scan to check this certificate"), align="C")
    pdf.set_xy(qr_x - 20, qr_y + qr_size + 5)
    pdf.cell(qr_size + 40, 4, url, align="C")
    return bytes(pdf.output())


def stamps_pdf(certificate) -> bytes:
    """An A4 sheet of QR stamps for the packaging: each with the QR code of the verification
    address, the star and the short code, with light cutting lines."""
    with translation.override(settings.LANGUAGE_CODE):
        return _stamps_pdf(certificate)


def _stamps_pdf(certificate) -> bytes:
    pdf = new_document("P")
    pdf.set_title(_("OCOP stamps %(number)s") % {"number": certificate.number})
    pdf.add_page()
    png = qr_png(verification_url(certificate)).getvalue()
    cell_w = (pdf.w - 2 * STAMP_MARGIN) / STAMP_COLUMNS
    cell_h = (pdf.h - 2 * STAMP_MARGIN) / STAMP_ROWS
    name = certificate.product.name
    if len(name) > 34:
        name = name[:33] + "…"
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.2)
    for row in range(STAMP_ROWS):
        for column in range(STAMP_COLUMNS):
            x = STAMP_MARGIN + column * cell_w
            y = STAMP_MARGIN + row * cell_h
            pdf.set_dash_pattern(dash=1, gap=1)
            pdf.rect(x, y, cell_w, cell_h)
            pdf.set_dash_pattern()
            pdf.image(
                io.BytesIO(png),
                x=x + (cell_w - STAMP_QR_SIZE) / 2,
                y=y + 3,
                w=STAMP_QR_SIZE,
                h=STAMP_QR_SIZE,
            )
            pdf.set_xy(x, y + STAMP_QR_SIZE + 4)
            pdf.set_text_color(*GOLD)
            pdf.set_font(FONT, "B", 12)
            pdf.cell(cell_w, 6, f"OCOP {certificate.star_mark}", align="C")
            pdf.set_xy(x, y + STAMP_QR_SIZE + 10)
            pdf.set_text_color(0, 0, 0)
            pdf.set_font(FONT, "B", 9)
            pdf.cell(cell_w, 4.5, certificate.public_code, align="C")
            pdf.set_xy(x, y + STAMP_QR_SIZE + 14.5)
            pdf.set_text_color(*GREY)
            pdf.set_font(FONT, "", 6.5)
            pdf.cell(cell_w, 4, name, align="C")
    return bytes(pdf.output())


def decision_pdf(decision, certificates) -> bytes:
    """The recognition decision as a document (A4, Vietnamese): its number, date and signer,
    and one line per certificate it issued. ``certificates`` are its certificates with their
    product and producer loaded, in the decision's order. Signed (PAdES) like a certificate."""
    with translation.override(settings.LANGUAGE_CODE):
        content = _decision_pdf(decision, certificates)
    return signing.sign(
        content,
        reason=f"OCOP recognition decision {decision.number} (#{decision.pk})",
        location=decision.province.name if decision.province else "",
    )


def _decision_pdf(decision, certificates) -> bytes:
    form = PaperForm(f"Quyết định {decision.number}")
    if decision.is_sample:
        form.centred("DỮ LIỆU MẪU: không phải quyết định thật", bold=True)
    form.motto(issuer=(_issuing_body(decision), f"Số: {decision.number}"))
    place = decision.province.name if decision.province else "Hà Nội"
    form.centred(place_and_date(place, decision.decided_on), size=10)
    form.title(
        "QUYẾT ĐỊNH",
        f"Về việc công nhận sản phẩm đạt chuẩn OCOP năm {decision.year}",
    )
    form.text(
        f"Điều 1. Công nhận {len(certificates)} sản phẩm đạt chuẩn OCOP, theo danh sách dưới "
        "đây. Mỗi sản phẩm được cấp giấy chứng nhận có số và thời hạn ghi bên cạnh."
    )
    for index, certificate in enumerate(certificates, start=1):
        product = certificate.product
        form.text(
            f"{index}. {product.name} — {product.producer.name} — "
            f"{certificate.star} sao — giấy chứng nhận số {certificate.number}, "
            f"có hiệu lực đến ngày {_day(certificate.valid_until)}."
        )
    form.text(
        "Điều 2. Mỗi giấy chứng nhận được tra cứu công khai bằng mã QR trên giấy chứng nhận "
        "và trên tem sản phẩm."
    )
    form.signatures(("NGƯỜI KÝ", "(Ký, ghi rõ họ tên, đóng dấu)", decision.signer_name))
    return form.output()
