"""Refreshing each child's cached review schedule from the facts (episodes and reviews held).

The truth is ``reviews.deadlines.next_review_due``; ``ReviewSchedule`` only stores its answer so
that lists, dashboards and the daily sweep can filter and sort by due date in SQL. Refresh runs
for the children whose facts changed, in a fixed number of queries, one insert per thousand
new rows and one write per changed row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from children.models import CareEpisode, Child

from . import deadlines
from .calendar import non_working_days
from .models import Review, ReviewSchedule


def schedule_refresh(child_ids: Iterable[int]) -> int:
    """Recompute the schedule of these children; return how many rows changed."""
    # Only children that exist: ids queued by a transaction that rolled back are dropped here.
    ids = sorted(Child.objects.filter(pk__in=set(child_ids)).values_list("pk", flat=True))
    if not ids:
        return 0
    # The latest period of care of each child and whether it is still open.
    # Ordered by start, so the dict keeps each child's latest start.
    periods = dict(
        CareEpisode.objects.filter(child_id__in=ids, reason_new_episode="S")
        .order_by("child_id", "started_on")
        .values_list("child_id", "started_on")
    )
    in_care = set(
        CareEpisode.objects.filter(child_id__in=ids, ended_on__isnull=True).values_list("child_id", flat=True)
    )
    held: dict[int, list] = defaultdict(list)
    booked: dict[int, object] = {}
    for child_id, status, held_on, booked_for in Review.objects.filter(
        Q(status="held") | Q(status="booked"), child_id__in=ids
    ).values_list("child_id", "status", "held_on", "booked_for"):
        if status == "held":
            held[child_id].append(held_on)
        else:
            booked[child_id] = booked_for
    known_dates = [d for d in periods.values() if d] + [d for dates in held.values() for d in dates]
    calendar = non_working_days(min(known_dates), max(known_dates)) if known_dates else frozenset()

    existing = {s.child_id: s for s in ReviewSchedule.objects.filter(child_id__in=ids)}
    changed = 0
    new_rows = []
    for child_id in ids:
        start = periods.get(child_id)
        in_period = sorted(d for d in held.get(child_id, []) if start and d >= start)
        values = {
            "period_start": start,
            "reviews_in_period": len(in_period),
            "last_review_on": in_period[-1] if in_period else None,
            "next_due_on": deadlines.next_review_due(
                looked_after_on=start, reviews_held=in_period, non_working=calendar
            )
            if start and child_id in in_care
            else None,
            "booked_for": booked.get(child_id),
        }
        schedule = existing.get(child_id)
        if schedule is None:
            new_rows.append(ReviewSchedule(child_id=child_id, **values))
            changed += 1
        elif any(getattr(schedule, k) != v for k, v in values.items()):
            ReviewSchedule.objects.filter(pk=schedule.pk).update(**values)
            changed += 1
    ReviewSchedule.objects.bulk_create(new_rows, batch_size=1000)
    return changed
