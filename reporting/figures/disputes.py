"""Dispute resolution: disputes raised and closed, the stage they reached, their themes, the
time taken to close them and referrals to CAFCASS.

docs/rules.md#disputes (the annual report counts disputes by stage and outcome and the time
taken to resolve them; the whole process should take no more than 20 working days, configurable:
``DisputeSettings.max_open_working_days``, the same limit the "open too long" flag uses) and section
8. Kirklees prints DRPs by stage (informal, stages 1 to 3: docs/sources.md#kirklees-2016-17),
Thurrock the completed disputes, how they ended and the referrals to CAFCASS
(docs/sources.md#thurrock-2021-22), and the themes (docs/sources.md#thurrock-2011).

How each figure is counted, so that the dashboard, the PDF and the CSV agree:

* A year runs 1 April to 31 March; a year still in progress runs to ``scope.today`` (or the
  local date), and both days are included.
* **Raised**: disputes opened in the year. **Resolved, withdrawn, referred to CAFCASS**: disputes
  closed in the year with that status, whenever they were raised (the dispute dashboard's
  ``disputes.dashboard.raised_and_closed``). **Open at the year end**: raised by the year end
  and not closed by then.
* **Stage reached**: for the disputes raised in the year, the highest stage number among their
  steps raised by the year end (a dispute with no steps: its current stage), so a later year's
  escalation does not change a past year's figures. A referral is a step at the CAFCASS stage.
* **Category**: the disputes raised in the year, by their category.
* **Working days to close**: the disputes closed in the year, whatever the outcome (as on the
  dashboard), from the day raised (day 0) to the day closed, counting working days as the review
  deadlines do (``reviews.deadlines.working_days_between``), on the calendar of the authority's
  local targets (``reviews.calendar.local_non_working_days``: bank holidays in England, and its
  closure days only where ``CLOSURE_DAYS_MOVE_LOCAL_TARGETS`` is on). The median is the middle
  value, or the mean of the two middle values for an even number. **Closed within N working
  days**: N is ``DisputeSettings.max_open_working_days`` as set now, so the report and the flag
  agree; a dispute closed on its Nth working day counts as within.
* **Referrals to CAFCASS**: referrals made in the year, by CAFCASS's outcome as recorded now.
* **Scope**: ``iro_id``: the disputes that IRO raised; ``team_id``: those raised by the IROs
  whose profile is in the team now (the records keep no history of teams).
* **Years**: each table keeps the report's year and the earlier years in which a dispute was
  raised, closed or open at the year end.
* **Links**: the dispute list filtered by category or status. The list is not limited to a year,
  so a link shows every dispute of that category or status the reader may see.

Queries: six, whatever the number of disputes or years (seven when closure days move local
targets: the closure days are read too).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case, Count, DateField, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from disputes.codes import CafcassOutcome, DisputeCategory, DisputeStatus
from disputes.dashboard import CLOSED_OUTCOMES, raised_and_closed, stage_label
from disputes.dashboard import Period as DashboardPeriod
from disputes.models import Dispute, DisputeSettings, DisputeStep, EscalationStage
from iro_service.periods import ReportingYear
from reviews.calendar import local_non_working_days
from reviews.deadlines import working_days_between

from . import Scope, Section, Table
from .shared import Period, fmt, join_notes, periods_of, person_scope, to_date_note

# --- the queries ------------------------------------------------------------------------------


def _disputes(scope: Scope):
    return Dispute.objects.filter(person_scope(scope, "raised_by"))


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _year_of(periods: list[Period], field: str, value) -> Case:
    """An expression giving, for each row, ``value(index, period)`` of the period its ``field``
    falls in (None outside them)."""
    return Case(*(When(_in(p, field), then=value(i, p)) for i, p in enumerate(periods)), default=None)


def _raised_by_stage_and_category(disputes, periods: list[Period]) -> list[dict]:
    """The disputes raised in each period, counted by (period, stage reached by its end,
    category): one query."""
    reached = (
        DisputeStep.objects.filter(dispute_id=OuterRef("pk"), raised_on__lte=OuterRef("year_end"))
        .order_by("-stage__number")
        .values("stage__number")[:1]
    )
    return list(
        disputes.filter(opened_on__gte=periods[0].start, opened_on__lte=max(p.end for p in periods))
        .annotate(
            year=_year_of(periods, "opened_on", lambda i, p: Value(i, output_field=IntegerField())),
            year_end=_year_of(periods, "opened_on", lambda i, p: Value(p.end, output_field=DateField())),
        )
        .filter(year__isnull=False)
        .annotate(
            reached=Coalesce(
                Subquery(reached, output_field=IntegerField()), F("current_stage__number"), output_field=IntegerField()
            )
        )
        .order_by()
        .values("year", "reached", "category")
        .annotate(n=Count("pk"))
    )


def _open_and_referred(disputes, periods: list[Period]) -> dict[str, int]:
    """Per period: disputes open at its end, and CAFCASS referrals made in it by outcome: one query."""
    counts = {}
    for i, period in enumerate(periods):
        counts[f"open_{i}"] = Count(
            "pk",
            filter=Q(opened_on__lte=period.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)),
        )
        for outcome in CafcassOutcome.values:
            counts[f"cafcass_{outcome}_{i}"] = Count(
                "pk", filter=_in(period, "cafcass_referral__referred_on") & Q(cafcass_referral__outcome=outcome)
            )
    return disputes.aggregate(**counts)


def _working_days_to_close(disputes, periods: list[Period]) -> list[list[int]]:
    """For each period, the working days from raising to closing of each dispute closed in it:
    two queries (the dates, then the calendar) whatever the number of disputes."""
    rows = list(
        disputes.exclude(status=DisputeStatus.OPEN)
        .filter(closed_on__gte=periods[0].start, closed_on__lte=max(p.end for p in periods))
        .order_by()
        .values_list("opened_on", "closed_on")
    )
    first = min((opened for opened, _closed in rows), default=periods[0].start)
    calendar = local_non_working_days(min(first, periods[0].start), max(p.end for p in periods))
    days: list[list[int]] = [[] for _period in periods]
    for opened, closed in rows:
        for i, period in enumerate(periods):
            if period.start <= closed <= period.end:
                days[i].append(working_days_between(opened, closed, non_working=calendar))
    return days


def _excluded() -> str:
    """The days the working-day count leaves out, as the calendar of local targets does."""
    if getattr(settings, "CLOSURE_DAYS_MOVE_LOCAL_TARGETS", False):
        return "weekends, bank holidays in England and the authority's closure days"
    return "weekends and bank holidays in England"


def median(values: list[int]) -> int | float | None:
    """The median, as a whole number when it is one (8, not 8.0; 11.5 stays)."""
    if not values:
        return None
    middle = statistics.median(values)
    return int(middle) if middle == int(middle) else middle


# --- the tables -------------------------------------------------------------------------------


def _list_url(**params: str) -> str:
    return f"{reverse('disputes:list')}?{urlencode(params)}"


class _Columns:
    """The years a table prints: the report's year, and earlier years in which a dispute was
    raised, closed or open at the year end."""

    def __init__(self, periods: list[Period], summary: list[dict], open_at_end: list[int]):
        n = len(periods)
        self.periods = periods
        self.kept = [
            i for i in range(n) if i == n - 1 or open_at_end[i] > 0 or any(row["counts"][i] for row in summary)
        ]
        self.labels = [p.label for i, p in enumerate(periods) if i in self.kept]
        self.note_to_date = to_date_note(periods)

    def zeroes(self) -> list[int]:
        return [0] * len(self.periods)

    def table(self, key: str, title: str, heading: str, rows: list[list], *, note="", chart="", links=None) -> Table:
        return Table(
            key=key,
            title=title,
            columns=[heading, *self.labels],
            rows=[[label, *(values[i] for i in self.kept)] for label, *values in rows],
            note=join_notes(note, self.note_to_date),
            chart=chart,
            links={label: url for label, url in (links or {}).items() if url},
        )


def sections(years: list[ReportingYear], *, scope: Scope) -> list[Section]:
    """The section "Dispute resolution" (see the module docstring for how it counts)."""
    periods = periods_of(years, scope)
    disputes = _disputes(scope)
    summary = raised_and_closed(
        disputes, periods=[DashboardPeriod(p.start, p.end, p.label) for p in periods]
    )  # rows Raised, Resolved, Withdrawn, Referred to CAFCASS
    totals = _open_and_referred(disputes, periods)
    grouped = _raised_by_stage_and_category(disputes, periods)
    days = _working_days_to_close(disputes, periods)
    open_at_end = [totals[f"open_{i}"] for i in range(len(periods))]
    referrals = [sum(totals[f"cafcass_{o}_{i}"] for o in CafcassOutcome.values) for i in range(len(periods))]
    columns = _Columns(periods, summary, open_at_end)
    last = len(periods) - 1
    return [
        Section(
            key="disputes",
            title="Dispute resolution",
            tables=[
                _raised_closed_table(columns, summary, open_at_end),
                *_stage_and_category_tables(columns, grouped),
                _time_table(columns, days),
                _cafcass_table(columns, totals, referrals),
            ],
            headline=[
                ("Disputes raised", fmt(summary[0]["counts"][last])),
                ("Resolved", fmt(summary[1]["counts"][last])),
                ("Open at the year end", fmt(open_at_end[last])),
                ("Median working days to close", fmt(median(days[last]))),
                ("Referrals to CAFCASS", fmt(referrals[last])),
            ],
        )
    ]


def _raised_closed_table(columns: _Columns, summary: list[dict], open_at_end: list[int]) -> Table:
    outcome_status = {label: status for _key, status, label in CLOSED_OUTCOMES}
    return columns.table(
        "disputes",
        "Disputes raised and closed",
        "Measure",
        [
            *([row["label"], *row["counts"]] for row in summary),
            ["Open at the year end", *open_at_end],
        ],
        note="Raised: disputes opened in the year. Resolved, withdrawn and referred to CAFCASS: disputes "
        "closed in the year that way, whenever they were raised. Open at the year end: raised by then "
        "and not yet closed.",
        chart="bar",
        links={
            **{label: _list_url(status=status) for label, status in outcome_status.items()},
            "Open at the year end": _list_url(status=DisputeStatus.OPEN) if columns.periods[-1].is_current else "",
        },
    )


def _stage_and_category_tables(columns: _Columns, grouped: list[dict]) -> list[Table]:
    """The disputes raised in each year by the highest stage they reached, and by what they were about."""
    by_stage: dict[int, list[int]] = defaultdict(columns.zeroes)
    by_category: dict[str, list[int]] = defaultdict(columns.zeroes)
    for row in grouped:
        by_stage[row["reached"]][row["year"]] += row["n"]
        by_category[row["category"]][row["year"]] += row["n"]
    stage_rows = [
        [stage_label(stage.name, stage.raised_with), *by_stage.get(stage.number, columns.zeroes())]
        for stage in EscalationStage.objects.order_by("number")
        if stage.active or any(by_stage.get(stage.number, []))
    ]
    stage_table = columns.table(
        "disputes_stage",
        "Disputes raised, by the highest stage they reached",
        "Stage",
        stage_rows,
        note="The highest stage each dispute raised in the year had reached by the year end.",
        chart="bar",
    )
    category_table = columns.table(
        "disputes_category",
        "Disputes raised, by what they were about",
        "About",
        [[label, *by_category.get(value, columns.zeroes())] for value, label in DisputeCategory.choices],
        chart="bar",
        links={label: _list_url(category=value) for value, label in DisputeCategory.choices},
    )
    return [stage_table, category_table]


def _time_table(columns: _Columns, days: list[list[int]]) -> Table:
    # Handbook para 6.2: the whole process should take no more than this many working days; the
    # limit the "open too long" flag uses (disputes.flags), so the report and the flag agree.
    target = DisputeSettings.current().max_open_working_days
    return columns.table(
        "disputes_time",
        "Working days from raising a dispute to closing it",
        "Measure",
        [
            ["Disputes closed", *(len(values) for values in days)],
            ["Median working days", *(median(values) for values in days)],
            ["Longest, working days", *(max(values, default=None) for values in days)],
            [f"Closed within {target} working days", *(sum(1 for v in values if v <= target) for values in days)],
        ],
        note="Disputes closed in the year, whatever the outcome. Working days after the day raised, up to and "
        f"including the day closed ({_excluded()} excluded). The service's target is {target} working days for "
        "the whole process (the IRO Handbook expects no more than 20).",
        chart="line",
    )


def _cafcass_table(columns: _Columns, totals: dict[str, int], referrals: list[int]) -> Table:
    n = len(columns.periods)
    return columns.table(
        "disputes_cafcass",
        "Referrals to CAFCASS",
        "Measure",
        [
            ["Referrals to CAFCASS", *referrals],
            *([label, *(totals[f"cafcass_{value}_{i}"] for i in range(n))] for value, label in CafcassOutcome.choices),
        ],
        note="Referrals made in the year (s25B(3)(a) Children Act 1989), by CAFCASS's outcome as recorded now.",
        chart="bar",
    )
