"""``manage.py import_recognitions FILE [--dry-run] [--report OUT.csv] [--province CODE]
[--user NAME]``: check a recognition list and, unless ``--dry-run``, write it, all or nothing.
The import is kept as the upload page keeps it (file, report, who, when, audit events)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ocop.imports import services
from ocop.imports.models import RecognitionImport
from ocop.regions.models import Province

Status = RecognitionImport.Status
SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Import a recognition list (XLSX, XLS or CSV): check it, then write it all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the list: .xlsx, .xls or .csv")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report only; write nothing"
        )
        parser.add_argument("--report", metavar="OUT.csv", help="write the row-by-row report here")
        parser.add_argument(
            "--province",
            metavar="CODE",
            help="the province imported into (today's code); rows elsewhere are errors",
        )
        parser.add_argument(
            "--sample",
            action="store_true",
            help="mark what the list creates as sample data (demonstration lists)",
        )
        parser.add_argument(
            "--user",
            metavar="NAME",
            help="run as this user (their scope applies); the command line otherwise",
        )

    def handle(self, *args, file, dry_run, report, province, user, sample, **options):
        translation.activate(translation.get_language() or "vi")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        actor = self._user(user)
        province = self._province(province, actor)
        try:
            job = services.start_import(
                path.read_bytes(), path.name, actor=actor, province=province, is_sample=sample
            )
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(_message(error)) from None
        self.stdout.write(f"Import {job.pk}: {path.name} ({job.file_size} bytes)")
        job = services.validate_import(job)
        self._summary(job)
        if job.status == Status.VALIDATED and not dry_run:
            job = services.commit_import(job, actor=actor)
            self._summary(job)
        if report and job.report:
            with job.report.open("rb") as handle:
                Path(report).write_bytes(handle.read())
            self.stdout.write(f"Report: {report}")
        if job.status in (Status.REFUSED, Status.INVALID, Status.FAILED):
            raise CommandError(f"Nothing was written ({job.get_status_display()}).")
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS("Dry run: the list is ready; nothing was written.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Committed."))

    def _user(self, name):
        if not name:
            return None
        try:
            return get_user_model().objects.get(username=name)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {name}") from None

    def _province(self, code, actor):
        if code:
            province = Province.objects.filter(pk=code.strip().zfill(2)).first()
            if province is None:
                raise CommandError(f"No province with code {code} (today's codes, e.g. 11)")
            return province
        if actor is not None:
            provinces = list(services.import_provinces(actor)[:2])
            if len(provinces) == 1 and not services.official_scope(actor).is_national:
                return provinces[0]
        return None

    def _summary(self, job):
        self.stdout.write(f"Status: {job.get_status_display()}")
        if job.message:
            self.stdout.write(job.message)
        if job.counts:
            counts = ", ".join(f"{name} {count}" for name, count in sorted(job.counts.items()))
            self.stdout.write(f"Rows: {job.row_count} ({counts})")
        errors = job.rows.filter(outcome="error").order_by("row")
        for row in errors[:SHOWN_ERRORS]:
            for message in row.errors:
                column = f" [{message['column']}]" if message["column"] else ""
                self.stdout.write(f"  row {row.row}{column}: {message['text']}")
        if job.error_count > SHOWN_ERRORS:
            self.stdout.write(f"  … and {job.error_count - SHOWN_ERRORS} more rows with errors")


def _message(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "Permission denied."
