"""The children looked after today: ages, sex, legal status and time in care drawn to the
authority's shape, sibling groups placed together where they can be, caseloads pro rata to FTE."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from children.ages import age_on

from .draw import birthday, dob_for_age, in_days, quota, quota_counts, sample_days, weighted
from .episodes import period_plan, plan_episodes, plan_previous_period
from .names import SURNAMES, UASC_SURNAMES
from .placements import placement_valid
from .places import home_postcode
from .plans import AllocationPlan, ChildPlan, PeriodPlan, finish_plan
from .shape import (
    AGE_BAND_WEIGHTS,
    BOYS_SHARE,
    CARE_ORDER_DURATIONS,
    ETHNICITY_WEIGHTS,
    LEGAL_STATUS_SHARE,
    S20_DURATIONS,
    UASC_AGE_WEIGHTS,
    UASC_BOYS_SHARE,
    UASC_DURATIONS,
    UASC_ETHNICITY_WEIGHTS,
    UASC_SHARE,
)


@dataclass
class _Draft:
    """A child in care today while their plan is being worked out."""

    key: int
    uasc: bool
    age: int
    sex: str = ""
    dob: date | None = None
    legal_status: str = ""
    start: date | None = None
    ethnicity: str = ""
    surname: str = ""
    home_postcode: str = ""
    group: int | None = None
    iro: int = 0
    periods: list[PeriodPlan] = field(default_factory=list)


# --------------------------------------------------------------------------- children in care today


def _pick_weighted(rng: random.Random, drafts: list[_Draft], n: int, weight) -> list[_Draft]:
    """``n`` drafts picked without replacement, each with probability in proportion to ``weight``."""
    pool = [d for d in drafts if weight(d) > 0]
    chosen = []
    for _ in range(min(n, len(pool))):
        d = rng.choices(pool, weights=[weight(x) for x in pool])[0]
        pool.remove(d)
        chosen.append(d)
    return chosen


def _e1_weight(d: _Draft) -> float:
    return {0: 1, 1: 4, 2: 5, 3: 4, 4: 3, 5: 1.5, 6: 0.7, 7: 0.3}.get(d.age, 0)


def _s20_weight(d: _Draft) -> float:
    return 1.5 if d.age == 0 else 0.5 if d.age < 5 else 0.6 if d.age < 10 else 1.0 if d.age < 16 else 2.0


def _ico_weight(d: _Draft) -> float:
    return 3 if d.age == 0 else 1.5 if d.age < 5 else 1 if d.age < 16 else 0.5


def plan_in_care(rng: random.Random, *, today: date, n: int, ftes: Sequence[float], upns: set[str]) -> list[ChildPlan]:
    """``n`` children looked after on ``today``, with their history."""
    drafts = _drafts_by_age(rng, n)
    uasc = [d for d in drafts if d.uasc]
    others = [d for d in drafts if not d.uasc]
    _draw_sex_and_birth(rng, drafts, uasc, others, today=today)
    _draw_legal_status(rng, uasc, others, n=len(drafts), today=today)
    for d in drafts:
        d.start = today - in_days(_days_in_care(rng, d, today=today))
    for d, ethnicity in zip(others, quota(rng, len(others), ETHNICITY_WEIGHTS), strict=True):
        d.ethnicity = ethnicity
    for d in uasc:
        d.ethnicity = weighted(rng, UASC_ETHNICITY_WEIGHTS)
    for d in drafts:
        d.surname = rng.choice(UASC_SURNAMES if d.uasc else SURNAMES)
        d.home_postcode = "" if d.uasc else home_postcode(rng)

    groups = _form_sibling_groups(rng, others)
    units = [groups[g] for g in sorted(groups)] + [[d] for d in drafts if d.group is None]
    _assign_caseloads(rng, units, ftes)
    plans = [d for unit in units for d in _plan_unit(rng, unit, today=today, ftes=ftes)]
    return [_child_plan(rng, d, today=today, upns=upns) for d in sorted(plans, key=lambda d: d.key)]


def _drafts_by_age(rng: random.Random, n: int) -> list[_Draft]:
    """The unaccompanied children by their ages, then the others filling each age band's quota."""
    n_uasc = round(n * UASC_SHARE)
    drafts = [_Draft(key=i, uasc=True, age=a) for i, a in enumerate(quota(rng, n_uasc, UASC_AGE_WEIGHTS))]
    bands = quota_counts(n, AGE_BAND_WEIGHTS)
    for d in drafts:
        band = next(b for b in bands if b[0] <= d.age <= b[1])
        bands[band] = max(0, bands[band] - 1)
    ages = []
    for (low, high), count in bands.items():
        weights = {a: (1 + (a - 10) * 0.08 if low == 10 else 1) for a in range(low, high + 1)}
        ages += [weighted(rng, weights) for _ in range(count)]
    return drafts + [_Draft(key=n_uasc + i, uasc=False, age=a) for i, a in enumerate(ages)]


def _draw_sex_and_birth(
    rng: random.Random, drafts: list[_Draft], uasc: list[_Draft], others: list[_Draft], *, today: date
) -> None:
    uasc_boys = round(len(uasc) * UASC_BOYS_SHARE)
    for d, sex in zip(uasc, quota(rng, len(uasc), {"M": uasc_boys, "F": len(uasc) - uasc_boys}), strict=True):
        d.sex = sex
    other_boys = min(len(others), max(0, round(len(drafts) * BOYS_SHARE) - uasc_boys))
    for d, sex in zip(others, quota(rng, len(others), {"M": other_boys, "F": len(others) - other_boys}), strict=True):
        d.sex = sex
    for d in drafts:
        d.dob = dob_for_age(rng, today, d.age)


def _draw_legal_status(rng: random.Random, uasc: list[_Draft], others: list[_Draft], *, n: int, today: date) -> None:
    """UASC are accommodated under s20; placement orders for the youngest; the rest care orders."""
    for d in uasc:
        d.legal_status = "V2"
    undecided = list(others)
    for status, weight in (("E1", _e1_weight), ("V2", _s20_weight), ("C1", _ico_weight)):
        wanted = round(n * LEGAL_STATUS_SHARE[status]) - (len(uasc) if status == "V2" else 0)
        for d in _pick_weighted(rng, undecided, wanted, weight):
            d.legal_status = status
            undecided.remove(d)
    for d in undecided:
        # A final care order takes months of proceedings: the youngest babies are still on interim orders.
        d.legal_status = "C2" if (today - d.dob).days >= 180 else "C1"


def _days_in_care(rng: random.Random, d: _Draft, *, today: date) -> int:
    since_birth = (today - d.dob).days
    if d.uasc:
        days = sample_days(rng, UASC_DURATIONS, 1, max(1, (today - birthday(d.dob, 13)).days))
    elif d.legal_status == "C1":
        days = sample_days(rng, ((3, 500, 1),), 3, since_birth)
    elif d.legal_status == "E1":
        days = sample_days(rng, ((200, 1100, 1),), 200, since_birth)
    elif d.legal_status == "V2":
        days = sample_days(rng, S20_DURATIONS, 1, since_birth)
    else:
        days = sample_days(rng, CARE_ORDER_DURATIONS, 150, since_birth)
    return min(days, since_birth)


def _plan_unit(rng: random.Random, unit: list[_Draft], *, today: date, ftes: Sequence[float]) -> list[_Draft]:
    """The periods of care of a child, or of a sibling group led by its first member."""
    lead = unit[0]
    lead_period = _plan_open_period(rng, lead, today=today, ftes=ftes)
    for d in unit:
        d.periods = [lead_period if d is lead else _plan_sibling_period(rng, d, lead, lead_period, today=today)]
        if d.group is None and not d.uasc and rng.random() < 0.06:
            previous = plan_previous_period(rng, dob=d.dob, before=d.start, home=d.home_postcode, iro=d.iro, ftes=ftes)
            if previous:
                d.periods.insert(0, previous)
    return unit


def _form_sibling_groups(rng: random.Random, drafts: list[_Draft]) -> dict[int, list[_Draft]]:
    """Brothers and sisters: same surname, home, start date and legal status."""
    groups: dict[int, list[_Draft]] = {}
    surnames_taken: set[str] = set()
    order = list(drafts)
    rng.shuffle(order)
    for lead in order:
        if lead.group is not None or rng.random() > 0.16:
            continue
        size = weighted(rng, {2: 60, 3: 30, 4: 10})
        members = [lead]
        candidates = [
            d
            for d in drafts
            if d is not lead
            and d.group is None
            and d.legal_status == lead.legal_status
            and d.ethnicity == lead.ethnicity
            and d.dob <= lead.start
            and abs((d.dob - lead.dob).days) < 3650
        ]
        rng.shuffle(candidates)
        for d in candidates:
            # Brothers and sisters are born at least 11 months apart (no twins in Demoshire).
            if len(members) < size and all(abs((d.dob - m.dob).days) >= 330 for m in members):
                members.append(d)
        if len(members) < 2:
            continue
        # Each group has its own surname, so two families never share a group's name.
        if lead.surname in surnames_taken:
            lead.surname = rng.choice([s for s in SURNAMES if s not in surnames_taken])
        surnames_taken.add(lead.surname)
        for d in members:
            d.group = lead.key
            d.surname = lead.surname
            d.home_postcode = lead.home_postcode
            d.start = lead.start
        groups[lead.key] = members
    return groups


def _assign_caseloads(rng: random.Random, units: list[list[_Draft]], ftes: Sequence[float]) -> None:
    """Give each child (a sibling group together) an IRO, pro rata to FTE with a little variation."""
    total = sum(len(u) for u in units)
    targets = [total * f / sum(ftes) * rng.uniform(0.95, 1.05) for f in ftes]
    loads = [0] * len(ftes)
    order = list(units)
    rng.shuffle(order)
    order.sort(key=len, reverse=True)
    for unit in order:
        i = max(range(len(ftes)), key=lambda k: targets[k] - loads[k])
        loads[i] += len(unit)
        for d in unit:
            d.iro = i


def _plan_open_period(rng: random.Random, d: _Draft, *, today: date, ftes: Sequence[float]) -> PeriodPlan:
    episodes = plan_episodes(
        rng, dob=d.dob, start=d.start, stop=today, uasc=d.uasc, final_legal_status=d.legal_status, home=d.home_postcode
    )
    return period_plan(
        rng,
        start=d.start,
        end=None,
        reason_ceased="",
        uasc=d.uasc,
        home=d.home_postcode,
        episodes=episodes,
        final_iro=d.iro,
        ftes=ftes,
        stop=today,
    )


def _plan_sibling_period(rng: random.Random, d: _Draft, lead: _Draft, lead_period: PeriodPlan, *, today: date):
    """Placed with the lead sibling where their ages allow it, otherwise apart; same legal history."""
    together = rng.random() < 0.6 and all(
        placement_valid(
            e.placement.type, legal_status=e.legal_status, age=age_on(d.dob, e.start), uasc=False, on=e.start
        )
        for e in lead_period.episodes
    )
    if together:
        episodes = [replace(e) for e in lead_period.episodes]
    else:
        legal = [(e.start, e.legal_status) for e in lead_period.episodes if e.reason in ("S", "L", "U", "B")]
        episodes = plan_episodes(
            rng,
            dob=d.dob,
            start=d.start,
            stop=today,
            uasc=False,
            final_legal_status=d.legal_status,
            home=d.home_postcode,
            legal=legal,
        )
    return PeriodPlan(
        start=d.start,
        end=None,
        reason_ceased="",
        category_of_need=lead_period.category_of_need,
        home_postcode=d.home_postcode,
        episodes=episodes,
        allocations=[AllocationPlan(a.start, a.iro, a.reason) for a in lead_period.allocations],
    )


def _child_plan(rng: random.Random, d: _Draft, *, today: date, upns: set[str]) -> ChildPlan:
    return finish_plan(
        rng,
        key=d.key,
        sex=d.sex,
        dob=d.dob,
        ethnicity=d.ethnicity,
        surname=d.surname,
        uasc=d.uasc,
        sibling_group=f"{d.surname} family" if d.group is not None else None,
        periods=d.periods,
        today=today,
        upns=upns,
    )
