"""Mẫu số 03 of Annex III: the commune's "Báo cáo đánh giá một số nội dung của hồ sơ đăng ký
tham gia đánh giá, phân hạng sản phẩm OCOP", from the review that forwarded the dossier: the
producer's facts (part I) and the four points with the commune's finding and note (part II),
ending with the commune's proposal to the province."""

from django.utils.text import capfirst

from ocop.core.pdf import PaperForm, place_and_date

from .common import (
    local_day,
    producer_address,
    representative,
    sample_warning,
    unit_name,
    vietnamese,
)

POINTS = (
    ("1. Về sử dụng nguyên liệu địa phương:", "local_raw_material"),
    ("2. Về sử dụng lao động địa phương:", "local_labour"),
    ("3. Nguồn gốc ý tưởng sản phẩm:", "local_idea"),
    ("4. Bản sắc/trí tuệ địa phương:", "local_identity"),
)


def review_pdf(review) -> bytes:
    """``review``: a forwarding ``CommuneReview`` with its dossier, producer and places."""
    with vietnamese():
        return _review(review)


def _review(review) -> bytes:
    dossier = review.dossier
    producer = dossier.producer
    commune = unit_name(dossier.commune)
    form = PaperForm(f"Báo cáo đánh giá của UBND cấp xã - {dossier.product_name}")
    form.text("Mẫu số 03 - Phụ lục III, Quyết định số 26/2026/QĐ-TTg", size=8)
    sample_warning(form, producer, dossier.product)
    form.motto(issuer=("ỦY BAN NHÂN DÂN", commune.upper()))
    form.title(
        "BÁO CÁO",
        "Đánh giá một số nội dung của hồ sơ đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP",
    )
    form.heading("I. THÔNG TIN CHUNG VỀ HỒ SƠ SẢN PHẨM")
    form.field("1. Tên chủ thể:", producer.name)
    form.field("2. Loại hình tổ chức:", producer.get_kind_display())
    form.field("3. Địa chỉ:", producer_address(producer))
    form.text("4. Tên người đại diện pháp luật:")
    representative(form, producer)
    form.field("5. Sản phẩm đăng ký đánh giá:", dossier.product_name)
    form.heading("II. ĐÁNH GIÁ MỘT SỐ NỘI DUNG CỦA HỒ SƠ SẢN PHẨM")
    for label, name in POINTS:
        finding = getattr(review, f"get_{name}_display")()
        note = getattr(review, f"{name}_note")
        form.heading(label)
        form.text(f"Đánh giá: {capfirst(finding)}." + (f" {note}" if note else ""))
    form.pdf.ln(2)
    form.text(
        f"Ủy ban nhân dân {commune} đề nghị Ủy ban nhân dân {unit_name(dossier.province)} "
        f"đánh giá, phân hạng sản phẩm OCOP cho sản phẩm {dossier.product_name} "
        f"của {producer.name}."
    )
    place = dossier.commune.short_name if dossier.commune else ""
    form.signatures(
        (f"T.M ỦY BAN NHÂN DÂN\n{commune.upper()}", "(Ký tên và đóng dấu)", ""),
        place_date=place_and_date(place, local_day(review.reviewed_at)),
    )
    return form.output()
