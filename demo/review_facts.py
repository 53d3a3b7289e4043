"""What the review seeder reads of the children already written: periods of care, episodes,
IRO allocations and cover, and the working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from children.models import CareEpisode, Child
from reviews.calendar import local_non_working_days

from .iro_facts import CaseloadFacts, load_absences, load_allocations

User = get_user_model()


ONE_DAY = timedelta(days=1)


# --------------------------------------------------------------------------- the facts read


@dataclass(frozen=True)
class ChildFacts:
    pk: int
    name: str
    dob: date
    uasc: bool


@dataclass(frozen=True)
class EpisodeFacts:
    start: date
    end: date | None
    placement_type: str


@dataclass
class PeriodFacts:
    child: ChildFacts
    start: date
    end: date | None
    episodes: list[EpisodeFacts] = field(default_factory=list)

    def last_review_day(self, today: date) -> date:
        """The last day a review can be held: today, or the day before care ended."""
        return today if self.end is None else min(today, self.end - ONE_DAY)

    def placement_on(self, day: date) -> str:
        for episode in self.episodes:
            if episode.start <= day and (episode.end is None or day < episode.end):
                return episode.placement_type
        return self.episodes[-1].placement_type


@dataclass
class HeldPlan:
    """A review planned as held: when, when it was due, and its place in the period."""

    period: PeriodFacts
    held_on: date
    due_on: date
    review_type: str


@dataclass
class ReviewFacts(CaseloadFacts[PeriodFacts]):
    recorder_id: int

    def iro_on(self, child_id: int, day: date) -> int:
        """The IRO allocated to the child on ``day``: every period of care has one."""
        iro = self.allocated_on(child_id, day)
        if iro is None:
            raise LookupError(f"child {child_id} has no IRO on {day}")
        return iro

    def absence_of(self, iro_id: int, day: date) -> tuple[int, int, date, date] | None:
        for absence in self.absences:
            if absence[0] == iro_id and absence[2] <= day <= absence[3]:
                return absence
        return None

    def on_to_working_day(self, day: date) -> date:
        while not self.working(day):
            day += ONE_DAY
        return day


def load_facts(today: date) -> ReviewFacts:
    children = {
        pk: ChildFacts(pk, preferred or first, dob, uasc)
        for pk, first, preferred, dob, uasc in Child.objects.order_by("pk").values_list(
            "pk", "first_name", "preferred_name", "date_of_birth", "is_uasc"
        )
    }
    periods: list[PeriodFacts] = []
    current: PeriodFacts | None = None
    for child_id, start, end, reason_new, reason_ceased, placement in CareEpisode.objects.order_by(
        "child_id", "started_on", "pk"
    ).values_list("child_id", "started_on", "ended_on", "reason_new_episode", "reason_ceased", "placement_type"):
        if reason_new == "S" or current is None or current.child.pk != child_id:
            current = PeriodFacts(children[child_id], start, None)
            periods.append(current)
        current.episodes.append(EpisodeFacts(start, end, placement))
        if end is not None and reason_ceased != "X1":
            current.end = end
    allocations = load_allocations()
    absences = load_absences(today)
    iro_ids = sorted({a.iro_id for allocs in allocations.values() for a in allocs})
    iro_names = dict(User.objects.filter(pk__in=iro_ids).order_by("pk").values_list("pk", "first_name"))
    # The demo records everything as the IRO manager (demo/children.py); fall back to any IRO.
    recorder = User.objects.filter(username="manager").values_list("pk", flat=True).first()
    earliest = min((p.start for p in periods), default=today)
    return ReviewFacts(
        today=today,
        calendar=local_non_working_days(earliest, today),
        periods=periods,
        allocations=allocations,
        absences=absences,
        iro_names=iro_names,
        recorder_id=recorder or (iro_ids[0] if iro_ids else 0),
    )
