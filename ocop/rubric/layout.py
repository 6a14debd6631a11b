"""A sheet in printed order, for the self-assessment screen and its printout.

The engine's :class:`~ocop.rubric.engine.Sheet` is built for scoring (criteria in a flat
mapping); a screen needs the printed tree: parts, headings at their depth, criteria with their
notes, conditions, knock-out and stop notes, alternative cases and options. This module builds
that once per process from the version's data files (a published version never changes), so
a page showing a whole sheet costs no database query per criterion.

:func:`sheet_rows` then joins the layout with one set of answers and the engine's result: each
row knows its chosen option and its points, ready for a template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

from ocop.rubric.engine import SheetResult, read_sheet_data
from ocop.rubric.loading import located_version

STAR_MARKS = {3: "★★★", 4: "★★★★", 5: "★★★★★"}


@dataclass(frozen=True)
class OptionLayout:
    number: int
    text_vi: str
    points: int
    star_minimum: int | None
    case: str | None

    @property
    def star_mark(self) -> str:
        return STAR_MARKS.get(self.star_minimum, "")


@dataclass(frozen=True)
class CaseLayout:
    """The options of one alternative case ("Trường hợp 1: …"), or all options (no label)."""

    label_vi: str
    options: tuple[OptionLayout, ...]


@dataclass(frozen=True)
class RowLayout:
    kind: str  # "heading" or "criterion"
    code: str
    title_vi: str
    max_points: int
    depth: int  # 0 for a top-level group or criterion, 1 below a heading, …
    notes_vi: tuple[str, ...] = ()
    knockouts_vi: tuple[str, ...] = ()
    stop_vi: str = ""
    condition_vi: str = ""
    case_instruction_vi: str = ""
    cases: tuple[CaseLayout, ...] = ()
    is_yes_no: bool = False

    @property
    def anchor(self) -> str:
        """An HTML id fragment for the code ("6.1.1" → "6-1-1"): dots would read as classes."""
        return self.code.replace(".", "-")

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"

    @property
    def options(self) -> tuple[OptionLayout, ...]:
        return tuple(option for case in self.cases for option in case.options)


@dataclass(frozen=True)
class PartLayout:
    code: str
    title_vi: str
    max_points: int
    rows: tuple[RowLayout, ...]


@dataclass(frozen=True)
class SheetLayout:
    version: str
    number: int
    name_vi: str
    name_en: str
    heading_vi: str
    category_vi: str
    dossier_rejection_vi: str
    star_note_vi: str
    parts: tuple[PartLayout, ...]

    @property
    def name(self) -> str:
        """The sheet's name in the active language (the legal Vietnamese one by default)."""
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name_vi

    @property
    def criteria(self) -> list[RowLayout]:
        return [row for part in self.parts for row in part.rows if not row.is_heading]


def _option(data: Mapping[str, Any]) -> OptionLayout:
    return OptionLayout(
        data["number"], data["text_vi"], data["points"], data["star_minimum"], data["case"]
    )


def _rows(node: Mapping[str, Any], depth: int) -> list[RowLayout]:
    knockouts = tuple(rule["text_vi"] for rule in node.get("knockouts", []))
    notes = tuple(node.get("notes_vi", []))
    if node["kind"] == "heading":
        rows = [
            RowLayout(
                "heading",
                node["code"],
                node["title_vi"],
                node["max_points"],
                depth,
                notes_vi=notes,
                knockouts_vi=knockouts,
            )
        ]
        for child in node["children"]:
            rows.extend(_rows(child, depth + 1))
        return rows
    options = [_option(option) for option in node["options"]]
    if node.get("cases"):
        by_number = {option.number: option for option in options}
        cases = tuple(
            CaseLayout(case["label_vi"], tuple(by_number[n] for n in case["options"]))
            for case in node["cases"]
        )
    else:
        cases = (CaseLayout("", tuple(options)),)
    condition, stop = node.get("condition"), node.get("stop")
    return [
        RowLayout(
            "criterion",
            node["code"],
            node["title_vi"],
            node["max_points"],
            depth,
            notes_vi=notes,
            knockouts_vi=knockouts,
            stop_vi=stop["text_vi"] if stop else "",
            condition_vi=condition["text_vi"] if condition else "",
            case_instruction_vi=node.get("case_instruction_vi") or "",
            cases=cases,
            is_yes_no=bool(node.get("is_yes_no")),
        )
    ]


@cache
def _layout(slug: str, number: int, data_dir: Path) -> SheetLayout:
    data = read_sheet_data(number, slug, data_dir)
    parts = tuple(
        PartLayout(
            part["code"],
            part["title_vi"],
            part["max_points"],
            tuple(row for node in part["children"] for row in _rows(node, 0)),
        )
        for part in data["parts"]
    )
    dossier = data.get("dossier_rejection")
    return SheetLayout(
        version=slug,
        number=number,
        name_vi=data["name_vi"],
        name_en=data.get("name_en") or "",
        heading_vi=data.get("heading_vi") or "",
        category_vi=data.get("category_vi") or "",
        dossier_rejection_vi=dossier["text_vi"] if dossier else "",
        star_note_vi=data.get("star_note_vi") or "",
        parts=parts,
    )


def sheet_layout(version: str, number: int) -> SheetLayout:
    """The printed layout of sheet ``number`` of a version (code or slug), cached."""
    slug, data_dir = located_version(version)
    return _layout(slug, number, data_dir)


# --------------------------------------------------------------------------------------
# One set of answers on the layout
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowState:
    """A row of the layout with one self-assessment's answer and points."""

    row: RowLayout
    chosen: int | None = None
    points: float = 0
    is_not_applicable: bool = False
    is_not_scored: bool = False

    @property
    def chosen_option(self) -> OptionLayout | None:
        if self.chosen is None or not 1 <= self.chosen <= len(self.row.options):
            return None
        return self.row.options[self.chosen - 1]

    @property
    def is_answered(self) -> bool:
        return self.chosen_option is not None


@dataclass(frozen=True)
class PartState:
    part: PartLayout
    points: float
    rows: tuple[RowState, ...]


def sheet_rows(
    layout: SheetLayout, answers: Mapping[str, int], result: SheetResult
) -> list[PartState]:
    """The parts of ``layout`` with each row's answer and points from ``result``."""
    not_applicable = set(result.not_applicable)
    not_scored = set(result.not_scored)
    parts = []
    for part in layout.parts:
        rows = []
        for row in part.rows:
            if row.is_heading:
                rows.append(RowState(row, points=result.groups.get(row.code, 0)))
            else:
                rows.append(
                    RowState(
                        row,
                        chosen=answers.get(row.code),
                        points=result.criteria.get(row.code, 0),
                        is_not_applicable=row.code in not_applicable,
                        is_not_scored=row.code in not_scored,
                    )
                )
        parts.append(PartState(part, result.parts.get(part.code, 0), tuple(rows)))
    return parts
