"""One period of care of a demo child: its legal statuses, its episodes (placements and the
changes between them) and its IROs (docs/rules.md#periods-of-care)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from children.ages import age_on

from .draw import birthday, in_days, poisson, weighted
from .placements import (
    ADOPTION,
    FOSTER,
    MIN_AGE,
    SAME_CARER_BEFORE,
    SUPPORTED_ACCOMMODATION,
    SUPPORTED_ACCOMMODATION_BREAKS,
    choose_placement_code,
    new_placement,
    placement_valid,
    supported_accommodation_spans_a_break,
    with_reasons_and_urns,
)
from .plans import AllocationPlan, EpisodePlan, PeriodPlan, Placement
from .shape import NEED_WEIGHTS, STAGE_DAYS

REALLOCATION_REASONS = (
    "Caseload balancing across the team",
    "Caseloads rebalanced after the team restructure",
    "IRO returned from extended leave",
    "Potential conflict of interest identified",
    "Young person asked for a different IRO",
)


# --------------------------------------------------------------------------- one period of care


def legal_path(rng: random.Random, final: str) -> list[str]:
    """The legal statuses a period of care goes through to reach ``final``."""
    if final == "C1":
        options = {("C1",): 70, ("V2", "C1"): 30}
    elif final == "C2":
        options = {("C1", "C2"): 60, ("V2", "C1", "C2"): 15, ("V2", "C2"): 10, ("C2",): 15}
    elif final == "E1":
        options = {("C1", "E1"): 50, ("C1", "C2", "E1"): 30, ("V2", "C1", "E1"): 20}
    else:
        options = {(final,): 1}
    return list(weighted(rng, options))


def legal_timeline(rng: random.Random, path: list[str], *, start: date, stop: date) -> list[tuple[date, str]]:
    """(date, legal status) for each status of ``path`` that fits between ``start`` and ``stop``."""
    span = (stop - start).days
    durations = [rng.randint(*STAGE_DAYS[status]) for status in path[:-1]]
    while durations and sum(durations) > span - 1:
        if len(durations) > 1 or span < 3:
            path, durations = path[1:], durations[1:]
        else:
            durations = [max(1, int((span - 1) * rng.uniform(0.4, 0.8)))]
    timeline, day = [(start, path[0])], start
    for status, days in zip(path[1:], durations, strict=True):
        day += in_days(days)
        timeline.append((day, status))
    return timeline


def _move_rate(age: int) -> float:
    """Changes of placement a year: young children are more settled than teenagers."""
    return 0.3 if age < 5 else 0.4 if age < 10 else 0.6


def free_day(rng: random.Random, low: date, high: date, taken: set[date]) -> date | None:
    if low > high:
        return None
    for _ in range(20):
        day = low + in_days(rng.randint(0, (high - low).days))
        if day not in taken:
            taken.add(day)
            return day
    return None


def plan_episodes(
    rng: random.Random,
    *,
    dob: date,
    start: date,
    stop: date,
    uasc: bool,
    final_legal_status: str,
    home: str,
    final_weights: dict[str, float] | None = None,
    legal: list[tuple[date, str]] | None = None,
) -> list[EpisodePlan]:
    """Episodes from ``start`` to ``stop`` (today for a child still in care, else the day care ended).

    Works backwards from the placement at ``stop``: each earlier episode either keeps the
    placement (a change of legal status only, L) or had a different one (P, B, T, U).
    """
    legal = legal or legal_timeline(rng, legal_path(rng, final_legal_status), start=start, stop=stop)
    latest = max(start, stop - in_days(1))
    taken = {day for day, _ in legal}
    events: dict[date, str] = {day: "legal" for day, _ in legal[1:]}
    _add_moves(rng, events, taken, dob=dob, start=start, stop=stop, latest=latest)
    code = _final_placement_code(
        rng,
        events,
        taken,
        dob=dob,
        start=start,
        stop=stop,
        latest=latest,
        legal=legal,
        uasc=uasc,
        final_legal_status=final_legal_status,
        final_weights=final_weights,
    )
    starts = [start, *sorted(events)]
    statuses = _statuses_on(starts, legal)
    placements, reasons = _placements_backwards(
        rng, code, starts, statuses, events, stop=stop, dob=dob, home=home, uasc=uasc
    )
    return with_reasons_and_urns(
        rng,
        [
            EpisodePlan(start=day, reason=reason, legal_status=status, placement=placement)
            for day, reason, status, placement in zip(starts, reasons, statuses, placements, strict=True)
        ],
    )


def _placements_backwards(
    rng: random.Random,
    code: str,
    starts: list[date],
    statuses: list[str],
    events: dict[date, str],
    *,
    stop: date,
    dob: date,
    home: str,
    uasc: bool,
) -> tuple[list[Placement], list[str]]:
    """Each episode's placement and the reason each began, from the last episode back."""
    placements: list[Placement] = [new_placement(rng, code, on=starts[-1], home=home)]
    reasons = ["S"]
    stay_ends = {id(placements[0]): stop}  # the day each placement ends
    for j in range(len(starts) - 2, -1, -1):
        until = starts[j + 1]
        before, reason = _placement_before(
            rng,
            placements[0],
            on=starts[j],
            status=statuses[j],
            until=until,
            kind=events[until],
            stay_ends=stay_ends,
            dob=dob,
            home=home,
            uasc=uasc,
        )
        stay_ends.setdefault(id(before), until)
        placements.insert(0, before)
        reasons.insert(1, reason)
    return placements, reasons


def _add_moves(
    rng: random.Random, events: dict[date, str], taken: set[date], *, dob: date, start: date, stop: date, latest: date
) -> None:
    """Changes of placement: an early move from an emergency placement, then moves at the child's rate."""
    years = (stop - start).days / 365.25
    moves = poisson(rng, _move_rate(age_on(dob, start)) * min(years, 3.0))
    if (stop - start).days > 30 and rng.random() < 0.25:
        day = free_day(rng, start + in_days(1), min(start + in_days(60), latest), taken)
        if day:
            events[day] = "move"
    for _ in range(moves):
        day = free_day(rng, start + in_days(1), latest, taken)
        if day:
            events[day] = "move"


def _final_placement_code(
    rng: random.Random,
    events: dict[date, str],
    taken: set[date],
    *,
    dob: date,
    start: date,
    stop: date,
    latest: date,
    legal: list[tuple[date, str]],
    uasc: bool,
    final_legal_status: str,
    final_weights: dict[str, float] | None,
) -> str:
    """The placement at the end, and a move into it if the child was too young for it (or not
    yet under a placement order) when the last episode would otherwise have started."""
    code = choose_placement_code(
        rng, weights=final_weights, dob=dob, on=latest, legal_status=final_legal_status, uasc=uasc
    )
    last_change = max(events, default=start)
    lower = birthday(dob, MIN_AGE[code]) if code in MIN_AGE else start
    if code in ADOPTION:
        lower = max(lower, legal[-1][0] + in_days(1))
    if code == "SUP":
        # e.g. an H5 stay still open on 1 April 2025: the move is into K3 from then instead
        lower = max([lower, *(first for first, second in SUPPORTED_ACCOMMODATION_BREAKS if stop >= second)])
    if lower <= last_change:
        return code
    day = free_day(rng, max(lower, last_change + in_days(1)), latest, taken)
    if day:
        events[day] = "move"
        return code
    return choose_placement_code(
        rng,
        weights=None,
        dob=dob,
        on=last_change,
        legal_status=final_legal_status,
        uasc=uasc,
        allow_adoption=False,
        until=stop,
    )


def _statuses_on(starts: list[date], legal: list[tuple[date, str]]) -> list[str]:
    """The legal status at the start of each episode."""
    statuses, status_at = [], dict(legal)
    current = legal[0][1]
    for day in starts:
        current = status_at.get(day, current)
        statuses.append(current)
    return statuses


def _placement_before(
    rng: random.Random,
    after: Placement,
    *,
    on: date,
    status: str,
    until: date,
    kind: str,
    stay_ends: dict[int, date],
    dob: date,
    home: str,
    uasc: bool,
) -> tuple[Placement, str]:
    """The placement of the episode from ``on`` to ``until``, before ``after``, and the reason
    the next episode started: the same placement (L), the same carer (T, U) or a move (P, B)."""
    age = age_on(dob, on)
    before_code = SAME_CARER_BEFORE.get(after.type)
    same_carer_ok = before_code is not None and placement_valid(
        before_code, legal_status=status, age=age, uasc=uasc, on=on
    )

    def moved() -> Placement:
        """A placement with another carer, from which the child moved to ``after``."""
        pick = choose_placement_code(
            rng,
            weights=None,
            dob=dob,
            on=on,
            legal_status=status,
            uasc=uasc,
            allow_adoption=False,
            until=until,
            instead_of=after.type,
        )
        return new_placement(rng, pick, on=on, home=home, moving_from=after.postcode)

    if kind == "legal":
        keep = placement_valid(after.type, legal_status=status, age=age, uasc=uasc, on=on) and not (
            after.type in SUPPORTED_ACCOMMODATION and supported_accommodation_spans_a_break(on, stay_ends[id(after)])
        )
        if keep and same_carer_ok and after.type != "A5" and rng.random() < 0.3:
            # e.g. the foster placement became long-term when the final care order was made
            return new_placement(rng, before_code, on=on, home=home, provider=after.provider, place=after), "U"
        if keep and rng.random() >= 0.15:
            return after, "L"
        return moved(), "B"
    if same_carer_ok and (after.type == "A5" or rng.random() < 0.35):
        provider = after.provider if after.type in FOSTER else None
        return new_placement(rng, before_code, on=on, home=home, provider=provider, place=after), "T"
    return moved(), "P"


def plan_allocations(
    rng: random.Random, *, start: date, stop: date, final_iro: int, ftes: Sequence[float]
) -> list[AllocationPlan]:
    """The child's IROs in a period: mostly one throughout, sometimes a change or two."""
    span = (stop - start).days
    changes = 0
    if span > 240:
        r = rng.random()
        changes = 2 if r < 0.07 else 1 if r < 0.32 else 0
    taken: set[date] = set()
    days = sorted(
        d for d in (free_day(rng, start + in_days(60), stop - in_days(1), taken) for _ in range(changes)) if d
    )
    iros = [final_iro]
    for _ in days:
        others = {i: ftes[i] for i in range(len(ftes)) if i != iros[0]}
        iros.insert(0, weighted(rng, others))
    plans = [AllocationPlan(start, iros[0], "Became looked after")]
    plans += [
        AllocationPlan(day, iro, rng.choice(REALLOCATION_REASONS)) for day, iro in zip(days, iros[1:], strict=True)
    ]
    return plans


def need_for(rng: random.Random, *, uasc: bool, episodes: list[EpisodePlan]) -> str:
    if uasc:
        return "N8" if rng.random() < 0.9 else "N4"
    if episodes[-1].placement.type in ("R1", "S1"):
        return "N2"
    return weighted(rng, NEED_WEIGHTS)


def period_plan(
    rng: random.Random,
    *,
    start: date,
    end: date | None,
    reason_ceased: str,
    uasc: bool,
    home: str,
    episodes: list[EpisodePlan],
    final_iro: int,
    ftes: Sequence[float],
    stop: date | None = None,
) -> PeriodPlan:
    """A period of care of these episodes: its category of need drawn, then its IROs up to
    ``final_iro`` planned to ``stop`` (the end of the period, or today for an open one)."""
    return PeriodPlan(
        start=start,
        end=end,
        reason_ceased=reason_ceased,
        category_of_need=need_for(rng, uasc=uasc, episodes=episodes),
        home_postcode=home,
        episodes=episodes,
        allocations=plan_allocations(rng, start=start, stop=stop or end, final_iro=final_iro, ftes=ftes),
    )


def plan_previous_period(
    rng: random.Random, *, dob: date, before: date, home: str, iro: int, ftes: Sequence[float]
) -> PeriodPlan | None:
    """An earlier period of care that ended with the child going home, before ``before``."""
    room = (before - dob).days
    if room < 240:
        return None
    end = before - in_days(rng.randint(45, min(540, room - 120)))
    start = end - in_days(rng.randint(14, min(420, (end - dob).days - 1)))
    reason = weighted(rng, {"E4A": 70, "E4B": 12, "E41": 10, "E8": 8})
    status = weighted(rng, {"V2": 55, "C2": 30, "C1": 15})
    weights = {"P1": 1} if status != "V2" and rng.random() < 0.6 else None
    episodes = plan_episodes(
        rng, dob=dob, start=start, stop=end, uasc=False, final_legal_status=status, home=home, final_weights=weights
    )
    final_iro = iro if rng.random() < 0.5 else weighted(rng, dict(enumerate(ftes)))
    return period_plan(
        rng,
        start=start,
        end=end,
        reason_ceased=reason,
        uasc=False,
        home=home,
        episodes=episodes,
        final_iro=final_iro,
        ftes=ftes,
    )
