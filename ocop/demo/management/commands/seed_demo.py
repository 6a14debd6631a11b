from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ocop.demo.evaluation import summary
from ocop.demo.seed import SeedError, read_data, seed


class Command(BaseCommand):
    help = (
        "Load the Điện Biên demo: real and sample producers and products, one demo account per "
        "role (shared password, see `manage.py demo_logins`), and sample dossiers at each stage "
        "of the evaluation with a council. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (a public demo site). Never on a real site: the demo "
            "accounts have a published password.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a production site. The demo accounts have a "
                "published password; run with --force only on a demonstration site."
            )
        data = read_data()
        try:
            report = seed(data)
        except SeedError as error:
            raise CommandError(str(error)) from error
        products = sum(len(row["products"]) for row in data["producers"])
        self.stdout.write(
            f"Điện Biên demo: {len(data['producers'])} producers, {products} products, "
            f"{len(data['users'])} demo accounts."
        )
        for line in report.lines():
            self.stdout.write(f"  {line}")
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  {note}"))
        if not report.changed_anything:
            self.stdout.write("  Nothing to change: the demo data was already loaded.")
        lines = summary(data)
        if lines:
            self.stdout.write("Evaluation demo (sample dossiers; status now):")
            for line in lines:
                self.stdout.write(f"  {line}")
