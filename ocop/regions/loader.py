"""Load administrative units from the CSV files in ocop/regions/data (written by
`manage.py export_regions`).

Loading is idempotent: missing rows are inserted, changed names updated and missing successions
added; nothing is ever deleted, because other tables point at these rows. It uses a handful of
bulk statements, so it works both with the real models (`manage.py load_regions`) and with the
historical models of a migration (`load_all(apps)`), which do not run `save()`: the folded name
is computed here."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction

from ocop.core.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = {
    "provinces": "provinces.csv",
    "communes": "communes.csv",
    "legacy_provinces": "legacy_provinces.csv",
    "legacy_districts": "legacy_districts.csv",
    "legacy_communes": "legacy_communes.csv",
    "province_successions": "province_successions.csv",
    "commune_successions": "commune_successions.csv",
}
UNIT_FIELDS = ["name", "short_name", "division_type", "folded_name"]
BATCH = 1000  # rows per INSERT; also keeps "IN (...)" lists short


@dataclass
class LoadCount:
    """What one table looked like after loading: rows in the file, inserted, updated."""

    rows: int = 0
    created: int = 0
    updated: int = 0

    def __str__(self):
        return f"{self.rows} rows, {self.created} created, {self.updated} updated"


def load_all(apps=None, *, data_dir=DATA_DIR) -> dict[str, LoadCount]:
    """Load every unit and succession; return a LoadCount per file (keys of FILES)."""
    model = _model_getter(apps)
    legacy_province = model("LegacyProvince")
    counts = {}
    with transaction.atomic():
        counts["provinces"] = _sync_units(model("Province"), _read(data_dir, "provinces"))
        counts["communes"] = _sync_units(
            model("Commune"), _read(data_dir, "communes"), parent=("province_code", "province_id")
        )
        counts["legacy_provinces"] = _sync_units(
            legacy_province, _read(data_dir, "legacy_provinces")
        )
        counts["legacy_districts"] = _sync_units(
            model("LegacyDistrict"),
            _read(data_dir, "legacy_districts"),
            parent=("province_code", "province_id"),
        )
        counts["legacy_communes"] = _sync_units(
            model("LegacyCommune"),
            _read(data_dir, "legacy_communes"),
            parent=("district_code", "district_id"),
        )
        counts["province_successions"] = _sync_province_successions(
            legacy_province, _read(data_dir, "province_successions")
        )
        counts["commune_successions"] = _sync_commune_successions(
            model("CommuneSuccession"), _read(data_dir, "commune_successions")
        )
    return counts


def _model_getter(apps):
    registry = apps or global_apps
    return lambda name: registry.get_model("regions", name)


def _read(data_dir, key):
    with open(Path(data_dir) / FILES[key], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sync_units(model, rows, parent=None):
    """Insert missing units and update changed ones. `parent` is (CSV column, model attname)."""
    column, attname = parent or (None, None)
    fields = UNIT_FIELDS + ([attname] if attname else [])
    existing = {values[0]: values[1:] for values in model.objects.values_list("code", *fields)}
    to_create, to_update = [], []
    for row in rows:
        values = (row["name"], row["short_name"], row["division_type"], fold(row["short_name"]))
        if attname:
            values += (row[column],)
        current = existing.get(row["code"])
        if current == values:
            continue
        unit = model(code=row["code"], **dict(zip(fields, values, strict=True)))
        (to_create if current is None else to_update).append(unit)
    model.objects.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=200)
    return LoadCount(rows=len(rows), created=len(to_create), updated=len(to_update))


def _sync_province_successions(legacy_province, rows):
    field = legacy_province._meta.get_field("successors")
    through = field.remote_field.through
    legacy_attname = f"{field.m2m_field_name()}_id"
    province_attname = f"{field.m2m_reverse_field_name()}_id"
    existing = set(through.objects.values_list(legacy_attname, province_attname))
    missing = [
        through(**{legacy_attname: legacy_code, province_attname: province_code})
        for legacy_code, province_code in (
            (row["legacy_province_code"], row["province_code"]) for row in rows
        )
        if (legacy_code, province_code) not in existing
    ]
    through.objects.bulk_create(missing, batch_size=BATCH)
    return LoadCount(rows=len(rows), created=len(missing))


def _sync_commune_successions(model, rows):
    """Add missing successions and correct the flags of existing ones. The historical model of
    migration 0002 has no `is_primary` yet; migration 0003 adds it and loads again."""
    has_primary = any(field.name == "is_primary" for field in model._meta.get_fields())
    flag_names = ["is_partial", "is_primary"] if has_primary else ["is_partial"]
    existing = {
        (legacy_code, code): (pk, flags)
        for pk, legacy_code, code, *flags in model.objects.values_list(
            "pk", "legacy_commune_id", "commune_id", *flag_names
        )
    }
    to_create = []
    to_update = {}  # flags → primary keys of the rows that must get them
    for row in rows:
        pair = (row["legacy_commune_code"], row["commune_code"])
        flags = tuple(row[name] == "1" for name in flag_names)
        current = existing.get(pair)
        if current is None:
            to_create.append(
                model(
                    legacy_commune_id=pair[0],
                    commune_id=pair[1],
                    **dict(zip(flag_names, flags, strict=True)),
                )
            )
        elif tuple(current[1]) != flags:
            to_update.setdefault(flags, []).append(current[0])
    model.objects.bulk_create(to_create, batch_size=BATCH)
    for flags, pks in to_update.items():
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start : start + BATCH]).update(
                **dict(zip(flag_names, flags, strict=True))
            )
    return LoadCount(
        rows=len(rows),
        created=len(to_create),
        updated=sum(len(pks) for pks in to_update.values()),
    )
