"""Load the Annex I classification (6 sectors → 17 groups → 26 scoring sets) from its data file."""

import json
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "classification.json"


def read_classification() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def load_classification(sector_model, group_model, set_model) -> None:
    """Create or update every row; idempotent. Takes the models so a migration can pass its own."""
    data = read_classification()
    for row in data["sectors"]:
        sector_model.objects.update_or_create(
            code=row["code"],
            defaults={k: row[k] for k in ("numeral", "name_vi", "name_en")},
        )
    for row in data["groups"]:
        group_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "sector_id": row["sector"],
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
            },
        )
    for row in data["sets"]:
        set_model.objects.update_or_create(
            number=row["number"],
            defaults={
                "group_id": row["group"],
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "authority": row["authority"],
            },
        )
