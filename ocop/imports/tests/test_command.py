"""``manage.py import_recognitions FILE [--dry-run] [--report OUT.csv] [--province CODE]
[--user NAME]``, and a killed import process, which leaves no partial rows."""

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, TestCase

from ocop.accounts.tests.factories import province_officer
from ocop.regions.tests.factories import DIEN_BIEN, LAI_CHAU

from ..models import RecognitionImport
from .lists import DIEN_BIEN_ROWS, csv_file
from .test_commit import written


class CommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer(DIEN_BIEN, username="vp-ocop-dien-bien")

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        self.file = self.folder / "danh-sach.csv"
        self.file.write_bytes(csv_file(DIEN_BIEN_ROWS))

    def run_command(self, *args):
        output = io.StringIO()
        call_command("import_recognitions", str(self.file), *args, stdout=output)
        return output.getvalue()

    def test_a_dry_run_reports_every_row_and_writes_nothing(self):
        before = written()
        report = self.folder / "report.csv"
        output = self.run_command("--dry-run", "--report", str(report), "--province", "11")
        self.assertIn("Dry run", output)
        self.assertEqual(written(), before)
        with report.open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        self.assertEqual([row["row"] for row in rows], ["2", "3", "4", "5", "6"])
        self.assertEqual(rows[0]["commune_code"], "03226")
        self.assertEqual({row["status"] for row in rows}, {"certified", "reported"})

    def test_the_command_commits_as_the_user_named(self):
        output = self.run_command("--user", "vp-ocop-dien-bien")
        self.assertIn("Committed", output)
        job = RecognitionImport.objects.get()
        self.assertEqual((job.created_by, job.province_id), (self.office, DIEN_BIEN))
        self.assertEqual(job.status, "committed")
        # Again: every row unchanged.
        self.run_command("--user", "vp-ocop-dien-bien", "--dry-run")
        self.assertEqual(RecognitionImport.objects.latest("pk").counts, {"unchanged": 5})

    def test_rows_with_errors_stop_the_command_and_write_nothing(self):
        self.file.write_bytes(
            csv_file([*DIEN_BIEN_ROWS, [9, "", "HTX (mẫu)", "", "9", "", "", ""]])
        )
        before = written()
        with self.assertRaises(CommandError):
            self.run_command("--province", "11")
        self.assertEqual(written(), before)

    def test_a_user_outside_the_province_is_refused(self):
        province_officer(LAI_CHAU, username="vp-ocop-lai-chau")
        with self.assertRaisesMessage(CommandError, "own province"):
            self.run_command("--user", "vp-ocop-lai-chau", "--province", "11")
        self.assertFalse(RecognitionImport.objects.exists())

    def test_unknown_files_users_and_provinces_are_refused(self):
        with self.assertRaises(CommandError):
            call_command("import_recognitions", str(self.folder / "none.csv"))
        with self.assertRaises(CommandError):
            self.run_command("--user", "nobody")
        with self.assertRaises(CommandError):
            self.run_command("--province", "99")


# The child: the command, stopped after the first row is written, until it is killed.
CHILD = """
import os, sys, time
import django
django.setup()
from unittest import mock
from django.conf import settings
from django.core.management import call_command
settings.IMPORT_COMMIT_CHUNK = 1

def written(row):
    # Written whole, then renamed: the test never reads a marker half written.
    open(os.environ["MARKER"] + ".tmp", "w").write(str(row))
    os.replace(os.environ["MARKER"] + ".tmp", os.environ["MARKER"])
    time.sleep(120)

with mock.patch("ocop.imports.commit._row_written", side_effect=written):
    call_command("import_recognitions", sys.argv[1], "--province", "11")
"""

IMPORTED_TABLES = (
    "producers_producer",
    "products_product",
    "certificates_recognitiondecision",
    "certificates_certificate",
    "imports_reportedrecognition",
)


class KilledProcessTests(SimpleTestCase):
    """A real process, killed while it writes: its transaction never commits."""

    def test_a_killed_import_leaves_no_partial_rows(self):
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
            env.update(
                DJANGO_SETTINGS_MODULE="config.settings_test",
                SQLITE_PATH=str(folder / "db.sqlite3"),
                PRIVATE_MEDIA_ROOT=str(folder / "private"),
                MEDIA_ROOT=str(folder / "media"),
                MARKER=str(folder / "marker"),
            )
            manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=300)
            data = folder / "danh-sach.csv"
            data.write_bytes(csv_file(DIEN_BIEN_ROWS))
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(data)],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                deadline = time.monotonic() + 120
                while not (folder / "marker").exists():
                    if child.poll() is not None:
                        self.fail(child.stderr.read().decode()[-2000:])
                    self.assertLess(time.monotonic(), deadline, "the import never wrote a row")
                    time.sleep(0.1)
            finally:
                child.send_signal(signal.SIGKILL)
                child.wait(timeout=30)
            self.assertEqual((folder / "marker").read_text(), "2")  # the first row was written
            with sqlite3.connect(folder / "db.sqlite3") as database:
                counts = {
                    table: database.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
                    for table in IMPORTED_TABLES
                }
                status = database.execute("SELECT status FROM imports_recognitionimport").fetchall()
            self.assertEqual(counts, dict.fromkeys(IMPORTED_TABLES, 0))
            # The job stays "writing" until it is stalled, then it may be committed again.
            self.assertEqual(status, [("committing",)])
