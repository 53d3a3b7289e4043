"""Reads for the review pages, in a fixed number of queries whatever the caseload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, QuerySet

from children.models import Child
from children.querysets import ChildQuerySet
from iro_service.periods import ReportingYear

from . import deadlines
from .calendar import local_non_working_days
from .models import Action, Review, ReviewDateChange, ReviewDue, ReviewSchedule
from .querysets import DueFigures, DueWindow

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    next_due_on: date | None
    booked_for: date | None
    state: deadlines.DueState | None
    #: Why it is due then, in words (docs/rules.md#review-timescales), or why the date is not known.
    reason: str = ""
    first_due_unknown: bool = False


def caseload_rows(children: ChildQuerySet, *, today: date) -> list[CaseloadRow]:
    """Each child with their next review due, the booked date and the deadline status.

    ``children`` is a Child queryset; this adds the schedule with one join and the care
    facts with ChildQuerySet.for_list(): four queries in all, whatever the number of rows.
    """
    rows = list(children.for_list().select_related("review_schedule").order_by("last_name", "first_name", "pk"))
    due_dates = [c.review_schedule.next_due_on for c in rows if getattr(c, "review_schedule", None)]
    calendar = local_non_working_days(min([today, *(d for d in due_dates if d)]), today)
    result = []
    for child in rows:
        schedule = getattr(child, "review_schedule", None)
        due = schedule.next_due_on if schedule else None
        result.append(
            CaseloadRow(
                child=child,
                next_due_on=due,
                booked_for=schedule.booked_for if schedule else None,
                state=deadlines.due_status(due, today=today, non_working=calendar) if due else None,
                reason=schedule.next_reason_for(child.first_name) if schedule else "",
                first_due_unknown=bool(schedule and schedule.first_due_unknown),
            )
        )
    # Soonest first; a child whose first review's date is not known comes first of all, so that
    # an import that began part-way through care never hides them at the bottom.
    result.sort(
        key=lambda r: (not r.first_due_unknown, r.next_due_on is None, r.next_due_on or date.max, r.child.last_name)
    )
    return result


def next_due_text(child: Child) -> str:
    """``Next review due by 31 December 2025: 20 working days after ...`` (one query)."""
    schedule = ReviewSchedule.objects.filter(child=child).first()
    if schedule is None or not schedule.next_rule:
        return ""
    when = f"by {schedule.next_due_on:%-d %B %Y}" if schedule.next_due_on else "on a date not known"
    return f"Next review due {when}: {schedule.next_reason_for(child.first_name)}."


@dataclass(frozen=True)
class DueSoFar:
    """The reviews due in the reporting year so far, for the deadlines pages."""

    year_label: str
    window: DueWindow
    figures: DueFigures


def reviews_due_so_far(user: User, *, today: date) -> DueSoFar:
    """The reviews due in the current reporting year before ``today`` for the children ``user``
    may see, held on time, late or not held (overdue now): the same function and the same
    counting as the annual report and the service dashboard (``ReviewDue.objects.timeliness``).
    One query."""
    year = ReportingYear.containing(today)
    window = DueWindow.for_year(year.start, year.end, today=today)
    (figures,) = ReviewDue.objects.visible_to(user).timeliness([window])
    return DueSoFar(year.label, window, figures)


def records_overdue(children: QuerySet[Child], *, today: date) -> QuerySet[Review]:
    return (
        Review.objects.records_overdue(on=today)
        .filter(child__in=children)
        .select_related("child", "chair")
        .order_by("record_due_on", "pk")
    )


def actions_overdue(children: QuerySet[Child], *, today: date) -> QuerySet[Action]:
    return (
        Action.objects.overdue(on=today)
        .filter(child__in=children)
        .select_related("child", "review")
        .order_by("due_on", "pk")
    )


def child_reviews_queryset() -> QuerySet[Review]:
    """Reviews with what their pages show: the child, the chair, actions and date changes."""
    return Review.objects.select_related("child", "chair", "due").prefetch_related(
        Prefetch("actions", queryset=Action.objects.order_by("due_on", "pk")),
        Prefetch("date_changes", queryset=ReviewDateChange.objects.select_related("changed_by").order_by("pk")),
    )


def child_reviews(child: Child) -> QuerySet[Review]:
    """The child's reviews, newest first (a booked review, not yet held, above them all, on every
    database), with their actions and date changes: three queries."""
    return (
        Review.objects.filter(child=child)
        .select_related("chair", "due")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.order_by("due_on", "pk")),
            "date_changes",
        )
        .order_by(F("held_on").desc(nulls_first=True), F("booked_for").desc(nulls_last=True), "-pk")
    )
