"""The one place where the data departs from the decision's HTML: each departure (a
transcription glitch, or a sum that cannot hold otherwise) with what the HTML says, what we
use and why. Every run checks the HTML still says it, so a corrected source is noticed instead
of silently fixed twice; the list is rendered in ``docs/rubric.md`` and in ``version.json``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from .document import ConversionError
from .sheets import PartData, find_node


@dataclass(frozen=True)
class Correction:
    """One departure from the HTML, checked against the source on every run.

    ``target`` says what is corrected: ``"max_points"`` of the criterion ``code``,
    ``"option_points"`` / ``"option_text"`` / ``"option_star"`` of option ``option``,
    ``"code"`` (a printed code; ``code`` is then the code we use), ``"part_title"``,
    ``"duplicate_note"`` (a sheet-level note printed twice) or ``"note_to_criterion"``
    (a note printed inside an option's cell that belongs to the criterion).
    """

    sheet: int
    code: str
    target: str
    html: str
    used: str
    reason: str
    option: int | None = None


_DOSSIER_NOTE_1 = (
    "Hồ sơ bị loại khi: Giả mạo hồ sơ hoặc không tuân thủ đầy đủ các quy định về giấy chứng "
    "nhận cơ sở đủ điều kiện an toàn thực phẩm theo quy định; hoặc không đáp ứng về hồ sơ đăng "
    "ký theo quy định"
)


_IP_NOTE = "Ghi chú: Nếu sản phẩm vi phạm sở hữu trí tuệ, sẽ bị loại bỏ"


_NO_CERTIFICATE_REASON = (
    "The points cell of 'Không được cấp giấy chứng nhận chất lượng' is empty; the same option "
    "is printed with 0 in sheets 1, 3, 6, 8, 12, 13 and 18, and the other options (1, 2) "
    "leave 0 as the only value below them."
)


CORRECTIONS: list[Correction] = [
    Correction(
        sheet=1,
        code="",
        target="duplicate_note",
        html=_DOSSIER_NOTE_1,
        used="(printed once)",
        reason="The dossier-rejection note is printed twice in a row above the table; it is "
        "one rule, kept once.",
    ),
    Correction(
        sheet=4,
        code="1.2",
        option=1,
        target="option_points",
        html="",
        used="0",
        reason=_NO_CERTIFICATE_REASON,
    ),
    Correction(
        sheet=4,
        code="7",
        option=3,
        target="option_points",
        html="13",
        used="3",
        reason="Criterion 7 (Dinh dưỡng) is worth 3 points and part C only adds up to 35 with "
        "3; the same option is worth 3 in sheets 1 and 3. A stray '1' was typed before the 3.",
    ),
    Correction(
        sheet=7,
        code="1.2",
        option=1,
        target="option_points",
        html="",
        used="0",
        reason=_NO_CERTIFICATE_REASON,
    ),
    Correction(
        sheet=7,
        code="1.5",
        target="heading_format",
        html="<i>1.5. Liên kết chuỗi trong sản xuất</i>",
        used="criterion heading 1.5 (3 points)",
        reason="The heading is printed in italics like a note instead of bold; it has its code, "
        "its 3 points and its options, and group 1 adds up to 18 only with it.",
    ),
    Correction(
        sheet=7,
        code="3.1",
        option=2,
        target="option_points",
        html="1",
        used="2",
        reason="'Công ty TNHH; hoặc doanh nghiệp tư nhân; ...' scores 2 in the 25 other sheets "
        "with this same criterion; with 1 it would score like a household business and the "
        "1-2-3 scale of the criterion would have a hole.",
    ),
    Correction(
        sheet=7,
        code="7",
        target="option_bullet",
        html="o Rất độc đáo và có tính đặc trưng*****",
        used="option 4 'Rất độc đáo và có tính đặc trưng' (5 points, 5★ minimum)",
        reason="The tick box '□' of the last option was printed as the letter 'o' (symbol font "
        "lost); without this option criterion 7 would top at 3 of its 5 points.",
    ),
    Correction(
        sheet=10,
        code="1.2",
        option=1,
        target="option_points",
        html="",
        used="0",
        reason=_NO_CERTIFICATE_REASON,
    ),
    Correction(
        sheet=11,
        code="1.2",
        option=1,
        target="option_points",
        html="",
        used="0",
        reason=_NO_CERTIFICATE_REASON,
    ),
    Correction(
        sheet=11,
        code="6.1.1",
        option=2,
        target="option_points",
        html="11",
        used="1",
        reason="Criterion 6.1.1 (Tạp chất) is worth 2; its options read 0, 11, 2. 'Có rất ít tạp "
        "chất, chấp nhận được' lies between 0 and 2, and scores 1 in the other tea sheet (12).",
    ),
    Correction(
        sheet=21,
        code="6.2",
        option=3,
        target="note_to_criterion",
        html=_IP_NOTE,
        used=_IP_NOTE,
        reason="The knock-out note on intellectual property is printed inside the cell of the "
        "5-point option; it applies to the criterion (and the product), not to that option.",
    ),
    Correction(
        sheet=22,
        code="6.2",
        option=3,
        target="note_to_criterion",
        html=_IP_NOTE,
        used=_IP_NOTE,
        reason="As in sheet 21: the intellectual-property knock-out note is printed inside the "
        "cell of the 5-point option.",
    ),
    Correction(
        sheet=23,
        code="9",
        target="max_points",
        html="4 1",
        used="4",
        reason="The points cell of criterion 9 holds two paragraphs, '4' and '1'. Its best "
        "option is worth 4 and part C adds up to 35 only with 4.",
    ),
    Correction(
        sheet=26,
        code="A",
        target="part_title",
        html="35",
        used="40",
        reason="Part A's title says '(35 Điểm)' while its points column and its groups add up "
        "to 40, and Article 3(1)(a) fixes part A at 40 points.",
    ),
]


def apply_corrections(
    number: int, parts: list[PartData], preamble: list[str], corrections: list[Correction]
) -> list[str]:
    """Apply this sheet's corrections in place; fail if the HTML no longer says what we fix."""
    for fix in (c for c in corrections if c.sheet == number):

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
            f"{number}. **{where}** ({fix.target}). The HTML says: “{fix.html or '(empty)'}”. "
            f"We use: “{fix.used}”. Why: {fix.reason}"
        )
        blocks.append(textwrap.fill(text, width=100, subsequent_indent="   "))
    return "\n".join(blocks) + "\n"
