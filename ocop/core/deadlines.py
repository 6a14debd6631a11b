"""The one module for legal dates: working days, the commune's review deadline, the rounds'
cut-offs, the certificate's dates and the periods counted in calendar days. How each article
is read, with its Vietnamese text, is in docs/deadlines.md.

Sources (Decision 26/2026/QĐ-TTg, "the decision"; Civil Code 2015; Labour Code 2019):

- Working days are Monday to Friday minus official days off (Labour Code 2019, art. 111-112, and
  the Government's yearly plan for civil servants, which may swap a working day with a Saturday).
  The Labour Code's holidays of every year are computed with the ``holidays`` library
  (``ocop.core.holidays``); the yearly plans are data (``core.PublicHoliday``, loaded for
  2025-2027 by a migration and kept in the admin) and replace the library's days of the
  holiday they set; a Saturday worked to make up a swapped day is a working day.
- Counting a period: the day of the event is not counted (Civil Code art. 147); a period
  counted in working days therefore ends on a working day, and art. 148(5) (a period whose
  last day is a weekend or a day off ends on the next working day) is satisfied by
  construction. A period counted in calendar days or months ends on its last day moved to the
  next working day by art. 148(5) (:func:`legal_period_end`).
- Commune review: within 15 working days from the day the dossier is received (art. 7(2)).
- Provincial rounds (art. 5(1)): round 1 before 30 June for dossiers the commune proposed before
  30 April; round 2 before 30 December for those proposed before 30 October. Central rounds
  (art. 5(2)): round 1 before 30 September for dossiers the province proposed before 30 July;
  round 2 before 30 March for those proposed before 30 January. "Before" (trước ngày) is read
  literally: the named day itself is past the cut-off. Extra rounds are allowed and carry their
  own dates.
- Certificates (art. 4(3), 7(6), 8(4), 12(3)): valid 36 months from issue (to the next working
  day when that day is off); re-rating filed no earlier than 180 and no later than 120 days
  before expiry, decided within 45 days of a complete dossier; revoked within 15 days of the
  finding; a producer who missed the window keeps the certificate until the decision, at most
  180 days past expiry.

The pure functions take a :class:`WorkingCalendar`; without one they read the days off from the
database (one query per call, or one per year and request inside :func:`calendar_cache`, which
``ocop.core.middleware.WorkingCalendarMiddleware`` opens for each request).
"""

from __future__ import annotations

import calendar as _calendar
import contextlib
import datetime
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from ocop.core.holidays import labour_code_days_off

COMMUNE_REVIEW_WORKING_DAYS = 15
CERTIFICATE_VALIDITY_MONTHS = 36
RE_RATING_EARLIEST_DAYS_BEFORE_EXPIRY = 180
RE_RATING_LATEST_DAYS_BEFORE_EXPIRY = 120
RE_RATING_DECISION_DAYS = 45
CERTIFICATE_GRACE_DAYS = 180
REVOCATION_DAYS_AFTER_FINDING = 15
# Art. 11(1) and 12(2): the decision takes effect on 22 May 2026; dossiers filed before it and
# not yet rated finish under the 2021-2025 rules within 60 days (first rating, upgrade) or
# 30 days (re-rating) of that day.
DECISION_EFFECTIVE_ON = datetime.date(2026, 5, 22)
TRANSITION_DAYS = {"first_rating": 60, "upgrade": 60, "re_rating": 30}

PROVINCE = "province"
CENTRAL = "central"

_ONE_DAY = datetime.timedelta(days=1)

# PublicHoliday.Kind values: the day-off kinds that set which days an occasion has in a year
# (and so replace the library's days for it), and the Saturday worked to make up a swap.
_OCCASION_DAY_KINDS = frozenset({"holiday", "compensatory"})
_MAKE_UP = "make_up"

# Inside calendar_cache(): the PublicHoliday rows already read, by year.
_rows_by_year: ContextVar[dict[int, tuple] | None] = ContextVar("rows_by_year", default=None)


# --------------------------------------------------------------------------------------
# Working days
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingCalendar:
    """Official days off (weekdays not worked) and make-up working days (weekends worked)."""

    days_off: frozenset[datetime.date] = frozenset()
    make_up_days: frozenset[datetime.date] = frozenset()

    @classmethod
    def of(
        cls,
        days_off: Iterable[datetime.date] = (),
        make_up_days: Iterable[datetime.date] = (),
    ) -> WorkingCalendar:
        return cls(frozenset(days_off), frozenset(make_up_days))

    @classmethod
    def official(
        cls, rows: Iterable[tuple[datetime.date, str, str]], years: Iterable[int]
    ) -> WorkingCalendar:
        """The official calendar of ``years``: the Government's plans (``rows`` of
        ``PublicHoliday`` as (day, kind, occasion)) on top of the Labour Code's days off.

        Where they overlap the plan wins, occasion by occasion: the days off of kind holiday or
        compensatory that the rows give an occasion (Tết, National Day...) in a year replace
        the library's days of that occasion in that year; swapped days off and make-up
        Saturdays always apply. A year without rows is the Labour Code's alone."""
        days_off, make_up, planned = set(), set(), set()
        for day, kind, occasion in rows:
            if kind == _MAKE_UP:
                make_up.add(day)
                continue
            days_off.add(day)
            if kind in _OCCASION_DAY_KINDS:
                planned.add((day.year, occasion))
        for year in years:
            for day, occasion in labour_code_days_off(year):
                if (year, occasion) not in planned:
                    days_off.add(day)
        return cls(frozenset(days_off), frozenset(make_up))

    @classmethod
    def from_database(cls, start: datetime.date, end: datetime.date) -> WorkingCalendar:
        """The official calendar of the years from ``start`` to ``end`` (in any order), in one
        query (none for years already read inside :func:`calendar_cache`)."""
        low, high = min(start, end), max(start, end)
        years = range(low.year, high.year + 1)
        cache = _rows_by_year.get()
        if cache is None:
            return cls.official(_read_rows(low.year, high.year), years)
        missing = [year for year in years if year not in cache]
        if missing:
            rows = _read_rows(missing[0], missing[-1])
            for year in range(missing[0], missing[-1] + 1):
                cache.setdefault(year, tuple(row for row in rows if row[0].year == year))
        return cls.official((row for year in years for row in cache[year]), years)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and day not in self.days_off


def _read_rows(first_year: int, last_year: int) -> list[tuple[datetime.date, str, str]]:
    from ocop.core.models import PublicHoliday

    return list(
        PublicHoliday.objects.filter(
            day__range=(datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31))
        ).values_list("day", "kind", "occasion")
    )


@contextlib.contextmanager
def calendar_cache() -> Iterator[None]:
    """Inside this block the official days off of a year are read from the database once: a
    page that shows many deadlines costs one query, not one per deadline. Open it around a
    unit of work that does not change the days off (a request, a command's pass)."""
    token = _rows_by_year.set({})
    try:
        yield
    finally:
        _rows_by_year.reset(token)


def _calendar_for(start, end, calendar):
    if calendar is not None:
        return calendar
    low, high = min(start, end), max(start, end)
    return WorkingCalendar.from_database(low, high)


def is_working_day(day: datetime.date, *, calendar: WorkingCalendar | None = None) -> bool:
    return _calendar_for(day, day, calendar).is_working_day(day)


def add_working_days(
    start: datetime.date, days: int, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted).

    ``add_working_days(friday, 1)`` is the next Monday when it is worked; 0 days gives
    ``start``.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return start
    # Long enough for the longest run of days off (the 9-day Tết break) in any window.
    horizon = start + datetime.timedelta(days=days * 2 + 30)
    cal = _calendar_for(start, horizon, calendar)
    day, counted = start, 0
    while counted < days:
        day += _ONE_DAY
        if calendar is None and day > horizon:
            horizon = day + datetime.timedelta(days=days * 2 + 30)
            cal = WorkingCalendar.from_database(day, horizon)
        if cal.is_working_day(day):
            counted += 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, *, calendar: WorkingCalendar | None = None
) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is
    earlier (then the working days after ``end`` up to and including ``start``, negated)."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    cal = _calendar_for(low, high, calendar)
    count, day = 0, low
    while day < high:
        day += _ONE_DAY
        if cal.is_working_day(day):
            count += 1
    return sign * count


def next_working_day(
    day: datetime.date, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """``day`` itself when it is worked, otherwise the next working day (Civil Code art.
    148(5): a period whose last day is a day off ends on the next working day)."""
    cal = _calendar_for(day, day + datetime.timedelta(days=30), calendar)
    while not cal.is_working_day(day):
        day += _ONE_DAY
    return day


def legal_period_end(
    event_day: datetime.date, days: int, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The last day of a period of ``days`` calendar days that runs from an event on
    ``event_day``: the day of the event is not counted (Civil Code art. 147(3)), the period
    ends with its last day (art. 148(1)), and when that day is a weekend or an official day
    off it ends with the next working day (art. 148(5)).

    The 15th day after a Friday is a Saturday, so ``legal_period_end(friday, 15)`` is the
    Monday after that Saturday when that Monday is worked."""
    if days < 1:
        raise ValueError("a period has at least one day")
    return next_working_day(event_day + datetime.timedelta(days=days), calendar=calendar)


# --------------------------------------------------------------------------------------
# Commune review
# --------------------------------------------------------------------------------------


def commune_review_deadline(
    received_on: datetime.date, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The last day for the commune's report (Mẫu 03): 15 working days after receipt."""
    return add_working_days(received_on, COMMUNE_REVIEW_WORKING_DAYS, calendar=calendar)


def is_overdue(deadline: datetime.date | None, today: datetime.date) -> bool:
    return deadline is not None and today > deadline


# --------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundWindow:
    """One statutory round: dossiers proposed before ``forward_before`` are decided before
    ``decide_before`` (both days excluded, as the decision says "trước ngày")."""

    level: str
    year: int  # the year of the round's cycle (see central_rounds)
    number: int
    forward_before: datetime.date
    decide_before: datetime.date

    @property
    def last_forward_day(self) -> datetime.date:
        return self.forward_before - _ONE_DAY

    @property
    def last_decision_day(self) -> datetime.date:
        return self.decide_before - _ONE_DAY

    def accepts(self, forwarded_on: datetime.date) -> bool:
        return forwarded_on < self.forward_before


def province_rounds(year: int) -> tuple[RoundWindow, RoundWindow]:
    """The two provincial rounds of ``year`` (art. 5(1))."""
    return (
        RoundWindow(PROVINCE, year, 1, datetime.date(year, 4, 30), datetime.date(year, 6, 30)),
        RoundWindow(PROVINCE, year, 2, datetime.date(year, 10, 30), datetime.date(year, 12, 30)),
    )


def central_rounds(year: int) -> tuple[RoundWindow, RoundWindow]:
    """The two central rounds of the cycle that starts in ``year`` (art. 5(2)): round 1 before
    30 September of ``year`` (proposals before 30 July), round 2 before 30 March of the next
    year (proposals before 30 January of the next year)."""
    return (
        RoundWindow(CENTRAL, year, 1, datetime.date(year, 7, 30), datetime.date(year, 9, 30)),
        RoundWindow(
            CENTRAL, year, 2, datetime.date(year + 1, 1, 30), datetime.date(year + 1, 3, 30)
        ),
    )


def rounds_for(level: str, year: int) -> tuple[RoundWindow, RoundWindow]:
    if level == PROVINCE:
        return province_rounds(year)
    if level == CENTRAL:
        return central_rounds(year)
    raise ValueError(f"unknown round level {level!r}")


def next_round(level: str, forwarded_on: datetime.date) -> RoundWindow:
    """The first statutory round that a dossier proposed on ``forwarded_on`` can be in."""
    candidates = [
        window
        for year in (forwarded_on.year - 1, forwarded_on.year, forwarded_on.year + 1)
        for window in rounds_for(level, year)
        if window.accepts(forwarded_on)
    ]
    return min(candidates, key=lambda window: window.forward_before)


def next_province_round(forwarded_on: datetime.date) -> RoundWindow:
    return next_round(PROVINCE, forwarded_on)


def next_central_round(proposed_on: datetime.date) -> RoundWindow:
    return next_round(CENTRAL, proposed_on)


# --------------------------------------------------------------------------------------
# Certificates (used by the certificates app)
# --------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it has no such day (Civil Code
    art. 148(3))."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def certificate_expires_on(
    issued_on: datetime.date, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The last day a certificate is valid: 36 months from the day of issue (art. 4(3), "thời
    hạn 36 tháng"). The issue day is not counted (Civil Code art. 147) and the period ends with
    the corresponding day of the 36th month (art. 148(3)), so a certificate issued on
    15 March 2026 is valid through 15 March 2029; when that day is a weekend or a day off,
    through the next working day (art. 148(5)). The certificates app stores the result when
    it issues the certificate, with the calendar known on that day."""
    return next_working_day(add_months(issued_on, CERTIFICATE_VALIDITY_MONTHS), calendar=calendar)


@dataclass(frozen=True)
class ReRatingWindow:
    opens_on: datetime.date
    closes_on: datetime.date

    def contains(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on


def re_rating_window(expires_on: datetime.date) -> ReRatingWindow:
    """When a re-rating dossier may be filed (art. 7(6)(a)): no earlier than 180 days and no
    later than 120 days before the expiry day, both days included. Both bounds are counted
    back from the expiry day and are not moved off days off: a filing after a closing day
    that is a Saturday would be fewer than 120 days before expiry (docs/deadlines.md)."""
    return ReRatingWindow(
        opens_on=expires_on - datetime.timedelta(days=RE_RATING_EARLIEST_DAYS_BEFORE_EXPIRY),
        closes_on=expires_on - datetime.timedelta(days=RE_RATING_LATEST_DAYS_BEFORE_EXPIRY),
    )


def re_rating_decision_deadline(
    complete_on: datetime.date, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """A re-rating is decided within 45 days of the complete dossier (art. 7(6)(g)): calendar
    days, the next working day when the 45th is off (Civil Code art. 147, 148(5))."""
    return legal_period_end(complete_on, RE_RATING_DECISION_DAYS, calendar=calendar)


def grace_period_end(expires_on: datetime.date) -> datetime.date:
    """The latest day a certificate stays valid while a late re-rating is decided (art.
    12(3)): 180 days after the expiry day.

    Civil Code art. 148(5) reads as applying to this period too, but it is not applied yet:
    the certificates app also computes this day in its queries (docs/deadlines.md)."""
    return expires_on + datetime.timedelta(days=CERTIFICATE_GRACE_DAYS)


def revocation_due_on(
    finding_on: datetime.date, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """A certificate is revoked within 15 days of the finding (art. 8(4)): calendar days, the
    day of the finding not counted, the next working day when the 15th is off (Civil Code
    art. 147, 148(5))."""
    return legal_period_end(finding_on, REVOCATION_DAYS_AFTER_FINDING, calendar=calendar)


def transitional_completion_due(
    kind: str, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The last day for rating a dossier filed before 22 May 2026 (art. 12(2)): 60 days from
    the decision's effective day for a first rating or an upgrade, 30 for a re-rating; a last
    day off moves to the next working day (Civil Code art. 148(5)): 21 July and 22 June 2026."""
    return legal_period_end(DECISION_EFFECTIVE_ON, TRANSITION_DAYS[kind], calendar=calendar)


def certificate_valid_through(
    expires_on: datetime.date,
    *,
    re_rating_filed: bool = False,
    decided_on: datetime.date | None = None,
) -> datetime.date:
    """The last day a certificate is valid: its expiry day, or, while a re-rating filed for it
    is pending (or once decided), until the decision but at most 180 days past expiry."""
    if not re_rating_filed:
        return expires_on
    cap = grace_period_end(expires_on)
    if decided_on is None:
        return cap
    return max(expires_on, min(decided_on, cap))
