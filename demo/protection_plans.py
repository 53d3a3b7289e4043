"""Planning the demo authority's child protection work (docs/rules.md#child-protection): pure
functions of a ``random.Random`` and the facts read from the built authority (``ProtectionFacts``),
returning families with their conferences, plans and chairs; ``demo.protection`` writes them.

The shape follows Kirklees (docs/sources.md#kirklees-2016-17: about 438 children on plans to 699
looked after) and Working Together: a family of 1 to 4 children comes to an initial conference
after a strategy discussion and a section 47 enquiry, mostly within 15 working days; about 1 in
8 children there get no plan; the plans are reviewed together 3 months later, then every 6
months (a few late), and end mostly by stepping down to child in need, some when a child comes
into care (the step-up: a child of the looked-after demo, whose plan ends the day their care
begins), some when the family moves away. Some families return for a second plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from children.querysets import years_before
from conferences import deadlines
from conferences.codes import (
    MULTIPLE_CATEGORIES,
    AbuseCategory,
    Agency,
    ChildParticipation,
    ConferenceKind,
    ConferenceStatus,
    Outcome,
    ParentParticipation,
    PlanEndReason,
)
from reviews import deadlines as review_deadlines

from . import names
from .draw import birthday, dob_for_age, weighted
from .shape import ETHNICITY_WEIGHTS, HISTORY_YEARS

#: Kirklees: children on child protection plans per child looked after.
ON_PLANS_PER_CHILD_IN_CARE = 438 / 699
#: Children in a family coming to an initial conference.
FAMILY_SIZE_WEIGHTS = {1: 45, 2: 30, 3: 17, 4: 8}
#: Age of the youngest child of the family at the strategy discussion.
YOUNGEST_AGE_WEIGHTS = {0: 20, 1: 9, 2: 8, 3: 7, 4: 6, 5: 6, 6: 5, 7: 5, 8: 5, 9: 4, 10: 4, 11: 4, 12: 4, 13: 4, 14: 4}
#: The review conference at which a family's plans end (1: the first, three months on).
ENDS_AT_REVIEW_WEIGHTS = {1: 25, 2: 40, 3: 22, 4: 9, 5: 4}
#: Mean days a plan lasts under those weights (for the arrival rate).
MEAN_PLAN_DAYS = 295
WHOLE_FAMILY_NO_PLAN = 0.09
ONE_CHILD_NO_PLAN = 0.06
MOVED_AWAY = 0.04
SECOND_PLAN = 0.12
#: Looked-after children whose care began in the window and who were on a plan just before.
STEP_UP_SHARE = 0.3
INITIAL_IN_TIME = 0.8
REVIEW_IN_TIME = 0.88
MINUTES_IN_TIME = 0.85
#: The CIN census's mix of the category at the start of a plan (NEG, EMO, PHY, SAB; MUL: two).
CATEGORY_WEIGHTS = {
    AbuseCategory.NEGLECT: 48,
    AbuseCategory.EMOTIONAL: 36,
    AbuseCategory.PHYSICAL: 7,
    AbuseCategory.SEXUAL: 4,
    MULTIPLE_CATEGORIES: 5,
}
#: The chair's share: the child protection chair takes this, the IROs the rest by FTE.
CP_CHAIR_SHARE = 0.45
PARENTS_WEIGHTS = {
    ParentParticipation.ATTENDED: 72,
    ParentParticipation.VIEWS_GIVEN: 13,
    ParentParticipation.INVITED_NO_VIEWS: 15,
}
SOCIAL_WORK_TEAMS = ("Demoshire North Safeguarding Team", "Demoshire South Safeguarding Team", "Assessment Team")
VENUES = ("County Hall, Conference Room 2", "North Family Centre", "South Family Centre", "Online (video call)")


@dataclass
class Kid:
    first_name: str
    last_name: str
    preferred_name: str
    sex: str
    ethnicity: str
    date_of_birth: date
    #: An existing child of the looked-after demo (the step-up), else None: a new record.
    child_id: int | None = None
    care_episode_id: int | None = None
    plans: int = 0


@dataclass
class Attendee:
    name: str
    agency: str
    role: str
    attended: bool
    sent_report: bool


@dataclass
class Place:
    kid: Kid
    plan: PlanPlan | None = None
    outcome: str = ""
    categories: tuple[str, ...] = ()
    end_reason: str = ""
    child_participation: str = ""
    parents_participation: str = ""


@dataclass
class ConferencePlan:
    kind: str
    status: str
    family_name: str
    social_worker: str
    social_work_team: str
    strategy_on: date | None = None
    section_47_on: date | None = None
    requested_on: date | None = None
    chair: int | None = None
    booked_for: date | None = None
    starts_at: str = ""
    venue: str = ""
    held_on: date | None = None
    #: A held review conference's due date when it was held (the refresh keeps it).
    due: deadlines.Due | None = None
    minutes_completed_on: date | None = None
    minutes_distributed_on: date | None = None
    places: list[Place] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)


@dataclass
class PlanPlan:
    kid: Kid
    initial: ConferencePlan
    started_on: date
    sequence: int
    initial_category: str
    latest_category: str
    chair: int = 0
    ended_on: date | None = None
    end_reason: str = ""
    ending: ConferencePlan | None = None
    care_episode_id: int | None = None
    reviews_held: list[date] = field(default_factory=list)
    #: (name, agency, role) of the core group.
    core_group: list[tuple[str, str, str]] = field(default_factory=list)
    #: (conference, description, owner, due on, status, completed on).
    actions: list[tuple] = field(default_factory=list)


@dataclass
class ChairSpell:
    kid: Kid
    chair: int
    start: date
    end: date | None


@dataclass
class StepUp:
    """A looked-after child whose first care episode began in the window (``started_on``)."""

    child_id: int
    episode_id: int
    started_on: date
    first_name: str
    last_name: str
    date_of_birth: date


@dataclass
class ProtectionFacts:
    today: date
    in_care: int
    calendar: frozenset[date]
    local_calendar: frozenset[date]
    minutes_working_days: int
    iro_ftes: dict[int, float]
    cp_chair: int
    absences: list[tuple[int, int, date, date]]
    step_ups: list[StepUp]


@dataclass
class ProtectionPlanResult:
    kids: list[Kid] = field(default_factory=list)
    conferences: list[ConferencePlan] = field(default_factory=list)
    plans: list[PlanPlan] = field(default_factory=list)
    spells: list[ChairSpell] = field(default_factory=list)


def chair_on(facts: ProtectionFacts, chair: int, day: date) -> int:
    """The chair, or whoever covers them that day."""
    for absent, covering, start, end in facts.absences:
        if absent == chair and start <= day <= end:
            return covering
    return chair


class Planner:
    def __init__(self, rng: random.Random, facts: ProtectionFacts):
        self.rng, self.facts, self.today = rng, facts, facts.today
        self.out = ProtectionPlanResult()

    # ---------------------------------------------------------------- days

    def working(self, day: date) -> bool:
        return review_deadlines.is_working_day(day, non_working=self.facts.calendar)

    def forward(self, day: date) -> date:
        while not self.working(day):
            day += timedelta(days=1)
        return day

    def back(self, day: date) -> date:
        while not self.working(day):
            day -= timedelta(days=1)
        return day

    def add_wd(self, day: date, n: int) -> date:
        if n >= 0:
            return review_deadlines.add_working_days(day, n, non_working=self.facts.calendar)
        for _ in range(-n):
            day = self.back(day - timedelta(days=1))
        return day

    def chair_on(self, chair: int, day: date) -> int:
        return chair_on(self.facts, chair, day)

    def pick_chair(self) -> int:
        if self.rng.random() < CP_CHAIR_SHARE:
            return self.facts.cp_chair
        return weighted(self.rng, self.facts.iro_ftes)

    # ---------------------------------------------------------------- people

    def person(self) -> str:
        boy = self.rng.random() < 0.3
        return f"{self.rng.choice(names.BOYS if boy else names.GIRLS)} {self.rng.choice(names.SURNAMES)}"

    def family(self, strategy_on: date) -> list[Kid]:
        rng = self.rng
        size = weighted(rng, FAMILY_SIZE_WEIGHTS)
        ages = [weighted(rng, YOUNGEST_AGE_WEIGHTS)]
        for _ in range(size - 1):
            ages.append(min(16, ages[-1] + rng.randint(1, 4)))
        surname = rng.choice(names.SURNAMES)
        ethnicity = weighted(rng, ETHNICITY_WEIGHTS)
        kids = []
        for age in sorted(set(ages), reverse=True):
            sex = rng.choice("MF")
            first, preferred = names.first_name_for(rng, sex=sex, ethnicity=ethnicity, uasc=False)
            last = surname if rng.random() < 0.85 else rng.choice(names.SURNAMES)
            dob = dob_for_age(rng, strategy_on - timedelta(days=14), age, min_days=14)
            kids.append(Kid(first, last, preferred, sex, ethnicity, dob))
        self.out.kids.extend(kids)
        return kids

    # ---------------------------------------------------------------- the whole service

    def plan(self) -> ProtectionPlanResult:
        today, rng = self.today, self.rng
        window_start = years_before(today, HISTORY_YEARS)
        target = self.facts.in_care * ON_PLANS_PER_CHILD_IN_CARE
        planned_per_family = sum(k * w for k, w in FAMILY_SIZE_WEIGHTS.items()) / sum(FAMILY_SIZE_WEIGHTS.values())
        rate = target / (planned_per_family * (1 - WHOLE_FAMILY_NO_PLAN - ONE_CHILD_NO_PLAN / 2) * MEAN_PLAN_DAYS)
        self.step_ups(window_start)
        first, days = window_start - timedelta(days=365), 0.0
        while True:
            days += rng.uniform(0.5, 1.5) / rate  # evenly, with jitter: the figure today varies less
            strategy_on = self.forward(first + timedelta(days=int(days)))
            if strategy_on >= today:
                break
            kids = self.family(strategy_on)
            self.episode(kids, strategy_on, sequence=1)
        self.await_chairs()
        return self.out

    def step_ups(self, window_start: date) -> None:
        rng = self.rng
        for s in self.facts.step_ups:
            if s.started_on < window_start + timedelta(days=120) or rng.random() >= STEP_UP_SHARE:
                continue
            strategy_on = self.forward(s.started_on - timedelta(days=rng.randint(60, 440)))
            if strategy_on - timedelta(days=14) <= s.date_of_birth:
                continue
            kid = Kid(s.first_name, s.last_name, "", "", "", s.date_of_birth, s.child_id, s.episode_id)
            self.out.kids.append(kid)
            self.episode([kid], strategy_on, sequence=1, into_care_on=s.started_on)

    def await_chairs(self) -> None:
        """The latest requests are still awaiting a chair: no chair, no date, no allocation."""
        wanted = max(2, round(self.facts.in_care / 100))
        pending = [c for c in self.out.conferences if c.status == ConferenceStatus.BOOKED and c.strategy_on]
        pending.sort(key=lambda c: c.requested_on or date.min, reverse=True)
        for conference in pending[:wanted]:
            conference.status, conference.chair, conference.booked_for = ConferenceStatus.REQUESTED, None, None
            conference.starts_at = conference.venue = ""
            kids = {id(p.kid) for p in conference.places}
            self.out.spells = [s for s in self.out.spells if not (id(s.kid) in kids and s.end is None)]

    # ---------------------------------------------------------------- one family's episode

    def episode(self, kids: list[Kid], strategy_on: date, *, sequence: int, into_care_on: date | None = None) -> None:
        """From the strategy discussion to the end of the family's plans (or today)."""
        rng, today = self.rng, self.today
        section_47 = strategy_on if rng.random() < 0.7 else self.add_wd(strategy_on, 1)
        requested_on = min(self.add_wd(section_47, rng.randint(0, 2)), today)
        allocated_on = min(self.add_wd(requested_on, rng.randint(0, 1)), today)
        chair = self.pick_chair()
        surnames = list(dict.fromkeys(k.last_name for k in kids))
        base: dict[str, Any] = {
            "family_name": " and ".join(surnames[:2]),
            "social_worker": self.person(),
            "social_work_team": rng.choice(SOCIAL_WORK_TEAMS),
        }
        due = deadlines.initial_conference_due(strategy_on, non_working=self.facts.calendar)
        if rng.random() < INITIAL_IN_TIME:
            held = max(self.add_wd(due, -rng.randint(0, 4)), self.add_wd(strategy_on, 5))
        else:
            held = self.add_wd(due, rng.randint(1, 12))
        icpc = ConferencePlan(
            ConferenceKind.INITIAL,
            ConferenceStatus.HELD,
            strategy_on=strategy_on,
            section_47_on=section_47,
            requested_on=requested_on,
            **base,
        )
        self.out.conferences.append(icpc)
        spells = {id(k): ChairSpell(k, chair, allocated_on, None) for k in kids}
        self.out.spells.extend(spells.values())
        if held >= today:
            self.book(icpc, chair, held, kids=kids)
            return
        self.hold(icpc, chair, held)
        no_family_plan = into_care_on is None and rng.random() < WHOLE_FAMILY_NO_PLAN
        lone = rng.randrange(len(kids)) if len(kids) > 1 and rng.random() < ONE_CHILD_NO_PLAN * len(kids) else None
        category = weighted(rng, CATEGORY_WEIGHTS)
        plans: list[PlanPlan] = []
        for i, kid in enumerate(kids):
            place = self.place(icpc, kid)
            if no_family_plan or i == lone:
                place.outcome = Outcome.NO_PLAN
                spells[id(kid)].end = held
                continue
            own = category if rng.random() < 0.9 else weighted(rng, CATEGORY_WEIGHTS)
            kid.plans += 1
            plan = PlanPlan(kid, icpc, held, sequence, own, own, chair, care_episode_id=kid.care_episode_id)
            place.outcome, place.plan, place.categories = Outcome.PLAN, plan, self.categories(own)
            plan.core_group = self.core_group(icpc, kid)
            if rng.random() < 0.3:
                self.actions(icpc, plan)
            plans.append(plan)
        self.out.plans.extend(plans)
        if plans:
            self.reviews(plans, chair, base, spells, into_care_on=into_care_on)

    def reviews(self, plans: list[PlanPlan], chair: int, base: dict, spells: dict, *, into_care_on) -> None:
        rng, today = self.rng, self.today
        ends_at = 99 if into_care_on else weighted(rng, ENDS_AT_REVIEW_WEIGHTS)
        moves_on = None
        if into_care_on is None and rng.random() < MOVED_AWAY:
            moves_on = plans[0].started_on + timedelta(days=rng.randint(30, 400))
        number = 0
        last_held = plans[0].started_on
        while True:
            open_plans = [p for p in plans if p.ended_on is None]
            if not open_plans:
                break
            number += 1
            due = deadlines.next_review_due(
                started_on=open_plans[0].started_on, review_conferences_held=open_plans[0].reviews_held
            )
            if rng.random() < REVIEW_IN_TIME:
                held = self.back(due.due_on - timedelta(days=rng.randint(0, 10)))
            else:
                held = self.forward(due.due_on + timedelta(days=rng.randint(1, 25)))
            held = max(held, self.add_wd(last_held, 10))
            event = min(
                (
                    (d, r)
                    for d, r in ((into_care_on, PlanEndReason.INTO_CARE), (moves_on, PlanEndReason.MOVED_AWAY))
                    if d
                ),
                default=None,
            )
            for p in open_plans:
                eighteen = birthday(p.kid.date_of_birth, 18)
                if eighteen <= min(held, today) and (event is None or eighteen < event[0]):
                    self.end(p, eighteen, PlanEndReason.ADULT, spells)
            open_plans = [p for p in open_plans if p.ended_on is None]
            if event is not None and event[0] <= min(held, today):
                for p in open_plans:
                    self.end(p, event[0], event[1], spells)
                break
            if not open_plans:
                break
            if held >= today:
                if held <= today + timedelta(days=60):
                    booked = ConferencePlan(ConferenceKind.REVIEW, ConferenceStatus.BOOKED, **base)
                    self.out.conferences.append(booked)
                    self.book(booked, chair, held, kids=[p.kid for p in open_plans], plans=open_plans)
                break
            rcpc = ConferencePlan(ConferenceKind.REVIEW, ConferenceStatus.HELD, due=due, **base)
            self.out.conferences.append(rcpc)
            self.hold(rcpc, chair, held)
            last_held = held
            early = rng.randrange(len(open_plans)) if len(open_plans) > 1 and rng.random() < 0.08 else None
            for i, p in enumerate(open_plans):
                place = self.place(rcpc, p.kid)
                place.plan = p
                p.reviews_held.append(held)
                if number >= ends_at or i == early:
                    place.outcome = Outcome.ENDS
                    reason = PlanEndReason.STEP_DOWN if rng.random() < 0.85 else PlanEndReason.NO_FURTHER_ACTION
                    place.end_reason = reason
                    self.end(p, held, reason, spells, ending=rcpc)
                else:
                    place.outcome = Outcome.CONTINUES
                    if rng.random() < 0.07:
                        p.latest_category = weighted(rng, CATEGORY_WEIGHTS)
                    place.categories = self.categories(p.latest_category)
                    if rng.random() < 0.3:
                        self.actions(rcpc, p)
        self.second_plan(plans)

    def second_plan(self, plans: list[PlanPlan]) -> None:
        ended = [p for p in plans if p.end_reason in (PlanEndReason.STEP_DOWN, PlanEndReason.NO_FURTHER_ACTION)]
        if not ended or len(ended) < len(plans) or self.rng.random() >= SECOND_PLAN:
            return
        strategy_on = self.forward(
            max(p.ended_on or p.started_on for p in ended) + timedelta(days=self.rng.randint(120, 700))
        )
        kids = [p.kid for p in ended if birthday(p.kid.date_of_birth, 17) > strategy_on]
        if kids and strategy_on < self.today:
            self.episode(kids, strategy_on, sequence=max(k.plans for k in kids) + 1)

    def end(self, plan: PlanPlan, day: date, reason: str, spells: dict, *, ending=None) -> None:
        plan.ended_on, plan.end_reason, plan.ending = day, reason, ending
        if reason != PlanEndReason.INTO_CARE:
            plan.care_episode_id = None
        spells[id(plan.kid)].end = day

    # ---------------------------------------------------------------- one conference

    def book(self, conference: ConferencePlan, chair: int, on: date, *, kids, plans=()) -> None:
        conference.status, conference.chair = ConferenceStatus.BOOKED, chair
        conference.booked_for = self.forward(max(on, self.today + timedelta(days=1)))
        conference.starts_at, conference.venue = (
            self.rng.choice(("09:30", "10:00", "13:30", "14:00")),
            self.rng.choice(VENUES),
        )
        by_kid = {id(p.kid): p for p in plans}
        conference.places = [Place(k, plan=by_kid.get(id(k))) for k in kids]

    def hold(self, conference: ConferencePlan, chair: int, held: date) -> None:
        rng, today = self.rng, self.today
        conference.chair, conference.booked_for, conference.held_on = self.chair_on(chair, held), held, held
        conference.starts_at, conference.venue = rng.choice(("09:30", "10:00", "13:30", "14:00")), rng.choice(VENUES)
        due = deadlines.minutes_due(
            held, working_days=self.facts.minutes_working_days, non_working=self.facts.local_calendar
        )
        if rng.random() < MINUTES_IN_TIME:
            sent = held + timedelta(days=rng.randint(2, max(2, (due - held).days)))
        else:
            sent = due + timedelta(days=rng.randint(1, 20))
        if sent <= today and (due < today or rng.random() < 0.6):
            conference.minutes_distributed_on = sent
            conference.minutes_completed_on = max(held, sent - timedelta(days=rng.randint(0, 2)))
        self.attendees(conference)

    def place(self, conference: ConferencePlan, kid: Kid) -> Place:
        rng = self.rng
        age = ((conference.held_on or self.today) - kid.date_of_birth).days // 365
        if age < 4:
            child = ChildParticipation.TOO_YOUNG
        elif age < 12:
            child = weighted(
                rng,
                {
                    ChildParticipation.VIEWS_CONVEYED: 60,
                    ChildParticipation.ADVOCATE: 15,
                    ChildParticipation.NOT_CONVEYED: 25,
                },
            )
        else:
            child = weighted(
                rng,
                {
                    ChildParticipation.ATTENDED: 35,
                    ChildParticipation.ADVOCATE: 20,
                    ChildParticipation.VIEWS_CONVEYED: 35,
                    ChildParticipation.NOT_CONVEYED: 10,
                },
            )
        place = Place(kid, child_participation=child, parents_participation=weighted(rng, PARENTS_WEIGHTS))
        conference.places.append(place)
        if child == ChildParticipation.ATTENDED:
            conference.attendees.append(Attendee(f"{kid.first_name} {kid.last_name}", Agency.CHILD, "", True, False))
        return place

    def categories(self, code: str) -> tuple[str, ...]:
        if code != MULTIPLE_CATEGORIES:
            return (code,)
        return tuple(
            sorted(self.rng.sample([AbuseCategory.NEGLECT, AbuseCategory.EMOTIONAL, AbuseCategory.PHYSICAL], 2))
        )

    def attendees(self, conference: ConferencePlan) -> None:
        rng = self.rng
        initial = conference.kind == ConferenceKind.INITIAL

        def invite(agency: str, role: str, attends: float, reports: float, name: str | None = None) -> None:
            came = rng.random() < attends
            conference.attendees.append(
                Attendee(name or self.person(), agency, role, came, not came and rng.random() < reports)
            )

        invite(Agency.SOCIAL_CARE, "Social worker", 1, 1, name=conference.social_worker)
        if initial:
            invite(Agency.SOCIAL_CARE, "Team manager", 0.5, 0)
        for role in ("Mother", "Father")[: rng.choice((1, 2, 2))]:
            invite(Agency.PARENT, role, 0.75, 0)
        if initial or rng.random() < 0.4:
            invite(Agency.POLICE, "Police child abuse investigation officer", 0.6, 0.9)
        invite(Agency.HEALTH, rng.choice(("Health visitor", "School nurse")), 0.75, 0.9)
        invite(Agency.HEALTH, "GP", 0.1, 0.6)
        invite(Agency.SCHOOL, "Designated safeguarding lead", 0.7, 0.8)
        for agency, role in ((Agency.PROBATION, "Probation officer"), (Agency.HOUSING, "Housing officer")):
            if rng.random() < 0.08:
                invite(agency, role, 0.7, 0.5)

    def core_group(self, conference: ConferencePlan, kid: Kid) -> list[tuple[str, str, str]]:
        members: list[tuple[str, str, str]] = [(conference.social_worker, Agency.SOCIAL_CARE, "Social worker")]
        members += [
            (a.name, a.agency, a.role)
            for a in conference.attendees
            if a.agency in (Agency.PARENT, Agency.HEALTH, Agency.SCHOOL) and a.role != "GP"
        ]
        return members

    def actions(self, conference: ConferencePlan, plan: PlanPlan) -> None:
        rng, today = self.rng, self.today
        held = conference.held_on or today
        name = plan.kid.first_name
        templates = (
            (f"{name} attends every health appointment, recorded by the health visitor", "Health visitor"),
            (f"A home conditions assessment shows {name}'s home is safe and warm", "Social worker"),
            (f"{name}'s parents complete the parenting programme and the course leader reports", "Social worker"),
            (f"{name} attends school at least 95% of the time this term", "Designated safeguarding lead"),
            (f"{name} sees the social worker alone every two weeks and their views are recorded", "Social worker"),
        )
        for description, owner in rng.sample(templates, rng.choice((1, 1, 2))):
            due_on = held + timedelta(days=rng.randint(28, 84))
            status, completed = "open", None
            if due_on < today:
                status = weighted(rng, {"done": 75, "not_done": 15, "open": 10})
                if status == "done":
                    completed = max(held, min(today, due_on - timedelta(days=rng.randint(0, 14))))
            plan.actions.append((conference, description, owner, due_on, status, completed))


def plan_protection(rng: random.Random, facts: ProtectionFacts) -> ProtectionPlanResult:
    """Every family's child protection work, from the facts of the built authority."""
    return Planner(rng, facts).plan()
