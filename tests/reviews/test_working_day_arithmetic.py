"""``working_days_between`` counts in arithmetic (whole weeks, the rest, less the non-working
weekdays) and must give exactly the day-by-day count of reg 2 (docs/rules.md#review-timescales),
for any span and any set of holidays and closure days, and agree with ``add_working_days``."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from reviews import deadlines

D = dt.date
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31))
#: Holidays anywhere in and around the spans, weekends included (never counted twice).
holidays = st.sets(st.dates(min_value=D(1999, 12, 1), max_value=D(2042, 12, 31)), max_size=60)
#: Spans up to six years, and spans that run backwards (counted as nothing).
spans = st.integers(min_value=-30, max_value=6 * 366)


def counted_day_by_day(start, end, non_working) -> int:
    """The rule as written: each day after ``start`` up to ``end`` that is a weekday and not a holiday."""
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if (start + dt.timedelta(days=offset)).weekday() < 5 and start + dt.timedelta(days=offset) not in non_working
    )


@given(days, spans, holidays, st.sampled_from([frozenset, set, list, tuple]))
def test_counting_working_days_equals_counting_them_one_by_one(start, span, chosen, kind):
    end = start + dt.timedelta(days=span)
    non_working = kind(sorted(chosen))
    assert deadlines.working_days_between(start, end, non_working=non_working) == counted_day_by_day(start, end, chosen)


@given(days, st.integers(min_value=0, max_value=400), holidays)
def test_counting_working_days_agrees_with_adding_them(start, count, chosen):
    non_working = frozenset(chosen)
    end = deadlines.add_working_days(start, count, non_working=non_working)
    assert deadlines.working_days_between(start, end, non_working=non_working) == count
    # ... and the day before the count-th working day has one fewer after it.
    if count:
        before = end - dt.timedelta(days=1)
        assert deadlines.working_days_between(start, before, non_working=non_working) == count - 1


def test_the_england_calendar_over_five_years_counts_as_the_day_by_day_rule():
    calendar = deadlines.england_bank_holidays(D(2020, 1, 1), D(2026, 12, 31))
    start, end = D(2020, 12, 24), D(2025, 12, 28)  # Christmas and New Year at both ends
    assert deadlines.working_days_between(start, end, non_working=calendar) == counted_day_by_day(start, end, calendar)


@given(days, st.integers(min_value=0, max_value=60), holidays)
def test_due_soon_is_exactly_at_most_fifteen_working_days_left(today, ahead, chosen):
    """One rule for "due soon": the date ``due_soon_until`` gives (which the deadlines pages
    filter on in SQL) bounds exactly the due dates with 15 working days or fewer left."""
    non_working = frozenset(chosen)
    due_on = today + dt.timedelta(days=ahead)
    left = deadlines.working_days_between(today, due_on, non_working=non_working)
    soon = due_on <= deadlines.due_soon_until(today, non_working=non_working)
    assert soon == (left <= deadlines.DUE_SOON_WORKING_DAYS)
    state = deadlines.due_status(due_on, today=today, non_working=non_working)
    assert (state.status == deadlines.DueStatus.DUE_SOON) == soon
