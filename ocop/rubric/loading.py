"""From the data files to database rows, and back to check that the two are still equal.

The engine scores from the committed data files (``data/<slug>/``); the rows mirror them for
browsing and for foreign keys. :func:`version_differences` rebuilds the files' content from
the rows and lists every difference, so the two cannot drift silently: loading refuses a
published version whose rows differ, ``publish_version`` refuses a draft that differs, and a
test compares every loaded version.

The functions take an optional ``apps`` registry so that a data migration can use them with
its historical models (which have none of the immutability guards, and write no audit event).
:func:`correct_version_in_migration` is the one way to change a published version's rows: a
data migration, when the files were corrected to follow the decision (the live models'
guards refuse it anywhere else).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ocop.rubric.engine import (
    DATA_DIR,
    DEFAULT_VERSION,
    Sheet,
    find_version,
    load_sheet,
    read_sheet_data,
    read_version_info,
    sheet_numbers,
)
from ocop.rubric.validation import RubricValidationError

PUBLISHED = "published"
DRAFT = "draft"


class RubricDataMismatch(Exception):
    """The rows of a published version differ from its data files."""

    def __init__(self, slug: str, problems: list[str]) -> None:
        self.slug = slug
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"rubric version {slug} is published and its rows differ from "
            f"the files in data/{slug}/:\n{lines}"
        )


# --------------------------------------------------------------------------------------
# Where the versions live
# --------------------------------------------------------------------------------------


def data_dirs() -> tuple[Path, ...]:
    """The committed ``data/`` folder, then any folders in ``settings.RUBRIC_DATA_DIRS``."""
    extra = getattr(settings, "RUBRIC_DATA_DIRS", ())
    return (DATA_DIR, *(Path(path) for path in extra))


def resolve_version(name: str) -> tuple[str, Path]:
    """``(slug, data_dir)`` of a version given by code ("26/2026") or slug ("26-2026")."""
    return find_version(name, data_dirs())


@cache
def _located(version: str, dirs: tuple[Path, ...]) -> tuple[str, Path]:
    return find_version(version, dirs)


def located_version(version: str) -> tuple[str, Path]:
    """Like :func:`resolve_version`, with the folders searched once per version name and
    folder list (a version's folder does not move while the site runs)."""
    return _located(version, data_dirs())


def engine_sheet(version: str, number: int) -> Sheet:
    """The engine's sheet ``number`` of a version (code or slug), read from its files once per
    process (a published version never changes)."""
    slug, data_dir = located_version(version)
    return load_sheet(number, slug, data_dir)


@dataclass(frozen=True)
class VersionData:
    """A version's files, validated: ``version.json`` and the sheets in number order."""

    slug: str
    info: Mapping[str, Any]
    sheets: list[dict[str, Any]]


def read_version_data(slug: str, data_dir: Path) -> VersionData:
    """Read and validate a version's files afresh (no cache: the files may have changed)."""
    info = read_version_info(slug, data_dir)
    sheets = [
        read_sheet_data(number, slug, data_dir, info) for number in sheet_numbers(slug, data_dir)
    ]
    return VersionData(slug, info, sheets)


# --------------------------------------------------------------------------------------
# Files -> rows
# --------------------------------------------------------------------------------------


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def version_fields(info: Mapping[str, Any]) -> dict[str, Any]:
    parts = info["parts"]
    return {
        "slug": info["slug"],
        "code": info["slug"].replace("-", "/"),
        "instrument": info["instrument"],
        "title_vi": info["title_vi"],
        "title_en": info.get("title_en", ""),
        "issuer_vi": info.get("issuer_vi", ""),
        "signed_on": _date(info["signed_on"]),
        "effective_from": _date(info["effective_from"]),
        "effective_to": _date(info.get("effective_to")),
        "part_a_points": parts["A"],
        "part_b_points": parts["B"],
        "part_c_points": parts["C"],
        "supersedes": info.get("supersedes", []),
        "corrections": info.get("corrections", []),
    }


def sheet_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    dossier = data.get("dossier_rejection")
    return {
        "number": data["number"],
        "name_vi": data["name_vi"],
        "name_en": data.get("name_en") or "",
        "heading_vi": data.get("heading_vi") or "",
        "category_vi": data.get("category_vi") or "",
        "sector": data.get("sector") or "",
        "group": data.get("group") or "",
        "subgroup": data.get("subgroup") or "",
        "max_points": data["max_points"],
        "part_titles_vi": {part["code"]: part["title_vi"] for part in data["parts"]},
        "dossier_rejection_vi": dossier["text_vi"] if dossier else "",
        "star_note_vi": data.get("star_note_vi") or "",
    }


def criterion_fields(node: Mapping[str, Any], part: str) -> dict[str, Any]:
    stop, condition = node.get("stop"), node.get("condition")
    knockouts = node.get("knockouts", [])
    if node["kind"] == "heading":
        kind = "heading"
    else:
        kind = "yes_no" if node.get("is_yes_no") else "criterion"
    return {
        "part": part,
        "code": node["code"],
        "title_vi": node["title_vi"],
        "kind": kind,
        "max_points": node["max_points"],
        "notes_vi": list(node.get("notes_vi", [])),
        "knockout_vi": knockouts[0]["text_vi"] if knockouts else "",
        "stop_vi": stop["text_vi"] if stop else "",
        "stop_trigger": stop["trigger"] if stop else "",
        "stop_criteria": list(stop["criteria"]) if stop else [],
        "condition_vi": condition["text_vi"] if condition else "",
        "condition_criterion": condition["criterion"] if condition else "",
        "condition_not_applicable_options": (
            list(condition["not_applicable_options"]) if condition else []
        ),
        "cases": list(node.get("cases", [])),
        "case_instruction_vi": node.get("case_instruction_vi", ""),
    }


def option_fields(option: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "number": option["number"],
        "text_vi": option["text_vi"],
        "points": option["points"],
        "star_minimum": option["star_minimum"],
        "case": option.get("case") or "",
    }


def _models(apps=None):
    registry = apps or global_apps
    return tuple(
        registry.get_model("rubric", name)
        for name in ("RubricVersion", "Sheet", "Criterion", "Option")
    )


def _walk(
    nodes: list[Mapping[str, Any]], parent_code: str | None = None, depth: int = 0
) -> Iterator[tuple[Mapping[str, Any], str | None, int]]:
    """Every node below ``nodes`` in printed order, with its parent's code and its depth."""
    for node in nodes:
        yield node, parent_code, depth
        yield from _walk(node.get("children", []), node["code"], depth + 1)


def create_rows(version, sheets: list[Mapping[str, Any]], apps=None) -> dict[str, int]:
    """Insert the sheets, criteria and options of a draft ``version``: a few bulk inserts."""
    _, sheet_model, criterion_model, option_model = _models(apps)
    sheet_rows = sheet_model.objects.bulk_create(
        sheet_model(version=version, **sheet_fields(data)) for data in sheets
    )
    # Criteria are inserted level by level so that each level knows its parents' keys.
    levels: list[list[tuple[Any, Mapping, str | None]]] = []
    for sheet_row, data in zip(sheet_rows, sheets, strict=True):
        position = 0
        for part in data["parts"]:
            for node, parent_code, depth in _walk(part["children"]):
                position += 1
                fields = criterion_fields(node, part["code"])
                row = criterion_model(sheet=sheet_row, position=position, **fields)
                while len(levels) <= depth:
                    levels.append([])
                levels[depth].append((row, node, parent_code))
    by_code: dict[tuple[int, str], Any] = {}
    criteria = 0
    for level in levels:
        for row, _node, parent_code in level:
            if parent_code is not None:
                row.parent = by_code[(row.sheet.pk, parent_code)]
        created = criterion_model.objects.bulk_create([row for row, _, _ in level])
        criteria += len(created)
        by_code.update({(row.sheet.pk, row.code): row for row in created})
    options = option_model.objects.bulk_create(
        option_model(criterion=row, **option_fields(option))
        for level in levels
        for row, node, _ in level
        for option in node.get("options", [])
    )
    return {"sheets": len(sheet_rows), "criteria": criteria, "options": len(options)}


# --------------------------------------------------------------------------------------
# Rows -> files (to compare)
# --------------------------------------------------------------------------------------


def sheets_as_data(version, apps=None) -> list[dict[str, Any]]:
    """Rebuild the content of each ``sheet-NN.json`` from the rows (three queries)."""
    _, sheet_model, criterion_model, option_model = _models(apps)
    sheets = list(sheet_model.objects.filter(version=version).order_by("number"))
    criteria = list(
        criterion_model.objects.filter(sheet__version=version).order_by("sheet_id", "position")
    )
    options: dict[int, list[Any]] = {}
    for option in option_model.objects.filter(criterion__sheet__version=version).order_by(
        "criterion_id", "number"
    ):
        options.setdefault(option.criterion_id, []).append(option)
    children: dict[int | None, list[Any]] = {}
    by_sheet: dict[int, list[Any]] = {}
    for row in criteria:
        if row.parent_id is None:
            by_sheet.setdefault(row.sheet_id, []).append(row)
        else:
            children.setdefault(row.parent_id, []).append(row)

    def node(row) -> dict[str, Any]:
        knockouts = [{"id": row.code, "text_vi": row.knockout_vi}] if row.knockout_vi else []
        base = {
            "code": row.code,
            "title_vi": row.title_vi,
            "max_points": row.max_points,
            "kind": "heading" if row.kind == "heading" else "criterion",
            "notes_vi": list(row.notes_vi),
            "knockouts": knockouts,
        }
        if row.kind == "heading":
            return {**base, "children": [node(child) for child in children.get(row.pk, [])]}
        data = {
            **base,
            "is_yes_no": row.kind == "yes_no",
            "options": [
                {
                    "number": option.number,
                    "text_vi": option.text_vi,
                    "points": option.points,
                    "star_minimum": option.star_minimum,
                    "case": option.case or None,
                }
                for option in options.get(row.pk, [])
            ],
            "cases": list(row.cases),
            "condition": {
                "text_vi": row.condition_vi,
                "criterion": row.condition_criterion,
                "not_applicable_options": list(row.condition_not_applicable_options),
            }
            if row.condition_criterion
            else None,
            "stop": {
                "text_vi": row.stop_vi,
                "trigger": row.stop_trigger,
                "criteria": list(row.stop_criteria),
            }
            if row.stop_vi
            else None,
        }
        if row.case_instruction_vi:
            data["case_instruction_vi"] = row.case_instruction_vi
        return data

    maxima = {"A": version.part_a_points, "B": version.part_b_points, "C": version.part_c_points}
    result = []
    for sheet in sheets:
        top = by_sheet.get(sheet.pk, [])
        result.append(
            {
                "version": version.slug,
                "number": sheet.number,
                "name_vi": sheet.name_vi,
                "name_en": sheet.name_en,
                "heading_vi": sheet.heading_vi,
                "category_vi": sheet.category_vi,
                "sector": sheet.sector or None,
                "group": sheet.group or None,
                "subgroup": sheet.subgroup or None,
                "max_points": sheet.max_points,
                "dossier_rejection": {"id": "dossier", "text_vi": sheet.dossier_rejection_vi}
                if sheet.dossier_rejection_vi
                else None,
                "star_note_vi": sheet.star_note_vi or None,
                "parts": [
                    {
                        "code": code,
                        "title_vi": sheet.part_titles_vi.get(code, ""),
                        "max_points": maxima[code],
                        "children": [node(row) for row in top if row.part == code],
                    }
                    for code in ("A", "B", "C")
                ],
            }
        )
    return result


def _short(value: Any, width: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _differences(old: Any, new: Any, path: str) -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            if key not in old:
                yield f"{path}.{key}: only in the files"
            elif key not in new:
                yield f"{path}.{key}: only in the database"
            else:
                yield from _differences(old[key], new[key], f"{path}.{key}")
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from _differences(a, b, f"{path}[{index}]")
    elif old != new or type(old) is not type(new):
        yield f"{path}: database {_short(old)}, files {_short(new)}"


def version_differences(version, data: VersionData, apps=None, limit: int = 20) -> list[str]:
    """Every difference between a version's rows and its files (at most ``limit``)."""
    problems: list[str] = []
    fields = version_fields(data.info)
    if fields["effective_to"] is None:
        # The end of validity is set later by end_version when a new instrument replaces it.
        fields.pop("effective_to")
    for name, value in fields.items():
        stored = getattr(version, name)
        if stored != value:
            problems.append(f"{name}: database {_short(stored)}, files {_short(value)}")
    rows = {sheet["number"]: sheet for sheet in sheets_as_data(version, apps)}
    files = {sheet["number"]: sheet for sheet in data.sheets}
    for number in sorted(rows.keys() | files.keys()):
        if number not in files:
            problems.append(f"sheet {number}: only in the database")
        elif number not in rows:
            problems.append(f"sheet {number}: only in the files")
        else:
            problems.extend(_differences(rows[number], files[number], f"sheet {number}"))
        if len(problems) >= limit:
            break
    return problems[:limit]


def check_version(version, data_dir: Path | None = None) -> list[str]:
    """Problems with a version's rows: its files are missing or invalid, or differ from them.

    The files are looked for in ``data_dir`` if given, else in :func:`data_dirs`.
    """
    try:
        if data_dir is None:
            _, data_dir = resolve_version(version.slug)
        data = read_version_data(version.slug, data_dir)
    except (LookupError, RubricValidationError) as error:
        return [f"the files of version {version.slug} cannot be read: {error}"]
    return version_differences(version, data)


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    version: Any
    created: bool
    counts: dict[str, int]


@transaction.atomic
def load_version_rows(
    slug: str = DEFAULT_VERSION, *, data_dir: Path | None = None, apps=None
) -> LoadResult:
    """Build (or check) the rows of a version from its files, without publishing it:

    - not loaded yet: the rows are created as a draft;
    - loaded and published: a no-op when the rows equal the files, otherwise
      :class:`RubricDataMismatch` (a published version is never rewritten);
    - loaded as a draft: rebuilt from the files when they differ.

    ``services.load_version_from_data`` publishes the draft (validated and audited);
    :func:`load_version_in_migration` publishes it from a data migration.
    """
    if data_dir is None:
        slug, data_dir = resolve_version(slug)
    data = read_version_data(slug, data_dir)
    version_model, *_ = _models(apps)
    version = version_model.objects.filter(slug=slug).first()
    if version is not None:
        problems = version_differences(version, data, apps)
        if version.status == PUBLISHED:
            if problems:
                raise RubricDataMismatch(slug, problems)
            return LoadResult(version, False, {})
        if problems:
            version.delete()
            version = None
    if version is None:
        version = version_model.objects.create(status=DRAFT, **version_fields(data.info))
        return LoadResult(version, True, create_rows(version, data.sheets, apps))
    return LoadResult(version, False, {})


@transaction.atomic
def load_version_in_migration(slug: str, *, data_dir: Path, apps) -> LoadResult:
    """For a data migration (``apps`` is its registry of historical models): the rows of a
    version from its files, published at once. The historical models have none of the
    immutability guards and there is no actor and no audit model to call, so no audit event
    is written; the files were validated when they were read."""
    result = load_version_rows(slug, data_dir=data_dir, apps=apps)
    version = result.version
    if version.status != PUBLISHED:
        version.status = PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
    return result


# --------------------------------------------------------------------------------------
# Correcting a published version (data migrations only)
# --------------------------------------------------------------------------------------


@transaction.atomic
def correct_version_in_migration(slug: str, *, data_dir: Path, apps) -> list[str]:
    """For a data migration (``apps`` is its registry of historical models): bring the rows of
    a published version in line with its corrected files, in place, and return what changed
    (``"sheet 7 3.1 option 2.points: 2 -> 1"``); nothing when they are already equal.

    Only values change: every row keeps its primary key, so score sheets, results and
    self-assessments that point at a criterion or an option still do. A version whose rows
    and files differ in shape (a sheet, criterion or option added, removed or moved) raises
    :class:`RubricDataMismatch` before anything is written: that is a new version, not a
    correction. A version not loaded yet is left alone (its first loading reads the corrected
    files). The rows are compared with the files again at the end.
    """
    data = read_version_data(slug, data_dir)
    version_model, sheet_model, criterion_model, option_model = _models(apps)
    version = version_model.objects.filter(slug=slug).first()
    if version is None:
        return []

    # What the files say, keyed by sheet number, criterion code and option number.
    file_sheets = {sheet["number"]: sheet for sheet in data.sheets}
    file_criteria: dict[tuple[int, str], tuple[dict[str, Any], str | None, int]] = {}
    file_options: dict[tuple[int, str, int], Mapping[str, Any]] = {}
    for sheet in data.sheets:
        position = 0
        for part in sheet["parts"]:
            for node, parent_code, _depth in _walk(part["children"]):
                position += 1
                key = (sheet["number"], node["code"])
                fields = criterion_fields(node, part["code"])
                file_criteria[key] = (fields, parent_code, position)
                for option in node.get("options", []):
                    file_options[(*key, option["number"])] = option

    # The rows, keyed the same way.
    sheets = {row.pk: row for row in sheet_model.objects.filter(version=version)}
    criteria_by_pk = {row.pk: row for row in criterion_model.objects.filter(sheet__version=version)}
    row_sheets = {row.number: row for row in sheets.values()}
    row_criteria = {(sheets[row.sheet_id].number, row.code): row for row in criteria_by_pk.values()}
    row_options = {
        (
            sheets[criteria_by_pk[row.criterion_id].sheet_id].number,
            criteria_by_pk[row.criterion_id].code,
            row.number,
        ): row
        for row in option_model.objects.filter(criterion__sheet__version=version)
    }

    shape = [
        f"{_label(key)}: only in the {where}"
        for keys, others, where in (
            (file_sheets, row_sheets, "files"),
            (row_sheets, file_sheets, "database"),
            (file_criteria, row_criteria, "files"),
            (row_criteria, file_criteria, "database"),
            (file_options, row_options, "files"),
            (row_options, file_options, "database"),
        )
        for key in keys
        if key not in others
    ]
    for key, (_fields, parent_code, position) in file_criteria.items():
        row = row_criteria.get(key)
        parent = row_criteria.get((key[0], parent_code)) if parent_code else None
        if row is not None and (
            row.position != position or row.parent_id != (parent.pk if parent else None)
        ):
            shape.append(f"{_label(key)}: printed elsewhere in the files")
    if shape:
        raise RubricDataMismatch(slug, shape)

    changes: list[str] = []

    def update(row, fields: Mapping[str, Any], label: str) -> None:
        changed = [name for name, value in fields.items() if getattr(row, name) != value]
        for name in changed:
            changes.append(f"{label}.{name}: {_change(getattr(row, name), fields[name])}")
            setattr(row, name, fields[name])
        if changed:
            row.save(update_fields=changed)

    fields = version_fields(data.info)
    if fields["effective_to"] is None:
        fields.pop("effective_to")  # set by end_version, not by the files
    update(version, fields, f"version {slug}")
    for number, sheet in file_sheets.items():
        update(row_sheets[number], sheet_fields(sheet), _label(number))
    for key, (fields, _parent, _position) in file_criteria.items():
        update(row_criteria[key], fields, _label(key))
    for key, option in file_options.items():
        update(row_options[key], option_fields(option), _label(key))
    remaining = version_differences(version, data, apps)
    if remaining:
        raise RubricDataMismatch(slug, remaining)
    return changes


def _change(old: Any, new: Any, width: int = 60) -> str:
    """``old -> new`` in short: long values start a little before where they differ."""
    old_text, new_text = repr(old), repr(new)
    same = next(
        (i for i, (a, b) in enumerate(zip(old_text, new_text, strict=False)) if a != b),
        min(len(old_text), len(new_text)),
    )
    start = max(0, same - 20)

    def cut(text: str) -> str:
        text = ("…" if start else "") + text[start:]
        return text if len(text) <= width else text[: width - 1] + "…"

    return f"{cut(old_text)} -> {cut(new_text)}"


def _label(key: int | tuple) -> str:
    """``sheet 7``, ``sheet 7 3.1`` or ``sheet 7 3.1 option 2`` from a row's natural key."""
    key = key if isinstance(key, tuple) else (key,)
    label = f"sheet {key[0]}"
    if len(key) > 1:
        label += f" {key[1]}"
    if len(key) > 2:
        label += f" option {key[2]}"
    return label
