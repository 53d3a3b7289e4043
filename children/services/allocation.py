"""Who is the child's IRO: allocation, reallocation, allocation in bulk, and cover while an IRO is
away (docs/rules.md#people)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.models import AuditAction
from iro_service.services import require_not_future, save_audited, save_validated

from .. import rules
from ..models import CareEpisode, Child, CoverArrangement, IROAllocation
from .common import require_iro

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def allocate(*, child: Child, iro: User, started_on: date, reason: str, by: User) -> IROAllocation:
    """Open an allocation of ``iro`` to a child who has none: the history row and the audit event.
    A step of ``care_period_start`` and ``allocation_bulk_create``, inside their transaction."""
    allocation = IROAllocation(child=child, iro=iro, started_on=started_on, allocated_by=by, reason=reason)
    save_audited(
        allocation,
        by=by,
        action=AuditAction.ALLOCATED,
        summary=f"IRO {iro.get_full_name()} allocated from {started_on:%-d %B %Y}",
    )
    return allocation


def _refuse_if_reallocated_meanwhile(child: Child) -> None:
    now = IROAllocation.objects.looked_after().filter(child=child, ended_on__isnull=True).select_related("iro").first()
    if now is not None:
        raise ValidationError(
            f"Someone else changed {child.first_name}'s IRO to {now.iro.get_full_name()} just now, so your change "
            "was not saved. Check the IRO shown now, then change it again if you still need to."
        )


@transaction.atomic
def allocation_change(
    *, child: Child, by: User, iro: User, starts_on: date, reason: str, today: date | None = None
) -> IROAllocation:
    """Give the child a new IRO from ``starts_on``. The old allocation is kept, ended that day."""
    today = today or timezone.localdate()
    require_iro(iro)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the IRO is changing."})
    current = (
        IROAllocation.objects.looked_after().select_for_update().filter(child=child, ended_on__isnull=True).first()
    )
    if current is None:
        # The open allocation may have been ended by a reallocation made at the same moment
        # (this one waited for its lock): then the child has a new IRO, not none.
        _refuse_if_reallocated_meanwhile(child)
        raise ValidationError("This child is not looked after, so an IRO cannot be allocated.")
    if current.iro_id == iro.pk:
        raise ValidationError({"iro": f"{iro.get_full_name()} is already this child's IRO."})
    if starts_on < current.started_on:
        raise ValidationError(
            {
                "starts_on": f"The current IRO was allocated on {current.started_on:%-d %B %Y}; "
                "the change cannot be before it."
            }
        )
    if starts_on > today:
        raise ValidationError({"starts_on": "Record the change on or after the day it happens, not in advance."})
    previous_iro = current.iro
    current.ended_on = starts_on
    save_validated(current, by=by)
    allocation = IROAllocation(child=child, iro=iro, started_on=starts_on, reason=reason.strip(), allocated_by=by)
    save_audited(
        allocation,
        by=by,
        action=AuditAction.REALLOCATED,
        summary=f"IRO changed from {previous_iro.get_full_name()} to {iro.get_full_name()} on {starts_on:%-d %B %Y}",
        changes={"iro": [previous_iro.get_full_name(), iro.get_full_name()], "reason": [None, reason.strip()]},
    )
    return allocation


def _references(children: list[Child]) -> str:
    return ", ".join(child.local_reference for child in children)


def _has_have(children: list) -> str:
    return "has" if len(children) == 1 else "have"


def _is_are(children: list) -> str:
    return "is" if len(children) == 1 else "are"


def _refuse_taken_or_gone(locked: list[Child], open_episodes: dict[int, CareEpisode]) -> None:
    """Refuse, naming them, children given an IRO since the list was read, or no longer in care."""
    allocated = set(
        IROAllocation.objects.looked_after()
        .filter(child__in=locked, ended_on__isnull=True)
        .values_list("child_id", flat=True)
    )
    taken = [child for child in locked if child.pk in allocated]
    gone = [child for child in locked if child.pk not in open_episodes or child.archived_at is not None]
    problems = []
    if taken:
        problems.append(f"{_references(taken)} {_has_have(taken)} been given an IRO since this page was loaded")
    if gone:
        problems.append(f"{_references(gone)} {_is_are(gone)} no longer in care or archived")
    if problems:
        raise ValidationError(
            {"children": "Nothing was saved: " + "; ".join(problems) + ". Check the list and allocate again."}
        )


def _refuse_before_care(locked: list[Child], open_episodes: dict[int, CareEpisode], started_on: date) -> None:
    began = {child.pk: child.looked_after_since or open_episodes[child.pk].started_on for child in locked}
    too_early = [child for child in locked if started_on < began[child.pk]]
    if too_early:
        raise ValidationError(
            {
                "started_on": "The allocation cannot start before the child became looked after: "
                + ", ".join(f"{child.local_reference} on {began[child.pk]:%-d %B %Y}" for child in too_early)
                + "."
            }
        )


@transaction.atomic
def allocation_bulk_create(
    *,
    children: Iterable[Child],
    iro: User,
    started_on: date,
    by: User,
    reason: str = "Allocated from the list of children in care with no IRO",
    today: date | None = None,
) -> list[IROAllocation]:
    """Give each of ``children`` (looked after, with no IRO) the same IRO from ``started_on``.

    All or nothing: if any of them has been given an IRO since the list was read, has left care
    or is archived, the ValidationError names them by reference and nothing is written. Each
    allocation has its own history row and audit event, as ``care_period_start`` writes them.
    """
    today = today or timezone.localdate()
    require_iro(iro)
    require_not_future(started_on, today=today, field="started_on")
    ids = {child.pk for child in children}
    if not ids:
        raise ValidationError({"children": "Select at least one child to allocate."})
    # Lock the children, then their open episodes (in a fixed order): another manager allocating
    # the same children, or someone recording that one left care, waits for this transaction and
    # then sees what it wrote.
    locked = list(
        Child.objects.select_for_update(of=("self",)).filter(pk__in=ids).with_looked_after_since().order_by("pk")
    )
    open_episodes = {
        episode.child_id: episode
        for episode in CareEpisode.objects.select_for_update().filter(child_id__in=ids, ended_on__isnull=True)
    }
    _refuse_taken_or_gone(locked, open_episodes)
    _refuse_before_care(locked, open_episodes, started_on)
    return [allocate(child=child, iro=iro, started_on=started_on, reason=reason.strip(), by=by) for child in locked]


def _refuse_cover(*, absent_iro_id: int, covering_iro_id: int, starts_on: date, ends_on: date | None) -> None:
    """The cover rules of ``children.rules.cover_broken``, in the services' words."""
    broken = {
        b.code
        for b in rules.cover_broken(
            absent_iro_id=absent_iro_id, covering_iro_id=covering_iro_id, starts_on=starts_on, ends_on=ends_on
        )
    }
    if "own-caseload" in broken:
        raise ValidationError({"covering_iro": "An IRO cannot cover their own caseload."})
    if "ends-before-start" in broken:
        raise ValidationError({"ends_on": f"The cover started on {starts_on:%-d %B %Y}; it cannot end before it."})


@transaction.atomic
def cover_grant(
    *, by: User, absent_iro: User, covering_iro: User, starts_on: date, ends_on: date | None, reason: str
) -> CoverArrangement:
    """``covering_iro`` covers every child of ``absent_iro`` from ``starts_on`` to ``ends_on``."""
    require_iro(absent_iro)
    require_iro(covering_iro)
    _refuse_cover(absent_iro_id=absent_iro.pk, covering_iro_id=covering_iro.pk, starts_on=starts_on, ends_on=ends_on)
    overlapping = CoverArrangement.objects.filter(absent_iro=absent_iro, covering_iro=covering_iro).exclude(
        ends_on__lt=starts_on
    )
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if overlapping.exists():
        raise ValidationError("This cover overlaps an existing arrangement between the same IROs.")
    cover = CoverArrangement(
        absent_iro=absent_iro,
        covering_iro=covering_iro,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        arranged_by=by,
    )
    return save_audited(
        cover,
        by=by,
        action=AuditAction.COVER_GRANTED,
        summary=f"{covering_iro.get_full_name()} covers {absent_iro.get_full_name()} from {starts_on:%-d %B %Y}"
        + (f" to {ends_on:%-d %B %Y}" if ends_on else ""),
    )


@transaction.atomic
def cover_end(*, cover: CoverArrangement, by: User, ends_on: date) -> CoverArrangement:
    _refuse_cover(
        absent_iro_id=cover.absent_iro_id,
        covering_iro_id=cover.covering_iro_id,
        starts_on=cover.starts_on,
        ends_on=ends_on,
    )
    previous = cover.ends_on
    cover.ends_on = ends_on
    return save_audited(
        cover,
        by=by,
        action=AuditAction.COVER_ENDED,
        summary=f"Cover by {cover.covering_iro.get_full_name()} for {cover.absent_iro.get_full_name()} "
        f"ends {ends_on:%-d %B %Y}",
        changes={"ends_on": [previous, ends_on]},
        update_fields=["ends_on", "updated_at"],
    )
