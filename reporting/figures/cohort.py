"""Children looked after: the cohort at each year end, how it is made up, and who left care.

docs/rules.md#annual-report (the report shows the cohort at year end: number, rate per 10,000
children, UASC, adopted, with gender, age bands, ethnicity, legal status, time in care,
placement stability and placements more than 20 miles from home; exits by special guardianship
and child arrangements orders) and section 9 (SSDA903 codes); seed 004 sections 8 and 9 print
these tables with a five-year trend.

How each figure is counted, so that the dashboard, the PDF and the CSV agree:

* **Year end.** 31 March; for the year still in progress, ``scope.today`` (or the local date).
* **Looked after on a day ``d``.** The child has a care episode covering ``d``:
  ``started_on <= d`` and the episode is open or ``ended_on > d``. An episode runs up to but not
  including its ``ended_on``, as the services record it: a change of placement or legal status
  closes one episode (X1) and opens the next on the same day, so exactly one episode covers each
  day, and **a child whose care ended on ``d`` is not looked after on ``d``** (a child who leaves
  care on 31 March is not in that year's cohort, but is counted among that year's leavers).
  Every figure "at year end" (legal status, placement, distance) is read from that one episode.
* **Rate per 10,000 children.** Looked after at year end × 10,000 ÷ the population under 18
  that an administrator entered for the year (``reporting.ChildPopulation``), rounded half up to
  a whole number as the DfE publishes it. A year with no population entered has no rate (the
  cell is empty and the note says so): the figure is never estimated. The rate is for the whole
  service, so an IRO or team scope shows none.
* **UASC** is ``Child.is_uasc`` as recorded now (the records keep no history of it).
* **Age** is whole years on the year-end day, banded as ``children.codes.AGE_BAND_YEARS``.
* **Ethnicity** is grouped by the SSDA903 code's first letters (``ETHNICITY_GROUPS``).
* **Time in care** runs from the start of the current period of care: the latest episode with
  reason for new episode S starting on or before the year-end day. A child who left care and
  came back is timed from the return, not from their first period.
* **Placement stability** (``STABILITY_RULE``): a child looked after at year end had three or
  more placements in the year when the placement they were in on 1 April (if looked after that
  day) plus every episode starting after 1 April, up to the year end, that began a placement
  (reason for new episode S, P, T, U or B: every reason but L, a change of legal status only)
  makes three or more. Placements in an earlier period of care in the same year count too.
* **Far from home.** The episode covering the year-end day records ``distance_from_home_miles``
  over 20 (the DfE's "more than 20 miles"; exactly 20 is not counted; not recorded is not
  counted).
* **Leavers.** Children whose episode ended in the year (1 April to the year end, both days
  included) for a reason other than X1. Adopted: E11, E12; special guardianship: E45 to E48;
  child arrangements order: E41 (``children.codes``). A child who left twice in a year counts
  once in each route they left by and once in the total.
* **Short breaks.** Children on a series of short breaks (V3, V4) are in the cohort as recorded;
  the DfE's published figures leave them out, and the legal status table shows how many there are.
* **Scope.** ``iro_id``: children allocated to that IRO on the year-end day (an allocation
  covers a day the same way an episode does); for leavers, the IRO who held the child on the day
  they left (the allocation ends that day). ``team_id``: the same for the IROs whose profile is
  in the team now (the records keep no history of teams).
* **Years.** Each table keeps the report's year and the earlier years the records hold data
  for: the composition tables a year in which anyone was looked after at its end, the numbers
  and leavers tables also a year in which anyone left care (a zero there is then a figure).
* **Links.** Only while the report's year is in progress, and not for a team: the children list
  (``/children/?status=in_care`` with ``iro``, ``age_band``, ``legal_status`` or
  ``placement_type``) shows the children looked after now, which is the last column. A group of
  several codes has no link, because the list filters on one code.

Queries: one per year, one for the leavers and one for the population (none in an IRO or team
scope): seven for a five-year report, whatever the number of children or episodes.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

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

from ..models import ChildPopulation
from ..periods import ReportingYear
from . import Scope, Section, Table
from .service import Period, fmt, join_notes, percentage, periods_of, person_scope, to_date_note

#: SSDA903 ethnicity codes grouped as the annual reports group them (seed 004 section 8.3),
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


def _scoped(scope: Scope) -> bool:
    return scope.iro_id is not None or scope.team_id is not None


def _held_by_scope_on(scope: Scope, day: date) -> Q | Exists:
    """The episode's child was allocated on ``day`` to the scope's IRO or team (no filter for the
    whole service)."""
    if not _scoped(scope):
        return Q()
    return Exists(
        IROAllocation.objects.filter(_covering(day), person_scope(scope, "iro"), child_id=OuterRef("child_id"))
    )


def _held_by_scope_when_left(scope: Scope) -> Q | Exists:
    """The leaving episode's child was held by the scope's IRO or team on the day they left."""
    if not _scoped(scope):
        return Q()
    allocations = IROAllocation.objects.filter(
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


def _year_end_counts(period: Period, scope: Scope) -> dict[str, int]:
    """Every count about the children looked after on the period's last day: one query."""
    on = period.end
    period_start = CareEpisode.objects.filter(
        child_id=OuterRef("child_id"), reason_new_episode="S", started_on__lte=on
    ).order_by("-started_on")
    placements_begun = (
        CareEpisode.objects.filter(
            child_id=OuterRef("child_id"),
            reason_new_episode__in=PLACEMENT_STARTS,
            started_on__gt=period.start,
            started_on__lte=on,
        )
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_care_on_first_day = CareEpisode.objects.filter(_covering(period.start), child_id=OuterRef("child_id"))
    counts = {
        "looked_after": _children(),
        "uasc": _children(Q(child__is_uasc=True)),
        "stable_3": _children(Q(placements__gte=STABILITY_PLACEMENTS)),
        "far": _children(Q(distance_from_home_miles__gt=FAR_FROM_HOME_MILES)),
        "time_unknown": _children(Q(period_start__isnull=True)),
    }
    counts |= {f"sex_{code}": _children(Q(child__sex=code)) for code in Sex.values}
    counts |= {f"age_{band}": _children(_age_band(band, on)) for band in AgeBand}
    counts |= {f"ethnic_{i}": _children(Q(child__ethnicity__in=c)) for i, c in enumerate(ETHNICITY_GROUPS.values())}
    counts |= {f"legal_{i}": _children(Q(legal_status__in=c)) for i, c in enumerate(LEGAL_STATUS_GROUPS.values())}
    counts |= {f"placed_{i}": _children(Q(placement_type__in=c)) for i, c in enumerate(PLACEMENT_GROUPS.values())}
    counts |= {
        f"time_{i}": _children(_time_in_care_band(at_least, under, on))
        for i, (_label, at_least, under) in enumerate(TIME_IN_CARE_BANDS)
    }
    return (
        CareEpisode.objects.filter(_covering(on), _held_by_scope_on(scope, on))
        .annotate(
            period_start=Subquery(period_start.values("started_on")[:1]),
            placements=Coalesce(Subquery(placements_begun, output_field=IntegerField()), 0)
            + Case(When(Exists(in_care_on_first_day), then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .aggregate(**counts)
    )


def _leavers(periods: list[Period], scope: Scope) -> list[dict[str, int]]:
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


def _populations(periods: list[Period]) -> dict[int, int]:
    """Children under 18 entered for each year, by start year (0 counts as not entered): one query."""
    years = [p.year.start_year for p in periods]
    return dict(
        ChildPopulation.objects.filter(start_year__in=years, children_under_18__gt=0).values_list(
            "start_year", "children_under_18"
        )
    )


# --- the tables -------------------------------------------------------------------------------


def rate_per_10000(children: int, population: int | None) -> int | None:
    """Children per 10,000 of the population, rounded half up to a whole number."""
    if not population:
        return None
    return int((Decimal(children) * 10000 / Decimal(population)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _children_url(**params: str) -> str:
    return f"{reverse('children:list')}?{urlencode({'status': 'in_care', **params})}"


class _Tables:
    """Builds the tables from the per-year figures. Each table keeps the report's year and the
    earlier years in which the records hold data for it (``has_data``)."""

    def __init__(self, periods: list[Period], scope: Scope):
        self.periods = periods
        self.live = periods[-1].is_current and scope.team_id is None
        self.iro_param = {"iro": str(scope.iro_id)} if scope.iro_id is not None else {}

    def link(self, **params: str) -> str:
        return _children_url(**self.iro_param, **params) if self.live else ""

    def table(
        self,
        key: str,
        title: str,
        heading: str,
        rows: list[list],
        *,
        has_data: list[bool],
        note: str = "",
        chart: str = "",
        links: dict[str, str] | None = None,
    ) -> Table:
        last = len(self.periods) - 1
        kept = [i for i in range(len(self.periods)) if i == last or has_data[i]]
        return Table(
            key=key,
            title=title,
            columns=[heading, *(self.periods[i].label for i in kept)],
            rows=[[row[0], *(row[i + 1] for i in kept)] for row in rows],
            note=join_notes(note, to_date_note(self.periods)),
            chart=chart,
            links={label: url for label, url in (links or {}).items() if url},
        )


def _year_end_words(periods: list[Period]) -> str:
    current = periods[-1]
    return "at the year end (31 March, or to date for the year in progress)" if current.to_date else "on 31 March"


def sections(years: list[ReportingYear], *, scope: Scope) -> list[Section]:
    """The section "Children looked after" (see the module docstring for how it counts)."""
    periods = periods_of(years, scope)
    at_end = [_year_end_counts(period, scope) for period in periods]
    left = _leavers(periods, scope)
    populations = {} if _scoped(scope) else _populations(periods)
    tables = _Tables(periods, scope)
    when = _year_end_words(periods)

    def counts(key: str) -> list[int]:
        return [figures[key] for figures in at_end]

    def share(key: str) -> list[float | None]:
        return [percentage(figures[key], figures["looked_after"]) for figures in at_end]

    looked_after = counts("looked_after")
    # A composition table has data for a year when anyone was looked after at its end; the
    # numbers and leavers tables also when anyone left care in it.
    cohort = [n > 0 for n in looked_after]
    in_care_in_year = [n > 0 or year["left"] > 0 for n, year in zip(looked_after, left, strict=True)]
    rates = [rate_per_10000(n, populations.get(p.year.start_year)) for n, p in zip(looked_after, periods, strict=True)]
    if _scoped(scope):
        rate_note = "The rate per 10,000 children is for the whole service, so it is not shown for one IRO or team."
    else:
        last = len(periods) - 1
        missing = [
            p.label
            for i, (p, rate) in enumerate(zip(periods, rates, strict=True))
            if rate is None and (i == last or in_care_in_year[i])
        ]
        rate_note = (
            "Rate per 10,000 children under 18 (the population an administrator enters for each year), "
            "rounded to a whole number."
        )
        if missing:
            rate_note += (
                f" The child population is not entered for {', '.join(missing)}, so there is no rate for "
                f"{'that year' if len(missing) == 1 else 'those years'}: enter it under Child population."
            )
    numbers = tables.table(
        "cohort",
        "Children looked after",
        "Measure",
        [
            ["Children looked after", *looked_after],
            ["Rate per 10,000 children", *rates],
            ["Unaccompanied asylum-seeking children (UASC)", *counts("uasc")],
            ["UASC (% of children looked after)", *share("uasc")],
            ["Adopted in the year", *(year["adopted"] for year in left)],
        ],
        note=join_notes(
            f"Children looked after {when}: a child with a care episode covering that day; a child whose "
            "care ended that day is not counted. Adopted: children who left care in the year by adoption "
            "(E11, E12).",
            rate_note,
        ),
        has_data=in_care_in_year,
        chart="line",
        links={"Children looked after": tables.link()},
    )
    gender = tables.table(
        "cohort_gender",
        f"Gender of children looked after {when}",
        "Gender",
        [[label, *counts(f"sex_{code}")] for code, label in Sex.choices],
        has_data=cohort,
        chart="bar",
    )
    ages = tables.table(
        "cohort_age",
        f"Age of children looked after {when}",
        "Age",
        [[band.label, *counts(f"age_{band}")] for band in AgeBand],
        note="Age in whole years on the year-end day.",
        has_data=cohort,
        chart="bar",
        links={band.label: tables.link(age_band=band.value) for band in AgeBand},
    )
    ethnicity = tables.table(
        "cohort_ethnicity",
        f"Ethnicity of children looked after {when}",
        "Ethnicity",
        [[group, *counts(f"ethnic_{i}")] for i, group in enumerate(ETHNICITY_GROUPS)],
        note="Grouped by the SSDA903 ethnicity code: W White, M Mixed, A Asian, B Black, C and O Other, "
        "REFU and NOBT not known.",
        has_data=cohort,
        chart="bar",
    )
    legal = tables.table(
        "cohort_legal_status",
        f"Legal status of children looked after {when}",
        "Legal status",
        [[group, *counts(f"legal_{i}")] for i, group in enumerate(LEGAL_STATUS_GROUPS)],
        note="Care order: C1, C2; placement order: D1, E1; section 20: V2; short breaks: V3, V4; "
        "youth justice: J1 to J3; emergency and police protection: L1 to L3.",
        has_data=cohort,
        chart="bar",
        links={
            group: tables.link(legal_status=codes[0]) for group, codes in LEGAL_STATUS_GROUPS.items() if len(codes) == 1
        },
    )
    placements = tables.table(
        "cohort_placement_type",
        f"Placements of children looked after {when}",
        "Placement",
        [[group, *counts(f"placed_{i}")] for i, group in enumerate(PLACEMENT_GROUPS)],
        has_data=cohort,
        chart="bar",
        links={
            group: tables.link(placement_type=codes[0]) for group, codes in PLACEMENT_GROUPS.items() if len(codes) == 1
        },
    )
    time_rows = [[label, *counts(f"time_{i}")] for i, (label, _least, _under) in enumerate(TIME_IN_CARE_BANDS)]
    if any(counts("time_unknown")):
        time_rows.append(["Start of care not recorded", *counts("time_unknown")])
    time_in_care = tables.table(
        "cohort_time_in_care",
        f"Time in care of children looked after {when}",
        "Time in care",
        time_rows,
        note="From the start of the current period of care (the latest episode with reason S): a child who "
        "left care and came back is timed from the return.",
        has_data=cohort,
        chart="bar",
    )
    stability = tables.table(
        "cohort_stability",
        "Placement stability and distance from home",
        "Measure",
        [
            ["Three or more placements in the year", *counts("stable_3")],
            ["Three or more placements (% of children looked after)", *share("stable_3")],
            ["Placed more than 20 miles from home", *counts("far")],
            ["More than 20 miles from home (% of children looked after)", *share("far")],
        ],
        note=join_notes(
            f"Children looked after {when}.",
            STABILITY_RULE,
            "Distance: the placement's recorded distance from home is more than 20 miles; "
            "a distance not recorded is not counted.",
        ),
        has_data=cohort,
        chart="line",
    )
    exits = tables.table(
        "cohort_exits",
        "Children who left care",
        "Measure",
        [
            ["Children who left care", *(year["left"] for year in left)],
            *([label, *(year[key] for year in left)] for label, key, _reasons in EXIT_ROUTES),
            *(
                [f"{label} (% of children who left care)", *(percentage(year[key], year["left"]) for year in left)]
                for label, key, _reasons in EXIT_ROUTES
            ),
        ],
        note="Children whose care ended in the year, from 1 April to the year end, both included. Special "
        "guardianship order: E45 to E48; child arrangements order: E41; adoption: E11, E12.",
        has_data=in_care_in_year,
        chart="bar",
    )
    current, last = at_end[-1], len(periods) - 1
    return [
        Section(
            key="cohort",
            title="Children looked after",
            tables=[numbers, gender, ages, ethnicity, legal, placements, time_in_care, stability, exits],
            headline=[
                (f"Children looked after on {periods[last].end:%-d %B %Y}", fmt(current["looked_after"])),
                *(
                    []
                    if _scoped(scope)
                    else [("Rate per 10,000 children", "not entered" if rates[last] is None else fmt(rates[last]))]
                ),
                ("Unaccompanied asylum-seeking children", _with_share(current["uasc"], current["looked_after"])),
                ("Adopted in the year", fmt(left[last]["adopted"])),
                ("Three or more placements in the year", _with_share(current["stable_3"], current["looked_after"])),
                ("Placed more than 20 miles from home", _with_share(current["far"], current["looked_after"])),
            ],
        )
    ]


def _with_share(part: int, whole: int) -> str:
    share = percentage(part, whole)
    return fmt(part) if share is None else f"{fmt(part)} ({fmt(share)}%)"
