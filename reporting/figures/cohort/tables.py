"""The cohort's tables, one function per question: how many children are looked after (and
the rate), who they are, where and how long they have been in care, how stable their
placements are, and who left care. The rules of each count are in the package docstring
(``reporting.figures.cohort``; docs/rules.md#annual-report)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse

from children.codes import LEGAL_STATUS_GROUPS, PLACEMENT_GROUPS, AgeBand, Sex

from .. import Scope, Table
from ..shared import Period, fmt, join_notes, percentage, to_date_note
from .counts import ETHNICITY_GROUPS, EXIT_ROUTES, STABILITY_RULE, TIME_IN_CARE_BANDS, scoped


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


@dataclass
class Cohort:
    """The counts of every year, as the tables read them."""

    periods: list[Period]
    scope: Scope
    at_end: list[dict[str, int]]  # ``counts.year_end_counts`` of each year
    left: list[dict[str, int]]  # ``counts.leavers``
    populations: dict[int, int]  # ``counts.populations``: none in an IRO or team scope

    def __post_init__(self):
        self.tables = _Tables(self.periods, self.scope)
        self.when = _year_end_words(self.periods)
        self.looked_after = self.counts("looked_after")
        self.rates = [
            rate_per_10000(n, self.populations.get(p.year.start_year))
            for n, p in zip(self.looked_after, self.periods, strict=True)
        ]
        # A composition table has data for a year when anyone was looked after at its end; the
        # numbers and leavers tables also when anyone left care in it.
        self.cohort = [n > 0 for n in self.looked_after]
        self.in_care_in_year = [n > 0 or year["left"] > 0 for n, year in zip(self.looked_after, self.left, strict=True)]

    def counts(self, key: str) -> list[int]:
        return [figures[key] for figures in self.at_end]

    def share(self, key: str) -> list[float | None]:
        return [percentage(figures[key], figures["looked_after"]) for figures in self.at_end]

    def grouped(self, prefix: str, groups: dict[str, tuple[str, ...]]) -> list[list]:
        """A row per group: its label, then the counts kept as ``<prefix>_<index>``."""
        return [[group, *self.counts(f"{prefix}_{i}")] for i, group in enumerate(groups)]

    def code_links(self, groups: dict[str, tuple[str, ...]], param: str) -> dict[str, str]:
        """A link to the children of each group that is a single code (``?<param>=<code>``)."""
        return {group: self.tables.link(**{param: codes[0]}) for group, codes in groups.items() if len(codes) == 1}

    def composition(
        self,
        key: str,
        what: str,
        heading: str,
        rows: list[list],
        *,
        note: str = "",
        links: dict[str, str] | None = None,
    ) -> Table:
        """Table ``cohort_<key>``: "<what> of children looked after <at the year end>", a bar
        chart of the children looked after then, one row per ``heading``."""
        title = f"{what} of children looked after {self.when}"
        return self.tables.table(
            f"cohort_{key}", title, heading, rows, has_data=self.cohort, note=note, chart="bar", links=links
        )


def _rate_note(data: Cohort) -> str:
    if scoped(data.scope):
        return "The rate per 10,000 children is for the whole service, so it is not shown for one IRO or team."
    last = len(data.periods) - 1
    missing = [
        p.label
        for i, (p, rate) in enumerate(zip(data.periods, data.rates, strict=True))
        if rate is None and (i == last or data.in_care_in_year[i])
    ]
    note = (
        "Rate per 10,000 children under 18 (the population an administrator enters for each year), "
        "rounded to a whole number."
    )
    if missing:
        note += (
            f" The child population is not entered for {', '.join(missing)}, so there is no rate for "
            f"{'that year' if len(missing) == 1 else 'those years'}: enter it under Child population."
        )
    return note


def numbers_table(data: Cohort) -> Table:
    """How many children are looked after, the rate per 10,000, UASC and adoptions."""
    return data.tables.table(
        "cohort",
        "Children looked after",
        "Measure",
        [
            ["Children looked after", *data.looked_after],
            ["Rate per 10,000 children", *data.rates],
            ["Unaccompanied asylum-seeking children (UASC)", *data.counts("uasc")],
            ["UASC (% of children looked after)", *data.share("uasc")],
            ["Adopted in the year", *(year["adopted"] for year in data.left)],
        ],
        note=join_notes(
            f"Children looked after {data.when}: a child with a care episode covering that day; a child whose "
            "care ended that day is not counted. Adopted: children who left care in the year by adoption "
            "(E11, E12).",
            _rate_note(data),
        ),
        has_data=data.in_care_in_year,
        chart="line",
        links={"Children looked after": data.tables.link()},
    )


def who_tables(data: Cohort) -> list[Table]:
    """Who the children looked after are: gender, age and ethnicity."""
    tables, counts = data.tables, data.counts
    gender = data.composition(
        "gender", "Gender", "Gender", [[label, *counts(f"sex_{code}")] for code, label in Sex.choices]
    )
    ages = data.composition(
        "age",
        "Age",
        "Age",
        [[band.label, *counts(f"age_{band}")] for band in AgeBand],
        note="Age in whole years on the year-end day.",
        links={band.label: tables.link(age_band=band.value) for band in AgeBand},
    )
    ethnicity = data.composition(
        "ethnicity",
        "Ethnicity",
        "Ethnicity",
        data.grouped("ethnic", ETHNICITY_GROUPS),
        note="Grouped by the SSDA903 ethnicity code: W White, M Mixed, A Asian, B Black, C and O Other, "
        "REFU and NOBT not known.",
    )
    return [gender, ages, ethnicity]


def care_tables(data: Cohort) -> list[Table]:
    """Under what legal status, in what placement, and for how long the children are in care."""
    counts = data.counts
    legal = data.composition(
        "legal_status",
        "Legal status",
        "Legal status",
        data.grouped("legal", LEGAL_STATUS_GROUPS),
        note="Care order: C1, C2; placement order: D1, E1; section 20: V2; short breaks: V3, V4; "
        "youth justice: J1 to J3; emergency and police protection: L1 to L3.",
        links=data.code_links(LEGAL_STATUS_GROUPS, "legal_status"),
    )
    placements = data.composition(
        "placement_type",
        "Placements",
        "Placement",
        data.grouped("placed", PLACEMENT_GROUPS),
        links=data.code_links(PLACEMENT_GROUPS, "placement_type"),
    )
    time_rows = [[label, *counts(f"time_{i}")] for i, (label, _least, _under) in enumerate(TIME_IN_CARE_BANDS)]
    if any(counts("time_unknown")):
        time_rows.append(["Start of care not recorded", *counts("time_unknown")])
    time_in_care = data.composition(
        "time_in_care",
        "Time in care",
        "Time in care",
        time_rows,
        note="From the start of the current period of care (the latest episode with reason S): a child who "
        "left care and came back is timed from the return.",
    )
    return [legal, placements, time_in_care]


def stability_table(data: Cohort) -> Table:
    """Placement stability and distance from home."""
    return data.tables.table(
        "cohort_stability",
        "Placement stability and distance from home",
        "Measure",
        [
            ["Three or more placements in the year", *data.counts("stable_3")],
            ["Three or more placements (% of children looked after)", *data.share("stable_3")],
            ["Placed more than 20 miles from home", *data.counts("far")],
            ["More than 20 miles from home (% of children looked after)", *data.share("far")],
        ],
        note=join_notes(
            f"Children looked after {data.when}.",
            STABILITY_RULE,
            "Distance: the placement's recorded distance from home is more than 20 miles; "
            "a distance not recorded is not counted.",
        ),
        has_data=data.cohort,
        chart="line",
    )


def exits_table(data: Cohort) -> Table:
    """The children who left care, and by which route."""
    left = data.left
    return data.tables.table(
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
        has_data=data.in_care_in_year,
        chart="bar",
    )


def headline(data: Cohort) -> list[tuple[str, str]]:
    current, last = data.at_end[-1], len(data.periods) - 1
    rates = data.rates
    return [
        (f"Children looked after on {data.periods[last].end:%-d %B %Y}", fmt(current["looked_after"])),
        *(
            []
            if scoped(data.scope)
            else [("Rate per 10,000 children", "not entered" if rates[last] is None else fmt(rates[last]))]
        ),
        ("Unaccompanied asylum-seeking children", _with_share(current["uasc"], current["looked_after"])),
        ("Adopted in the year", fmt(data.left[last]["adopted"])),
        ("Three or more placements in the year", _with_share(current["stable_3"], current["looked_after"])),
        ("Placed more than 20 miles from home", _with_share(current["far"], current["looked_after"])),
    ]


def _with_share(part: int, whole: int) -> str:
    share = percentage(part, whole)
    return fmt(part) if share is None else f"{fmt(part)} ({fmt(share)}%)"
