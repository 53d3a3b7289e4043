"""Reads about significant changes that pages in other apps show (IRO-RULES.md section 6)."""

from __future__ import annotations

from django.apps import apps
from django.db.models import OuterRef, QuerySet, Subquery

from .models import SignificantChange


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
    everything the acknowledgement page shows, and ``booked_review_id``: the child's booked
    review, if any, which the IRO may bring forward."""
    booked = apps.get_model("reviews", "Review").objects.filter(child=OuterRef("child"), status="booked")
    return (
        SignificantChange.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("child", "iro", "recorded_by", "acknowledged_by")
        .annotate(booked_review_id=Subquery(booked.values("pk")[:1]))
    )
