"""Loading the official days off (``data/public_holidays.json``) into ``core.PublicHoliday``.

The file is the record of what was loaded and why (each row names its source); the admin is
where a province adds the next year's plan. Loading is idempotent: a day already present is
left as it is, so corrections made in the admin are kept."""

import datetime
import json
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "public_holidays.json"


def holiday_rows(path: Path = DATA_FILE) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        {
            "day": datetime.date.fromisoformat(day),
            "kind": kind,
            "occasion": occasion,
            "name": name,
            "source": source,
            "is_provisional": provisional,
        }
        for day, kind, occasion, name, source, provisional in data["days"]
    ]


def load_public_holidays(apps=None, path: Path = DATA_FILE) -> int:
    """Add the days of the file that are not in the table yet; returns how many were added.

    In a migration (``apps`` given) only the fields that the model has at that point are
    loaded: 0003 loads the days, 0004 their occasion and whether they are provisional."""
    if apps is None:
        from ocop.core.models import PublicHoliday
    else:
        PublicHoliday = apps.get_model("core", "PublicHoliday")
    fields = {field.name for field in PublicHoliday._meta.get_fields()}
    rows = holiday_rows(path)
    present = set(
        PublicHoliday.objects.filter(day__in=[row["day"] for row in rows]).values_list(
            "day", flat=True
        )
    )
    new = [
        PublicHoliday(**{key: value for key, value in row.items() if key in fields})
        for row in rows
        if row["day"] not in present
    ]
    PublicHoliday.objects.bulk_create(new)
    return len(new)
