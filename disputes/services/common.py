"""What every dispute service starts and ends with: may ``by`` act on the child, is the date
sensible, is the dispute still open (locked, at its current step), and the audit event."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from children.codes import AllocationWork
from children.models import Child, IROAllocation
from iro_service.audit import audit_record
from iro_service.concurrency import claim_version
from iro_service.models import AuditAction
from iro_service.services import require_may_act, require_not_future
from reviews import deadlines
from reviews.calendar import local_non_working_days

from ..codes import DisputeStatus, ResponseKind
from ..models import Dispute, DisputeStep, EscalationStage

if TYPE_CHECKING:
    from django.contrib.auth.models import User


REFUSALS: dict[str, str] = {
    AllocationWork.LOOKED_AFTER: "You can only raise and escalate disputes about the care of children you hold "
    "or cover.",
    AllocationWork.CHILD_PROTECTION: "You can only raise and escalate disputes about the child protection work "
    "of children whose conferences you chair or cover.",
}


def require_can_act(child: Child, user: User, *, today: date, work: str = AllocationWork.LOOKED_AFTER) -> None:
    """Refuse unless ``user`` may raise or move a dispute about ``work`` for ``child``: the IRO who
    holds (or covers) a looked-after child for looked-after work, the chair of the child's
    conferences (or who covers them) for child protection work (docs/rules.md#disputes)."""
    require_may_act(child, user, perm="disputes.raise_dispute", on=today, refusal=REFUSALS[work], work=work)


def raisable_work(child: Child, user: User, *, today: date) -> list[str]:
    """The kinds of work ``user`` may raise a dispute about for ``child``: each kind of open
    allocation the child has that ``user`` sees through that kind (``Child.objects.visible_to``).
    Three queries at most: the child's open kinds, then a visibility check for each."""
    if not user.has_perm("disputes.raise_dispute"):
        return []
    held = set(IROAllocation.objects.open().filter(child=child).values_list("work", flat=True))
    return [
        work
        for work in AllocationWork.values
        if work in held and Child.objects.visible_to(user, on=today, work=work).filter(pk=child.pk).exists()
    ]


def check_date(day: date, *, today: date, field: str, not_before: date | None = None, what: str = "The date") -> None:
    """Not after ``today``, and not before ``not_before`` (the day the stage was raised, say)."""
    require_not_future(day, today=today, field=field, what=what)
    if not_before is not None and day < not_before:
        raise ValidationError({field: f"{what} cannot be before {not_before:%-d %B %Y}."})


def response_due_on(stage: EscalationStage, raised_on: date) -> date | None:
    """A written response is due ``response_working_days`` working days after the stage is
    raised; meetings get their date when booked; informal has none. A local target, so the
    authority's closure days move it only where ``CLOSURE_DAYS_MOVE_LOCAL_TARGETS`` says so
    (docs/rules.md#review-timescales); bank holidays in England always do."""
    days = stage.response_working_days
    if stage.response_kind != ResponseKind.WRITTEN or days is None:  # written: never None (a constraint)
        return None
    calendar = local_non_working_days(raised_on, raised_on)
    return deadlines.add_working_days(raised_on, days, non_working=calendar)


def open_dispute(dispute: Dispute, *, expected_version: int | None) -> tuple[Dispute, DisputeStep]:
    """The dispute, locked and re-read, with its current step, once it is known to be open;
    with ``expected_version``, refused (``StaleEditError``) if someone saved it since."""
    if expected_version is not None:
        claim_version(dispute, expected_version=expected_version)
    else:
        Dispute.objects.filter(pk=dispute.pk).update(version=F("version") + 1)
    dispute = (
        Dispute.objects.select_for_update(of=("self",)).select_related("current_stage", "child").get(pk=dispute.pk)
    )
    if dispute.status != DisputeStatus.OPEN:
        raise ValidationError(f"This dispute is closed ({dispute.get_status_display().lower()}); it cannot change.")
    step = DisputeStep.objects.select_for_update().get(dispute=dispute, ended_on__isnull=True)
    return dispute, step


def open_to_act(
    dispute: Dispute, *, by: User, expected_version: int | None, today: date | None
) -> tuple[Dispute, DisputeStep, date]:
    """What each service on an open dispute starts with: ``today`` (by default the local date),
    ``require_can_act``, then ``open_dispute`` (the dispute, locked, with its current step)."""
    today = today or timezone.localdate()
    require_can_act(dispute.child, by, today=today, work=dispute.work)
    dispute, step = open_dispute(dispute, expected_version=expected_version)
    return dispute, step, today


def audit_change(
    dispute: Dispute, *, by: User, summary: str, created: bool = False, changes: dict[str, Any] | None = None
) -> None:
    """The audit event of ``by`` creating (``created``) or updating ``dispute``."""
    action = AuditAction.CREATED if created else AuditAction.UPDATED
    audit_record(actor=by, action=action, child_id=dispute.child_id, obj=dispute, summary=summary, changes=changes)
