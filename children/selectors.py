"""Reads about significant changes that pages in other apps show (docs/rules.md#significant-changes),
the fetch every child page starts with (``visible_child_or_404``, ``visible_record_or_404``), and
cover between IROs that the allocation and cover pages warn of."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NoReturn

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from iro_service.page_access import DeniedWithPage

from .models import Child, CoverArrangement, IROAllocation, SignificantChange
from .querysets import ChildQuerySet, ChildRecordQuerySet


class NoLongerOnCaseload(DeniedWithPage):
    """The user once held the child (an ended ``IROAllocation``) and no longer may see them."""

    template_name = "children/no_longer_on_caseload.html"


def _refuse(user, child_id) -> NoReturn:
    """404, or for an IRO who once held the child, the page that says the child has moved on
    (it names no one: the child's name is no longer theirs to see)."""
    if (
        child_id is not None
        and IROAllocation.objects.filter(child_id=child_id, iro_id=user.pk, ended_on__isnull=False).exists()
    ):
        raise NoLongerOnCaseload
    raise Http404


def visible_child_or_404(user, pk, queryset: ChildQuerySet | None = None) -> Child:
    """The child ``pk`` from ``queryset`` (default: every child) if ``user`` may see them.
    Otherwise a 404, or a 403 saying the child is no longer on their caseload when ``user`` once
    held them (``NoLongerOnCaseload``): every child page fetches through here."""
    queryset = Child.objects.all() if queryset is None else queryset
    child = queryset.visible_to(user).filter(pk=pk).first()
    if child is None:
        _refuse(user, pk)
    return child


def visible_record_or_404(user, queryset: ChildRecordQuerySet, pk):
    """A record about one child (``VisibleThroughChild``: a review, an action) as
    ``visible_child_or_404`` fetches the child: a former IRO learns the child has moved on."""
    found = queryset.visible_to(user).filter(pk=pk).first()
    if found is None:
        refuse_record(user, queryset.model, pk)
    return found


def refuse_record(user, model, pk) -> NoReturn:
    """The refusal of ``visible_record_or_404`` for the ``model`` row ``pk`` that ``user`` may not see."""
    _refuse(user, model._default_manager.filter(pk=pk).values_list("child_id", flat=True).first())


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
    return IROAllocation.objects.looked_after().filter(iro=cover.absent_iro_id, ended_on__isnull=True).count()
