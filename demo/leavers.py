"""The children who left care in the four years before ``today``, each by a reason for leaving
(docs/rules.md#periods-of-care and #turning-18)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from children.ages import eighteenth_birthday
from children.querysets import years_before

from .draw import birthday, dob_for_age, in_days, sample_days, weighted
from .episodes import period_plan, plan_episodes, plan_previous_period
from .names import SURNAMES, UASC_SURNAMES
from .placements import ADOPTION
from .places import home_postcode
from .plans import ChildPlan, PeriodPlan, finish_plan
from .shape import (
    AT_EIGHTEEN,
    ETHNICITY_WEIGHTS,
    EXIT_AGE_WEIGHTS,
    EXIT_DURATIONS,
    EXIT_LEGAL_STATUS,
    EXIT_PLACEMENTS,
    EXIT_WEIGHTS,
    HISTORY_YEARS,
    IN_CARE_DURATIONS,
    UASC_BOYS_SHARE,
    UASC_ETHNICITY_WEIGHTS,
    UASC_EXIT_AGE_WEIGHTS,
    UASC_EXIT_DURATIONS,
    UASC_EXIT_WEIGHTS,
    UASC_LEAVER_SHARE,
)

# --------------------------------------------------------------------------- children who left care


@dataclass(frozen=True)
class _Leaving:
    """How and when a child left care, and when they were born."""

    uasc: bool
    reason: str
    #: The reason's group in the distributions (the special guardianship reasons are one).
    group: str
    end: date
    at_eighteen: bool
    dob: date


def plan_leaver(rng: random.Random, *, key: int, today: date, ftes: Sequence[float], upns: set[str]) -> ChildPlan:
    """A child whose (last) period of care ended in the four years before ``today``."""
    leaving = _leaving(rng, today=today)
    uasc, dob = leaving.uasc, leaving.dob
    start = max(dob, leaving.end - in_days(_days_in_care(rng, leaving)))
    if start >= leaving.end:
        start = leaving.end - in_days(1)
    period, iro = _last_period(rng, leaving, start=start, ftes=ftes)
    periods = [period]
    if not uasc and rng.random() < 0.04:
        previous = plan_previous_period(rng, dob=dob, before=start, home=period.home_postcode, iro=iro, ftes=ftes)
        if previous:
            periods.insert(0, previous)
    if uasc:
        sex = "M" if rng.random() < UASC_BOYS_SHARE else "F"
        ethnicity = weighted(rng, UASC_ETHNICITY_WEIGHTS)
        surname = rng.choice(UASC_SURNAMES)
    else:
        sex = "M" if rng.random() < 0.56 else "F"
        ethnicity = weighted(rng, ETHNICITY_WEIGHTS)
        surname = rng.choice(SURNAMES)
    return finish_plan(
        rng,
        key=key,
        sex=sex,
        dob=dob,
        ethnicity=ethnicity,
        surname=surname,
        uasc=uasc,
        sibling_group=None,
        periods=periods,
        today=today,
        upns=upns,
    )


def _leaving(rng: random.Random, *, today: date) -> _Leaving:
    """The reason care ended, the day, and the child's date of birth: those who left at 18 left
    on their 18th birthday (docs/rules.md#turning-18)."""
    uasc = rng.random() < UASC_LEAVER_SHARE
    reason = weighted(rng, UASC_EXIT_WEIGHTS if uasc else EXIT_WEIGHTS)
    group = "SGO" if reason in ("E45", "E46", "E47", "E48") else reason
    end = today - in_days(rng.randint(1, HISTORY_YEARS * 365 + 1))
    at_eighteen = reason in AT_EIGHTEEN or (reason == "E8" and (uasc or rng.random() < 0.5))
    if at_eighteen:
        dob = years_before(end, 18)
        end = eighteenth_birthday(dob)
    elif uasc:
        dob = dob_for_age(rng, end, weighted(rng, UASC_EXIT_AGE_WEIGHTS.get(group, {14: 1, 15: 2, 16: 3, 17: 3})))
    else:
        dob = dob_for_age(rng, end, weighted(rng, EXIT_AGE_WEIGHTS[group]))
    return _Leaving(uasc, reason, group, end, at_eighteen, dob)


def _days_in_care(rng: random.Random, leaving: _Leaving) -> int:
    uasc, reason, group, end, dob = leaving.uasc, leaving.reason, leaving.group, leaving.end, leaving.dob
    since_birth = (end - dob).days
    if uasc and leaving.at_eighteen:
        return max(1, (end - birthday(dob, 14) - in_days(rng.randint(0, 3 * 365))).days)
    if uasc:
        return sample_days(rng, UASC_EXIT_DURATIONS[group], 1, max(1, (end - birthday(dob, 13)).days))
    if leaving.at_eighteen:
        return sample_days(rng, IN_CARE_DURATIONS, 30, since_birth)
    if reason in ("E11", "E12"):
        # adopted: in care long enough for a placement order and an adoptive placement
        return sample_days(rng, EXIT_DURATIONS[group], min(since_birth, 450), since_birth)
    return sample_days(rng, EXIT_DURATIONS[group], 1, since_birth)


def _last_period(
    rng: random.Random, leaving: _Leaving, *, start: date, ftes: Sequence[float]
) -> tuple[PeriodPlan, int]:
    """The period of care that ended, and its last IRO."""
    uasc, reason, end, dob = leaving.uasc, leaving.reason, leaving.end, leaving.dob
    if uasc:
        status = "V2"
    else:
        status = weighted(
            rng, EXIT_LEGAL_STATUS.get("AT18" if leaving.at_eighteen else leaving.group, {"C2": 50, "V2": 50})
        )
    weights = EXIT_PLACEMENTS.get(reason)
    if reason in ("E4A", "E4B") and status in ("C1", "C2") and rng.random() < 0.6:
        weights = {"P1": 1}
    home = "" if uasc else home_postcode(rng)
    for _ in range(5):
        episodes = plan_episodes(
            rng, dob=dob, start=start, stop=end, uasc=uasc, final_legal_status=status, home=home, final_weights=weights
        )
        # an adopted child's last placement is for adoption (validator rule 390): plan again if not
        if reason not in ("E11", "E12") or episodes[-1].placement.type in ADOPTION:
            break
    iro = weighted(rng, dict(enumerate(ftes)))
    period = period_plan(
        rng,
        start=start,
        end=end,
        reason_ceased=reason,
        uasc=uasc,
        home=home,
        episodes=episodes,
        final_iro=iro,
        ftes=ftes,
    )
    return period, iro
