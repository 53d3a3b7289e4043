"""The rules of children/rules.py that the care and cover services, the forms and the SSDA903
import share: pure functions, tested with tables of dates (docs/rules.md#turning-18,
#periods-of-care, #people)."""

import datetime as dt

import pytest

from children import rules

BORN = dt.date(2008, 2, 29)  # 18 on 1 March 2026 (no 29 February that year)
EIGHTEEN = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("started_on", "codes"),
    [
        (dt.date(2008, 2, 28), ["before-birth"]),
        (BORN, []),
        (dt.date(2026, 2, 28), []),
        (EIGHTEEN, ["at-18"]),
        (dt.date(2027, 1, 1), ["at-18"]),
    ],
)
def test_an_episode_starts_in_childhood(started_on, codes):
    broken = rules.episode_start_broken(date_of_birth=BORN, started_on=started_on)
    assert [b.code for b in broken] == codes
    assert all(b.field == "started_on" for b in broken)


@pytest.mark.parametrize(
    ("ended_on", "codes"),
    [(dt.date(2026, 2, 28), []), (EIGHTEEN, []), (dt.date(2026, 3, 2), ["after-18"])],
)
def test_care_ends_on_the_18th_birthday_at_the_latest(ended_on, codes):
    assert [b.code for b in rules.episode_end_broken(date_of_birth=BORN, ended_on=ended_on)] == codes


@pytest.mark.parametrize(
    ("previous_ended_on", "started_on", "codes"),
    [
        (None, dt.date(2024, 5, 1), []),
        (dt.date(2024, 5, 1), dt.date(2024, 5, 2), []),
        (dt.date(2024, 5, 1), dt.date(2024, 5, 1), ["continuous-care"]),
        (dt.date(2024, 5, 1), dt.date(2024, 4, 30), ["before-previous-end"]),
    ],
)
def test_a_new_period_starts_after_the_last_ended_not_the_same_day(previous_ended_on, started_on, codes):
    broken = rules.new_period_broken(started_on=started_on, previous_ended_on=previous_ended_on)
    assert [b.code for b in broken] == codes


@pytest.mark.parametrize(
    ("absent", "covering", "starts_on", "ends_on", "codes"),
    [
        (1, 2, dt.date(2026, 1, 5), None, []),
        (1, 2, dt.date(2026, 1, 5), dt.date(2026, 1, 5), []),
        (1, 2, dt.date(2026, 1, 5), dt.date(2026, 1, 4), ["ends-before-start"]),
        (1, 1, dt.date(2026, 1, 5), None, ["own-caseload"]),
        (1, 1, dt.date(2026, 1, 5), dt.date(2026, 1, 4), ["ends-before-start", "own-caseload"]),
        (None, None, None, dt.date(2026, 1, 4), []),
    ],
)
def test_cover_is_of_another_iro_and_ends_after_it_starts(absent, covering, starts_on, ends_on, codes):
    broken = rules.cover_broken(absent_iro_id=absent, covering_iro_id=covering, starts_on=starts_on, ends_on=ends_on)
    assert [b.code for b in broken] == codes
