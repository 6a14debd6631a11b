"""The units loaded by migration from ocop/regions/data, and the loader that puts them there."""

import filecmp
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Q
from django.test import TestCase

from ocop.regions.loader import DATA_DIR, FILES, load_all
from ocop.regions.models import (
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
)

PROVINCE_SUCCESSIONS = LegacyProvince.successors.through


def table_counts():
    return {
        "provinces": Province.objects.count(),
        "communes": Commune.objects.count(),
        "legacy_provinces": LegacyProvince.objects.count(),
        "legacy_districts": LegacyDistrict.objects.count(),
        "legacy_communes": LegacyCommune.objects.count(),
        "province_successions": PROVINCE_SUCCESSIONS.objects.count(),
        "commune_successions": CommuneSuccession.objects.count(),
    }


EXPECTED_COUNTS = {
    "provinces": 34,
    "communes": 3321,
    "legacy_provinces": 63,
    "legacy_districts": 696,
    "legacy_communes": 10051,
    "province_successions": 63,
    "commune_successions": 10554,
}


def empty_the_tables():
    CommuneSuccession.objects.all().delete()
    LegacyCommune.objects.all().delete()
    LegacyDistrict.objects.all().delete()
    PROVINCE_SUCCESSIONS.objects.all().delete()
    LegacyProvince.objects.all().delete()
    Commune.objects.all().delete()
    Province.objects.all().delete()


class LoadedUnitsTests(TestCase):
    """What the migrations loaded into the test database."""

    def test_all_units_of_both_structures_and_the_successions_are_loaded(self):
        self.assertEqual(table_counts(), EXPECTED_COUNTS)

    def test_dien_bien_has_its_45_communes_today_and_10_legacy_districts(self):
        self.assertEqual(Commune.objects.filter(province="11").count(), 45)
        self.assertEqual(LegacyDistrict.objects.filter(province="11").count(), 10)
        self.assertEqual(
            list(LegacyProvince.objects.get(code="11").successors.values_list("code", flat=True)),
            ["11"],
        )

    def test_codes_are_zero_padded_and_names_split_from_their_prefix(self):
        unit = LegacyCommune.objects.select_related("district__province").get(code="03307")
        self.assertEqual(
            (unit.name, unit.short_name, unit.division_type, unit.folded_name),
            ("Xã Ẳng Nưa", "Ẳng Nưa", "xã", "ang nua"),
        )
        self.assertEqual(
            (unit.district.code, unit.district.name, unit.district.short_name),
            ("102", "Huyện Mường Ảng", "Mường Ảng"),
        )
        self.assertEqual(LegacyDistrict.objects.get(code="094").short_name, "Điện Biên Phủ")
        self.assertEqual(Province.objects.get(code="11").short_name, "Điện Biên")
        self.assertEqual(Province.objects.get(code="01").short_name, "Hà Nội")
        self.assertEqual(Commune.objects.get(code="00004").folded_name, "ba dinh")

    def test_every_legacy_province_has_a_successor(self):
        self.assertFalse(LegacyProvince.objects.filter(successors__isnull=True).exists())
        # The package also lists Tiền Giang → Tây Ninh because of one misfiled ward; dropped.
        self.assertEqual(
            list(LegacyProvince.objects.get(code="82").successors.values_list("code", flat=True)),
            ["82"],
        )

    def test_every_mapped_legacy_commune_has_exactly_one_main_successor(self):
        primaries = (
            LegacyCommune.objects.annotate(
                successions_count=Count("successions"),
                primary_count=Count("successions", filter=Q(successions__is_primary=True)),
            )
            .filter(successions_count__gt=0)
            .exclude(primary_count=1)
        )
        self.assertFalse(primaries.exists())

    def test_split_communes_are_flagged_partial_and_their_main_successor_chosen(self):
        def successors(code):
            return list(
                CommuneSuccession.objects.filter(legacy_commune=code)
                .order_by("-is_primary", "commune")
                .values_list("commune", "is_primary", "is_partial")
            )

        # Phường Ngọc Hà went partly to Ba Đình and Ngọc Hà: the one keeping its name leads.
        self.assertEqual(successors("00016"), [("00008", True, True), ("00004", False, True)])
        # Phường Hàng Trống: the successor keeping its code (its seat) leads.
        self.assertEqual(successors("00070"), [("00070", True, True), ("00082", False, True)])
        # Neither: the first listed.
        self.assertEqual(successors("00019")[0], ("00004", True, True))
        # Whole communes are not partial.
        self.assertEqual(successors("03307"), [("03256", True, False)])


class LoaderTests(TestCase):
    def test_loading_again_changes_nothing(self):
        counts = load_all()
        self.assertEqual({key: count.rows for key, count in counts.items()}, EXPECTED_COUNTS)
        self.assertEqual(sum(count.created + count.updated for count in counts.values()), 0)
        self.assertEqual(table_counts(), EXPECTED_COUNTS)

    def test_loading_restores_changed_names_and_missing_successions_and_keeps_extra_rows(self):
        Commune.objects.filter(code="03256").update(name="Xã Sai Tên", folded_name="sai ten")
        CommuneSuccession.objects.filter(legacy_commune="03307").delete()
        CommuneSuccession.objects.filter(legacy_commune="00016", commune="00008").update(
            is_primary=False
        )
        extra = Commune.objects.create(
            code="99999", name="Xã Thử", short_name="Thử", division_type="xã", province_id="11"
        )

        counts = load_all()

        self.assertEqual((counts["communes"].created, counts["communes"].updated), (0, 1))
        self.assertEqual(counts["commune_successions"].created, 1)
        self.assertEqual(counts["commune_successions"].updated, 1)
        unit = Commune.objects.get(code="03256")
        self.assertEqual((unit.name, unit.folded_name), ("Xã Mường Ảng", "muong ang"))
        self.assertTrue(
            CommuneSuccession.objects.filter(
                legacy_commune="03307", commune="03256", is_primary=True
            ).exists()
        )
        self.assertTrue(
            CommuneSuccession.objects.get(legacy_commune="00016", commune="00008").is_primary
        )
        self.assertTrue(Commune.objects.filter(pk=extra.pk).exists())

    def test_loading_into_empty_tables_creates_everything(self):
        empty_the_tables()
        counts = load_all()
        self.assertEqual({key: count.created for key, count in counts.items()}, EXPECTED_COUNTS)
        self.assertEqual(table_counts(), EXPECTED_COUNTS)
        self.assertEqual(LegacyCommune.objects.get(code="03307").folded_name, "ang nua")

    def test_historical_models_of_a_migration_get_folded_names_too(self):
        empty_the_tables()
        state = MigrationExecutor(connection).loader.project_state(("regions", "0002_load_units"))
        load_all(state.apps)
        self.assertEqual(table_counts(), EXPECTED_COUNTS)
        self.assertEqual(LegacyCommune.objects.get(code="03307").folded_name, "ang nua")
        self.assertEqual(LegacyDistrict.objects.get(code="102").folded_name, "muong ang")
        self.assertTrue(
            CommuneSuccession.objects.get(legacy_commune="00016", commune="00008").is_primary
        )

    def test_load_regions_command_prints_counts_and_time(self):
        out = StringIO()
        call_command("load_regions", stdout=out)
        output = out.getvalue()
        self.assertIn("legacy_communes: 10051 rows, 0 created, 0 updated", output)
        self.assertIn("Loaded in", output)


class ExportTests(TestCase):
    def test_export_from_the_installed_package_reproduces_the_committed_files(self):
        with tempfile.TemporaryDirectory() as folder:
            call_command("export_regions", output_dir=folder, stdout=StringIO())
            names = [*FILES.values(), "SOURCE.md"]
            _, mismatch, errors = filecmp.cmpfiles(DATA_DIR, Path(folder), names, shallow=False)
        self.assertEqual((mismatch, errors), ([], []))
