"""The official days off: the Labour Code's holidays for any year, computed with the
``holidays`` library, and the Government's yearly plans (``data/public_holidays.json``, loaded
into ``core.PublicHoliday`` and kept in the admin). ``ocop.core.deadlines`` puts the two
together; docs/deadlines.md says which wins where they overlap.

The file is the record of what was loaded and why (each row names its source); the admin is
where a province adds the next year's plan. Loading is idempotent: a day already present is
left as it is, so corrections made in the admin are kept."""

import datetime
import functools
import json
from pathlib import Path

import holidays as holiday_library

DATA_FILE = Path(__file__).resolve().parent / "data" / "public_holidays.json"

# The library's Vietnamese names (its source language, so they do not change with a
# translation) → PublicHoliday.Occasion. A name counts when it contains the key; the library
# adds " (nghỉ bù)" to a day given in lieu of one on a weekend and names the days given for
# a Tết day on a weekend "29 Tết" or "Mùng năm/sáu Tết Nguyên Đán".
LIBRARY_OCCASIONS = (
    ("Tết Dương lịch", "new_year"),
    ("Tết Nguyên Đán", "tet"),
    ("29 Tết", "tet"),
    ("Hùng Vương", "hung_kings"),
    ("Ngày Chiến thắng", "victory_day"),
    ("Quốc tế Lao động", "labour_day"),
    ("Quốc khánh", "national_day"),
)
# Days the library has that are not taken from it:
# - Vietnam Culture Day (24/11, from 2026): a day off by Politburo Resolution 80-NQ/TW but not
#   (yet) in art. 112(1) of the Labour Code; enter it in the admin when the law says so.
# - the library's own record of some past swaps ("Ngày nghỉ (thay cho ngày …)"): swaps are
#   the Government's yearly decisions and come from PublicHoliday only, with their make-up
#   Saturdays.
LIBRARY_LEFT_OUT = ("Ngày Văn hóa Việt Nam", "Ngày nghỉ (thay cho ngày")


def library_occasion(name: str) -> str | None:
    """The occasion of one of the library's holiday names; None for a day left out."""
    for key, occasion in LIBRARY_OCCASIONS:
        if key in name:
            return occasion
    if name.startswith(LIBRARY_LEFT_OUT):
        return None
    raise ValueError(
        f"holidays {holiday_library.__version__} names a Vietnamese holiday {name!r} that "
        "ocop.core.holidays does not know: classify it in LIBRARY_OCCASIONS or LIBRARY_LEFT_OUT"
    )


@functools.cache
def labour_code_days_off(year: int) -> tuple[tuple[datetime.date, str], ...]:
    """The days off of ``year`` under Labour Code 2019 art. 111(3) and 112(1), as the library
    computes them, as (day, occasion) pairs: the fixed and lunar holidays and, for one that
    falls on a weekend, the next working day given in lieu (for Tết, a Saturday's day is given
    on the working day before Tết, a Sunday's on the one after). The Tết days are the eve and
    the first four days of the lunar year; the day next to 2 September is 1 September when
    the 2nd is a Tuesday, Wednesday, Friday or Saturday, 3 September otherwise."""
    calendar = holiday_library.country_holidays("VN", years=year, language="vi")
    days = []
    for day in sorted(calendar):
        for name in calendar.get_list(day):
            occasion = library_occasion(name)
            if occasion is not None:
                days.append((day, occasion))
    return tuple(days)


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
