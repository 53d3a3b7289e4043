"""Reads about significant changes that pages in other apps show (docs/rules.md#significant-changes)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from .models import Child, SignificantChange


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
