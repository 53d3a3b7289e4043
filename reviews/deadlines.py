"""Statutory dates for looked-after reviews, as pure functions (no Django, no clock).

Sources, quoted in docs/rules.md#review-timescales and #after-the-review:

* Care Planning, Placement and Case Review (England) Regulations 2010, reg 33: the first
  review within 20 working days of the day the child becomes looked after, the second not
  more than 3 months after the first, each later one not more than 6 months after the
  previous. The next due date always runs from the date the last review was actually held,
  and a child who re-enters care starts again with the first-review rule.
* reg 2: a working day is any day but a Saturday, a Sunday, Christmas Day, Good Friday or a
  bank holiday in England (the ``holidays`` package, England subdivision), plus closure days
  the local authority adds.
* Counting: the start day is day 0; a child looked after from Monday 3 June 2024 is due a
  first review by Monday 1 July 2024. Months are calendar months, clamped to the month's
  last day (31 January + 3 months = 30 April).
* The review record is distributed within 20 working days of the review (configurable).
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
RECORD_DISTRIBUTION_WORKING_DAYS = 20
DUE_SOON_WORKING_DAYS = 15


@lru_cache(maxsize=64)
def _england_bank_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def england_bank_holidays(start: date, end: date) -> frozenset[date]:
    """Bank holidays in England (with Christmas Day and Good Friday) between two dates inclusive.

    The national calendar is fixed law for a given package version, so caching by year is safe.
    """
    days: set[date] = set()
    for year in range(start.year, end.year + 1):
        days |= _england_bank_holidays(year)
    return frozenset(d for d in days if start <= d <= end)


def is_working_day(day: date, *, non_working: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in non_working


def add_working_days(start: date, count: int, *, non_working: Collection[date]) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself is day 0)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, non_working=non_working):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, *, non_working: Collection[date]) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``).

    In arithmetic, whatever the span: five weekdays in each whole week, the weekdays among the
    remaining days (at most six), less the non-working days (reg 2) that fall on a weekday in
    the span."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    first = start.weekday()
    weekdays = weeks * 5 + sum(1 for offset in range(1, rest + 1) if (first + offset) % 7 < 5)
    return weekdays - _non_working_weekdays_after(start, end, non_working)


@lru_cache(maxsize=32)
def _weekdays_in_order(days: frozenset[date]) -> tuple[date, ...]:
    return tuple(sorted(d for d in days if d.weekday() < 5))


def _non_working_weekdays_after(start: date, end: date, non_working: Collection[date]) -> int:
    """How many of ``non_working`` fall on a weekday after ``start`` up to and including ``end``:
    by bisection for a frozenset (the calendars ``reviews.calendar`` builds; sorted once and
    cached), else by one pass over the days, which are few (a few bank holidays a year)."""
    if isinstance(non_working, frozenset):
        ordered = _weekdays_in_order(non_working)
        return bisect_right(ordered, end) - bisect_right(ordered, start)
    return sum(1 for d in set(non_working) if start < d <= end and d.weekday() < 5)


def add_months(day: date, months: int) -> date:
    """The same calendar date ``months`` later, or the last day of that month if it has none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_review_due(looked_after_on: date, *, non_working: Collection[date]) -> date:
    """reg 33(a): within 20 working days of the day the child became looked after."""
    return add_working_days(looked_after_on, FIRST_REVIEW_WORKING_DAYS, non_working=non_working)


def second_review_due(first_review_on: date) -> date:
    """reg 33(b): not more than 3 months after the first review."""
    return add_months(first_review_on, SECOND_REVIEW_MONTHS)


def later_review_due(previous_review_on: date) -> date:
    """reg 33(c): not more than 6 months after the previous review."""
    return add_months(previous_review_on, LATER_REVIEW_MONTHS)


def next_review_due(*, looked_after_on: date, reviews_held: Iterable[date], non_working: Collection[date]) -> date:
    """The date by which the next review must be held, in the period of care that began on
    ``looked_after_on``. ``reviews_held`` are the dates of reviews held in that period (any
    order; early and additional reviews count, since the clock runs from the last one held)."""
    held = sorted(d for d in reviews_held if d >= looked_after_on)
    if not held:
        return first_review_due(looked_after_on, non_working=non_working)
    if len(held) == 1:
        return second_review_due(held[0])
    return later_review_due(held[-1])


def review_due_dates(
    *, looked_after_on: date, reviews_held: Sequence[date], non_working: Collection[date]
) -> list[date]:
    """For each review held in the period (in date order), the date it was due by."""
    held = sorted(d for d in reviews_held if d >= looked_after_on)
    return [
        next_review_due(looked_after_on=looked_after_on, reviews_held=held[:i], non_working=non_working)
        for i in range(len(held))
    ]


def record_distribution_due(review_on: date, *, non_working: Collection[date]) -> date:
    """docs/rules.md#after-the-review: the review record goes out within 20 working days of the review."""
    return add_working_days(review_on, RECORD_DISTRIBUTION_WORKING_DAYS, non_working=non_working)


class DueStatus(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DueState:
    due_on: date
    status: DueStatus
    working_days_left: int


def due_soon_until(today: date, *, non_working: Collection[date]) -> date:
    """The last due date that is due soon on ``today``: a due date from ``today`` up to this
    leaves at most 15 working days (``DUE_SOON_WORKING_DAYS``) to hold the review. It is the
    day before the 16th working day after ``today``, so the weekend after the 15th is due soon
    too. ``due_status`` judges by it, and the deadlines pages filter on it in SQL."""
    return add_working_days(today, DUE_SOON_WORKING_DAYS + 1, non_working=non_working) - timedelta(days=1)


def due_status(due_on: date, *, today: date, non_working: Collection[date]) -> DueState:
    """Overdue once today is after the due date; due soon within 15 working days of it."""
    if today > due_on:
        return DueState(due_on, DueStatus.OVERDUE, -working_days_between(due_on, today, non_working=non_working))
    left = working_days_between(today, due_on, non_working=non_working)
    soon = due_on <= due_soon_until(today, non_working=non_working)
    return DueState(due_on, DueStatus.DUE_SOON if soon else DueStatus.ON_TRACK, left)
