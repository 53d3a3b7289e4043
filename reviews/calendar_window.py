"""The week or month a calendar page shows, and its days: pure, no Django, no queries.

A week runs Monday to Sunday. A month is shown as the whole weeks that hold it, so its grid
has seven columns; the days outside the month are shown but marked so. The page reads the
booked reviews of exactly ``first`` to ``last``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

WEEK = "week"
MONTH = "month"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Window:
    view: str
    #: The first and last day shown: a Monday and a Sunday.
    first: date
    last: date
    #: The first day of the month shown (month view only).
    month: date | None = None

    @property
    def title(self) -> str:
        if self.month is not None:
            return f"{self.month:%B %Y}"
        return f"Week of {self.first:%-d %B %Y}"

    def query(self, window: Window) -> str:
        if window.month is not None:
            return f"view=month&month={window.month:%Y-%m}"
        return f"view=week&week={window.first:%Y-%m-%d}"

    @property
    def own_query(self) -> str:
        return self.query(self)

    @property
    def previous(self) -> Window:
        if self.month is not None:
            return month_of(self.month - timedelta(days=1))
        return week_of(self.first - timedelta(days=7))

    @property
    def following(self) -> Window:
        if self.month is not None:
            return month_of(self.month + timedelta(days=32))
        return week_of(self.first + timedelta(days=7))

    @property
    def previous_query(self) -> str:
        return self.query(self.previous)

    @property
    def next_query(self) -> str:
        return self.query(self.following)

    @property
    def other_view_query(self) -> str:
        """The week view of this month's first week, or the month view of this week's Monday."""
        if self.month is not None:
            return self.query(week_of(self.month))
        return self.query(month_of(self.first))


def week_of(day: date) -> Window:
    monday = day - timedelta(days=day.weekday())
    return Window(WEEK, monday, monday + timedelta(days=6))


def month_of(day: date) -> Window:
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Window(MONTH, start - timedelta(days=start.weekday()), end + timedelta(days=6 - end.weekday()), month=start)


@dataclass(frozen=True)
class WindowChoice:
    window: Window
    #: What was wrong with the address's ``view``, ``week`` or ``month`` (the current week is shown).
    errors: dict[str, str] = field(default_factory=dict)


def window_from(params: Mapping[str, str], *, today: date) -> WindowChoice:
    """The window the address asks for (``?view=month&month=2026-12``, ``?view=week&week=2026-11-30``,
    any day of the week), or the current week, with what was wrong if the address was malformed."""
    view = params.get("view") or WEEK
    if view == MONTH:
        match = _MONTH.match(params.get("month") or f"{today:%Y-%m}")
        if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1900:  # noqa: PLR2004
            return WindowChoice(month_of(date(int(match[1]), int(match[2]), 1)))
        return WindowChoice(week_of(today), {"month": "The month must be a year and month, like 2026-12"})
    if view != WEEK:
        return WindowChoice(week_of(today), {"view": "Choose a week or a month"})
    try:
        day = date.fromisoformat(params["week"]) if params.get("week") else today
    except ValueError:
        return WindowChoice(week_of(today), {"week": "The week must be a date, like 2026-11-30"})
    return WindowChoice(week_of(day))


@dataclass(frozen=True)
class Day:
    day: date
    today: bool
    weekend: bool
    bank_holiday: bool
    #: The authority's reason for closing, if it is closed that day.
    closure: str
    #: False for the days of a month view's first and last weeks outside the month.
    in_month: bool
    reviews: list[Any]
    #: How many reviews are booked that day: ``len(reviews)``, or, where the calendar shows
    #: counts only (a service too busy to list), the count alone.
    count: int = 0
    #: How many entries other apps add that day (``CALENDAR_SOURCES``), where only counts are shown.
    other_count: int = 0

    @property
    def non_working(self) -> bool:
        return self.weekend or self.bank_holiday or bool(self.closure)


def days(
    window: Window,
    reviews: Iterable[Any],
    *,
    today: date,
    bank_holidays: Iterable[date],
    closures: Mapping[date, str],
    counts: Mapping[date, int] | None = None,
    other_counts: Mapping[date, int] | None = None,
) -> list[Day]:
    """Each day of ``window`` with its reviews (each with a ``booked_for``; what other apps add
    among them), in their order; or, given ``counts`` instead of reviews, how many are booked
    each day (and ``other_counts``, how many entries other apps add)."""
    by_day: dict[date, list[Any]] = {}
    for review in reviews:
        by_day.setdefault(review.booked_for, []).append(review)
    counts = counts or {}
    other_counts = other_counts or {}
    holidays = frozenset(bank_holidays)
    count = (window.last - window.first).days + 1
    shown = []
    for offset in range(count):
        day = window.first + timedelta(days=offset)
        shown.append(
            Day(
                day=day,
                today=day == today,
                weekend=day.weekday() >= 5,  # noqa: PLR2004
                bank_holiday=day in holidays,
                closure=closures.get(day, ""),
                in_month=window.month is None or day.month == window.month.month,
                reviews=by_day.get(day, []),
                count=len(by_day[day]) if day in by_day else counts.get(day, 0),
                other_count=other_counts.get(day, 0),
            )
        )
    return shown


def weeks(shown: list[Day]) -> list[list[Day]]:
    """The days in rows of seven, Monday first."""
    return [shown[start : start + 7] for start in range(0, len(shown), 7)]
