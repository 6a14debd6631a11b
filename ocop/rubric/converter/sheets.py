"""The 26 scoring sheets of Annex II as printed: each sheet's heading, preamble and footer, and
its rows parsed into parts, criteria (with their codes, points, notes and alternative cases)
and options (with their points and star marks). Nothing is interpreted yet: ``build.py``
turns the parsed rows into the data files, after ``corrections.py`` has applied the listed
departures from the print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import Block, ConversionError, Paragraph, Table, TableRow, cell_text, find_anchor

_CODE_RE = re.compile(r"^(\d+(?:\s*\.\s*\d+)*)\s*\.?\s+(\S.*)$")


_PART_RE = re.compile(r"^ph[ầa]n\s+([ABC])\s*:?\s*(.*)$", re.IGNORECASE)


_CASE_RE = re.compile(r"^([a-z])\s*\.\s*(Trường hợp\s+\d+)\s*:\s*(.*)$")


# A star mark ends the option's text: three to five asterisks, printed unbroken ("****"), with
# spaces between them ("* * * *", sheet 3, 5.1) or in brackets. ``marks.py`` counts them in
# the HTML without this parser, and the conversion fails when the two counts differ.
_STARS_RE = re.compile(r"\s*\(?\s*(\*(?:\s*\*){2,4})\s*\)?\s*$")


_MARK_ONLY_RE = re.compile(r"^[\s()*]*\*[\s()*]*$")


_POINTS_LABEL_RE = re.compile(r"\s*\((\d+)\s*điểm\)\s*$", re.IGNORECASE)


_BOX = "□"


@dataclass
class OptionData:
    text: str
    points: int | None
    star: int | None
    case: str | None = None
    points_text: str = ""


@dataclass
class NodeData:
    code: str
    title: str
    points_text: str
    notes: list[str] = field(default_factory=list)
    options: list[OptionData] = field(default_factory=list)
    children: list[NodeData] = field(default_factory=list)
    option_notes: list[tuple[int, str]] = field(default_factory=list)
    cases: list[dict[str, str]] = field(default_factory=list)
    is_bold: bool = True


@dataclass
class PartData:
    code: str
    title: str
    points_text: str
    label_points: int | None
    children: list[NodeData] = field(default_factory=list)


@dataclass
class RawSheet:
    number: int
    heading: str
    preamble: list[Paragraph]
    rows: list[TableRow]
    footer: list[Paragraph]


def split_sheets(blocks: list[Block]) -> list[RawSheet]:
    start = find_anchor(blocks, "chuong_pl_2")
    end = find_anchor(blocks, "chuong_pl_3")
    sheets: list[RawSheet] = []
    for block in blocks[start + 1 : end]:
        if isinstance(block, Paragraph) and any(a.startswith("dieu_") for a in block.anchors):
            match = re.match(r"^(\d+)\s*\.\s*(.+)$", block.text)
            if not match:
                raise ConversionError(f"unexpected sheet heading {block.text!r}")
            sheets.append(RawSheet(int(match[1]), match[2], [], [], []))
        elif not sheets:
            continue
        elif isinstance(block, Table):
            header = cell_text(block.rows[0][0]) if block.rows and block.rows[0] else ""
            if header == "Các tiêu chí":
                if sheets[-1].rows:
                    raise ConversionError(f"sheet {sheets[-1].number}: two scoring tables")
                sheets[-1].rows = block.rows[1:]
        elif block.text:
            (sheets[-1].footer if sheets[-1].rows else sheets[-1].preamble).append(block)
    if [sheet.number for sheet in sheets] != list(range(1, 27)):
        raise ConversionError("Annex II must contain the sheets 1..26 in order")
    return sheets


def parse_points(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def _option_bullet(text: str, points_text: str) -> str | None:
    """The option's tick box as printed: "□", or "o" where the box's font was lost."""
    if text.startswith(_BOX):
        return _BOX
    if text.startswith("o ") and parse_points(points_text) is not None:
        return "o"
    return None


def _split_stars(text: str) -> tuple[str, int | None]:
    match = _STARS_RE.search(text)
    if match:
        text, star = text[: match.start()].rstrip(), match[1].count("*")
    else:
        star = None
    if "*" in text:
        raise ConversionError(f"asterisks inside an option text: {text!r}")
    return text, star


def parse_rows(sheet: RawSheet, events: list[tuple[str, str, str]] | None = None) -> list[PartData]:
    """Turn the scoring table's rows into parts -> nodes -> options, as printed.

    Formatting slips that the parser tolerates (a tick box printed as "o", a criterion heading
    printed in italics instead of bold) are appended to ``events`` as (code, target, html) so
    that :func:`convert` can insist on each being listed in :data:`CORRECTIONS`.
    """
    events = [] if events is None else events
    parts: list[PartData] = []
    stack: list[NodeData] = []
    current: NodeData | None = None
    case: str | None = None
    for row in sheet.rows:
        left = [p for p in row[0] if p.text] if row else []
        points_text = cell_text(row[1]) if len(row) > 1 else ""
        if not left:
            continue
        first = left[0].text
        if first == "TỔNG CỘNG":
            break
        if part := _PART_RE.match(first):
            title = " ".join(p.text for p in left[1:]) or part[2]
            label = _POINTS_LABEL_RE.search(title)
            parts.append(
                PartData(
                    part[1].upper(),
                    _POINTS_LABEL_RE.sub("", title).strip(),
                    points_text,
                    int(label[1]) if label else None,
                )
            )
            stack, current, case = [], None, None
            continue
        bullet = _option_bullet(first, points_text)
        if bullet:
            if current is None:
                raise ConversionError(f"sheet {sheet.number}: option before a criterion")
            # A mark split across paragraphs of the cell ("***" then "*") is one mark.
            rest = left[1:]
            while rest and _MARK_ONLY_RE.match(rest[0].text):
                first, rest = f"{first}{rest[0].text}", rest[1:]
            text, star = _split_stars(first.removeprefix(bullet).strip())
            current.options.append(
                OptionData(text, parse_points(points_text), star, case, points_text)
            )
            if bullet != _BOX:
                events.append((current.code, "option_bullet", first))
            for extra in rest:
                current.option_notes.append((len(current.options), extra.text))
            continue
        if case_match := _CASE_RE.match(first):
            if current is None:
                raise ConversionError(f"sheet {sheet.number}: case before a criterion")
            case = case_match[1]
            current.cases.append(
                {"key": case, "label_vi": f"{case_match[2]}: {case_match[3]}".strip()}
            )
            continue
        code_match = _CODE_RE.match(first)
        if code_match and (left[0].is_bold or parse_points(points_text) is not None):
            code = re.sub(r"\s+", "", code_match[1])
            if not any(run.bold for run in left[0].runs if run.text.strip()):
                events.append((code, "heading_format", f"<i>{first}</i>"))
            node = NodeData(code, code_match[2].strip(), points_text, is_bold=left[0].is_bold)
            node.notes.extend(p.text for p in left[1:])
            depth = code.count(".")
            while stack and (stack[-1].code.count(".") >= depth):
                stack.pop()
            if depth == 0:
                if not parts:
                    raise ConversionError(f"sheet {sheet.number}: criterion before part A")
                parts[-1].children.append(node)
            else:
                if not stack or not code.startswith(stack[-1].code + "."):
                    raise ConversionError(f"sheet {sheet.number}: orphan code {code}")
                stack[-1].children.append(node)
            stack.append(node)
            current, case = node, None
            continue
        # Anything else is a note belonging to the criterion (or heading) above it.
        if current is None:
            raise ConversionError(f"sheet {sheet.number}: note before a criterion: {first!r}")
        current.notes.extend(p.text for p in left)
    return parts


def _walk(nodes: list[NodeData]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def find_node(parts: list[PartData], code: str) -> NodeData:
    for part in parts:
        for node in _walk(part.children):
            if node.code == code:
                return node
    raise ConversionError(f"no criterion {code}")
