"""Raising, answering, escalating and closing disputes, and referring to CAFCASS.

Each service runs in one transaction, checks that ``by`` may act on the child, validates the
move against the ladder (``disputes.ladder``), writes the step rows, the audit event and the
history row, and returns the dispute.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from children.models import CareEpisode, Child
from iro_service.audit import audit_record
from iro_service.concurrency import claim_version
from iro_service.models import AuditAction
from iro_service.services import require_may_act, require_not_future, save_validated
from reviews import deadlines
from reviews.calendar import local_non_working_days

from . import ladder
from .codes import CafcassOutcome, DisputeCategory, DisputeStatus, ResponseKind
from .models import CafcassReferral, Dispute, DisputeStep, EscalationStage


def _require_can_act(child: Child, user, *, today: date) -> None:
    require_may_act(
        child,
        user,
        perm="disputes.raise_dispute",
        on=today,
        refusal="You can only raise and escalate disputes for children you hold or cover.",
    )


def _check_date(day: date, *, today: date, field: str, not_before: date | None = None, what: str = "The date"):
    require_not_future(day, today=today, field=field, what=what)
    if not_before is not None and day < not_before:
        raise ValidationError({field: f"{what} cannot be before {not_before:%-d %B %Y}."})


def response_due_on(stage: EscalationStage, raised_on: date) -> date | None:
    """A written response is due ``response_working_days`` working days after the stage is
    raised; meetings get their date when booked; informal has none. A local target, so the
    authority's closure days move it only where ``CLOSURE_DAYS_MOVE_LOCAL_TARGETS`` says so
    (docs/rules.md#review-timescales); bank holidays in England always do."""
    if stage.response_kind != ResponseKind.WRITTEN:
        return None
    calendar = local_non_working_days(raised_on, raised_on)
    return deadlines.add_working_days(raised_on, stage.response_working_days, non_working=calendar)


def _open_dispute(dispute: Dispute, *, expected_version: int | None) -> tuple[Dispute, DisputeStep]:
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


def _audit(dispute: Dispute, *, by, summary: str, changes: dict | None = None) -> None:
    audit_record(
        actor=by, action=AuditAction.UPDATED, child_id=dispute.child_id, obj=dispute, summary=summary, changes=changes
    )


@transaction.atomic
def dispute_raise(
    *,
    child: Child,
    by,
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
) -> Dispute:
    """The IRO starts the process (Handbook para 6.4): informal or stage 1, or the direct-entry
    stage with a reason in serious or urgent cases."""
    today = today or timezone.localdate()
    raised_on = raised_on or today
    _require_can_act(child, by, today=today)
    if category not in DisputeCategory.values:
        raise ValidationError({"category": "Choose what the dispute is about."})
    first_care = CareEpisode.objects.filter(child=child).order_by("started_on").values_list("started_on", flat=True)
    _check_date(raised_on, today=today, field="raised_on", not_before=first_care.first(), what="The date raised")
    if change_by_when < raised_on:
        raise ValidationError({"change_by_when": "The date the change is needed by cannot be before the dispute."})
    stages = list(EscalationStage.objects.active())
    try:
        rung = ladder.check_start(ladder.rungs_of(stages), start_stage, urgent_reason=urgent_reason)
    except ladder.MoveRefused as refused:
        raise ValidationError({"start_stage": str(refused)}) from refused
    stage = next(s for s in stages if s.number == rung.number)
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
    )
    save_validated(dispute, by=by)
    step = DisputeStep(
        dispute=dispute,
        stage=stage,
        raised_on=raised_on,
        raised_by=by,
        recipient_name=recipient_name.strip(),
        recipient_role=(recipient_role or stage.raised_with).strip(),
        response_due_on=response_due_on(stage, raised_on),
    )
    save_validated(step, by=by)
    audit_record(
        actor=by,
        action=AuditAction.CREATED,
        child_id=child.pk,
        obj=dispute,
        summary=f"Dispute raised at {stage}: {dispute.get_category_display()}",
    )
    return dispute


@transaction.atomic
def dispute_record_response(
    *,
    dispute: Dispute,
    by,
    responded_on: date,
    response: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """The answer to the current stage (written response or informal discussion)."""
    today = today or timezone.localdate()
    _require_can_act(dispute.child, by, today=today)
    dispute, step = _open_dispute(dispute, expected_version=expected_version)
    if step.stage.response_kind == ResponseKind.MEETING:
        raise ValidationError("This stage is answered by a minuted meeting: record the meeting instead.")
    if not response.strip():
        raise ValidationError({"response": "Enter the response."})
    _check_date(responded_on, today=today, field="responded_on", not_before=step.raised_on, what="The response date")
    step.responded_on, step.response = responded_on, response.strip()
    save_validated(step, by=by)
    late = step.response_due_on and responded_on > step.response_due_on
    _audit(
        dispute,
        by=by,
        summary=f"Response at {step.stage} received {responded_on:%-d %B %Y}" + (" (late)" if late else ""),
    )
    return dispute


@transaction.atomic
def dispute_record_meeting(
    *,
    dispute: Dispute,
    by,
    meeting_on: date,
    attendees: str = "",
    minutes: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """Book (no minutes yet) or record (with minutes) the meeting of a meeting stage."""
    today = today or timezone.localdate()
    _require_can_act(dispute.child, by, today=today)
    dispute, step = _open_dispute(dispute, expected_version=expected_version)
    if step.stage.response_kind != ResponseKind.MEETING:
        raise ValidationError("This stage is not answered by a meeting.")
    if meeting_on < step.raised_on:
        raise ValidationError({"meeting_on": "The meeting cannot be before the stage was raised."})
    step.meeting_on, step.attendees = meeting_on, attendees.strip()
    step.response_due_on = meeting_on
    if minutes.strip():
        _check_date(meeting_on, today=today, field="meeting_on", what="A meeting with minutes")
        step.minutes, step.responded_on = minutes.strip(), meeting_on
    save_validated(step, by=by)
    _audit(
        dispute,
        by=by,
        summary=f"Meeting at {step.stage} " + ("held" if minutes.strip() else "booked") + f" on {meeting_on:%-d %B %Y}",
    )
    return dispute


@transaction.atomic
def dispute_escalate(
    *,
    dispute: Dispute,
    by,
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
    today = today or timezone.localdate()
    raised_on = raised_on or today
    _require_can_act(dispute.child, by, today=today)
    dispute, step = _open_dispute(dispute, expected_version=expected_version)
    stages = list(EscalationStage.objects.active())
    target = next((s for s in stages if s.number == to_stage), None)
    if target is not None and target.is_cafcass:
        raise ValidationError({"to_stage": "A CAFCASS referral is recorded with its evidence: use 'Refer to CAFCASS'."})
    rungs = ladder.rungs_of(stages)
    current = dispute.current_stage.number
    try:
        ladder.check_escalation(rungs, current, to_stage, bypass_reason=bypass_reason)
    except ladder.BypassReasonMissing as refused:
        raise ValidationError({"bypass_reason": str(refused)}) from refused
    except ladder.MoveRefused as refused:
        raise ValidationError({"to_stage": str(refused)}) from refused
    _check_date(raised_on, today=today, field="raised_on", not_before=step.raised_on, what="The escalation date")
    skipped = ladder.skipped_rungs(rungs, current, to_stage)
    reason = bypass_reason.strip() if skipped else ""
    step.ended_on = raised_on
    save_validated(step, by=by)
    previous = dispute.current_stage
    dispute.current_stage = target
    save_validated(dispute, by=by)
    new_step = DisputeStep(
        dispute=dispute,
        stage=target,
        raised_on=raised_on,
        raised_by=by,
        recipient_name=recipient_name.strip(),
        recipient_role=(recipient_role or target.raised_with).strip(),
        bypass_reason=reason,
        response_due_on=response_due_on(target, raised_on),
    )
    save_validated(new_step, by=by)
    changes = {"stage": [previous.number, target.number]}
    summary = f"Escalated from {previous} to {target}"
    if skipped:
        changes["skipped_stages"] = [r.number for r in skipped]
        changes["bypass_reason"] = reason
        summary += f", skipping {ladder.stages_words(skipped)}: {reason}"
    _audit(dispute, by=by, summary=summary, changes=changes)
    return dispute


def _close(dispute: Dispute, step: DisputeStep, *, by, status: str, closed_on: date, note: str, today: date):
    _check_date(closed_on, today=today, field="closed_on", not_before=step.raised_on, what="The date")
    step.ended_on = closed_on
    save_validated(step, by=by)
    dispute.status, dispute.closed_on, dispute.outcome_note = status, closed_on, note.strip()
    save_validated(dispute, by=by)


@transaction.atomic
def dispute_resolve(
    *,
    dispute: Dispute,
    by,
    closed_on: date,
    outcome_note: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """Resolved to the IRO's satisfaction."""
    today = today or timezone.localdate()
    _require_can_act(dispute.child, by, today=today)
    dispute, step = _open_dispute(dispute, expected_version=expected_version)
    if not outcome_note.strip():
        raise ValidationError({"outcome_note": "Say how the dispute was resolved."})
    _close(dispute, step, by=by, status=DisputeStatus.RESOLVED, closed_on=closed_on, note=outcome_note, today=today)
    _audit(dispute, by=by, summary=f"Resolved at {step.stage} on {closed_on:%-d %B %Y}")
    return dispute


@transaction.atomic
def dispute_withdraw(
    *,
    dispute: Dispute,
    by,
    closed_on: date,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    today = today or timezone.localdate()
    _require_can_act(dispute.child, by, today=today)
    dispute, step = _open_dispute(dispute, expected_version=expected_version)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the dispute is withdrawn."})
    _close(dispute, step, by=by, status=DisputeStatus.WITHDRAWN, closed_on=closed_on, note=reason, today=today)
    _audit(dispute, by=by, summary=f"Withdrawn at {step.stage} on {closed_on:%-d %B %Y}: {reason.strip()}")
    return dispute


@transaction.atomic
def dispute_refer_to_cafcass(
    *,
    dispute: Dispute,
    by,
    referred_on: date,
    stages_exhausted_evidence: str,
    human_rights_risk_evidence: str,
    no_other_adult_evidence: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> CafcassReferral:
    """The last resort (docs/rules.md#disputes; seed 000 section 3): only with evidence that the
    stages up to the chief executive were tried or the delay became unreasonable, that the child's
    human rights remain at risk, and that no other suitable adult can act."""
    today = today or timezone.localdate()
    _require_can_act(dispute.child, by, today=today)
    dispute, step = _open_dispute(dispute, expected_version=expected_version)
    missing = {
        field: message
        for field, value, message in (
            (
                "stages_exhausted_evidence",
                stages_exhausted_evidence,
                "Show that every stage up to the chief executive was tried, or why the delay is unreasonable.",
            ),
            (
                "human_rights_risk_evidence",
                human_rights_risk_evidence,
                "Show the continuing risk that the child's human rights are breached.",
            ),
            (
                "no_other_adult_evidence",
                no_other_adult_evidence,
                "Show that no other suitable adult is able and willing to act for the child.",
            ),
        )
        if not value.strip()
    }
    if missing:
        raise ValidationError(missing)
    cafcass = EscalationStage.objects.active().filter(response_kind=ResponseKind.REFERRAL).first()
    if cafcass is None:
        raise ValidationError("This authority's ladder has no CAFCASS referral stage.")
    _check_date(referred_on, today=today, field="referred_on", not_before=step.raised_on, what="The referral date")
    step.ended_on = referred_on
    save_validated(step, by=by)
    save_validated(
        DisputeStep(
            dispute=dispute,
            stage=cafcass,
            raised_on=referred_on,
            raised_by=by,
            recipient_role="CAFCASS",
            ended_on=referred_on,
        ),
        by=by,
    )
    referral = CafcassReferral(
        dispute=dispute,
        referred_on=referred_on,
        referred_by=by,
        stages_exhausted_evidence=stages_exhausted_evidence.strip(),
        human_rights_risk_evidence=human_rights_risk_evidence.strip(),
        no_other_adult_evidence=no_other_adult_evidence.strip(),
    )
    save_validated(referral, by=by)
    dispute.current_stage = cafcass
    dispute.status, dispute.closed_on = DisputeStatus.REFERRED, referred_on
    save_validated(dispute, by=by)
    _audit(dispute, by=by, summary=f"Referred to CAFCASS on {referred_on:%-d %B %Y}")
    return referral


@transaction.atomic
def cafcass_outcome_record(
    *, referral: CafcassReferral, by, outcome: str, outcome_on: date, note: str = "", today: date | None = None
) -> CafcassReferral:
    today = today or timezone.localdate()
    referral = (
        CafcassReferral.objects.select_for_update(of=("self",)).select_related("dispute__child").get(pk=referral.pk)
    )
    _require_can_act(referral.dispute.child, by, today=today)
    if outcome not in CafcassOutcome.values or outcome == CafcassOutcome.PENDING:
        raise ValidationError({"outcome": "Choose CAFCASS's outcome."})
    _check_date(outcome_on, today=today, field="outcome_on", not_before=referral.referred_on, what="The outcome date")
    referral.outcome, referral.outcome_on, referral.outcome_note = outcome, outcome_on, note.strip()
    save_validated(referral, by=by)
    _audit(referral.dispute, by=by, summary=f"CAFCASS outcome: {CafcassOutcome(outcome).label}")
    return referral
