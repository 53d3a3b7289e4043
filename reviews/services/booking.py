"""Booking the next review, and moving or cancelling the booking (docs/rules.md#review-timescales).

A child has at most one booked review at a time. A booking is moved or cancelled only with a
reason and the IRO's consent, both kept in a ``ReviewDateChange`` row. Each service runs in one
transaction, checks that ``by`` may chair the child's reviews, writes the audit event, then
refreshes the child's cached schedule and deadline flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from children.ages import eighteenth_birthday
from children.models import Child, Contact, SignificantChange
from iro_service.services import save_validated

from ..booking_warnings import DEFAULT_MINUTES, BookingWarning, OtherBooking, booking_warnings, is_early_after_change
from ..codes import DateChangeKind, ReviewStatus
from ..deadlines import england_bank_holidays
from ..models import ClosureDay, Review, ReviewDateChange, ReviewSchedule
from .common import after_change, audit_change, current_iro, require_can_chair
from .invitations import invitations_update, review_invite

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _check_booking(child: Child, booked_for: date, *, today: date) -> None:
    """A date not yet past, for a child looked after now and under 18 then, with no other booking."""
    if booked_for < today:
        raise ValidationError({"booked_for": "A review can only be booked for today or a later date."})
    # Bookings of one child take turns: a second one made at the same moment waits here, then
    # finds the first booked below, instead of failing on one_booked_review_per_child.
    Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True).first()
    if not child.episodes.filter(ended_on__isnull=True).exists():
        raise ValidationError("This child is not looked after, so no review can be booked.")
    adult_on = eighteenth_birthday(child.date_of_birth)
    if booked_for >= adult_on:
        raise ValidationError(
            {
                "booked_for": f"{child.first_name} turns 18 on {adult_on:%-d %B %Y} and stops being looked after "
                "that day, so no statutory review can be booked on or after it."
            }
        )
    booked = Review.objects.booked().filter(child=child).first()
    if booked is not None:
        raise ValidationError(
            f"A review is already booked for {booked.booked_for:%-d %B %Y}. Postpone or bring that one forward instead."
        )


def _due_on(child_id: int) -> date | None:
    return ReviewSchedule.objects.filter(child_id=child_id).values_list("next_due_on", flat=True).first()


def changes_since_last_review(child_id: int) -> int:
    """Significant changes since the child's last review held (all of them before the first),
    and any not yet acknowledged (docs/rules.md#significant-changes)."""
    last = Review.objects.held().filter(child_id=child_id).order_by("-held_on").values_list("held_on", flat=True)
    since = last.first()
    changes = SignificantChange.objects.filter(child_id=child_id)
    if since is not None:
        changes = changes.filter(Q(occurred_on__gt=since) | Q(acknowledged_on__isnull=True))
    return changes.count()


def booking_warnings_for(
    child: Child,
    day: date,
    *,
    starts_at: time | None = None,
    duration_minutes: int = DEFAULT_MINUTES,
    review: Review | None = None,
) -> list[BookingWarning]:
    """The warnings of booking (or moving ``review``) for ``day``: late, not a working day, or
    the chair's other review that day (``reviews.booking_warnings``; four queries)."""
    chair = review.chair if review is not None else (current_iro(child))
    others = Review.objects.booked().filter(booked_for=day, chair=chair) if chair else Review.objects.none()
    if review is not None:
        others = others.exclude(pk=review.pk)
    return booking_warnings(
        day,
        due_on=_due_on(child.pk),
        bank_holidays=england_bank_holidays(day, day),
        closures=dict(ClosureDay.objects.filter(day=day).values_list("day", "reason")),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        others=[OtherBooking(o.booked_for, o.starts_at, o.duration_minutes) for o in others],
    )


def _early_after_change(child_id: int, day: date) -> bool:
    return is_early_after_change(
        day, due_on=_due_on(child_id), changes_since_last_review=changes_since_last_review(child_id)
    )


@transaction.atomic
def review_book(
    *,
    child: Child,
    by: User,
    booked_for: date,
    venue: str = "",
    starts_at: time | None = None,
    duration_minutes: int = DEFAULT_MINUTES,
    invite: Sequence[Contact] = (),
    invite_child: bool = False,
    today: date | None = None,
) -> Review:
    """Book the child's next review, and invite ``invite`` (and the child). One booked review at
    a time; move it with ``review_reschedule``. Warnings (``booking_warnings_for``) never refuse."""
    today = today or timezone.localdate()
    require_can_chair(child, by, on=today)
    _check_booking(child, booked_for, today=today)
    review = Review(
        child=child,
        chair=current_iro(child) or by,
        status=ReviewStatus.BOOKED,
        booked_for=booked_for,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        venue=venue.strip(),
        after_significant_change=_early_after_change(child.pk, booked_for),
        created_by=by,
    )
    save_validated(review, by=by)
    audit_change(review, by=by, created=True, summary=f"Review booked for {booked_for:%-d %B %Y}")
    if invite or invite_child:
        review_invite(review=review, contacts=invite, child=invite_child, by=by, today=today)
    after_change(child.pk, today=today)
    return review


def _change_booking(
    review: Review, *, by: User, kind: str, to_date: date | None, reason: str, iro_consented: bool
) -> ReviewDateChange:
    if review.status != ReviewStatus.BOOKED:
        raise ValidationError("Only a booked review can be moved or cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason."})
    if not iro_consented:
        raise ValidationError({"iro_consented": "The IRO must agree before a review is moved or cancelled."})
    change = ReviewDateChange(
        review=review,
        kind=kind,
        from_date=review.booked_for,
        to_date=to_date,
        reason=reason.strip(),
        iro_consented=True,
        changed_by=by,
    )
    change.full_clean()
    change.save()
    return change


#: ``review_reschedule``'s start time, length and venue stay as booked unless given.
KEEP: Any = object()


@transaction.atomic
def review_reschedule(
    *,
    review: Review,
    by: User,
    new_date: date,
    reason: str,
    iro_consented: bool,
    starts_at: time | None = KEEP,
    duration_minutes: int = KEEP,
    venue: str = KEEP,
    today: date | None = None,
) -> Review:
    """Postpone or bring forward a booked review, with a reason and the IRO's consent (section 2).
    A new start time on the same day is a move too. Everyone invited gets the update."""
    today = today or timezone.localdate()
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_can_chair(review.child, by, on=today)
    if new_date < today:
        raise ValidationError({"new_date": "The new date must be today or later."})
    new_time = review.starts_at if starts_at is KEEP else starts_at
    if (new_date, new_time) == (review.booked_for, review.starts_at):
        raise ValidationError({"new_date": "The new date is the same as the booked date."})
    moved_later = (new_date, new_time or time.min) > (review.booked_for, review.starts_at or time.min)
    kind = DateChangeKind.POSTPONED if moved_later else DateChangeKind.BROUGHT_FORWARD
    old = review.booked_for
    _change_booking(review, by=by, kind=kind, to_date=new_date, reason=reason, iro_consented=iro_consented)
    review.booked_for = new_date
    review.starts_at = new_time
    if duration_minutes is not KEEP:
        review.duration_minutes = duration_minutes
    if venue is not KEEP:
        review.venue = venue.strip()
    review.after_significant_change = _early_after_change(review.child_id, new_date)
    review.ics_sequence += 1
    review.version += 1
    save_validated(review, by=by)
    invitations_update(review=review, by=by)
    audit_change(
        review,
        by=by,
        summary=f"Review {DateChangeKind(kind).label.lower()} from {old:%-d %B %Y} to {new_date:%-d %B %Y}",
        changes={"booked_for": [old, new_date], "reason": [None, reason.strip()]},
    )
    after_change(review.child_id, today=today)
    return review


@transaction.atomic
def review_cancel(*, review: Review, by: User, reason: str, iro_consented: bool, today: date | None = None) -> Review:
    """Cancel a booked review, with a reason and the IRO's consent; the record keeps both."""
    today = today or timezone.localdate()
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_can_chair(review.child, by, on=today)
    _change_booking(
        review, by=by, kind=DateChangeKind.CANCELLED, to_date=None, reason=reason, iro_consented=iro_consented
    )
    review.status = ReviewStatus.CANCELLED
    review.cancelled_on = today
    review.ics_sequence += 1
    review.version += 1
    save_validated(review, by=by)
    invitations_update(review=review, by=by, cancelled=True)
    audit_change(review, by=by, summary=f"Review booked for {review.booked_for:%-d %B %Y} cancelled: {reason.strip()}")
    after_change(review.child_id, today=today)
    return review
