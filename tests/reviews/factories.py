"""Helpers for review tests: a child in care with a known start and a held review."""

from __future__ import annotations

import datetime as dt

from reviews.models import Review
from reviews.schedule import schedule_refresh


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
