"""Which moves the escalation ladder allows: pure functions over stage numbers.

IRO-RULES.md section 5: a dispute starts at informal resolution or stage 1, or, in serious or
urgent cases with a recorded reason, directly at the stage the ladder marks for direct entry
(stage 3, the service manager, by default). From there it moves one stage at a time to the
next active stage. A CAFCASS referral is the last rung.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    number: int
    is_direct_entry: bool = False
    is_cafcass: bool = False


class MoveRefused(ValueError):
    """The ladder does not allow this move; the message says why in plain words."""


def starting_rungs(ladder: Sequence[Rung]) -> list[Rung]:
    """Where a dispute may start without a reason: the first two rungs (informal and stage 1
    on the default ladder, or stage 1 alone where a ladder has no informal rung)."""
    ordinary = [r for r in ladder if not r.is_cafcass]
    return ordinary[:2] if ordinary and ordinary[0].number == 0 else ordinary[:1]


def check_start(ladder: Sequence[Rung], number: int, *, urgent_reason: str = "") -> Rung:
    rung = next((r for r in ladder if r.number == number), None)
    if rung is None:
        raise MoveRefused("That stage is not on this authority's ladder.")
    if rung in starting_rungs(ladder):
        return rung
    if rung.is_direct_entry:
        if not urgent_reason.strip():
            raise MoveRefused(f"Starting at stage {number} needs a reason: say why the case is serious or urgent.")
        return rung
    raise MoveRefused(
        "A dispute starts at informal resolution or stage 1, or at the direct-entry stage in serious or urgent cases."
    )


def next_rung(ladder: Sequence[Rung], current: int) -> Rung:
    """The one stage a dispute can be escalated to from ``current``."""
    later = [r for r in ladder if r.number > current]
    if not later:
        raise MoveRefused("This dispute is already at the last stage of the ladder.")
    return later[0]


def check_escalation(ladder: Sequence[Rung], current: int, target: int) -> Rung:
    expected = next_rung(ladder, current)
    if target != expected.number:
        raise MoveRefused(
            f"A dispute at stage {current} can only be escalated to stage {expected.number}; stages cannot be skipped."
        )
    return expected
