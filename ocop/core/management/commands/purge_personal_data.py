from django.core.management.base import BaseCommand
from django.db import transaction

from ocop.core import privacy
from ocop.core.audit import record_event


class Command(BaseCommand):
    help = (
        "Anonymise the personal data kept past its retention period (buyers' and reporters' "
        "contacts) and delete old records of who viewed personal data (docs/privacy.md). Run "
        "it daily from the same timer as update_certificates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        report = privacy.purge(dry_run=dry_run)
        for name, changed, cutoff in report:
            verb = "would be purged" if dry_run else "purged"
            self.stdout.write(f"{name}: {changed} {verb} (older than {cutoff:%Y-%m-%d}).")
        total = sum(changed for _, changed, _ in report)
        if total and not dry_run:
            with transaction.atomic():
                record_event(
                    actor=None,
                    action="privacy.purged",
                    obj=None,
                    comment="; ".join(f"{name}: {changed}" for name, changed, _ in report),
                )
