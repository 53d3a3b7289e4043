"""Retention (docs/rules.md#retention): the one sanctioned deletion.

A closed record past its retention date (``children/retention.py``) is anonymised or destroyed
only through these services: an IRO manager proposes it with a reason
(``retention_request_propose``), and a different active IRO manager approves it
(``retention_request_approve``), which carries it out in the same transaction through
``children/erasure.py``; any manager may refuse it, the proposer included (a withdrawal).

What the audit trail keeps: the proposal and any refusal are events on the child's own trail
(removed with the record when it is destroyed, stripped of their detail when it is anonymised).
Carrying it out writes one event that names no child: no id, name, date of birth or reference,
only the action, who proposed and approved it, and how many rows of each kind changed. The
request row then keeps the same and nothing more: its link to the child and its reason go.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.models import AuditAction
from iro_service.services import save_audited

from . import erasure
from .models import Child, RetentionAction, RetentionRequest, RetentionRequestStatus
from .retention import Retention

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MANAGE_PERMISSION = "children.manage_retention"


def _is_manager(user: User) -> bool:
    return bool(user.is_active and user.has_perm(MANAGE_PERMISSION))


def _require_manager(by: User) -> None:
    if not _is_manager(by):
        raise PermissionDenied("Only an IRO manager can anonymise or destroy a record past its retention date.")


def approver_refusal(*, request: RetentionRequest, by: User) -> str:
    """Why ``by`` may not approve ``request``, or "" if they may (the same rule as the service)."""
    if not _is_manager(by):
        return "Only an IRO manager can approve anonymising or destroying a record."
    if by.pk == request.proposed_by_id:
        return "You proposed this: another manager must approve it."
    return ""


def retention_of(child: Child) -> Retention | None:
    """The record's retention date as stored now (None while the child is looked after)."""
    return Child.objects.with_retention().get(pk=child.pk).retention


def _due(child: Child, *, today: date) -> Retention:
    """Lock the child and check the record is past its retention date today."""
    locked = Child.objects.select_for_update().get(pk=child.pk)
    retention = retention_of(locked)
    if retention is None:
        raise ValidationError(
            "This child is looked after now: a record is kept while the child is in care and until its "
            "retention date after that."
        )
    if not retention.is_due(today):
        raise ValidationError(
            f"This record is kept until {retention.on:%-d %B %Y} ({retention.explanation}): "
            "it cannot be anonymised or destroyed before then."
        )
    return retention


@transaction.atomic
def retention_request_propose(
    *, child: Child, by, action: str, reason: str, today: date | None = None
) -> RetentionRequest:
    """An IRO manager proposes anonymising or destroying a record past its retention date."""
    _require_manager(by)
    today = today or timezone.localdate()
    if action not in RetentionAction.values:
        raise ValidationError({"action": "Choose whether to anonymise or destroy the record."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record should be anonymised or destroyed now."})
    retention = _due(child, today=today)
    if RetentionRequest.objects.filter(child=child, status=RetentionRequestStatus.PENDING).exists():
        raise ValidationError("A proposal for this record is already waiting for a second manager.")
    request = RetentionRequest(
        child=child, action=action, reason=reason.strip(), proposed_by=by, proposed_at=timezone.now()
    )
    return save_audited(
        request,
        by=by,
        action=AuditAction.RETENTION_PROPOSED,
        summary=f"{request.get_action_display()} proposed: past the retention date "
        f"({retention.on:%-d %B %Y}, {retention.explanation}); waiting for a second manager",
        changes={"action": action, "reason": request.reason},
    )


def _pending(request: RetentionRequest) -> RetentionRequest:
    request = RetentionRequest.objects.select_for_update(of=("self",)).select_related("proposed_by").get(pk=request.pk)
    if request.status != RetentionRequestStatus.PENDING:
        raise ValidationError(f"This proposal has already been {request.get_status_display().lower()}.")
    return request


@transaction.atomic
def retention_request_approve(*, request: RetentionRequest, by: User, today: date | None = None) -> RetentionRequest:
    """A second IRO manager approves: the record is anonymised or destroyed now, in this
    transaction, and the request and the audit event keep no personal data."""
    request = _pending(request)
    if refusal := approver_refusal(request=request, by=by):
        raise PermissionDenied(refusal)
    child = request.child
    _due(child, today=today or timezone.localdate())  # still closed and past its date (a correction?)
    # Every request about the child loses its link and its words, this one included.
    # (Only this one can be pending: the database allows one pending request per child.)
    for other in RetentionRequest.objects.select_for_update().filter(child=child).exclude(pk=request.pk):
        other.child, other.reason = None, ""
        other.save(update_fields=["child", "reason", "updated_at"])
    request.child, request.reason = None, ""
    request.status = RetentionRequestStatus.CARRIED_OUT
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save()
    destroying = request.action == RetentionAction.DESTROY
    request.outcome = erasure.destroy(child) if destroying else erasure.anonymise(child, by=by)
    done = "destroyed" if destroying else "anonymised"
    save_audited(
        request,
        by=by,
        action=AuditAction.RECORD_DESTROYED if destroying else AuditAction.RECORD_ANONYMISED,
        update_fields=["outcome", "updated_at"],
        summary=f"1 record {done} under the retention rule, proposed by {request.proposed_by.username}, "
        f"approved by {by.username}",
        changes={
            "action": request.action,
            "proposed_by": request.proposed_by.username,
            "approved_by": by.username,
            "rows": request.outcome,
        },
    )
    return request


@transaction.atomic
def retention_request_refuse(*, request: RetentionRequest, by: User) -> RetentionRequest:
    """Any IRO manager refuses a proposal, or its proposer withdraws it: the record stays."""
    request = _pending(request)
    _require_manager(by)
    request.status = RetentionRequestStatus.REFUSED
    request.decided_by = by
    request.decided_at = timezone.now()
    withdrawn = by.pk == request.proposed_by_id
    return save_audited(
        request,
        by=by,
        action=AuditAction.RETENTION_REFUSED,
        summary=f"{request.get_action_display()} {'withdrawn' if withdrawn else 'refused'} by {by.username}: "
        "the record is kept",
    )
