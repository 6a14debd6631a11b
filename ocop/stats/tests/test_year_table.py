"""The year table counts, for each year, what ``valid_on`` says at the end of the year, grace
period included: a product whose certificate expired less than 180 days before 31 December
still counts then if it has a re-rating pending."""

import datetime
import zoneinfo

import time_machine
from django.test import TestCase

from ocop.accounts.tests.factories import province_officer
from ocop.evaluations.models import Dossier
from ocop.evaluations.tests.factories import dossier_row
from ocop.stats import figures
from ocop.stats.models import CertificateFact

from .helpers import certified_products

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=VN)


@time_machine.travel(NOW, tick=False)
class YearTableTests(TestCase):
    def test_the_trend_follows_valid_on_at_each_year_end_grace_included(self):
        officer = province_officer("11")
        # Two certificates of 1 September 2022: they expire in the summer of 2025.
        pending, lapsed = certified_products(officer, 2, issued_on=datetime.date(2022, 9, 1))
        certified_products(officer, 1, issued_on=datetime.date(2025, 3, 1))
        with self.captureOnCommitCallbacks(execute=True):
            dossier_row(
                pending.product,
                kind=Dossier.Kind.RE_RATING,
                status=Dossier.Status.SUBMITTED,
                is_late_re_rating=True,
            )
        day = NOW.date()
        rows = {row[0]: row for row in figures.year_table(figures.NATIONAL, day).rows}
        for year, row in rows.items():
            end = min(day, datetime.date(year, 12, 31))
            self.assertEqual(row[4], CertificateFact.objects.valid_on(end).count(), year)
        self.assertEqual(
            [rows[year][4] for year in (2021, 2022, 2024, 2025, 2026)], [0, 2, 2, 2, 1]
        )
        self.assertEqual([rows[year][1] for year in (2022, 2025)], [2, 1])
        self.assertTrue(lapsed.valid_until < datetime.date(2025, 12, 31))
