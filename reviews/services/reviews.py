"""Recording a review that was held, correcting it, and its actions
(docs/rules.md#review-timescales, #participation and #after-the-review). Who was sent its record
is ``distribution``.

Booking the next review, and moving or cancelling the booking, are in ``booking``. Each service
runs in one transaction, checks that ``by`` may chair the child's reviews, validates the rules
that span records, writes the audit event and the history row, then refreshes the child's
cached schedule and deadline flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from children.ages import age_on, eighteenth_birthday
from children.models import Child
from iro_service.audit import diff_fields
from iro_service.concurrency import claim_version, touch_version
from iro_service.services import require_not_future, save_validated

from .. import deadlines
from ..calendar import local_non_working_days
from ..codes import PN0_AGE_LIMIT, ActionStatus, ParentParticipation, Participation, ReviewStatus, ReviewType
from ..models import Action, Review
from .common import after_change, audit_change, current_iro, require_can_chair, require_in_care

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Fields of a held review that ``review_record`` and ``review_update`` write.
REVIEW_FIELDS = (
    "held_on",
    "venue",
    "invited",
    "attended",
    "others_present",
    "participation_code",
    "parents_participation",
    "parents_not_invited_reason",
    "wishes_and_feelings",
    "discussion",
    "child_friendly_summary",
)


@dataclass(frozen=True)
class ActionInput:
    """A SMART action as entered: what, who owns it, by when (and, when editing, its status)."""

    description: str
    owner: str
    due_on: date
    status: str = ActionStatus.OPEN
    id: int | None = None


def validate_participation(child: Child, held_on: date, code: str) -> None:
    """PN0 only for a child under 4 on the review date, and a child under 4 must have PN0
    (docs/rules.md#participation)."""
    if code not in Participation.values:
        raise ValidationError({"participation_code": "Choose how the child took part in the review."})
    age = age_on(child.date_of_birth, held_on)
    if age < PN0_AGE_LIMIT and code != Participation.PN0:
        raise ValidationError(
            {"participation_code": f"{child.first_name} was under 4 on the review date, so the code must be PN0."}
        )
    if age >= PN0_AGE_LIMIT and code == Participation.PN0:
        raise ValidationError(
            {"participation_code": f"PN0 is only for a child under 4. {child.first_name} was {age} on the review date."}
        )


def _validate_actions(actions: list[ActionInput], held_on: date) -> None:
    for index, action in enumerate(actions):
        if not action.description.strip() or not action.owner.strip():
            raise ValidationError({"actions": f"Action {index + 1}: say what will be done and who will do it."})
        if action.due_on < held_on:
            raise ValidationError(
                {"actions": f"Action {index + 1}: the date it is due by cannot be before the review."}
            )


def _check_review_date(child: Child, held_on: date, *, exclude_review: int | None = None) -> date:
    """Refuse a review date outside the child's care, on or after their 18th birthday, or on a
    day that already has a review; return the date its record is due to be distributed by.

    Its own due date and type are not worked out here: ``after_change`` recomputes the child's
    whole chain (``reviews.schedule``), since a review entered or corrected moves later dates."""
    adult_on = eighteenth_birthday(child.date_of_birth)
    if held_on >= adult_on:
        raise ValidationError(
            {
                "held_on": f"{child.first_name} turned 18 on {adult_on:%-d %B %Y}, so a meeting on or after that day "
                "is not a statutory review of a looked-after child."
            }
        )
    require_in_care(child, held_on)
    same_day = Review.objects.held().filter(child=child, held_on=held_on)
    if exclude_review is not None:
        same_day = same_day.exclude(pk=exclude_review)
    if same_day.exists():
        raise ValidationError({"held_on": "A review is already recorded for this child on that date."})
    return deadlines.record_distribution_due(held_on, non_working=local_non_working_days(held_on, held_on))


def _check_held_review(
    child: Child,
    held_on: date,
    participation_code: str,
    actions: list[ActionInput],
    *,
    today: date,
    exclude_review: int | None = None,
) -> date:
    """Every check of a held review's answers, in the order the form shows its errors; return the
    date its record is due to be distributed by."""
    require_not_future(held_on, today=today, field="held_on", what="The review date")
    record_due_on = _check_review_date(child, held_on, exclude_review=exclude_review)
    validate_participation(child, held_on, participation_code)
    _validate_actions(actions, held_on)
    return record_due_on


def _place_in_chain(review: Review, *, additional: bool, record_due_on: date) -> None:
    # The type and due date follow from the whole chain (``after_change``); "additional" is kept
    # unless the review turns out to be the first of its period.
    review.review_type = ReviewType.ADDITIONAL if additional else ""
    review.record_due_on = record_due_on


def _chain_summary(review: Review) -> str:
    """``in time`` or ``late: due ...`` from the refreshed chain, for the audit event."""
    review.refresh_from_db(fields=["due_on", "review_type"])
    if review.due_on is None:
        return "due date not known"
    return "in time" if review.held_on <= review.due_on else f"late: due {review.due_on:%-d %B %Y}"


def _write_actions(review: Review, actions: list[ActionInput], *, by: User, today: date) -> list[Action]:
    existing = {a.pk: a for a in review.actions.all()} if review.pk else {}
    written = []
    for entry in actions:
        action = existing.get(entry.id) if entry.id else None
        if action is None:
            action = Action(review=review, child_id=review.child_id)
        action.description = entry.description.strip()
        action.owner = entry.owner.strip()
        action.due_on = entry.due_on
        action.status = entry.status
        if entry.status != ActionStatus.DONE:
            action.completed_on = None
        elif action.completed_on is None:
            action.completed_on = today
        save_validated(action, by=by)
        written.append(action)
    return written


def _audit_recorded(review: Review, *, by: User, actions: int) -> None:
    """The audit event of a review recorded, with how it stands against its due date."""
    timing = _chain_summary(review)
    audit_change(
        review,
        by=by,
        created=True,
        summary=f"{review.get_review_type_display()} held on {review.held_on:%-d %B %Y} "
        f"({review.participation_code}); {actions} action{'s' if actions != 1 else ''}; {timing}",
    )


def _not_invited_reason(parents_participation: str, reason: str) -> str:
    """The reason the parents were not invited is kept only while that is the answer: a review
    whose parents took part keeps no reason typed for an answer since changed."""
    return reason.strip() if parents_participation == ParentParticipation.NOT_INVITED else ""


@transaction.atomic
def review_record(
    *,
    child: Child,
    by: User,
    held_on: date,
    participation_code: str,
    parents_participation: str,
    wishes_and_feelings: str,
    child_friendly_summary: str,
    actions: list[ActionInput],
    venue: str = "",
    invited: list[str] | None = None,
    attended: list[str] | None = None,
    others_present: str = "",
    discussion: str = "",
    parents_not_invited_reason: str = "",
    additional: bool = False,
    today: date | None = None,
) -> Review:
    """Record a review that was held. A booked review becomes this record; otherwise a new one
    is made. The type follows reg 33's order in the period of care (first, second, subsequent)
    unless the IRO marks it as an additional or early review."""
    today = today or timezone.localdate()
    require_can_chair(child, by, on=today)
    record_due_on = _check_held_review(child, held_on, participation_code, actions, today=today)
    review = Review.objects.select_for_update().booked().filter(child=child).first() or Review(
        child=child, created_by=by
    )
    review.chair = current_iro(child) or by
    review.status = ReviewStatus.HELD
    _place_in_chain(review, additional=additional, record_due_on=record_due_on)
    answers = {
        "held_on": held_on,
        "venue": venue.strip(),
        "invited": sorted(set(invited or [])),
        "attended": sorted(set(attended or [])),
        "others_present": others_present.strip(),
        "participation_code": participation_code,
        "parents_participation": parents_participation,
        "parents_not_invited_reason": _not_invited_reason(parents_participation, parents_not_invited_reason),
        "wishes_and_feelings": wishes_and_feelings.strip(),
        "discussion": discussion.strip(),
        "child_friendly_summary": child_friendly_summary.strip(),
    }
    for name, value in answers.items():
        setattr(review, name, value)
    save_validated(review, by=by)
    written = _write_actions(review, actions, by=by, today=today)
    after_change(child.pk, today=today)
    _audit_recorded(review, by=by, actions=len(written))
    return review


@transaction.atomic
def review_update(
    *,
    review: Review,
    by: User,
    expected_version: int,
    actions: list[ActionInput],
    today: date | None = None,
    **fields: Any,
) -> Review:
    """Correct a held review. Refused with ``StaleEditError`` when someone else saved it since
    ``expected_version`` was read; nothing is written then."""
    today = today or timezone.localdate()
    unknown = set(fields) - set(REVIEW_FIELDS) - {"additional"}
    if unknown:
        raise TypeError(f"review_update cannot change {', '.join(sorted(unknown))}")
    if review.status != ReviewStatus.HELD:
        raise ValidationError("Only a review that was held can be changed here.")
    require_can_chair(review.child, by, on=today)
    claim_version(review, expected_version=expected_version)
    review = Review.objects.select_related("child").get(pk=review.pk)
    additional = fields.pop("additional", review.review_type == ReviewType.ADDITIONAL)
    held_on = fields.get("held_on", review.held_on)
    code = fields.get("participation_code", review.participation_code)
    record_due_on = _check_held_review(review.child, held_on, code, actions, today=today, exclude_review=review.pk)
    if "parents_participation" in fields or "parents_not_invited_reason" in fields:
        fields["parents_not_invited_reason"] = _not_invited_reason(
            fields.get("parents_participation", review.parents_participation),
            fields.get("parents_not_invited_reason", review.parents_not_invited_reason),
        )
    before = {name: getattr(review, name) for name in fields}
    for name, value in fields.items():
        setattr(review, name, value.strip() if isinstance(value, str) else value)
    _place_in_chain(review, additional=additional, record_due_on=record_due_on)
    save_validated(review, by=by)
    _write_actions(review, actions, by=by, today=today)
    after_change(review.child_id, today=today)
    _chain_summary(review)
    changes = diff_fields(before, {name: getattr(review, name) for name in fields})
    audit_change(
        review,
        by=by,
        summary="Review record changed: "
        + (
            ", ".join(str(getattr(Review._meta.get_field(name), "verbose_name", name)) for name in changes)
            or "actions only"
        ),
        changes=changes,
    )
    return review


@transaction.atomic
def action_update(*, action: Action, by: User, status: str, today: date | None = None) -> Action:
    """Change an action's status (done, not done, no longer needed) outside a review."""
    today = today or timezone.localdate()
    action = Action.objects.select_for_update(of=("self",)).select_related("child").get(pk=action.pk)
    require_can_chair(action.child, by, on=today)
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose the action's status."})
    before = action.status
    action.status = status
    action.completed_on = today if status == ActionStatus.DONE else None
    save_validated(action, by=by)
    touch_version(Review, action.review_id)  # an open form of the review must not revert it
    audit_change(
        action,
        by=by,
        summary=f"Action '{action.description[:80]}' now {ActionStatus(status).label.lower()}",
        changes={"status": [before, status]},
    )
    after_change(action.child_id, today=today)
    return action


#: The fields of a booked review that ``review_notes_append`` adds to, in words.
NOTE_FIELDS = {"wishes_and_feelings": "the child's wishes and feelings", "discussion": "the summary of the discussion"}


@transaction.atomic
def review_notes_append(
    *, review: Review, by: User, field: str, text: str, expected_version: int, today: date | None = None
) -> Review:
    """Add ``text`` (plain text: answers given before the review, copied by the IRO) at the end of
    a booked review's ``wishes_and_feelings`` or ``discussion``, which the review record form
    then starts from. Refused with ``StaleEditError`` when the review changed since
    ``expected_version`` was read; only the IRO who may chair the child's reviews adds to it."""
    if field not in NOTE_FIELDS:
        raise TypeError(f"review_notes_append cannot change {field}")
    today = today or timezone.localdate()
    if review.status != ReviewStatus.BOOKED:
        raise ValidationError("Answers are copied into a review that is booked, before it is recorded.")
    require_can_chair(review.child, by, on=today)
    text = text.strip()
    if not text:
        raise ValidationError("There is nothing to copy.")
    claim_version(review, expected_version=expected_version)
    review = Review.objects.select_for_update().get(pk=review.pk)
    before = getattr(review, field)
    setattr(review, field, f"{before.rstrip()}\n\n{text}" if before.strip() else text)
    save_validated(review, by=by)
    audit_change(
        review, by=by, summary=f"Added to {NOTE_FIELDS[field]} before the review", changes={field: ["", "(added)"]}
    )
    return review
