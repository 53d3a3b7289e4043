"""The queries behind the review figures: held reviews and their records per year and per
month, the reasons for reviews held late and cancelled, participation codes, and the IRO's
footprint. How each is counted is in the package docstring (``reporting.figures.reviews``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from reviews.codes import DateChangeKind, ReviewStatus
from reviews.models import CaseNote, MidwayReview, Review, ReviewDateChange, Visit

from .. import Scope
from ..shared import Period, person_scope


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


def review_conditions(today: date) -> dict[str, Q]:
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


def yearly(periods: list[Period], scope: Scope, today: date) -> list[dict[str, int]]:
    """Per year: every count of held reviews and records, and the cancellations. One query."""
    aggregates = {}
    for index, period in enumerate(periods):
        for name, condition in review_conditions(today).items():
            aggregates[f"{name}_{index}"] = Count("pk", filter=_held(period) & condition)
        cancelled = Q(status=ReviewStatus.CANCELLED, cancelled_on__gte=period.start, cancelled_on__lte=period.end)
        aggregates[f"cancelled_{index}"] = Count("pk", filter=cancelled)
        aggregates[f"cancelled_no_reason_{index}"] = Count(
            "pk", filter=cancelled & ~_has_change(DateChangeKind.CANCELLED)
        )
    totals = _reviews(periods, scope).aggregate(**aggregates)
    names = [*review_conditions(today), "cancelled", "cancelled_no_reason"]
    return [{name: totals[f"{name}_{index}"] for name in names} for index in range(len(periods))]


def monthly(period: Period, scope: Scope, today: date) -> dict[int, dict]:
    """Per month of the report's year (1-12): the counts, and the days late. One query."""
    rows = (
        Review.objects.filter(person_scope(scope, "chair"))
        .filter(_held(period))
        .annotate(month=ExtractMonth("held_on"))
        .values("month")
        .annotate(
            **{name: Count("pk", filter=condition) for name, condition in review_conditions(today).items()},
            days_late=Sum(_days_late(), filter=LATE),
            most_days_late=Max(_days_late(), filter=LATE),
        )
        .order_by("month")
    )
    return {row["month"]: row for row in rows}


def _date_changes(scope: Scope, kind: str, status: str, day: str, period: Period) -> QuerySet[ReviewDateChange]:
    """The ``kind`` date changes, in ``scope``, of the reviews now ``status`` whose ``day``
    (``held_on``, ``cancelled_on``) falls in ``period``."""
    return ReviewDateChange.objects.filter(person_scope(scope, "review__chair")).filter(
        kind=kind,
        review__status=status,
        **{f"review__{day}__gte": period.start, f"review__{day}__lte": period.end},
    )


def late_reasons(period: Period, scope: Scope) -> dict[int, dict[str, int]]:
    """Per month: the postponement reasons of the reviews held late, each with the number of
    late reviews that gave it. One query."""
    rows = (
        _date_changes(scope, DateChangeKind.POSTPONED, ReviewStatus.HELD, "held_on", period)
        .filter(review__held_on__gt=F("review__due_on"))
        .annotate(month=ExtractMonth("review__held_on"))
        .values("month", "reason")
        .annotate(reviews=Count("review", distinct=True))
        .order_by("month", "reason")
    )
    by_month: dict[int, dict[str, int]] = {}
    for row in rows:
        by_month.setdefault(row["month"], {})[row["reason"]] = row["reviews"]
    return by_month


def cancel_reasons(period: Period, scope: Scope) -> dict[str, int]:
    rows = (
        _date_changes(scope, DateChangeKind.CANCELLED, ReviewStatus.CANCELLED, "cancelled_on", period)
        .values("reason")
        .annotate(reviews=Count("review", distinct=True))
        .order_by("-reviews", "reason")
    )
    return {row["reason"]: row["reviews"] for row in rows}


def by_value(field: str, periods: list[Period], scope: Scope) -> dict[str, list[int]]:
    """Held reviews per value of ``field`` (a code), per year. One query."""
    rows = (
        _reviews(periods, scope)
        .filter(status=ReviewStatus.HELD)
        .values(field)
        .annotate(**{f"y{index}": Count("pk", filter=_held(period)) for index, period in enumerate(periods)})
        .order_by(field)
    )
    return {row[field]: [row[f"y{index}"] for index in range(len(periods))] for row in rows}


def footprint(periods: list[Period], scope: Scope) -> list[dict[str, int]]:
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
