"""Hypothesis properties of the pure date functions (docs/rules.md#review-timescales): they hold
for any date, not only the hand-worked tables of test_deadlines.py."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from reviews import deadlines

D = dt.date
CALENDAR = deadlines.england_bank_holidays(D(2000, 1, 1), D(2041, 12, 31))
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2039, 12, 31))


@given(dates, st.integers(min_value=0, max_value=60))
def test_adding_working_days_and_counting_them_agree(start, count):
    end = deadlines.add_working_days(start, count, non_working=CALENDAR)
    assert deadlines.working_days_between(start, end, non_working=CALENDAR) == count
    assert count == 0 or deadlines.is_working_day(end, non_working=CALENDAR)


@given(dates, st.integers(min_value=0, max_value=24))
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months):
    later = deadlines.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    next_month = (later.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert later.day == day.day or (later.day < day.day and later + dt.timedelta(days=1) == next_month)


@given(dates, st.lists(st.integers(min_value=1, max_value=400), max_size=6))
def test_the_next_due_date_runs_from_the_last_review_held_in_any_order(start, gaps):
    held, day = [], start
    for gap in gaps:
        day += dt.timedelta(days=gap)
        held.append(day)
    expected = (
        deadlines.first_review_due(start, non_working=CALENDAR)
        if not held
        else deadlines.add_months(held[-1], 3 if len(held) == 1 else 6)
    )
    shuffled = list(reversed(held))
    assert deadlines.next_review_due(looked_after_on=start, reviews_held=shuffled, non_working=CALENDAR) == expected
