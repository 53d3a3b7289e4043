"""The manager's dispute dashboard: plain functions answering in SQL (STYLE.md 4 and 5).

docs/rules.md#disputes: the annual report counts disputes by stage and outcome and the time
taken to resolve them; NAIRO (docs/sources.md#nairo-2019) asks to be heard about service-wide themes, so the
categories are counted over time. Each function takes the disputes already narrowed by
``disputes.filters.DisputeDashboardFilter`` and runs a fixed number of queries whatever their
number. Working days need the calendar, which SQL does not have: the functions that report them
fetch the (stage, IRO, opened, closed) rows with one query, read the calendar of local targets
(``reviews.calendar.local_non_working_days``: one more query for the authority's closure days
where ``CLOSURE_DAYS_MOVE_LOCAL_TARGETS`` is on, none otherwise), and count working days with
``reviews.deadlines.working_days_between``.
"""

from __future__ import annotations

import calendar
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse

from children.codes import AllocationWork
from reviews.calendar import local_non_working_days
from reviews.deadlines import working_days_between

from .codes import DisputeCategory, DisputeStatus
from .models import Dispute, EscalationStage

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

OPEN = DisputeStatus.OPEN
CLOSED_OUTCOMES = (
    ("resolved", DisputeStatus.RESOLVED, "Resolved"),
    ("withdrawn", DisputeStatus.WITHDRAWN, "Withdrawn"),
    ("referred", DisputeStatus.REFERRED, "Referred to CAFCASS"),
)


# --- Periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @property
    def range(self) -> tuple[date, date]:
        return (self.start, self.end)


def reporting_year(today: date, *, years_back: int = 0) -> Period:
    """The reporting year (1 April to 31 March) holding ``today``, or one ``years_back``."""
    first = (today.year if today.month >= 4 else today.year - 1) - years_back
    return Period(date(first, 4, 1), date(first + 1, 3, 31), f"April {first} to March {first + 1}")


def calendar_month(today: date) -> Period:
    last = calendar.monthrange(today.year, today.month)[1]
    return Period(today.replace(day=1), today.replace(day=last), f"{today:%B %Y}")


def between(start: date, end: date) -> Period:
    return Period(start, end, f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}")


def active_between(disputes: QuerySet[Dispute], period: Period) -> QuerySet[Dispute]:
    """Disputes raised, open or closed in ``period``: raised by its end, not closed before its start."""
    return disputes.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start), opened_on__lte=period.end)


# --- Labels and links ----------------------------------------------------------------------


def stage_label(name: str, raised_with: str) -> str:
    """ "Stage 1: Social worker"; "CAFCASS referral" (the name already says who)."""
    return name if raised_with.lower() in name.lower() else f"{name}: {raised_with}"


def _person(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def open_at_stage_url(stage_pk: int, *, category: str = "") -> str:
    """The dispute list showing the open disputes at a stage."""
    query = {"stage": stage_pk, "status": OPEN, **({"category": category} if category else {})}
    return f"{reverse('disputes:list')}?{urlencode(query)}"


# --- Working days ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Closure:
    stage_number: int
    raised_by_id: int
    working_days: int


def _median(values: list[int]) -> int | float | None:
    """The median, as a whole number when it is one (8, not 8.0; 33.5 stays)."""
    if not values:
        return None
    middle = statistics.median(values)
    return int(middle) if middle == int(middle) else middle


def closures(disputes: QuerySet[Dispute], *, period: Period) -> list[Closure]:
    """Disputes closed in ``period`` (any outcome), with the working days from raising to
    closing: two queries (the rows, then the calendar) whatever the number of disputes."""
    query = (
        disputes.exclude(status=OPEN)
        .filter(closed_on__range=period.range)
        .order_by()
        .values_list("current_stage__number", "raised_by_id", "opened_on", "closed_on")
    )
    rows = cast("list[tuple[int, int, date, date]]", list(query))  # closed_on is set: in the range
    if not rows:
        return []
    holidays = local_non_working_days(min(r[2] for r in rows), max(r[3] for r in rows))
    return [
        Closure(stage, iro, working_days_between(opened, closed, non_working=holidays))
        for stage, iro, opened, closed in rows
    ]


# --- The figures -----------------------------------------------------------------------------


def headline(disputes: QuerySet[Dispute], *, today: date, period: Period) -> dict[str, int]:
    """Open now, responses overdue now and CAFCASS referrals in the period: one query."""
    overdue = Dispute.objects.responses_overdue(on=today).values("pk")
    return disputes.aggregate(
        open_now=Count("pk", filter=Q(status=OPEN)),
        overdue_now=Count("pk", filter=Q(pk__in=overdue)),
        referred=Count("pk", filter=Q(status=DisputeStatus.REFERRED, closed_on__range=period.range)),
    )


def raised_and_closed(disputes: QuerySet[Dispute], *, periods: list[Period]) -> list[dict]:
    """For each period: disputes raised in it, and closed in it by outcome. One query.
    Returns rows ``{"label": ..., "counts": [n for each period]}``."""
    counts = {}
    for i, period in enumerate(periods):
        counts[f"raised_{i}"] = Count("pk", filter=Q(opened_on__range=period.range))
        for key, status, _label in CLOSED_OUTCOMES:
            counts[f"{key}_{i}"] = Count("pk", filter=Q(status=status, closed_on__range=period.range))
    totals = disputes.aggregate(**counts)
    rows = [("raised", "Raised"), *((key, label) for key, _status, label in CLOSED_OUTCOMES)]
    return [{"label": label, "counts": [totals[f"{key}_{i}"] for i in range(len(periods))]} for key, label in rows]


def by_work(disputes: QuerySet[Dispute], *, today: date, period: Period) -> list[dict]:
    """Per kind of work (looked-after reviews, child protection conferences): raised in the
    period, open now, responses overdue now, resolved and closed in the period. One query; the
    annual report counts the two apart (issue 15, docs/rules.md#disputes)."""
    overdue = Dispute.objects.responses_overdue(on=today).values("pk")
    counts = {
        row["work"]: row
        for row in disputes.order_by()
        .values("work")
        .annotate(
            raised=Count("pk", filter=Q(opened_on__range=period.range)),
            open_now=Count("pk", filter=Q(status=OPEN)),
            overdue=Count("pk", filter=Q(pk__in=overdue)),
            resolved=Count("pk", filter=Q(status=DisputeStatus.RESOLVED, closed_on__range=period.range)),
            closed=Count("pk", filter=~Q(status=OPEN) & Q(closed_on__range=period.range)),
        )
    }
    keys = ("raised", "open_now", "overdue", "resolved", "closed")
    rows = [
        {"work": value, "label": label, **{k: counts.get(value, {}).get(k, 0) for k in keys}}
        for value, label in AllocationWork.choices
    ]
    return [*rows, {"work": "", "label": "Total", **{k: sum(r[k] for r in rows) for k in keys}}]


def by_stage(
    disputes: QuerySet[Dispute], *, today: date, period: Period, closed: list[Closure], category: str = ""
) -> dict[str, list | dict]:
    """Per rung of the ladder: open now (linked to the list), responses overdue now, closed in
    the period at that stage, and the median and longest working days to close. Two queries
    (the ladder, the counts) plus ``closed``."""
    overdue = Dispute.objects.responses_overdue(on=today).values("pk")
    counts = {
        row["current_stage"]: row
        for row in disputes.order_by()
        .values("current_stage")
        .annotate(
            open_now=Count("pk", filter=Q(status=OPEN)),
            overdue=Count("pk", filter=Q(pk__in=overdue)),
            closed=Count("pk", filter=~Q(status=OPEN) & Q(closed_on__range=period.range)),
        )
    }
    days_by_stage: dict[int, list[int]] = defaultdict(list)
    for closure in closed:
        days_by_stage[closure.stage_number].append(closure.working_days)
    empty = {"open_now": 0, "overdue": 0, "closed": 0}
    rows = []
    for stage in EscalationStage.objects.order_by("number"):
        count = counts.get(stage.pk, empty)
        if not stage.active and not any(count[k] for k in empty):
            continue
        days = days_by_stage.get(stage.number, [])
        rows.append(
            {
                "label": stage_label(stage.name, stage.raised_with),
                "open_now": count["open_now"],
                "url": open_at_stage_url(stage.pk, category=category),
                "overdue": count["overdue"],
                "closed": count["closed"],
                "median": _median(days),
                "longest": max(days, default=None),
            }
        )
    every = [c.working_days for c in closed]
    total = {
        "open_now": sum(r["open_now"] for r in rows),
        "overdue": sum(r["overdue"] for r in rows),
        "closed": sum(r["closed"] for r in rows),
        "median": _median(every),
        "longest": max(every, default=None),
    }
    return {"rows": rows, "total": total}


def _months(start: date, end: date) -> Iterator[date]:
    day = start.replace(day=1)
    while day <= end:
        yield day
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _buckets(period: Period, *, today: date) -> tuple[str, list[tuple[date, str]], dict[date, date]]:
    """Columns for the categories table: months for a period of up to six months, reporting
    quarters up to three years, reporting years beyond. Up to today: no empty future columns.
    Returns (what a column is, [(column start, label)], {month: column start})."""
    months = list(_months(period.start, min(period.end, today)))
    if len(months) <= 6:
        return "month", [(m, f"{m:%b %Y}") for m in months], {m: m for m in months}
    if len(months) <= 36:
        starts = {m: m.replace(month=(m.month - 1) // 3 * 3 + 1) for m in months}
        labels = {s: f"{s:%b} to {date(s.year, s.month + 2, 1):%b %Y}" for s in starts.values()}
        return "quarter", sorted(labels.items()), starts
    starts = {m: reporting_year(m).start for m in months}
    labels = {s: f"{s.year} to {s.year + 1}" for s in starts.values()}
    return "reporting year", sorted(labels.items()), starts


def categories_over_time(disputes: QuerySet[Dispute], *, period: Period, today: date) -> dict:
    """Disputes raised in the period by category and month, quarter or year: one query that
    counts by category and month; the months are then added up into the columns."""
    kind, columns, column_of = _buckets(period, today=today)
    counts: dict[tuple[str, date], int] = defaultdict(int)
    if columns:
        raised = (
            disputes.filter(opened_on__range=(period.start, min(period.end, today)))
            .order_by()
            .annotate(month=TruncMonth("opened_on"))
            .values("category", "month")
            .annotate(n=Count("pk"))
        )
        for row in raised:
            counts[(row["category"], column_of[row["month"]])] += row["n"]
    rows = []
    for value, label in DisputeCategory.choices:
        cells = [counts[(value, start)] for start, _label in columns]
        rows.append({"label": label, "counts": cells, "total": sum(cells)})
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(columns))]
    return {
        "kind": kind,
        "columns": [label for _start, label in columns],
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
    }


def per_iro(disputes: QuerySet[Dispute], *, period: Period, iros: Iterable[User], closed: list[Closure]) -> list[dict]:
    """Per IRO who raised disputes, and every IRO in ``iros`` even with none (a quiet IRO is a
    finding too: Ofsted's most frequent criticism is a lack of challenge, docs/sources.md#nairo-2019): raised in
    the period, open now, resolved and referred to CAFCASS in the period, and the median working
    days to close. Two queries (the counts, the IROs) plus ``closed``."""
    counts = {
        row["raised_by"]: row
        for row in disputes.order_by()
        .values("raised_by", "raised_by__first_name", "raised_by__last_name", "raised_by__username")
        .annotate(
            raised=Count("pk", filter=Q(opened_on__range=period.range)),
            open_now=Count("pk", filter=Q(status=OPEN)),
            resolved=Count("pk", filter=Q(status=DisputeStatus.RESOLVED, closed_on__range=period.range)),
            referred=Count("pk", filter=Q(status=DisputeStatus.REFERRED, closed_on__range=period.range)),
        )
    }
    names = {
        pk: (last, first, _person(first, last, username))
        for pk, first, last, username in ((u.pk, u.first_name, u.last_name, u.username) for u in iros)
    }
    for pk, row in counts.items():
        first, last = row["raised_by__first_name"], row["raised_by__last_name"]
        names.setdefault(pk, (last, first, _person(first, last, row["raised_by__username"])))
    days: dict[int, list[int]] = defaultdict(list)
    for closure in closed:
        days[closure.raised_by_id].append(closure.working_days)
    zero = {"raised": 0, "open_now": 0, "resolved": 0, "referred": 0}
    rows = []
    for pk, (_last, _first, name) in sorted(names.items(), key=lambda item: (item[1][0], item[1][1], item[0])):
        count = counts.get(pk, zero)
        rows.append({"pk": pk, "name": name, **{k: count[k] for k in zero}, "median": _median(days.get(pk, []))})
    return rows


def figures(
    disputes: QuerySet[Dispute],
    *,
    any_period: QuerySet[Dispute],
    period: Period,
    today: date,
    iros: Iterable[User],
    category: str = "",
) -> dict:
    """Everything the dashboard shows. ``disputes``: the filtered disputes raised, open or
    closed in ``period``; ``any_period``: the same filters without the period, for the this
    month and this reporting year columns."""
    periods = [calendar_month(today), reporting_year(today)]
    if period.range not in [p.range for p in periods]:
        periods.append(period)
    closed = closures(disputes, period=period)
    return {
        "period": period,
        "headline": headline(disputes, today=today, period=period),
        "works": by_work(disputes, today=today, period=period),
        "summary_periods": periods,
        "summary": raised_and_closed(any_period, periods=periods),
        "stages": by_stage(disputes, today=today, period=period, closed=closed, category=category),
        "categories": categories_over_time(disputes, period=period, today=today),
        "iros": per_iro(disputes, period=period, iros=iros, closed=closed),
    }


# --- The CSV export ----------------------------------------------------------------------------

EXPORT_HEADER = [
    "Dispute",
    "Child reference",
    "Category",
    "Raised on",
    "Stage number",
    "Stage",
    "Status",
    "Closed on",
    "Working days open",
    "IRO",
]


def export_rows(disputes: QuerySet[Dispute], *, today: date) -> list[list]:
    """One row per dispute, newest first: two queries (the rows, the calendar). Working days
    run to the closing date, or to today for a dispute still open."""
    rows = list(
        disputes.order_by("-opened_on", "-pk").values_list(
            "pk",
            "child__local_reference",
            "category",
            "opened_on",
            "current_stage__number",
            "current_stage__name",
            "current_stage__raised_with",
            "status",
            "closed_on",
            "raised_by__first_name",
            "raised_by__last_name",
            "raised_by__username",
        )
    )
    if not rows:
        return []
    holidays = local_non_working_days(min(r[3] for r in rows), today)
    categories, statuses = dict(DisputeCategory.choices), dict(DisputeStatus.choices)
    return [
        [
            pk,
            reference,
            categories.get(category, category),
            opened.isoformat(),
            number,
            stage_label(name, raised_with),
            statuses.get(status, status),
            closed.isoformat() if closed else "",
            working_days_between(opened, closed or today, non_working=holidays),
            _person(first, last, username),
        ]
        for (pk, reference, category, opened, number, name, raised_with, status, closed, first, last, username) in rows
    ]
