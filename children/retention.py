"""When a closed record may be anonymised or destroyed: the retention rule (docs/rules.md#retention).

Looked-after children's case records are kept until the person's 75th birthday, or for 15
years after death if the child died before 18 (the care planning regulations' retention rule;
both periods are settings, ``RETENTION_YEARS_AFTER_BIRTH`` and ``RETENTION_YEARS_AFTER_DEATH``).

Pure: no Django. The date of death is not a field of the child: a child who died while looked
after has an episode that ended with SSDA903 reason ceased E2 ("died"), and that episode's end
date is the date of death (``ChildQuerySet.with_died_on`` reads it from the last such episode).

Only a closed record, one whose child has no open care episode, has a retention date; the
record may be anonymised or destroyed on that date or after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

#: A person stops being a child, and stops being looked after, on their 18th birthday.
ADULT_AGE = 18


class RetentionRule(StrEnum):
    BIRTHDAY = "birthday"
    DEATH = "death"


@dataclass(frozen=True)
class Retention:
    """The first day the record may be anonymised or destroyed, and which rule set it."""

    on: date
    rule: RetentionRule
    explanation: str

    def is_due(self, today: date) -> bool:
        return self.on <= today


def anniversary(day: date, years: int) -> date:
    """``day`` moved ``years`` years on. 29 February falls on 1 March in a common year: a person
    born on 29 February attains an age on 1 March (as ``children.ages.age_on`` counts)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def years_before(on: date, years: int) -> date:
    """The latest day whose ``years``-th anniversary (as ``anniversary`` counts) is on or before
    ``on``: the same day ``years`` earlier, and 28 February for 29 February in a common year."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def died_before_adulthood(*, date_of_birth: date, died_on: date) -> bool:
    return died_on < anniversary(date_of_birth, ADULT_AGE)


def retention_date(
    *,
    date_of_birth: date,
    died_on: date | None,
    years_after_birth: int,
    years_after_death: int,
) -> Retention:
    """The retention date of a closed record (docs/rules.md#retention).

    ``died_on`` is the end of the child's last episode with reason ceased E2, or None. A child
    who died before 18 is kept ``years_after_death`` years after death; everyone else until
    their birthday ``years_after_birth``.
    """
    if died_on is not None and died_before_adulthood(date_of_birth=date_of_birth, died_on=died_on):
        return Retention(
            on=anniversary(died_on, years_after_death),
            rule=RetentionRule.DEATH,
            explanation=f"{years_after_death} years after the child died (before 18)",
        )
    return Retention(
        on=anniversary(date_of_birth, years_after_birth),
        rule=RetentionRule.BIRTHDAY,
        explanation=f"{_ordinal(years_after_birth)} birthday",
    )


@dataclass(frozen=True)
class RetentionCutoffs:
    """What ``retention_date(...).is_due(on)`` means as date comparisons, for SQL: a child who
    died before 18 is due when they died on or before ``died_on_or_before``; anyone else when
    they were born on or before ``born_on_or_before``."""

    born_on_or_before: date
    died_on_or_before: date


def retention_cutoffs(*, on: date, years_after_birth: int, years_after_death: int) -> RetentionCutoffs:
    return RetentionCutoffs(
        born_on_or_before=years_before(on, years_after_birth),
        died_on_or_before=years_before(on, years_after_death),
    )


def rule_text(*, years_after_birth: int, years_after_death: int) -> str:
    """The rule in words, for the pages."""
    return (
        f"until the person's {_ordinal(years_after_birth)} birthday, or for {years_after_death} years after "
        "death if the child died before 18"
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
