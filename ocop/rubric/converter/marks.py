"""The star marks of Annex II counted straight from the HTML, without the parser, to check the
parsed sheets against: a sheet whose data holds a different number of ``***``, ``****`` or
``*****`` minimums than its printed text makes the conversion fail.

The decision prints a mark as asterisks at the end of an option's text. In this HTML they
come unbroken (``…sản phẩm****``), split across two runs of different formatting
(``…quyền sử dụng)<em>***</em><strong>*</strong>``, sheets 19 and 20) and, once, with spaces
between them (``…điện tử * * * *``, sheet 3, 5.1). So a mark here is any run of asterisks with
nothing but white space and tags between them, inside one table cell. Each sheet's footnote
explains the marks (``Dấu sao là yêu cầu tối thiểu … (*** - 3 sao; **** - 4 sao; ***** - 5
sao)``); its asterisks are a legend, not marks, and are left out by what follows each of them
(``- 3 sao``). Standard library only.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from .document import ConversionError

_ANNEX_START = 'name="chuong_pl_2"'


_ANNEX_END = 'name="chuong_pl_3"'


# Each sheet's heading carries an anchor ``dieu_…``; the Annex II list before the first sheet
# carries none.
_SHEET_ANCHOR_RE = re.compile(r'<a\s[^>]*name="dieu_[0-9_]+"', re.IGNORECASE)


_CELL_EDGE_RE = re.compile(r"<\s*/?\s*(td|th|tr|table)\b[^>]*>", re.IGNORECASE)


_TAG_RE = re.compile(r"<[^>]*>")


_MARK_RE = re.compile(r"\*(?:\s*\*)*")


_LEGEND_RE = re.compile(r"\s*-\s*(\d)\s*sao")


_HEADING_RE = re.compile(r"^\s*(\d+)\s*\.")


def sheet_texts(source: str) -> dict[int, str]:
    """Each Annex II sheet's text (tags removed, cells kept apart by ``|``), by number."""
    try:
        annex = source[source.index(_ANNEX_START) : source.index(_ANNEX_END)]
    except ValueError as error:
        raise ConversionError("Annex II's anchors not found") from error
    starts = [match.start() for match in _SHEET_ANCHOR_RE.finditer(annex)]
    texts: dict[int, str] = {}
    for start, end in zip(starts, [*starts[1:], len(annex)], strict=True):
        text = _CELL_EDGE_RE.sub(" | ", annex[start:end])
        text = html.unescape(_TAG_RE.sub("", text)).replace("\xa0", " ")
        heading = _HEADING_RE.match(text)
        if heading is None:
            raise ConversionError(f"no sheet number after an anchor: {text[:60]!r}")
        texts[int(heading[1])] = text
    if list(texts) != list(range(1, 27)):
        raise ConversionError(f"Annex II sheets found in the HTML: {list(texts)}")
    return texts


def count_marks(text: str) -> Counter[int]:
    """The star marks of one sheet's text, by level (3, 4, 5); the footnote's legend is not
    counted. Any other run of asterisks is an error: the data could not say what it means."""
    marks: Counter[int] = Counter()
    for match in _MARK_RE.finditer(text):
        level = match[0].count("*")
        legend = _LEGEND_RE.match(text, match.end())
        if legend:
            if int(legend[1]) != level:
                raise ConversionError(f"star legend {match[0]}{legend[0]!r} does not add up")
            continue
        if level not in (3, 4, 5):
            context = text[max(0, match.start() - 40) : match.end() + 10]
            raise ConversionError(f"{level} asterisk(s) are not a star mark: {context!r}")
        marks[level] += 1
    return marks


def count_star_marks(source: str) -> dict[int, Counter[int]]:
    """``{sheet number: Counter({3: n, 4: n, 5: n})}`` of the marks printed in each sheet."""
    return {number: count_marks(text) for number, text in sheet_texts(source).items()}


def data_star_marks(sheet: Mapping[str, Any]) -> Counter[int]:
    """The star minimums of one ``sheet-NN.json`` content, by level."""
    marks: Counter[int] = Counter()

    def walk(nodes: list[Mapping[str, Any]]) -> None:
        for node in nodes:
            walk(node.get("children", []))
            for option in node.get("options", []):
                if option["star_minimum"] is not None:
                    marks[option["star_minimum"]] += 1

    for part in sheet["parts"]:
        walk(part["children"])
    return marks


def star_mark_differences(
    printed: Mapping[int, Counter[int]], sheets: Mapping[int, Mapping[str, Any]]
) -> list[str]:
    """Every sheet whose data holds other star marks than its printed text."""
    problems = []
    for number in sorted(printed.keys() | sheets.keys()):
        expected = dict(sorted(printed.get(number, Counter()).items()))
        found = dict(sorted(data_star_marks(sheets[number]).items())) if number in sheets else {}
        if expected != found:
            problems.append(f"sheet {number}: the HTML prints {expected}, the data holds {found}")
    return problems


def check_star_marks(source: str, files: Mapping[str, Any]) -> None:
    """Fail when a converted sheet does not hold exactly the marks its text prints."""
    sheets = {
        content["number"]: content for name, content in files.items() if name.startswith("sheet-")
    }
    problems = star_mark_differences(count_star_marks(source), sheets)
    if problems:
        raise ConversionError("star marks (by level) differ: " + "; ".join(problems))
