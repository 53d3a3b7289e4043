"""What the review and dispute planners read of the IROs: who was allocated to each child when,
and who covered whom while they were away (docs/rules.md#people)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, Protocol, TypeVar

from children.models import CoverArrangement, IROAllocation
from reviews import deadlines


@dataclass(frozen=True)
class AllocationFacts:
    iro_id: int
    start: date
    end: date | None


class _Period(Protocol):
    @property
    def end(self) -> date | None: ...


P = TypeVar("P", bound=_Period)


@dataclass
class CaseloadFacts(Generic[P]):
    """What both planners hold: the working calendar, the periods of care (each planner's own
    ``PeriodFacts``), who was allocated to each child when, and who covered whom."""

    today: date
    calendar: frozenset[date]
    periods: list[P]
    allocations: dict[int, list[AllocationFacts]]
    #: (absent IRO, covering IRO, first day, last day) of each cover arrangement.
    absences: list[tuple[int, int, date, date]]
    iro_names: dict[int, str]

    @property
    def in_care(self) -> int:
        return sum(p.end is None for p in self.periods)

    def allocated_on(self, child_id: int, day: date) -> int | None:
        """The IRO allocated to the child on ``day`` (started on or before, not yet ended)."""
        for allocation in self.allocations.get(child_id, ()):
            if allocation.start <= day and (allocation.end is None or day < allocation.end):
                return allocation.iro_id
        return None

    def working(self, day: date) -> bool:
        return deadlines.is_working_day(day, non_working=self.calendar)

    def back_to_working_day(self, day: date) -> date:
        while not self.working(day):
            day -= timedelta(days=1)
        return day


def load_allocations() -> dict[int, list[AllocationFacts]]:
    """Each child's IRO allocations, earliest first."""
    allocations: dict[int, list[AllocationFacts]] = {}
    for child_id, iro_id, start, end in IROAllocation.objects.order_by("child_id", "started_on", "pk").values_list(
        "child_id", "iro_id", "started_on", "ended_on"
    ):
        allocations.setdefault(child_id, []).append(AllocationFacts(iro_id, start, end))
    return allocations


def load_absences(today: date) -> list[tuple[int, int, date, date]]:
    """(absent IRO, covering IRO, first day, last day) of each cover arrangement; an open one
    ends ``today``."""
    return [
        (absent, covering, start, end or today)
        for absent, covering, start, end in CoverArrangement.objects.order_by("starts_on", "pk").values_list(
            "absent_iro_id", "covering_iro_id", "starts_on", "ends_on"
        )
    ]
