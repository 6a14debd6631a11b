"""Structural checks of a scoring sheet as stored in ``data/<version>/sheet-NN.json``.

:func:`validate_sheet` returns readable errors (an empty list means the sheet is sound);
:func:`validate_or_raise` raises :class:`RubricValidationError` listing them all. The engine
runs it when it loads a sheet, the tests run it on every sheet, and the converter refuses to
write sheets that fail it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

PART_MAXIMA = {"A": 40, "B": 25, "C": 35}
SHEET_TOTAL = 100
STAR_LEVELS = (3, 4, 5)


class RubricValidationError(ValueError):
    """A sheet breaks one of the rubric's structural rules."""

    def __init__(self, sheet_number: object, errors: list[str]) -> None:
        self.sheet_number = sheet_number
        self.errors = errors
        lines = "\n".join(f"  - {error}" for error in errors)
        super().__init__(f"sheet {sheet_number} is invalid:\n{lines}")


def iter_nodes(nodes: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every heading and criterion below ``nodes``, in printed order."""
    for node in nodes:
        yield node
        yield from iter_nodes(node.get("children", []))


def validate_sheet(sheet: Mapping[str, Any]) -> list[str]:
    errors: list[str] = []
    number = sheet.get("number")
    parts = sheet.get("parts", [])

    codes = [part.get("code") for part in parts]
    if codes != list(PART_MAXIMA):
        errors.append(f"parts are {codes}, expected A, B, C")
    part_total = 0
    for part in parts:
        code, maximum = part.get("code"), part.get("max_points")
        part_total += maximum or 0
        if code in PART_MAXIMA and maximum != PART_MAXIMA[code]:
            errors.append(f"part {code} is worth {maximum}, expected {PART_MAXIMA[code]}")
        children_total = sum(child.get("max_points", 0) for child in part.get("children", []))
        if children_total != maximum:
            errors.append(f"part {code}: children add up to {children_total}, not {maximum}")
    if part_total != SHEET_TOTAL or sheet.get("max_points") != SHEET_TOTAL:
        errors.append(f"sheet totals {part_total} (declared {sheet.get('max_points')}), not 100")

    all_nodes = [node for part in parts for node in iter_nodes(part.get("children", []))]
    duplicates = sorted(code for code, n in Counter(n["code"] for n in all_nodes).items() if n > 1)
    if duplicates:
        errors.append(f"codes printed more than once: {', '.join(duplicates)}")
    by_code = {node["code"]: node for node in all_nodes}

    for node in all_nodes:
        errors.extend(_validate_node(node, by_code))

    knockout_ids = [rule["id"] for node in all_nodes for rule in node.get("knockouts", [])]
    if sheet.get("dossier_rejection"):
        knockout_ids.append(sheet["dossier_rejection"]["id"])
    repeated = sorted(i for i, n in Counter(knockout_ids).items() if n > 1)
    if repeated:
        errors.append(f"knock-out ids used twice: {', '.join(repeated)}")
    return [f"sheet {number}: {error}" for error in errors]


def _validate_node(node: Mapping[str, Any], by_code: Mapping[str, Any]) -> list[str]:
    code, maximum = node["code"], node.get("max_points")
    errors: list[str] = []
    if node.get("kind") == "heading":
        children = node.get("children", [])
        if not children:
            errors.append(f"heading {code} has no sub-criteria")
        total = sum(child.get("max_points", 0) for child in children)
        if total != maximum:
            errors.append(f"{code}: sub-criteria add up to {total}, not {maximum}")
        for child in children:
            if not child["code"].startswith(code + "."):
                errors.append(f"{child['code']} is filed under {code}")
        return errors
    if node.get("kind") != "criterion":
        return [f"{code}: unknown kind {node.get('kind')!r}"]

    options = node.get("options", [])
    if not options:
        return [f"criterion {code} has no options"]
    numbers = [option["number"] for option in options]
    if numbers != list(range(1, len(options) + 1)):
        errors.append(f"{code}: options are numbered {numbers}, expected 1..{len(options)}")
    points = [option["points"] for option in options]
    if any(not isinstance(p, int) or isinstance(p, bool) or p < 0 for p in points):
        errors.append(f"{code}: option points must be whole numbers >= 0, got {points}")
        return errors
    if max(points) != maximum:
        errors.append(f"{code}: worth {maximum} but its best option gives {max(points)}")
    errors.extend(_validate_stars(code, node))
    errors.extend(_validate_rules(code, node, by_code))
    return errors


def _validate_stars(code: str, node: Mapping[str, Any]) -> list[str]:
    errors: list[str] = []
    options = node["options"]
    marked = [(o["star_minimum"], o) for o in options if o.get("star_minimum") is not None]
    if not marked:
        return errors
    if node.get("cases"):
        errors.append(f"{code}: star minimums inside alternative cases are not supported")
    levels = [level for level, _ in marked]
    if any(level not in STAR_LEVELS for level in levels):
        errors.append(f"{code}: star marks must be 3, 4 or 5, got {levels}")
    if levels != sorted(levels) or len(set(levels)) != len(levels):
        errors.append(f"{code}: star marks out of order or repeated: {levels}")
    for _, option in marked:
        before = [o["points"] for o in options if o["number"] < option["number"]]
        if before and max(before) >= option["points"]:
            errors.append(
                f"{code}: the {option['star_minimum']}-star minimum (option "
                f"{option['number']}, {option['points']} points) is not above the options "
                "printed before it"
            )
    return errors


def _validate_rules(code: str, node: Mapping[str, Any], by_code: Mapping[str, Any]) -> list[str]:
    errors: list[str] = []
    condition = node.get("condition")
    if condition:
        target = by_code.get(condition.get("criterion"))
        if target is None or target.get("kind") != "criterion":
            errors.append(f"{code}: condition refers to unknown criterion {condition}")
        else:
            valid = {o["number"] for o in target["options"]}
            if not set(condition.get("not_applicable_options", [])) <= valid:
                errors.append(f"{code}: condition names options {target['code']} does not have")
        if any(o.get("star_minimum") for o in node["options"]):
            errors.append(f"{code}: a conditional criterion cannot carry a star minimum")
    stop = node.get("stop")
    if stop:
        if stop.get("trigger") not in ("flag", "zero_in"):
            errors.append(f"{code}: unknown stop trigger {stop.get('trigger')!r}")
        for other in stop.get("criteria", []):
            if other not in by_code or by_code[other].get("kind") != "criterion":
                errors.append(f"{code}: stop rule refers to unknown criterion {other}")
    cases = node.get("cases", [])
    if cases:
        covered = sorted(n for case in cases for n in case["options"])
        if covered != [o["number"] for o in node["options"]]:
            errors.append(f"{code}: cases do not cover every option exactly once")
    if node.get("is_yes_no"):
        points = [o["points"] for o in node["options"]]
        if points != [0, node["max_points"]]:
            errors.append(f"{code}: a yes/no criterion must score 0 or {node['max_points']}")
    return errors


def validate_or_raise(sheet: Mapping[str, Any]) -> Mapping[str, Any]:
    errors = validate_sheet(sheet)
    if errors:
        raise RubricValidationError(sheet.get("number"), errors)
    return sheet
