"""Reviews held, the child's participation, review records and the IRO's footprint.

docs/rules.md#review-timescales (timescales), 3 (the record within 20 working days; the footprint),
4 (participation codes PN0 to PN7) and 8; seed 004 sections 7 to 7.2 print reviews held by month
and quarter with the share in timescale, participation by code over four years and the share of
records completed within timescale.

How each figure is counted, so that the dashboard, the PDF and the CSV agree:

* A review counts in the year and month it was **held** (``status`` held, ``held_on`` in the
  year, or up to today for a year in progress). It was held within timescale when
  ``held_on <= due_on`` (section 2, "Counting, exactly"); ``due_on`` is the statutory date the
  review services stored when it was recorded. A held review with no ``due_on`` is counted apart.
* Days late are calendar days from ``due_on`` to ``held_on``. The reasons for a review out of
  timescale are the reasons of the postponements of its booking (``ReviewDateChange`` of kind
  postponed); a review postponed for two reasons is counted under each; one never postponed is
  "No reason recorded".
* A cancellation counts in the year of ``cancelled_on`` (status cancelled), under the reason
  recorded with it (``ReviewDateChange`` of kind cancelled).
* A record counts with its review. It was distributed within 20 working days when
  ``record_distributed_on <= record_due_on``. Records not yet distributed are overdue when
  ``record_due_on`` is before today, otherwise not yet due. The percentage within timescale is of
  the records whose due date has passed or that have been distributed.
* Footprint: visits by ``visited_on``, midway reviews by ``held_on``, case notes by ``written_on``.
* Scope: ``iro_id`` narrows to reviews chaired by that IRO (``Review.chair``) and to their own
  visits, midway reviews and case notes; ``team_id`` to IROs whose profile is in that team.

Reviews **due** in the year are counted by due date, held or not, from ``reviews.ReviewDue``
(every review that fell due in a period of care, the missed ones too), by the one function the
service dashboard and the deadlines pages also call (``ReviewDue.objects.timeliness``):

* A review is due in the year when its ``due_on`` is in the year. A year in progress counts the
  reviews due before today (one due today can still be held in time) and judges them today.
* Held on time: ``held_on <= due_on``. Held late: held after ``due_on`` and by the year end
  (or today), with days late ``held_on - due_on``. Not held by the year end: never held, or held
  after the year end; days overdue run from ``due_on`` to the year end (or today), or to the
  day the period stopped counting when that is earlier (care ended, or the 18th birthday). A
  review not held stays one review not held: the next falls due only after it is held.
* A review whose due date is not known (imported data beginning part-way through a period of
  care) is counted apart, in the year it was held or, not yet held, in each year its period of
  care was open; it is in none of the other figures.
* Per child (Kirklees): of the children with at least one review due in the year, those whose
  reviews due in the year were all held on time.
* By month: the month of ``due_on`` (Thurrock's "due in month"), beside the months held above.
* Scope: a review due counts for the IRO **allocated to the child on its due date**
  (``IROAllocation``, ``started_on <= due_on < ended_on``), not for its chair: a review never
  held has no chair, and a missed review is the missing of the IRO who held the child then. A
  review whose due date is not known counts for the IRO allocated on the day it was held, or,
  not yet held, now. A due date on which no IRO held the child is in the service's figures only.
  ``team_id`` narrows to those IROs whose profile is in that team.

Links: rows that stand for a list of reviews link to ``reporting:records`` with these GET
parameters:

* ``kind``: ``reviews`` (held reviews), ``late_reviews`` (held out of timescale),
  ``records_late`` (records distributed late or overdue), ``participation`` (held reviews by code),
  ``not_held`` (reviews due in the year and not held by its end: ``month`` is then the month due);
* ``year``: the reporting year, written ``2021-22``;
* ``month``: 1 to 12, the month of ``held_on`` (optional);
* ``code``: a participation code such as ``PN1`` (optional, with ``kind=participation``);
* ``in_time``: ``1`` or ``0`` (optional, with ``kind=reviews``);
* ``iro`` or ``team``: the id of the scope's IRO or team, when the figures are scoped.

Queries: eleven, whatever the number of reviews (two of them for the reviews due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.urls import reverse

from reviews.codes import DateChangeKind, ParentParticipation, Participation, ReviewStatus
from reviews.models import CaseNote, MidwayReview, Review, ReviewDateChange, ReviewDue, Visit
from reviews.querysets import DueFigures, DueWindow

from ..periods import ReportingYear
from . import Scope, Section, Table
from .service import Period, fmt, join_notes, percentage, periods_of, person_scope, to_date_note, today_of

NO_REASON = "No reason recorded"
#: Reasons are free text typed with each change, and may name a child or a family member.
FREE_TEXT_NOTE = "Reasons are printed as the IROs wrote them: check them for names before the report is published."
QUARTERS = ("Quarter 1 (April to June)", "Quarter 2 (July to September)", "Quarter 3 (October to December)")
QUARTERS += ("Quarter 4 (January to March)",)
#: Codes for which the child's views reached the review (PN4 attends without conveying views; PN7 none).
VIEWS_CONVEYED = (Participation.PN1, Participation.PN2, Participation.PN3, Participation.PN5, Participation.PN6)
ATTENDED = (Participation.PN1, Participation.PN2, Participation.PN3, Participation.PN4)


# --- links -------------------------------------------------------------------------------------


class _Links:
    """Builds ``reporting:records`` URLs for one scope."""

    def __init__(self, scope: Scope):
        self.base = reverse("reporting:records")
        self.scope_params = {}
        if scope.iro_id is not None:
            self.scope_params["iro"] = scope.iro_id
        if scope.team_id is not None:
            self.scope_params["team"] = scope.team_id

    def url(self, kind: str, year: ReportingYear, **params) -> str:
        query = {"kind": kind, "year": year.label, **{k: v for k, v in params.items() if v is not None}}
        return f"{self.base}?{urlencode({**query, **self.scope_params})}"

    def add(self, links: dict[str, str], label: str, kind: str, year: ReportingYear, **params) -> None:
        links[label] = self.url(kind, year, **params)


# --- queries -----------------------------------------------------------------------------------


def _held(period: Period) -> Q:
    return Q(status=ReviewStatus.HELD, held_on__gte=period.start, held_on__lte=period.end)


IN_TIME = Q(held_on__lte=F("due_on"))
LATE = Q(held_on__gt=F("due_on"))
NO_DUE = Q(due_on__isnull=True)


def _has_change(kind: str) -> Exists:
    """The review has a ``ReviewDateChange`` of ``kind`` (postponed, cancelled)."""
    return Exists(ReviewDateChange.objects.filter(review_id=OuterRef("pk"), kind=kind))


def _days_late() -> ExpressionWrapper:
    return ExpressionWrapper(F("held_on") - F("due_on"), output_field=DurationField())


def _record_conditions(today: date) -> dict[str, Q]:
    return {
        "records_in_time": Q(record_distributed_on__lte=F("record_due_on")),
        "records_late": Q(record_distributed_on__gt=F("record_due_on")),
        "records_overdue": Q(record_distributed_on__isnull=True, record_due_on__lt=today),
        "records_not_due": Q(record_distributed_on__isnull=True, record_due_on__gte=today),
        "records_no_due": Q(record_due_on__isnull=True),
    }


def _review_conditions(today: date) -> dict[str, Q]:
    """Each count of held reviews, as a condition added to "held in the period"."""
    return {
        "held": Q(),
        "in_time": IN_TIME,
        "late": LATE,
        "no_due": NO_DUE,
        "late_no_reason": LATE & ~_has_change(DateChangeKind.POSTPONED),
        **_record_conditions(today),
    }


def _reviews(periods: list[Period], scope: Scope) -> QuerySet[Review]:
    first, last = periods[0], periods[-1]
    return Review.objects.filter(person_scope(scope, "chair")).filter(
        Q(held_on__gte=first.start, held_on__lte=last.end)
        | Q(cancelled_on__gte=first.start, cancelled_on__lte=last.end)
    )


def _yearly(periods: list[Period], scope: Scope, today: date) -> list[dict[str, int]]:
    """Per year: every count of held reviews and records, and the cancellations. One query."""
    aggregates = {}
    for index, period in enumerate(periods):
        for name, condition in _review_conditions(today).items():
            aggregates[f"{name}_{index}"] = Count("pk", filter=_held(period) & condition)
        cancelled = Q(status=ReviewStatus.CANCELLED, cancelled_on__gte=period.start, cancelled_on__lte=period.end)
        aggregates[f"cancelled_{index}"] = Count("pk", filter=cancelled)
        aggregates[f"cancelled_no_reason_{index}"] = Count(
            "pk", filter=cancelled & ~_has_change(DateChangeKind.CANCELLED)
        )
    totals = _reviews(periods, scope).aggregate(**aggregates)
    names = [*_review_conditions(today), "cancelled", "cancelled_no_reason"]
    return [{name: totals[f"{name}_{index}"] for name in names} for index in range(len(periods))]


def _monthly(period: Period, scope: Scope, today: date) -> dict[int, dict]:
    """Per month of the report's year (1-12): the counts, and the days late. One query."""
    rows = (
        Review.objects.filter(person_scope(scope, "chair"))
        .filter(_held(period))
        .annotate(month=ExtractMonth("held_on"))
        .values("month")
        .annotate(
            **{name: Count("pk", filter=condition) for name, condition in _review_conditions(today).items()},
            days_late=Sum(_days_late(), filter=LATE),
            most_days_late=Max(_days_late(), filter=LATE),
        )
        .order_by("month")
    )
    return {row["month"]: row for row in rows}


def _late_reasons(period: Period, scope: Scope) -> dict[int, dict[str, int]]:
    """Per month: the postponement reasons of the reviews held late, each with the number of
    late reviews that gave it. One query."""
    rows = (
        ReviewDateChange.objects.filter(person_scope(scope, "review__chair"))
        .filter(
            kind=DateChangeKind.POSTPONED,
            review__status=ReviewStatus.HELD,
            review__held_on__gte=period.start,
            review__held_on__lte=period.end,
            review__held_on__gt=F("review__due_on"),
        )
        .annotate(month=ExtractMonth("review__held_on"))
        .values("month", "reason")
        .annotate(reviews=Count("review", distinct=True))
        .order_by("month", "reason")
    )
    by_month: dict[int, dict[str, int]] = {}
    for row in rows:
        by_month.setdefault(row["month"], {})[row["reason"]] = row["reviews"]
    return by_month


def _cancel_reasons(period: Period, scope: Scope) -> dict[str, int]:
    rows = (
        ReviewDateChange.objects.filter(person_scope(scope, "review__chair"))
        .filter(
            kind=DateChangeKind.CANCELLED,
            review__status=ReviewStatus.CANCELLED,
            review__cancelled_on__gte=period.start,
            review__cancelled_on__lte=period.end,
        )
        .values("reason")
        .annotate(reviews=Count("review", distinct=True))
        .order_by("-reviews", "reason")
    )
    return {row["reason"]: row["reviews"] for row in rows}


def _by_value(field: str, periods: list[Period], scope: Scope) -> dict[str, list[int]]:
    """Held reviews per value of ``field`` (a code), per year. One query."""
    rows = (
        _reviews(periods, scope)
        .filter(status=ReviewStatus.HELD)
        .values(field)
        .annotate(**{f"y{index}": Count("pk", filter=_held(period)) for index, period in enumerate(periods)})
        .order_by(field)
    )
    return {row[field]: [row[f"y{index}"] for index in range(len(periods))] for row in rows}


def _footprint(periods: list[Period], scope: Scope) -> list[dict[str, int]]:
    """Visits, the children visited and seen alone, midway reviews and case notes per year.
    Three queries."""

    def counts(queryset, field: str, extra: dict) -> dict:
        aggregates = {}
        for index, period in enumerate(periods):
            in_year = Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})
            aggregates[f"n_{index}"] = Count("pk", filter=in_year)
            for name, (expression, condition) in extra.items():
                aggregates[f"{name}_{index}"] = expression(in_year & condition)
        return queryset.aggregate(**aggregates)

    visits = counts(
        Visit.objects.filter(person_scope(scope, "iro")),
        "visited_on",
        {
            "alone": (lambda q: Count("pk", filter=q), Q(seen_alone=True)),
            "children": (lambda q: Count("child", distinct=True, filter=q), Q()),
        },
    )
    midway = counts(MidwayReview.objects.filter(person_scope(scope, "iro")), "held_on", {})
    notes = counts(CaseNote.objects.filter(person_scope(scope, "author")), "written_on", {})
    return [
        {
            "visits": visits[f"n_{index}"],
            "seen_alone": visits[f"alone_{index}"],
            "children_visited": visits[f"children_{index}"],
            "midway": midway[f"n_{index}"],
            "case_notes": notes[f"n_{index}"],
        }
        for index in range(len(periods))
    ]


# --- shaping -----------------------------------------------------------------------------------


@dataclass
class _Data:
    periods: list[Period]
    today: date
    yearly: list[dict[str, int]]
    monthly: dict[int, dict]
    late_reasons: dict[int, dict[str, int]]
    cancel_reasons: dict[str, int]
    participation: dict[str, list[int]]
    parents: dict[str, list[int]]
    footprint: list[dict[str, int]]
    links: _Links
    due_windows: list[DueWindow]
    due_yearly: list[DueFigures]
    due_monthly: dict[date, DueFigures]

    @property
    def current(self) -> Period:
        return self.periods[-1]

    def kept(self, has_data) -> list[int]:
        """Indexes of the years to print: the report's year, and earlier years with data."""
        last = len(self.periods) - 1
        return [i for i in range(len(self.periods)) if i == last or has_data(i)]

    def columns(self, first: str, kept: list[int]) -> list[str]:
        return [first, *(self.periods[i].label for i in kept)]

    def months(self) -> list[tuple[int, str, dict | None]]:
        """(month number, label, counts or None for a month still to come) for April to March."""
        period = self.current
        return [
            (start.month, f"{start:%B %Y}", None if start > period.end else self.monthly.get(start.month, {}))
            for start in period.year.months()
        ]


def _get(counts: dict | None, name: str):
    if counts is None:
        return None
    return counts.get(name) or 0


def _days(value) -> int:
    return value.days if value else 0


def _timed(counts: dict) -> int:
    """Held reviews with a due date: the base of the percentage in timescale."""
    return counts["held"] - counts["no_due"]


def _records_base_count(counts: dict) -> int:
    """Records whose due date has passed or that went out: the base of the percentage."""
    return counts["held"] - counts["records_not_due"] - counts["records_no_due"]


def _reviews_section(data: _Data) -> Section:
    year = data.current.year
    links = data.links
    kept = data.kept(lambda i: data.yearly[i]["held"] or data.yearly[i]["cancelled"])
    show_no_due = any(data.yearly[i]["no_due"] for i in kept)

    def trend_row(label: str, name: str) -> list:
        return [label, *(data.yearly[i][name] for i in kept)]

    trend_rows = [
        trend_row("Reviews held", "held"),
        trend_row("Held within timescale", "in_time"),
        ["% held within timescale", *(percentage(data.yearly[i]["in_time"], _timed(data.yearly[i])) for i in kept)],
        trend_row("Held out of timescale", "late"),
    ]
    if show_no_due:
        trend_rows.append(trend_row("Held with no due date recorded", "no_due"))
    trend_rows.append(trend_row("Booked reviews cancelled", "cancelled"))
    trend_links: dict[str, str] = {}
    links.add(trend_links, "Reviews held", "reviews", year)
    links.add(trend_links, "Held within timescale", "reviews", year, in_time=1)
    links.add(trend_links, "Held out of timescale", "late_reviews", year)
    trend = Table(
        key="reviews_trend",
        title="Reviews held and held within timescale",
        columns=data.columns("Measure", kept),
        rows=trend_rows,
        note=join_notes(
            "A review is held within timescale when it is held on or before the date it was due "
            "(20 working days after the child became looked after for a first review, 3 months after the "
            "first for a second, 6 months after the previous review for later ones).",
            "Reviews held with no due date recorded are counted as neither in nor out of timescale."
            if show_no_due
            else "",
            to_date_note(data.periods),
        ),
        chart="line",
        links=trend_links,
    )

    total_label = "Year to date" if data.current.to_date else "Total"
    this_year = data.yearly[-1]
    month_rows, month_links = [], {}
    late_rows, late_links = [], {}
    quarter_counts: list[list[int] | None] = [None] * len(QUARTERS)
    for position, (month, label, counts) in enumerate(data.months()):
        links.add(month_links, label, "reviews", year, month=month)
        if counts is None:  # a month still to come
            month_rows.append([label, None, None, None])
            late_rows.append([label, None, None, None, None, ""])
            continue
        held, in_time, late = counts.get("held", 0), counts.get("in_time", 0), counts.get("late", 0)
        timed = held - counts.get("no_due", 0)
        month_rows.append([label, held, in_time, percentage(in_time, timed)])
        quarter = quarter_counts[position // 3] or [0, 0, 0]
        quarter_counts[position // 3] = [quarter[0] + held, quarter[1] + in_time, quarter[2] + timed]
        days = _days(counts.get("days_late"))
        reasons = dict(data.late_reasons.get(month, {}))
        if counts.get("late_no_reason"):
            reasons[NO_REASON] = counts["late_no_reason"]
        late_rows.append(
            [
                label,
                late,
                days,
                round(days / late, 1) if late else None,
                _days(counts.get("most_days_late")) if late else None,
                _reasons_text(reasons),
            ]
        )
        if late:
            links.add(late_links, label, "late_reviews", year, month=month)
    month_rows.append(
        [total_label, this_year["held"], this_year["in_time"], percentage(this_year["in_time"], _timed(this_year))]
    )
    links.add(month_links, total_label, "reviews", year)
    by_month = Table(
        key="reviews_by_month",
        title=f"Reviews held by month, {year.label}",
        columns=["Month", "Reviews held", "Held within timescale", "% held within timescale"],
        rows=month_rows,
        note=join_notes(
            to_date_note(data.periods), "Months still to come are left blank." if data.current.to_date else ""
        ),
        chart="bar",
        links=month_links,
    )
    quarter_rows = [
        [name, *(counts[:2] if counts else [None, None]), percentage(counts[1], counts[2]) if counts else None]
        for name, counts in zip(QUARTERS, quarter_counts, strict=True)
    ]
    quarter_rows.append(month_rows[-1])
    by_quarter = Table(
        key="reviews_by_quarter",
        title=f"Reviews held by quarter, {year.label}",
        columns=["Quarter", "Reviews held", "Held within timescale", "% held within timescale"],
        rows=quarter_rows,
        note=to_date_note(data.periods),
        chart="bar",
    )

    total_late = this_year["late"]
    total_days = sum(row[2] or 0 for row in late_rows)
    most = max((row[4] for row in late_rows if row[4] is not None), default=None)
    year_reasons: dict[str, int] = {}
    for month_reasons in data.late_reasons.values():
        for reason, n in month_reasons.items():
            year_reasons[reason] = year_reasons.get(reason, 0) + n
    if this_year["late_no_reason"]:
        year_reasons[NO_REASON] = this_year["late_no_reason"]
    late_rows.append(
        [
            total_label,
            total_late,
            total_days,
            round(total_days / total_late, 1) if total_late else None,
            most,
            _reasons_text(year_reasons),
        ]
    )
    links.add(late_links, total_label, "late_reviews", year)
    late = Table(
        key="late_reviews",
        title=f"Reviews held out of timescale, {year.label}",
        columns=[
            "Month",
            "Reviews out of timescale",
            "Total days late",
            "Average days late",
            "Most days late",
            "Reasons",
        ],
        rows=late_rows,
        note="Days late are calendar days after the date the review was due. Reasons are those recorded "
        f"when the review was postponed; a review never postponed is shown as '{NO_REASON}'. " + FREE_TEXT_NOTE,
        links=late_links,
    )
    reasons = Table(
        key="late_review_reasons",
        title=f"Reasons for reviews held out of timescale, {year.label}",
        columns=["Reason", "Reviews out of timescale"],
        rows=[[reason, n] for reason, n in _ordered(year_reasons)],
        note="A review postponed for more than one reason is counted under each. " + FREE_TEXT_NOTE,
        chart="bar",
    )

    cancel_reasons = dict(data.cancel_reasons)
    if this_year["cancelled_no_reason"]:
        cancel_reasons[NO_REASON] = this_year["cancelled_no_reason"]
    cancellations = Table(
        key="review_cancellations",
        title=f"Booked reviews cancelled, {year.label}",
        columns=["Reason", "Reviews cancelled"],
        rows=[*([reason, n] for reason, n in _ordered(cancel_reasons)), ["Total", this_year["cancelled"]]],
        note="Cancelling a review needs the IRO's consent and a recorded reason (seed 002). Counted by the "
        "date it was cancelled. " + FREE_TEXT_NOTE,
    )

    due_tables, due_headline = _due_tables(data)
    return Section(
        key="reviews",
        title="Reviews",
        tables=[trend, by_month, by_quarter, late, reasons, cancellations, *due_tables],
        headline=[
            ("Reviews held", fmt(this_year["held"])),
            ("Held within timescale", _pct_text(percentage(this_year["in_time"], _timed(this_year)))),
            ("Held out of timescale", fmt(this_year["late"])),
            ("Booked reviews cancelled", fmt(this_year["cancelled"])),
            *due_headline,
        ],
    )


def _judged(window: DueWindow) -> str:
    return f"{window.judged_on:%-d %B %Y}"


def _due_tables(data: _Data) -> tuple[list[Table], list[tuple[str, str]]]:
    """Reviews due in the year, by due date, held or not: the trend, by month due, and the days
    late and overdue (see "How each figure is counted")."""
    year = data.current.year
    links = data.links
    window = data.due_windows[-1]
    this_year = data.due_yearly[-1]
    kept = data.kept(lambda i: data.due_yearly[i].due or data.due_yearly[i].not_known)
    show_not_known = any(data.due_yearly[i].not_known for i in kept)
    not_held_label = f"Not held by {_judged(window)}"

    def row(label: str, value) -> list:
        return [label, *(value(data.due_yearly[i]) for i in kept)]

    rows = [
        row("Reviews due", lambda f: f.due),
        row("Held on time", lambda f: f.on_time),
        row("% held on time", lambda f: f.pct_on_time),
        row("Held late", lambda f: f.late),
        row("Not held by the end of the year", lambda f: f.not_held),
        row("Children with a review due", lambda f: f.children),
        row("Children whose reviews due were all held on time", lambda f: f.children_all_on_time),
        row("% of children with every review on time", lambda f: f.pct_children_all_on_time),
    ]
    if show_not_known:
        rows.append(row("Due date not known (counted apart)", lambda f: f.not_known))
    trend_links: dict[str, str] = {}
    if this_year.not_held:
        links.add(trend_links, "Not held by the end of the year", "not_held", year)
    trend = Table(
        key="reviews_due_trend",
        title="Reviews due in the year, held on time, late or not held",
        columns=data.columns("Measure", kept),
        rows=rows,
        note=join_notes(
            "Each review counts in the year its due date falls in, whether it was held or not. "
            "Not held: never held, or held after the end of the year. The children's figure is the "
            "share of children with a review due in the year whose reviews due were all held on time.",
            "A review whose due date is not known (records imported part-way through a period of care) "
            "is counted apart and in no other figure."
            if show_not_known
            else "",
            f"{data.current.label} is to {_judged(window)}: the reviews due before that day, judged on it."
            if data.current.to_date
            else "",
        ),
        chart="line",
        links=trend_links,
    )

    total_label = "Year to date" if data.current.to_date else "Total"
    month_rows, month_links = [], {}
    for start in year.months():
        label = f"{start:%B %Y}"
        if start > window.last:  # a month still to come
            month_rows.append([label, None, None, None, None, None])
            continue
        figures = data.due_monthly.get(start, DueFigures())
        month_rows.append([label, figures.due, figures.on_time, figures.late, figures.not_held, figures.pct_on_time])
        if figures.not_held:
            links.add(month_links, label, "not_held", year, month=start.month)
    month_rows.append(
        [
            total_label,
            this_year.due,
            this_year.on_time,
            this_year.late,
            this_year.not_held,
            this_year.pct_on_time,
        ]
    )
    if this_year.not_held:
        links.add(month_links, total_label, "not_held", year)
    by_month = Table(
        key="reviews_due_by_month",
        title=f"Reviews due by month of the due date, {year.label}",
        columns=["Month due", "Reviews due", "Held on time", "Held late", not_held_label, "% held on time"],
        rows=month_rows,
        note=join_notes(
            "Counted by the month the review was due, held or not (the months it was held are in the "
            "table of reviews held by month).",
            f"Due dates not known: {this_year.not_known}, counted apart." if this_year.not_known else "",
            "Months still to come are left blank." if data.current.to_date else "",
        ),
        chart="bar",
        links=month_links,
    )

    days_links: dict[str, str] = {}
    overdue_label = f"{not_held_label} (days overdue)"
    if this_year.not_held:
        links.add(days_links, overdue_label, "not_held", year)
    days = Table(
        key="reviews_due_days",
        title=f"Reviews due in {year.label} held late or not held: days",
        columns=["Reviews due", "Reviews", "Total days", "Average days", "Most days"],
        rows=[
            [
                "Held late (days late)",
                this_year.late,
                this_year.days_late,
                this_year.average_days_late,
                this_year.most_days_late,
            ],
            [
                overdue_label,
                this_year.not_held,
                this_year.days_overdue,
                this_year.average_days_overdue,
                this_year.most_days_overdue,
            ],
        ],
        note="Days late are calendar days from the due date to the date held. Days overdue are calendar "
        f"days from the due date to {_judged(window)}, or to the day the child left care or turned 18 "
        "when that was earlier.",
    )
    headline = [
        ("Reviews due in the year held on time", _pct_text(this_year.pct_on_time)),
        (f"Reviews due in the year {not_held_label[0].lower()}{not_held_label[1:]}", fmt(this_year.not_held)),
        ("Children whose reviews due were all held on time", _pct_text(this_year.pct_children_all_on_time)),
    ]
    return [trend, by_month, days], headline


def _ordered(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Most frequent first, alphabetical among equals, "No reason recorded" last."""
    items = sorted(((r, n) for r, n in counts.items() if r != NO_REASON), key=lambda item: (-item[1], item[0]))
    if NO_REASON in counts:
        items.append((NO_REASON, counts[NO_REASON]))
    return items


def _reasons_text(counts: dict[str, int]) -> str:
    return "; ".join(f"{reason} ({n})" for reason, n in _ordered(counts))


def _pct_text(value: float | None) -> str:
    return "none" if value is None else f"{fmt(value)}%"


def _participation_section(data: _Data) -> Section:
    year = data.current.year
    kept = data.kept(lambda i: data.yearly[i]["held"])

    def counts_for(values: dict[str, list[int]], code: str) -> list[int]:
        per_year = values.get(code, [0] * len(data.periods))
        return [per_year[i] for i in kept]

    rows, links = [], {}
    for code in Participation:
        label = f"{code.value}: {code.label}"
        rows.append([label, *counts_for(data.participation, code.value)])
        data.links.add(links, label, "participation", year, code=code.value)
    rows.append(["No participation recorded", *counts_for(data.participation, "")])
    rows.append(["Total", *(data.yearly[i]["held"] for i in kept)])
    participation = Table(
        key="participation",
        title="How children took part in their reviews",
        columns=data.columns("How the child took part", kept),
        rows=rows,
        note=join_notes(
            "SSDA903 REVIEW_CODE of each review held. PN0 is recorded for every child under 4 on the date "
            "of the review.",
            to_date_note(data.periods),
        ),
        chart="bar",
        links=links,
    )

    parent_rows = [[choice.label, *counts_for(data.parents, choice.value)] for choice in ParentParticipation]
    parent_rows.append(["Not recorded", *counts_for(data.parents, "")])
    parent_rows.append(["Total", *(data.yearly[i]["held"] for i in kept)])
    parents = Table(
        key="parents_participation",
        title="How parents took part in the reviews",
        columns=data.columns("Parents' participation", kept),
        rows=parent_rows,
        note=to_date_note(data.periods),
        chart="bar",
    )

    this_year = {code: per_year[-1] for code, per_year in data.participation.items()}
    aged_four_plus = data.yearly[-1]["held"] - this_year.get(Participation.PN0.value, 0)
    conveyed = sum(this_year.get(code.value, 0) for code in VIEWS_CONVEYED)
    attended = sum(this_year.get(code.value, 0) for code in ATTENDED)
    return Section(
        key="participation",
        title="Participation",
        tables=[participation, parents],
        headline=[
            ("Children aged 4 or over who attended their review", _pct_text(percentage(attended, aged_four_plus))),
            ("Children aged 4 or over whose views were conveyed", _pct_text(percentage(conveyed, aged_four_plus))),
        ],
    )


def _records_section(data: _Data) -> Section:
    year = data.current.year
    kept = data.kept(lambda i: data.yearly[i]["held"])
    show_no_due = any(data.yearly[i]["records_no_due"] for i in kept)

    def row(label: str, name: str) -> list:
        return [label, *(data.yearly[i][name] for i in kept)]

    rows = [
        row("Reviews held", "held"),
        row("Records distributed within 20 working days", "records_in_time"),
        [
            "% distributed within 20 working days",
            *(percentage(data.yearly[i]["records_in_time"], _records_base_count(data.yearly[i])) for i in kept),
        ],
        row("Records distributed late", "records_late"),
        row("Not yet distributed: overdue", "records_overdue"),
        row("Not yet distributed: not yet due", "records_not_due"),
    ]
    if show_no_due:
        rows.append(row("No due date recorded", "records_no_due"))
    links: dict[str, str] = {}
    data.links.add(links, "Records distributed late", "records_late", year)
    data.links.add(links, "Not yet distributed: overdue", "records_late", year)
    when = f"{data.today:%-d %B %Y}"
    trend = Table(
        key="records_trend",
        title="Review records distributed within 20 working days",
        columns=data.columns("Measure", kept),
        rows=rows,
        note=join_notes(
            "Each record counts in the year of its review. The record is due 20 working days after the "
            f"review. Records not yet distributed are as on {when}. The percentage is of the records that were "
            "due by then or have been distributed.",
            to_date_note(data.periods),
        ),
        chart="line",
        links=links,
    )

    month_rows, month_links = [], {}
    for month, label, counts in data.months():
        base = None if counts is None else _records_base_count({**_zeroes(), **counts})
        in_time = _get(counts, "records_in_time")
        month_rows.append(
            [
                label,
                _get(counts, "held"),
                in_time,
                percentage(in_time, base),
                _get(counts, "records_late"),
                _get(counts, "records_overdue"),
                _get(counts, "records_not_due"),
            ]
        )
        if counts and (counts.get("records_late") or counts.get("records_overdue")):
            data.links.add(month_links, label, "records_late", year, month=month)
    this_year = data.yearly[-1]
    total_label = "Year to date" if data.current.to_date else "Total"
    month_rows.append(
        [
            total_label,
            this_year["held"],
            this_year["records_in_time"],
            percentage(this_year["records_in_time"], _records_base_count(this_year)),
            this_year["records_late"],
            this_year["records_overdue"],
            this_year["records_not_due"],
        ]
    )
    by_month = Table(
        key="records_by_month",
        title=f"Review records by month of the review, {year.label}",
        columns=[
            "Month",
            "Reviews held",
            "Distributed within 20 working days",
            "% within 20 working days",
            "Distributed late",
            "Not yet distributed: overdue",
            "Not yet distributed: not yet due",
        ],
        rows=month_rows,
        note=f"Records not yet distributed are as on {when}.",
        chart="bar",
        links=month_links,
    )
    return Section(
        key="records",
        title="Review records",
        tables=[trend, by_month],
        headline=[
            (
                "Records distributed within 20 working days",
                _pct_text(percentage(this_year["records_in_time"], _records_base_count(this_year))),
            ),
            ("Records overdue, not yet distributed", fmt(this_year["records_overdue"])),
        ],
    )


def _zeroes() -> dict[str, int]:
    return dict.fromkeys(_review_conditions(date.min), 0)


def _footprint_section(data: _Data) -> Section:
    kept = data.kept(lambda i: any(data.footprint[i].values()))

    def row(label: str, name: str) -> list:
        return [label, *(data.footprint[i][name] for i in kept)]

    table = Table(
        key="footprint",
        title="The IRO's footprint between reviews",
        columns=data.columns("Recorded by the IROs", kept),
        rows=[
            row("Visits to children", "visits"),
            row("Visits where the child was seen alone", "seen_alone"),
            row("Children visited", "children_visited"),
            row("Midway reviews", "midway"),
            row("Case notes", "case_notes"),
            ["Reviews held", *(data.yearly[i]["held"] for i in kept)],
        ],
        note=join_notes(
            "What the IROs recorded between reviews so that their impact can be shown (IRO Handbook, chapter 3).",
            to_date_note(data.periods),
        ),
        chart="bar",
    )
    this_year = data.footprint[-1]
    return Section(
        key="footprint",
        title="The IRO's footprint",
        tables=[table],
        headline=[
            ("Visits to children", fmt(this_year["visits"])),
            ("Midway reviews", fmt(this_year["midway"])),
            ("Case notes", fmt(this_year["case_notes"])),
        ],
    )


def sections(years: list[ReportingYear], *, scope: Scope) -> list[Section]:
    """The sections "Reviews", "Participation", "Review records" and "The IRO's footprint".
    Earlier years with no data for a table are left out of it; the report's year is always kept."""
    periods = periods_of(years, scope)
    today = today_of(scope)
    current = periods[-1]
    windows = due_windows(periods, today)
    due = reviews_due(scope)
    data = _Data(
        periods=periods,
        today=today,
        yearly=_yearly(periods, scope, today),
        monthly=_monthly(current, scope, today),
        late_reasons=_late_reasons(current, scope),
        cancel_reasons=_cancel_reasons(current, scope),
        participation=_by_value("participation_code", periods, scope),
        parents=_by_value("parents_participation", periods, scope),
        footprint=_footprint(periods, scope),
        links=_Links(scope),
        due_windows=windows,
        due_yearly=due.timeliness(windows),
        due_monthly=due.timeliness_by_month(windows[-1]),
    )
    return [_reviews_section(data), _participation_section(data), _records_section(data), _footprint_section(data)]


def due_windows(periods: list[Period], today: date) -> list[DueWindow]:
    """Each year's window of due dates (``DueWindow.for_year``)."""
    return [DueWindow.for_year(period.start, period.year.end, today=today) for period in periods]


def reviews_due(scope: Scope):
    """The reviews due (``ReviewDue``) in ``scope``: by the IRO allocated on the due date."""
    return ReviewDue.objects.allocated_to(iro_id=scope.iro_id, team_id=scope.team_id)
