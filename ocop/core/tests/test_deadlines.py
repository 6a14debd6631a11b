"""Legal dates at their edges: weekends, holiday spans, swapped and make-up days, year ends,
leap years, the rounds' cut-offs read as "before" the named day, and periods in calendar days
or months that end on a day off (Civil Code art. 148(5))."""

import datetime

import pytest
from django.test import RequestFactory, TestCase

from ocop.core import deadlines
from ocop.core.deadlines import (
    WorkingCalendar,
    add_months,
    add_working_days,
    calendar_cache,
    central_rounds,
    certificate_expires_on,
    certificate_valid_through,
    commune_review_deadline,
    grace_period_end,
    is_overdue,
    legal_period_end,
    next_central_round,
    next_province_round,
    next_working_day,
    province_rounds,
    re_rating_decision_deadline,
    re_rating_window,
    revocation_due_on,
    working_days_between,
)
from ocop.core.holidays import holiday_rows, load_public_holidays
from ocop.core.middleware import WorkingCalendarMiddleware
from ocop.core.models import PublicHoliday

D = datetime.date


def plan_rows():
    """The committed plans (data/public_holidays.json) as PublicHoliday rows."""
    return [(row["day"], row["kind"], row["occasion"]) for row in holiday_rows()]


# The official calendar as the database gives it, without the database: the committed plans
# on top of the Labour Code's days computed by the library.
OFFICIAL = WorkingCalendar.official(plan_rows(), range(2024, 2037))
PLAIN = WorkingCalendar()


class TestWorkingDays:
    def test_friday_plus_one_is_the_next_monday(self):
        assert add_working_days(D(2026, 11, 27), 1, calendar=PLAIN) == D(2026, 11, 30)

    def test_weekend_start_counts_from_monday(self):
        assert add_working_days(D(2026, 11, 28), 1, calendar=PLAIN) == D(2026, 11, 30)
        assert add_working_days(D(2026, 11, 29), 5, calendar=PLAIN) == D(2026, 12, 4)

    def test_zero_days_is_the_start_day_and_negative_is_refused(self):
        assert add_working_days(D(2026, 11, 28), 0, calendar=PLAIN) == D(2026, 11, 28)
        with pytest.raises(ValueError):
            add_working_days(D(2026, 11, 28), -1, calendar=PLAIN)

    def test_the_receipt_day_itself_is_not_counted(self):
        # Received on Monday: the first working day counted is Tuesday.
        assert add_working_days(D(2026, 11, 23), 1, calendar=PLAIN) == D(2026, 11, 24)

    def test_tet_2026_span_is_skipped(self):
        # Received Friday 13/2/2026; Mon 16 - Fri 20/2 are Tết, then a weekend.
        assert add_working_days(D(2026, 2, 13), 1, calendar=OFFICIAL) == D(2026, 2, 23)
        assert commune_review_deadline(D(2026, 2, 13), calendar=OFFICIAL) == D(2026, 3, 13)

    def test_same_span_without_holidays_is_a_week_shorter(self):
        assert commune_review_deadline(D(2026, 2, 13), calendar=PLAIN) == D(2026, 3, 6)

    def test_make_up_saturday_is_a_working_day(self):
        # Fri 2/1/2026 was swapped for Sat 10/1/2026.
        assert add_working_days(D(2026, 1, 9), 1, calendar=OFFICIAL) == D(2026, 1, 10)
        assert OFFICIAL.is_working_day(D(2026, 1, 10))
        assert not OFFICIAL.is_working_day(D(2026, 1, 2))

    def test_year_end_crosses_new_year_and_the_swapped_day(self):
        assert add_working_days(D(2025, 12, 31), 1, calendar=OFFICIAL) == D(2026, 1, 5)
        # 1/1/2027 is a Friday holiday.
        assert add_working_days(D(2026, 12, 31), 1, calendar=OFFICIAL) == D(2027, 1, 4)

    def test_hung_kings_on_sunday_gives_monday_off_then_30_4_and_1_5(self):
        start = D(2026, 4, 24)  # Friday
        assert add_working_days(start, 1, calendar=OFFICIAL) == D(2026, 4, 28)
        assert add_working_days(start, 2, calendar=OFFICIAL) == D(2026, 4, 29)
        assert add_working_days(start, 3, calendar=OFFICIAL) == D(2026, 5, 4)

    def test_leap_day_is_an_ordinary_working_day(self):
        # 29/2/2028 is a Tuesday.
        assert add_working_days(D(2028, 2, 28), 1, calendar=PLAIN) == D(2028, 2, 29)
        assert add_working_days(D(2027, 2, 26), 1, calendar=PLAIN) == D(2027, 3, 1)

    def test_working_days_between_counts_after_start_up_to_end(self):
        assert working_days_between(D(2026, 2, 13), D(2026, 3, 13), calendar=OFFICIAL) == 15
        assert working_days_between(D(2026, 3, 13), D(2026, 2, 13), calendar=OFFICIAL) == -15
        assert working_days_between(D(2026, 2, 14), D(2026, 2, 22), calendar=OFFICIAL) == 0
        assert working_days_between(D(2026, 5, 5), D(2026, 5, 5), calendar=OFFICIAL) == 0

    def test_next_working_day_rolls_past_days_off(self):
        assert next_working_day(D(2026, 4, 30), calendar=OFFICIAL) == D(2026, 5, 4)
        assert next_working_day(D(2026, 5, 4), calendar=OFFICIAL) == D(2026, 5, 4)

    def test_overdue_only_after_the_deadline_day(self):
        deadline = D(2026, 3, 13)
        assert not is_overdue(deadline, D(2026, 3, 13))
        assert is_overdue(deadline, D(2026, 3, 14))
        assert not is_overdue(None, D(2026, 3, 14))


class TestRounds:
    def test_province_rounds_follow_article_5(self):
        first, second = province_rounds(2026)
        assert (first.forward_before, first.decide_before) == (D(2026, 4, 30), D(2026, 6, 30))
        assert (second.forward_before, second.decide_before) == (D(2026, 10, 30), D(2026, 12, 30))
        assert first.last_forward_day == D(2026, 4, 29)
        assert second.last_decision_day == D(2026, 12, 29)

    def test_forwarded_the_day_before_the_cut_off_is_in_round_1(self):
        window = next_province_round(D(2026, 4, 29))
        assert (window.year, window.number) == (2026, 1)

    def test_forwarded_on_the_cut_off_day_waits_for_round_2(self):
        window = next_province_round(D(2026, 4, 30))
        assert (window.year, window.number, window.decide_before) == (2026, 2, D(2026, 12, 30))

    def test_forwarded_late_in_the_year_goes_to_next_years_round_1(self):
        for day in (D(2026, 10, 30), D(2026, 12, 31)):
            window = next_province_round(day)
            assert (window.year, window.number, window.decide_before) == (2027, 1, D(2027, 6, 30))

    def test_central_round_2_of_a_cycle_ends_in_march_of_the_next_year(self):
        first, second = central_rounds(2026)
        assert (first.forward_before, first.decide_before) == (D(2026, 7, 30), D(2026, 9, 30))
        assert (second.forward_before, second.decide_before) == (D(2027, 1, 30), D(2027, 3, 30))

    def test_next_central_round_at_its_cut_offs(self):
        assert next_central_round(D(2027, 1, 29)).decide_before == D(2027, 3, 30)
        assert next_central_round(D(2027, 1, 30)).decide_before == D(2027, 9, 30)
        assert next_central_round(D(2027, 7, 29)).decide_before == D(2027, 9, 30)
        assert next_central_round(D(2027, 7, 30)).decide_before == D(2028, 3, 30)

    def test_unknown_level_is_refused(self):
        with pytest.raises(ValueError):
            deadlines.rounds_for("district", 2026)


class TestCertificateDates:
    def test_valid_36_months_to_the_corresponding_day(self):
        assert certificate_expires_on(D(2026, 3, 15), calendar=OFFICIAL) == D(2029, 3, 15)

    def test_issued_on_a_leap_day_expires_on_the_last_day_of_february(self):
        assert certificate_expires_on(D(2028, 2, 29), calendar=OFFICIAL) == D(2031, 2, 28)

    def test_month_ends_are_clamped(self):
        assert add_months(D(2026, 5, 31), 1) == D(2026, 6, 30)
        assert add_months(D(2026, 12, 31), 2) == D(2027, 2, 28)
        assert add_months(D(2027, 12, 31), 2) == D(2028, 2, 29)
        assert add_months(D(2026, 11, 30), 1) == D(2026, 12, 30)

    def test_re_rating_window_180_to_120_days_before_expiry_inclusive(self):
        window = re_rating_window(D(2029, 3, 15))
        assert (window.opens_on, window.closes_on) == (D(2028, 9, 16), D(2028, 11, 15))
        assert window.contains(D(2028, 9, 16)) and window.contains(D(2028, 11, 15))
        assert not window.contains(D(2028, 9, 15)) and not window.contains(D(2028, 11, 16))

    def test_re_rating_window_across_a_leap_february(self):
        # 180 days before 1/3/2028 reaches back over 29/2/2028.
        assert re_rating_window(D(2028, 3, 1)).opens_on == D(2027, 9, 3)

    def test_decision_within_45_days_and_grace_of_180_days(self):
        assert re_rating_decision_deadline(D(2026, 11, 30), calendar=OFFICIAL) == D(2027, 1, 14)
        assert grace_period_end(D(2031, 2, 28)) == D(2031, 8, 27)

    def test_revocation_within_15_calendar_days_of_the_finding(self):
        # Both 15th days are Mondays.
        assert revocation_due_on(D(2026, 12, 20), calendar=OFFICIAL) == D(2027, 1, 4)
        assert revocation_due_on(D(2028, 2, 20), calendar=OFFICIAL) == D(2028, 3, 6)

    def test_certificate_valid_through_the_decision_capped_by_the_grace(self):
        expires = D(2031, 2, 28)
        assert certificate_valid_through(expires) == expires
        assert certificate_valid_through(expires, re_rating_filed=True) == D(2031, 8, 27)
        assert certificate_valid_through(
            expires, re_rating_filed=True, decided_on=D(2031, 4, 1)
        ) == D(2031, 4, 1)
        assert certificate_valid_through(
            expires, re_rating_filed=True, decided_on=D(2031, 12, 1)
        ) == D(2031, 8, 27)


class TestLegalPeriods:
    """Civil Code 2015 art. 147 and 148(5) on the decision's periods in calendar days and months:
    the day of the event is not counted; a last day that is a weekend or a day off moves to the
    next working day."""

    def test_the_day_of_the_event_is_not_counted(self):
        """Civil Code art. 147(3): a period of 1 day from Monday ends on Tuesday."""
        assert legal_period_end(D(2026, 11, 23), 1, calendar=PLAIN) == D(2026, 11, 24)

    def test_a_period_without_days_is_refused(self):
        with pytest.raises(ValueError):
            legal_period_end(D(2026, 11, 23), 0, calendar=PLAIN)

    def test_revocation_period_ending_on_a_saturday_ends_on_monday(self):
        """Art. 8(4) (15 days from the finding) with Civil Code art. 148(5)."""
        assert revocation_due_on(D(2026, 11, 13), calendar=OFFICIAL) == D(2026, 11, 30)

    def test_revocation_period_ending_on_a_sunday_ends_on_monday(self):
        """Art. 8(4) with Civil Code art. 148(5)."""
        assert revocation_due_on(D(2026, 11, 14), calendar=OFFICIAL) == D(2026, 11, 30)

    def test_revocation_period_ending_inside_tet_ends_after_it(self):
        """Art. 8(4) with Civil Code art. 148(5): the 15th day, Wed 18/2/2026, is Tết (off
        16-20/2, then a weekend)."""
        assert revocation_due_on(D(2026, 2, 3), calendar=OFFICIAL) == D(2026, 2, 23)

    def test_decision_period_ending_on_a_saturday_ends_on_monday(self):
        """Art. 7(6)(g) (45 days from the complete dossier) with Civil Code art. 148(5)."""
        assert re_rating_decision_deadline(D(2026, 10, 14), calendar=OFFICIAL) == D(2026, 11, 30)

    def test_decision_period_ending_on_a_sunday_ends_on_monday(self):
        """Art. 7(6)(g) with Civil Code art. 148(5)."""
        assert re_rating_decision_deadline(D(2026, 10, 15), calendar=OFFICIAL) == D(2026, 11, 30)

    def test_decision_period_ending_inside_tet_2028_ends_after_it(self):
        """Art. 7(6)(g) with Civil Code art. 148(5): the 45th day, Wed 26/1/2028, is the first
        day of Tết Mậu Thân (off Mon 24 - Fri 28/1/2028, from the Labour Code)."""
        assert re_rating_decision_deadline(D(2027, 12, 12), calendar=OFFICIAL) == D(2028, 1, 31)

    def test_periods_ending_on_a_working_day_are_not_moved(self):
        """Civil Code art. 148(1): the period ends with its last day when that day is worked."""
        assert revocation_due_on(D(2026, 11, 12), calendar=OFFICIAL) == D(2026, 11, 27)
        assert re_rating_decision_deadline(D(2026, 10, 13), calendar=OFFICIAL) == D(2026, 11, 27)

    def test_validity_ending_on_a_saturday_runs_to_monday(self):
        """Art. 4(3) (36 months from issue) with Civil Code art. 148(3) and 148(5)."""
        assert certificate_expires_on(D(2026, 6, 2), calendar=OFFICIAL) == D(2029, 6, 4)

    def test_validity_ending_before_national_day_runs_past_it(self):
        """Art. 4(3) with Civil Code art. 148(5): Sat 1/9/2029, then Sunday 2/9, Monday 3/9
        (the day next to it) and Tuesday 4/9 (in lieu of the Sunday) are off."""
        assert certificate_expires_on(D(2026, 9, 1), calendar=OFFICIAL) == D(2029, 9, 5)

    def test_validity_ending_inside_tet_2030_runs_past_it(self):
        """Art. 4(3) with Civil Code art. 148(5): Tue 5/2/2030 is Tết Canh Tuất."""
        assert certificate_expires_on(D(2027, 2, 5), calendar=OFFICIAL) == D(2030, 2, 7)

    def test_re_rating_window_is_not_moved_off_a_weekend(self):
        """Art. 7(6)(a): filed no later than 120 days before expiry; the bound is counted back
        from the expiry day, so a closing Sunday stays the last day (docs/deadlines.md)."""
        window = re_rating_window(D(2029, 3, 19))
        assert window.closes_on == D(2028, 11, 19)
        assert window.closes_on.weekday() == 6


class HolidayTableTests(TestCase):
    """The data migration loads the table; deadlines read it from the database."""

    def test_migration_loaded_the_committed_days(self):
        self.assertEqual(PublicHoliday.objects.count(), len(holiday_rows()))
        tet = PublicHoliday.objects.get(day=D(2026, 2, 17))
        self.assertEqual((tet.occasion, tet.is_provisional), ("tet", False))
        self.assertEqual(PublicHoliday.objects.get(day=D(2026, 1, 10)).kind, "make_up")
        provisional = PublicHoliday.objects.filter(is_provisional=True)
        self.assertEqual(
            list(provisional.values_list("day", flat=True)),
            [D(2027, 2, day) for day in (5, 8, 9, 10, 11)] + [D(2027, 9, 3)],
        )
        self.assertFalse(PublicHoliday.objects.filter(occasion="other").exists())

    def test_loading_again_adds_nothing_and_keeps_admin_corrections(self):
        PublicHoliday.objects.filter(day=D(2027, 9, 3)).update(name="corrected")
        self.assertEqual(load_public_holidays(), 0)
        self.assertEqual(PublicHoliday.objects.get(day=D(2027, 9, 3)).name, "corrected")

    def test_deadline_from_the_database_in_one_query(self):
        with self.assertNumQueries(1):  # the holiday rows of the window
            self.assertEqual(commune_review_deadline(D(2026, 2, 13)), D(2026, 3, 13))

    def test_a_day_added_in_the_admin_moves_the_deadline(self):
        PublicHoliday.objects.create(
            day=D(2026, 11, 24), kind="holiday", occasion="other", name="Ngày Văn hóa"
        )
        self.assertEqual(add_working_days(D(2026, 11, 23), 1), D(2026, 11, 25))

    def test_a_make_up_saturday_from_the_database_counts(self):
        self.assertEqual(add_working_days(D(2025, 2, 7), 1), D(2025, 2, 8))
        self.assertFalse(deadlines.is_working_day(D(2025, 1, 27)))

    def test_inside_the_cache_a_year_is_read_once(self):
        """Each deadline read alone costs a query; inside calendar_cache (each request, through
        WorkingCalendarMiddleware) the days off of a year are read once."""
        with self.assertNumQueries(2):
            revocation_due_on(D(2026, 11, 13))
            revocation_due_on(D(2026, 11, 14))
        with self.assertNumQueries(2), calendar_cache():
            self.assertEqual(revocation_due_on(D(2026, 11, 13)), D(2026, 11, 30))
            self.assertEqual(revocation_due_on(D(2026, 11, 14)), D(2026, 11, 30))
            self.assertEqual(revocation_due_on(D(2026, 2, 3)), D(2026, 2, 23))
            # 2027 is a year not read yet: one more query.
            self.assertEqual(revocation_due_on(D(2026, 12, 20)), D(2027, 1, 4))
            self.assertEqual(revocation_due_on(D(2027, 1, 20)), D(2027, 2, 4))

    def test_the_middleware_caches_the_calendar_for_one_request(self):
        def view(request):
            return [revocation_due_on(day) for day in (D(2026, 11, 13), D(2026, 11, 14))]

        middleware = WorkingCalendarMiddleware(view)
        with self.assertNumQueries(1):
            self.assertEqual(middleware(RequestFactory().get("/")), [D(2026, 11, 30)] * 2)
        # A day added between two requests is seen by the next one.
        PublicHoliday.objects.create(
            day=D(2026, 11, 30), kind="swapped", occasion="other", name="Hoán đổi"
        )
        self.assertEqual(middleware(RequestFactory().get("/")), [D(2026, 12, 1)] * 2)
