"""Booking the next review, and moving or cancelling the booking (docs/rules.md#review-timescales).

A child has at most one booked review at a time. A booking is moved or cancelled only with a
reason and the IRO's consent, both kept in a ``ReviewDateChange`` row. Each service runs in one
transaction, checks that ``by`` may chair the child's reviews, writes the audit event, then
refreshes the child's cached schedule and deadline flags.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from children.ages import eighteenth_birthday
from children.models import Child
from iro_service.services import save_validated

from ..codes import DateChangeKind, ReviewStatus
from ..models import Review, ReviewDateChange
from .common import after_change, audit_change, current_iro, require_can_chair

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


@transaction.atomic
def review_book(*, child: Child, by: User, booked_for: date, venue: str = "", today: date | None = None) -> Review:
    """Book the child's next review. One booked review at a time; move it with ``review_reschedule``."""
    today = today or timezone.localdate()
    require_can_chair(child, by, on=today)
    _check_booking(child, booked_for, today=today)
    review = Review(
        child=child,
        chair=current_iro(child) or by,
        status=ReviewStatus.BOOKED,
        booked_for=booked_for,
        venue=venue.strip(),
        created_by=by,
    )
    save_validated(review, by=by)
    audit_change(review, by=by, created=True, summary=f"Review booked for {booked_for:%-d %B %Y}")
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


@transaction.atomic
def review_reschedule(
    *, review: Review, by: User, new_date: date, reason: str, iro_consented: bool, today: date | None = None
) -> Review:
    """Postpone or bring forward a booked review, with a reason and the IRO's consent (section 2)."""
    today = today or timezone.localdate()
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_can_chair(review.child, by, on=today)
    if new_date < today:
        raise ValidationError({"new_date": "The new date must be today or later."})
    if new_date == review.booked_for:
        raise ValidationError({"new_date": "The new date is the same as the booked date."})
    kind = DateChangeKind.POSTPONED if new_date > review.booked_for else DateChangeKind.BROUGHT_FORWARD
    old = review.booked_for
    _change_booking(review, by=by, kind=kind, to_date=new_date, reason=reason, iro_consented=iro_consented)
    review.booked_for = new_date
    review.version += 1
    save_validated(review, by=by)
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
    review.version += 1
    save_validated(review, by=by)
    audit_change(review, by=by, summary=f"Review booked for {review.booked_for:%-d %B %Y} cancelled: {reason.strip()}")
    after_change(review.child_id, today=today)
    return review
