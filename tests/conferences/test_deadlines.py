"""The timescales of child protection conferences (docs/rules.md#child-protection), as tables of
dates: bank holidays, month ends, and the reasons each due date gives."""

from __future__ import annotations

import datetime as dt

import pytest

from conferences import deadlines
from conferences.deadlines import Rule
from reviews.deadlines import add_months, england_bank_holidays

D = dt.date


def holidays(start: dt.date) -> frozenset[dt.date]:
    return england_bank_holidays(start, start + dt.timedelta(days=120))


@pytest.mark.parametrize(
    ("strategy_on", "due_on", "why"),
    [
        (D(2026, 3, 2), D(2026, 3, 23), "three whole weeks, no holiday"),
        (D(2026, 3, 7), D(2026, 3, 27), "a Saturday is day 0"),
        (D(2025, 12, 15), D(2026, 1, 8), "Christmas Day, Boxing Day and New Year's Day"),
        (D(2026, 12, 17), D(2027, 1, 12), "Christmas 2026 falls on a Friday: Boxing Day moves to Monday 28"),
        (D(2026, 3, 25), D(2026, 4, 17), "Good Friday 3 April and Easter Monday 6 April"),
        (D(2026, 4, 24), D(2026, 5, 18), "the early May bank holiday, 4 May"),
        (D(2026, 5, 15), D(2026, 6, 8), "the spring bank holiday, 25 May"),
        (D(2027, 3, 19), D(2027, 4, 13), "Easter 2027 in March: 26 and 29 March"),
    ],
)
def test_the_initial_conference_is_due_15_working_days_after_the_strategy_discussion(strategy_on, due_on, why):
    non_working = holidays(strategy_on)
    assert deadlines.initial_conference_due(strategy_on, non_working=non_working) == due_on, why
    due = deadlines.initial_due(strategy_on, non_working=non_working)
    assert (due.due_on, due.rule, due.basis_on) == (due_on, Rule.INITIAL_FROM_STRATEGY, strategy_on)


@pytest.mark.parametrize(
    ("s47_on", "due_on"),
    [(D(2026, 3, 2), D(2026, 3, 23)), (D(2025, 12, 15), D(2026, 1, 8)), (D(2026, 3, 25), D(2026, 4, 17))],
)
def test_the_census_measures_the_same_15_working_days_from_the_section_47_enquiry(s47_on, due_on):
    assert deadlines.initial_conference_due_from_section_47(s47_on, non_working=holidays(s47_on)) == due_on


@pytest.mark.parametrize(
    ("strategy_on", "reason"),
    [
        (D(2026, 3, 2), "15 working days after the strategy discussion on 2 March 2026"),
        (
            D(2026, 3, 25),
            "15 working days after the strategy discussion on 25 March 2026 (3 and 6 April are bank holidays)",
        ),
        (
            D(2025, 12, 15),
            "15 working days after the strategy discussion on 15 December 2025"
            " (25 and 26 December 2025 and 1 January are bank holidays)",
        ),
        (
            D(2026, 4, 24),
            "15 working days after the strategy discussion on 24 April 2026 (4 May is a bank holiday)",
        ),
    ],
)
def test_the_initial_conference_says_why_it_is_due_then_naming_the_holidays_skipped(strategy_on, reason):
    due = deadlines.initial_due(strategy_on, non_working=holidays(strategy_on))
    assert due.reason == reason
    assert due.sentence() == f"due by {due.due_on.day} {due.due_on:%B %Y}: {reason}"


def test_a_weekend_holiday_is_not_named_as_skipped():
    # Boxing Day 2027 is a Sunday (the holiday moves to Tuesday 28 December): only weekdays are named.
    due = deadlines.initial_due(D(2027, 12, 20), non_working=holidays(D(2027, 12, 20)))
    assert "26 December" not in due.reason
    assert "27 and 28 December 2027" in due.reason


@pytest.mark.parametrize(
    ("initial_on", "due_on"),
    [
        (D(2026, 1, 7), D(2026, 4, 7)),
        (D(2026, 11, 30), D(2027, 2, 28)),
        (D(2027, 11, 30), D(2028, 2, 29)),
        (D(2026, 1, 31), D(2026, 4, 30)),
        (D(2026, 12, 31), D(2027, 3, 31)),
        (D(2026, 10, 15), D(2027, 1, 15)),
    ],
)
def test_the_first_review_conference_is_due_3_calendar_months_after_the_initial(initial_on, due_on):
    assert deadlines.first_review_conference_due(initial_on) == due_on
    due = deadlines.next_review_due(started_on=initial_on, review_conferences_held=[])
    assert (due.due_on, due.rule, due.basis_on) == (due_on, Rule.FIRST_REVIEW, initial_on)
    assert due.reason == f"3 months after the initial conference on {initial_on.day} {initial_on:%B %Y}"


@pytest.mark.parametrize(
    ("previous_on", "due_on"),
    [
        (D(2026, 8, 31), D(2027, 2, 28)),
        (D(2027, 8, 31), D(2028, 2, 29)),
        (D(2026, 3, 31), D(2026, 9, 30)),
        (D(2026, 9, 15), D(2027, 3, 15)),
        (D(2027, 2, 28), D(2027, 8, 28)),
    ],
)
def test_each_later_review_conference_is_due_6_months_after_the_previous(previous_on, due_on):
    assert deadlines.later_review_conference_due(previous_on) == due_on


def test_the_next_review_runs_from_the_latest_review_held_not_from_the_date_it_was_due():
    started = D(2026, 11, 30)
    # Held early, on 2 February rather than by 28 February: 6 months from the day held.
    due = deadlines.next_review_due(started_on=started, review_conferences_held=[D(2026, 2, 1), D(2027, 2, 2)])
    assert (due.due_on, due.rule, due.basis_on) == (D(2027, 8, 2), Rule.LATER_REVIEW, D(2027, 2, 2))
    assert due.reason == "6 months after the first review conference on 2 February 2027"
    later = deadlines.next_review_due(
        started_on=started, review_conferences_held=[D(2027, 8, 31), D(2027, 2, 2), D(2028, 2, 29)]
    )
    assert later.due_on == D(2028, 8, 29)
    assert later.reason == "6 months after the third review conference on 29 February 2028"
    assert later.sentence() == "due by 29 August 2028: " + later.reason


@pytest.mark.parametrize(
    ("count", "word"), [(2, "second"), (4, "4th"), (11, "11th"), (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd")]
)
def test_the_reason_counts_review_conferences_in_english(count, word):
    held = [add_months(D(2026, 1, 10), 6 * n) for n in range(count)]
    due = deadlines.next_review_due(started_on=D(2025, 10, 10), review_conferences_held=held)
    assert f"after the {word} review conference on" in due.reason


@pytest.mark.parametrize(
    ("started_on", "ended_on", "months"),
    [
        (D(2026, 3, 1), D(2026, 5, 31), 2),
        (D(2026, 3, 1), D(2026, 6, 1), 3),
        (D(2026, 1, 31), D(2026, 2, 28), 1),
        (D(2026, 1, 31), D(2026, 2, 27), 0),
        (D(2025, 11, 30), D(2027, 2, 28), 15),
        (D(2025, 11, 30), D(2027, 2, 27), 14),
        (D(2026, 5, 10), D(2026, 5, 10), 0),
        (D(2026, 5, 10), D(2026, 4, 1), 0),
    ],
)
def test_a_plan_lasts_whole_calendar_months(started_on, ended_on, months):
    assert deadlines.plan_length_months(started_on, ended_on) == months


@pytest.mark.parametrize(
    ("today", "latest_start"),
    [
        (D(2027, 6, 15), D(2026, 3, 15)),
        (D(2027, 2, 28), D(2025, 11, 30)),  # 28 February is the month's end: 30 November reaches it
        (D(2028, 2, 28), D(2026, 11, 28)),  # not the end of February 2028
        (D(2028, 2, 29), D(2026, 11, 30)),
        (D(2027, 5, 30), D(2026, 2, 28)),
        (D(2027, 4, 30), D(2026, 1, 31)),
        (D(2027, 1, 10), D(2025, 10, 10)),
    ],
)
def test_a_long_plan_is_one_started_15_months_ago_or_more(today, latest_start):
    assert deadlines.long_plan_from(today) == latest_start
    assert deadlines.plan_length_months(latest_start, today) >= deadlines.LONG_PLAN_MONTHS
    assert deadlines.plan_length_months(latest_start + dt.timedelta(days=1), today) < deadlines.LONG_PLAN_MONTHS


def test_long_plan_from_agrees_with_plan_length_every_day_of_two_years():
    """Every ``today`` in 2027-2028 (a leap year), every start within a month of the boundary."""
    today = D(2027, 1, 1)
    while today < D(2029, 1, 1):
        boundary = deadlines.long_plan_from(today)
        for offset in range(-40, 41):
            start = boundary + dt.timedelta(days=offset)
            assert (start <= boundary) == (deadlines.plan_length_months(start, today) >= deadlines.LONG_PLAN_MONTHS), (
                today,
                start,
            )
        today += dt.timedelta(days=1)


@pytest.mark.django_db
def test_closure_days_never_move_a_statutory_date(settings):
    from reviews.models import ClosureDay
    from tests.conferences.factories import make_cp_children, make_icpc, make_rcpc

    settings.CLOSURE_DAYS_MOVE_LOCAL_TARGETS = True
    for day in (D(2026, 3, 4), D(2026, 3, 5), D(2026, 3, 12)):
        ClosureDay.objects.create(day=day, reason="Office move")
    (child,) = make_cp_children(1)
    icpc = make_icpc([child], strategy_on=D(2026, 3, 2))
    assert icpc.due_on == D(2026, 3, 23)
    assert "bank holiday" not in icpc.due_reason
    held = make_icpc(make_cp_children(1, family="Other"), strategy_on=D(2026, 2, 16), held_on=D(2026, 3, 2))
    plan = held.places.get().plan
    make_rcpc([plan], held_on=D(2026, 3, 5))
    plan.refresh_from_db()
    assert plan.next_review_due_on == D(2026, 9, 5)
    # The minutes are a local target: the closure days do move them, where the setting says so.
    held.refresh_from_db()
    assert held.minutes_due_on == D(2026, 4, 2)  # 30 March, three closure days later
