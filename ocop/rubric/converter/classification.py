"""Annex I (6 sectors, 17 groups and their sub-groups, with the authorities that manage them) and
the Annex II list of the 26 scoring sets, read from the decision into ``classification.json``.
"""

from __future__ import annotations

import re
from typing import Any

from .decision import GROUP_NAMES_EN, SECTOR_NAMES_EN, SHEET_GROUPS, SHEET_NAMES_EN, VERSION_SLUG
from .document import Block, ConversionError, Table, cell_text, find_anchor

_ROMAN = ("I", "II", "III", "IV", "V", "VI")


def parse_classification(blocks: list[Block]) -> dict[str, Any]:
    start = find_anchor(blocks, "chuong_pl_1")
    annex_one = next(block for block in blocks[start:] if isinstance(block, Table))
    sectors: list[dict[str, Any]] = []
    group: dict[str, Any] | None = None
    for row in annex_one.rows[1:]:
        number, name = cell_text(row[0]), cell_text(row[1])
        authority = cell_text(row[2]) if len(row) > 2 else ""
        authorities = [part.strip() for part in authority.split(";") if part.strip()]
        if number in _ROMAN:
            sector_name = name.removeprefix("SẢN PHẨM ").strip()
            sectors.append(
                {
                    "code": number,
                    "name_vi": "Sản phẩm " + sector_name.lower(),
                    "name_en": SECTOR_NAMES_EN[number],
                    "groups": [],
                }
            )
        elif number.isdigit():
            code = f"{sectors[-1]['code']}.{number}"
            group = {
                "code": code,
                "number": number,
                "name_vi": _strip_label(name, "Nhóm:"),
                "name_en": GROUP_NAMES_EN[code],
                "authorities_vi": authorities,
                "subgroups": [],
            }
            sectors[-1]["groups"].append(group)
        elif re.fullmatch(r"[a-zđ]", number) and group is not None:
            code = f"{group['code']}.{number}"
            group["subgroups"].append(
                {
                    "code": code,
                    "letter": number,
                    "name_vi": _strip_label(name, "Phân nhóm:"),
                    "name_en": GROUP_NAMES_EN[code],
                    "authorities_vi": authorities,
                }
            )
        else:
            raise ConversionError(f"unexpected Annex I row: {number!r} {name!r}")
    groups = [group for sector in sectors for group in sector["groups"]]
    if len(sectors) != 6 or len(groups) != 17:
        raise ConversionError(f"Annex I: {len(sectors)} sectors, {len(groups)} groups")

    annex_two = find_anchor(blocks, "chuong_pl_2")
    index_table = next(block for block in blocks[annex_two:] if isinstance(block, Table))
    by_code = {group["code"]: group for group in groups}
    by_code.update({sub["code"]: sub for group in groups for sub in group["subgroups"]})
    sheets = []
    for row in index_table.rows[1:]:
        number = int(cell_text(row[0]))
        name = _strip_label(cell_text(row[1]), "Bộ sản phẩm:")
        group_code = SHEET_GROUPS[number]
        target = by_code[group_code]
        target["sheet"] = number
        sector_code, group_number = group_code.split(".")[:2]
        sheets.append(
            {
                "number": number,
                "name_vi": name,
                "name_en": SHEET_NAMES_EN[number],
                "sector": sector_code,
                "group": f"{sector_code}.{group_number}",
                "subgroup": group_code if group_code.count(".") == 2 else None,
            }
        )
    if [sheet["number"] for sheet in sheets] != list(range(1, 27)):
        raise ConversionError("Annex II must list the scoring sets 1..26")
    for group in groups:
        # A group is scored by its own set only when it has no sub-groups.
        if not group["subgroups"] and "sheet" not in group:
            raise ConversionError(f"group {group['code']} has no scoring set")
        for sub in group["subgroups"]:
            if "sheet" not in sub:
                raise ConversionError(f"sub-group {sub['code']} has no scoring set")
    return {"version": VERSION_SLUG, "sectors": sectors, "sheets": sheets}


def _strip_label(text: str, label: str) -> str:
    return text.removeprefix(label).strip()
