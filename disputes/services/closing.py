"""How a dispute ends: resolved, withdrawn, or referred to CAFCASS as the last resort, and
CAFCASS's outcome (docs/rules.md#disputes).

Each service runs in one transaction, checks that ``by`` may act on the child, closes the
current step, writes the audit event and the history row, and returns what it wrote.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.services import save_validated

from ..codes import CafcassOutcome, DisputeStatus, ResponseKind
from ..models import CafcassReferral, Dispute, DisputeStep, EscalationStage
from .common import audit_change, check_date, open_to_act, require_can_act

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _close(
    dispute: Dispute,
    step: DisputeStep,
    *,
    by: User,
    status: str,
    closed_on: date,
    note: tuple[str, str, str],
    today: date,
) -> None:
    """End the current step and the dispute on ``closed_on``; ``note`` is (field, text, what
    to say when the text is blank)."""
    field, text, when_blank = note
    if not text.strip():
        raise ValidationError({field: when_blank})
    check_date(closed_on, today=today, field="closed_on", not_before=step.raised_on, what="The date")
    step.ended_on = closed_on
    save_validated(step, by=by)
    dispute.status, dispute.closed_on, dispute.outcome_note = status, closed_on, text.strip()
    save_validated(dispute, by=by)


@transaction.atomic
def dispute_resolve(
    *,
    dispute: Dispute,
    by: User,
    closed_on: date,
    outcome_note: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    """Resolved to the IRO's satisfaction."""
    dispute, step, today = open_to_act(dispute, by=by, expected_version=expected_version, today=today)
    note = ("outcome_note", outcome_note, "Say how the dispute was resolved.")
    _close(dispute, step, by=by, status=DisputeStatus.RESOLVED, closed_on=closed_on, note=note, today=today)
    audit_change(dispute, by=by, summary=f"Resolved at {step.stage} on {closed_on:%-d %B %Y}")
    return dispute


@transaction.atomic
def dispute_withdraw(
    *,
    dispute: Dispute,
    by: User,
    closed_on: date,
    reason: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> Dispute:
    dispute, step, today = open_to_act(dispute, by=by, expected_version=expected_version, today=today)
    note = ("reason", reason, "Enter why the dispute is withdrawn.")
    _close(dispute, step, by=by, status=DisputeStatus.WITHDRAWN, closed_on=closed_on, note=note, today=today)
    audit_change(dispute, by=by, summary=f"Withdrawn at {step.stage} on {closed_on:%-d %B %Y}: {reason.strip()}")
    return dispute


def _require_evidence(*, stages_exhausted: str, human_rights_risk: str, no_other_adult: str) -> None:
    """The three things a CAFCASS referral must show (docs/rules.md#disputes), each named when missing."""
    missing = {
        field: message
        for field, value, message in (
            (
                "stages_exhausted_evidence",
                stages_exhausted,
                "Show that every stage up to the chief executive was tried, or why the delay is unreasonable.",
            ),
            (
                "human_rights_risk_evidence",
                human_rights_risk,
                "Show the continuing risk that the child's human rights are breached.",
            ),
            (
                "no_other_adult_evidence",
                no_other_adult,
                "Show that no other suitable adult is able and willing to act for the child.",
            ),
        )
        if not value.strip()
    }
    if missing:
        raise ValidationError(missing)


def _cafcass_stage() -> EscalationStage:
    cafcass = EscalationStage.objects.active().filter(response_kind=ResponseKind.REFERRAL).first()
    if cafcass is None:
        raise ValidationError("This authority's ladder has no CAFCASS referral stage.")
    return cafcass


def _end_at_cafcass(
    dispute: Dispute, step: DisputeStep, cafcass: EscalationStage, *, by: User, referred_on: date
) -> None:
    """The current step ends on the day of the referral, and a CAFCASS step opens and ends then."""
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


@transaction.atomic
def dispute_refer_to_cafcass(
    *,
    dispute: Dispute,
    by: User,
    referred_on: date,
    stages_exhausted_evidence: str,
    human_rights_risk_evidence: str,
    no_other_adult_evidence: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> CafcassReferral:
    """The last resort (docs/rules.md#disputes; docs/sources.md#thurrock-2011 section 3): only with evidence that the
    stages up to the chief executive were tried or the delay became unreasonable, that the child's
    human rights remain at risk, and that no other suitable adult can act."""
    dispute, step, today = open_to_act(dispute, by=by, expected_version=expected_version, today=today)
    _require_evidence(
        stages_exhausted=stages_exhausted_evidence,
        human_rights_risk=human_rights_risk_evidence,
        no_other_adult=no_other_adult_evidence,
    )
    cafcass = _cafcass_stage()
    check_date(referred_on, today=today, field="referred_on", not_before=step.raised_on, what="The referral date")
    _end_at_cafcass(dispute, step, cafcass, by=by, referred_on=referred_on)
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
    audit_change(dispute, by=by, summary=f"Referred to CAFCASS on {referred_on:%-d %B %Y}")
    return referral


@transaction.atomic
def cafcass_outcome_record(
    *,
    referral: CafcassReferral,
    by: User,
    outcome: str,
    outcome_on: date,
    note: str = "",
    today: date | None = None,
) -> CafcassReferral:
    today = today or timezone.localdate()
    referral = (
        CafcassReferral.objects.select_for_update(of=("self",)).select_related("dispute__child").get(pk=referral.pk)
    )
    require_can_act(referral.dispute.child, by, today=today, work=referral.dispute.work)
    if outcome not in CafcassOutcome.values or outcome == CafcassOutcome.PENDING:
        raise ValidationError({"outcome": "Choose CAFCASS's outcome."})
    check_date(outcome_on, today=today, field="outcome_on", not_before=referral.referred_on, what="The outcome date")
    referral.outcome, referral.outcome_on, referral.outcome_note = outcome, outcome_on, note.strip()
    save_validated(referral, by=by)
    audit_change(referral.dispute, by=by, summary=f"CAFCASS outcome: {CafcassOutcome(outcome).label}")
    return referral
