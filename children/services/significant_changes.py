"""Significant changes in a child's life, addressed to their IRO, who acknowledges each one
(docs/rules.md#significant-changes)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.models import AuditAction
from iro_service.services import require_may_act, require_not_future, save_audited

from ..codes import NEEDS_REVIEW_FIRST, AllocationWork, SignificantChangeCategory
from ..models import CareEpisode, Child, IROAllocation, SignificantChange

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _require_can_record_change(child: Child, user: User, *, on: date) -> None:
    require_may_act(
        child,
        user,
        perm="children.record_significant_change",
        on=on,
        refusal="You can only record significant changes for children you can see.",
    )


@transaction.atomic
def significant_change_record(
    *, child: Child, by: User, category: str, occurred_on: date, description: str, today: date | None = None
) -> SignificantChange:
    """Tell the child's IRO of a significant change (docs/rules.md#significant-changes). The change is
    addressed to the IRO who holds the child now, and stays unacknowledged until they answer.

    A change that needs a review first (``NEEDS_REVIEW_FIRST``) is a proposal, so its date may
    be in the future; any other change has happened and cannot be dated in the future."""
    today = today or timezone.localdate()
    _require_can_record_change(child, by, on=today)
    if category not in SignificantChangeCategory.values:
        raise ValidationError({"category": "Choose what kind of change this is."})
    if category not in NEEDS_REVIEW_FIRST:
        require_not_future(occurred_on, today=today, field="occurred_on")
    first = CareEpisode.objects.filter(child=child).order_by("started_on").values_list("started_on", flat=True).first()
    if first is not None and occurred_on < first:
        raise ValidationError(
            {"occurred_on": f"The date cannot be before {child.first_name} became looked after on {first:%-d %B %Y}."}
        )
    allocation = (
        IROAllocation.objects.looked_after().filter(child=child, ended_on__isnull=True).select_related("iro").first()
    )
    change = SignificantChange(
        child=child,
        category=category,
        occurred_on=occurred_on,
        description=description.strip(),
        recorded_by=by,
        iro=allocation.iro if allocation else None,
    )
    return save_audited(
        change,
        by=by,
        action=AuditAction.CREATED,
        summary=f"Significant change recorded: {change.get_category_display()} on {occurred_on:%-d %B %Y}",
    )


def _require_can_acknowledge(child: Child, user: User, *, on: date) -> None:
    """Only the child's IRO, or the IRO covering them on ``on``, acknowledges: the alert is
    theirs. A manager who sees every child may record that they have seen the change
    (``significant_change_mark_seen``), which leaves the IRO's alert in place."""
    require_may_act(
        child,
        user,
        perm="children.record_significant_change",
        on=on,
        held_only=True,
        work=AllocationWork.LOOKED_AFTER,
        refusal="Only the child's IRO, or the IRO covering them, can acknowledge a significant change.",
    )


@transaction.atomic
def significant_change_acknowledge(
    *, change: SignificantChange, by: User, iro_response: str, today: date | None = None
) -> SignificantChange:
    """The child's IRO (or the IRO covering them) acknowledges a significant change once,
    with their response; that clears their alert."""
    today = today or timezone.localdate()
    # Lock the row first, then read it with its relations: an acknowledgement made at the same
    # moment commits first, and PostgreSQL re-reads a locked row it changed but not the rows
    # joined to it (acknowledged_by would read as None).
    SignificantChange.objects.select_for_update().filter(pk=change.pk).values_list("pk", flat=True).get()
    change = SignificantChange.objects.select_related("child", "acknowledged_by").get(pk=change.pk)
    _require_can_acknowledge(change.child, by, on=today)
    if change.acknowledged_on is not None:
        who = change.acknowledged_by.get_full_name() or change.acknowledged_by.username
        raise ValidationError(f"This change was already acknowledged by {who} on {change.acknowledged_on:%-d %B %Y}.")
    if not iro_response.strip():
        raise ValidationError({"iro_response": "Enter your response to the change."})
    change.acknowledged_on = today
    change.acknowledged_by = by
    change.iro_response = iro_response.strip()
    return save_audited(
        change,
        by=by,
        action=AuditAction.UPDATED,
        summary=f"Significant change acknowledged: {change.get_category_display()} on {change.occurred_on:%-d %B %Y}",
        changes={"acknowledged_on": [None, today], "iro_response": ["", change.iro_response]},
    )


@transaction.atomic
def significant_change_mark_seen(*, change: SignificantChange, by: User) -> SignificantChange:
    """A manager records that they have seen a change addressed to the child's IRO. This is
    not an acknowledgement: the IRO's alert stays until the IRO acknowledges it."""
    if not by.has_perm("children.view_all_children"):
        raise PermissionDenied("Only IRO managers record that they have seen a significant change.")
    change = SignificantChange.objects.select_for_update().get(pk=change.pk)
    if change.seen_by_manager_at is not None:
        who = change.seen_by_manager.get_full_name() or change.seen_by_manager.username
        seen = timezone.localtime(change.seen_by_manager_at)
        raise ValidationError(f"{who} already recorded that they saw this change on {seen:%-d %B %Y}.")
    change.seen_by_manager_at = timezone.now()
    change.seen_by_manager = by
    return save_audited(
        change,
        by=by,
        action=AuditAction.UPDATED,
        summary=f"Significant change seen by a manager: {change.get_category_display()} "
        f"on {change.occurred_on:%-d %B %Y}",
        changes={"seen_by_manager_at": [None, change.seen_by_manager_at.isoformat()]},
        update_fields=["seen_by_manager_at", "seen_by_manager", "updated_at"],
    )
