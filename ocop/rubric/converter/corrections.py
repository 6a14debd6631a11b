"""The one place where the data departs from the decision's HTML: each departure with what the
HTML says, what we use, why, and its basis. A printed value is changed only where the sheet's
own arithmetic rules it out (a sum or a maximum that cannot hold otherwise); a blank points
cell is read as no points; the other entries are slips of layout that change no value.
Everything else follows the print. Every run checks the HTML still says what is corrected, so
a corrected source is noticed instead of silently fixed twice; the list is rendered in
``docs/rubric.md`` and in ``version.json``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from .document import ConversionError
from .sheets import PartData, find_node

# Why a correction may exist at all. Anything else follows the print.
ARITHMETIC = "arithmetic"  # the printed value cannot hold with the sheet's printed sums/maxima
FORMATTING = "formatting"  # a slip of layout or typography; every printed value is kept
BLANK = "blank cell"  # a points cell printed empty: the option is given no points, i.e. 0


BASES = (ARITHMETIC, FORMATTING, BLANK)


@dataclass(frozen=True)
class Correction:
    """One departure from the HTML, checked against the source on every run.

    ``target`` says what is corrected: ``"max_points"`` of the criterion ``code``,
    ``"option_points"`` of option ``option``, the points in a part's title
    (``"part_title"``), a sheet-level note printed twice (``"duplicate_note"``), a note printed
    inside an option's cell that belongs to the criterion (``"note_to_criterion"``), or a
    criterion heading or tick box printed in the wrong typeface (``"heading_format"``,
    ``"option_bullet"``). ``basis`` is one of :data:`BASES`; :func:`check_basis` refuses a
    correction whose basis does not allow what it changes.
    """

    sheet: int
    code: str
    target: str
    html: str
    used: str
    reason: str
    basis: str
    option: int | None = None


_DOSSIER_NOTE_1 = (
    "Hồ sơ bị loại khi: Giả mạo hồ sơ hoặc không tuân thủ đầy đủ các quy định về giấy chứng "
    "nhận cơ sở đủ điều kiện an toàn thực phẩm theo quy định; hoặc không đáp ứng về hồ sơ đăng "
    "ký theo quy định"
)


_IP_NOTE = "Ghi chú: Nếu sản phẩm vi phạm sở hữu trí tuệ, sẽ bị loại bỏ"


_NO_CERTIFICATE_REASON = (
    "The points cell of option 1, 'Không được cấp giấy chứng nhận chất lượng', is printed "
    "empty: the decision gives that option no points, which the data records as 0 (an option "
    "needs a number). No sum depends on it: 1.2's 2 points are those of option 3."
)


CORRECTIONS: list[Correction] = [
    Correction(
        sheet=1,
        code="",
        target="duplicate_note",
        basis=FORMATTING,
        html=_DOSSIER_NOTE_1,
        used="(printed once)",
        reason="The dossier-rejection note is printed twice in a row above the table, word for "
        "word; it is one rule, kept once. No value changes.",
    ),
    Correction(
        sheet=4,
        code="1.2",
        option=1,
        target="option_points",
        basis=BLANK,
        html="",
        used="0",
        reason=_NO_CERTIFICATE_REASON,
    ),
    Correction(
        sheet=4,
        code="7",
        option=3,
        target="option_points",
        basis=ARITHMETIC,
        html="13",
        used="3",
        reason="Criterion 7 (Dinh dưỡng) is printed as worth 3 points, and part C adds up to "
        "its 35 only with 3. Its other options are printed with 0 and 1, so its 3 points can "
        "only be those of option 3, which must then be 3: 13 would exceed the criterion, part C "
        "and the 100 points of Article 3(3). The printed '13' is a 3 with a stray 1.",
    ),
    Correction(
        sheet=7,
        code="1.2",
        option=1,
        target="option_points",
        basis=BLANK,
        html="",
        used="0",
        reason=_NO_CERTIFICATE_REASON,
    ),
    Correction(
        sheet=7,
        code="1.5",
        target="heading_format",
        basis=FORMATTING,
        html="<i>1.5. Liên kết chuỗi trong sản xuất</i>",
        used="criterion heading 1.5 (3 points)",
        reason="The heading is printed in italics like a note instead of bold. It is printed "
        "with its code, its 3 points and its options like any criterion, and group 1 adds up "
        "to its printed 18 only with it. No value changes.",
    ),
    Correction(
        sheet=7,
        code="7",
        target="option_bullet",
        basis=FORMATTING,
        html="o Rất độc đáo và có tính đặc trưng*****",
        used="option 4 'Rất độc đáo và có tính đặc trưng' (5 points, 5★ minimum)",
        reason="The tick box '□' of the last option is printed as the letter 'o' (its symbol "
        "font lost). Its text, its 5 points and its ***** mark are kept as printed; criterion "
        "7 is printed as worth 5, which only this option gives.",
    ),
    Correction(
        sheet=10,
        code="1.2",
        option=1,
        target="option_points",
        basis=BLANK,
        html="",
        used="0",
        reason=_NO_CERTIFICATE_REASON,
    ),
    Correction(
        sheet=11,
        code="1.2",
        option=1,
        target="option_points",
        basis=BLANK,
        html="",
        used="0",
        reason=_NO_CERTIFICATE_REASON,
    ),
    Correction(
        sheet=11,
        code="6.1.1",
        option=2,
        target="option_points",
        basis=ARITHMETIC,
        html="11",
        used="1",
        reason="Criterion 6.1.1 (Tạp chất) is printed as worth 2, and group 6.1 (4), group 6 "
        "(15) and part C (35) add up only with 2, so no option may give 11. Option 3 (2 "
        "points) carries the **** mark, which only means something if option 2 scores less "
        "than 2. That leaves 0 or 1; we keep the printed digit, 1 (typed twice).",
    ),
    Correction(
        sheet=21,
        code="6.2",
        option=3,
        target="note_to_criterion",
        basis=FORMATTING,
        html=_IP_NOTE,
        used=_IP_NOTE,
        reason="The knock-out note on intellectual property is printed inside the cell of the "
        "5-point option. Its words are about the product ('Nếu sản phẩm vi phạm'), not that "
        "option, so it is the criterion's knock-out note, word for word. No value changes.",
    ),
    Correction(
        sheet=22,
        code="6.2",
        option=3,
        target="note_to_criterion",
        basis=FORMATTING,
        html=_IP_NOTE,
        used=_IP_NOTE,
        reason="As in sheet 21: the intellectual-property knock-out note is printed inside the "
        "cell of the 5-point option. No value changes.",
    ),
    Correction(
        sheet=23,
        code="9",
        target="max_points",
        basis=ARITHMETIC,
        html="4 1",
        used="4",
        reason="The points cell of criterion 9 holds two paragraphs, '4' and '1'. Its options "
        "are printed with 2 and 4, so its maximum is 4, and part C adds up to its 35 only with "
        "4 (6: 14, 7: 8, 8: 4, 9: 4, 10: 5).",
    ),
    Correction(
        sheet=26,
        code="A",
        target="part_title",
        basis=ARITHMETIC,
        html="35",
        used="40",
        reason="Part A's title says '(35 Điểm)' while its points column says 40 and its groups "
        "(14, 12, 14) add up to 40; Article 3(1)(a) fixes part A at 40 and the parts add up to "
        "100 only with 40. The data holds no 35: a part's title is kept without its points.",
    ),
]


# What each basis may correct: only the arithmetic changes a printed number; a blank cell
# only becomes 0; layout slips move or keep text and change no value.
_TARGETS = {
    ARITHMETIC: {"option_points", "max_points", "part_title"},
    BLANK: {"option_points"},
    FORMATTING: {"duplicate_note", "note_to_criterion", "heading_format", "option_bullet"},
}


def check_basis(fix: Correction) -> None:
    """Refuse a correction that its basis does not allow (e.g. new points called formatting)."""
    if fix.basis not in _TARGETS:
        raise ConversionError(f"correction {fix}: unknown basis {fix.basis!r}")
    if fix.target not in _TARGETS[fix.basis]:
        raise ConversionError(
            f"correction {fix}: a {fix.basis} correction cannot change {fix.target}"
        )
    if fix.basis == BLANK and (fix.html, fix.used) != ("", "0"):
        raise ConversionError(f"correction {fix}: only an empty cell is read as 0")
    if fix.target == "note_to_criterion" and fix.used != fix.html:
        raise ConversionError(f"correction {fix}: a moved note keeps its printed words")


def apply_corrections(
    number: int, parts: list[PartData], preamble: list[str], corrections: list[Correction]
) -> list[str]:
    """Apply this sheet's corrections in place; fail if the HTML no longer says what we fix."""
    for fix in (c for c in corrections if c.sheet == number):
        check_basis(fix)

        def mismatch(actual: object, fix: Correction = fix) -> ConversionError:
            return ConversionError(
                f"correction sheet {fix.sheet} {fix.code} {fix.target}: HTML says {actual!r}, "
                f"expected {fix.html!r}"
            )

        if fix.target == "duplicate_note":
            if preamble.count(fix.html) < 2:
                raise mismatch(preamble)
            index = len(preamble) - 1 - preamble[::-1].index(fix.html)
            del preamble[index]
        elif fix.target == "part_title":
            part = next(p for p in parts if p.code == fix.code)
            if str(part.label_points) != fix.html:
                raise mismatch(part.label_points)
            part.label_points = int(fix.used)
        elif fix.target == "max_points":
            node = find_node(parts, fix.code)
            if node.points_text != fix.html:
                raise mismatch(node.points_text)
            node.points_text = fix.used
        elif fix.target == "option_points":
            option = find_node(parts, fix.code).options[_option_index(fix)]
            if option.points_text != fix.html:
                raise mismatch(option.points_text)
            option.points, option.points_text = int(fix.used), fix.used
        elif fix.target in ("option_bullet", "heading_format"):
            continue  # tolerated while parsing; checked against the parser's events
        elif fix.target == "note_to_criterion":
            node = find_node(parts, fix.code)
            moved = [text for at, text in node.option_notes if at == fix.option]
            if moved != [fix.html]:
                raise mismatch(moved)
            node.option_notes = [(at, t) for at, t in node.option_notes if at != fix.option]
            node.notes.append(fix.used)
        else:
            raise ConversionError(f"unknown correction target {fix.target!r}")
    return preamble


def _option_index(fix: Correction) -> int:
    if fix.option is None:
        raise ConversionError(f"correction {fix} needs an option number")
    return fix.option - 1


def correction_dict(fix: Correction) -> dict[str, Any]:
    return {
        "sheet": fix.sheet,
        "code": fix.code,
        "target": fix.target,
        "option": fix.option,
        "basis": fix.basis,
        "html": fix.html,
        "used": fix.used,
        "reason": fix.reason,
    }


def corrections_markdown(corrections: list[Correction] | None = None) -> str:
    """The correction list as the Markdown kept in ``docs/rubric.md`` (lines <= 100)."""
    corrections = CORRECTIONS if corrections is None else corrections
    blocks = []
    for number, fix in enumerate(corrections, start=1):
        where = f"sheet {fix.sheet}" + (f", {fix.code}" if fix.code else "")
        if fix.option:
            where += f", option {fix.option}"
        text = (
            f"{number}. **{where}** ({fix.target}; {fix.basis}). "
            f"The HTML says: “{fix.html or '(empty)'}”. "
            f"We use: “{fix.used}”. Why: {fix.reason}"
        )
        blocks.append(textwrap.fill(text, width=100, subsequent_indent="   "))
    return "\n".join(blocks) + "\n"
