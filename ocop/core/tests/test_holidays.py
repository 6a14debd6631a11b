"""The official calendar for any year: the Labour Code's days off computed by the `holidays`
library, with the Government's yearly plans (core.PublicHoliday) on top."""

import datetime

import holidays as holiday_library
import pytest
from django.test import TestCase

from ocop.core import deadlines
from ocop.core.deadlines import WorkingCalendar, commune_review_deadline, is_working_day
from ocop.core.holidays import holiday_rows, labour_code_days_off, library_occasion
from ocop.core.models import PublicHoliday

D = datetime.date


def days(first, last):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


class TestLibrary:
    def test_the_pinned_version_is_installed(self):
        """The days of a year without a plan depend on the library's version: a new version
        is a reviewed change of requirements.txt, checked by these tests."""
        assert holiday_library.__version__ == "0.109"

    @pytest.mark.parametrize("year", range(2028, 2036))
    def test_a_year_without_a_plan_has_the_labour_codes_eleven_weekdays_off(self, year):
        """Labour Code 2019 art. 112(1): New Year 1 day, Tết 5, Hùng Kings 1, 30/4 1, 1/5 1,
        National Day 2; art. 111(3): a holiday on a weekend is given on a working day."""
        weekdays = {}
        for day, occasion in labour_code_days_off(year):
            if day.weekday() < 5:
                weekdays.setdefault(occasion, set()).add(day)
        assert {occasion: len(found) for occasion, found in weekdays.items()} == {
            "new_year": 1,
            "tet": 5,
            "hung_kings": 1,
            "victory_day": 1,
            "labour_day": 1,
            "national_day": 2,
        }

    def test_every_name_the_library_gives_for_vietnam_is_known(self):
        """A library upgrade that adds a Vietnamese holiday fails here, not in a deadline."""
        for year in range(1995, 2041):
            labour_code_days_off(year)
        with pytest.raises(ValueError, match="does not know"):
            library_occasion("Ngày Thống nhất mới")

    def test_culture_day_and_the_librarys_swaps_are_left_out(self):
        """24/11 (Resolution 80-NQ/TW) is not in art. 112(1) of the Labour Code yet; swaps are
        the Government's decisions and come from PublicHoliday with their make-up days."""
        computed = {day for day, _ in labour_code_days_off(2028)}
        assert D(2028, 11, 24) not in computed  # a Friday
        assert D(2026, 8, 31) not in {day for day, _ in labour_code_days_off(2026)}
        calendar = WorkingCalendar.official([], range(2028, 2029))
        assert calendar.is_working_day(D(2028, 11, 24))


class ComputedYearTests(TestCase):
    """Years without rows in PublicHoliday are counted from the library, through the database
    path that the services use."""

    def test_no_rows_exist_for_2028_and_2029(self):
        self.assertFalse(PublicHoliday.objects.filter(day__year__in=[2028, 2029]).exists())

    def test_tet_2028_is_off_without_rows(self):
        """Labour Code 2019 art. 112(1)(b): Tết Mậu Thân (1/1 lunar = Wed 26/1/2028), the eve
        and days 1-4, day 4 a Saturday given back on Mon 24/1."""
        for day in days(D(2028, 1, 22), D(2028, 1, 30)):
            self.assertFalse(is_working_day(day), day)
        self.assertTrue(is_working_day(D(2028, 1, 21)))
        self.assertTrue(is_working_day(D(2028, 1, 31)))

    def test_tet_2029_is_off_without_rows(self):
        """Labour Code 2019 art. 112(1)(b): Tết Kỷ Dậu (1/1 lunar = Tue 13/2/2029), Mon 12 to
        Fri 16/2/2029."""
        for day in days(D(2029, 2, 10), D(2029, 2, 18)):
            self.assertFalse(is_working_day(day), day)
        self.assertTrue(is_working_day(D(2029, 2, 9)))
        self.assertTrue(is_working_day(D(2029, 2, 19)))

    def test_a_dossier_received_on_14_january_2028_skips_tet(self):
        """Decision art. 7(2): 15 working days from receipt; the week of Tết is not counted."""
        self.assertEqual(commune_review_deadline(D(2028, 1, 14)), D(2028, 2, 11))
        plain = commune_review_deadline(D(2028, 1, 14), calendar=WorkingCalendar())
        self.assertEqual(plain, D(2028, 2, 4))

    def test_any_day_up_to_2035_is_counted(self):
        """Labour Code 2019 art. 112(1)(đ): National Day 2035 is Sun 2/9, Mon 3/9 next to it,
        Tue 4/9 in lieu of the Sunday."""
        self.assertEqual(deadlines.add_working_days(D(2035, 8, 31), 1), D(2035, 9, 5))
        self.assertEqual(deadlines.revocation_due_on(D(2035, 8, 17)), D(2035, 9, 5))


class PlanOverLibraryTests(TestCase):
    """Where a year's plan and the library overlap, the plan wins for the occasion it sets."""

    def test_the_plans_of_2025_to_2027_give_the_same_working_days_as_before(self):
        """The committed plans alone (the calendar before the library) and the database now
        agree on every day of 2025-2027."""
        rows = holiday_rows()
        before = WorkingCalendar.of(
            days_off=[row["day"] for row in rows if row["kind"] != "make_up"],
            make_up_days=[row["day"] for row in rows if row["kind"] == "make_up"],
        )
        now = WorkingCalendar.from_database(D(2025, 1, 1), D(2027, 12, 31))
        differ = [
            day
            for day in days(D(2025, 1, 1), D(2027, 12, 31))
            if before.is_working_day(day) != now.is_working_day(day)
        ]
        self.assertEqual(differ, [])

    def test_make_up_saturdays_of_the_plans_are_working_days(self):
        """The 2025 and 2026 plans: Saturdays worked for a swapped Monday or Friday."""
        for saturday in (D(2025, 2, 8), D(2025, 4, 26), D(2026, 1, 10)):
            self.assertTrue(is_working_day(saturday), saturday)
        for swapped in (D(2025, 1, 27), D(2025, 5, 2), D(2026, 1, 2)):
            self.assertFalse(is_working_day(swapped), swapped)

    def test_the_plan_overrides_the_librarys_days_of_the_same_holiday(self):
        """The library gives Thu 4/2/2027 ("29 Tết"), 31/8/2026 (its record of a swap) and
        24/11/2026 (Culture Day); the committed plans do not, and they win."""
        for day in (D(2027, 2, 4), D(2026, 8, 31), D(2026, 11, 24)):
            self.assertTrue(is_working_day(day), day)
        self.assertFalse(is_working_day(D(2027, 2, 11)))  # the provisional plan's 5th day

    def test_a_tet_plan_entered_for_2028_replaces_the_librarys_tet_only(self):
        """Labour Code art. 112(3): the Prime Minister fixes the Tết days each year. Entered,
        they replace the computed Tết days of that year; Hùng Kings' day stays computed."""
        for day in (D(2028, 1, 25), D(2028, 1, 26), D(2028, 1, 27), D(2028, 1, 28)):
            PublicHoliday.objects.create(day=day, kind="holiday", occasion="tet", name="Tết")
        PublicHoliday.objects.create(
            day=D(2028, 1, 31), kind="compensatory", occasion="tet", name="Nghỉ bù Tết"
        )
        self.assertTrue(is_working_day(D(2028, 1, 24)))
        self.assertFalse(is_working_day(D(2028, 1, 31)))
        self.assertFalse(is_working_day(D(2028, 4, 4)))  # Hùng Kings, 10/3 Mậu Thân
        self.assertFalse(is_working_day(D(2029, 1, 1)))

    def test_a_swap_entered_alone_is_added_to_the_computed_days(self):
        """A plan that only swaps a working day with a Saturday keeps the computed Tết days."""
        PublicHoliday.objects.create(
            day=D(2029, 2, 19), kind="swapped", occasion="tet", name="Hoán đổi"
        )
        PublicHoliday.objects.create(
            day=D(2029, 3, 3), kind="make_up", occasion="tet", name="Làm bù"
        )
        self.assertFalse(is_working_day(D(2029, 2, 13)))
        self.assertFalse(is_working_day(D(2029, 2, 19)))
        self.assertTrue(is_working_day(D(2029, 3, 3)))
