"""Ages, as pure functions (no Django): docs/rules.md#review-timescales and #participation.

A person born on 29 February attains an age on 1 March in a common year.
"""

from __future__ import annotations

from datetime import date

ADULT_AGE = 18


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on ``on`` (a child born 29 February is a year older on 1 March)."""
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def eighteenth_birthday(date_of_birth: date) -> date:
    """The day a person stops being looked after (docs/rules.md#turning-18; DfE rule 352).

    A person born on 29 February attains an age on 1 March in a common year (as ``age_on``
    counts it), so that is their 18th birthday then. Pure: no Django, no "today".
    """
    try:
        return date_of_birth.replace(year=date_of_birth.year + ADULT_AGE)
    except ValueError:
        return date(date_of_birth.year + ADULT_AGE, 3, 1)


def born_18_years_before(today: date) -> date:
    """The latest date of birth of a person who is 18 on ``today``: a child is under 18 exactly
    when born after it (for filtering in SQL; 29 February gives 28 February, since a person born
    on 29 February turns 18 on 1 March in a year without one)."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:
        return date(today.year - ADULT_AGE, 2, 28)
