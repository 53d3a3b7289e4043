"""The IRO service: staffing, full-time equivalent, changes of IRO and caseloads.

docs/rules.md#people (50 to 70 children per full-time IRO, part-time IROs pro rata; keep
the same IRO for the whole time in care) and section 8 (the report shows the staffing, FTE,
stability and caseloads, average and range per FTE, with a four-year trend; docs/sources.md#thurrock-2021-22 section
6.1 prints "Average caseload 62 60 60 59 / Caseload range 44-68 57-62 58-61 57-61").

How each figure is counted, so that the dashboard, the PDF and the CSV agree:

* A year runs 1 April to 31 March; a year still in progress runs to ``scope.today`` (or the
  local date when the scope has none) and its figures are "to date".
* An allocation holds a child from its ``started_on`` up to but not including its
  ``ended_on``: the services end the old allocation on the day the new IRO starts, and end it
  on the day the child leaves care. So an IRO holds a child on day ``d`` when
  ``started_on <= d < ended_on`` (or the allocation is open), and held the child during a year
  when the allocation starts by the year's end and ends after its start.
* IROs: for the year that includes today, the active users in the IRO group with an IRO
  profile; for an earlier year, everyone who held at least one child during the year.
* FTE: each IRO's current ``IROProfile.fte``. The records keep no history of FTE or team, so
  earlier years use today's FTE (and, in a team scope, today's team) of the IROs counted then.
* Caseload at year end: the children each IRO held on 31 March, or on today for the year in
  progress, against their band (``children.caseload.caseload_band``). The average is all those
  children over all those IROs' FTE; the lowest and highest are per IRO, per FTE. In an earlier
  year an IRO is counted at year end when they held at least one child that day; in the year in
  progress every IRO in post is counted, with no children or many.
* A change of IRO: an allocation starting in the year that took over from an allocation of the
  same child to a different IRO ending that same day, and that is not the first allocation of
  a period of care (no care episode with reason S starts that day). A child's first IRO in
  each period of care, including after re-entering care, is not a change.
* Scope: ``iro_id`` narrows to that IRO (their caseload; the changes in which they took a child
  on); ``team_id`` to the IROs whose profile is in that team.

Queries: two, whatever the number of IROs, children or allocations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse

from children.caseload import FULL_TIME_BAND, caseload_band, caseload_status
from children.codes import AllocationWork
from children.models import CareEpisode, IROAllocation
from iro_service import roles
from iro_service.periods import ReportingYear

from . import Scope, Section, Table
from .shared import Period, fmt, join_notes, periods_of, person_scope, to_date_note

STATUS_LABELS = {"within": "Within", "over": "Over", "under": "Under"}


# --- the queries ------------------------------------------------------------------------------


def _held_on(prefix: str, day: date) -> Q:
    """Looked-after allocations (through ``prefix``) holding a child on ``day``."""
    return Q(**{f"{prefix}work": AllocationWork.LOOKED_AFTER, f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    )


def _held_during(prefix: str, start: date, end: date) -> Q:
    """Looked-after allocations (through ``prefix``) holding a child at some time from ``start`` to ``end``."""
    return Q(**{f"{prefix}work": AllocationWork.LOOKED_AFTER, f"{prefix}started_on__lte": end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": start})
    )


def _iro_rows(periods: list[Period], scope: Scope) -> list[dict]:
    """One row per user who is an IRO now or has ever held a child: whether they are an IRO
    in post, their FTE, and per year the children held during it and at its end. One query."""
    in_iro_group = Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=roles.IRO))
    ever_allocated = Exists(IROAllocation.objects.looked_after().filter(iro_id=OuterRef("pk")))
    users = User.objects.all()
    if scope.iro_id is not None:
        users = users.filter(pk=scope.iro_id)
    if scope.team_id is not None:
        users = users.filter(iro_profile__team_id=scope.team_id)
    counts = {}
    for index, period in enumerate(periods):
        counts[f"during_{index}"] = Count(
            "iro_allocations", filter=_held_during("iro_allocations__", period.start, period.end)
        )
        counts[f"at_end_{index}"] = Count("iro_allocations", filter=_held_on("iro_allocations__", period.end))
    return list(
        users.annotate(in_iro_group=in_iro_group)
        .filter(Q(in_iro_group=True) | ever_allocated)
        .annotate(fte=F("iro_profile__fte"), **counts)
        .values("pk", "username", "first_name", "last_name", "is_active", "in_iro_group", "fte", *counts)
        .order_by("last_name", "first_name", "pk")
    )


def _changes_of_iro(periods: list[Period], scope: Scope) -> dict[int, int]:
    """Changes of IRO per year (index of the period). One query."""
    took_over = Exists(
        IROAllocation.objects.looked_after()
        .filter(child_id=OuterRef("child_id"), ended_on=OuterRef("started_on"))
        .exclude(pk=OuterRef("pk"))
        .exclude(iro_id=OuterRef("iro_id"))
    )
    period_starts = Exists(
        CareEpisode.objects.filter(
            child_id=OuterRef("child_id"), reason_new_episode="S", started_on=OuterRef("started_on")
        )
    )
    counts = (
        IROAllocation.objects.looked_after()
        .filter(person_scope(scope, "iro"))
        .filter(took_over & ~period_starts)
        .aggregate(
            **{
                f"changes_{index}": Count("pk", filter=Q(started_on__gte=period.start, started_on__lte=period.end))
                for index, period in enumerate(periods)
            }
        )
    )
    return {index: counts[f"changes_{index}"] for index in range(len(periods))}


def _name(row: dict) -> str:
    return f"{row['first_name']} {row['last_name']}".strip() or row["username"]


def _children_url(iro_id: int) -> str:
    return f"{reverse('children:list')}?iro={iro_id}"


@dataclass
class _YearFigures:
    iros: int
    fte: float | None
    children: int
    average: float | None
    lowest: float | None
    highest: float | None
    status_counts: dict[str, int]
    changes: int
    held_any: bool
    year_end_rows: list[dict]  # the IROs counted at year end
    fte_at_end: float  # the FTE of those IROs


def _year_figures(index: int, period: Period, rows: list[dict], changes: int) -> _YearFigures:
    if period.is_current:
        counted = [r for r in rows if r["is_active"] and r["in_iro_group"] and r["fte"] is not None]
        in_post = {r["pk"] for r in counted}
        at_end = [r for r in rows if r["pk"] in in_post or r[f"at_end_{index}"]]
    else:
        counted = [r for r in rows if r[f"during_{index}"]]
        at_end = [r for r in rows if r[f"at_end_{index}"]]
    ftes = [r["fte"] for r in counted if r["fte"] is not None]
    with_fte = [r for r in at_end if r["fte"] is not None]
    per_fte = [r[f"at_end_{index}"] / float(r["fte"]) for r in with_fte]
    load_fte = sum((r["fte"] for r in with_fte), Decimal("0"))
    statuses = [str(caseload_status(r[f"at_end_{index}"], r["fte"])) for r in with_fte]
    return _YearFigures(
        iros=len(counted),
        fte=float(sum(ftes, Decimal("0"))) if ftes else None,
        children=sum(r[f"at_end_{index}"] for r in at_end),
        average=round(sum(r[f"at_end_{index}"] for r in with_fte) / float(load_fte), 1) if load_fte else None,
        lowest=round(min(per_fte), 1) if per_fte else None,
        highest=round(max(per_fte), 1) if per_fte else None,
        status_counts={status: statuses.count(status) for status in STATUS_LABELS},
        changes=changes,
        held_any=any(r[f"during_{index}"] for r in rows),
        year_end_rows=at_end,
        fte_at_end=float(load_fte),
    )


def _caseload_table(period: Period, index: int, figures: _YearFigures) -> Table:
    rows, links, seen = [], {}, set()
    for row in figures.year_end_rows:
        label = _name(row)
        if label in seen:
            label = f"{label} ({row['username']})"
        seen.add(label)
        children = row[f"at_end_{index}"]
        if row["fte"] is None:
            band, against = "", "No FTE recorded"
        else:
            low, high = caseload_band(row["fte"])
            band, against = f"{low}-{high}", STATUS_LABELS[str(caseload_status(children, row["fte"]))]
        rows.append([label, float(row["fte"]) if row["fte"] is not None else None, children, band, against])
        links[label] = _children_url(row["pk"])
    rows.append(["Total", figures.fte_at_end, figures.children, "", ""])
    when = f"{period.end:%-d %B %Y}"
    low, high = FULL_TIME_BAND
    note = (
        f"Children each IRO held on {when}, against {low} to {high} children per full-time IRO, pro rata to FTE. "
        "FTE is each IRO's current contract."
    )
    if not period.is_current:
        note += " The links list each IRO's children now, not on that date."
    return Table(
        key="iro_caseloads",
        title=f"Caseload of each IRO on {when}",
        columns=["IRO", "FTE", "Children", "Caseload band", "Against the band"],
        rows=rows,
        note=note,
        chart="bar",
        links=links,
    )


def sections(years: list[ReportingYear], *, scope: Scope) -> list[Section]:
    """The section "The IRO service": a trend table across the years and each IRO's caseload
    at the end of the report's year. Earlier years in which no IRO held a child are left out."""
    periods = periods_of(years, scope)
    rows = _iro_rows(periods, scope)
    changes = _changes_of_iro(periods, scope)
    figures = [_year_figures(i, period, rows, changes[i]) for i, period in enumerate(periods)]
    last = len(periods) - 1
    this_year = figures[last]
    return [
        Section(
            key="service",
            title="The IRO service",
            tables=[_trend_table(periods, figures), _caseload_table(periods[last], last, this_year)],
            headline=[
                ("IROs", fmt(this_year.iros)),
                ("Full-time equivalent", fmt(this_year.fte)),
                ("Average caseload per FTE", fmt(this_year.average)),
                (
                    "Caseload range per FTE",
                    f"{fmt(this_year.lowest)} to {fmt(this_year.highest)}" if this_year.lowest is not None else "none",
                ),
                ("Changes of IRO", fmt(this_year.changes)),
            ],
        )
    ]


def _trend_table(periods: list[Period], figures: list[_YearFigures]) -> Table:
    """The service across the years: the report's year, and earlier years in which an IRO held a child."""
    last = len(periods) - 1
    kept = [i for i in range(len(periods)) if i == last or figures[i].held_any]

    def row(label: str, attribute: str) -> list:
        return [label, *(getattr(figures[i], attribute) for i in kept)]

    def status_row(label: str, status: str) -> list:
        return [label, *(figures[i].status_counts[status] for i in kept)]

    low, high = FULL_TIME_BAND
    return Table(
        key="iro_service",
        title="The IRO service",
        columns=["Measure", *(periods[i].label for i in kept)],
        rows=[
            row("IROs", "iros"),
            row("Full-time equivalent (FTE)", "fte"),
            row("Children allocated at year end", "children"),
            row("Average caseload per FTE", "average"),
            row("Lowest caseload per FTE", "lowest"),
            row("Highest caseload per FTE", "highest"),
            status_row("IROs within their caseload band", "within"),
            status_row("IROs over their caseload band", "over"),
            status_row("IROs under their caseload band", "under"),
            row("Changes of IRO", "changes"),
        ],
        note=join_notes(
            "IROs: those in post now for the year in progress; for earlier years, those who held at least "
            "one child during the year.",
            "FTE is each IRO's current contract: the records keep no history of FTE or team, so earlier "
            "years use today's FTE of the IROs counted then.",
            f"Caseloads are counted on 31 March (or to date for a year in progress) against {low} to {high} "
            "children per full-time IRO, pro rata.",
            "A change of IRO is a new IRO taking over a child during a period of care; a child's first IRO "
            "in each period of care is not counted.",
            to_date_note(periods),
        ),
        chart="line",
    )
