import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.core import backup


class Command(BaseCommand):
    help = (
        "Write one backup archive (.tar.gz): the database (SQLite's online backup, or pg_dump), "
        "the public and private media folders, and a manifest with every file's SHA-256. "
        "Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            default="backups",
            help="A folder (the archive is named after the time) or a file ending in .tar.gz.",
        )

    def handle(self, *args, destination, **options):
        started = time.monotonic()
        try:
            archive, manifest = backup.create(Path(destination))
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        size = archive.stat().st_size
        self.stdout.write(
            f"Backup written: {archive} ({size / 1e6:.1f} MB, {len(manifest.files)} files, "
            f"{time.monotonic() - started:.1f} s)."
        )
