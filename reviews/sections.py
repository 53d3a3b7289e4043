"""What the reviews app adds to the pages of ``children``, which never imports ``reviews``:
the reviews panel on a child's record (``CHILD_RECORD_SECTIONS``), the offer to bring the next
review forward on a significant change's page (``SIGNIFICANT_CHANGE_SECTIONS``,
docs/rules.md#significant-changes) and the address of the child's timeline
(``CHILD_TIMELINE_URL``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.urls import reverse

from . import deadlines
from .calendar import local_non_working_days
from .codes import ActionStatus
from .models import Action, MidwayReview, Review, ReviewSchedule, Visit
from .views.pages import CHAIR

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from children.models import Child


def schedule_state(schedule: ReviewSchedule | None, *, today: date) -> deadlines.DueState | None:
    if schedule is None or schedule.next_due_on is None:
        return None
    start = min(schedule.next_due_on, today)
    return deadlines.due_status(schedule.next_due_on, today=today, non_working=local_non_working_days(start, today))


@dataclass(frozen=True)
class ActionRow:
    """An action of the last review and how it stands: ``overdue`` if still open after its date."""

    action: Action
    overdue: bool


def _last_held(child: Child) -> Review | None:
    """The child's last held review with its actions, by due date (two queries)."""
    actions = Prefetch("actions", queryset=Action.objects.order_by("due_on", "pk"))
    return Review.objects.held().filter(child=child).order_by("-held_on", "-pk").prefetch_related(actions).first()


def review_section(*, child: Child, user: User, today: date) -> dict[str, Any]:
    """The reviews part of the child's record page, in six queries whatever the number of
    reviews, actions, visits or midway reviews: the next review due and why, the booked date,
    the last review held with its actions and how each stands (docs/rules.md#after-the-review),
    and the IRO's visits and midway reviews since it (or, before the first review, since the
    start of this period of care)."""
    schedule = ReviewSchedule.objects.filter(child=child).first()
    last = _last_held(child)
    since = last.held_on if last is not None else (schedule.period_start if schedule is not None else None)
    visits = Visit.objects.filter(child=child).select_related("iro").order_by("-visited_on", "-pk")
    midways = MidwayReview.objects.filter(child=child).select_related("iro").order_by("-held_on", "-pk")
    if since is not None:
        visits, midways = visits.filter(visited_on__gte=since), midways.filter(held_on__gte=since)
    return {
        "template": "reviews/_child_record_section.html",
        "child": child,
        "schedule": schedule,
        "booked": Review.objects.booked().filter(child=child).first(),
        "state": schedule_state(schedule, today=today),
        "last": last,
        "actions": [
            ActionRow(action, overdue=action.status == ActionStatus.OPEN and action.due_on < today)
            for action in (last.actions.all() if last is not None else [])
        ],
        "since": since,
        "since_what": "the last review" if last is not None else "the start of this period of care",
        "visits": list(visits),
        "midways": list(midways),
        "today": today,
    }


def bring_review_forward(*, change, user, today: date) -> dict:
    """On a significant change's page: the child's booked review, which the IRO may bring
    forward, or the offer to book an earlier one (one query). The links are offered only to a
    user who may chair reviews (``reviews.chair_review``, which both pages require); a manager
    reads who can."""
    return {
        "template": "reviews/_significant_change_section.html",
        "child": change.child,
        "can_chair": user.has_perm(CHAIR),
        "booked_review_id": Review.objects.booked()
        .filter(child_id=change.child_id)
        .values_list("pk", flat=True)
        .first(),
    }


def timeline_url(*, child_pk: int) -> str:
    """The child's timeline: reviews, visits, midway reviews, notes and significant changes."""
    return reverse("reviews:timeline", kwargs={"child_pk": child_pk})
