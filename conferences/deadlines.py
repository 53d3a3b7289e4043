"""The timescales of child protection conferences, as pure functions of the facts
(docs/rules.md#child-protection; Working Together to Safeguard Children):

* the initial conference within 15 working days of the strategy discussion (the CIN census
  measures the same 15 working days from the start of the section 47 enquiry, so both are kept
  and both reported);
* the first review conference within 3 months of the initial conference;
* each later review conference at most 6 months after the previous one.

Working days are reg 2's (weekends and England's bank holidays): the authority's closure days
never move a statutory date. Months are calendar months, the last day of the month where the
day does not exist (``reviews.deadlines.add_months``). Each due date comes with its rule and the
reason in words (``Due``), so every date the system shows can say why.

The minutes are a local target (``CP_MINUTES_WORKING_DAYS``, default 20 working days as for a
looked-after review's record), so the authority's closure days move it where
``CLOSURE_DAYS_MOVE_LOCAL_TARGETS`` says so.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from reviews import deadlines as review_deadlines
from reviews.due_reasons import _day, _holiday_note, ordinal

#: Working Together: the initial conference within 15 working days of the strategy discussion.
INITIAL_CONFERENCE_WORKING_DAYS = 15
#: The first review conference within 3 months of the initial conference.
FIRST_REVIEW_CONFERENCE_MONTHS = 3
#: Later review conferences at most 6 months apart.
LATER_REVIEW_CONFERENCE_MONTHS = 6
#: Plans lasting this many months or more are flagged (Kirklees, docs/sources.md#kirklees-2016-17:
#: "challenge meetings for cases of CP Plans 15 months plus").
LONG_PLAN_MONTHS = 15


class Rule(StrEnum):
    INITIAL_FROM_STRATEGY = "icpc_from_strategy"
    FIRST_REVIEW = "rcpc_first"
    LATER_REVIEW = "rcpc_later"


@dataclass(frozen=True)
class Due:
    """A due date, the rule that gave it, the date it counts from, and why."""

    due_on: date
    rule: Rule
    basis_on: date
    reason: str

    def sentence(self) -> str:
        return f"due by {_day(self.due_on)}: {self.reason}"


def initial_conference_due(strategy_discussion_on: date, *, non_working: Collection[date]) -> date:
    """15 working days after the strategy discussion (that day is day 0)."""
    return review_deadlines.add_working_days(
        strategy_discussion_on, INITIAL_CONFERENCE_WORKING_DAYS, non_working=non_working
    )


def initial_conference_due_from_section_47(section_47_started_on: date, *, non_working: Collection[date]) -> date:
    """The CIN census's measure: 15 working days after the section 47 enquiry started."""
    return review_deadlines.add_working_days(
        section_47_started_on, INITIAL_CONFERENCE_WORKING_DAYS, non_working=non_working
    )


def first_review_conference_due(initial_held_on: date) -> date:
    return review_deadlines.add_months(initial_held_on, FIRST_REVIEW_CONFERENCE_MONTHS)


def later_review_conference_due(previous_held_on: date) -> date:
    return review_deadlines.add_months(previous_held_on, LATER_REVIEW_CONFERENCE_MONTHS)


def initial_due(strategy_discussion_on: date, *, non_working: Collection[date]) -> Due:
    """The initial conference's due date, with its reason."""
    due = initial_conference_due(strategy_discussion_on, non_working=non_working)
    return Due(
        due,
        Rule.INITIAL_FROM_STRATEGY,
        strategy_discussion_on,
        f"15 working days after the strategy discussion on {_day(strategy_discussion_on)}"
        + _holiday_note(strategy_discussion_on, due, non_working),
    )


def next_review_due(*, started_on: date, review_conferences_held: Iterable[date]) -> Due:
    """When the next review conference of a plan made at the initial conference of
    ``started_on`` is due, given the dates of the review conferences held for it since: 3 months
    after the initial conference, then 6 months after the latest review conference."""
    held = sorted(d for d in review_conferences_held if d >= started_on)
    if not held:
        return Due(
            first_review_conference_due(started_on),
            Rule.FIRST_REVIEW,
            started_on,
            f"3 months after the initial conference on {_day(started_on)}",
        )
    last = held[-1]
    return Due(
        later_review_conference_due(last),
        Rule.LATER_REVIEW,
        last,
        f"6 months after the {ordinal(len(held))} review conference on {_day(last)}",
    )


def minutes_due(held_on: date, *, working_days: int, non_working: Collection[date]) -> date:
    """The local target for distributing a conference's minutes."""
    return review_deadlines.add_working_days(held_on, working_days, non_working=non_working)


def plan_length_months(started_on: date, ended_on: date) -> int:
    """Whole calendar months from ``started_on`` to ``ended_on`` (a plan of 1 March to
    31 May is 2 whole months; 1 March to 1 June, 3)."""
    months = (ended_on.year - started_on.year) * 12 + ended_on.month - started_on.month
    if review_deadlines.add_months(started_on, months) > ended_on:
        months -= 1
    return max(months, 0)


def long_plan_from(today: date) -> date:
    """The latest start of a plan that has lasted ``LONG_PLAN_MONTHS`` or more on ``today``
    (``add_months(start, 15) <= today``): a plan that started on or before it is a long plan."""
    return _months_before(today, LONG_PLAN_MONTHS)


def _months_before(day: date, months: int) -> date:
    """The latest start date for which ``add_months(start, months) <= day``."""
    month_index = day.month - 1 - months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day >= calendar.monthrange(day.year, day.month)[1]:
        # The last day of ``day``'s month: every start later in the month reaches it too.
        return date(year, month, last)
    return date(year, month, min(day.day, last))


__all__ = [
    "Due",
    "Rule",
    "first_review_conference_due",
    "initial_conference_due",
    "initial_conference_due_from_section_47",
    "initial_due",
    "later_review_conference_due",
    "long_plan_from",
    "minutes_due",
    "next_review_due",
    "plan_length_months",
]
