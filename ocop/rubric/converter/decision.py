"""What the converter knows of Decision 26/2026/QĐ-TTg beyond what its HTML says in a form a
program can read: the version's facts (dates, parts, bands, the articles they come from), the
English names of the sectors, groups and scoring sets, and the group each set scores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

VERSION_SLUG = "26-2026"


DEFAULT_OUTPUT_DIR = Path(__file__).resolve().parent.parent / "data" / VERSION_SLUG


VERSION_INFO: dict[str, Any] = {
    "slug": VERSION_SLUG,
    "instrument": "26/2026/QĐ-TTg",
    "title_vi": (
        "Quyết định ban hành Bộ tiêu chí và quy trình đánh giá, phân hạng sản phẩm "
        "mỗi xã một sản phẩm"
    ),
    "title_en": "Decision issuing the OCOP criteria and the evaluation and rating procedure",
    "issuer_vi": "Thủ tướng Chính phủ",
    "signed_on": "2026-05-22",
    # Article 11(1): "Quyết định này có hiệu lực thi hành từ ngày 22 tháng 5 năm 2026."
    "effective_from": "2026-05-22",
    # Article 11(2): 148/QĐ-TTg and 1489/QĐ-TTg lapse 60 days after this decision takes
    # effect, i.e. 2026-05-22 + 60 days.
    "supersedes": [
        {"instrument": "148/QĐ-TTg", "signed_on": "2023-02-24", "lapses_on": "2026-07-21"},
        {"instrument": "1489/QĐ-TTg", "signed_on": "2025-07-06", "lapses_on": "2026-07-21"},
    ],
    "legal_basis_vi": {
        "effective": "Điều 11 khoản 1",
        "lapse_of_predecessors": "Điều 11 khoản 2",
        "bands": "Điều 3 khoản 3",
        "transition": "Điều 12",
    },
    "parts": {"A": 40, "B": 25, "C": 35},
    "total": 100,
    "bands": [
        {"star": 5, "min": 90, "max": 100, "max_inclusive": True},
        {"star": 4, "min": 70, "max": 90, "max_inclusive": False},
        {"star": 3, "min": 50, "max": 70, "max_inclusive": False},
        {"star": 2, "min": 30, "max": 50, "max_inclusive": False},
        {"star": 1, "min": 0, "max": 30, "max_inclusive": False},
    ],
    "sheet_count": 26,
}


# Short English names of the 26 scoring sets (Annex II list), for code and English UI.
SHEET_NAMES_EN = {
    1: "Fresh vegetables, fruit and nuts",
    2: "Fresh meat, fish, eggs and milk",
    3: "Rice, cereals and other pre-processed grains",
    4: "Honey, other syrups and other farm foods",
    5: "Fast food",
    6: "Processed from rice and cereals",
    7: "Processed from vegetables, fruit and nuts",
    8: "Processed from meat, fish, eggs, milk and honey",
    9: "Sauces, fish sauce and other liquid spices",
    10: "Other spices",
    11: "Tea (fresh and processed)",
    12: "Herbal teas from other plants",
    13: "Coffee and cocoa",
    14: "White spirits",
    15: "Other alcoholic drinks",
    16: "Natural mineral and bottled water",
    17: "Other soft drinks",
    18: "Functional foods, herbal and traditional medicines",
    19: "Cosmetics with herbal ingredients",
    20: "Essential oils and other herbs",
    21: "Handicrafts (household and decorative)",
    22: "Textiles and garments",
    23: "Flowers",
    24: "Ornamental plants",
    25: "Ornamental animals",
    26: "Community tourism, ecotourism and tourist sites",
}


SECTOR_NAMES_EN = {
    "I": "Food",
    "II": "Drinks",
    "III": "Herbal medicine and herbal products",
    "IV": "Handicrafts",
    "V": "Ornamental plants and animals",
    "VI": "Community tourism, ecotourism and tourist sites",
}


GROUP_NAMES_EN = {
    "I.1": "Fresh food",
    "I.1.a": "Fresh vegetables, fruit and nuts",
    "I.1.b": "Fresh meat, fish, eggs and milk",
    "I.2": "Raw and pre-processed food",
    "I.2.a": "Rice, cereals and other pre-processed grains",
    "I.2.b": "Honey, other syrups and other farm foods",
    "I.3": "Processed food",
    "I.3.a": "Fast food",
    "I.3.b": "Processed from rice and cereals",
    "I.3.c": "Processed from vegetables, fruit and nuts",
    "I.3.d": "Processed from meat, eggs, milk, fish, honey and other farm foods",
    "I.4": "Spices",
    "I.4.a": "Sauces, fish sauce and other liquid spices",
    "I.4.b": "Other spices",
    "I.5": "Tea",
    "I.5.a": "Fresh and processed tea",
    "I.5.b": "Tea products from other plants",
    "I.6": "Coffee and cocoa",
    "II.1": "Alcoholic drinks",
    "II.1.a": "White spirits",
    "II.1.b": "Other alcoholic drinks",
    "II.2": "Soft drinks",
    "II.2.a": "Natural mineral and bottled water",
    "II.2.b": "Other soft drinks",
    "III.1": "Functional foods, herbal and traditional medicines",
    "III.2": "Cosmetics with herbal ingredients",
    "III.3": "Essential oils and other herbs",
    "IV.1": "Household and decorative handicrafts",
    "IV.2": "Textiles and garments",
    "V.1": "Flowers",
    "V.2": "Ornamental plants",
    "V.3": "Ornamental animals",
    "VI.1": "Community tourism, ecotourism and tourist sites",
}


# Annex II numbers its 26 sets in the order of Annex I's groups and sub-groups; each set maps
# to exactly one (sub-)group. Checked against the names at conversion time.
SHEET_GROUPS = {
    1: "I.1.a",
    2: "I.1.b",
    3: "I.2.a",
    4: "I.2.b",
    5: "I.3.a",
    6: "I.3.b",
    7: "I.3.c",
    8: "I.3.d",
    9: "I.4.a",
    10: "I.4.b",
    11: "I.5.a",
    12: "I.5.b",
    13: "I.6",
    14: "II.1.a",
    15: "II.1.b",
    16: "II.2.a",
    17: "II.2.b",
    18: "III.1",
    19: "III.2",
    20: "III.3",
    21: "IV.1",
    22: "IV.2",
    23: "V.1",
    24: "V.2",
    25: "V.3",
    26: "VI.1",
}
