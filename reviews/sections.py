"""What the reviews app adds to the pages of ``children``, which never imports ``reviews``:
the reviews panel on a child's record (``CHILD_RECORD_SECTIONS``), the offer to bring the next
review forward on a significant change's page (``SIGNIFICANT_CHANGE_SECTIONS``,
docs/rules.md#significant-changes) and the address of the child's timeline
(``CHILD_TIMELINE_URL``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from . import deadlines
from .calendar import local_non_working_days
from .models import Review, ReviewSchedule
from .views.pages import CHAIR

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from children.models import Child


def schedule_state(schedule: ReviewSchedule | None, *, today: date) -> deadlines.DueState | None:
    if schedule is None or schedule.next_due_on is None:
        return None
    start = min(schedule.next_due_on, today)
    return deadlines.due_status(schedule.next_due_on, today=today, non_working=local_non_working_days(start, today))


def review_section(*, child: Child, user: User, today: date) -> dict[str, Any]:
    """Next review due, booked date and status for the child's record page (three queries)."""
    schedule = ReviewSchedule.objects.filter(child=child).first()
    return {
        "template": "reviews/_child_record_section.html",
        "child": child,
        "schedule": schedule,
        "booked": Review.objects.booked().filter(child=child).first(),
        "state": schedule_state(schedule, today=today),
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
