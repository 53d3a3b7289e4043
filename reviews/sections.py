"""The reviews panel on a child's record. ``children`` shows it through the
``CHILD_RECORD_SECTIONS`` setting, so that ``children`` never imports ``reviews``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from . import deadlines
from .calendar import local_non_working_days
from .models import Review, ReviewSchedule

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
