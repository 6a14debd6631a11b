"""What the forms share: Vietnamese wording of places and dates, the sample-data warning, and
the table of a scoring sheet with its options ticked and its points (Annex II)."""

from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone, translation
from fpdf.fonts import FontFace

from ocop.core.numbers import points
from ocop.core.pdf import FONT, PaperForm, tick

RED = (176, 0, 32)
BOLD = FontFace(family=FONT, emphasis="BOLD")
SMALL = FontFace(family=FONT, size_pt=8)


@contextmanager
def vietnamese():
    """Forms are written in the site's language (Vietnamese), whoever downloads them: choice
    labels read in Vietnamese and points take a decimal comma (65,40)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def unit_name(unit) -> str:
    """ "xã Mường Ảng", "tỉnh Điện Biên": the unit as a sentence names it."""
    if unit is None:
        return "........"
    return f"{unit.division_type} {unit.short_name}".strip()


def local_day(moment):
    """The day in Asia/Ho_Chi_Minh of a datetime (a date passes through)."""
    if moment is None or not hasattr(moment, "hour"):
        return moment
    return timezone.localtime(moment).date()


def day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def producer_address(producer) -> str:
    parts = [producer.address, unit_name(producer.commune), unit_name(producer.province)]
    return ", ".join(part for part in parts if part and part != "........")


def representative(form: PaperForm, producer):
    """The legal representative's lines of Mẫu 02 and 03 (the permanent address, which the
    platform does not hold, left to fill by hand)."""
    form.field("- Họ tên:", producer.representative_name)
    form.field(
        "- Giới tính:",
        producer.get_representative_sex_display(),
        "(Nam/nữ); Dân tộc:",
        producer.representative_ethnicity,
    )
    form.field("- Địa chỉ thường trú:", "")


def sample_warning(form: PaperForm, *records):
    """Demo records print a warning, as the certificate does: never mistaken for a real form."""
    if any(getattr(record, "is_sample", False) for record in records):
        form.pdf.set_text_color(*RED)
        form.centred("DỮ LIỆU MẪU: không phải hồ sơ thật", size=9, bold=True)
        form.pdf.set_text_color(0, 0, 0)


def criteria_table(form: PaperForm, parts, total, *, scored_label: str):
    """The sheet as Annex II prints it ("Các tiêu chí | Thang điểm"), each option with its box
    (☒ the one chosen) and, in a third column, the points scored. ``parts`` are
    ``rubric.layout.PartState`` rows (layout, answers and the engine's result joined); without
    a ``total`` the sheet is blank, its third column left to fill by hand."""
    pdf = form.pdf
    scored = points if total is not None else (lambda value: "")
    form.font(9)
    with pdf.table(
        col_widths=(128, 18, 24),
        text_align=("LEFT", "CENTER", "CENTER"),
        line_height=4.6,
        headings_style=BOLD,
    ) as table:
        table.row(("Các tiêu chí", "Thang điểm", scored_label))
        for part in parts:
            layout = part.part
            table.row(
                (
                    f"Phần {layout.code}: {layout.title_vi} ({layout.max_points} điểm)",
                    str(layout.max_points),
                    scored(part.points),
                ),
                style=BOLD,
            )
            for state in part.rows:
                _criterion_rows(table, state, scored)
        maximum = sum(part.part.max_points for part in parts)
        table.row(("TỔNG CỘNG", str(maximum), scored(total)), style=BOLD)


def _criterion_rows(table, state, scored):
    row = state.row
    indent = "   " * row.depth
    title = f"{indent}{row.code}. {row.title_vi}"
    if row.is_heading:
        table.row((title, str(row.max_points), scored(state.points)), style=BOLD)
        return
    if state.is_not_applicable:
        value = "không áp dụng"
    elif state.is_answered:
        value = scored(state.points)
    else:
        value = ""
    table.row((title, str(row.max_points), value), style=BOLD)
    for note in (row.condition_vi, *row.notes_vi):
        if note:
            table.row((f"{indent}   {note}", "", ""), style=SMALL)
    chosen = state.chosen_option
    for case in row.cases:
        if case.label_vi:
            table.row((f"{indent}   {case.label_vi}", "", ""))
        for option in case.options:
            mark = f" {option.star_mark}" if option.star_mark else ""
            text = f"{indent}   {tick(option == chosen)} {option.text_vi}{mark}"
            table.row((text, str(option.points), ""))
