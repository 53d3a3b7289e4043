"""When each review of a period of care falls due, by which rule, and a sentence saying why.

The due date and its reason are made by the same code, so the two cannot disagree. Pure: it
imports nothing from Django and reads no clock. ``reviews.chain`` places the reviews held in
their periods and asks these functions for each date. The rules are in docs/rules.md#review-timescales,
#short-breaks and #imported-periods; the module docstring of ``reviews.chain`` sums them up.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from . import deadlines

REG48_FIRST_REVIEW_MONTHS = 3
REG48_LATER_REVIEW_MONTHS = 6


class Rule(StrEnum):
    """Which rule gave a due date. The values are a stable interface (``review_schedule --json``)."""

    REG33_FIRST = "reg33-first"
    REG33_SECOND = "reg33-second"
    REG33_LATER = "reg33-later"
    REG48_FIRST = "reg48-first"
    REG48_LATER = "reg48-later"
    #: Imported data starts part-way through the period: the start of care is not known.
    FIRST_NOT_KNOWN = "first-not-known"
    #: Imported data: one review is known and whether earlier ones were held is not; the
    #: 3-month rule is assumed (the earlier of the two possible dates).
    SECOND_ASSUMED = "reg33-second-assumed"


@dataclass(frozen=True)
class Due:
    """A due date, the rule that gave it, the date it counts from, and why."""

    due_on: date | None
    rule: Rule
    basis_on: date
    reason: str

    def sentence(self) -> str:
        """``due by 20 September 2024: 3 months after the first review on 20 June 2024``."""
        if self.due_on is None:
            return f"due date not known: {self.reason}"
        return f"due by {_day(self.due_on)}: {self.reason}"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _holiday_note(start: date, due_on: date, non_working: Collection[date]) -> str:
    """``(25 and 26 December are bank holidays)`` for the weekday holidays the count skipped."""
    skipped = sorted(d for d in non_working if start < d <= due_on and d.weekday() < 5)
    if not skipped:
        return ""
    groups: list[tuple[str, list[int]]] = []
    for day in skipped:
        month = f"{day:%B}" + ("" if day.year == due_on.year else f" {day.year}")
        if groups and groups[-1][0] == month:
            groups[-1][1].append(day.day)
        else:
            groups.append((month, [day.day]))
    parts = [_and([str(n) for n in days]) + f" {month}" for month, days in groups]
    verb = "is a bank holiday" if len(skipped) == 1 else "are bank holidays"
    return f" ({_and(parts)} {verb})"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def ordinal(n: int) -> str:
    """ "first", "second", "third", then "4th", "11th", "21st", "22nd", "23rd", "112th"."""
    if n in (1, 2, 3):
        return ("first", "second", "third")[n - 1]
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- the rules -----------------------------------------------------------------------------------


def first_due(
    period_start: date,
    *,
    start_known: bool,
    short_breaks: bool,
    non_working: Collection[date],
    name: str,
    known_from: date | None,
) -> Due:
    """The due date of the first review of a period of care that began on ``period_start``."""
    if start_known and known_from is not None and period_start < known_from:
        return Due(
            None,
            Rule.FIRST_NOT_KNOWN,
            period_start,
            f"{name} became looked after on {_day(period_start)}, but the records held list reviews only from "
            f"{_day(known_from)}, so which reviews came before, and this one's due date, are not known",
        )
    if not start_known:
        return Due(
            None,
            Rule.FIRST_NOT_KNOWN,
            period_start,
            f"the records held begin part-way through the period of care, on {_day(period_start)}, so when "
            f"{name} became looked after, and the first review's due date, are not known",
        )
    if short_breaks:
        due = deadlines.add_months(period_start, REG48_FIRST_REVIEW_MONTHS)
        return Due(
            due,
            Rule.REG48_FIRST,
            period_start,
            f"short breaks: 3 months from the first placement on {_day(period_start)} (reg 48)",
        )
    due = deadlines.first_review_due(period_start, non_working=non_working)
    return Due(
        due,
        Rule.REG33_FIRST,
        period_start,
        f"20 working days after {_day(period_start)}, when {name} became looked after"
        + _holiday_note(period_start, due, non_working),
    )


def next_due(last: date, *, number: int, complete: bool, short_breaks: bool, name: str) -> Due:
    """The due date of the review after the ``number``-th of the period, held on ``last``;
    ``complete`` is False when reviews before that one may be missing from the records held."""
    if short_breaks:
        due = deadlines.add_months(last, REG48_LATER_REVIEW_MONTHS)
        return Due(
            due,
            Rule.REG48_LATER,
            last,
            f"short breaks: 6 months after the {ordinal(number)} review on {_day(last)} (reg 48)",
        )
    if number == 1 and not complete:
        return Due(
            deadlines.second_review_due(last),
            Rule.SECOND_ASSUMED,
            last,
            f"3 months after the review on {_day(last)}; whether it was {name}'s first review is not known "
            "from the records held, so the earlier of the two possible dates is used",
        )
    if number == 1:
        return Due(
            deadlines.second_review_due(last),
            Rule.REG33_SECOND,
            last,
            f"3 months after the first review on {_day(last)}",
        )
    return Due(
        deadlines.later_review_due(last),
        Rule.REG33_LATER,
        last,
        f"6 months after the previous review on {_day(last)}",
    )


def settle_assumed(due: Due, held_on: date, *, name: str) -> Due:
    """A review held after one whose place in the period is not known was due 3 months after it
    (if that was the first) or 6 (if not). Held within 3 months it was on time either way; held
    more than 6 months after, late either way (counted from the later date); in between, not known."""
    if due.rule != Rule.SECOND_ASSUMED or due.due_on is None or held_on <= due.due_on:
        return due
    later = deadlines.later_review_due(due.basis_on)
    if held_on > later:
        return Due(
            later,
            Rule.SECOND_ASSUMED,
            due.basis_on,
            f"held more than 6 months after the review on {_day(due.basis_on)}, so late whether or not that was "
            f"{name}'s first review (counted from the later possible date)",
        )
    return Due(
        None,
        Rule.SECOND_ASSUMED,
        due.basis_on,
        f"held between 3 and 6 months after the review on {_day(due.basis_on)}: on time unless that was {name}'s "
        "first review, which the records held do not show",
    )
