"""Migration rubric/0004 (corrections of 2026-12) brings the published rows of 26/2026 that
0002 loaded from the first conversion in line with the corrected files: sheet 3, 5.1, option 5
gets the 4-star minimum printed "* * * *"; sheet 7, 3.1, option 2 scores 1 point as printed."""

import importlib
import io
from contextlib import redirect_stdout

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from ocop.rubric.engine import DATA_DIR
from ocop.rubric.loading import RubricDataMismatch, check_version, correct_version_in_migration
from ocop.rubric.models import Option, PublishedVersionError, RubricVersion
from ocop.rubric.tests.test_models import snapshot

MIGRATION = "0004_correct_26_2026"


# The entry the first conversion listed for sheet 7, 3.1 (removed in 2026-12).
OLD_SHEET_7_CORRECTION = {
    "sheet": 7,
    "code": "3.1",
    "target": "option_points",
    "option": 2,
    "html": "1",
    "used": "2",
    "reason": "'Công ty TNHH; hoặc doanh nghiệp tư nhân; ...' scores 2 in the 25 other sheets "
    "with this same criterion; with 1 it would score like a household business and the "
    "1-2-3 scale of the criterion would have a hole.",
}


class CorrectionMigrationTests(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = importlib.import_module(f"ocop.rubric.migrations.{MIGRATION}")
        # The migration's historical models: no immutability guards, as in `migrate`.
        cls.apps = MigrationLoader(connection).project_state(("rubric", MIGRATION)).apps

    def historical_option(self, sheet, code, number):
        return self.apps.get_model("rubric", "Option").objects.get(
            criterion__sheet__version__slug="26-2026",
            criterion__sheet__number=sheet,
            criterion__code=code,
            number=number,
        )

    def make_rows_as_first_loaded(self):
        """The values 0002 wrote from the first conversion (before 2026-12)."""
        story = self.historical_option(3, "5.1", 5)
        story.text_vi += " * * * *"
        story.star_minimum = None
        story.save()
        company = self.historical_option(7, "3.1", 2)
        company.points = 2
        company.save()
        version = self.apps.get_model("rubric", "RubricVersion").objects.get(slug="26-2026")
        old = [{k: v for k, v in fix.items() if k != "basis"} for fix in version.corrections]
        version.corrections = [*old[:5], OLD_SHEET_7_CORRECTION, *old[5:]]
        version.save()

    def run_migration(self):
        out = io.StringIO()
        with CaptureQueriesContext(connection) as queries, redirect_stdout(out):
            self.migration.correct(self.apps, None)
        writes = [
            q["sql"]
            for q in queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        return out.getvalue(), writes

    @property
    def version(self):
        return RubricVersion.objects.get(slug="26-2026")

    def test_rows_loaded_before_the_fix_are_corrected_in_place(self):
        self.make_rows_as_first_loaded()
        story_pk = Option.objects.get(
            criterion__sheet__number=3, criterion__code="5.1", number=5
        ).pk
        problems = check_version(self.version)
        self.assertEqual(len(problems), 4, problems)
        self.assertIn("options[4].star_minimum: database None, files 4", "\n".join(problems))
        self.assertIn("options[1].points: database 2, files 1", "\n".join(problems))

        output, writes = self.run_migration()

        self.assertEqual(check_version(self.version), [])
        story = Option.objects.get(pk=story_pk)  # the same row, corrected
        self.assertEqual(story.star_minimum, 4)
        self.assertTrue(story.text_vi.endswith("truy xuất nguồn gốc điện tử"))
        self.assertEqual(
            Option.objects.get(
                criterion__sheet__version__slug="26-2026",
                criterion__sheet__number=7,
                criterion__code="3.1",
                number=2,
            ).points,
            1,
        )
        self.assertIn("4 value(s) corrected", output)
        self.assertIn("sheet 3 5.1 option 5.star_minimum: None -> 4", output)
        self.assertIn("sheet 7 3.1 option 2.points: 2 -> 1", output)
        # Three rows updated (the version and two options), nothing else: a council result
        # closed before the fix keeps its star.
        self.assertEqual(len(writes), 3, writes)
        for sql in writes:
            self.assertRegex(sql, r'^UPDATE "rubric_(option|rubricversion)"')

    def test_a_second_run_changes_nothing(self):
        self.make_rows_as_first_loaded()
        self.run_migration()
        before = snapshot()
        output, writes = self.run_migration()
        self.assertEqual((output, writes), ("", []))
        self.assertEqual(snapshot(), before)

    def test_rows_loaded_from_the_corrected_files_are_left_alone(self):
        """The test database was migrated from scratch: 0002 read the corrected files."""
        before = snapshot()
        self.assertEqual(check_version(self.version), [])
        output, writes = self.run_migration()
        self.assertEqual((output, writes), ("", []))
        self.assertEqual(snapshot(), before)

    def test_rows_of_another_shape_are_refused_before_anything_is_written(self):
        self.make_rows_as_first_loaded()
        self.historical_option(7, "3.1", 3).delete()
        before = snapshot()
        with self.assertRaises(RubricDataMismatch) as raised:
            self.run_migration()
        self.assertEqual(raised.exception.problems, ["sheet 7 3.1 option 3: only in the files"])
        self.assertEqual(snapshot(), before)

    def test_the_live_models_refuse_it(self):
        """Outside a migration the guards of a published version stop any correction."""
        self.make_rows_as_first_loaded()
        with self.assertRaises(PublishedVersionError):
            correct_version_in_migration("26-2026", data_dir=DATA_DIR, apps=None)
