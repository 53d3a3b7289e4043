"""Which disputes the demo authority has: how many, about which child and when, starting where
and going how far up the ladder (docs/rules.md#disputes), each checked with ``disputes.ladder``."""

from __future__ import annotations

import random
from datetime import date, timedelta

from children.ages import age_on
from disputes import ladder
from disputes.codes import DisputeCategory

from .dispute_facts import (
    CHANGE_BY_DAYS,
    DIRECT_ESCALATED_SHARE,
    DIRECT_SHARE,
    FINAL_STAGE_WEIGHTS,
    GAP_DAYS,
    INFORMAL_FIRST_SHARE,
    NOT_BEFORE_DAYS,
    ONE_DAY,
    WITHDRAWN_SHARE,
    DisputeFacts,
    DisputePlan,
    PeriodFacts,
)
from .dispute_steps import Steps
from .dispute_text import CATEGORY_WEIGHTS, SERVICE_MANAGERS, SOCIAL_WORKERS, TEAM_MANAGERS, TEMPLATES, Template
from .draw import weighted


class Planner(Steps):
    """Plans the disputes in a fixed order: the CAFCASS referral, the disputes stuck today,
    then the ordinary ones; each about a child in care with no other dispute then."""

    def __init__(self, rng: random.Random, facts: DisputeFacts):
        self.rng = rng
        self.facts = facts
        self.today = facts.today
        self.plans: list[DisputePlan] = []
        self.busy: dict[int, list[tuple[date, date]]] = {}
        # Days a dispute can be opened, weighted by the children in care: one interval a period.
        self.intervals: list[tuple[PeriodFacts, date, int]] = []
        for period in facts.periods:
            first = max(facts.window_start, period.start + timedelta(days=NOT_BEFORE_DAYS))
            last = self.today if period.end is None else min(self.today, period.end - ONE_DAY)
            if first <= last:
                self.intervals.append((period, first, (last - first).days + 1))
        self.child_days = sum(n for _p, _f, n in self.intervals)

    # -- drawing a child and a day

    def _draw(self, *, within: tuple[date, date] | None = None) -> tuple[PeriodFacts, date] | None:
        """A (period, working day) drawn in proportion to the days children were in care; None
        when nobody is in care then, or the day drawn is a weekend or holiday just before the
        child's first possible day (the caller draws again)."""
        rng, facts = self.rng, self.facts
        pool = self.intervals
        if within is not None:
            lo, hi = within
            pool = []
            for period, first, n in self.intervals:
                start, end = max(first, lo), min(first + timedelta(days=n - 1), hi)
                if start <= end:
                    pool.append((period, start, (end - start).days + 1))
        total = sum(n for _p, _f, n in pool)
        if not total:
            return None
        offset = rng.randrange(total)
        for period, first, n in pool:
            if offset < n:
                day = facts.back_to_working_day(first + timedelta(days=offset))
                return (period, day) if day >= first else None
            offset -= n
        return None

    def _free(self, period: PeriodFacts, first: date, last: date) -> bool:
        gap = timedelta(days=GAP_DAYS)
        return all(last + gap < start or end + gap < first for start, end in self.busy.get(period.child.pk, ()))

    def _opener(self, period: PeriodFacts, day: date) -> int | None:
        """The child's IRO on ``day``, if they are at work (an IRO on leave raises nothing)."""
        iro = self.facts.iro_on(period.child.pk, day)
        return iro if iro is not None and self.facts.covering(iro, day) is None else None

    def _fits(self, plan: DisputePlan) -> bool:
        """In care throughout, an IRO acting at each step, no other dispute about the child then."""
        facts, last = self.facts, plan.last_day(self.today)
        if not (plan.period.holds(plan.opened_on) and plan.period.holds(last)):
            return False
        if any(facts.acting_iro(plan.child.pk, s.raised_on) is None for s in plan.steps):
            return False
        return self._free(plan.period, plan.opened_on, last)

    def _keep(self, plan: DisputePlan) -> None:
        self._check_ladder(plan)
        self.plans.append(plan)
        self.busy.setdefault(plan.child.pk, []).append((plan.opened_on, plan.last_day(self.today)))

    def _check_ladder(self, plan: DisputePlan) -> None:
        """Each plan moves as the services would let it: a permitted start, one stage at a time."""
        numbers = [s.stage for s in plan.steps]
        ladder.check_start(self.facts.rungs, numbers[0], urgent_reason=plan.urgent_reason)
        for current, target in zip(numbers, numbers[1:], strict=False):
            ladder.check_escalation(self.facts.rungs, current, target)

    # -- the dispute and its text

    def _category(self, age: int, allowed, *, urgent: bool) -> tuple[str, Template] | None:
        """A theme by weight, then one of its templates that fits the child's age (and has an
        urgent reason when the dispute starts at stage 3)."""

        def fits(t: Template) -> bool:
            return t.youngest <= age <= t.oldest and (bool(t.urgent) or not urgent)

        weights = {c: w for c, w in CATEGORY_WEIGHTS.items() if c in allowed and any(map(fits, TEMPLATES[c]))}
        if not weights:
            return None
        category = weighted(self.rng, weights)
        return category, self.rng.choice([t for t in TEMPLATES[category] if fits(t)])

    def _new(
        self, period: PeriodFacts, day: date, iro: int, *, allowed=CATEGORY_WEIGHTS, urgent: bool = False
    ) -> DisputePlan | None:
        chosen = self._category(age_on(period.child.dob, day), allowed, urgent=urgent)
        if chosen is None:
            return None
        category, template = chosen
        plan = DisputePlan(
            period=period,
            raised_by=iro,
            category=category,
            template=template,
            opened_on=day,
            change_by_when=self.facts.add(day, self.rng.randint(*CHANGE_BY_DAYS)),
            urgent_reason=template.urgent.format(name=period.child.name) if urgent else "",
        )
        plan.social_worker = self.rng.choice(SOCIAL_WORKERS)
        plan.team_manager = self.rng.choice(TEAM_MANAGERS)
        plan.service_manager = self.rng.choice(SERVICE_MANAGERS)
        return plan

    # -- the three kinds of dispute

    def cafcass(self, count: int) -> None:
        """The last resort, in the middle of the history so that it is long finished: every
        stage from the social worker to the chief executive, then the referral."""
        window = (self.today - timedelta(days=900), self.today - timedelta(days=450))
        for _ in range(count):
            for _attempt in range(200):
                drawn = self._draw(within=window)
                if drawn is None:
                    continue
                period, day = drawn
                iro = self._opener(period, day)
                if iro is None or not 3 <= age_on(period.child.dob, day) <= 12:
                    continue
                plan = self._new(period, day, iro, allowed={DisputeCategory.PERMANENCE})
                if plan is None:
                    continue
                self._run(plan, [1, 2, 3, 4, 5, 6], refer=True)
                if self._fits(plan):
                    self._keep(plan)
                    break

    def stuck(self) -> None:
        """Three disputes open today: one at stage 3 waiting for a response past its due date
        and open for more than 20 working days (informal, stages 1 and 2 tried first), one at
        stage 1 waiting past its due date, and one just raised informally."""
        rng, facts, today = self.rng, self.facts, self.today
        for path, back, gaps in (([0, 1, 2, 3], (7, 9), (5, 8)), ([1], (7, 9), (0, 0)), ([0], (0, 2), (0, 0))):
            current = facts.back(today, rng.randint(*back))
            raised = [current]
            for _stage in path[:-1]:
                raised.insert(0, facts.back(raised[0], rng.randint(*gaps)))
            for _attempt in range(200):
                drawn = self._draw(within=(raised[0], raised[0]))
                if drawn is None:
                    continue
                period, day = drawn
                iro = self._opener(period, day)
                if iro is None or period.end is not None:
                    continue
                plan = self._new(period, day, iro)
                if plan is None:
                    continue
                for index, (stage, on) in enumerate(zip(path, raised, strict=True)):
                    step = self._step(plan, stage, on)
                    plan.steps.append(step)
                    if index < len(path) - 1:
                        self._answer(plan, step, settles=False)
                        nxt = raised[index + 1]
                        # Answered on time, before the next stage was raised.
                        if step.responded_on >= nxt:
                            step.responded_on = facts.back(nxt, 1)
                        step.ended_on = nxt
                if self._fits(plan):
                    self._keep(plan)
                    break

    def ordinary(self, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            for _attempt in range(50):
                drawn = self._draw()
                if drawn is None:
                    continue
                period, day = drawn
                iro = self._opener(period, day)
                if iro is None:
                    continue
                direct = rng.random() < DIRECT_SHARE
                plan = self._new(period, day, iro, urgent=direct)
                if plan is None:
                    continue
                if direct:
                    path = [3, 4] if rng.random() < DIRECT_ESCALATED_SHARE else [3]
                else:
                    final = weighted(rng, FINAL_STAGE_WEIGHTS)
                    start = 0 if final == 0 or rng.random() < INFORMAL_FIRST_SHARE else 1
                    path = list(range(start, final + 1))
                self._run(plan, path, withdrawn=rng.random() < WITHDRAWN_SHARE)
                self._cut_at_today(plan)
                if self._fits(plan):
                    self._keep(plan)
                    break
