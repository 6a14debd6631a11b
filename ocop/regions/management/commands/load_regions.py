"""Load (or refresh) the administrative units from the CSV files in ocop/regions/data."""

import time

from django.core.management.base import BaseCommand

from ocop.regions.loader import load_all


class Command(BaseCommand):
    help = (
        "Load the administrative units and the old → new successions from ocop/regions/data. "
        "Safe to run again: it inserts what is missing and updates changed names."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = load_all()
        elapsed = time.perf_counter() - started
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Loaded in {elapsed:.2f} s."))
