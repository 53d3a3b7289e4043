"""Checks and follow-ups shared by the review services."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

from children.codes import AllocationWork
from children.models import CareEpisode, Child, IROAllocation
from iro_service.audit import audit_record
from iro_service.models import AuditAction
from iro_service.services import require_may_act

from ..schedule import schedule_refresh

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def require_can_chair(child: Child, user: User, *, on: date | None = None) -> None:
    """Only an IRO who holds or covers the child may book or record their reviews."""
    require_may_act(
        child,
        user,
        perm="reviews.chair_review",
        on=on,
        refusal="You can only record reviews for children you hold or cover.",
        work=AllocationWork.LOOKED_AFTER,
    )


def require_in_care(child: Child, day: date) -> None:
    """Refuse a review date before the child first became looked after or outside every period
    of care (docs/rules.md#review-timescales: reviews are of a child who is looked after). The days at
    home between the breaks of one series of short breaks are inside it (reg 48)."""
    from ..schedule import chains_for

    first = CareEpisode.objects.filter(child=child).first_started_on()
    if first is None or day < first:
        since = f" on {first:%-d %B %Y}" if first else ""
        raise ValidationError({"held_on": f"The review date is before {child.first_name} became looked after{since}."})
    _, answer, _ = chains_for([child.pk])[child.pk]
    for period in answer.periods:
        if period.start <= day and (period.ended_on is None or day <= period.ended_on):
            return
    raise ValidationError({"held_on": f"{child.first_name} was not looked after on that date."})


def current_iro(child: Child) -> User | None:
    """The IRO allocated to the child now, if any (who chairs a review booked or recorded)."""
    allocation = (
        IROAllocation.objects.looked_after().filter(child=child, ended_on__isnull=True).select_related("iro").first()
    )
    return allocation.iro if allocation else None


def after_change(child_id: int, *, today: date) -> None:
    """Refresh the child's cached review dates, then their deadline flags, after a write."""
    from ..flags import flags_sweep

    schedule_refresh([child_id])
    flags_sweep(today=today, child_ids=[child_id])


def audit_change(
    obj: models.Model, *, by: User, summary: str, created: bool = False, changes: dict[str, Any] | None = None
) -> None:
    """The audit event of ``by`` creating (``created``) or updating ``obj``, for its child."""
    action = AuditAction.CREATED if created else AuditAction.UPDATED
    child_id = obj.child_id  # type: ignore[attr-defined]  # every record passed here is about one child
    audit_record(actor=by, action=action, child_id=child_id, obj=obj, summary=summary, changes=changes)
