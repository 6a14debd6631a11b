"""Mẫu số 01 of Annex III: "Phiếu đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP", filled
from the dossier's registration fields (the same ones the dossier page shows), with the part
for the receiving bodies (the commune, then the provincial OCOP office)."""

from ocop.core.pdf import PaperForm, place_and_date, tick

from ..models import Dossier
from .common import day, local_day, sample_warning, unit_name, vietnamese

DECLARATION = (
    "Cam đoan những thông tin trong Phiếu đăng ký là đúng sự thật, chúng tôi xin cam kết tuân "
    "thủ các quy định về đánh giá, phân hạng sản phẩm OCOP, chịu trách nhiệm trước Hội đồng và "
    "pháp luật về Hồ sơ đăng ký đánh giá, phân hạng sản phẩm."
)
RECEIVERS = (
    ("DÀNH CHO ỦY BAN NHÂN DÂN CẤP XÃ", "received_on"),
    ("DÀNH CHO CƠ QUAN QUẢN LÝ OCOP CẤP TỈNH", "province_received_at"),
)


def classification(product) -> str:
    """Sector, group and scoring set (Annex I), as item 3 of the form asks."""
    scoring_set = product.scoring_set
    group = scoring_set.group
    return (
        f"Ngành: {group.sector.name_vi}; Nhóm: {group.name_vi}; "
        f"Bộ sản phẩm: {scoring_set.number}. {scoring_set.name_vi}"
    )


def registration_pdf(dossier) -> bytes:
    """``dossier`` with its product's classification, producer, commune and province loaded."""
    with vietnamese():
        return _registration(dossier)


def _registration(dossier) -> bytes:
    form = PaperForm(f"Phiếu đăng ký - {dossier.product_name}")
    form.text("Mẫu số 01 - Phụ lục III, Quyết định số 26/2026/QĐ-TTg", size=8)
    sample_warning(form, dossier.producer, dossier.product)
    form.motto()
    submitted = local_day(dossier.submitted_at)
    year = submitted.year if submitted else None
    form.title(
        "PHIẾU ĐĂNG KÝ",
        "Tham gia đánh giá, phân hạng sản phẩm OCOP",
        f"của {unit_name(dossier.province)} năm {year or '..........'}",
    )
    form.heading("1. Thông tin về đơn vị đăng ký:")
    form.field("- Tên đơn vị:", dossier.applicant_name)
    form.field("- Họ tên người đại diện pháp lý:", dossier.representative_name)
    form.field("- Chức vụ:", dossier.representative_position)
    form.field("- Địa chỉ liên hệ:", dossier.contact_address)
    form.field("- Điện thoại:", dossier.phone, "Email:", dossier.email)
    form.field("2. Tên sản phẩm:", dossier.product_name)
    form.field(
        "3. Nhóm sản phẩm đăng ký (Ngành, Nhóm, Phân nhóm):", classification(dossier.product)
    )
    kind = dossier.kind
    form.text(
        f"4. Lần đăng ký đánh giá: Lần đầu {tick(kind == Dossier.Kind.FIRST_RATING)}   "
        f"Nâng hạng {tick(kind == Dossier.Kind.UPGRADE)}   "
        f"Đánh giá lại {tick(kind == Dossier.Kind.RE_RATING)}"
    )
    form.heading("5. Tài liệu kèm theo:")
    form.text(
        f"- Báo cáo đánh giá về sản phẩm theo Bộ tiêu chí (bản gốc, bản điện tử) "
        f"{tick(dossier.self_assessment_total is not None)}"
    )
    form.field("- Sản phẩm mẫu (số lượng):", str(dossier.sample_count))
    form.pdf.ln(2)
    form.text(DECLARATION)
    form.signatures(
        ("ĐẠI DIỆN", "(Ký, đóng dấu, ghi rõ họ tên)", dossier.representative_name),
        place_date=place_and_date(dossier.commune.short_name if dossier.commune else "", submitted),
    )
    form.pdf.ln(4)
    form.heading("PHẦN DÀNH CHO CƠ QUAN QUẢN LÝ")
    for caption, received in RECEIVERS:
        received_on = local_day(getattr(dossier, received))
        form.heading(caption)
        form.field("Phiếu số:", dossier.receipt_number if received_on else "")
        form.field("Ngày nhận:", day(received_on))
        form.field("Người tiếp nhận:", "", "Chữ ký:", "")
        form.signatures(("Cơ quan tiếp nhận", "(Ký, đóng dấu và ghi rõ họ tên)", ""))
    return form.output()
