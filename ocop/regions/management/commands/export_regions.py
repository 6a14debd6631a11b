"""Write the administrative units of the `vietnam-provinces` package to the CSV files in
ocop/regions/data, which `load_regions` (and migration 0002) read.

This is the only code that imports the package; run it when a new version of the package is
installed, review the diff of the CSV files, and commit them."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.core.text import fold
from ocop.regions.loader import DATA_DIR, FILES

# The prefix each division type puts before the proper name ("Tỉnh Điện Biên" → "Điện Biên").
PREFIXES = {
    "tỉnh": "Tỉnh",
    "thành phố trung ương": "Thành phố",
    "xã": "Xã",
    "phường": "Phường",
    "đặc khu": "Đặc khu",
    "thị trấn": "Thị trấn",
    "huyện": "Huyện",
    "quận": "Quận",
    "thành phố": "Thành phố",
    "thị xã": "Thị xã",
}


class Command(BaseCommand):
    help = "Export administrative units from the vietnam-provinces package to ocop/regions/data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(DATA_DIR),
            help="Folder for the CSV files (default: %(default)s).",
        )

    def handle(self, *args, output_dir, **options):
        try:
            import vietnam_provinces
            from vietnam_provinces import Province, Ward, legacy
            from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_MAP
            from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_MAP
        except ImportError as error:
            raise CommandError(
                "The vietnam-provinces package is not installed "
                "(pip install -r requirements-dev.txt)."
            ) from error

        output = Path(output_dir)
        output.mkdir(parents=True, exist_ok=True)

        provinces = sorted(_unit_row(p, 2) for p in Province.iter_all())
        communes = sorted(
            _unit_row(w, 5, parent=_code(w.province_code, 2)) for w in Ward.iter_all()
        )
        legacy_provinces = sorted(_unit_row(p, 2) for p in legacy.Province.iter_all())
        legacy_districts = sorted(
            _unit_row(d, 3, parent=_code(d.province_code, 2)) for d in legacy.District.iter_all()
        )
        legacy_communes = sorted(
            _unit_row(w, 5, parent=_code(w.district_code, 3)) for w in legacy.Ward.iter_all()
        )

        commune_names = {row[0]: fold(row[3]) for row in communes}
        commune_province = {row[0]: row[1] for row in communes}
        legacy_commune_names = {row[0]: fold(row[3]) for row in legacy_communes}
        district_province = {row[0]: row[1] for row in legacy_districts}
        legacy_commune_province = {row[0]: district_province[row[1]] for row in legacy_communes}

        commune_successions = []
        unknown_legacy = []
        for entry in WARD_MAP.values():
            legacy_code = _code(entry.old_ward.code, 5)
            if legacy_code not in legacy_commune_names:
                unknown_legacy.append(legacy_code)
                continue
            successors = [_code(ref.code, 5) for ref in entry.new_wards]
            unknown = [code for code in successors if code not in commune_names]
            if unknown:
                raise CommandError(f"Legacy commune {legacy_code} maps to unknown {unknown}.")
            primary = _primary(legacy_code, successors, legacy_commune_names, commune_names)
            is_partial = "1" if entry.old_ward.is_partly_merged else "0"
            for code in successors:
                commune_successions.append(
                    (legacy_code, code, is_partial, "1" if code == primary else "0")
                )
        commune_successions.sort()

        # Province successions: the package's table, keeping only the pairs that at least one
        # commune succession supports when communes are placed by the legacy hierarchy itself.
        supported = {
            (legacy_commune_province[legacy_code], commune_province[code])
            for legacy_code, code, _, _ in commune_successions
        }
        listed = {
            (_code(old, 2), _code(ref.code, 2))
            for old, entry in PROVINCE_MAP.items()
            for ref in entry.new_provinces
        }
        province_successions = sorted(listed & supported)
        dropped_provinces = sorted(listed - supported)
        missing_provinces = sorted(supported - listed)

        unmapped = sorted(set(legacy_commune_names) - {row[0] for row in commune_successions})

        header = ["code", "name", "short_name", "division_type"]
        files = {
            "provinces": (header, provinces),
            "communes": (["code", "province_code", *header[1:]], communes),
            "legacy_provinces": (header, legacy_provinces),
            "legacy_districts": (["code", "province_code", *header[1:]], legacy_districts),
            "legacy_communes": (["code", "district_code", *header[1:]], legacy_communes),
            "province_successions": (
                ["legacy_province_code", "province_code"],
                province_successions,
            ),
            "commune_successions": (
                ["legacy_commune_code", "commune_code", "is_partial", "is_primary"],
                commune_successions,
            ),
        }
        for key, (columns, rows) in files.items():
            with open(output / FILES[key], "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                writer.writerows(rows)
            self.stdout.write(f"{FILES[key]}: {len(rows)} rows")

        (output / "SOURCE.md").write_text(
            _source_text(
                version=vietnam_provinces.__version__,
                data_date=getattr(vietnam_provinces, "__data_version__", "unknown"),
                counts={key: len(rows) for key, (_, rows) in files.items()},
                unknown_legacy=sorted(unknown_legacy),
                unmapped=unmapped,
                dropped_provinces=dropped_provinces,
                missing_provinces=missing_provinces,
            ),
            encoding="utf-8",
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote the administrative units to {output}."))


def _code(value, width):
    return str(int(value)).zfill(width)


def _unit_row(unit, width, parent=None):
    """(code, [parent code,] name, short name, division type) of one unit of the package."""
    division_type = str(unit.division_type)
    prefix = PREFIXES.get(division_type)
    if prefix is None or not unit.name.lower().startswith(prefix.lower() + " "):
        raise CommandError(f"{unit.name!r} does not start with the prefix of {division_type!r}.")
    # The prefix is spelt one way ("xã Bắc Sơn", "Thành Phố Bắc Kạn" occur in the package).
    short_name = unit.name[len(prefix) + 1 :].strip()
    name = f"{prefix} {short_name}"
    row = [_code(unit.code, width), name, short_name, division_type]
    if parent is not None:
        row.insert(1, parent)
    return tuple(row)


def _primary(legacy_code, successors, legacy_names, names):
    """The successor that most of a split legacy commune went to. The package does not say;
    the best signals are the new commune keeping the legacy code (its seat) or its name."""
    if legacy_code in successors:
        return legacy_code
    for code in successors:
        if names[code] == legacy_names[legacy_code]:
            return code
    return successors[0]


def _source_text(
    *, version, data_date, counts, unknown_legacy, unmapped, dropped_provinces, missing_provinces
):
    def codes(items):
        return ", ".join(items) if items else "none"

    def pairs(items):
        return ", ".join(f"{old} → {new}" for old, new in items) if items else "none"

    return f"""# Source of the administrative units

Generated by `manage.py export_regions`; do not edit by hand.

- Package: `vietnam-provinces` {version} (PyPI), by Nguyễn Hồng Quân and contributors, data
  retrieved {data_date}, from the codes and names of the General Statistics Office of Viet Nam
  and the official old → new conversion table (effective 2025-07-01).
- Licence of the package and of these derived files: GPL-3.0-or-later. The OCOP platform that
  ships them is AGPL-3.0-or-later, which is compatible.

| file | rows |
| --- | --- |
{chr(10).join(f"| {FILES[key]} | {count} |" for key, count in counts.items())}

Notes on the conversion table:
- Entries for legacy communes that the package's legacy list does not contain are skipped:
  {codes(unknown_legacy)}.
- Legacy communes without any successor in the table: {codes(unmapped)}.
- Division prefixes are spelt one way ("xã Bắc Sơn" → "Xã Bắc Sơn", "Thành Phố" → "Thành phố").
- `is_partial` is the package's `is_partly_merged` flag of the legacy commune (only part of
  it went to each listed successor).
- `is_primary` marks one successor per legacy commune. The package does not name one; the
  export takes the successor that kept the legacy commune's code (its seat), else the one that
  kept its name, else the first listed.
- Province successions are the package's province table, keeping the pairs that at least one
  commune succession supports. Dropped (a commune listed under the wrong legacy province):
  {pairs(dropped_provinces)}. Supported but not listed: {pairs(missing_provinces)}.
"""
