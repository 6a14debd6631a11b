"""The decision's HTML as the converter reads it: paragraphs (runs of bold or italic text, with
their anchors) and tables (rows of cells of paragraphs), in document order, with the text
normalised (NFC, no-break spaces, runs of white space). Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Run:
    text: str
    bold: bool
    italic: bool


@dataclass
class Paragraph:
    runs: list[Run] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return _clean("".join(run.text for run in self.runs))

    @property
    def is_bold(self) -> bool:
        visible = [run for run in self.runs if run.text.strip()]
        return bool(visible) and all(run.bold for run in visible)

    @property
    def is_italic(self) -> bool:
        visible = [run for run in self.runs if run.text.strip()]
        return bool(visible) and all(run.italic for run in visible)


Cell = list[Paragraph]


TableRow = list[Cell]


@dataclass
class Table:
    rows: list[TableRow]


Block = Paragraph | Table


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\xa0", " "))
    return re.sub(r"\s+", " ", text).strip()


class _DocumentParser(HTMLParser):
    """Flattens the decision into paragraphs and tables (rows of cells of paragraphs)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._table_stack: list[list[TableRow]] = []
        self._row: TableRow | None = None
        self._cell: Cell | None = None
        self._paragraph: Paragraph | None = None
        self._bold = 0
        self._italic = 0

    def _open_paragraph(self) -> Paragraph:
        if self._paragraph is None:
            self._paragraph = Paragraph()
        return self._paragraph

    def _close_paragraph(self) -> None:
        paragraph, self._paragraph = self._paragraph, None
        if paragraph is None:
            return
        if self._cell is not None:
            self._cell.append(paragraph)
        elif not self._table_stack:
            self.blocks.append(paragraph)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._close_paragraph()
            self._table_stack.append([])
        elif tag == "tr":
            self._row = []
        elif tag == "td":
            self._cell = []
        elif tag in ("p", "div"):
            self._close_paragraph()
        elif tag == "br":
            self._open_paragraph().runs.append(Run(" ", False, False))
        elif tag in ("b", "strong"):
            self._bold += 1
        elif tag in ("i", "em"):
            self._italic += 1
        elif tag == "a":
            name = dict(attrs).get("name")
            if name:
                self._open_paragraph().anchors.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "div"):
            self._close_paragraph()
        elif tag in ("b", "strong"):
            self._bold = max(0, self._bold - 1)
        elif tag in ("i", "em"):
            self._italic = max(0, self._italic - 1)
        elif tag == "td":
            self._close_paragraph()
            if self._row is not None and self._cell is not None:
                self._row.append(self._cell)
            self._cell = None
        elif tag == "tr":
            if self._table_stack and self._row is not None:
                self._table_stack[-1].append(self._row)
            self._row = None
        elif tag == "table":
            self._close_paragraph()
            rows = self._table_stack.pop()
            if not self._table_stack:
                self.blocks.append(Table(rows))

    def handle_data(self, data: str) -> None:
        if self._paragraph is None and not data.strip():
            return
        self._open_paragraph().runs.append(Run(data, self._bold > 0, self._italic > 0))


def read_blocks(html: str) -> list[Block]:
    parser = _DocumentParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def cell_text(cell: Cell) -> str:
    return _clean(" ".join(paragraph.text for paragraph in cell))


class ConversionError(Exception):
    """The HTML does not have the shape the converter expects."""


def find_anchor(blocks: list[Block], anchor: str) -> int:
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph) and anchor in block.anchors:
            return index
    raise ConversionError(f"anchor {anchor!r} not found")
