"""Helpers for the child's voice tests: a child in care with a booked and a held review, their
contacts, and links made and answered through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from children.codes import ContactRole
from reviews.models import Review
from tests.factories import ContactFactory
from tests.reviews.factories import child_in_care, held_review
from voice import services
from voice.codes import Channel, Purpose, Respondent


def child_with_booked_review(iro, *, born: dt.date = dt.date(2012, 3, 14), first_name: str = "Tia", in_days: int = 14):
    """A child looked after by ``iro`` for 60 days, a review booked ``in_days`` from today."""
    today = timezone.localdate()
    child = child_in_care(iro, today - dt.timedelta(days=60), first_name=first_name, date_of_birth=born)
    review = Review.objects.create(
        child=child, chair=iro, created_by=iro, status="booked", booked_for=today + dt.timedelta(days=in_days)
    )
    return child, review


def child_with_held_review(iro, *, born: dt.date = dt.date(2012, 3, 14), first_name: str = "Tia", days_ago: int = 3):
    today = timezone.localdate()
    child = child_in_care(iro, today - dt.timedelta(days=120), first_name=first_name, date_of_birth=born)
    review = held_review(child, iro=iro, held_on=today - dt.timedelta(days=days_ago))
    return child, review


def contact(child, role: str = ContactRole.MOTHER, **fields):
    """A current contact of ``child`` (by default their mother, with an email address)."""
    fields.setdefault("started_on", dt.date(2020, 1, 1))
    return ContactFactory(child=child, role=role, **fields)


def child_link(review, *, by, purpose: str = Purpose.CONSULTATION, channel: str = Channel.EMAIL, **kwargs):
    return services.link_create(
        review=review, purpose=purpose, respondent=Respondent.CHILD, channel=channel, by=by, **kwargs
    )


def parent_link(review, mother, *, by, purpose: str = Purpose.FEEDBACK, channel: str = Channel.EMAIL):
    """A link for one of the child's parents (``mother``, a contact) about ``review``."""
    return services.link_create(
        review=review, purpose=purpose, respondent=Respondent.PARENT, contact=mother, channel=channel, by=by
    )
