"""What the review and dispute planners read of the IROs: who was allocated to each child when,
and who covered whom while they were away (docs/rules.md#people)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from children.models import CoverArrangement, IROAllocation


@dataclass(frozen=True)
class AllocationFacts:
    iro_id: int
    start: date
    end: date | None


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
