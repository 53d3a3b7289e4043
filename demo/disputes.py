"""The disputes of the synthetic demo authority ("Demoshire", built by demo/children.py).

Four years of the IRO's challenges (docs/rules.md#disputes), shaped like the public reports:
docs/sources.md#thurrock-2021-22 resolves most disagreement informally and records about a dozen formal disputes a
year, docs/sources.md#kirklees-2016-17 counts its DRPs by stage (informal 281, stage 1 120, stage 2 45, stage 3 4 for
looked-after children), and docs/sources.md#thurrock-2011 lists the themes and the ladder. About one dispute a year
for every five or six children in care (40 to 70 a year for 300 children): most resolved at
informal resolution or stage 1, fewer at stages 2 and 3, a handful reaching the minuted
meetings of stages 4 to 6, one CAFCASS referral in four years (with the evidence for each
precondition), a few started directly at stage 3 with an urgent reason and some withdrawn with
a reason. Each is raised by the child's IRO of the day about a child in care that day, states
the issue, its impact, what must change, by whom and by when (docs/sources.md#kirklees-2016-17: SMART), and closes
typically within 5 to 30 working days. A few are still open today, one of them for more than
20 working days and some waiting for a response past its due date, so that the dashboard and
the deadline flags show something.

This is a seeder of historical data, not user input: rows are written with ``bulk_create``
rather than through ``disputes.services`` (whose permission checks, audit events and history
rows would make it slow), so no audit events or simple-history rows are written for them.
Every row keeps the models' constraints and the services' rules: each plan is checked against
the ladder with ``disputes.ladder``, due dates come from ``disputes.services.response_due_on``,
a booked meeting's date is its step's due date as ``dispute_record_meeting`` sets it. The
deadline flags are brought up to date once, through ``dispute_flags_sweep``.

Deterministic: only the given ``random.Random`` is used and children, episodes, allocations and
cover arrangements are read in a fixed order, so the same seed and day give the same rows.
"""

from __future__ import annotations

import importlib
import random
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps

from disputes.codes import DisputeStatus, ResponseKind
from disputes.flags import dispute_flags_sweep
from disputes.models import CafcassReferral, Dispute, DisputeStep
from reviews import deadlines
from reviews.codes import FlagKind

from .dispute_facts import (
    CAFCASS_PER_CHILD_IN_CARE,
    PER_CHILD_YEAR,
    DisputeFacts,
    DisputePlan,
    ReferralPlan,
    StepPlan,
    load_facts,
)
from .dispute_planner import Planner

# --------------------------------------------------------------------------- writing and reporting


def restore_migrated_rows() -> None:
    """Put back the rows the disputes migrations create (the default ladder, the settings row),
    which a ``flush`` empties. Runs the migrations' own functions, so the ladder is defined once;
    both are idempotent."""
    for module, function in (
        ("disputes.migrations.0002_default_ladder", "create_ladder"),
        ("disputes.migrations.0003_dispute_settings_row", "create_settings"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


@dataclass
class DisputeDemoResult:
    """What ``build_disputes`` wrote, for the command's summary."""

    #: Disputes raised in each reporting year ('2023-24': 52), oldest first.
    per_year: dict[str, int] = field(default_factory=dict)
    #: The first and last day counted (the first and last years are partial).
    first_day: date | None = None
    last_day: date | None = None
    #: By the highest stage reached: 0 informal ... 7 CAFCASS.
    by_stage: dict[int, int] = field(default_factory=dict)
    started_at_stage_3: int = 0
    #: By status: resolved, withdrawn, referred, open.
    outcomes: dict[str, int] = field(default_factory=dict)
    cafcass_referrals: int = 0
    open_now: int = 0
    responses_overdue_now: int = 0
    #: Working days from raising to closing, median, of the closed ones.
    median_days_to_close: float | None = None
    responses: int = 0
    late_responses: int = 0
    steps: int = 0
    open_flags: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.per_year.values())


def _reporting_year(day: date) -> str:
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def _save(plans: list[DisputePlan], facts: DisputeFacts) -> None:
    """Insert the disputes, then their steps and CAFCASS referrals, in bulk."""
    disputes = [_dispute_row(p, facts) for p in plans]
    Dispute.objects.bulk_create(disputes, batch_size=500)
    pairs = list(zip(disputes, plans, strict=True))
    DisputeStep.objects.bulk_create(
        [_step_row(dispute, s, facts) for dispute, plan in pairs for s in plan.steps], batch_size=500
    )
    CafcassReferral.objects.bulk_create(
        [_referral_row(dispute, plan.referral) for dispute, plan in pairs if plan.referral is not None]
    )


def _dispute_row(p: DisputePlan, facts: DisputeFacts) -> Dispute:
    return Dispute(
        child_id=p.child.pk,
        raised_by_id=p.raised_by,
        category=p.category,
        issue=p.template.issue.format(name=p.child.name),
        impact_on_child=p.template.impact.format(name=p.child.name),
        what_must_change=p.template.change.format(name=p.child.name),
        change_by_whom=p.template.by_whom,
        change_by_when=p.change_by_when,
        opened_on=p.opened_on,
        urgent_reason=p.urgent_reason,
        current_stage=facts.stages[p.steps[-1].stage],
        status=p.status,
        closed_on=p.closed_on,
        outcome_note=p.outcome_note,
    )


def _step_row(dispute: Dispute, s: StepPlan, facts: DisputeFacts) -> DisputeStep:
    return DisputeStep(
        dispute=dispute,
        stage=facts.stages[s.stage],
        raised_on=s.raised_on,
        raised_by_id=s.raised_by,
        recipient_name=s.recipient_name,
        recipient_role=facts.role(s.stage),
        response_due_on=s.response_due_on,
        responded_on=s.responded_on,
        response=s.response,
        meeting_on=s.meeting_on,
        attendees=s.attendees,
        minutes=s.minutes,
        ended_on=s.ended_on,
    )


def _referral_row(dispute: Dispute, r: ReferralPlan) -> CafcassReferral:
    return CafcassReferral(
        dispute=dispute,
        referred_on=r.referred_on,
        referred_by_id=r.referred_by,
        stages_exhausted_evidence=r.evidence[0],
        human_rights_risk_evidence=r.evidence[1],
        no_other_adult_evidence=r.evidence[2],
        outcome=r.outcome,
        outcome_on=r.outcome_on,
        outcome_note=r.outcome_note,
    )


def build_disputes(*, rng: random.Random, today: date) -> DisputeDemoResult:
    """Write the disputes of the demo authority built by ``demo.children.build``.

    Call inside the same transaction, after the children and reviews. Uses only ``rng``; reads
    children, episodes, allocations and cover in a fixed order, so the same seed gives the same
    rows. Expects the default ladder (informal, stages 1 to 6, CAFCASS) of the migrations.
    """
    facts = load_facts(today)
    if set(facts.stages) != set(range(8)):
        raise ValueError("The demo disputes need the default ladder: informal, stages 1 to 6 and CAFCASS.")
    planner = Planner(rng, facts)
    wanted = round(PER_CHILD_YEAR * planner.child_days / 365.25)
    planner.cafcass(round(facts.in_care * CAFCASS_PER_CHILD_IN_CARE))
    planner.stuck()
    planner.ordinary(max(0, wanted - len(planner.plans)))
    plans = sorted(planner.plans, key=lambda p: (p.opened_on, p.child.pk))
    _save(plans, facts)
    sweep = dispute_flags_sweep(today=today)
    return _result(plans, facts, open_flags=sweep.open)


def _result(plans: list[DisputePlan], facts: DisputeFacts, *, open_flags: dict) -> DisputeDemoResult:
    today = facts.today
    years = Counter(_reporting_year(p.opened_on) for p in plans)
    closed = [p for p in plans if p.closed_on is not None]
    written = [
        s for p in plans for s in p.steps if facts.kind(s.stage) == ResponseKind.WRITTEN and s.responded_on is not None
    ]
    days = [deadlines.working_days_between(p.opened_on, p.closed_on, non_working=facts.calendar) for p in closed]
    return DisputeDemoResult(
        per_year=dict(sorted(years.items())),
        first_day=facts.window_start,
        last_day=today,
        by_stage=dict(sorted(Counter(max(s.stage for s in p.steps) for p in plans).items())),
        started_at_stage_3=sum(p.steps[0].stage == 3 for p in plans),
        outcomes={
            status: sum(p.status == status for p in plans)
            for status in (DisputeStatus.RESOLVED, DisputeStatus.WITHDRAWN, DisputeStatus.REFERRED, DisputeStatus.OPEN)
        },
        cafcass_referrals=sum(p.referral is not None for p in plans),
        open_now=sum(p.status == DisputeStatus.OPEN for p in plans),
        responses_overdue_now=Dispute.objects.responses_overdue(on=today).count(),
        median_days_to_close=statistics.median(days) if days else None,
        responses=len(written),
        late_responses=sum(s.responded_on > s.response_due_on for s in written),
        steps=sum(len(p.steps) for p in plans),
        open_flags={
            FlagKind(kind).label: open_flags.get(kind, 0)
            for kind in (FlagKind.DISPUTE_RESPONSE_OVERDUE, FlagKind.DISPUTE_OPEN_TOO_LONG)
        },
    )
