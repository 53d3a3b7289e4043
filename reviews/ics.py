"""A booked review as an iCalendar event (RFC 5545), for invitations (RFC 5546 METHOD REQUEST and
CANCEL) and for the IRO's own download; the per-IRO calendar feed reuses ``review_event``.

The event leaves the case system, so it names the child by initials and local reference only,
never by name (docs/rules.md#data-protection). The UID is the same for the review's whole life
(``review-<pk>@<CALENDAR_UID_DOMAIN>``), so a calendar updates or removes the one event; each
move or cancellation raises its SEQUENCE (``Review.ics_sequence``). Text such as the venue is
escaped and folded by ``icalendar``: a line break typed into it stays inside the one property.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from .models import Review

LONDON = ZoneInfo("Europe/London")
PRODID = "-//IRO service//Reviews//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def initials(first_name: str, last_name: str) -> str:
    """``M. R.``: the child as an email or calendar may show them (letters only, so nothing a
    name holds can break a header or a line)."""
    letters = [next((c for c in part if c.isalpha()), "") for part in (first_name, last_name)]
    return " ".join(f"{letter.upper()}." for letter in letters if letter)


def review_title(review: Review) -> str:
    """``Looked-after review: M. R. (R0001)``, the SUMMARY and the emails' subject line."""
    child = review.child
    reference = "".join(c for c in child.local_reference if c.isprintable())
    return f"Looked-after review: {initials(child.first_name, child.last_name)} ({reference})"


def review_uid(review: Review) -> str:
    return f"review-{review.pk}@{settings.CALENDAR_UID_DOMAIN}"


def _london_timezone() -> icalendar.Timezone:
    """Europe/London as the VTIMEZONE every calendar program writes: GMT, and BST from the last
    Sunday of March to the last Sunday of October (the rules since 1996)."""
    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/London")
    summer = icalendar.TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("dtstart", datetime(1981, 3, 29, 1, 0))  # noqa: DTZ001  # local time, as RFC 5545 wants
    summer.add("tzoffsetfrom", timedelta(hours=0))
    summer.add("tzoffsetto", timedelta(hours=1))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    winter = icalendar.TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("dtstart", datetime(1996, 10, 27, 2, 0))  # noqa: DTZ001
    winter.add("tzoffsetfrom", timedelta(hours=1))
    winter.add("tzoffsetto", timedelta(hours=0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def when(day: date, starts_at: time | None, minutes: int) -> tuple[date | datetime, date | datetime]:
    """A start time gives a timed event in London; without one the event is the whole day."""
    if starts_at is None:
        return day, day + timedelta(days=1)
    start = datetime.combine(day, starts_at, tzinfo=LONDON)
    return start, start + timedelta(minutes=minutes)


def review_event(
    review: Review,
    *,
    cancelled: bool = False,
    attendee: tuple[str, str] | None = None,
    stamp: datetime | None = None,
    venue: bool = True,
) -> icalendar.Event:
    """The VEVENT of a booked (or, ``cancelled``, a cancelled) review; ``attendee`` is the
    (name, email) of the one person an invitation goes to. Reads the review's child and chair."""
    if review.booked_for is None:
        raise ValueError("Only a review with a booked date has a calendar event")
    start, end = when(review.booked_for, review.starts_at, review.duration_minutes)
    event = icalendar.Event()
    event.add("uid", review_uid(review))
    event.add("dtstamp", stamp or timezone.now())
    event.add("sequence", review.ics_sequence)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", review_title(review))
    if venue and review.venue:
        event.add("location", review.venue)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    chair = review.chair
    organiser = (chair.email if chair is not None else "") or settings.DEFAULT_FROM_EMAIL
    name = chair.get_full_name() if chair is not None else ""
    event.add("organizer", f"mailto:{organiser}", parameters={"CN": name} if name else {})
    if attendee is not None:
        who, email = attendee
        event.add(
            "attendee",
            f"mailto:{email}",
            parameters={"CN": who, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"},
        )
    return event


def calendar_of(events: list[icalendar.Event], *, method: str | None = None) -> icalendar.Calendar:
    """A VCALENDAR holding ``events`` and the Europe/London VTIMEZONE their times refer to."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    calendar.add_component(_london_timezone())
    for event in events:
        calendar.add_component(event)
    return calendar


def review_ics(
    review: Review,
    *,
    method: str = REQUEST,
    attendee: tuple[str, str] | None = None,
    stamp: datetime | None = None,
    venue: bool = True,
) -> bytes:
    """The .ics of one review: ``REQUEST`` to invite (or update), ``CANCEL`` to cancel; without
    its venue when ``venue`` is False (an invitation to the child's family)."""
    event = review_event(review, cancelled=method == CANCEL, attendee=attendee, stamp=stamp, venue=venue)
    return calendar_of([event], method=method).to_ical()
