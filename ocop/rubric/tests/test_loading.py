"""Loading versions from their files: idempotent, validated, several versions side by side,
and the rows never drift from the files the engine scores from."""

import io
import json
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from ocop.core.models import AuditEvent
from ocop.rubric.engine import DATA_DIR, load_sheet, score_sheet
from ocop.rubric.loading import RubricDataMismatch, check_version, read_version_data, sheets_as_data
from ocop.rubric.models import Criterion, RubricVersion, Sheet
from ocop.rubric.tests.factories import (
    TOY_CODE,
    TOY_DATA_DIR,
    TOY_SLUG,
    copy_toy_version,
    load_toy_version,
)
from ocop.rubric.tests.test_models import snapshot
from ocop.rubric.validation import RubricValidationError

from ..services import load_version_from_data


def rewrite(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


class LoadedDecisionTests(TestCase):
    def test_rows_of_26_2026_equal_its_files_sheet_by_sheet(self):
        version = RubricVersion.objects.get(slug="26-2026")
        files = read_version_data("26-2026", DATA_DIR)
        with self.assertNumQueries(3):  # sheets, criteria, options
            rows = sheets_as_data(version)
        self.assertEqual(len(rows), 26)
        for row, file in zip(rows, files.sheets, strict=True):
            self.assertEqual(row, file, f"sheet {file['number']}")
        self.assertEqual(check_version(version), [])

    def test_loading_26_2026_again_changes_nothing(self):
        before, events = snapshot(), AuditEvent.objects.count()
        result = load_version_from_data("26-2026")
        self.assertFalse(result.created)
        self.assertEqual(result.version.slug, "26-2026")
        out = io.StringIO()
        call_command("load_rubric", version="26/2026", stdout=out)
        self.assertIn("already loaded and equal to its files", out.getvalue())
        self.assertEqual(snapshot(), before)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_load_rubric_check_passes_when_the_rows_equal_the_files(self):
        out = io.StringIO()
        call_command("load_rubric", check=True, stdout=out)
        self.assertIn("26/2026/QĐ-TTg: rows equal the files.", out.getvalue())

    def test_unknown_version_is_an_error(self):
        with self.assertRaisesMessage(CommandError, "unknown rubric version '1048/2019'"):
            call_command("load_rubric", version="1048/2019")


@override_settings(RUBRIC_DATA_DIRS=[TOY_DATA_DIR])
class SecondVersionTests(TestCase):
    """A small second version (99/2099, parts A 35 / B 25 / C 40) lives beside 26/2026."""

    @classmethod
    def setUpTestData(cls):
        out = io.StringIO()
        call_command("load_rubric", version=TOY_CODE, stdout=out)
        cls.output = out.getvalue()
        cls.toy = RubricVersion.objects.get(slug=TOY_SLUG)
        cls.decision = RubricVersion.objects.get(slug="26-2026")

    def test_the_command_loads_and_publishes_it_with_an_audit_event(self):
        self.assertIn("Loaded 99/2099/QĐ-THU: 2 sheets, 15 criteria, 30 options", self.output)
        self.assertEqual(self.toy.status, RubricVersion.Status.PUBLISHED)
        event = AuditEvent.objects.get(action="rubric.version_published")
        self.assertEqual(event.object_id, str(self.toy.pk))
        self.assertEqual(event.actor_name, "system")
        self.assertEqual((event.old_status, event.new_status), ("draft", "published"))

    def test_both_versions_keep_their_own_sheets_and_parts(self):
        self.assertEqual(self.toy.part_maxima, {"A": 35, "B": 25, "C": 40})
        self.assertEqual(self.decision.part_maxima, {"A": 40, "B": 25, "C": 35})
        self.assertEqual(self.toy.sheets.count(), 2)
        self.assertEqual(self.decision.sheets.count(), 26)
        first_sheets = Sheet.objects.filter(number=1).order_by("version__slug")
        self.assertEqual(
            [(s.version.code, s.name_vi) for s in first_sheets],
            [("26/2026", "Rau, củ, quả, hạt tươi"), ("99/2099", "Rau tươi (thử nghiệm)")],
        )
        self.assertEqual(
            list(
                Criterion.objects.filter(sheet__version=self.toy, sheet__number=1).values_list(
                    "code", "kind", "parent__code"
                )
            ),
            [
                ("1", "heading", None),
                ("1.1", "criterion", "1"),
                ("1.2", "yes_no", "1"),
                ("2", "criterion", None),
                ("3", "heading", None),
                ("3.1", "criterion", "3"),
                ("3.2", "criterion", "3"),
                ("4", "heading", None),
                ("4.1", "criterion", "4"),
                ("4.2", "criterion", "4"),
            ],
        )
        self.assertEqual(check_version(self.toy), [])
        self.assertEqual(check_version(self.decision), [])

    def test_each_sheet_row_gives_the_engine_sheet_of_its_version(self):
        toy_sheet = self.toy.sheets.get(number=1).engine_sheet()
        decision_sheet = self.decision.sheets.get(number=1).engine_sheet()
        self.assertEqual((toy_sheet.version, decision_sheet.version), (TOY_SLUG, "26-2026"))
        self.assertEqual([part.max_points for part in toy_sheet.parts], [35, 25, 40])
        self.assertEqual(score_sheet(toy_sheet, {"2": 3}).total, 15)
        self.assertEqual(score_sheet(decision_sheet, {"2.1": 3}).total, 3)

    def test_loading_it_again_is_a_no_op(self):
        before = snapshot()
        call_command("load_rubric", version=TOY_SLUG, stdout=io.StringIO())
        self.assertEqual(snapshot(), before)


class DriftTests(TestCase):
    """Rows and files cannot differ silently."""

    def setUp(self):
        self.data_dir = copy_toy_version(Path(self.enterContext(tempfile.TemporaryDirectory())))
        self.sheet_file = self.data_dir / TOY_SLUG / "sheet-01.json"

    def test_a_published_version_whose_files_changed_is_refused_and_not_rewritten(self):
        load_toy_version(data_dir=self.data_dir)
        before = snapshot()

        def change(data):
            data["parts"][1]["children"][0]["children"][0]["options"][1]["text_vi"] = "Bán xa"

        rewrite(self.sheet_file, change)
        with self.assertRaises(RubricDataMismatch) as raised:
            load_toy_version(data_dir=self.data_dir)
        self.assertEqual(
            raised.exception.problems,
            [
                "sheet 1.parts[1].children[0].children[0].options[1].text_vi: "
                "database 'Bán trong tỉnh', files 'Bán xa'"
            ],
        )
        self.assertEqual(snapshot(), before)
        with self.settings(RUBRIC_DATA_DIRS=[self.data_dir]):
            err = io.StringIO()
            with self.assertRaisesMessage(CommandError, "1 rubric version(s) differ"):
                call_command("load_rubric", check=True, stdout=io.StringIO(), stderr=err)
        self.assertIn("options[1].text_vi: database 'Bán trong tỉnh'", err.getvalue())

    def test_a_draft_whose_files_changed_is_rebuilt_from_them(self):
        draft = load_toy_version(publish=False, data_dir=self.data_dir)
        rewrite(self.sheet_file, lambda data: data.update(name_vi="Rau (sửa)"))
        version = load_toy_version(data_dir=self.data_dir)
        self.assertNotEqual(version.pk, draft.pk)
        self.assertTrue(version.is_published)
        self.assertEqual(version.sheets.get(number=1).name_vi, "Rau (sửa)")
        self.assertEqual(RubricVersion.objects.filter(slug=TOY_SLUG).count(), 1)

    def test_invalid_files_are_refused_before_anything_is_written(self):
        def break_points(data):
            data["parts"][2]["children"][0]["children"][1]["options"][2]["points"] = 25

        rewrite(self.sheet_file, break_points)
        before = snapshot()
        with self.assertRaises(RubricValidationError) as raised:
            load_toy_version(data_dir=self.data_dir)
        self.assertIn("4.2: worth 20 but its best option gives 25", str(raised.exception))
        self.assertEqual(snapshot(), before)

    def test_a_version_file_with_parts_not_adding_to_100_is_refused(self):
        rewrite(
            self.data_dir / TOY_SLUG / "version.json",
            lambda data: data["parts"].update(C=41),
        )
        before = snapshot()
        with self.assertRaisesMessage(RubricValidationError, "parts add up to 101"):
            load_toy_version(data_dir=self.data_dir)
        self.assertEqual(snapshot(), before)


def test_engine_cache_does_not_mix_versions():
    """The same sheet number in two versions gives two different engine sheets."""
    assert load_sheet(1, TOY_SLUG, TOY_DATA_DIR).name_vi == "Rau tươi (thử nghiệm)"
    assert load_sheet(1).name_vi == "Rau, củ, quả, hạt tươi"
