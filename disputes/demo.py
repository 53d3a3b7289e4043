"""The disputes of the synthetic demo authority ("Demoshire", built by children/demo.py).

Four years of the IRO's challenges (docs/rules.md#disputes), shaped like the public reports:
seed 004 resolves most disagreement informally and records about a dozen formal disputes a
year, seed 001 counts its DRPs by stage (informal 281, stage 1 120, stage 2 45, stage 3 4 for
looked-after children), and seed 000 lists the themes and the ladder. About one dispute a year
for every five or six children in care (40 to 70 a year for 300 children): most resolved at
informal resolution or stage 1, fewer at stages 2 and 3, a handful reaching the minuted
meetings of stages 4 to 6, one CAFCASS referral in four years (with the evidence for each
precondition), a few started directly at stage 3 with an urgent reason and some withdrawn with
a reason. Each is raised by the child's IRO of the day about a child in care that day, states
the issue, its impact, what must change, by whom and by when (seed 001: SMART), and closes
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
from datetime import date, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model

from children.ages import age_on
from children.demo import HISTORY_YEARS
from children.models import CareEpisode, Child, CoverArrangement, IROAllocation
from children.querysets import years_before
from reviews import deadlines
from reviews.calendar import local_non_working_days
from reviews.codes import FlagKind

from . import ladder
from .codes import CafcassOutcome, DisputeCategory, DisputeStatus, ResponseKind
from .flags import dispute_flags_sweep
from .models import CafcassReferral, Dispute, DisputeStep, EscalationStage
from .services import response_due_on

User = get_user_model()

ONE_DAY = timedelta(days=1)

# --------------------------------------------------------------------------- how many, how far

#: Disputes a year per child in care: 0.2 gives about 55 a year for 275 children.
PER_CHILD_YEAR = 0.2
#: Not in the child's first weeks of care (the IRO has not yet held the first review).
NOT_BEFORE_DAYS = 20
#: Disputes about the same child are at least this many days apart.
GAP_DAYS = 14
#: The stage a dispute started below stage 3 ends at (resolved, withdrawn or still open).
FINAL_STAGE_WEIGHTS = {0: 50, 1: 31, 2: 12.5, 3: 4, 4: 1.6, 5: 0.8, 6: 0.5}
#: Of the disputes that go beyond informal resolution, the share discussed informally first.
INFORMAL_FIRST_SHARE = 0.45
#: Started directly at stage 3 with an urgent reason (the Handbook's serious or urgent cases),
#: and of those the share escalated to the head of service.
DIRECT_SHARE = 0.03
DIRECT_ESCALATED_SHARE = 0.1
WITHDRAWN_SHARE = 0.07
#: Written responses received after their due date.
LATE_SHARE = 0.1
#: CAFCASS referrals over the four years, per child in care today (1 for 300 children).
CAFCASS_PER_CHILD_IN_CARE = 1 / 300
#: Working days: informal discussion; written response when on time / late (after the due
#: date); from the booking to a meeting; from an answer to the next stage or to closing.
INFORMAL_DAYS = (2, 6)
LATE_DAYS = (1, 6)
MEETING_DAYS = (5, 15)
ESCALATE_DAYS = (1, 3)
CLOSE_DAYS = (2, 6)
CHANGE_BY_DAYS = (10, 25)

#: Themes with weights: drift, permanence, placement and education the most common (seed 000
#: section 5.5 puts the emphasis on drift and permanence; seed 001 names the same themes).
CATEGORY_WEIGHTS = {
    DisputeCategory.DRIFT: 18,
    DisputeCategory.PERMANENCE: 15,
    DisputeCategory.PLACEMENT: 14,
    DisputeCategory.EDUCATION: 13,
    DisputeCategory.ASSESSMENTS: 9,
    DisputeCategory.DECISIONS_TIMESCALE: 9,
    DisputeCategory.HEALTH: 8,
    DisputeCategory.REVIEW_PREPARATION: 8,
    DisputeCategory.CARE_PLAN: 4,
    DisputeCategory.ANTI_OPPRESSIVE: 2,
}

# --------------------------------------------------------------------------- synthetic text


@dataclass(frozen=True)
class _Template:
    """A SMART dispute: the issue, its impact, what must change and by whom ({name} is the
    child's first name), for children aged ``youngest`` to ``oldest``; ``urgent`` says why the
    IRO may go straight to stage 3 when the case is serious or urgent (empty: never)."""

    issue: str
    impact: str
    change: str
    by_whom: str
    youngest: int = 0
    oldest: int = 17
    urgent: str = ""


TEMPLATES: dict[str, tuple[_Template, ...]] = {
    DisputeCategory.REVIEW_PREPARATION: (
        _Template(
            "The social worker's report for {name}'s review was not shared before the meeting and the care plan "
            "had not been updated since the last review.",
            "The review could not consider an up-to-date plan, so decisions about {name} were put off.",
            "Update the care plan and share the social worker's report at least 3 working days before the "
            "reconvened review.",
            "Social worker",
        ),
        _Template(
            "{name} was not consulted before the review: no consultation form, visit or app message was offered.",
            "{name}'s wishes and feelings were not heard at the review of their own plan.",
            "Meet {name} before the reconvened review to hear their views and offer an advocate.",
            "Social worker",
            6,
        ),
    ),
    DisputeCategory.DECISIONS_TIMESCALE: (
        _Template(
            "Two decisions of {name}'s last review are overdue: the referral for therapeutic support and the "
            "updated delegated authority agreement.",
            "{name} is waiting for help the review agreed they need, and the carers cannot sign everyday consents.",
            "Make the therapy referral and send the delegated authority agreement to the carers.",
            "Social worker and team manager",
            4,
        ),
        _Template(
            "The review decision to arrange monthly family time with {name}'s brothers and sisters has not been "
            "carried out for three months.",
            "{name} has not seen their brothers and sisters since the review and keeps asking why.",
            "Restart monthly sibling family time with a written plan agreed with both placements.",
            "Social worker",
            2,
        ),
    ),
    DisputeCategory.ASSESSMENTS: (
        _Template(
            "The parenting assessment of {name}'s mother agreed at the last review has not started.",
            "Whether {name} can return home cannot be decided, and {name} is left not knowing.",
            "Commission the parenting assessment and give the review a completion date.",
            "Team manager",
            0,
            12,
        ),
        _Template(
            "The viability assessment of {name}'s aunt as a connected carer is three months late.",
            "A family placement that could be permanent for {name} has not been considered.",
            "Complete the viability assessment and present it to the review.",
            "Social worker",
            0,
            15,
        ),
        _Template(
            "{name}'s pathway needs assessment has not been completed although {name} turned 16 months ago.",
            "{name} does not know what support they will have when they leave care.",
            "Complete the needs assessment and the first pathway plan with {name}.",
            "Social worker and personal adviser",
            16,
        ),
    ),
    DisputeCategory.ANTI_OPPRESSIVE: (
        _Template(
            "{name}'s care plan does not address their cultural and religious needs, including diet and going to "
            "their place of worship.",
            "{name} feels cut off from their heritage and community.",
            "Add {name}'s identity needs to the care plan and agree with the carers how they will be met.",
            "Social worker",
            5,
        ),
        _Template(
            "No interpreter was used when {name}'s plan was explained to them.",
            "{name} did not understand the decisions made about their life.",
            "Book a qualified interpreter for every meeting with {name} and explain the plan again.",
            "Social worker",
            12,
        ),
    ),
    DisputeCategory.DRIFT: (
        _Template(
            "{name}'s care plan has not moved forward since the last review: none of the agreed actions has been "
            "completed and the social worker has changed twice.",
            "Drift is leaving {name} uncertain about the future and undermining their trust in professionals.",
            "Allocate a permanent social worker, complete the outstanding actions and send the IRO a progress update.",
            "Team manager",
        ),
        _Template(
            "Statutory visits to {name} are overdue: the last visit was more than ten weeks ago.",
            "{name} has no regular contact with their social worker and no one to raise worries with.",
            "Visit {name} this week and then at least every six weeks.",
            "Social worker",
            urgent="No one has visited {name} since safeguarding concerns were raised three weeks ago; the risk "
            "cannot wait for stages 1 and 2.",
        ),
        _Template(
            "The plan for {name} to return home to their father has not been progressed for four months.",
            "{name} was told they would be home by the summer and is upset by the delay.",
            "Agree a return home plan with timescales and share it with {name} and their father.",
            "Social worker and team manager",
            3,
            15,
        ),
    ),
    DisputeCategory.PERMANENCE: (
        _Template(
            "Family finding has not started for {name} although the plan for adoption was agreed at the second review.",
            "Every month of delay reduces {name}'s chance of a permanent family.",
            "Refer {name} to the regional adoption agency and start family finding.",
            "Social worker and team manager",
            0,
            5,
        ),
        _Template(
            "The plan for {name} to stay with their carers long term has not been presented to the fostering panel.",
            "{name} does not know whether they can stay where they are settled.",
            "Present the long-term match to the fostering panel at its next meeting.",
            "Social worker",
            4,
            15,
        ),
        _Template(
            "The special guardianship assessment of {name}'s grandparents has drifted past the court timetable.",
            "{name}'s permanence with family is delayed and the court timetable is at risk.",
            "Complete the special guardianship assessment and support plan and file them with the court.",
            "Team manager",
            0,
            12,
        ),
    ),
    DisputeCategory.HEALTH: (
        _Template(
            "{name}'s review health assessment is four months overdue.",
            "{name}'s health needs may be going unmet and their immunisations are not up to date.",
            "Book the review health assessment with the looked after children nurse.",
            "Social worker",
        ),
        _Template(
            "{name} has waited more than six months for a CAMHS appointment and no interim support has been offered.",
            "{name}'s anxiety is affecting school and putting the placement under strain.",
            "Agree interim emotional support and escalate the CAMHS referral.",
            "Social worker and team manager",
            6,
            urgent="{name} self-harmed last week and is still waiting for CAMHS: the risk to their health is "
            "immediate.",
        ),
    ),
    DisputeCategory.EDUCATION: (
        _Template(
            "{name}'s personal education plan (PEP) has not been reviewed this term.",
            "{name}'s learning needs and the use of pupil premium plus are not being planned.",
            "Hold the PEP meeting with the designated teacher and the virtual school.",
            "Social worker and virtual school head",
            4,
        ),
        _Template(
            "{name} has been without a school place for five weeks since the placement move.",
            "{name} is missing education and is isolated from other children.",
            "Secure a school place and arrange tuition until {name} starts.",
            "Social worker and virtual school head",
            5,
            15,
            urgent="Every further week out of school harms {name}'s education; the IRO went straight to the "
            "service manager.",
        ),
        _Template(
            "The education, health and care needs assessment requested for {name} a year ago is not complete.",
            "{name}'s special educational needs are not being met in class.",
            "Complete the needs assessment and agree the support in the plan.",
            "Virtual school head",
            4,
        ),
    ),
    DisputeCategory.PLACEMENT: (
        _Template(
            "{name} was moved to a placement 40 miles away without the planning meeting the review asked for.",
            "{name} has lost their school and friends and sees their family less.",
            "Hold a placement stability meeting and set out the plan to bring {name} closer to home.",
            "Team manager",
        ),
        _Template(
            "Concerns about the standard of care in {name}'s placement (missed appointments, no bedroom of their "
            "own) have not been addressed.",
            "{name} says they do not feel at home in the placement.",
            "Hold a placement support meeting with the supervising social worker and agree the improvements.",
            "Social worker and supervising social worker",
            2,
        ),
        _Template(
            "A move for {name} to supported accommodation is planned before the review has endorsed it.",
            "{name} could lose a stable home before they are ready to live more independently.",
            "Hold a review before any move and complete a readiness assessment with {name}.",
            "Social worker",
            16,
            urgent="The move is planned for next week: waiting for stages 1 and 2 would let it happen before the "
            "review.",
        ),
        _Template(
            "{name}'s placement ends in seven days and no alternative placement or planning meeting has been arranged.",
            "{name} faces an unplanned move, possibly out of the county and away from school and friends.",
            "Hold a placement planning meeting this week and find a placement within reach of {name}'s school.",
            "Service manager",
            urgent="The placement ends in seven days: this cannot wait for stages 1 and 2.",
        ),
    ),
    DisputeCategory.CARE_PLAN: (
        _Template(
            "The care plan presented at {name}'s review does not reflect the court's final order.",
            "The plan the IRO is asked to endorse is not the plan being followed for {name}.",
            "Update the care plan to match the final order and resubmit it for endorsement.",
            "Social worker",
        ),
    ),
}

#: The answer when it settles the matter ({whom} the role raised with, {change} what must change
#: with a lower-case first letter, {by} the date it is needed by).
AGREED = {
    ResponseKind.NONE: (
        "Discussed with the {whom} by phone: agreed to {change} by {by}.",
        "Spoke to the {whom} after the review: the action is now allocated and will be done by {by}.",
        "Discussed in person at the team office: the {whom} accepted the concern and will {change}",
    ),
    ResponseKind.WRITTEN: (
        "Written response from the {whom}: agreed; they will {change} by {by}.",
        "The {whom} accepted the concern, apologised for the delay and confirmed the work is booked for {by}.",
        "The {whom} confirmed the action is allocated and sent the IRO the plan to {change}",
    ),
}
#: The answer when it does not, so the IRO escalates.
NOT_AGREED = {
    ResponseKind.NONE: (
        "Discussed with the {whom}: no date could be agreed, so the IRO is raising it formally.",
        "The {whom} said the team has no capacity to do this for several weeks; not acceptable for {name}.",
    ),
    ResponseKind.WRITTEN: (
        "The {whom} replied that the request cannot be met at present because of pressure in the team; no date "
        "was given.",
        "The {whom} does not agree the change is needed now. The IRO disagrees and escalates.",
        "The {whom} agreed in principle but could not commit a date or the resources.",
    ),
}
MINUTES_AGREED = (
    "The IRO set out the concern and its impact on {name}. The {whom} (chair) agreed that the service will "
    "{change} by {by}. The IRO is satisfied that this resolves the dispute; the service manager will confirm "
    "in writing.",
    "The meeting heard the IRO and the social work team. The {whom} (chair) directed the team to {change} and "
    "asked for weekly updates to the IRO until it is done.",
)
MINUTES_NOT_AGREED = (
    "The IRO set out the concern and its impact on {name}. The {whom} (chair) accepted the delay but could not "
    "commit the resources asked for. No agreement: the IRO will take it to {next}.",
    "The meeting heard the service's position that the current plan is sufficient. The IRO does not agree and "
    "will take it to {next}.",
)
RESOLVED_NOTES = (
    'Resolved: the agreed action ("{change}") was completed and the IRO checked the record.',
    "The {whom} confirmed in writing that the agreed action was completed; the IRO checked with {name} and the "
    "carers and is satisfied.",
    "Completed by the date agreed; resolved to the IRO's satisfaction.",
)
WITHDRAWN_REASONS = (
    "Withdrawn: the care plan changed at {name}'s review, so the issue no longer arises.",
    "Withdrawn: the court directed a new assessment and the question will be decided in the proceedings.",
    "Withdrawn: the IRO found the action had been completed and recorded before the dispute was raised.",
    "Withdrawn: overtaken by a new plan agreed with {name} and the carers at a placement stability meeting.",
)

CAFCASS_EVIDENCE = (
    "Every stage up to the chief executive was tried: raised with the social worker on {s1}, the team manager "
    "on {s2} and the service manager on {s3}; minuted meetings chaired by the head of service on {m4}, the "
    "director of children's services on {m5} and the chief executive on {m6}. Each agreed the plan for "
    "permanence was needed but none set a date, and {days} working days have passed since the dispute was "
    "raised.",
    "{name} has waited more than a year in a placement everyone agrees is temporary, with no decision on "
    "permanence and family time with their siblings stopped. The continuing delay breaches {name}'s right to "
    "respect for family life (Article 8) and harms their emotional wellbeing, which the CAMHS letter on file "
    "describes.",
    "{name} is {age} and not of sufficient understanding to bring proceedings. Their mother does not engage "
    "with the plan and their father's whereabouts are unknown; the children's guardian was discharged when the "
    "care order was made. No other suitable adult is able and willing to act for {name}.",
)
CAFCASS_OUTCOME_NOTE = (
    "CAFCASS Legal wrote to the director of children's services. The local authority agreed a permanence plan "
    "with dates and a family finding budget; CAFCASS closed its file without proceedings."
)

# --------------------------------------------------------------------------- synthetic people

SOCIAL_WORKERS = (
    "Lucy Draftwell",
    "Tom Pretendon",
    "Sara Modelly",
    "Chris Instanceby",
    "Nadia Proxley",
    "Ben Surrogate",
    "Aisha Versionly",
    "Owen Likeness",
)
TEAM_MANAGERS = ("Karen Pilotson", "Imran Prototype", "Jess Mockett")
SERVICE_MANAGERS = ("Paul Stubbington", "Rachel Dummerton")
#: The senior officers of Demoshire County Council, by stage.
SENIORS = {4: "Claire Illustro", 5: "Mark Templeton", 6: "Fiona Placeholder"}
MANAGER_NAME = "Helen Trialsworth"
MINUTE_TAKER = "Business support officer (minutes)"


# --------------------------------------------------------------------------- the facts read


@dataclass(frozen=True)
class _Child:
    pk: int
    name: str
    dob: date


@dataclass(frozen=True)
class _Period:
    child: _Child
    start: date
    end: date | None

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class _Allocation:
    iro_id: int
    start: date
    end: date | None


@dataclass
class _Facts:
    today: date
    window_start: date
    calendar: frozenset[date]
    periods: list[_Period]
    allocations: dict[int, list[_Allocation]]
    #: (absent IRO, covering IRO, first day, last day) of each cover arrangement.
    absences: list[tuple[int, int, date, date]]
    iro_names: dict[int, str]
    stages: dict[int, EscalationStage]
    rungs: list[ladder.Rung]
    due_cache: dict[tuple[int, date], date | None] = field(default_factory=dict)

    @property
    def in_care(self) -> int:
        return sum(p.end is None for p in self.periods)

    def iro_on(self, child_id: int, day: date) -> int | None:
        for allocation in self.allocations.get(child_id, ()):
            if allocation.start <= day and (allocation.end is None or day < allocation.end):
                return allocation.iro_id
        return None

    def covering(self, iro_id: int, day: date) -> int | None:
        """The IRO covering ``iro_id`` on ``day``, if they are away."""
        for absent, covering, start, end in self.absences:
            if absent == iro_id and start <= day <= end:
                return covering
        return None

    def acting_iro(self, child_id: int, day: date) -> int | None:
        """Who acts for the child's IRO on ``day``: the IRO, or their cover while they are away."""
        iro = self.iro_on(child_id, day)
        return None if iro is None else self.covering(iro, day) or iro

    def working(self, day: date) -> bool:
        return deadlines.is_working_day(day, non_working=self.calendar)

    def add(self, day: date, working_days: int) -> date:
        return deadlines.add_working_days(day, working_days, non_working=self.calendar)

    def back(self, day: date, working_days: int) -> date:
        """The ``working_days``-th working day before ``day``."""
        while working_days:
            day -= ONE_DAY
            working_days -= self.working(day)
        return day

    def back_to_working_day(self, day: date) -> date:
        while not self.working(day):
            day -= ONE_DAY
        return day

    def due(self, stage: int, raised_on: date) -> date | None:
        """``disputes.services.response_due_on``, as the services set it when a stage is raised."""
        key = (stage, raised_on)
        if key not in self.due_cache:
            self.due_cache[key] = response_due_on(self.stages[stage], raised_on)
        return self.due_cache[key]

    def kind(self, stage: int) -> str:
        return self.stages[stage].response_kind

    def role(self, stage: int) -> str:
        return self.stages[stage].raised_with


def _load(today: date) -> _Facts:
    children = {
        pk: _Child(pk, preferred or first, dob)
        for pk, first, preferred, dob in Child.objects.order_by("pk").values_list(
            "pk", "first_name", "preferred_name", "date_of_birth"
        )
    }
    # A period of care runs from an episode starting one ("S") to the first that ends it (not X1).
    spans: list[list] = []
    for child_id, start, end, reason_new, reason_ceased in CareEpisode.objects.order_by(
        "child_id", "started_on", "pk"
    ).values_list("child_id", "started_on", "ended_on", "reason_new_episode", "reason_ceased"):
        if reason_new == "S" or not spans or spans[-1][0] != child_id:
            spans.append([child_id, start, None])
        if end is not None and reason_ceased != "X1":
            spans[-1][2] = end
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
    names = {
        pk: f"{first} {last}".strip() or username
        for pk, first, last, username in User.objects.filter(pk__in=iro_ids)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "username")
    }
    stages = {s.number: s for s in EscalationStage.objects.active()}
    window_start = years_before(today, HISTORY_YEARS)
    return _Facts(
        today=today,
        window_start=window_start,
        # Far enough past today for the plans that run on after it (they are cut at today).
        calendar=local_non_working_days(window_start - timedelta(days=60), today + timedelta(days=365)),
        periods=[_Period(children[c], start, end) for c, start, end in spans],
        allocations=allocations,
        absences=absences,
        iro_names=names,
        stages=stages,
        rungs=[
            ladder.Rung(s.number, is_direct_entry=s.is_direct_entry, is_cafcass=s.is_cafcass) for s in stages.values()
        ],
    )


# --------------------------------------------------------------------------- planning


@dataclass
class _Step:
    stage: int
    raised_on: date
    raised_by: int
    recipient_name: str
    response_due_on: date | None = None
    responded_on: date | None = None
    response: str = ""
    meeting_on: date | None = None
    attendees: str = ""
    minutes: str = ""
    ended_on: date | None = None


@dataclass
class _Referral:
    referred_on: date
    referred_by: int
    evidence: tuple[str, str, str]
    outcome: str = CafcassOutcome.PENDING
    outcome_on: date | None = None
    outcome_note: str = ""


@dataclass
class _Plan:
    period: _Period
    raised_by: int
    category: str
    template: _Template
    opened_on: date
    change_by_when: date
    urgent_reason: str = ""
    steps: list[_Step] = field(default_factory=list)
    status: str = DisputeStatus.OPEN
    closed_on: date | None = None
    outcome_note: str = ""
    referral: _Referral | None = None
    #: Who the stages are raised with, by name (synthetic).
    social_worker: str = ""
    team_manager: str = ""
    service_manager: str = ""

    @property
    def child(self) -> _Child:
        return self.period.child

    def last_day(self, today: date) -> date:
        return self.closed_on or today


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class _Planner:
    """Plans the disputes in a fixed order: the CAFCASS referral, the disputes stuck today,
    then the ordinary ones; each about a child in care with no other dispute then."""

    def __init__(self, rng: random.Random, facts: _Facts):
        self.rng = rng
        self.facts = facts
        self.today = facts.today
        self.plans: list[_Plan] = []
        self.busy: dict[int, list[tuple[date, date]]] = {}
        # Days a dispute can be opened, weighted by the children in care: one interval a period.
        self.intervals: list[tuple[_Period, date, int]] = []
        for period in facts.periods:
            first = max(facts.window_start, period.start + timedelta(days=NOT_BEFORE_DAYS))
            last = self.today if period.end is None else min(self.today, period.end - ONE_DAY)
            if first <= last:
                self.intervals.append((period, first, (last - first).days + 1))
        self.child_days = sum(n for _p, _f, n in self.intervals)

    # -- drawing a child and a day

    def _draw(self, *, within: tuple[date, date] | None = None) -> tuple[_Period, date] | None:
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

    def _free(self, period: _Period, first: date, last: date) -> bool:
        gap = timedelta(days=GAP_DAYS)
        return all(last + gap < start or end + gap < first for start, end in self.busy.get(period.child.pk, ()))

    def _opener(self, period: _Period, day: date) -> int | None:
        """The child's IRO on ``day``, if they are at work (an IRO on leave raises nothing)."""
        iro = self.facts.iro_on(period.child.pk, day)
        return iro if iro is not None and self.facts.covering(iro, day) is None else None

    def _fits(self, plan: _Plan) -> bool:
        """In care throughout, an IRO acting at each step, no other dispute about the child then."""
        facts, last = self.facts, plan.last_day(self.today)
        if not (plan.period.holds(plan.opened_on) and plan.period.holds(last)):
            return False
        if any(facts.acting_iro(plan.child.pk, s.raised_on) is None for s in plan.steps):
            return False
        return self._free(plan.period, plan.opened_on, last)

    def _keep(self, plan: _Plan) -> None:
        self._check_ladder(plan)
        self.plans.append(plan)
        self.busy.setdefault(plan.child.pk, []).append((plan.opened_on, plan.last_day(self.today)))

    def _check_ladder(self, plan: _Plan) -> None:
        """Each plan moves as the services would let it: a permitted start, one stage at a time."""
        numbers = [s.stage for s in plan.steps]
        ladder.check_start(self.facts.rungs, numbers[0], urgent_reason=plan.urgent_reason)
        for current, target in zip(numbers, numbers[1:], strict=False):
            ladder.check_escalation(self.facts.rungs, current, target)

    # -- the dispute and its text

    def _category(self, age: int, allowed, *, urgent: bool) -> tuple[str, _Template] | None:
        """A theme by weight, then one of its templates that fits the child's age (and has an
        urgent reason when the dispute starts at stage 3)."""

        def fits(t: _Template) -> bool:
            return t.youngest <= age <= t.oldest and (bool(t.urgent) or not urgent)

        weights = {c: w for c, w in CATEGORY_WEIGHTS.items() if c in allowed and any(map(fits, TEMPLATES[c]))}
        if not weights:
            return None
        category = _weighted(self.rng, weights)
        return category, self.rng.choice([t for t in TEMPLATES[category] if fits(t)])

    def _new(
        self, period: _Period, day: date, iro: int, *, allowed=CATEGORY_WEIGHTS, urgent: bool = False
    ) -> _Plan | None:
        chosen = self._category(age_on(period.child.dob, day), allowed, urgent=urgent)
        if chosen is None:
            return None
        category, template = chosen
        plan = _Plan(
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

    def _recipient(self, plan: _Plan, stage: int) -> str:
        if stage in (0, 1):
            return plan.social_worker
        if stage == 2:
            return plan.team_manager
        if stage == 3:
            return plan.service_manager
        return SENIORS.get(stage, "")

    def _words(self, plan: _Plan, stage: int) -> dict[str, str]:
        return {
            "name": plan.child.name,
            "whom": self._whom(stage),
            "change": _lower_first(plan.template.change.format(name=plan.child.name)).rstrip("."),
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

    def _attendees(self, plan: _Plan, stage: int, day: date) -> str:
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

    def _step(self, plan: _Plan, stage: int, day: date) -> _Step:
        return _Step(
            stage=stage,
            raised_on=day,
            raised_by=self.facts.acting_iro(plan.child.pk, day) or plan.raised_by,
            recipient_name=self._recipient(plan, stage),
            response_due_on=self.facts.due(stage, day),
        )

    def _answer(self, plan: _Plan, step: _Step, *, settles: bool) -> date:
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

    def _run(self, plan: _Plan, path: list[int], *, withdrawn: bool = False, refer: bool = False) -> None:
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

    def _refer(self, plan: _Plan) -> None:
        """After the chief executive's meeting, the referral to CAFCASS with its evidence."""
        rng, facts = self.rng, self.facts
        last = plan.steps[-1]
        referred = facts.add(last.responded_on, rng.randint(5, 10))
        last.ended_on = referred
        by = facts.acting_iro(plan.child.pk, referred) or plan.raised_by
        plan.steps.append(_Step(stage=7, raised_on=referred, raised_by=by, recipient_name="", ended_on=referred))
        dates = {f"s{s.stage}": f"{s.raised_on:%-d %B %Y}" for s in plan.steps if s.stage <= 3}
        dates |= {f"m{s.stage}": f"{s.meeting_on:%-d %B %Y}" for s in plan.steps if s.meeting_on}
        days = deadlines.working_days_between(plan.opened_on, referred, non_working=facts.calendar)
        age = age_on(plan.child.dob, referred)
        evidence = tuple(text.format(name=plan.child.name, age=age, days=days, **dates) for text in CAFCASS_EVIDENCE)
        referral = _Referral(referred_on=referred, referred_by=by, evidence=evidence)  # type: ignore[arg-type]
        outcome_on = facts.add(referred, rng.randint(20, 35))
        if outcome_on <= self.today:
            referral.outcome, referral.outcome_on = CafcassOutcome.RESOLVED_BY_LA, outcome_on
            referral.outcome_note = CAFCASS_OUTCOME_NOTE
        plan.referral = referral
        plan.status, plan.closed_on = DisputeStatus.REFERRED, referred
        plan.outcome_note = f"Referred to CAFCASS on {referred:%-d %B %Y} after the chief executive's meeting."

    def _cut_at_today(self, plan: _Plan) -> None:
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
                    final = _weighted(rng, FINAL_STAGE_WEIGHTS)
                    start = 0 if final == 0 or rng.random() < INFORMAL_FIRST_SHARE else 1
                    path = list(range(start, final + 1))
                self._run(plan, path, withdrawn=rng.random() < WITHDRAWN_SHARE)
                self._cut_at_today(plan)
                if self._fits(plan):
                    self._keep(plan)
                    break


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


def _save(plans: list[_Plan], facts: _Facts) -> None:
    disputes = [
        Dispute(
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
        for p in plans
    ]
    Dispute.objects.bulk_create(disputes, batch_size=500)
    DisputeStep.objects.bulk_create(
        [
            DisputeStep(
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
            for dispute, plan in zip(disputes, plans, strict=True)
            for s in plan.steps
        ],
        batch_size=500,
    )
    CafcassReferral.objects.bulk_create(
        [
            CafcassReferral(
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
            for dispute, plan in zip(disputes, plans, strict=True)
            if (r := plan.referral) is not None
        ]
    )


def build_disputes(*, rng: random.Random, today: date) -> DisputeDemoResult:
    """Write the disputes of the demo authority built by ``children.demo.build``.

    Call inside the same transaction, after the children and reviews. Uses only ``rng``; reads
    children, episodes, allocations and cover in a fixed order, so the same seed gives the same
    rows. Expects the default ladder (informal, stages 1 to 6, CAFCASS) of the migrations.
    """
    facts = _load(today)
    if set(facts.stages) != set(range(8)):
        raise ValueError("The demo disputes need the default ladder: informal, stages 1 to 6 and CAFCASS.")
    planner = _Planner(rng, facts)
    wanted = round(PER_CHILD_YEAR * planner.child_days / 365.25)
    planner.cafcass(round(facts.in_care * CAFCASS_PER_CHILD_IN_CARE))
    planner.stuck()
    planner.ordinary(max(0, wanted - len(planner.plans)))
    plans = sorted(planner.plans, key=lambda p: (p.opened_on, p.child.pk))
    _save(plans, facts)
    sweep = dispute_flags_sweep(today=today)
    return _result(plans, facts, open_flags=sweep.open)


def _result(plans: list[_Plan], facts: _Facts, *, open_flags: dict) -> DisputeDemoResult:
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
