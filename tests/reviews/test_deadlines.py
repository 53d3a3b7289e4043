"""Table-driven tests of the reg 33 review timescales and the working-day calendar."""

from datetime import date

import pytest

from reviews.deadlines import (
    DueStatus,
    add_months,
    add_working_days,
    due_status,
    england_bank_holidays,
    first_review_due,
    next_review_due,
    record_distribution_due,
    review_due_dates,
    working_days_between,
)

ENGLAND = england_bank_holidays(date(2019, 1, 1), date(2028, 12, 31))


@pytest.mark.parametrize(
    ("looked_after_on", "due"),
    [
        (date(2024, 6, 3), date(2024, 7, 1)),  # docs/rules.md's own example: Monday to Monday
        (date(2024, 3, 15), date(2024, 4, 16)),  # Good Friday 29 Mar and Easter Monday 1 Apr skipped
        (date(2023, 12, 15), date(2024, 1, 17)),  # Christmas, Boxing Day and New Year skipped
        (date(2022, 5, 20), date(2022, 6, 21)),  # Spring bank holiday 2 Jun and Platinum Jubilee 3 Jun 2022
        (date(2022, 9, 5), date(2022, 10, 4)),  # State funeral of Queen Elizabeth II, 19 Sep 2022
        (date(2023, 4, 21), date(2023, 5, 23)),  # May Day 1 May and the Coronation 8 May 2023
        (date(2024, 6, 8), date(2024, 7, 5)),  # a Saturday start counts from the Saturday (day 0)
        (date(2020, 12, 24), date(2021, 1, 26)),  # Christmas 2020 with observed Boxing Day 28 Dec
    ],
)
def test_first_review_is_due_on_the_20th_working_day(looked_after_on, due):
    assert first_review_due(looked_after_on, non_working=ENGLAND) == due


def test_closure_days_added_by_the_authority_are_not_working_days():
    closures = ENGLAND | {date(2024, 6, 14)}
    assert first_review_due(date(2024, 6, 3), non_working=closures) == date(2024, 7, 2)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 3, date(2024, 4, 30)),  # 31 January + 3 months
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # into a leap February
        (date(2022, 11, 30), 3, date(2023, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # 31 Aug + 6 months, leap year
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2024, 2, 29), 6, date(2024, 8, 29)),
        (date(2024, 10, 15), 3, date(2025, 1, 15)),  # across the year end
        (date(2024, 7, 31), 6, date(2025, 1, 31)),
    ],
)
def test_calendar_months_clamp_to_the_last_day(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("held", "due"),
    [
        ([], date(2024, 7, 1)),
        ([date(2024, 6, 28)], date(2024, 9, 28)),  # second: 3 months after the first as held
        ([date(2024, 6, 28), date(2024, 9, 20)], date(2025, 3, 20)),  # then 6 months
        ([date(2024, 6, 28), date(2024, 9, 20), date(2024, 11, 4)], date(2025, 5, 4)),  # early review resets
        ([date(2024, 7, 3)], date(2024, 10, 3)),  # a late first review: the clock runs from when it was held
        ([date(2024, 9, 20), date(2024, 6, 28)], date(2025, 3, 20)),  # order given does not matter
    ],
)
def test_next_review_due_runs_from_the_last_review_held(held, due):
    assert next_review_due(looked_after_on=date(2024, 6, 3), reviews_held=held, non_working=ENGLAND) == due


def test_re_entry_to_care_restarts_the_first_review_rule():
    # Reviews from the earlier period of care are ignored: the new start is day 0 again.
    earlier = [date(2023, 1, 10), date(2023, 4, 5)]
    assert next_review_due(looked_after_on=date(2024, 6, 3), reviews_held=earlier, non_working=ENGLAND) == date(
        2024, 7, 1
    )


def test_review_due_dates_gives_each_review_its_deadline():
    held = [date(2024, 7, 1), date(2024, 10, 2), date(2025, 4, 1)]
    assert review_due_dates(looked_after_on=date(2024, 6, 3), reviews_held=held, non_working=ENGLAND) == [
        date(2024, 7, 1),  # on the due date: in time
        date(2024, 10, 1),  # one day late
        date(2025, 4, 2),
    ]


def test_record_distribution_is_due_20_working_days_after_the_review():
    assert record_distribution_due(date(2024, 12, 16), non_working=ENGLAND) == date(2025, 1, 16)


@pytest.mark.parametrize(
    ("today", "status", "left"),
    [
        (date(2024, 6, 3), DueStatus.ON_TRACK, 20),
        (date(2024, 6, 7), DueStatus.ON_TRACK, 16),
        (date(2024, 6, 10), DueStatus.DUE_SOON, 15),
        (date(2024, 7, 1), DueStatus.DUE_SOON, 0),
        (date(2024, 7, 2), DueStatus.OVERDUE, -1),
    ],
)
def test_due_status(today, status, left):
    state = due_status(date(2024, 7, 1), today=today, non_working=ENGLAND)
    assert (state.working_days_left, state.status) == (left, status)


def test_working_day_arithmetic_is_consistent():
    for start in [date(2024, 3, 28), date(2024, 12, 20), date(2022, 6, 1)]:
        for n in range(0, 30):
            end = add_working_days(start, n, non_working=ENGLAND)
            assert working_days_between(start, end, non_working=ENGLAND) == n


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2024, 1, 1), -1, non_working=ENGLAND)
