import datetime
import os
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone


def referenced_files() -> dict[str, set[str]]:
    """For each storage folder, the names of the files that some row's file field holds."""
    names: dict[str, set[str]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                folder = str(Path(field.storage.location).resolve())
                values = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                names.setdefault(folder, set()).update(value for value in values if value)
    return names


def orphan_files(*, older_than: datetime.timedelta) -> list[Path]:
    """Files in the storage folders that no row names, older than ``older_than`` (younger
    ones may belong to a transaction still open)."""
    cutoff = (timezone.now() - older_than).timestamp()
    orphans = []
    for folder, names in sorted(referenced_files().items()):
        root = Path(folder)
        for directory, _, files in os.walk(root):
            for file_name in files:
                path = Path(directory) / file_name
                name = path.relative_to(root).as_posix()
                if name not in names and path.stat().st_mtime < cutoff:
                    orphans.append(path)
    return orphans


class Command(BaseCommand):
    help = (
        "Report the uploaded files that no row names (left by a crash or a restore), in the "
        "public and the private media folders; --delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove the orphans found.")
        parser.add_argument(
            "--older-than",
            type=float,
            default=1.0,
            metavar="HOURS",
            help="Only files older than this (default 1 hour: younger ones may still commit).",
        )

    def handle(self, *args, delete=False, older_than=1.0, **options):
        orphans = orphan_files(older_than=datetime.timedelta(hours=older_than))
        for path in orphans:
            self.stdout.write(str(path))
            if delete:
                path.unlink(missing_ok=True)
        verb = "removed" if delete else "found"
        self.stdout.write(f"{len(orphans)} orphan file(s) {verb}.")
