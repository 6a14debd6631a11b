"""Mẫu số 02 of Annex III: "Báo cáo tự đánh giá về sản phẩm". Part I from the producer's
record and the documents attached to the dossier; part II from the production facts of the
registration; part III is the self-assessment frozen at submission, on the scoring set of
Annex II; part IV, and whatever the platform does not hold, is left to fill by hand."""

from ocop.core.numbers import points
from ocop.core.pdf import PaperForm, place_and_date, tick
from ocop.producers.choices import DocumentKind

from .common import (
    criteria_table,
    day,
    local_day,
    producer_address,
    representative,
    sample_warning,
    vietnamese,
)

# Part I, item 7: the boxes the attached documents tick (others stay empty, to tick by hand).
DOCUMENT_BOXES = (
    ("a) Giấy đăng ký kinh doanh:", DocumentKind.BUSINESS_REGISTRATION),
    ("b) Đã công bố chất lượng sản phẩm theo quy định:", DocumentKind.QUALITY_DECLARATION),
    (
        "c) Giấy chứng nhận cơ sở đủ điều kiện vệ sinh an toàn thực phẩm theo quy định của pháp "
        "luật cho sản xuất sản phẩm:",
        DocumentKind.FOOD_SAFETY,
    ),
    ("d) Giấy chứng nhận đăng ký nhãn hiệu:", DocumentKind.TRADEMARK),
)


def self_assessment_pdf(dossier, parts, result, document_kinds) -> bytes:
    """``parts``/``result``: the frozen answers on the sheet's layout and the engine's result;
    ``document_kinds``: the kinds of the documents attached to the dossier."""
    with vietnamese():
        return _self_assessment(dossier, parts, result, set(document_kinds))


def _self_assessment(dossier, parts, result, kinds) -> bytes:
    producer = dossier.producer
    form = PaperForm(f"Báo cáo tự đánh giá - {dossier.product_name}")
    form.text("Mẫu số 02 - Phụ lục III, Quyết định số 26/2026/QĐ-TTg", size=8)
    sample_warning(form, producer, dossier.product)
    form.title("BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM", "(Dành cho chủ thể có sản phẩm đăng ký)")
    form.title("Phần I", "THÔNG TIN CHUNG")
    form.field("1. Tên chủ thể:", producer.name)
    form.field("2. Loại hình tổ chức:", producer.get_kind_display())
    form.field("3. Địa chỉ:", producer_address(producer))
    form.field("4. Điện thoại:", producer.phone, "Email:", producer.email)
    form.text("5. Tên người đại diện pháp luật:")
    representative(form, producer)
    form.field(
        "6. Ngày thành lập/đăng ký kinh doanh:",
        day(producer.founded_on),
        "Số giấy đăng ký (nếu có):",
        producer.registration_number,
    )
    product = dossier.product
    facts = [dossier.product_name, product.packaging, product.standards, product.description]
    form.field(
        "7. Tên sản phẩm/dịch vụ, mô tả về quy cách sản phẩm, tiêu chuẩn:",
        "; ".join(fact for fact in facts if fact),
    )
    form.text("Đánh dấu (√) vào mục tương ứng:")
    for label, kind in DOCUMENT_BOXES:
        form.text(f"{label} {tick(kind in kinds)}")
    form.field("8. Lịch sử hình thành của chủ thể (nêu các giai đoạn hình thành và phát triển):")
    form.blank_lines(2)
    form.field("9. Cơ cấu tổ chức của chủ thể:")
    form.blank_lines(1)

    form.title("Phần II", "KẾT QUẢ THỰC HIỆN PHƯƠNG ÁN SẢN XUẤT KINH DOANH")
    form.field("- Cơ sở sản xuất:", dossier.production_address)
    form.field("- Năng lực sản xuất:", dossier.production_capacity)
    form.field("- Thị trường phân phối sản phẩm:", dossier.markets)
    form.field("- Kết quả sản xuất, kinh doanh (doanh thu, lợi nhuận):")
    form.blank_lines(1)

    form.title("Phần III", "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN THEO BỘ TIÊU CHÍ SẢN PHẨM OCOP")
    form.text(f"Bộ sản phẩm số {dossier.sheet_number} ({dossier.rubric_version.code})")
    criteria_table(form, parts, result.total, scored_label="Điểm tự đánh giá")
    stars = dossier.self_assessment_star or 0
    form.pdf.ln(2)
    form.text(
        f"Tổng điểm tự đánh giá: {points(dossier.self_assessment_total)}/100 điểm; "
        f"hạng tự đánh giá: {'★' * stars} ({stars} sao)",
        bold=True,
    )
    form.title("Phần IV", "KẾ HOẠCH SẢN XUẤT, KINH DOANH")
    form.blank_lines(3)
    form.signatures(
        (
            "ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ",
            "(Ký, họ tên, đóng dấu)",
            producer.representative_name,
        ),
        place_date=place_and_date(
            dossier.commune.short_name if dossier.commune else "", local_day(dossier.submitted_at)
        ),
    )
    return form.output()
