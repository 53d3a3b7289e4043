"""An IRO's private calendar feed: the reviews they have booked, for their own calendar app.

A calendar client fetches the feed without signing in, so its URL is a bearer secret: anyone
who holds it reads it. That decides what the feed may say (docs/rules.md#data-protection):

- the token is ``secrets.token_urlsafe(32)``, shown once and stored only as its SHA-256 hash;
  the IRO may replace or revoke it at any time, and every change is audited;
- it is checked on every fetch: an unknown or revoked token, or a user who is no longer active
  or no longer keeps a calendar (``calendar_sources.keeps_calendar``: the IRO role,
  ``reviews.chair_review``, or a child protection chair's), gets a 404, as does a wrong token;
- what other apps add (``CALENDAR_SOURCES``: a chair's booked conferences) follows the same
  rules: initials and references, no venue, a UID of its own;
- it lists the booked reviews of the children the user holds or covers *today*
  (``Child.objects.held_or_covered_by``, the IRO's side of ``visible_to``), so a child
  reallocated to another IRO drops out at the next fetch;
- each event says "Looked-after review" with the child's initials and local reference (the
  title and UID of the review's invitation, ``reviews.ics``), never a name, and
  never the venue: a venue is often the child's placement (a foster home's address, a
  residential home's name), and a leaked URL must not say where a looked-after child lives;
- an event has the review's start time and length in London when it has a time, and is all-day
  on ``booked_for`` (``DTSTART;VALUE=DATE``) when it has none.

Each fetch writes one audit event naming the user and the token, with the ids of the children
whose reviews it listed, not one event per child (a client fetches every few hours).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Event

from children.models import Child
from iro_service.audit import audit_record
from iro_service.models import AuditAction
from iro_service.services import save_audited

from . import ics
from .calendar_sources import calendar_sources, keeps_calendar
from .models import CalendarFeedToken, Review

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: The capability of an IRO: without it (role removed) the feed is gone.
FEED_PERMISSION = "reviews.chair_review"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewFeed:
    """A token just made: ``raw`` is shown to its user once and never stored."""

    token: CalendarFeedToken
    raw: str


@transaction.atomic
def calendar_feed_token_create(*, by: User) -> NewFeed:
    """A new feed token for ``by``, revoking the one they had (its URL stops working). The
    user's row is locked first, so two requests at once make one after the other, not two
    active tokens (the constraint ``one_active_calendar_feed_per_user`` would refuse the second)."""
    get_user_model().objects.select_for_update().filter(pk=by.pk).first()
    calendar_feed_token_revoke(by=by, replaced=True)
    raw = secrets.token_urlsafe(32)
    token = CalendarFeedToken(user=by, token_hash=token_hash(raw))
    save_audited(token, by=by, action=AuditAction.CREATED, summary="Calendar feed address created")
    return NewFeed(token=token, raw=raw)


@transaction.atomic
def calendar_feed_token_revoke(*, by: User, replaced: bool = False) -> CalendarFeedToken | None:
    """Revoke ``by``'s feed token, if they have one (the row is kept, marked revoked)."""
    token = CalendarFeedToken.objects.select_for_update().active().filter(user=by).first()
    if token is None:
        return None
    token.revoked_at = timezone.now()
    summary = "Calendar feed address replaced" if replaced else "Calendar feed address revoked"
    return save_audited(token, by=by, action=AuditAction.UPDATED, summary=summary, update_fields=["revoked_at"])


def active_token(raw: str) -> CalendarFeedToken | None:
    """The active token whose hash is ``raw``'s, if its user may still have a feed.

    The lookup is by hash: what the database compares is a digest the caller cannot steer, and
    the digests are compared again in constant time."""
    digest = token_hash(raw)
    token = CalendarFeedToken.objects.active().select_related("user").filter(token_hash=digest).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if not keeps_calendar(token.user):
        return None
    return token


def feed_reviews(user: User, *, today: date):
    """The booked reviews of the children ``user`` holds or covers on ``today``."""
    children = Child.objects.held_or_covered_by(user, on=today)
    return Review.objects.booked().filter(child__in=children).select_related("child").order_by("booked_for", "pk")


def _event(review: Review, *, stamp: datetime, base_url: str) -> Event:
    """The review as the IRO's invitation names it (``reviews.ics``: the same UID, so a calendar
    holding both shows it once, and the same title), without the venue or anyone's address."""
    day = review.booked_for
    assert day is not None  # noqa: S101 (a booked review has its date: the constraint booked_review_has_date)
    start, end = ics.when(day, review.starts_at, review.duration_minutes)
    event = Event()
    event.add("uid", ics.review_uid(review))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)  # a time in London, or a date: an all-day event (DTSTART;VALUE=DATE)
    event.add("dtend", end)
    event.add("summary", ics.review_title(review))
    # The page of the review is behind sign-in and scoped; the link says nothing by itself.
    event.add("url", base_url.rstrip("/") + reverse("reviews:detail", args=[review.pk]))
    return event


def feed_calendar(*, token: CalendarFeedToken, base_url: str) -> bytes:
    """The feed of ``token``'s user as iCalendar bytes; marks the token used and writes the one
    audit event of this fetch (by the user, naming the token, listing the children's ids). The
    event's path is the feed's page, not the feed's URL: that holds the secret."""
    today = timezone.localdate()
    user = token.user
    reviews = list(feed_reviews(user, today=today)) if user.has_perm(FEED_PERMISSION) else []
    stamp = timezone.now()
    events = [_event(review, stamp=stamp, base_url=base_url) for review in reviews]
    child_ids = [review.child_id for review in reviews]
    others = 0
    for source in calendar_sources():
        added, about = source.feed(user=user, today=today, base_url=base_url, stamp=stamp)
        events += added
        others += len(added)
        child_ids += [pk for pk in about if pk not in child_ids]
    calendar = ics.calendar_of(events)
    calendar.add("x-wr-calname", "Booked reviews")
    CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=stamp)
    audit_record(
        actor=token.user,
        action=AuditAction.LISTED,
        child_id=None,
        obj=token,
        summary=f"Calendar feed fetched: {len(reviews)} booked {'review' if len(reviews) == 1 else 'reviews'}"
        + (f" and {others} other booked {'entry' if others == 1 else 'entries'}" if others else ""),
        changes={"child_ids": child_ids},
        path=reverse("reviews:calendar_feed"),
    )
    return calendar.to_ical()
