import time
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ocop.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive written by `manage.py backup`: check every file against the "
        "manifest, restore the database and both media folders (the folders replaced are kept "
        "beside them), then run verify_audit_chain and reconcile_stats. Stop the web servers "
        "and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask before replacing the current data."
        )

    def handle(self, *args, archive, yes=False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        if not yes and input("This replaces the database and the media. Type 'yes': ") != "yes":
            raise CommandError("Nothing restored.")
        started = time.monotonic()
        try:
            manifest, kept = backup.restore(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the backup of {manifest.created_at} ({len(manifest.files)} files) in "
            f"{time.monotonic() - started:.1f} s."
        )
        for folder in kept:
            self.stdout.write(f"The folder replaced is kept as {folder}")
        call_command("verify_audit_chain", stdout=self.stdout, stderr=self.stderr)
        report = StringIO()
        call_command("reconcile_stats", stdout=report)
        self.stdout.write(report.getvalue().rstrip())
