"""From a parsed sheet to its data file: the corrections applied, the notes read into rules the
engine applies (knock-outs, stops, conditions, alternative cases, the dossier rejection and the
star note), and each criterion and option written as ``sheet-NN.json`` expects.
"""

from __future__ import annotations

import re
from typing import Any

from .corrections import Correction, apply_corrections
from .decision import VERSION_SLUG
from .document import ConversionError
from .sheets import NodeData, OptionData, RawSheet, parse_points, parse_rows

_KNOCKOUT_RE = re.compile(r"bị loại|loại bỏ|không đánh giá những sản phẩm", re.IGNORECASE)


_STOP_RE = re.compile(
    r"không đánh giá các bước tiếp theo|không xem xét các chỉ tiêu khác", re.IGNORECASE
)


_ZERO_STOP_RE = re.compile(r"0 điểm tại một trong các chỉ tiêu trên", re.IGNORECASE)


_CONDITION_RE = re.compile(r"^chỉ áp dụng khi", re.IGNORECASE)


_CASE_CHOICE_RE = re.compile(r"^lựa chọn một trong", re.IGNORECASE)


_DOSSIER_RE = re.compile(r"^(hồ sơ )?bị loại khi", re.IGNORECASE)


_STAR_NOTE_RE = re.compile(r"dấu sao là yêu cầu tối thiểu", re.IGNORECASE)


def _rules_for(node: NodeData, siblings: list[NodeData]) -> dict[str, Any]:
    """Split a criterion's notes into plain notes and machine-readable special rules."""
    notes: list[str] = []
    rules: dict[str, Any] = {"knockouts": [], "stop": None, "condition": None}
    for text in node.notes:
        if _CONDITION_RE.search(text):
            rules["condition"] = _story_condition(text, siblings)
        elif _STOP_RE.search(text):
            if _ZERO_STOP_RE.search(text):
                above = [s.code for s in siblings[: siblings.index(node) + 1]]
                rules["stop"] = {"text_vi": text, "trigger": "zero_in", "criteria": above}
            else:
                rules["stop"] = {"text_vi": text, "trigger": "flag", "criteria": []}
        elif _KNOCKOUT_RE.search(text):
            suffix = f"#{len(rules['knockouts']) + 1}" if rules["knockouts"] else ""
            rules["knockouts"].append({"id": node.code + suffix, "text_vi": text})
        elif _CASE_CHOICE_RE.search(text) and node.cases:
            rules["case_instruction_vi"] = text
        else:
            notes.append(text)
    if node.option_notes:
        raise ConversionError(f"criterion {node.code}: unplaced option notes {node.option_notes}")
    rules["notes_vi"] = notes
    return rules


def _story_condition(text: str, siblings: list[NodeData]) -> dict[str, Any]:
    if "câu chuyện sản phẩm" not in text:
        raise ConversionError(f"unknown condition {text!r}")
    story = next(s for s in siblings if s.title.lower() == "câu chuyện sản phẩm")
    without = [
        number
        for number, option in enumerate(story.options, start=1)
        if option.text.lower().startswith("không có câu chuyện")
    ]
    if not without:
        raise ConversionError(f"criterion {story.code} has no 'no story' option")
    return {"text_vi": text, "criterion": story.code, "not_applicable_options": without}


def build_node(node: NodeData, siblings: list[NodeData]) -> dict[str, Any]:
    max_points = parse_points(node.points_text)
    if max_points is None:
        raise ConversionError(f"criterion {node.code}: no maximum ({node.points_text!r})")
    data: dict[str, Any] = {"code": node.code, "title_vi": node.title, "max_points": max_points}
    rules = _rules_for(node, siblings)
    if node.children:
        if node.options:
            raise ConversionError(f"{node.code} has both sub-criteria and options")
        data["kind"] = "heading"
        data["notes_vi"] = rules["notes_vi"]
        for key in ("condition", "stop"):
            if rules[key]:
                raise ConversionError(f"heading {node.code} carries a {key} rule")
        data["knockouts"] = rules["knockouts"]
        data["children"] = [build_node(child, node.children) for child in node.children]
        return data
    data["kind"] = "criterion"
    data["notes_vi"] = rules["notes_vi"]
    data["is_yes_no"] = not node.options
    options = node.options or [
        OptionData("Không", 0, None, points_text="0"),
        OptionData("Có", max_points, None, points_text=str(max_points)),
    ]
    data["options"] = []
    for number, option in enumerate(options, start=1):
        if option.points is None:
            raise ConversionError(f"{node.code} option {number}: no points")
        data["options"].append(
            {
                "number": number,
                "text_vi": option.text,
                "points": option.points,
                "star_minimum": option.star,
                "case": option.case,
            }
        )
    data["cases"] = [
        {
            **case,
            "options": [o["number"] for o in data["options"] if o["case"] == case["key"]],
        }
        for case in node.cases
    ]
    if "case_instruction_vi" in rules:
        data["case_instruction_vi"] = rules["case_instruction_vi"]
    data["condition"] = rules["condition"]
    data["knockouts"] = rules["knockouts"]
    data["stop"] = rules["stop"]
    return data


def build_sheet(
    raw: RawSheet, index_entry: dict[str, Any], corrections: list[Correction]
) -> dict[str, Any]:
    events: list[tuple[str, str, str]] = []
    parts = parse_rows(raw, events)
    listed = {(c.code, c.target, c.html) for c in corrections if c.sheet == raw.number}
    for event in events:
        if event not in listed:
            raise ConversionError(f"sheet {raw.number}: unlisted formatting slip {event}")
    for fix in corrections:
        tolerated = fix.target in ("option_bullet", "heading_format")
        if tolerated and fix.sheet == raw.number and (fix.code, fix.target, fix.html) not in events:
            raise ConversionError(f"correction {fix} no longer matches the HTML")
    preamble = [p.text for p in raw.preamble]
    preamble = apply_corrections(raw.number, parts, preamble, corrections)
    category = next((t for t in preamble if t.startswith("(Sản phẩm")), None)
    dossier = [t for t in preamble if _DOSSIER_RE.search(t)]
    if len(dossier) > 1:
        raise ConversionError(f"sheet {raw.number}: several dossier notes {dossier}")
    star_note = next((p.text for p in raw.footer if _STAR_NOTE_RE.search(p.text)), None)
    data: dict[str, Any] = {
        "version": VERSION_SLUG,
        "number": raw.number,
        "name_vi": index_entry["name_vi"],
        "name_en": index_entry["name_en"],
        "heading_vi": raw.heading,
        "category_vi": category.strip("()") if category else None,
        "sector": index_entry["sector"],
        "group": index_entry["group"],
        "subgroup": index_entry["subgroup"],
        "max_points": 100,
        "dossier_rejection": {"id": "dossier", "text_vi": dossier[0]} if dossier else None,
        "star_note_vi": star_note,
        "parts": [],
    }
    for part in parts:
        max_points = parse_points(part.points_text)
        if part.label_points is not None and part.label_points != max_points:
            raise ConversionError(
                f"sheet {raw.number} part {part.code}: title says {part.label_points}, "
                f"column says {max_points}"
            )
        data["parts"].append(
            {
                "code": part.code,
                "title_vi": part.title,
                "max_points": max_points,
                "children": [build_node(node, part.children) for node in part.children],
            }
        )
    return data
