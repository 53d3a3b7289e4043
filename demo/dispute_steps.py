"""The steps of a planned dispute on the escalation ladder (docs/rules.md#disputes)."""

from __future__ import annotations

import random
from datetime import date

from children.ages import age_on
from disputes.codes import CafcassOutcome, DisputeStatus, ResponseKind
from reviews import deadlines

from .dispute_facts import (
    CLOSE_DAYS,
    ESCALATE_DAYS,
    INFORMAL_DAYS,
    LATE_DAYS,
    LATE_SHARE,
    MEETING_DAYS,
    DisputeFacts,
    DisputePlan,
    ReferralPlan,
    StepPlan,
)
from .dispute_text import (
    AGREED,
    CAFCASS_EVIDENCE,
    CAFCASS_OUTCOME_NOTE,
    MANAGER_NAME,
    MINUTE_TAKER,
    MINUTES_AGREED,
    MINUTES_NOT_AGREED,
    NOT_AGREED,
    RESOLVED_NOTES,
    SENIORS,
    WITHDRAWN_REASONS,
)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class Steps:
    """The timeline of one planned dispute, for the ``Planner``: who each stage is raised with,
    their answer (a written response, a meeting, or an informal discussion), the escalations,
    and how it ended (resolved, withdrawn or referred to CAFCASS), cut at today."""

    rng: random.Random
    facts: DisputeFacts
    today: date

    def _recipient(self, plan: DisputePlan, stage: int) -> str:
        if stage in (0, 1):
            return plan.social_worker
        if stage == 2:
            return plan.team_manager
        if stage == 3:
            return plan.service_manager
        return SENIORS.get(stage, "")

    def _words(self, plan: DisputePlan, stage: int) -> dict[str, str]:
        return {
            "name": plan.child.name,
            "whom": self._whom(stage),
            "change": lower_first(plan.template.change.format(name=plan.child.name)).rstrip("."),
            "by": f"{plan.change_by_when:%-d %B %Y}",
            "next": self._next_words(stage),
        }

    def _whom(self, stage: int) -> str:
        """The role in running text: the informal discussion is with the child's social worker."""
        return "social worker" if stage == 0 else self.facts.role(stage).lower()

    def _next_words(self, stage: int) -> str:
        """'the team manager'; 'CAFCASS' for the referral."""
        after = self.facts.stages.get(stage + 1)
        if after is None:
            return ""
        return "CAFCASS" if after.is_cafcass else f"the {after.raised_with[:1].lower()}{after.raised_with[1:]}"

    def _attendees(self, plan: DisputePlan, stage: int, day: date) -> str:
        iro = self.facts.acting_iro(plan.child.pk, day)
        people = [
            f"{SENIORS[stage]}, {self.facts.role(stage)} (chair)",
            *(f"{SENIORS[s]}, {self.facts.role(s)}" for s in range(4, stage)),
            f"{plan.service_manager}, Service manager",
            f"{plan.team_manager}, Team manager",
            f"{plan.social_worker}, Social worker",
            f"{self.facts.iro_names.get(iro, 'The IRO')}, IRO",
            f"{MANAGER_NAME}, IRO manager",
            MINUTE_TAKER,
        ]
        return "\n".join(people)

    # -- the timeline

    def _step(self, plan: DisputePlan, stage: int, day: date) -> StepPlan:
        return StepPlan(
            stage=stage,
            raised_on=day,
            raised_by=self.facts.acting_iro(plan.child.pk, day) or plan.raised_by,
            recipient_name=self._recipient(plan, stage),
            response_due_on=self.facts.due(stage, day),
        )

    def _answer(self, plan: DisputePlan, step: StepPlan, *, settles: bool) -> date:
        """Fill in the response or the meeting; returns the day the answer came."""
        rng, facts = self.rng, self.facts
        words = self._words(plan, step.stage)
        kind = facts.kind(step.stage)
        if kind == ResponseKind.MEETING:
            step.meeting_on = facts.add(step.raised_on, rng.randint(*MEETING_DAYS))
            step.response_due_on = step.meeting_on
            step.attendees = self._attendees(plan, step.stage, step.meeting_on)
            step.minutes = rng.choice(MINUTES_AGREED if settles else MINUTES_NOT_AGREED).format(**words)
            step.responded_on = step.meeting_on
            return step.meeting_on
        if kind == ResponseKind.WRITTEN:
            if rng.random() < LATE_SHARE:
                step.responded_on = facts.add(step.response_due_on, rng.randint(*LATE_DAYS))
            else:
                allowed = facts.stages[step.stage].response_working_days
                step.responded_on = facts.add(step.raised_on, rng.randint(1, allowed))
        else:
            step.responded_on = facts.add(step.raised_on, rng.randint(*INFORMAL_DAYS))
        step.response = rng.choice((AGREED if settles else NOT_AGREED)[kind]).format(**words)
        if not step.response.endswith("."):
            step.response += "."
        return step.responded_on

    def _run(self, plan: DisputePlan, path: list[int], *, withdrawn: bool = False, refer: bool = False) -> None:
        """Raise the first stage on the opening day and walk up ``path``: answered, escalated a
        few working days after each answer, then resolved, withdrawn or referred at the end."""
        rng, facts = self.rng, self.facts
        day = plan.opened_on
        for index, stage in enumerate(path):
            step = self._step(plan, stage, day)
            plan.steps.append(step)
            last = index == len(path) - 1
            if last and withdrawn and facts.kind(stage) != ResponseKind.MEETING and rng.random() < 0.5:
                closed = facts.add(day, rng.randint(1, 4))  # withdrawn before any answer
            else:
                answered = self._answer(plan, step, settles=last and not refer)
                if not last:
                    day = facts.add(answered, rng.randint(*ESCALATE_DAYS))
                    step.ended_on = day
                    continue
                closed = facts.add(answered, rng.randint(*CLOSE_DAYS) if not withdrawn else rng.randint(0, 3))
            step.ended_on = closed
            plan.closed_on = closed
        words = {"name": plan.child.name, "whom": self._whom(path[-1])}
        if refer:
            self._refer(plan)
        elif withdrawn:
            plan.status = DisputeStatus.WITHDRAWN
            plan.outcome_note = rng.choice(WITHDRAWN_REASONS).format(**words)
        else:
            plan.status = DisputeStatus.RESOLVED
            change = plan.template.change.format(name=plan.child.name).rstrip(".")
            plan.outcome_note = rng.choice(RESOLVED_NOTES).format(change=change, **words)

    def _refer(self, plan: DisputePlan) -> None:
        """After the chief executive's meeting, the referral to CAFCASS with its evidence."""
        rng, facts = self.rng, self.facts
        last = plan.steps[-1]
        referred = facts.add(last.responded_on, rng.randint(5, 10))
        last.ended_on = referred
        by = facts.acting_iro(plan.child.pk, referred) or plan.raised_by
        plan.steps.append(StepPlan(stage=7, raised_on=referred, raised_by=by, recipient_name="", ended_on=referred))
        dates = {f"s{s.stage}": f"{s.raised_on:%-d %B %Y}" for s in plan.steps if s.stage <= 3}
        dates |= {f"m{s.stage}": f"{s.meeting_on:%-d %B %Y}" for s in plan.steps if s.meeting_on}
        days = deadlines.working_days_between(plan.opened_on, referred, non_working=facts.calendar)
        age = age_on(plan.child.dob, referred)
        evidence = tuple(text.format(name=plan.child.name, age=age, days=days, **dates) for text in CAFCASS_EVIDENCE)
        referral = ReferralPlan(referred_on=referred, referred_by=by, evidence=evidence)
        outcome_on = facts.add(referred, rng.randint(20, 35))
        if outcome_on <= self.today:
            referral.outcome, referral.outcome_on = CafcassOutcome.RESOLVED_BY_LA, outcome_on
            referral.outcome_note = CAFCASS_OUTCOME_NOTE
        plan.referral = referral
        plan.status, plan.closed_on = DisputeStatus.REFERRED, referred
        plan.outcome_note = f"Referred to CAFCASS on {referred:%-d %B %Y} after the chief executive's meeting."

    def _cut_at_today(self, plan: DisputePlan) -> None:
        """What the record shows today: steps not yet raised dropped, answers not yet given
        blank, and a dispute not yet closed open at its current step (a meeting booked for a
        later day keeps its date, which is its due date)."""
        today = self.today
        if plan.closed_on is not None and plan.closed_on <= today:
            return
        plan.steps = [s for s in plan.steps if s.raised_on <= today]
        plan.status, plan.closed_on, plan.outcome_note, plan.referral = DisputeStatus.OPEN, None, "", None
        current = plan.steps[-1]
        current.ended_on = None
        if current.responded_on is not None and current.responded_on > today:
            current.responded_on, current.response, current.minutes = None, "", ""
            if current.meeting_on is not None and current.raised_on == today:
                current.meeting_on = current.response_due_on = None  # not booked yet
                current.attendees = ""
