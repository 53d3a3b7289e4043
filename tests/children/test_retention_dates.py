"""The retention date of a closed record (children/retention.py, docs/rules.md#data-protection): the
75th birthday, or 15 years after death for a child who died before 18; a table of dates with
29 February and the 18th birthday at its edges, and the SQL filter against the pure function."""

from __future__ import annotations

import datetime as dt

import pytest

from children.models import Child
from children.retention import (
    RetentionRule,
    anniversary,
    retention_cutoffs,
    retention_date,
    rule_text,
    years_before,
)
from tests.factories import ChildFactory, make_care_episode

D = dt.date


@pytest.mark.parametrize(
    ("born", "died", "years_after_birth", "years_after_death", "expected", "rule"),
    [
        # The 75th birthday.
        (D(2008, 5, 17), None, 75, 15, D(2083, 5, 17), RetentionRule.BIRTHDAY),
        (D(1990, 12, 31), None, 75, 15, D(2065, 12, 31), RetentionRule.BIRTHDAY),
        # Born on 29 February: the birthday falls on 1 March in a common year, on 29 February in a leap one.
        (D(2008, 2, 29), None, 75, 15, D(2083, 3, 1), RetentionRule.BIRTHDAY),
        (D(2008, 2, 29), None, 76, 15, D(2084, 2, 29), RetentionRule.BIRTHDAY),
        # Died before 18: 15 years after death.
        (D(2000, 1, 1), D(2010, 2, 28), 75, 15, D(2025, 2, 28), RetentionRule.DEATH),
        (D(2000, 1, 1), D(2012, 2, 29), 75, 15, D(2027, 3, 1), RetentionRule.DEATH),
        (D(2000, 1, 1), D(2012, 2, 29), 75, 16, D(2028, 2, 29), RetentionRule.DEATH),
        # The day before the 18th birthday is before 18; the birthday itself is not.
        (D(2000, 6, 10), D(2018, 6, 9), 75, 15, D(2033, 6, 9), RetentionRule.DEATH),
        (D(2000, 6, 10), D(2018, 6, 10), 75, 15, D(2075, 6, 10), RetentionRule.BIRTHDAY),
        # Born 29 February 2000: 17 on 28 February 2018, 18 on 1 March 2018.
        (D(2000, 2, 29), D(2018, 2, 28), 75, 15, D(2033, 2, 28), RetentionRule.DEATH),
        (D(2000, 2, 29), D(2018, 3, 1), 75, 15, D(2075, 3, 1), RetentionRule.BIRTHDAY),
        # A died-before-18 record follows the death rule even when a setting makes it later.
        (D(2000, 1, 1), D(2017, 1, 1), 75, 60, D(2077, 1, 1), RetentionRule.DEATH),
    ],
)
def test_the_retention_date_follows_the_rule(born, died, years_after_birth, years_after_death, expected, rule):
    retention = retention_date(
        date_of_birth=born, died_on=died, years_after_birth=years_after_birth, years_after_death=years_after_death
    )
    assert (retention.on, retention.rule) == (expected, rule)
    assert retention.is_due(expected) and not retention.is_due(expected - dt.timedelta(days=1))


def test_the_explanation_names_the_rule():
    birthday = retention_date(date_of_birth=D(2008, 5, 17), died_on=None, years_after_birth=75, years_after_death=15)
    death = retention_date(
        date_of_birth=D(2000, 1, 1), died_on=D(2010, 1, 1), years_after_birth=75, years_after_death=15
    )
    assert (birthday.explanation, death.explanation) == ("75th birthday", "15 years after the child died (before 18)")
    assert rule_text(years_after_birth=72, years_after_death=15).startswith("until the person's 72nd birthday")


def _days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("years", [1, 4, 15, 75])
def test_the_cutoff_for_sql_agrees_with_the_anniversary_every_day_of_four_years(years):
    """``day <= years_before(on, n)`` exactly when ``anniversary(day, n) <= on``, around every
    anniversary of every day from 2000 to 2003 (leap year and 29 February included)."""
    wrong = [
        (day, on)
        for day in _days(D(2000, 1, 1), D(2003, 12, 31))
        for on in _days(anniversary(day, years) - dt.timedelta(days=3), anniversary(day, years) + dt.timedelta(days=3))
        if (day <= years_before(on, years)) != (anniversary(day, years) <= on)
    ]
    assert wrong == []


def test_the_cutoffs_give_the_same_answer_as_the_pure_function_for_every_death_and_birth():
    on = D(2025, 3, 1)
    cutoffs = retention_cutoffs(on=on, years_after_birth=75, years_after_death=15)
    wrong = []
    for born in _days(D(1949, 2, 20), D(1950, 3, 10)):
        r = retention_date(date_of_birth=born, died_on=None, years_after_birth=75, years_after_death=15)
        if r.is_due(on) != (born <= cutoffs.born_on_or_before):
            wrong.append(born)
    for died in _days(D(2010, 2, 20), D(2010, 3, 10)):
        r = retention_date(date_of_birth=D(1996, 2, 29), died_on=died, years_after_birth=75, years_after_death=15)
        assert r.rule == RetentionRule.DEATH
        if r.is_due(on) != (died <= cutoffs.died_on_or_before):
            wrong.append(died)
    assert wrong == []


# --- The SQL filter: Child.objects.past_retention ---------------------------------------------


def _closed_child(*, born: dt.date, ended_on: dt.date, reason: str = "E8", **fields) -> Child:
    child = ChildFactory(date_of_birth=born, **fields)
    make_care_episode(child, started_on=born + dt.timedelta(days=400), ended_on=ended_on, reason_ceased=reason)
    return child


@pytest.fixture
def records(db):
    """Children at the edges of both rules, on 1 March 2025."""
    made = {
        "birthday today": _closed_child(born=D(1950, 3, 1), ended_on=D(1968, 3, 1)),
        "birthday tomorrow": _closed_child(born=D(1950, 3, 2), ended_on=D(1968, 3, 2)),
        "born 29 Feb 1948, 75 on 1 Mar 2023": _closed_child(born=D(1948, 2, 29), ended_on=D(1966, 2, 28)),
        "born 29 Feb 1952, 73": _closed_child(born=D(1952, 2, 29), ended_on=D(1970, 2, 28)),
        "died 15 years ago today": _closed_child(born=D(1995, 2, 28), ended_on=D(2010, 3, 1), reason="E2"),
        "died 15 years ago tomorrow": _closed_child(born=D(1995, 2, 28), ended_on=D(2010, 3, 2), reason="E2"),
        "died 29 Feb 2008": _closed_child(born=D(1996, 2, 29), ended_on=D(2008, 2, 29), reason="E2"),
        "left care 16 years ago, alive": _closed_child(born=D(1991, 1, 1), ended_on=D(2009, 1, 1)),
        "died at 18 (birthday rule)": _closed_child(born=D(1990, 6, 10), ended_on=D(2008, 6, 10), reason="E2"),
        "died the day before 18": _closed_child(born=D(1990, 6, 10), ended_on=D(2008, 6, 9), reason="E2"),
        "born 29 Feb, died 28 Feb at 17": _closed_child(born=D(1992, 2, 29), ended_on=D(2010, 2, 28), reason="E2"),
        "born 29 Feb, died 1 Mar at 18": _closed_child(born=D(1992, 2, 29), ended_on=D(2010, 3, 1), reason="E2"),
    }
    in_care = ChildFactory(date_of_birth=D(1940, 1, 1))  # old enough, but looked after: no retention date
    make_care_episode(in_care, started_on=D(1950, 1, 1))
    made["in care"] = in_care
    return made


def test_past_retention_in_sql_is_exactly_the_records_the_pure_function_says_are_due(records):
    names = {child.pk: name for name, child in records.items()}
    for on in (D(2025, 2, 28), D(2025, 3, 1), D(2025, 3, 2), D(2023, 2, 28), D(2023, 3, 1)):
        in_sql = {names[c.pk] for c in Child.objects.past_retention(on=on)}
        by_rule = {
            names[c.pk] for c in Child.objects.with_retention() if c.retention is not None and c.retention.is_due(on)
        }
        assert in_sql == by_rule, on

    on_1_march = {names[c.pk] for c in Child.objects.past_retention(on=D(2025, 3, 1))}
    assert on_1_march == {
        "birthday today",
        "born 29 Feb 1948, 75 on 1 Mar 2023",
        "died 15 years ago today",
        "died 29 Feb 2008",
        "died the day before 18",
        "born 29 Feb, died 28 Feb at 17",
    }


def test_only_closed_records_have_a_retention_date_and_death_comes_from_the_e2_episode(records):
    annotated = {c.pk: c for c in Child.objects.with_retention()}
    assert annotated[records["in care"].pk].retention is None
    died = annotated[records["died 29 Feb 2008"].pk]
    assert (died.died_on, died.retention.on, died.retention.rule) == (D(2008, 2, 29), D(2023, 3, 1), "death")
    assert annotated[records["left care 16 years ago, alive"].pk].died_on is None
    assert annotated[records["died at 18 (birthday rule)"].pk].retention.rule == "birthday"


def test_the_settings_change_the_rule(records, settings):
    settings.RETENTION_YEARS_AFTER_DEATH = 20
    settings.RETENTION_YEARS_AFTER_BIRTH = 70
    due = {c.pk for c in Child.objects.past_retention(on=D(2025, 3, 1))}
    assert records["died 15 years ago today"].pk not in due
    assert records["born 29 Feb 1952, 73"].pk in due
