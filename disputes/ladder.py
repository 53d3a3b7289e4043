"""Which moves the escalation ladder allows: pure functions over stage numbers.

docs/rules.md#disputes: a dispute starts at informal resolution or stage 1, or, in serious or
urgent cases with a recorded reason, directly at the stage the ladder marks for direct entry
(stage 3, the service manager, by default). From there it moves up: to the next active stage,
or past one or more stages (stage 1 to 3, stage 3 to 5) with a recorded reason, since the IRO
may bypass stages at any point (Handbook para 6.2). It never moves back down. A CAFCASS
referral is the last rung.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Rung:
    number: int
    is_direct_entry: bool = False
    is_cafcass: bool = False


class StageLike(Protocol):
    """What the ladder reads of a stage (``disputes.models.EscalationStage`` has these). Read
    only, so that a model's fields, which accept more types than they give back, match."""

    @property
    def number(self) -> int: ...

    @property
    def is_direct_entry(self) -> bool: ...

    @property
    def is_cafcass(self) -> bool: ...


def rungs_of(stages: Iterable[StageLike]) -> list[Rung]:
    """The ladder of the service's active stages, in the order given."""
    return [Rung(s.number, is_direct_entry=s.is_direct_entry, is_cafcass=s.is_cafcass) for s in stages]


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


def skipped_rungs(ladder: Sequence[Rung], current: int, target: int) -> list[Rung]:
    """The active stages a move from ``current`` to ``target`` passes over, lowest first."""
    return [r for r in ladder if current < r.number < target]


def stage_words(number: int) -> str:
    """'informal resolution', 'stage 2'."""
    return "informal resolution" if number == 0 else f"stage {number}"


def stages_words(rungs: Sequence[Rung]) -> str:
    """'stage 2', 'stages 4 and 5', 'stages 1, 2 and 3'."""
    numbers = [str(r.number) for r in rungs]
    if len(numbers) == 1:
        return f"stage {numbers[0]}"
    return f"stages {', '.join(numbers[:-1])} and {numbers[-1]}"


class BypassReasonMissing(MoveRefused):
    """The move skips stages and no reason was given (Handbook para 6.2: bypassing a stage is
    always recorded with its reason)."""


def check_escalation(ladder: Sequence[Rung], current: int, target: int, *, bypass_reason: str = "") -> Rung:
    """The stage ``target`` if a dispute at ``current`` may be escalated to it: any later stage on
    the ladder, with a reason whenever the move skips one or more stages (docs/rules.md#disputes).
    Going back down, or staying, is refused."""
    rung = next((r for r in ladder if r.number == target), None)
    if rung is None:
        raise MoveRefused("That stage is not on this authority's ladder.")
    if target <= current:
        raise MoveRefused(
            f"A dispute only moves up the ladder: it is at {stage_words(current)}, so it cannot be escalated "
            f"to {stage_words(target)}."
        )
    skipped = skipped_rungs(ladder, current, target)
    if skipped and not bypass_reason.strip():
        raise BypassReasonMissing(
            f"Enter why you are skipping {stages_words(skipped)}: escalating from {stage_words(current)} to "
            f"{stage_words(target)} bypasses {'it' if len(skipped) == 1 else 'them'}."
        )
    return rung
