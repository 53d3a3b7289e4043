"""The review history of the synthetic demo authority ("Demoshire", built by children/demo.py).

For every period of care of every demo child, the reviews reg 33 requires from the period's
start up to ``today`` (docs/rules.md#review-timescales): the first within 20 working days, the second
within 3 months of it, then every 6 months, each held a few days before its due date as the
seed-004 authority does (booked at five months), a small share late and a few additional ones;
the record of each (section 3, distributed within 20 working days), its SMART actions, the
IRO's visits, midway reviews and case notes; the participation of the child (section 4, the
seed-004 mix); booked reviews for the coming weeks, a few moved or cancelled with a reason and
the IRO's consent; a handful of recent significant changes (section 6).

This is a seeder of historical data, not user input: rows are written with ``bulk_create``
rather than through ``reviews.services`` (whose permission checks, audit events and per-child
flag sweeps would make it minutes long), so no audit events or simple-history rows are
written for them (history starts at the first real edit); ``created_at`` is the day the
seeder ran, except on the date changes and significant changes, whose pages show it. Every row keeps the models'
constraints and the services' rules; the cached schedules and the deadline flags are then
brought up to date once, through ``schedule_refresh`` and ``flags_sweep``.

Deterministic: only the given ``random.Random`` is used and children, episodes and allocations
are read in primary-key order.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from children.ages import age_on, eighteenth_birthday
from children.codes import SignificantChangeCategory
from children.models import (
    CareEpisode,
    Child,
    CoverArrangement,
    IROAllocation,
    SignificantChange,
)

from . import deadlines
from .calendar import local_non_working_days
from .codes import (
    PN0_AGE_LIMIT,
    ActionStatus,
    DateChangeKind,
    FlagKind,
    ParentParticipation,
    ParticipantRole,
    Participation,
    ReviewStatus,
    ReviewType,
)
from .flags import flags_sweep
from .models import Action, ActionProgress, CaseNote, MidwayReview, Review, ReviewDateChange, Visit
from .schedule import schedule_refresh

User = get_user_model()

ONE_DAY = timedelta(days=1)

# --------------------------------------------------------------------------- how reviews are held

#: Reviews held after their due date (seed 004 reports 98.4% to 100% in timescale).
LATE_SHARE = 0.02
LATE_DAYS = (1, 20)
#: How many days before the due date a review is usually held (booked at five months).
EARLY_DAYS_FIRST = (0, 10)
EARLY_DAYS = (0, 15)
#: The first review is not held in the child's first fortnight.
FIRST_REVIEW_AFTER_DAYS = 14
#: Chance, at each review after the second, that an additional (early) review comes first.
ADDITIONAL_SHARE = 0.03
#: Children in care overdue for their review today (the dashboard should show a few).
OVERDUE_CHILDREN = (2, 3)
#: Records distributed after the 20 working days (seed 004: 99.1% in time).
RECORD_LATE_SHARE = 0.009
#: Of the records whose due date passed in the last month, the share still not distributed.
RECORD_OUTSTANDING_SHARE = 0.05

#: Participation of children aged 4 and over (seed 004, 2021-22: attended and spoke 471,
#: views sent 242, no views 15, advocate briefed 12, attended without contributing 6,
#: advocate spoke 3, non-verbal 2).
PARTICIPATION_WEIGHTS = {
    Participation.PN1: 62,
    Participation.PN6: 30,
    Participation.PN5: 2,
    Participation.PN7: 2.5,
    Participation.PN4: 1,
    Participation.PN2: 0.4,
    Participation.PN3: 0.3,
}
#: Chance that a child takes part the way they usually do.
USUAL_PARTICIPATION = 0.7
ATTENDS = {Participation.PN1, Participation.PN2, Participation.PN3, Participation.PN4}
ADVOCATE = {Participation.PN2, Participation.PN5}

PARENTS_WEIGHTS = {
    ParentParticipation.ATTENDED: 38,
    ParentParticipation.VIEWS_GIVEN: 24,
    ParentParticipation.INVITED_NO_VIEWS: 24,
    ParentParticipation.NOT_INVITED: 8,
    ParentParticipation.NOT_APPLICABLE: 6,
}
PARENTS_AT_HOME_WEIGHTS = {
    ParentParticipation.ATTENDED: 80,
    ParentParticipation.VIEWS_GIVEN: 15,
    ParentParticipation.INVITED_NO_VIEWS: 5,
}
UASC_PARENTS_WEIGHTS = {
    ParentParticipation.NOT_APPLICABLE: 80,
    ParentParticipation.NOT_INVITED: 10,
    ParentParticipation.VIEWS_GIVEN: 10,
}
PARENTS_INVITED = {ParentParticipation.ATTENDED, ParentParticipation.VIEWS_GIVEN, ParentParticipation.INVITED_NO_VIEWS}

# --------------------------------------------------------------------------- the footprint

ACTIONS_PER_REVIEW = (2, 3)
ACTION_DUE_WEEKS = (2, 12)
VISIT_SHARE = 0.5
MIDWAY_SHARE = 0.33
CASE_NOTES_PER_CHILD = (1, 3)
#: Children in care whose next review is due within this many days, and the share booked.
BOOKING_HORIZON_DAYS = 70
BOOKING_SHARE = 0.4
BOOKED_WITHIN_DAYS = 56
#: Of the booked reviews, the share moved on the way; cancelled bookings and significant
#: changes in the last three months, per child in care (5 and 15 for 300 children).
MOVED_SHARE = 0.1
CANCELLED_PER_CHILD_IN_CARE = 1 / 60
SIGNIFICANT_CHANGES_PER_CHILD_IN_CARE = 0.05
SIGNIFICANT_CHANGE_DAYS = 90

# --------------------------------------------------------------------------- synthetic text

VIDEO_CALL = "Video call (Microsoft Teams)"
OFFICE_VENUES = ("Demoshire County Hall, meeting room 2", "Northgate Family Centre", "Southfield Children's Centre")
HOME_VENUES = {
    "U": "Foster carers' home",
    "A": "Adopters' home",
    "P": "Family home",
    "K1": "Secure children's home",
    "K2": "Children's home",
    "K3": "Supported accommodation",
    "H5": "Supported accommodation",
    "R": "Residential unit",
    "S": "Residential school",
}

#: What the child said (to the IRO before or at the review), then how views not given in person came.
WISHES = (
    "{name} told me they are happy where they live and want to stay there. {name} would like to see their "
    "brothers and sisters more often.",
    "{name} said school is going well and their favourite lesson is art. {name} wants to keep seeing their "
    "mum every fortnight.",
    "{name} told me they are worried about moving school and want to stay with their friends.",
    "{name} said they would like to go to football club again and to have their phone back at weekends.",
    "{name} was quiet at first but said they are settled and do not want anything to change for now.",
    "{name} said they feel listened to by their social worker and want to keep the same one.",
)
WISHES_SENT = (
    "{name} shared their views through the Mind of My Own app: they feel safe, like their carers and want "
    "more pocket money.",
    "{name} wrote a letter for the review: they want to know more about their family and why they came into care.",
    "{name} asked their carer to pass on that they are happy at home and at school and want more time with friends.",
    "{name} did not want to come to the meeting but talked to me on a video call beforehand: they want to stay "
    "where they are.",
)
WISHES_ADVOCATE = ("{name}'s advocate told the review that {name} wants more say in family time and to stay put.",)
WISHES_NOT_GIVEN = (
    "{name} chose not to take part or share views this time. I will visit {name} to hear their views before "
    "the next review.",
)
WISHES_OLDER = (
    "{name} wants to stay in Demoshire for college and to start learning to drive.",
    "{name} told me they want more say in their pathway plan and to know where they will live at 18.",
    "{name} said they want to stay put with their carers after 18 and to get a part-time job.",
)
WISHES_UNDER_4 = (
    "{name} is too young to give views in words. Carers report that {name} is settled, eating and sleeping "
    "well, and enjoys family time.",
    "Observed during my visit: {name} was playful and relaxed with the carers and went to them for comfort.",
    "{name}'s nursery key worker says {name} is making friends and their speech is coming on well.",
    "{name} is meeting developmental milestones; the carers describe a happy, curious child.",
)
DISCUSSIONS = (
    "The care plan was reviewed. The placement is stable and meeting {name}'s needs; health and education "
    "plans are up to date. The plan for permanence was discussed and endorsed.",
    "Everyone agreed {name} is making good progress. Family time is going well and will continue as planned. "
    "The social worker updated the review on the court timetable.",
    "The review considered {name}'s school attendance, which has improved this term, and the support from "
    "the virtual school. No change to the care plan.",
    "The review heard the carers' concerns about {name}'s sleep and agreed a referral for support. The care "
    "plan was otherwise endorsed.",
)
OTHERS_PRESENT = (
    "Designated teacher (school)",
    "Supervising social worker (fostering)",
    "Looked after children nurse",
    "Personal adviser (leaving care)",
    "Key worker (children's home)",
)

#: (description, owner, youngest, oldest); {name} is the child's first name, {carer} their carer.
ACTIONS = (
    ("Complete {name}'s health assessment and share the advice with {carer}", "Looked after children nurse", 0, 17),
    ("Update the care plan with today's decisions and send it to everyone invited", "Social worker", 0, 17),
    ("Review family time with {name}'s parents and confirm the arrangements in writing", "Social worker", 0, 17),
    ("Check progress on the permanence plan at the midway review", "IRO", 0, 17),
    ("Send the updated delegated authority agreement to {carer}", "Social worker", 0, 17),
    ("Arrange a dental check-up for {name}", "{carer_owner}", 1, 17),
    ("Complete the next part of {name}'s life story work", "Social worker", 2, 15),
    ("Complete the developmental review with the health visitor", "Health visitor", 0, 4),
    ("Arrange a funded nursery place for {name}", "Social worker", 2, 4),
    ("Hold the personal education plan (PEP) meeting and set new targets", "Virtual school head", 3, 17),
    ("Agree how pupil premium plus will fund tutoring in maths and English", "Virtual school head", 5, 16),
    ("Support {name} to join an after-school club of their choice", "{carer_owner}", 5, 15),
    ("Complete the Strengths and Difficulties Questionnaire and share the score", "{carer_owner}", 4, 16),
    ("Refer {name} to CAMHS for an assessment of their emotional wellbeing", "Social worker", 5, 17),
    ("Offer {name} an advocate and an independent visitor", "Social worker", 6, 17),
    ("Apply for {name}'s passport so the summer holiday can go ahead", "Social worker", 3, 17),
    ("Start {name}'s pathway plan with their personal adviser", "Personal adviser", 15, 17),
    ("Help {name} open a bank account and plan a weekly budget", "Personal adviser", 15, 17),
)
UASC_ACTIONS = (
    ("Check that {name}'s solicitor has sent the asylum statement to the Home Office", "Social worker", 0, 17),
    ("Arrange English (ESOL) classes at college for {name}", "Virtual school head", 14, 17),
)
ACTION_CLOSED_WEIGHTS = {ActionStatus.DONE: 88, ActionStatus.NOT_DONE: 6, ActionStatus.NO_LONGER_NEEDED: 6}
ACTION_LATEST_WEIGHTS = {
    ActionStatus.DONE: 83,
    ActionStatus.OPEN: 5,
    ActionStatus.NOT_DONE: 6,
    ActionStatus.NO_LONGER_NEEDED: 6,
}
PROGRESS_NOTES = {
    ActionStatus.OPEN: (
        "In hand; the social worker expects it done before the review.",
        "Delayed by staff sickness; a new date has been agreed.",
        "Started; waiting for a reply from the service.",
    ),
    ActionStatus.DONE: ("Done and confirmed by the carer.", "Completed; copy on file."),
    ActionStatus.NOT_DONE: ("Not done: to be raised with the team manager.",),
    ActionStatus.NO_LONGER_NEEDED: ("No longer needed after the change of plan.",),
}
VISIT_NOTES = (
    "Visited {name} at home before the review to hear their views and explain how the meeting will work.",
    "Saw {name} after school; we talked about what they want to say at the review.",
    "Met {name} at the placement. {name} showed me their room and talked about their friends.",
    "Video call with {name} to prepare for the review and agree who they want to invite.",
)
MIDWAY_NOTES = (
    "Midway check with the social worker: the plan is on track.",
    "Midway review: most actions progressing; one chased with the team manager.",
    "Spoke to the social worker and the carer: the placement is stable and the actions are in hand.",
)
CASE_NOTES = (
    "Spoke to the social worker about the delay in the health assessment; a new date has been booked.",
    "Read the latest placement report: {name} is settled and attending school every day.",
    "Discussed the court timetable with the social worker and the local authority solicitor.",
    "Phone call from the carer about family time arrangements; passed to the social worker.",
    "Checked the care plan on the system after the review: it reflects the decisions made.",
)
POSTPONE_REASONS = (
    "{name} was unwell; the IRO agreed a new date still within timescale.",
    "The social worker was on leave; the IRO agreed to move the review so they can attend.",
    "The carers asked to move the review so that {name} does not miss a school trip.",
)
BRING_FORWARD_REASONS = (
    "Brought forward after a significant change: the placement may end.",
    "Brought forward so the care plan can be reviewed before the court hearing.",
)
CANCEL_LEFT_CARE = "{name} is no longer looked after (care ended on {end:%-d %B %Y}), so no review is needed."
CANCEL_REBOOKED = "Cancelled because {name}'s placement moved that week; the review was re-booked within timescale."

CHANGE_DESCRIPTIONS = {
    SignificantChangeCategory.PLACEMENT_CHANGE_REQUEST: "The carers have asked for {name} to move; a disruption "
    "meeting is being arranged.",
    SignificantChangeCategory.UNEXPECTED_MOVE: "{name} moved in an emergency after the placement broke down.",
    SignificantChangeCategory.SOCIAL_WORKER: "{name}'s social worker has left; a new social worker is allocated.",
    SignificantChangeCategory.COURT: "The court made a final order at today's hearing.",
    SignificantChangeCategory.MEDICAL: "{name} was admitted to hospital; a diagnosis is awaited.",
    SignificantChangeCategory.FAMILY_CHANGE: "{name}'s mother has had a baby.",
    SignificantChangeCategory.COMPLAINT: "{name}'s father has made a complaint about family time arrangements.",
    SignificantChangeCategory.PANEL_OUTCOME: "The fostering panel approved the carers as long-term carers for {name}.",
    SignificantChangeCategory.MISSING: "{name} was missing from the placement for four days and has been found safe.",
    SignificantChangeCategory.EXCLUSION: "{name} has been excluded from school for six days.",
    SignificantChangeCategory.OFFENDING: "{name} was arrested and released on bail.",
}
#: (category, youngest age) with weights.
CHANGE_WEIGHTS = {
    (SignificantChangeCategory.PLACEMENT_CHANGE_REQUEST, 0): 3,
    (SignificantChangeCategory.UNEXPECTED_MOVE, 0): 2,
    (SignificantChangeCategory.SOCIAL_WORKER, 0): 3,
    (SignificantChangeCategory.COURT, 0): 2,
    (SignificantChangeCategory.MEDICAL, 0): 1,
    (SignificantChangeCategory.FAMILY_CHANGE, 0): 1,
    (SignificantChangeCategory.COMPLAINT, 0): 1,
    (SignificantChangeCategory.PANEL_OUTCOME, 0): 1,
    (SignificantChangeCategory.MISSING, 11): 2,
    (SignificantChangeCategory.EXCLUSION, 8): 1,
    (SignificantChangeCategory.OFFENDING, 12): 1,
}
CHANGE_RESPONSES = (
    "Noted. I have spoken to the social worker and will check the plan at the midway review.",
    "Thank you. I will visit {name} this week and consider bringing the review forward.",
    "Noted; no change to the review date needed.",
)


# --------------------------------------------------------------------------- the facts read


@dataclass(frozen=True)
class _Child:
    pk: int
    name: str
    dob: date
    uasc: bool


@dataclass(frozen=True)
class _Episode:
    start: date
    end: date | None
    placement_type: str


@dataclass
class _Period:
    child: _Child
    start: date
    end: date | None
    episodes: list[_Episode] = field(default_factory=list)

    def last_review_day(self, today: date) -> date:
        """The last day a review can be held: today, or the day before care ended."""
        return today if self.end is None else min(today, self.end - ONE_DAY)

    def placement_on(self, day: date) -> str:
        for episode in self.episodes:
            if episode.start <= day and (episode.end is None or day < episode.end):
                return episode.placement_type
        return self.episodes[-1].placement_type


@dataclass(frozen=True)
class _Allocation:
    iro_id: int
    start: date
    end: date | None


@dataclass
class _Held:
    """A review planned as held: when, when it was due, and its place in the period."""

    period: _Period
    held_on: date
    due_on: date
    review_type: str


@dataclass
class _Facts:
    today: date
    calendar: frozenset[date]
    periods: list[_Period]
    allocations: dict[int, list[_Allocation]]
    #: (absent IRO, covering IRO, first day, last day) of each cover arrangement.
    absences: list[tuple[int, int, date, date]]
    iro_names: dict[int, str]
    recorder_id: int

    @property
    def in_care(self) -> int:
        return sum(p.end is None for p in self.periods)

    def iro_on(self, child_id: int, day: date) -> int:
        """The IRO allocated to the child on ``day`` (started on or before, not yet ended)."""
        for allocation in self.allocations.get(child_id, ()):
            if allocation.start <= day and (allocation.end is None or day < allocation.end):
                return allocation.iro_id
        raise LookupError(f"child {child_id} has no IRO on {day}")

    def absence_of(self, iro_id: int, day: date) -> tuple[int, int, date, date] | None:
        for absence in self.absences:
            if absence[0] == iro_id and absence[2] <= day <= absence[3]:
                return absence
        return None

    def working(self, day: date) -> bool:
        return deadlines.is_working_day(day, non_working=self.calendar)

    def back_to_working_day(self, day: date) -> date:
        while not self.working(day):
            day -= ONE_DAY
        return day

    def on_to_working_day(self, day: date) -> date:
        while not self.working(day):
            day += ONE_DAY
        return day


def _load(today: date) -> _Facts:
    children = {
        pk: _Child(pk, preferred or first, dob, uasc)
        for pk, first, preferred, dob, uasc in Child.objects.order_by("pk").values_list(
            "pk", "first_name", "preferred_name", "date_of_birth", "is_uasc"
        )
    }
    periods: list[_Period] = []
    current: _Period | None = None
    for child_id, start, end, reason_new, reason_ceased, placement in CareEpisode.objects.order_by(
        "child_id", "started_on", "pk"
    ).values_list("child_id", "started_on", "ended_on", "reason_new_episode", "reason_ceased", "placement_type"):
        if reason_new == "S" or current is None or current.child.pk != child_id:
            current = _Period(children[child_id], start, None)
            periods.append(current)
        current.episodes.append(_Episode(start, end, placement))
        if end is not None and reason_ceased != "X1":
            current.end = end
    allocations: dict[int, list[_Allocation]] = {}
    for child_id, iro_id, start, end in IROAllocation.objects.order_by("child_id", "started_on", "pk").values_list(
        "child_id", "iro_id", "started_on", "ended_on"
    ):
        allocations.setdefault(child_id, []).append(_Allocation(iro_id, start, end))
    absences = [
        (absent, covering, start, end or today)
        for absent, covering, start, end in CoverArrangement.objects.order_by("starts_on", "pk").values_list(
            "absent_iro_id", "covering_iro_id", "starts_on", "ends_on"
        )
    ]
    iro_ids = sorted({a.iro_id for allocs in allocations.values() for a in allocs})
    iro_names = dict(User.objects.filter(pk__in=iro_ids).order_by("pk").values_list("pk", "first_name"))
    # The demo records everything as the IRO manager (children/demo.py); fall back to any IRO.
    recorder = User.objects.filter(username="manager").values_list("pk", flat=True).first()
    earliest = min((p.start for p in periods), default=today)
    return _Facts(
        today=today,
        calendar=local_non_working_days(earliest, today),
        periods=periods,
        allocations=allocations,
        absences=absences,
        iro_names=iro_names,
        recorder_id=recorder or (iro_ids[0] if iro_ids else 0),
    )


# --------------------------------------------------------------------------- planning the reviews


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _review_type(order: int) -> str:
    return (ReviewType.FIRST, ReviewType.SECOND)[order] if order < 2 else ReviewType.SUBSEQUENT


def _held_date(rng: random.Random, facts: _Facts, *, due: date, earliest: date, first: bool) -> date:
    """Usually a working day a few days before ``due``; now and then one late."""
    if rng.random() < LATE_SHARE:
        return facts.on_to_working_day(due + _days(rng.randint(*LATE_DAYS)))
    day = facts.back_to_working_day(due - _days(rng.randint(*(EARLY_DAYS_FIRST if first else EARLY_DAYS))))
    return day if day >= earliest else facts.on_to_working_day(earliest)


def _avoid_leave(rng: random.Random, facts: _Facts, period: _Period, day: date, *, earliest: date) -> date:
    """IROs chair their own children's reviews: one falling in the IRO's leave is held before it,
    or just after it when it cannot be held earlier (e.g. a first review not yet possible)."""
    if day > period.last_review_day(facts.today):
        return day
    absence = facts.absence_of(facts.iro_on(period.child.pk, day), day)
    if absence is None:
        return day
    moved = facts.back_to_working_day(absence[2] - _days(1 + rng.randint(0, 3)))
    if moved >= earliest:
        return moved
    return facts.on_to_working_day(absence[3] + _days(1))


def plan_period(rng: random.Random, facts: _Facts, period: _Period) -> list[_Held]:
    """The reviews held in one period of care up to today (or the day before it ended)."""
    last_day = period.last_review_day(facts.today)
    held: list[_Held] = []
    dates: list[date] = []
    while True:
        due = deadlines.next_review_due(looked_after_on=period.start, reviews_held=dates, non_working=facts.calendar)
        if len(dates) >= 2 and rng.random() < ADDITIONAL_SHARE:
            # An early review, e.g. after a significant change; the clock restarts from it.
            gap = (due - dates[-1]).days
            day = facts.back_to_working_day(dates[-1] + _days(rng.randint(28, max(29, gap - 35))))
            day = _avoid_leave(rng, facts, period, day, earliest=dates[-1] + _days(28))
            if day > last_day:
                break
            held.append(_Held(period, day, due, ReviewType.ADDITIONAL))
            dates.append(day)
            continue
        first = not dates
        earliest = period.start + _days(FIRST_REVIEW_AFTER_DAYS) if first else dates[-1] + _days(28)
        day = _held_date(rng, facts, due=due, earliest=earliest, first=first)
        day = _avoid_leave(rng, facts, period, day, earliest=earliest)
        if day > last_day:
            break
        held.append(_Held(period, day, due, _review_type(len(dates))))
        dates.append(day)
    return held


def _next_due(facts: _Facts, period: _Period, held: list[_Held]) -> date:
    return deadlines.next_review_due(
        looked_after_on=period.start, reviews_held=[h.held_on for h in held], non_working=facts.calendar
    )


def _adjust_overdue(rng: random.Random, facts: _Facts, plans: dict[int, list[_Held]]) -> None:
    """Leave a few children in care overdue for their review today (2 or 3): hold the review
    of any more in time, or take back the latest review of children whose due date just passed."""
    today = facts.today
    open_periods = [p for p in facts.periods if p.end is None]
    overdue = [p for p in open_periods if _next_due(facts, p, plans[id(p)]) < today]
    target = rng.randint(*OVERDUE_CHILDREN)
    rng.shuffle(overdue)
    for period in overdue[target:]:
        held = plans[id(period)]
        due = _next_due(facts, period, held)
        earliest = held[-1].held_on + _days(28) if held else period.start + _days(FIRST_REVIEW_AFTER_DAYS)
        day = max(earliest, facts.back_to_working_day(due - _days(rng.randint(0, 10))))
        day = _avoid_leave(rng, facts, period, day, earliest=earliest)
        if day <= today:
            held.append(_Held(period, day, due, _review_type(len(held))))
    if len(overdue) < target:
        already = {id(p) for p in overdue}
        candidates = [
            p
            for p in open_periods
            if id(p) not in already and plans[id(p)] and today - _days(20) <= plans[id(p)][-1].due_on < today
        ]
        for period in rng.sample(candidates, min(len(candidates), target - len(overdue))):
            plans[id(period)].pop()


# --------------------------------------------------------------------------- writing the rows


@dataclass
class ReviewDemoResult:
    """What ``build_reviews`` wrote, for the command's summary."""

    reviews_held: int = 0
    held_in_timescale: int = 0
    held_last_year: int = 0
    held_last_year_in_timescale: int = 0
    participation: dict[str, int] = field(default_factory=dict)
    records_due: int = 0
    records_in_time: int = 0
    records_outstanding: int = 0
    actions: int = 0
    actions_open: int = 0
    visits: int = 0
    midway_reviews: int = 0
    case_notes: int = 0
    booked: int = 0
    moved: int = 0
    cancelled: int = 0
    significant_changes: int = 0
    significant_changes_acknowledged: int = 0
    overdue_children: int = 0
    open_flags: dict[str, int] = field(default_factory=dict)

    @property
    def in_timescale_pct(self) -> float:
        return 100 * self.held_in_timescale / self.reviews_held if self.reviews_held else 100.0

    @property
    def last_year_in_timescale_pct(self) -> float:
        return 100 * self.held_last_year_in_timescale / self.held_last_year if self.held_last_year else 100.0

    @property
    def records_in_time_pct(self) -> float:
        return 100 * self.records_in_time / self.records_due if self.records_due else 100.0


class _Writer:
    """Turns the plans into unsaved model instances, in a fixed order, then bulk-creates them."""

    def __init__(self, rng: random.Random, facts: _Facts):
        self.rng = rng
        self.facts = facts
        self.today = facts.today
        self.reviews: list[Review] = []
        self.actions: list[Action] = []
        self.visits: list[Visit] = []
        self.midways: list[MidwayReview] = []
        self.progress: list[tuple[MidwayReview, Action, str, str]] = []
        self.case_notes: list[CaseNote] = []
        #: (review, kind, from date, to date, reason, the day the change was made)
        self.date_changes: list[tuple[Review, str, date, date | None, str, date]] = []
        self.changes: list[SignificantChange] = []
        #: Rows whose creation date pages show (the timeline, the significant change): the day
        #: they were recorded, not the day the seeder ran.
        self.recorded_on: list[tuple[ReviewDateChange | SignificantChange, date]] = []
        self.usual_code: dict[int, str] = {}
        self.usual_parents: dict[int, str] = {}
        self.parents_known: dict[int, tuple[str, ...]] = {}

    # -- one held review and what hangs off it

    def held_review(self, held: _Held, *, next_on: date | None) -> Review:
        rng, facts, period = self.rng, self.facts, held.period
        child = period.child
        day = held.held_on
        chair = facts.iro_on(child.pk, day)
        placement = period.placement_on(day)
        age = age_on(child.dob, day)
        code = self._participation(child, age)
        parents = self._parents(child, placement)
        invited, attended = self._participants(child, age, code, parents, placement)
        record_due, completed, distributed = self._record_dates(day)
        review = Review(
            child_id=child.pk,
            chair_id=chair,
            created_by_id=chair,
            status=ReviewStatus.HELD,
            review_type=held.review_type,
            held_on=day,
            due_on=held.due_on,
            venue=self._venue(placement, age),
            invited=invited,
            attended=attended,
            others_present=rng.choice(OTHERS_PRESENT) if ParticipantRole.OTHER in attended else "",
            participation_code=code,
            parents_participation=parents,
            wishes_and_feelings=self._wishes(child, age, code),
            discussion=rng.choice(DISCUSSIONS).format(name=child.name),
            record_due_on=record_due,
            record_completed_on=completed,
            record_distributed_on=distributed,
        )
        self.reviews.append(review)
        actions = self._actions(review, held, age=age, placement=placement, uasc=child.uasc, next_on=next_on)
        review.child_friendly_summary = self._summary(child, age, day, code, actions, chair)
        if rng.random() < VISIT_SHARE:
            self._visit(held, age=age, after=period.start)
        return review

    def _participation(self, child: _Child, age: int) -> str:
        if age < PN0_AGE_LIMIT:
            return Participation.PN0
        if child.pk not in self.usual_code:
            self.usual_code[child.pk] = _weighted(self.rng, PARTICIPATION_WEIGHTS)
        if self.rng.random() < USUAL_PARTICIPATION:
            return self.usual_code[child.pk]
        return _weighted(self.rng, PARTICIPATION_WEIGHTS)

    def _parents(self, child: _Child, placement: str) -> str:
        if placement == "P1":
            return _weighted(self.rng, PARENTS_AT_HOME_WEIGHTS)
        weights = UASC_PARENTS_WEIGHTS if child.uasc else PARENTS_WEIGHTS
        if child.pk not in self.usual_parents:
            self.usual_parents[child.pk] = _weighted(self.rng, weights)
        usual = self.usual_parents[child.pk]
        # Parents deceased or unknown stay so; otherwise they take part much as they usually do.
        if usual == ParentParticipation.NOT_APPLICABLE or self.rng.random() < 0.75:
            return usual
        return _weighted(self.rng, {k: w for k, w in weights.items() if k != ParentParticipation.NOT_APPLICABLE})

    def _participants(self, child: _Child, age: int, code: str, parents: str, placement: str):
        rng = self.rng
        if child.pk not in self.parents_known:
            self.parents_known[child.pk] = _weighted(
                rng,
                {
                    (ParticipantRole.MOTHER, ParticipantRole.FATHER): 45,
                    (ParticipantRole.MOTHER,): 45,
                    (ParticipantRole.FATHER,): 10,
                },
            )
        invited = {ParticipantRole.SOCIAL_WORKER}
        attended = {ParticipantRole.SOCIAL_WORKER} if rng.random() < 0.97 else set()
        if placement != "P1":
            invited.add(ParticipantRole.CARER)
            if rng.random() < 0.9:
                attended.add(ParticipantRole.CARER)
        if age >= PN0_AGE_LIMIT:
            invited.add(ParticipantRole.CHILD)
            if code in ATTENDS:
                attended.add(ParticipantRole.CHILD)
        if code in ADVOCATE or (age >= 8 and rng.random() < 0.08):
            invited.add(ParticipantRole.ADVOCATE)
            if code in ADVOCATE:
                attended.add(ParticipantRole.ADVOCATE)
        if parents in PARENTS_INVITED:
            known = self.parents_known[child.pk]
            invited.update(known)
            if parents == ParentParticipation.ATTENDED:
                attended.add(known[0])
                if len(known) > 1 and rng.random() < 0.5:
                    attended.add(known[1])
        if rng.random() < 0.25:
            invited.add(ParticipantRole.OTHER)
            attended.add(ParticipantRole.OTHER)
        return sorted(str(r) for r in invited), sorted(str(r) for r in attended)

    def _venue(self, placement: str, age: int) -> str:
        r = self.rng.random()
        if r < 0.15:
            return VIDEO_CALL
        if r < 0.27:
            return "Child's school" if 5 <= age <= 16 else self.rng.choice(OFFICE_VENUES)
        return HOME_VENUES.get(placement, HOME_VENUES.get(placement[0], OFFICE_VENUES[0]))

    def _wishes(self, child: _Child, age: int, code: str) -> str:
        pool = {
            Participation.PN0: WISHES_UNDER_4,
            Participation.PN5: WISHES_ADVOCATE,
            Participation.PN6: WISHES_SENT,
            Participation.PN7: WISHES_NOT_GIVEN,
        }.get(code, WISHES + WISHES_OLDER if age >= 15 else WISHES)
        return self.rng.choice(pool).format(name=child.name)

    def _record_dates(self, held_on: date) -> tuple[date, date | None, date | None]:
        """The record is due 20 working days after the review; nearly always out by then."""
        rng, facts, today = self.rng, self.facts, self.today
        due = deadlines.record_distribution_due(held_on, non_working=facts.calendar)
        if rng.random() < RECORD_LATE_SHARE:
            distributed = facts.on_to_working_day(due + _days(rng.randint(1, 15)))
        else:
            distributed = deadlines.add_working_days(held_on, rng.randint(3, 19), non_working=facts.calendar)
        completed = max(held_on, facts.back_to_working_day(distributed - _days(rng.randint(0, 3))))
        if today - _days(30) <= due < today and rng.random() < RECORD_OUTSTANDING_SHARE:
            distributed = None  # overdue: the dashboard flags it
        if distributed is not None and distributed > today:
            distributed = None  # not sent yet: not due yet, or late and still outstanding
        if completed > today:
            completed = None
        return due, completed, distributed

    def _actions(self, review: Review, held: _Held, *, age: int, placement: str, uasc: bool, next_on: date | None):
        """2 or 3 SMART actions; those of earlier reviews are closed, the latest mostly open."""
        rng, today = self.rng, self.today
        pool = [a for a in ACTIONS + (UASC_ACTIONS if uasc else ()) if a[2] <= age <= a[3]]
        carer = {"P1": "the parents", "K2": "the children's home"}.get(placement, "the carers")
        carer_owner = {"P1": "Parent", "K2": "Residential key worker", "K3": "Key worker", "H5": "Key worker"}.get(
            placement, "Foster carer"
        )
        # When the actions were overtaken: the next review, the end of care, or not yet.
        period_end = held.period.end
        closed_by = next_on or period_end
        made = []
        for text, owner, _, _ in rng.sample(pool, rng.randint(*ACTIONS_PER_REVIEW)):
            due = held.held_on + _days(7 * rng.randint(*ACTION_DUE_WEEKS))
            if closed_by is not None:
                status = _weighted(rng, ACTION_CLOSED_WEIGHTS)
                latest = min(closed_by, today)
            elif due < today:
                status = _weighted(rng, ACTION_LATEST_WEIGHTS)
                latest = today
            else:
                status = ActionStatus.DONE if rng.random() < 0.25 else ActionStatus.OPEN
                latest = today
            completed = None
            if status == ActionStatus.DONE:
                finish = min(latest, due + _days(14))
                start = min(held.held_on + _days(3), finish)
                completed = start + _days(rng.randint(0, (finish - start).days))
            action = Action(
                review=review,
                child_id=review.child_id,
                description=text.format(name=held.period.child.name, carer=carer),
                owner=owner.format(carer_owner=carer_owner),
                due_on=due,
                status=status,
                completed_on=completed,
            )
            made.append(action)
        self.actions.extend(made)
        self._midway(held, made, next_on=next_on)
        return made

    def _summary(self, child: _Child, age: int, day: date, code: str, actions: list[Action], chair: int) -> str:
        if age < PN0_AGE_LIMIT:
            opening = f"This letter is for {child.name} to read when older. At the review on {day:%-d %B %Y}"
        elif code in ATTENDS:
            opening = f"Dear {child.name}, thank you for coming to your review on {day:%-d %B %Y}. At the review"
        elif code == Participation.PN7:
            opening = f"Dear {child.name}, I missed hearing from you at your review on {day:%-d %B %Y}. At the review"
        else:
            opening = f"Dear {child.name}, thank you for sharing your views for your review on {day:%-d %B %Y}. We"
        lines = [f"{opening} we agreed:"]
        lines += [f"- {a.description} ({a.owner}, by {a.due_on:%-d %B %Y})" for a in actions]
        lines.append(f"From {self.facts.iro_names.get(chair, 'your IRO')}, your IRO.")
        return "\n".join(lines)

    def _visit(self, held: _Held, *, age: int, after: date) -> None:
        rng, facts = self.rng, self.facts
        day = facts.back_to_working_day(held.held_on - _days(rng.randint(2, 21)))
        if day < after:
            return
        seen_alone = rng.random() < (0.65 if age >= 8 else 0.2 if age >= PN0_AGE_LIMIT else 0.0)
        self.visits.append(
            Visit(
                child_id=held.period.child.pk,
                iro_id=facts.iro_on(held.period.child.pk, day),
                visited_on=day,
                seen_alone=seen_alone,
                notes=rng.choice(VISIT_NOTES).format(name=held.period.child.name),
            )
        )

    def _midway(self, held: _Held, actions: list[Action], *, next_on: date | None) -> None:
        """The IRO's check half way to the next review, on each action still open then."""
        rng, facts, period = self.rng, self.facts, held.period
        if rng.random() >= MIDWAY_SHARE:
            return
        until = next_on or (
            deadlines.second_review_due(held.held_on)
            if held.review_type == ReviewType.FIRST
            else deadlines.later_review_due(held.held_on)
        )
        span = (until - held.held_on).days
        day = facts.back_to_working_day(held.held_on + _days(span // 2 + rng.randint(-10, 10)))
        if day <= held.held_on or day > period.last_review_day(facts.today) or (next_on and day >= next_on):
            return
        midway = MidwayReview(
            child_id=period.child.pk,
            iro_id=facts.iro_on(period.child.pk, day),
            held_on=day,
            notes=rng.choice(MIDWAY_NOTES),
        )
        self.midways.append(midway)
        for action in actions:
            if action.status == ActionStatus.DONE and action.completed_on < day:
                continue  # already closed before the midway review
            if action.status == ActionStatus.DONE and rng.random() < 0.4:
                action.completed_on = day  # marked done at the midway review
            if action.status == ActionStatus.DONE:
                found = ActionStatus.DONE if action.completed_on == day else ActionStatus.OPEN
            elif action.status == ActionStatus.OPEN or rng.random() < 0.5:
                found = ActionStatus.OPEN
            else:
                found = action.status
            self.progress.append((midway, action, found, rng.choice(PROGRESS_NOTES[found])))

    # -- today: bookings, case notes, significant changes

    def bookings(self, plans: dict[int, list[_Held]]) -> None:
        rng, facts, today = self.rng, self.facts, self.today
        booked: list[tuple[Review, _Period, date]] = []
        for period in facts.periods:
            if period.end is not None:
                continue
            due = _next_due(facts, period, plans[id(period)])
            if due >= eighteenth_birthday(period.child.dob):
                continue  # no statutory review falls due on or after the 18th birthday (section 2)
            if not today < due <= today + _days(BOOKING_HORIZON_DAYS) or rng.random() >= BOOKING_SHARE:
                continue
            day = min(due - _days(rng.randint(*EARLY_DAYS)), today + _days(BOOKED_WITHIN_DAYS))
            day = facts.back_to_working_day(day)
            if day <= today:
                day = facts.on_to_working_day(today + ONE_DAY)
                if day > due:
                    continue
            booked.append((self._booking(period, day, facts.iro_on(period.child.pk, today)), period, due))
        # A few were moved on the way, with a reason and the IRO's consent (section 2, seed 002);
        # a date brought forward was itself within timescale.
        moved = max(1, round(len(booked) * MOVED_SHARE)) if booked else 0
        for review, period, due in rng.sample(booked, moved):
            room = (due - review.booked_for).days
            if rng.random() < 0.3 and room >= 7:
                before = facts.back_to_working_day(review.booked_for + _days(rng.randint(7, room)))
                kind, reason = DateChangeKind.BROUGHT_FORWARD, rng.choice(BRING_FORWARD_REASONS)
            else:
                before = facts.back_to_working_day(review.booked_for - _days(rng.randint(5, 20)))
                kind, reason = DateChangeKind.POSTPONED, rng.choice(POSTPONE_REASONS)
            if before == review.booked_for:
                continue
            reason = reason.format(name=period.child.name)
            changed_on = facts.back_to_working_day(min(today, before, review.booked_for) - _days(rng.randint(1, 10)))
            self.date_changes.append((review, kind, before, review.booked_for, reason, changed_on))

    def _booking(self, period: _Period, day: date, chair: int, *, status: str = ReviewStatus.BOOKED) -> Review:
        review = Review(
            child_id=period.child.pk,
            chair_id=chair,
            created_by_id=chair,
            status=status,
            booked_for=day,
            venue=self._venue(period.placement_on(min(day, self.today)), age_on(period.child.dob, day)),
        )
        self.reviews.append(review)
        return review

    def cancellations(self, plans: dict[int, list[_Held]]) -> None:
        """Bookings cancelled because care ended, and a few cancelled and re-booked."""
        rng, facts, today = self.rng, self.facts, self.today
        ended = [p for p in facts.periods if p.end is not None and today - _days(180) <= p.end < today]
        left = [p for p in ended if p.end < _next_due(facts, p, plans[id(p)]) <= p.end + _days(BOOKED_WITHIN_DAYS)]
        total = max(2, round(facts.in_care * CANCELLED_PER_CHILD_IN_CARE))
        for period in rng.sample(left, min((total + 1) // 2, len(left))):
            due = _next_due(facts, period, plans[id(period)])
            day = facts.back_to_working_day(due - _days(rng.randint(0, 10)))
            if day <= period.end:
                continue
            chair = facts.iro_on(period.child.pk, period.end - ONE_DAY)
            review = self._booking(period, day, chair, status=ReviewStatus.CANCELLED)
            review.cancelled_on = min(period.end + _days(rng.randint(0, 3)), day, today)
            reason = CANCEL_LEFT_CARE.format(name=period.child.name, end=period.end)
            self.date_changes.append((review, DateChangeKind.CANCELLED, day, None, reason, review.cancelled_on))
        recent = [
            h
            for p in facts.periods
            for h in plans[id(p)]
            if today - _days(365) <= h.held_on and h.review_type != ReviewType.FIRST
        ]
        for held in rng.sample(recent, min(total // 2, len(recent))):
            day = facts.back_to_working_day(held.held_on - _days(rng.randint(5, 12)))
            cancelled_on = facts.back_to_working_day(day - _days(rng.randint(1, 4)))
            chair = facts.iro_on(held.period.child.pk, cancelled_on)
            review = self._booking(held.period, day, chair, status=ReviewStatus.CANCELLED)
            review.cancelled_on = cancelled_on
            reason = CANCEL_REBOOKED.format(name=held.period.child.name)
            self.date_changes.append((review, DateChangeKind.CANCELLED, day, None, reason, cancelled_on))

    def notes(self) -> None:
        rng, facts, today = self.rng, self.facts, self.today
        for period in facts.periods:
            if period.end is not None:
                continue
            for text in rng.sample(CASE_NOTES, rng.randint(*CASE_NOTES_PER_CHILD)):
                day = facts.back_to_working_day(today - _days(rng.randint(0, 180)))
                if day < period.start:
                    continue
                self.case_notes.append(
                    CaseNote(
                        child_id=period.child.pk,
                        author_id=facts.iro_on(period.child.pk, day),
                        written_on=day,
                        text=text.format(name=period.child.name),
                    )
                )

    def significant_changes(self, plans: dict[int, list[_Held]]) -> None:
        """About one child in 20 in the last three months; each additional review recently held
        follows one (the IRO brought the review forward, section 6)."""
        rng, facts, today = self.rng, self.facts, self.today
        since = today - _days(SIGNIFICANT_CHANGE_DAYS)
        wanted = max(1, round(facts.in_care * SIGNIFICANT_CHANGES_PER_CHILD_IN_CARE))
        open_periods = [p for p in facts.periods if p.end is None]
        chosen: list[tuple[_Period, date, _Held | None]] = []
        for period in open_periods:
            for held in plans[id(period)]:
                if held.review_type == ReviewType.ADDITIONAL and held.held_on - _days(7) >= since:
                    happened = max(since, period.start, held.held_on - _days(rng.randint(7, 21)))
                    chosen.append((period, happened, held))
        others = [p for p in open_periods if p.start <= since and all(c[0] is not p for c in chosen)]
        chosen += [
            (period, today - _days(rng.randint(0, SIGNIFICANT_CHANGE_DAYS)), None)
            for period in rng.sample(others, min(len(others), max(0, wanted - len(chosen))))
        ]
        for period, happened, held in chosen:
            child = period.child
            age = age_on(child.dob, happened)
            category = _weighted(rng, {c: w for (c, youngest), w in CHANGE_WEIGHTS.items() if age >= youngest})
            iro = facts.iro_on(child.pk, today)
            change = SignificantChange(
                child_id=child.pk,
                category=category,
                occurred_on=happened,
                description=CHANGE_DESCRIPTIONS[category].format(name=child.name),
                recorded_by_id=facts.recorder_id,
                iro_id=iro,
            )
            recorded = min(today, happened + _days(rng.randint(0, 2)))
            self.recorded_on.append((change, recorded))
            if held is not None or (happened <= today - _days(3) and rng.random() < 0.6):
                latest = held.held_on if held is not None else today
                acknowledged = min(latest, recorded + _days(rng.randint(0, 7)))
                absence = facts.absence_of(iro, acknowledged)
                change.acknowledged_on = acknowledged
                change.acknowledged_by_id = absence[1] if absence else iro
                change.iro_response = (
                    f"Review brought forward to {held.held_on:%-d %B %Y}."
                    if held is not None
                    else rng.choice(CHANGE_RESPONSES).format(name=child.name)
                )
            self.changes.append(change)

    # -- saving

    def save(self) -> None:
        Review.objects.bulk_create(self.reviews, batch_size=500)
        Action.objects.bulk_create(self.actions, batch_size=500)
        Visit.objects.bulk_create(self.visits, batch_size=500)
        MidwayReview.objects.bulk_create(self.midways, batch_size=500)
        ActionProgress.objects.bulk_create(
            [ActionProgress(midway_review=m, action=a, status=s, note=n) for m, a, s, n in self.progress],
            batch_size=500,
        )
        CaseNote.objects.bulk_create(self.case_notes, batch_size=500)
        changes = []
        for review, kind, before, after, reason, changed_on in self.date_changes:
            change = ReviewDateChange(
                review=review,
                kind=kind,
                from_date=before,
                to_date=after,
                reason=reason,
                iro_consented=True,
                changed_by_id=review.chair_id,
            )
            changes.append(change)
            self.recorded_on.append((change, changed_on))
        ReviewDateChange.objects.bulk_create(changes, batch_size=500)
        SignificantChange.objects.bulk_create(self.changes, batch_size=500)
        for row, day in self.recorded_on:
            stamp = timezone.make_aware(datetime.combine(day, time(10, 0)))
            type(row).objects.filter(pk=row.pk).update(created_at=stamp, updated_at=stamp)


def build_reviews(*, rng: random.Random, today: date) -> ReviewDemoResult:
    """Write the review history of the demo authority built by ``children.demo.build``.

    Call inside the same transaction, after the children. Uses only ``rng``; reads children,
    episodes and allocations in primary-key order, so the same seed gives the same rows.
    """
    facts = _load(today)
    plans: dict[int, list[_Held]] = {id(p): plan_period(rng, facts, p) for p in facts.periods}
    _adjust_overdue(rng, facts, plans)

    writer = _Writer(rng, facts)
    for period in facts.periods:
        held = plans[id(period)]
        for i, review in enumerate(held):
            writer.held_review(review, next_on=held[i + 1].held_on if i + 1 < len(held) else None)
    writer.bookings(plans)
    writer.cancellations(plans)
    writer.notes()
    writer.significant_changes(plans)
    writer.save()

    schedule_refresh(Child.objects.order_by("pk").values_list("pk", flat=True))
    sweep = flags_sweep(today=today)
    return _result(writer, facts, plans, open_flags=sweep.open)


def _result(writer: _Writer, facts: _Facts, plans: dict[int, list[_Held]], *, open_flags: dict) -> ReviewDemoResult:
    today = facts.today
    year_ago = today - _days(365)
    held = [r for r in writer.reviews if r.status == ReviewStatus.HELD]
    last_year = [r for r in held if r.held_on > year_ago]
    records = [r for r in held if r.record_distributed_on is not None or r.record_due_on < today]
    codes = Counter(r.participation_code for r in held)
    return ReviewDemoResult(
        reviews_held=len(held),
        held_in_timescale=sum(r.held_on <= r.due_on for r in held),
        held_last_year=len(last_year),
        held_last_year_in_timescale=sum(r.held_on <= r.due_on for r in last_year),
        participation={code: codes[code] for code in Participation.values},
        records_due=len(records),
        records_in_time=sum(
            r.record_distributed_on is not None and r.record_distributed_on <= r.record_due_on for r in records
        ),
        records_outstanding=sum(r.record_distributed_on is None and r.record_due_on < today for r in held),
        actions=len(writer.actions),
        actions_open=sum(a.status == ActionStatus.OPEN for a in writer.actions),
        visits=len(writer.visits),
        midway_reviews=len(writer.midways),
        case_notes=len(writer.case_notes),
        booked=sum(r.status == ReviewStatus.BOOKED for r in writer.reviews),
        moved=sum(change[1] != DateChangeKind.CANCELLED for change in writer.date_changes),
        cancelled=sum(r.status == ReviewStatus.CANCELLED for r in writer.reviews),
        significant_changes=len(writer.changes),
        significant_changes_acknowledged=sum(c.acknowledged_on is not None for c in writer.changes),
        overdue_children=sum(_next_due(facts, p, plans[id(p)]) < today for p in facts.periods if p.end is None),
        open_flags={FlagKind(kind).label: n for kind, n in open_flags.items()},
    )
