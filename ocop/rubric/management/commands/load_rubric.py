"""Load a rubric version from its data files into the database, or check the loaded ones.

    python manage.py load_rubric [--version 26-2026] [--draft]
    python manage.py load_rubric --check

Loading is idempotent: a published version whose rows equal its files is left alone, one
whose rows differ is an error (a published version is never rewritten). ``--check`` compares
every loaded version (or the one given) with its files and fails on any difference.
"""

from django.core.management.base import BaseCommand, CommandError

from ocop.rubric.loading import RubricDataMismatch, check_version
from ocop.rubric.models import RubricVersion
from ocop.rubric.services import load_version_from_data
from ocop.rubric.validation import RubricValidationError


class Command(BaseCommand):
    help = (
        "Load a rubric version (default 26-2026) from ocop/rubric/data, or --check the loaded ones."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # "--version" names the rubric version here, replacing Django's "show the version".
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--version",
            "--rubric",
            dest="version",
            help="The version, as slug (26-2026) or code (26/2026). Default: 26-2026; with "
            "--check, every loaded version.",
        )
        parser.add_argument(
            "--draft", action="store_true", help="Load the rows as a draft, without publishing."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail when the rows of a loaded version differ from its files.",
        )

    def handle(self, *args, **options):
        if options["check"]:
            return self._check(options["version"])
        try:
            result = load_version_from_data(
                options["version"] or "26-2026", publish=not options["draft"]
            )
        except LookupError as error:
            raise CommandError(str(error)) from None
        except (RubricDataMismatch, RubricValidationError) as error:
            raise CommandError(str(error)) from None
        version = result.version
        if result.created:
            counts = ", ".join(f"{count} {name}" for name, count in result.counts.items())
            self.stdout.write(f"Loaded {version.instrument}: {counts}; status {version.status}.")
        else:
            self.stdout.write(
                f"{version.instrument} is already loaded and equal to its files "
                f"(status {version.status})."
            )

    def _check(self, name):
        versions = RubricVersion.objects.all()
        if name:
            versions = versions.filter(slug=name) | versions.filter(code=name)
        versions = list(versions.order_by("slug"))
        if not versions:
            raise CommandError(f"No rubric version {name or ''} is loaded.".replace("  ", " "))
        failed = 0
        for version in versions:
            problems = check_version(version)
            if problems:
                failed += 1
                self.stderr.write(f"{version.instrument}: the rows differ from the files:")
                for problem in problems:
                    self.stderr.write(f"  - {problem}")
            else:
                self.stdout.write(f"{version.instrument}: rows equal the files.")
        if failed:
            raise CommandError(f"{failed} rubric version(s) differ from their files.")
