"""The cohort's counts: who was looked after at each year end, who left care, and the child
population the rate is per. The rules of each count are in the package docstring
(``reporting.figures.cohort``; docs/rules.md#annual-report).

Queries: one per year, one for the leavers and one for the population."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, DateField, Exists, F, IntegerField, Max, OuterRef, Q, Sum, Value, When, Window

from children.codes import (
    ADOPTION_EXITS,
    AGE_BAND_YEARS,
    CHILD_ARRANGEMENTS_EXITS,
    LEGAL_STATUS_GROUPS,
    PLACEMENT_GROUPS,
    SPECIAL_GUARDIANSHIP_EXITS,
    AgeBand,
    Ethnicity,
    ReasonEpisodeCeased,
    Sex,
)
from children.models import CareEpisode, IROAllocation
from children.querysets import years_before

from ...models import ChildPopulation
from .. import Scope
from ..shared import Period, person_scope

#: SSDA903 ethnicity codes grouped as the annual reports group them (docs/sources.md#thurrock-2021-22 section 8.3),
#: by the first letters of the code: W White, M Mixed, A Asian, B Black, C (Chinese) and O
#: (any other) Other, and REFU (refused) and NOBT (not yet obtained) Not known.
ETHNICITY_GROUP_PREFIXES: dict[str, tuple[str, ...]] = {
    "White": ("W",),
    "Mixed": ("M",),
    "Asian or Asian British": ("A",),
    "Black or Black British": ("B",),
    "Other ethnic group": ("C", "O"),
    "Not known": ("REFU", "NOBT"),
}
#: The same groups as the codes they hold; every ``Ethnicity`` code is in exactly one group.
ETHNICITY_GROUPS: dict[str, tuple[str, ...]] = {
    group: tuple(code for code in Ethnicity.values if code.startswith(prefixes))
    for group, prefixes in ETHNICITY_GROUP_PREFIXES.items()
}

#: Time in care since the start of the current period of care: (label, at least, under) years.
TIME_IN_CARE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Under 1 year", 0, 1),
    ("1 year to under 2 years", 1, 2),
    ("2 years to under 5 years", 2, 5),
    ("5 years or more", 5, None),
)

#: Reasons for a new episode that begin a new placement: every one but L (legal status only).
PLACEMENT_STARTS = ("S", "P", "T", "U", "B")
STABILITY_PLACEMENTS = 3
STABILITY_RULE = (
    "Three or more placements: the placement the child was in on 1 April, if looked after that day, "
    "plus each episode starting after 1 April up to the year end that began a placement (reason for "
    "new episode S, P, T, U or B: every reason but a change of legal status only)."
)
FAR_FROM_HOME_MILES = 20

EXIT_ROUTES = (
    ("Special guardianship order", "sgo", SPECIAL_GUARDIANSHIP_EXITS),
    ("Child arrangements order", "cao", CHILD_ARRANGEMENTS_EXITS),
    ("Adoption", "adopted", ADOPTION_EXITS),
)


# --- the queries ------------------------------------------------------------------------------


def _covering(day: date, prefix: str = "") -> Q:
    """Episodes (or allocations) covering ``day``: started by it and not ended on or before it."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    )


def scoped(scope: Scope) -> bool:
    return scope.iro_id is not None or scope.team_id is not None


def _held_by_scope_on(scope: Scope, day: date) -> Q | Exists:
    """The episode's child was allocated on ``day`` to the scope's IRO or team (no filter for the
    whole service)."""
    if not scoped(scope):
        return Q()
    return Exists(
        IROAllocation.objects.looked_after().filter(
            _covering(day), person_scope(scope, "iro"), child_id=OuterRef("child_id")
        )
    )


def _held_by_scope_when_left(scope: Scope) -> Q | Exists:
    """The leaving episode's child was held by the scope's IRO or team on the day they left."""
    if not scoped(scope):
        return Q()
    allocations = IROAllocation.objects.looked_after().filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("ended_on")),
        person_scope(scope, "iro"),
        child_id=OuterRef("child_id"),
        started_on__lte=OuterRef("ended_on"),
    )
    return Exists(allocations)


def _age_band(band: AgeBand, on: date) -> Q:
    youngest, oldest = AGE_BAND_YEARS[band]
    return Q(
        child__date_of_birth__lte=years_before(on, youngest), child__date_of_birth__gt=years_before(on, oldest + 1)
    )


def _time_in_care_band(at_least: int, under: int | None, on: date) -> Q:
    condition = Q(period_start__lte=years_before(on, at_least))
    if under is not None:
        condition &= Q(period_start__gt=years_before(on, under))
    return condition


def _children(condition: Q | None = None) -> Count:
    return Count("child_id", distinct=True, filter=condition)


def _per_child(expression) -> Window:
    """``expression`` (an aggregate) over all of the child's episodes in the query."""
    return Window(expression, partition_by=[F("child_id")])


def _number(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def year_end_counts(period: Period, scope: Scope) -> dict[str, int]:
    """Every count about the children looked after on the period's last day: one query.

    It reads every episode started by the last day of the children in scope, once: what is
    about the child's episodes together (the start of the current period of care, the
    placements of the year) is a window over them, worked out once a child, and each count
    then counts the children with an episode covering the last day (``at_end``)."""
    on = period.end
    at_end = _covering(on)

    def looked_after(condition: Q | None = None) -> Count:
        return _children(at_end & condition if condition is not None else at_end)

    counts = {
        "looked_after": looked_after(),
        "uasc": looked_after(Q(child__is_uasc=True)),
        "stable_3": looked_after(Q(placements__gte=STABILITY_PLACEMENTS)),
        "far": looked_after(Q(distance_from_home_miles__gt=FAR_FROM_HOME_MILES)),
        "time_unknown": looked_after(Q(period_start__isnull=True)),
    }
    counts |= {f"sex_{code}": looked_after(Q(child__sex=code)) for code in Sex.values}
    counts |= {f"age_{band}": looked_after(_age_band(band, on)) for band in AgeBand}
    counts |= {f"ethnic_{i}": looked_after(Q(child__ethnicity__in=c)) for i, c in enumerate(ETHNICITY_GROUPS.values())}
    counts |= {f"legal_{i}": looked_after(Q(legal_status__in=c)) for i, c in enumerate(LEGAL_STATUS_GROUPS.values())}
    counts |= {f"placed_{i}": looked_after(Q(placement_type__in=c)) for i, c in enumerate(PLACEMENT_GROUPS.values())}
    counts |= {
        f"time_{i}": looked_after(_time_in_care_band(at_least, under, on))
        for i, (_label, at_least, under) in enumerate(TIME_IN_CARE_BANDS)
    }
    placement_begun = Q(reason_new_episode__in=PLACEMENT_STARTS, started_on__gt=period.start, started_on__lte=on)
    # Windows make Django aggregate over the annotated episodes as a derived table, which
    # PostgreSQL cannot fold into the outer query: each window is worked out once a child.
    return (
        CareEpisode.objects.filter(_held_by_scope_on(scope, on), started_on__lte=on)
        .annotate(
            period_start=_per_child(
                Max(Case(When(reason_new_episode="S", then=F("started_on")), output_field=DateField()))
            ),
            placements=_per_child(Sum(_number(placement_begun))) + _per_child(Max(_number(_covering(period.start)))),
        )
        .aggregate(**counts)
    )


def leavers(periods: list[Period], scope: Scope) -> list[dict[str, int]]:
    """Children who left care in each period, in all and by route: one query."""
    counts = {}
    for i, period in enumerate(periods):
        in_year = Q(ended_on__gte=period.start, ended_on__lte=period.end)
        counts[f"left_{i}"] = _children(in_year)
        for _label, key, reasons in EXIT_ROUTES:
            counts[f"{key}_{i}"] = _children(in_year & Q(reason_ceased__in=reasons))
    totals = (
        CareEpisode.objects.filter(
            _held_by_scope_when_left(scope),
            ended_on__gte=periods[0].start,
            ended_on__lte=max(p.end for p in periods),
        )
        .exclude(reason_ceased=ReasonEpisodeCeased.X1)
        .aggregate(**counts)
    )
    keys = ["left", *(key for _label, key, _reasons in EXIT_ROUTES)]
    return [{key: totals[f"{key}_{i}"] for key in keys} for i in range(len(periods))]


def populations(periods: list[Period]) -> dict[int, int]:
    """Children under 18 entered for each year, by start year (0 counts as not entered): one query."""
    years = [p.year.start_year for p in periods]
    return dict(
        ChildPopulation.objects.filter(start_year__in=years, children_under_18__gt=0).values_list(
            "start_year", "children_under_18"
        )
    )
