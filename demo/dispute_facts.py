"""What the dispute seeder reads of the children already written (periods of care, IROs and
their cover, the ladder of stages), how many disputes and how far they go, and the plans it makes of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from children.models import CareEpisode, Child
from children.querysets import years_before
from disputes import ladder
from disputes.codes import CafcassOutcome, DisputeStatus
from disputes.models import EscalationStage
from disputes.services import response_due_on
from reviews import deadlines
from reviews.calendar import local_non_working_days

from .dispute_text import Template
from .iro_facts import CaseloadFacts, load_absences, load_allocations
from .shape import HISTORY_YEARS

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


# --------------------------------------------------------------------------- the facts read


@dataclass(frozen=True)
class ChildFacts:
    pk: int
    name: str
    dob: date


@dataclass(frozen=True)
class PeriodFacts:
    child: ChildFacts
    start: date
    end: date | None

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass
class DisputeFacts(CaseloadFacts[PeriodFacts]):
    window_start: date
    stages: dict[int, EscalationStage]
    rungs: list[ladder.Rung]
    due_cache: dict[tuple[int, date], date | None] = field(default_factory=dict)

    def iro_on(self, child_id: int, day: date) -> int | None:
        return self.allocated_on(child_id, day)

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

    def add(self, day: date, working_days: int) -> date:
        return deadlines.add_working_days(day, working_days, non_working=self.calendar)

    def back(self, day: date, working_days: int) -> date:
        """The ``working_days``-th working day before ``day``."""
        while working_days:
            day -= ONE_DAY
            working_days -= self.working(day)
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


def load_facts(today: date) -> DisputeFacts:
    children = {
        pk: ChildFacts(pk, preferred or first, dob)
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
    allocations = load_allocations()
    absences = load_absences(today)
    iro_ids = sorted({a.iro_id for allocs in allocations.values() for a in allocs})
    names = {
        pk: f"{first} {last}".strip() or username
        for pk, first, last, username in User.objects.filter(pk__in=iro_ids)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "username")
    }
    stages = {s.number: s for s in EscalationStage.objects.active()}
    window_start = years_before(today, HISTORY_YEARS)
    return DisputeFacts(
        today=today,
        window_start=window_start,
        # Far enough past today for the plans that run on after it (they are cut at today).
        calendar=local_non_working_days(window_start - timedelta(days=60), today + timedelta(days=365)),
        periods=[PeriodFacts(children[c], start, end) for c, start, end in spans],
        allocations=allocations,
        absences=absences,
        iro_names=names,
        stages=stages,
        rungs=ladder.rungs_of(stages.values()),
    )


# --------------------------------------------------------------------------- planning


@dataclass
class StepPlan:
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
class ReferralPlan:
    referred_on: date
    referred_by: int
    evidence: tuple[str, str, str]
    outcome: str = CafcassOutcome.PENDING
    outcome_on: date | None = None
    outcome_note: str = ""


@dataclass
class DisputePlan:
    period: PeriodFacts
    raised_by: int
    category: str
    template: Template
    opened_on: date
    change_by_when: date
    urgent_reason: str = ""
    steps: list[StepPlan] = field(default_factory=list)
    status: str = DisputeStatus.OPEN
    closed_on: date | None = None
    outcome_note: str = ""
    referral: ReferralPlan | None = None
    #: Who the stages are raised with, by name (synthetic).
    social_worker: str = ""
    team_manager: str = ""
    service_manager: str = ""

    @property
    def child(self) -> ChildFacts:
        return self.period.child

    def last_day(self, today: date) -> date:
        return self.closed_on or today
