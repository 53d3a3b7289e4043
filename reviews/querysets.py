"""Reads about reviews and their deadlines, answered in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncMonth

from children.querysets import ChildRecordQuerySet, VisibleThroughChild

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ReviewQuerySet(ChildRecordQuerySet):
    def held(self):
        return self.filter(status="held")

    def booked(self):
        return self.filter(status="booked")

    def held_between(self, start: date, end: date):
        return self.held().filter(held_on__gte=start, held_on__lte=end)

    def booked_per_day(self, first: date, last: date) -> dict[date, int]:
        """How many are booked for each day from ``first`` to ``last``: one aggregate query."""
        rows = (
            self.booked()
            .filter(booked_for__gte=first, booked_for__lte=last)
            .order_by()
            .values("booked_for")
            .annotate(booked=Count("id"))
            .values_list("booked_for", "booked")
        )
        return dict(rows)

    def booked_between(self, first: date, last: date):
        """Booked for a day from ``first`` to ``last`` inclusive, by day, with the child and the
        chair (the calendars: the index ``review_booked_for`` reads only these rows)."""
        return (
            self.booked()
            .filter(booked_for__gte=first, booked_for__lte=last)
            .select_related("child", "chair")
            .order_by("booked_for", "child__last_name", "child__first_name", "pk")
        )

    def records_overdue(self, *, on: date):
        """Held reviews whose record was not distributed by its due date (as of ``on``)."""
        return self.held().filter(record_distributed_on__isnull=True, record_due_on__lt=on)


class CalendarFeedTokenQuerySet(models.QuerySet):
    def active(self):
        """Not revoked."""
        return self.filter(revoked_at__isnull=True)


class ActionQuerySet(ChildRecordQuerySet):
    def open(self):
        return self.filter(status="open")

    def overdue(self, *, on: date):
        return self.open().filter(due_on__lt=on)


class ThroughReviewQuerySet(ChildRecordQuerySet):
    """A record about one review (a date change, a copy sent, an invitation): seen through the
    review's child, like the review itself."""

    child_lookup = "review__child"


class ReviewDateChangeQuerySet(ThroughReviewQuerySet):
    pass


class ActionProgressQuerySet(ChildRecordQuerySet):
    child_lookup = "action__child"


class ReviewScheduleQuerySet(VisibleThroughChild, models.QuerySet):
    def in_care(self):
        return self.filter(next_due_on__isnull=False)

    def overdue(self, *, on: date):
        """No review held by the due date and none held since (the due date is in the past)."""
        return self.in_care().filter(next_due_on__lt=on)

    def due_by(self, *, on: date, by: date):
        """Due between ``on`` and ``by`` inclusive (``by`` = ``on`` + 15 working days)."""
        return self.in_care().filter(next_due_on__gte=on, next_due_on__lte=by)


@dataclass(frozen=True)
class DueWindow:
    """The reviews that fell due from ``first`` to ``last`` (inclusive), judged as on
    ``judged_on``: held by then or not (``ReviewDueQuerySet.timeliness``)."""

    first: date
    last: date
    judged_on: date

    @classmethod
    def for_year(cls, start: date, end: date, *, today: date) -> DueWindow:
        """A reporting year from ``start`` to ``end``. While it is in progress (``today`` on or
        before ``end``) it counts the reviews due before today, judged today: one due today can
        still be held in time. A year not yet begun counts nothing."""
        if today <= end:
            return cls(start, today - timedelta(days=1), today)
        return cls(start, end, end)


@dataclass(frozen=True)
class DueFigures:
    """The reviews due in a window (``ReviewDueQuerySet.timeliness``), with the derived figures."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    not_held: int = 0
    #: Reviews whose due date is not known (imported data), counted apart from ``due``.
    not_known: int = 0
    days_late: int = 0
    most_days_late: int | None = None
    days_overdue: int = 0
    most_days_overdue: int | None = None
    #: Children with at least one review due in the window, and those whose reviews due were
    #: all held on time (the per-child measure).
    children: int = 0
    children_all_on_time: int = 0

    @staticmethod
    def _pct(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def pct_on_time(self) -> float | None:
        return self._pct(self.on_time, self.due)

    @property
    def pct_children_all_on_time(self) -> float | None:
        return self._pct(self.children_all_on_time, self.children)

    @property
    def average_days_late(self) -> float | None:
        return round(self.days_late / self.late, 1) if self.late else None

    @property
    def average_days_overdue(self) -> float | None:
        return round(self.days_overdue / self.not_held, 1) if self.not_held else None


def _days(value: timedelta | None) -> int:
    """A duration from an aggregate, in whole days (0 for none)."""
    return value.days if value else 0


class ReviewDueQuerySet(VisibleThroughChild, models.QuerySet):
    """Every review that fell due, held or not (the cache ``ReviewDue``). The timeliness figures
    of the annual report, the service dashboard and the deadlines pages all come from
    ``timeliness`` and ``timeliness_by_month``, so they cannot disagree (docs/rules.md#review-timescales,
    "Counting, exactly"):

    * a review is **due** in a window when ``due_on`` falls in it (by due date, held or not);
    * **held on time** when ``held_on <= due_on``; **held late** when held after ``due_on`` and
      by the day the window is judged; **not held** when not held by then (never held, or held
      later);
    * **days late** are ``held_on - due_on``; **days overdue** of a review not held are from
      ``due_on`` to the day judged, or to the day the period stopped counting (care ended, or
      the 18th birthday: ``stops_on``) when that is earlier;
    * a review whose **due date is not known** (imported data) is counted apart: in the window
      it was held in, or, not yet held, in every window its period of care was open in;
    * the **per-child measure**: the children with at least one review due in the window, and
      those of them whose reviews due in the window were all held on time.
    """

    def due_between(self, start: date, end: date):
        return self.filter(due_on__gte=start, due_on__lte=end)

    def allocated_to(self, *, iro_id: int | None = None, team_id: int | None = None):
        """Reviews due while the child was allocated to that IRO, or to an IRO of that team: the
        allocation that held the child on the due date (``started_on <= due_on < ended_on``).
        For a review whose due date is not known, the allocation on the day it was held, or,
        not yet held, the allocation open now."""
        if iro_id is None and team_id is None:
            return self
        allocations = apps.get_model("children", "IROAllocation").objects.looked_after().filter(child=OuterRef("child"))
        if iro_id is not None:
            allocations = allocations.filter(iro_id=iro_id)
        if team_id is not None:
            allocations = allocations.filter(iro__iro_profile__team_id=team_id)
        on = Coalesce(OuterRef("due_on"), OuterRef("held_on"))
        held_then = allocations.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)
        open_now = allocations.filter(ended_on__isnull=True)
        return self.filter(Exists(held_then) | (Q(due_on__isnull=True, held_on__isnull=True) & Exists(open_now)))

    # --- the conditions, each for one window ---------------------------------------------------

    @staticmethod
    def due_in(window: DueWindow) -> Q:
        return Q(due_on__gte=window.first, due_on__lte=window.last)

    @classmethod
    def on_time_in(cls, window: DueWindow) -> Q:
        return cls.due_in(window) & Q(held_on__lte=F("due_on"))

    @classmethod
    def late_in(cls, window: DueWindow) -> Q:
        return cls.due_in(window) & Q(held_on__gt=F("due_on"), held_on__lte=window.judged_on)

    @classmethod
    def not_held_in(cls, window: DueWindow) -> Q:
        return cls.due_in(window) & (Q(held_on__isnull=True) | Q(held_on__gt=window.judged_on))

    @staticmethod
    def not_known_in(window: DueWindow) -> Q:
        held = Q(held_on__gte=window.first, held_on__lte=window.judged_on)
        waiting = Q(held_on__isnull=True, period_start__lte=window.judged_on, stops_on__gt=window.first)
        return Q(due_on__isnull=True) & (held | waiting)

    @staticmethod
    def days_late() -> ExpressionWrapper:
        return ExpressionWrapper(F("held_on") - F("due_on"), output_field=DurationField())

    @staticmethod
    def days_overdue(window: DueWindow) -> Greatest:
        """Days from the due date to the day judged, or to ``stops_on`` when earlier."""
        until = Least(Value(window.judged_on, output_field=DateField()), F("stops_on"))
        days = ExpressionWrapper(until - F("due_on"), output_field=DurationField())
        return Greatest(days, Value(timedelta(0), output_field=DurationField()))

    def _aggregates(self, window: DueWindow, suffix: str = "") -> dict:
        due, on_time = self.due_in(window), self.on_time_in(window)
        late, not_held = self.late_in(window), self.not_held_in(window)
        return {
            f"due{suffix}": Count("pk", filter=due),
            f"on_time{suffix}": Count("pk", filter=on_time),
            f"late{suffix}": Count("pk", filter=late),
            f"not_held{suffix}": Count("pk", filter=not_held),
            f"not_known{suffix}": Count("pk", filter=self.not_known_in(window)),
            f"days_late{suffix}": Sum(self.days_late(), filter=late),
            f"most_days_late{suffix}": Max(self.days_late(), filter=late),
            f"days_overdue{suffix}": Sum(self.days_overdue(window), filter=not_held),
            f"most_days_overdue{suffix}": Max(self.days_overdue(window), filter=not_held),
            f"children{suffix}": Count("child", distinct=True, filter=due),
            f"children_missed{suffix}": Count("child", distinct=True, filter=late | not_held),
        }

    @staticmethod
    def _figures(values: dict, suffix: str = "") -> DueFigures:
        def get(name):
            return values.get(f"{name}{suffix}")

        late, not_held = get("late") or 0, get("not_held") or 0
        return DueFigures(
            due=get("due") or 0,
            on_time=get("on_time") or 0,
            late=late,
            not_held=not_held,
            not_known=get("not_known") or 0,
            days_late=_days(get("days_late")),
            most_days_late=_days(get("most_days_late")) if late else None,
            days_overdue=_days(get("days_overdue")),
            most_days_overdue=_days(get("most_days_overdue")) if not_held else None,
            children=get("children") or 0,
            children_all_on_time=(get("children") or 0) - (get("children_missed") or 0),
        )

    def timeliness(self, windows: Sequence[DueWindow]) -> list[DueFigures]:
        """The figures of each window, in order: one query whatever the number of rows."""
        if not windows:
            return []
        aggregates, counted = {}, Q()
        for index, window in enumerate(windows):
            aggregates.update(self._aggregates(window, f"_{index}"))
            counted |= self.due_in(window) | self.not_known_in(window)
        # Every figure's filter implies ``counted``: reading only those rows (the due-date index)
        # gives the same figures as reading the whole table and filtering in the aggregates.
        values = self.filter(counted).aggregate(**aggregates)
        return [self._figures(values, f"_{index}") for index in range(len(windows))]

    def timeliness_by_month(self, window: DueWindow) -> dict[date, DueFigures]:
        """The figures of each month of the due date (the first day of the month as key; the
        reviews whose due date is not known are left out). One query."""
        rows = (
            self.filter(self.due_in(window))
            .annotate(month=TruncMonth("due_on", output_field=DateField()))
            .values("month")
            .annotate(**self._aggregates(window))
            .order_by("month")
        )
        return {row["month"]: self._figures(row) for row in rows}

    def not_held(self, window: DueWindow):
        """The reviews due in the window and not held by the day it is judged, each with
        ``days_overdue``, soonest due first (the rows behind the "not held" figure)."""
        return (
            self.filter(self.not_held_in(window))
            .annotate(days_overdue=self.days_overdue(window))
            .order_by("due_on", "child_id", "pk")
        )


class DeadlineFlagQuerySet(VisibleThroughChild, models.QuerySet):
    def open(self):
        return self.filter(resolved_on__isnull=True)

    def for_iro(self, user: User) -> DeadlineFlagQuerySet:
        return self.filter(Q(iro=user))
