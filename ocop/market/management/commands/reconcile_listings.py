from django.core.management.base import BaseCommand

from ocop.market.listing import reconcile_listings


class Command(BaseCommand):
    help = (
        "Compare the catalogue's listing rows with their certificates, products, producers "
        "and re-ratings; report every difference and repair it (--check only reports). Run it "
        "after restoring a backup, after writing to the database by hand, and from a daily "
        "timer: a run that finds nothing changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report the differences; exit with status 1 if there are any.",
        )

    def handle(self, *args, check=False, **options):
        report = reconcile_listings(repair=not check)
        for label, ids in (
            ("missing", report.missing),
            ("extra", report.extra),
            ("different", report.different),
        ):
            shown = ", ".join(str(pk) for pk in ids[:20]) + (" …" if len(ids) > 20 else "")
            self.stdout.write(f"{label}: {len(ids)}" + (f" (products {shown})" if ids else ""))
        if not report.differences:
            self.stdout.write("The listings match their sources.")
        elif check:
            self.stderr.write(f"{report.differences} listings differ from their sources.")
            raise SystemExit(1)
        else:
            self.stdout.write(f"Repaired {report.differences} listings.")
