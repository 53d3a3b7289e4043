"""The IRO's footprint between reviews: visits, midway reviews and case notes (docs/rules.md
section 3: recorded so that the IRO's impact can be shown).

Each service runs in one transaction, checks that ``by`` holds or covers the child, refuses
dates in the future or before the child first became looked after, writes the audit event
and returns the object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from children.models import CareEpisode, Child
from iro_service.concurrency import touch_version
from iro_service.services import require_not_future, save_validated

from ..codes import ActionStatus
from ..models import Action, ActionProgress, CaseNote, MidwayReview, Review, Visit
from .common import after_change, audit_change, require_can_chair

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class ProgressInput:
    """How one open action stands at a midway review."""

    action_id: int
    status: str
    note: str = ""


def _require_while_known(child: Child, day: date, *, today: date, field: str, what: str) -> None:
    """``day`` is not in the future and not before the child first became looked after."""
    require_not_future(day, today=today, field=field, what=what)
    first = CareEpisode.objects.filter(child=child).first_started_on()
    if first is None:
        raise ValidationError({field: f"{child.first_name} has never been looked after."})
    if day < first:
        raise ValidationError(
            {field: f"{what} cannot be before {child.first_name} became looked after on {first:%-d %B %Y}."}
        )


@transaction.atomic
def visit_record(
    *, child: Child, by: User, visited_on: date, seen_alone: bool, notes: str, today: date | None = None
) -> Visit:
    """The IRO saw the child on ``visited_on``."""
    today = today or timezone.localdate()
    require_can_chair(child, by, on=today)
    _require_while_known(child, visited_on, today=today, field="visited_on", what="The visit date")
    visit = Visit(child=child, iro=by, visited_on=visited_on, seen_alone=seen_alone, notes=notes.strip())
    save_validated(visit, by=by)
    audit_change(
        visit,
        by=by,
        created=True,
        summary=f"Visit on {visited_on:%-d %B %Y} recorded" + (" (seen alone)" if seen_alone else ""),
    )
    return visit


def _validated_progress(child: Child, held_on: date, progress: list[ProgressInput]) -> dict[int, Action]:
    """The child's open actions, locked, once ``progress`` covers each of them exactly once."""
    open_actions = {
        action.pk: action
        for action in Action.objects.select_for_update().filter(child=child, status=ActionStatus.OPEN).order_by("pk")
    }
    given = [entry.action_id for entry in progress]
    if len(given) != len(set(given)) or set(given) != set(open_actions):
        raise ValidationError(
            {"progress": "The child's open actions have changed since this page was opened. Record progress again."}
        )
    latest_review = Action.objects.filter(pk__in=open_actions).aggregate(on=Max("review__held_on"))["on"]
    if latest_review is not None and held_on < latest_review:
        when = f"{latest_review:%-d %B %Y}"
        raise ValidationError(
            {"held_on": f"A midway review cannot be before the review of {when} that set the actions."}
        )
    for entry in progress:
        if entry.status not in ActionStatus.values:
            raise ValidationError({"progress": f"Choose how the action '{open_actions[entry.action_id]}' stands."})
    return open_actions


def _record_progress(
    midway: MidwayReview, actions: dict[int, Action], progress: list[ProgressInput], *, by: User
) -> dict[str, list[str]]:
    """Each action's progress row, and the status found written to the action (one marked done
    is completed on the day of the midway review); return the changes of status, by action."""
    changed = {}
    for entry in progress:
        action = actions[entry.action_id]
        save_validated(
            ActionProgress(midway_review=midway, action=action, status=entry.status, note=entry.note.strip()), by=by
        )
        if entry.status == action.status:
            continue
        before = action.status
        action.status = entry.status
        action.completed_on = midway.held_on if entry.status == ActionStatus.DONE else None
        save_validated(action, by=by)
        touch_version(Review, action.review_id)  # an open form of the review must not revert it
        changed[f"action {action.pk}"] = [before, entry.status]
        audit_change(
            action,
            by=by,
            summary=f"Action '{action.description[:80]}' now {ActionStatus(entry.status).label.lower()} "
            f"(midway review {midway.held_on:%-d %B %Y})",
            changes={"status": [before, entry.status]},
        )
    return changed


@transaction.atomic
def midway_review_record(
    *,
    child: Child,
    by: User,
    held_on: date,
    notes: str,
    progress: list[ProgressInput],
    today: date | None = None,
) -> MidwayReview:
    """The IRO's check between reviews: the progress of each open action is recorded, and each
    action takes the status found (one marked done is completed on ``held_on``)."""
    today = today or timezone.localdate()
    require_can_chair(child, by, on=today)
    _require_while_known(child, held_on, today=today, field="held_on", what="The midway review date")
    actions = _validated_progress(child, held_on, progress)
    midway = MidwayReview(child=child, iro=by, held_on=held_on, notes=notes.strip())
    save_validated(midway, by=by)
    changed = _record_progress(midway, actions, progress, by=by)
    audit_change(
        midway,
        by=by,
        created=True,
        summary=f"Midway review on {held_on:%-d %B %Y}: {len(progress)} action"
        f"{'s' if len(progress) != 1 else ''} checked, {len(changed)} changed",
        changes=changed,
    )
    if changed:
        after_change(child.pk, today=today)
    return midway


@transaction.atomic
def case_note_add(*, child: Child, by: User, written_on: date, text: str, today: date | None = None) -> CaseNote:
    """A note by the IRO on the child's case, dated the day it is about."""
    today = today or timezone.localdate()
    require_can_chair(child, by, on=today)
    _require_while_known(child, written_on, today=today, field="written_on", what="The date of the note")
    note = CaseNote(child=child, author=by, written_on=written_on, text=text.strip())
    save_validated(note, by=by)
    audit_change(note, by=by, created=True, summary=f"Case note for {written_on:%-d %B %Y} added")
    return note
