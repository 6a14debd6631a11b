"""Recompute the statistics summary tables from the raw data and report every difference."""

from django.core.management.base import BaseCommand

from ocop.stats.summary import reconcile


class Command(BaseCommand):
    help = (
        "Recompute the statistics summary tables (certificate facts, points lost on criteria) "
        "from the raw data, report the differences and repair them (unless --check)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report the differences; change nothing. Exit status 1 if any.",
        )
        parser.add_argument(
            "--limit", type=int, default=50, help="Print at most this many differences."
        )

    def handle(self, *args, check=False, limit=50, **options):
        differences = reconcile(repair=not check)
        for difference in differences[: max(limit, 0)]:
            self.stdout.write(str(difference))
        if len(differences) > limit:
            self.stdout.write(f"… and {len(differences) - limit} more")
        if not differences:
            self.stdout.write(self.style.SUCCESS("Summary tables match the raw data."))
            return
        if check:
            self.stderr.write(f"{len(differences)} difference(s) found; nothing changed.")
            raise SystemExit(1)
        self.stdout.write(
            self.style.WARNING(f"{len(differences)} difference(s) found and repaired.")
        )
