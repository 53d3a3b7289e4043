"""The child protection work of the synthetic demo authority ("Demoshire"): four years of
initial and review conferences, the plans they made and ended, their chairs, attendees, core
groups, a few SMART actions and disputes (docs/rules.md#child-protection). What happens is
planned in ``demo.protection_plans``; this module reads the facts it needs from the built
authority and writes the rows.

This is a seeder of historical data, not user input: rows are written with ``bulk_create``
rather than through the conferences' services, so no audit events or simple-history rows are
written for them. Every row keeps the models' constraints, and the cached dates are exactly what
``conferences.schedule.plan_refresh`` and ``conference_due_refresh`` would store: they are
computed here with the same pure functions (``conferences.deadlines``) over the same calendars,
in bulk (the tests compare them with the refresh's).

Deterministic: only the given ``random.Random`` is used, and the children, episodes and users
are read in primary-key order.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.conf import settings
from django.db.models import Max

from children import search
from children.codes import AllocationWork
from children.models import CareEpisode, Child, IROAllocation, IROProfile
from children.querysets import years_before
from conferences import deadlines
from conferences.codes import (
    CATEGORY_FIELDS,
    ConferenceKind,
    ConferenceStatus,
    Outcome,
    PlanEndReason,
)
from conferences.flags import conference_flags_sweep
from conferences.models import (
    Conference,
    ConferenceAttendee,
    ConferenceChild,
    CoreGroupMember,
    PlanAction,
    ProtectionPlan,
)
from disputes.codes import DisputeCategory, DisputeStatus
from disputes.models import Dispute, DisputeStep, EscalationStage
from disputes.services.common import response_due_on
from iro_service import roles
from reviews.calendar import local_non_working_days, statutory_non_working_days
from reviews.schedule import schedule_refresh

from .iro_facts import load_absences
from .protection_plans import ConferencePlan, PlanPlan, ProtectionFacts, StepUp, chair_on, plan_protection
from .shape import HISTORY_YEARS

#: The reason on a child protection allocation.
CHAIR_REASON = "Chair of the child protection conferences"
#: Disputes about child protection plans, per child looked after, over the four years.
CP_DISPUTES_PER_CHILD_IN_CARE = 1 / 30


@dataclass
class ProtectionDemoResult:
    """What ``build_protection`` wrote, for the command's summary."""

    on_plans: int = 0
    families_open: int = 0
    children: int = 0
    initial_held: int = 0
    initial_in_time: int = 0
    reviews_held: int = 0
    reviews_in_time: int = 0
    no_plan: int = 0
    decisions: int = 0
    plans: int = 0
    second_plans: int = 0
    ended: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    requested: int = 0
    booked: int = 0
    minutes_in_time: int = 0
    minutes_due: int = 0
    disputes: int = 0
    #: Open child protection flags after the sweep, by kind.
    flags_open: dict[str, int] = field(default_factory=dict)


def load_facts(today: date, *, cp_chair) -> ProtectionFacts:
    start = years_before(today, HISTORY_YEARS + 3)
    iros = IROProfile.objects.filter(user__groups__name=roles.IRO).order_by("user_id").values_list("user_id", "fte")
    step_ups = []
    seen: set[int] = set()
    rows = (
        CareEpisode.objects.filter(child__is_uasc=False)
        .order_by("child_id", "started_on", "pk")
        .values_list("child_id", "pk", "started_on", "child__first_name", "child__last_name", "child__date_of_birth")
    )
    for child_id, episode_id, started_on, first, last, dob in rows:
        if child_id in seen:
            continue
        seen.add(child_id)
        if years_before(started_on, 17) < dob:
            step_ups.append(StepUp(child_id, episode_id, started_on, first, last, dob))
    return ProtectionFacts(
        today=today,
        in_care=Child.objects.in_care().count(),
        calendar=statutory_non_working_days(start, today + timedelta(days=120)),
        local_calendar=local_non_working_days(start, today + timedelta(days=120)),
        minutes_working_days=settings.CP_MINUTES_WORKING_DAYS,
        iro_ftes={user_id: float(fte) for user_id, fte in iros},
        cp_chair=cp_chair.pk,
        absences=load_absences(today),
        step_ups=step_ups,
    )


def build_protection(*, rng: random.Random, today: date, cp_chair, by) -> ProtectionDemoResult:
    """Write the child protection work of the demo authority built by ``demo.children.build``.
    Call inside the same transaction, after the children (and the reviews and disputes, which
    it leaves as they are)."""
    facts = load_facts(today, cp_chair=cp_chair)
    planned = plan_protection(rng, facts)
    ids = _write_children(planned.kids)
    # Every child record has its (empty) review schedule, as the looked-after demo's do.
    schedule_refresh(sorted(ids[id(k)] for k in planned.kids if k.child_id is None))
    conferences = _write_conferences(planned.conferences, facts, by=by)
    plans = _write_plans(planned.plans, conferences, ids)
    _write_places(planned.conferences, planned.plans, conferences, plans, ids)
    _booked_reviews_due(planned.conferences, conferences, plans)
    IROAllocation.objects.bulk_create(
        [
            IROAllocation(
                child_id=ids[id(s.kid)],
                iro_id=s.chair,
                started_on=s.start,
                ended_on=s.end,
                reason=CHAIR_REASON,
                allocated_by=by,
                work=AllocationWork.CHILD_PROTECTION,
            )
            for s in planned.spells
        ],
        batch_size=500,
    )
    disputes = _write_disputes(rng, planned.plans, plans, ids, facts, by=by)
    # The daily sweep brings the child protection flags up to date, as it does each morning.
    sweep = conference_flags_sweep(today=today)
    result = _result(planned, facts, disputes=disputes)
    result.flags_open = {kind: n for kind, n in sweep.open.items() if n}
    return result


def _write_children(kids) -> dict[int, int]:
    """The new children's records (the step-up children exist already): id(kid) → child id."""
    number = Child.objects.aggregate(n=Max("local_reference"))["n"] or "DEMO0000"
    number = int(number.removeprefix("DEMO"))
    rows = []
    for kid in kids:
        if kid.child_id is not None:
            continue
        number += 1
        child = Child(
            local_reference=f"DEMO{number:04d}",
            first_name=kid.first_name,
            last_name=kid.last_name,
            preferred_name=kid.preferred_name,
            date_of_birth=kid.date_of_birth,
            sex=kid.sex,
            ethnicity=kid.ethnicity,
        )
        child.search_text = search.search_text(**{name: getattr(child, name) for name in search.SEARCHED_FIELDS})
        rows.append((kid, child))
    Child.objects.bulk_create([c for _, c in rows], batch_size=500)
    ids = {id(kid): child.pk for kid, child in rows}
    ids.update({id(kid): kid.child_id for kid in kids if kid.child_id is not None})
    return ids


def _write_conferences(planned: list[ConferencePlan], facts: ProtectionFacts, *, by) -> dict[int, Conference]:
    """The conferences, with their cached dates: id(planned conference) → row."""
    rows = []
    for c in planned:
        row = Conference(
            kind=c.kind,
            status=c.status,
            family_name=c.family_name,
            requested_on=c.requested_on,
            requested_by=by if c.kind == ConferenceKind.INITIAL else None,
            strategy_discussion_on=c.strategy_on,
            section_47_started_on=c.section_47_on,
            social_worker=c.social_worker,
            social_work_team=c.social_work_team,
            chair_id=c.chair,
            booked_for=c.booked_for,
            starts_at=time.fromisoformat(c.starts_at) if c.starts_at else None,
            venue=c.venue,
            held_on=c.held_on,
            minutes_completed_on=c.minutes_completed_on,
            minutes_distributed_on=c.minutes_distributed_on,
        )
        if c.held_on is not None:
            row.minutes = (
                "The conference heard the reports of the agencies, the parents' views and the child's wishes "
                "and feelings, and made its decisions for each child (synthetic record)."
            )
            row.minutes_due_on = deadlines.minutes_due(
                c.held_on, working_days=facts.minutes_working_days, non_working=facts.local_calendar
            )
        due = c.due
        if c.kind == ConferenceKind.INITIAL and c.strategy_on is not None:
            due = deadlines.initial_due(c.strategy_on, non_working=facts.calendar)
        if due is not None:
            row.due_on, row.due_rule, row.due_reason = due.due_on, due.rule, due.reason
        rows.append(row)
    Conference.objects.bulk_create(rows, batch_size=500)
    return {id(c): row for c, row in zip(planned, rows, strict=True)}


def _write_plans(planned: list[PlanPlan], conferences: dict[int, Conference], ids: dict) -> dict[int, ProtectionPlan]:
    """The plans, with the cache ``plan_refresh`` keeps: id(planned plan) → row."""
    rows = {}
    for p in planned:
        row = ProtectionPlan(
            child_id=ids[id(p.kid)],
            initial_conference=conferences[id(p.initial)],
            started_on=p.started_on,
            sequence=p.sequence,
            ended_on=p.ended_on,
            end_reason=p.end_reason,
            ending_conference=conferences[id(p.ending)] if p.ending is not None else None,
            care_episode_id=p.care_episode_id,
            initial_category=p.initial_category,
            latest_category=p.latest_category,
            review_conferences_held=len(p.reviews_held),
            last_conference_on=p.reviews_held[-1] if p.reviews_held else p.started_on,
        )
        if p.ended_on is None:
            due = deadlines.next_review_due(started_on=p.started_on, review_conferences_held=p.reviews_held)
            row.next_review_due_on, row.next_review_rule, row.next_review_reason = due.due_on, due.rule, due.reason
        rows[id(p)] = row
    ProtectionPlan.objects.bulk_create(list(rows.values()), batch_size=500)
    return rows


def _write_places(
    planned: list[ConferencePlan],
    planned_plans: list[PlanPlan],
    conferences: dict[int, Conference],
    plans: dict[int, ProtectionPlan],
    ids: dict,
) -> None:
    """Each child's place at each conference, the attendees, core groups and actions."""
    places, attendees, core, actions = [], [], [], []
    for c in planned:
        row = conferences[id(c)]
        for place in c.places:
            chosen = set(place.categories)
            places.append(
                ConferenceChild(
                    conference=row,
                    child_id=ids[id(place.kid)],
                    plan=plans[id(place.plan)] if place.plan is not None else None,
                    outcome=place.outcome,
                    end_reason=place.end_reason,
                    child_participation=place.child_participation,
                    parents_participation=place.parents_participation,
                    **{name: category in chosen for category, name in CATEGORY_FIELDS.items()},
                )
            )
        attendees += [
            ConferenceAttendee(
                conference=row,
                name=a.name,
                agency=a.agency,
                role=a.role,
                attended=a.attended,
                sent_report=a.sent_report,
            )
            for a in c.attendees
        ]
    for p in planned_plans:
        plan = plans[id(p)]
        core += [
            CoreGroupMember(plan=plan, name=name, agency=agency, role=role, joined_on=p.started_on, left_on=p.ended_on)
            for name, agency, role in p.core_group
        ]
        actions += [
            PlanAction(
                plan=plan,
                conference=conferences[id(conference)],
                child_id=plan.child_id,
                description=description,
                owner=owner,
                due_on=due_on,
                status=status,
                completed_on=completed,
            )
            for conference, description, owner, due_on, status, completed in p.actions
        ]
    ConferenceChild.objects.bulk_create(places, batch_size=500)
    ConferenceAttendee.objects.bulk_create(attendees, batch_size=1000)
    CoreGroupMember.objects.bulk_create(core, batch_size=1000)
    PlanAction.objects.bulk_create(actions, batch_size=500)


def _booked_reviews_due(planned: list[ConferencePlan], conferences: dict[int, Conference], plans: dict) -> None:
    """A booked review conference is due when the earliest of its children's plans is
    (``conference_due_refresh``)."""
    rows = []
    for c in planned:
        if c.kind != ConferenceKind.REVIEW or c.status == ConferenceStatus.HELD:
            continue
        row = conferences[id(c)]
        due = min(
            (plans[id(p.plan)] for p in c.places if p.plan is not None and plans[id(p.plan)].next_review_due_on),
            key=lambda plan: (plan.next_review_due_on, plan.pk),
            default=None,
        )
        if due is not None:
            row.due_on, row.due_rule, row.due_reason = (
                due.next_review_due_on,
                due.next_review_rule,
                due.next_review_reason,
            )
            rows.append(row)
    Conference.objects.bulk_update(rows, ["due_on", "due_rule", "due_reason"], batch_size=500)


DISPUTES = (
    (
        DisputeCategory.ASSESSMENTS,
        "The assessment of {name}'s needs agreed at the conference has not been started.",
        "Without it the core group cannot tell whether {name} is safer.",
        "The assessment starts this week and is shared with the core group.",
        "Team manager",
    ),
    (
        DisputeCategory.DECISIONS_TIMESCALE,
        "The core group has not met since the conference for {name}'s plan.",
        "The plan for {name} is not being checked or changed.",
        "A core group meeting is held within 10 working days.",
        "Social worker",
    ),
    (
        DisputeCategory.HEALTH,
        "{name}'s health assessment set in the plan is overdue.",
        "Health needs that put {name} at risk may be missed.",
        "The health assessment is booked and its outcome shared.",
        "Team manager",
    ),
)


def _write_disputes(
    rng: random.Random, planned: list[PlanPlan], plans: dict, ids: dict, facts: ProtectionFacts, *, by
) -> int:
    """A few disputes about child protection plans (``work=CHILD_PROTECTION``), raised by the
    child's chair while the plan was open, resolved informally or at stage 1."""
    today = facts.today
    window_start = years_before(today, HISTORY_YEARS)
    stages = {s.number: s for s in EscalationStage.objects.filter(number__in=(0, 1))}
    candidates = [
        p
        for p in planned
        if p.started_on >= window_start and ((p.ended_on or today) - p.started_on).days >= 90 and p.kid.child_id is None
    ]
    chosen = rng.sample(candidates, min(len(candidates), max(2, round(facts.in_care * CP_DISPUTES_PER_CHILD_IN_CARE))))
    disputes, steps = [], []
    for p in sorted(chosen, key=lambda p: (p.started_on, ids[id(p.kid)])):
        opened = p.started_on + timedelta(days=rng.randint(20, ((p.ended_on or today) - p.started_on).days - 60))
        category, issue, impact, change, whom = rng.choice(DISPUTES)
        name = p.kid.first_name
        stage_one = rng.random() < 0.3
        closed = opened + timedelta(days=rng.randint(5, 12) + (20 if stage_one else 0))
        dispute = Dispute(
            child_id=ids[id(p.kid)],
            raised_by_id=chair_on(facts, p.chair, opened),
            category=category,
            work=AllocationWork.CHILD_PROTECTION,
            issue=issue.format(name=name),
            impact_on_child=impact.format(name=name),
            what_must_change=change,
            change_by_whom=whom,
            change_by_when=opened + timedelta(days=14),
            opened_on=opened,
            current_stage=stages[1 if stage_one else 0],
            status=DisputeStatus.RESOLVED,
            closed_on=closed,
            outcome_note="Agreed and done; the chair checked it at the core group.",
        )
        disputes.append(dispute)
        moved = opened + timedelta(days=10) if stage_one else closed
        path = [(0, opened, moved)] + ([(1, moved, closed)] if stage_one else [])
        for number, raised, ended in path:
            steps.append(
                DisputeStep(
                    dispute=dispute,
                    stage=stages[number],
                    raised_on=raised,
                    raised_by_id=dispute.raised_by_id,
                    recipient_role=stages[number].raised_with,
                    response_due_on=response_due_on(stages[number], raised),
                    responded_on=ended if number == 1 else None,
                    response="The team manager agreed and set a date." if number == 1 else "",
                    ended_on=ended,
                )
            )
    Dispute.objects.bulk_create(disputes)
    DisputeStep.objects.bulk_create(steps)
    return len(disputes)


def _result(planned, facts: ProtectionFacts, *, disputes: int) -> ProtectionDemoResult:
    today = facts.today
    year_ago = years_before(today, 1)
    held = [c for c in planned.conferences if c.status == ConferenceStatus.HELD]
    initial = [c for c in held if c.kind == ConferenceKind.INITIAL]
    reviews = [c for c in held if c.kind == ConferenceKind.REVIEW]
    open_plans = [p for p in planned.plans if p.ended_on is None]
    minutes = [
        (c, deadlines.minutes_due(c.held_on, working_days=facts.minutes_working_days, non_working=facts.local_calendar))
        for c in held
    ]
    minutes = [(c, due) for c, due in minutes if due < today]
    decisions = [p for c in initial for p in c.places]
    return ProtectionDemoResult(
        on_plans=len(open_plans),
        families_open=len({id(p.initial) for p in open_plans}),
        children=len({id(k) for k in planned.kids}),
        initial_held=len(initial),
        initial_in_time=sum(
            c.held_on <= deadlines.initial_conference_due(c.strategy_on, non_working=facts.calendar) for c in initial
        ),
        reviews_held=len(reviews),
        reviews_in_time=sum(c.held_on <= c.due.due_on for c in reviews),
        no_plan=sum(p.outcome == Outcome.NO_PLAN for p in decisions),
        decisions=len(decisions),
        plans=len(planned.plans),
        second_plans=sum(p.sequence > 1 for p in planned.plans),
        ended=dict(Counter(PlanEndReason(p.end_reason).label for p in planned.plans if p.ended_on).most_common()),
        categories=dict(Counter(p.initial_category for p in planned.plans if p.started_on > year_ago).most_common()),
        requested=sum(c.status == ConferenceStatus.REQUESTED for c in planned.conferences),
        booked=sum(c.status == ConferenceStatus.BOOKED for c in planned.conferences),
        minutes_due=len(minutes),
        minutes_in_time=sum(
            c.minutes_distributed_on is not None and c.minutes_distributed_on <= due for c, due in minutes
        ),
        disputes=disputes,
    )
