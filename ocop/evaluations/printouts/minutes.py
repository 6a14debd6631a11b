"""The council's minutes of one dossier's result. The decision has no template for them: the
council "tổ chức họp ..., báo cáo kết quả đánh giá, phân hạng" (art. 7(3)(d)), or decides a
re-rating on written opinions (art. 7(6)(d)-(e)). They are laid out as the annexes' documents
are (issuing body and national motto, title, body, signatures) and hold what the result shows
on the dossier's page: no member's name beside a total, before or after closing."""

from django.utils.text import capfirst

from ocop.core.numbers import points
from ocop.core.pdf import PaperForm, place_and_date
from ocop.rubric.engine import STAR_LEVELS

from ..models import CouncilResult, Round
from .common import day, local_day, sample_warning, unit_name, vietnamese


def minutes_pdf(result) -> bytes:
    """``result``: a ``CouncilResult`` with its dossier (product, producer), council, round
    (province) and the chair who closed it loaded."""
    with vietnamese():
        return _minutes(result)


def _council_body(round_) -> str:
    if round_.level == Round.Level.CENTRAL or round_.province is None:
        return "CẤP TRUNG ƯƠNG"
    return unit_name(round_.province).upper()


def _minutes(result) -> bytes:
    dossier, council = result.dossier, result.council
    round_ = council.round
    form = PaperForm(f"Biên bản kết quả đánh giá - {dossier.product_name}")
    sample_warning(form, dossier.producer, dossier.product)
    form.motto(issuer=("HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG", f"SẢN PHẨM OCOP {_council_body(round_)}"))
    written = result.method == CouncilResult.Method.WRITTEN
    form.title(
        "BIÊN BẢN",
        "Tổng hợp ý kiến bằng văn bản" if written else "Họp Hội đồng",
        "về kết quả đánh giá, phân hạng sản phẩm OCOP",
    )
    closed = local_day(result.closed_at)
    form.field("Hội đồng:", council.name)
    form.field("Quyết định thành lập:", council.establishing_decision)
    form.field("Đợt đánh giá:", round_.name)
    form.field("Hình thức:", capfirst(result.get_method_display()))
    form.field("Ngày kết thúc chấm điểm:", day(closed))
    form.heading("I. SẢN PHẨM ĐÁNH GIÁ")
    form.field("- Tên sản phẩm:", dossier.product_name)
    form.field("- Chủ thể OCOP:", dossier.producer.name)
    form.field("- Số phiếu đăng ký:", dossier.receipt_number)
    form.field("- Bộ sản phẩm:", f"số {result.sheet_number} ({result.rubric_version.code})")
    form.heading("II. KẾT QUẢ CHẤM ĐIỂM")
    form.text(
        f"Số phiếu hợp lệ: {result.members_counted}/{result.scoring_members} thành viên chấm "
        f"điểm (tỷ lệ tối thiểu {result.quorum_percent}%)."
    )
    totals = "; ".join(
        f"phiếu {index}: {points(total)}"
        for index, total in enumerate(result.member_totals, start=1)
    )
    form.text(f"Điểm của các phiếu (từ cao đến thấp): {totals}.")
    form.text(
        f"Chênh lệch cao nhất - thấp nhất: {points(result.spread)} điểm "
        f"(giới hạn {points(result.spread_limit)} điểm)"
        + (
            "; vượt giới hạn, Hội đồng đã thảo luận và xác nhận."
            if result.is_spread_exceeded
            else "."
        )
    )
    parts = "; ".join(f"Phần {code}: {points(value)}" for code, value in result.parts.items())
    form.text(f"Điểm trung bình theo phần: {parts}.")
    form.text(f"Tổng điểm trung bình: {points(result.mean_total)}/100 điểm.", bold=True)
    for star in STAR_LEVELS:
        codes = (result.unmet_minimums or {}).get(str(star))
        if codes:
            form.text(f"Chưa đạt yêu cầu tối thiểu hạng {star} sao: {', '.join(codes)}.")
    explanation = result.explanation or {}
    for rule in explanation.get("knockouts", []):
        form.text(f"Hồ sơ bị loại: {rule.get('text_vi', '')}")
    if result.stopped_at:
        form.text(
            f"Dừng chấm tại tiêu chí {result.stopped_at}. {explanation.get('stop_note_vi') or ''}"
        )
    form.heading("III. KẾT LUẬN")
    outcome = capfirst(result.get_outcome_display())
    form.text(f"Hạng sao: {result.star_mark} ({result.star} sao). {outcome}.", bold=True)
    form.field("Ý kiến của Chủ tịch Hội đồng:", result.comment)
    form.text(f"Quy tắc áp dụng: {result.rule_note}", size=9)
    place = round_.province.short_name if round_.province else ""
    form.signatures(
        ("THƯ KÝ HỘI ĐỒNG", "(Ký và ghi rõ họ tên)", ""),
        ("CHỦ TỊCH HỘI ĐỒNG", "(Ký và ghi rõ họ tên)", str(result.closed_by)),
        place_date=place_and_date(place, closed),
    )
    return form.output()
