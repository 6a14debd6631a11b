"""Structural checks of a rubric version as stored in ``data/<version>/``.

:func:`validate_sheet` checks one ``sheet-NN.json`` and :func:`validate_version` the
``version.json`` beside it; both return readable errors (an empty list means the data is
sound), and :func:`validate_or_raise` / :func:`validate_version_or_raise` raise
:class:`RubricValidationError` listing them all. The engine runs them when it loads a version
or a sheet, the database loader and ``publish_version`` run them before rows are written or
published, the tests run them on every version, and the converter refuses to write sheets that
fail them.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

# The parts of Decision 26/2026/QĐ-TTg; another version declares its own in version.json
# (Decision 1048/QĐ-TTg of 2019 had A 35, B 25, C 40).
PART_MAXIMA = {"A": 40, "B": 25, "C": 35}
PART_CODES = ("A", "B", "C")
SHEET_TOTAL = 100
STAR_LEVELS = (3, 4, 5)
# Lower bounds of the half-open bands of Article 3(3); 5★ is closed at 100. The engine
# implements these bands; a version that declares other bands is refused until it does.
BANDS = ((5, 90), (4, 70), (3, 50), (2, 30), (1, 0))
SLUG_PATTERN = re.compile(r"^[0-9]+-[0-9]{4}$")


class RubricValidationError(ValueError):
    """A sheet breaks one of the rubric's structural rules."""

    def __init__(
        self, sheet_number: object, errors: list[str], *, subject: str | None = None
    ) -> None:
        self.sheet_number = sheet_number
        self.errors = errors
        lines = "\n".join(f"  - {error}" for error in errors)
        super().__init__(f"{subject or f'sheet {sheet_number}'} is invalid:\n{lines}")


def iter_nodes(nodes: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every heading and criterion below ``nodes``, in printed order."""
    for node in nodes:
        yield node
        yield from iter_nodes(node.get("children", []))


def validate_sheet(
    sheet: Mapping[str, Any], part_maxima: Mapping[str, int] = PART_MAXIMA
) -> list[str]:
    """Errors in one sheet; ``part_maxima`` are the version's points for parts A, B and C."""
    errors: list[str] = []
    number = sheet.get("number")
    parts = sheet.get("parts", [])

    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        errors.append(f"sheet number must be a whole number from 1, got {number!r}")
    codes = [part.get("code") for part in parts]
    if codes != list(PART_CODES):
        errors.append(f"parts are {codes}, expected A, B, C")
    part_total = 0
    for part in parts:
        code, maximum = part.get("code"), part.get("max_points")
        part_total += maximum or 0
        if code in part_maxima and maximum != part_maxima[code]:
            errors.append(f"part {code} is worth {maximum}, expected {part_maxima[code]}")
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

    for node in all_nodes:
        rules = node.get("knockouts", [])
        if len(rules) > 1 or any(rule.get("id") != node["code"] for rule in rules):
            errors.append(f"{node['code']}: one knock-out note at most, with the id {node['code']}")
    dossier = sheet.get("dossier_rejection")
    if dossier and dossier.get("id") != "dossier":
        errors.append(
            f"the dossier-rejection note must have the id 'dossier', not {dossier.get('id')!r}"
        )
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


def validate_or_raise(
    sheet: Mapping[str, Any], part_maxima: Mapping[str, int] = PART_MAXIMA
) -> Mapping[str, Any]:
    errors = validate_sheet(sheet, part_maxima)
    if errors:
        raise RubricValidationError(sheet.get("number"), errors)
    return sheet


def version_code(version: Mapping[str, Any]) -> str:
    """The short code of a version, "26/2026" for the instrument "26/2026/QĐ-TTg"."""
    return "/".join(str(version.get("instrument", "")).split("/")[:2])


def _date(value: object) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def validate_version(
    version: Mapping[str, Any], sheet_numbers: Iterable[int] | None = None
) -> list[str]:
    """Errors in a ``version.json``; ``sheet_numbers`` are the sheets found beside it."""
    errors: list[str] = []
    slug = version.get("slug")
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        errors.append(f"slug must look like 26-2026, got {slug!r}")
    elif slug.replace("-", "/") != version_code(version):
        errors.append(
            f"slug {slug} does not match the instrument {version.get('instrument')!r} "
            "(the slug is the number and year of the instrument, as in 26/2026/QĐ-TTg -> 26-2026)"
        )
    for key in ("instrument", "title_vi"):
        if not isinstance(version.get(key), str) or not version[key].strip():
            errors.append(f"{key} is missing")
    signed_on, effective_from = (
        _date(version.get("signed_on")),
        _date(version.get("effective_from")),
    )
    if signed_on is None:
        errors.append(f"signed_on must be a date (YYYY-MM-DD), got {version.get('signed_on')!r}")
    if effective_from is None:
        errors.append(
            f"effective_from must be a date (YYYY-MM-DD), got {version.get('effective_from')!r}"
        )
    if version.get("effective_to") is not None:
        effective_to = _date(version["effective_to"])
        if effective_to is None:
            errors.append(f"effective_to must be a date or null, got {version['effective_to']!r}")
        elif effective_from and effective_to < effective_from:
            errors.append("effective_to comes before effective_from")
    parts = version.get("parts")
    if not isinstance(parts, Mapping) or list(parts) != list(PART_CODES):
        errors.append(f"parts must give the points of A, B and C, got {parts!r}")
    elif any(not isinstance(p, int) or isinstance(p, bool) or p <= 0 for p in parts.values()):
        errors.append(f"part points must be whole numbers above 0, got {dict(parts)}")
    elif sum(parts.values()) != SHEET_TOTAL or version.get("total") != SHEET_TOTAL:
        errors.append(
            f"parts add up to {sum(parts.values())} (total {version.get('total')}), not 100"
        )
    bands = [(band.get("star"), band.get("min")) for band in version.get("bands", [])]
    if bands != list(BANDS):
        errors.append(f"bands {bands} differ from the bands the engine implements {list(BANDS)}")
    if sheet_numbers is not None:
        numbers = sorted(sheet_numbers)
        count = version.get("sheet_count")
        if numbers != list(range(1, len(numbers) + 1)) or count != len(numbers):
            errors.append(f"sheet_count is {count} but the sheets found are {numbers}")
    return [f"version {slug}: {error}" for error in errors]


def validate_version_or_raise(
    version: Mapping[str, Any], sheet_numbers: Iterable[int] | None = None
) -> Mapping[str, Any]:
    errors = validate_version(version, sheet_numbers)
    if errors:
        raise RubricValidationError(None, errors, subject=f"version {version.get('slug')}")
    return version
