"""The plans of the demo's children (pure data, no database), and the last touches every plan gets."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .names import first_name_for
from .ssda903 import motherhood, permanence_before, uasc_ceased_on, upn_for

# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class Placement:
    type: str
    provider: str
    postcode: str
    distance: Decimal | None
    urn: str = ""


@dataclass
class EpisodePlan:
    start: date
    reason: str
    legal_status: str
    placement: Placement
    #: Why the placement changed at the end of this episode (when the next one is P, B, T or U).
    reason_place_change: str = ""


@dataclass
class AllocationPlan:
    start: date
    iro: int
    reason: str


@dataclass
class PeriodPlan:
    start: date
    end: date | None
    reason_ceased: str
    category_of_need: str
    home_postcode: str
    episodes: list[EpisodePlan]
    allocations: list[AllocationPlan] = field(default_factory=list)


@dataclass
class ChildPlan:
    key: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    sex: str
    ethnicity: str
    upn: str
    is_uasc: bool
    sibling_group: str | None
    periods: list[PeriodPlan]
    local_reference: str = ""
    uasc_ceased_on: date | None = None
    is_mother: bool | None = None
    mother_child_dob: date | None = None
    previous_permanence: str = "Z1"
    previous_permanence_la: str = ""
    previous_permanence_date: str = ""

    @property
    def in_care(self) -> bool:
        return self.periods[-1].end is None


def finish_plan(
    rng: random.Random, *, key, sex, dob, ethnicity, surname, uasc, sibling_group, periods, today, upns
) -> ChildPlan:
    first, preferred = first_name_for(rng, sex=sex, ethnicity=ethnicity, uasc=uasc)
    on = periods[-1].end or today
    is_mother, mother_child_dob = motherhood(rng, sex=sex, dob=dob, uasc=uasc, first_start=periods[0].start)
    permanence, permanence_la, permanence_date = permanence_before(rng, dob=dob, uasc=uasc, periods=periods)
    return ChildPlan(
        key=key,
        first_name=first,
        last_name=surname,
        preferred_name=preferred,
        date_of_birth=dob,
        sex=sex,
        ethnicity=ethnicity,
        upn=upn_for(rng, dob=dob, on=on, uasc=uasc, used=upns),
        is_uasc=uasc,
        sibling_group=sibling_group,
        periods=periods,
        uasc_ceased_on=uasc_ceased_on(dob) if uasc and uasc_ceased_on(dob) <= today else None,
        is_mother=is_mother,
        mother_child_dob=mother_child_dob,
        previous_permanence=permanence,
        previous_permanence_la=permanence_la,
        previous_permanence_date=permanence_date,
    )
