"""Raising a dispute, answering each stage, and moving it up the ladder (docs/rules.md#disputes).

Each service runs in one transaction, checks that ``by`` may act on the child, validates the
move against the ladder (``disputes.ladder``), writes the step rows, the audit event and the
history row, and returns the dispute.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from children.codes import AllocationWork
from children.models import CareEpisode, Child
from iro_service.services import save_validated

from .. import ladder
from ..codes import DisputeCategory, ResponseKind
from ..models import Dispute, DisputeStep, EscalationStage
from .common import audit_change, check_date, open_to_act, raisable_work, require_can_act, response_due_on

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _step_raise(
    dispute: Dispute,
    stage: EscalationStage,
    *,
    by: User,
    raised_on: date,
    recipient_role: str,
    recipient_name: str,
    bypass_reason: str = "",
) -> DisputeStep:
    """The dispute's new current step at ``stage``, with its response due date."""
    step = DisputeStep(
        dispute=dispute,
        stage=stage,
        raised_on=raised_on,
        raised_by=by,
        recipient_name=recipient_name.strip(),
        recipient_role=(recipient_role or stage.raised_with).strip(),
        bypass_reason=bypass_reason,
        response_due_on=response_due_on(stage, raised_on),
    )
    save_validated(step, by=by)
    return step


def _starting_stage(start_stage: int, *, urgent_reason: str) -> EscalationStage:
    """The active stage a new dispute starts at, if the ladder allows starting there."""
    stages = list(EscalationStage.objects.active())
    try:
        rung = ladder.check_start(ladder.rungs_of(stages), start_stage, urgent_reason=urgent_reason)
    except ladder.MoveRefused as refused:
        raise ValidationError({"start_stage": str(refused)}) from refused
    return next(s for s in stages if s.number == rung.number)


def _check_raise(child: Child, category: str, *, raised_on: date, change_by_when: date, today: date, work: str) -> None:
    """A known category, raised not in the future and (about looked-after work) while the child
    has been looked after, and the change needed by a date not before the dispute."""
    if category not in DisputeCategory.values:
        raise ValidationError({"category": "Choose what the dispute is about."})
    first_care = None
    if work == AllocationWork.LOOKED_AFTER:
        first_care = CareEpisode.objects.filter(child=child).first_started_on()
    check_date(raised_on, today=today, field="raised_on", not_before=first_care, what="The date raised")
    if change_by_when < raised_on:
        raise ValidationError({"change_by_when": "The date the change is needed by cannot be before the dispute."})


def _work_of_dispute(child: Child, by: User, *, work: str, today: date) -> str:
    """The kind of work given, or the one kind ``by`` may raise about (looked-after work when
    they may raise about none: ``require_can_act`` then refuses); refused when they may raise
    about both and did not say which."""
    if work:
        if work not in AllocationWork.values:
            raise ValidationError({"work": "Choose which work the dispute is about."})
        return work
    kinds = raisable_work(child, by, today=today)
    if len(kinds) > 1:
        raise ValidationError({"work": "Choose which work the dispute is about."})
    return kinds[0] if kinds else AllocationWork.LOOKED_AFTER


@transaction.atomic
def dispute_raise(
    *,
    child: Child,
    by: User,
    category: str,
    issue: str,
    impact_on_child: str,
    what_must_change: str,
    change_by_whom: str,
    change_by_when: date,
    start_stage: int,
    recipient_role: str = "",
    recipient_name: str = "",
    urgent_reason: str = "",
    raised_on: date | None = None,
    today: date | None = None,
    work: str = "",
) -> Dispute:
    """The IRO starts the process (Handbook para 6.4): informal or stage 1, or the direct-entry
    stage with a reason in serious or urgent cases. ``work`` is what the dispute is about:
    looked-after work (the child's IRO) or child protection work (the chair of their
    conferences); left empty, it is the one kind ``by`` may raise about for the child
    (docs/rules.md#disputes)."""
    today = today or timezone.localdate()
    raised_on = raised_on or today
    work = _work_of_dispute(child, by, work=work, today=today)
    require_can_act(child, by, today=today, work=work)
    _check_raise(child, category, raised_on=raised_on, change_by_when=change_by_when, today=today, work=work)
    stage = _starting_stage(start_stage, urgent_reason=urgent_reason)
    dispute = Dispute(
        child=child,
        raised_by=by,
        category=category,
        issue=issue.strip(),
        impact_on_child=impact_on_child.strip(),
        what_must_change=what_must_change.strip(),
        change_by_whom=change_by_whom.strip(),
        change_by_when=change_by_when,
        opened_on=raised_on,
        urgent_reason=urgent_reason.strip(),
        current_stage=stage,
        work=work,
    )
    save_validated(dispute, by=by)
    _step_raise(
        dispute, stage, by=by, raised_on=raised_on, recipient_role=recipient_role, recipient_name=recipient_name
    )
    audit_change(dispute, by=by, created=True, summary=f"Dispute raised at {stage}: {dispute.get_category_display()}")
    return dispute


@transaction.atomic
def dispute_record_response(
    *,
    dispute: Dispute,
    by: User,
    responded_on: date,
    response: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """The answer to the current stage (written response or informal discussion)."""
    dispute, step, today = open_to_act(dispute, by=by, expected_version=expected_version, today=today)
    if step.stage.response_kind == ResponseKind.MEETING:
        raise ValidationError("This stage is answered by a minuted meeting: record the meeting instead.")
    if not response.strip():
        raise ValidationError({"response": "Enter the response."})
    check_date(responded_on, today=today, field="responded_on", not_before=step.raised_on, what="The response date")
    step.responded_on, step.response = responded_on, response.strip()
    save_validated(step, by=by)
    late = step.response_due_on and responded_on > step.response_due_on
    audit_change(
        dispute,
        by=by,
        summary=f"Response at {step.stage} received {responded_on:%-d %B %Y}" + (" (late)" if late else ""),
    )
    return dispute


@transaction.atomic
def dispute_record_meeting(
    *,
    dispute: Dispute,
    by: User,
    meeting_on: date,
    attendees: str = "",
    minutes: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """Book (no minutes yet) or record (with minutes) the meeting of a meeting stage."""
    dispute, step, today = open_to_act(dispute, by=by, expected_version=expected_version, today=today)
    if step.stage.response_kind != ResponseKind.MEETING:
        raise ValidationError("This stage is not answered by a meeting.")
    if meeting_on < step.raised_on:
        raise ValidationError({"meeting_on": "The meeting cannot be before the stage was raised."})
    step.meeting_on, step.attendees = meeting_on, attendees.strip()
    step.response_due_on = meeting_on
    if minutes.strip():
        check_date(meeting_on, today=today, field="meeting_on", what="A meeting with minutes")
        step.minutes, step.responded_on = minutes.strip(), meeting_on
    save_validated(step, by=by)
    audit_change(
        dispute,
        by=by,
        summary=f"Meeting at {step.stage} " + ("held" if minutes.strip() else "booked") + f" on {meeting_on:%-d %B %Y}",
    )
    return dispute


def _escalation_target(
    dispute: Dispute, to_stage: int, *, bypass_reason: str
) -> tuple[EscalationStage, list[ladder.Rung]]:
    """The active stage ``to_stage``, if the ladder lets the dispute move up to it, and the
    stages the move skips (docs/rules.md#disputes)."""
    stages = {s.number: s for s in EscalationStage.objects.active()}  # numbers are unique
    if to_stage in stages and stages[to_stage].is_cafcass:
        raise ValidationError({"to_stage": "A CAFCASS referral is recorded with its evidence: use 'Refer to CAFCASS'."})
    rungs = ladder.rungs_of(stages.values())
    current = dispute.current_stage.number
    try:
        ladder.check_escalation(rungs, current, to_stage, bypass_reason=bypass_reason)
    except ladder.BypassReasonMissing as refused:
        raise ValidationError({"bypass_reason": str(refused)}) from refused
    except ladder.MoveRefused as refused:
        raise ValidationError({"to_stage": str(refused)}) from refused
    return stages[to_stage], ladder.skipped_rungs(rungs, current, to_stage)


@transaction.atomic
def dispute_escalate(
    *,
    dispute: Dispute,
    by: User,
    to_stage: int,
    bypass_reason: str = "",
    recipient_role: str = "",
    recipient_name: str = "",
    raised_on: date | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """Move the dispute up the ladder: to the next stage, or past one or more stages with
    ``bypass_reason`` (the IRO may bypass stages at any point, docs/rules.md#disputes, Handbook
    para 6.2). The reason is kept on the new step and in the audit event; it is kept only when
    stages are skipped. Going back down is refused, and CAFCASS is reached only by referral."""
    dispute, step, today = open_to_act(dispute, by=by, expected_version=expected_version, today=today)
    raised_on = raised_on or today
    target, skipped = _escalation_target(dispute, to_stage, bypass_reason=bypass_reason)
    check_date(raised_on, today=today, field="raised_on", not_before=step.raised_on, what="The escalation date")
    reason = bypass_reason.strip() if skipped else ""
    step.ended_on = raised_on
    save_validated(step, by=by)
    previous = dispute.current_stage
    dispute.current_stage = target
    save_validated(dispute, by=by)
    _step_raise(
        dispute,
        target,
        by=by,
        raised_on=raised_on,
        recipient_role=recipient_role,
        recipient_name=recipient_name,
        bypass_reason=reason,
    )
    changes: dict[str, object] = {"stage": [previous.number, target.number]}
    summary = f"Escalated from {previous} to {target}"
    if skipped:
        changes["skipped_stages"] = [r.number for r in skipped]
        changes["bypass_reason"] = reason
        summary += f", skipping {ladder.stages_words(skipped)}: {reason}"
    audit_change(dispute, by=by, summary=summary, changes=changes)
    return dispute
