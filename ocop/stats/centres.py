"""Map marker positions: the centres of provinces and communes (``data/centres.csv``, see
``data/SOURCE.md``), read once per process from the file (no query)."""

import csv
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "centres.csv"


@cache
def centres() -> dict[tuple[str, str], tuple[float, float]]:
    """(level, code) → (latitude, longitude); level is "province" or "commune"."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            (row["level"], row["code"]): (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def points(level: str, units) -> list[dict]:
    """Markers for ``units``: (code, name, products) triples; units without a known centre
    are left out (the table beside the map lists every unit)."""
    known = centres()
    markers = []
    for code, name, products in units:
        position = known.get((level, code))
        if position is not None and products:
            markers.append(
                {"name": name, "lat": position[0], "lon": position[1], "products": products}
            )
    return markers
