"""Helpers for review tests: a child in care with a known start, a held or cancelled review and a
change of a review's date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from children.models import Child
from reviews.codes import ReviewStatus
from reviews.deadlines import england_bank_holidays, record_distribution_due
from reviews.models import Review, ReviewDateChange
from reviews.schedule import schedule_refresh
from tests.factories import make_child_in_care

#: Bank holidays in England over the years the deadline tests use.
ENGLAND = england_bank_holidays(dt.date(2023, 1, 1), dt.date(2025, 12, 31))


def child_in_care(iro, looked_after_on: dt.date, **fields):
    """``make_child_in_care`` with the child's review schedule worked out."""
    child = make_child_in_care(iro=iro, looked_after_on=looked_after_on, **fields)
    schedule_refresh([child.pk])
    return child


def held_review_record_due(child, *, chair, held_on: dt.date, **fields) -> Review:
    """A held review written straight to the table (the schedule is not refreshed), its record due
    20 working days after ``held_on`` in England."""
    return Review.objects.create(
        child=child,
        chair=chair,
        created_by=chair,
        status=ReviewStatus.HELD,
        held_on=held_on,
        participation_code="PN1",
        record_due_on=record_distribution_due(held_on, non_working=ENGLAND),
        **fields,
    )


def held_review(child, *, iro, held_on: dt.date, code: str = "PN1", review_type: str = "first", **fields) -> Review:
    review = Review.objects.create(
        child=child,
        chair=iro,
        status="held",
        held_on=held_on,
        participation_code=code,
        review_type=review_type,
        created_by=iro,
        **fields,
    )
    schedule_refresh([child.pk])
    if "due_on" in fields:
        # A test that gives the due date by hand tests what counts it, not the rule: keep it
        # (and the type) over the chain's answer.
        Review.objects.filter(pk=review.pk).update(due_on=fields["due_on"], review_type=review_type)
    return review


def cancelled_review(child, *, iro, booked_for: dt.date, cancelled_on: dt.date, reason: str | None = None) -> Review:
    """A review booked for ``booked_for`` and cancelled on ``cancelled_on``; with a ``reason``, the
    cancellation is also recorded as a change of the review's date."""
    review = Review.objects.create(
        child=child, chair=iro, created_by=iro, status="cancelled", booked_for=booked_for, cancelled_on=cancelled_on
    )
    if reason:
        date_change(review, kind="cancelled", from_date=booked_for, reason=reason, by=iro)
    return review


def date_change(
    review, *, kind: str, from_date: dt.date, reason: str, by, to_date: dt.date | None = None
) -> ReviewDateChange:
    """A change of ``review``'s date (postponed, brought forward or cancelled) made by ``by``, with
    the IRO's consent that every date change needs."""
    return ReviewDateChange.objects.create(
        review=review,
        kind=kind,
        from_date=from_date,
        to_date=to_date,
        reason=reason,
        iro_consented=True,
        changed_by=by,
    )


def record_review(child, by, held_on: dt.date, *, today: dt.date, **overrides) -> Review:
    """A review recorded through ``reviews.services.review_record``, with plain answers."""
    from reviews import services

    fields = {
        "child": child,
        "by": by,
        "held_on": held_on,
        "participation_code": "PN1",
        "parents_participation": "attended",
        "wishes_and_feelings": "",
        "child_friendly_summary": "",
        "actions": [],
        "today": today,
    }
    return services.review_record(**(fields | overrides))


def correct_review(review, by, *, today: dt.date, **fields) -> Review:
    """``review`` corrected through ``reviews.services.review_update`` from its latest version."""
    from reviews import services

    review.refresh_from_db()
    return services.review_update(
        review=review, by=by, expected_version=review.version, actions=[], today=today, **fields
    )


def book_anyway(child, day: dt.date, *, review: Review | None = None, starts_at=None, duration_minutes: int = 90):
    """The fields of a booking (or a move of ``review``) to ``day`` that confirm its warnings, as
    an IRO who ticked "Book anyway" under them sends: the box and the key of those warnings."""
    from reviews.forms.reviews import warnings_key
    from reviews.services import booking_warnings_for

    warnings = booking_warnings_for(child, day, starts_at=starts_at, duration_minutes=duration_minutes, review=review)
    return {"book_anyway": "on", "warnings_seen": warnings_key(warnings)}


def mia_in_care(iro) -> Child:
    """Mia Rowe, born 5 May 2013, looked after for the last 10 days by ``iro``, her schedule worked out."""
    child = make_child_in_care(
        iro=iro,
        looked_after_on=timezone.localdate() - dt.timedelta(days=10),
        first_name="Mia",
        last_name="Rowe",
        date_of_birth=dt.date(2013, 5, 5),
    )
    schedule_refresh([child.pk])
    return child
