"""Reads about significant changes that pages in other apps show (docs/rules.md#significant-changes),
and about cover between IROs that the allocation and cover pages warn of."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from .models import Child, CoverArrangement, IROAllocation, SignificantChange


def unacknowledged_significant_changes(user) -> QuerySet[SignificantChange]:
    """Changes not yet acknowledged for the children ``user`` may see, oldest first."""
    return (
        SignificantChange.objects.visible_to(user)
        .unacknowledged()
        .select_related("child", "iro")
        .order_by("occurred_on")
    )


def significant_change_for_acknowledgement(user, pk: int) -> QuerySet[SignificantChange]:
    """The change ``pk`` if ``user`` may see its child (an empty queryset otherwise), with
    everything the acknowledgement page shows, and ``can_acknowledge``: whether ``user`` is the
    child's IRO or covers them (a manager who sees the child cannot acknowledge). The child's
    booked review is the reviews app's to show (``SIGNIFICANT_CHANGE_SECTIONS``)."""
    return (
        SignificantChange.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("child", "iro", "recorded_by", "acknowledged_by", "seen_by_manager")
        .annotate(
            can_acknowledge=Exists(Child.objects.held_or_covered_by(user).filter(pk=OuterRef("child"))),
        )
    )


def cover_of_absence(iro, *, on: date) -> CoverArrangement | None:
    """The cover arranged because ``iro`` is on leave on ``on`` (they are its absent IRO), if any."""
    covers = CoverArrangement.objects.active(on=on).filter(absent_iro=iro).select_related("covering_iro")
    return covers.order_by("starts_on", "pk").first()


def children_left_uncovered(cover: CoverArrangement, *, ends_on: date) -> int:
    """How many children of ``cover``'s absent IRO no one covers the day after ``ends_on`` if the
    cover ends then: all they hold, unless another cover of theirs runs on that day."""
    next_day = ends_on + timedelta(days=1)
    others = CoverArrangement.objects.active(on=next_day).filter(absent_iro=cover.absent_iro_id).exclude(pk=cover.pk)
    if others.exists():
        return 0
    return IROAllocation.objects.filter(iro=cover.absent_iro_id, ended_on__isnull=True).count()
