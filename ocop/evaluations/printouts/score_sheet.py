"""A council member's score sheet: the scoring set of Annex II ("Bộ tiêu chí đánh giá sản phẩm
OCOP (Kiêm phiếu đánh giá sản phẩm OCOP)") with the product's facts, every option of every
criterion with its box, the member's choices ticked and points written, the member's note and
the "Người đánh giá" signature. Without a sheet it is the blank sheet of the dossier's set."""

from ocop.core.numbers import points
from ocop.core.pdf import PaperForm, place_and_date, tick

from .common import criteria_table, local_day, producer_address, sample_warning, vietnamese

PRODUCT_CODE = "Mã số sản phẩm: (T) - (X) - (STT) - 20......"


def score_sheet_pdf(dossier, layout, parts, result, *, sheet=None, member=None) -> bytes:
    """``parts``/``result``: the answers of ``sheet`` (none for a blank sheet) on the layout
    and the engine's result; ``member``: the ``CouncilMember`` whose sheet it is."""
    with vietnamese():
        return _score_sheet(dossier, layout, parts, result, sheet, member)


def _score_sheet(dossier, layout, parts, result, sheet, member) -> bytes:
    producer = dossier.producer
    form = PaperForm(f"Phiếu đánh giá - {dossier.product_name}")
    form.text("Phụ lục II, Quyết định số 26/2026/QĐ-TTg", size=8)
    sample_warning(form, producer, dossier.product)
    form.title("BỘ TIÊU CHÍ ĐÁNH GIÁ SẢN PHẨM OCOP", "(Kiêm phiếu đánh giá sản phẩm OCOP)")
    form.centred(f"{layout.number}. {layout.heading_vi}", bold=True)
    if layout.category_vi:
        form.centred(f"({layout.category_vi})")
    form.pdf.ln(2)
    form.field("Tên sản phẩm:", dossier.product_name)
    code = dossier.product.code
    form.text(f"Mã số sản phẩm: {code}" if code else PRODUCT_CODE)
    form.field("Tên chủ thể sản xuất:", producer.name)
    form.field("Số điện thoại:", producer.phone)
    form.field("Địa chỉ:", producer_address(producer))
    if member is not None:
        council = member.council
        form.field("Hội đồng:", f"{council.name} ({council.round.name})")
        form.field("Người đánh giá:", f"{member.user} ({member.get_role_display()})")
    if layout.dossier_rejection_vi:
        form.text(layout.dossier_rejection_vi, size=9)
    criteria_table(form, parts, result.total if sheet else None, scored_label="Điểm chấm")
    if layout.star_note_vi:
        form.text(layout.star_note_vi, size=8)
    if sheet is not None:
        form.pdf.ln(1)
        form.text(
            f"Tổng điểm: {points(result.total)}/100; hạng: {'★' * result.star} "
            f"({result.star} sao). Trạng thái phiếu: {sheet.get_status_display()}",
            bold=True,
        )
        for rule in result.knockouts:
            form.text(f"{tick(True)} Hồ sơ bị loại: {rule.text_vi}")
        if sheet.stop_at:
            form.text(f"Dừng chấm tại tiêu chí {sheet.stop_at}")
    form.field("Ý kiến của người đánh giá:", sheet.note if sheet else "")
    if not (sheet and sheet.note):
        form.blank_lines(1)
    round_ = member.council.round if member else None
    place = round_.province.short_name if round_ and round_.province else ""
    form.signatures(
        ("Người đánh giá", "(Ký và ghi rõ họ tên)", str(member.user) if member else ""),
        place_date=place_and_date(place, local_day(sheet.submitted_at) if sheet else None),
    )
    return form.output()
