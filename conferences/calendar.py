"""A chair's booked child protection conferences on the calendars the reviews app draws, which
never imports this app (``CALENDAR_SOURCES``, ``reviews.calendar_sources``; docs/rules.md#child-protection):

- on a chair's own calendar (an IRO's, or a child protection chair's), the booked conferences
  they chair or that an IRO they cover chairs, as the home page lists them
  (``ConferenceQuerySet.upcoming_for_chair``): time, family, kind, due date and whether late,
  linking to the conference's page;
- on a manager's service calendar, every booked conference they may see, narrowed by its IRO
  (the conference's chair) or team (the chair's team), and counted into the day's counts when
  the calendar is too busy to list;
- in the chair's private feed, the same conferences as events that say the kind, the children's
  initials and local references, never the family's name or the venue (a family's home is a
  common venue, and a leaked feed URL must not say where children at risk live); the UID is
  ``conference-<pk>@<CALENDAR_UID_DOMAIN>``, stable for the conference's life and distinct from
  a review's. The feed carries no SEQUENCE, as the reviews' feed carries none.

A chair who is not an IRO (``roles.CP_CHAIR``) keeps a calendar for these: ``keeps_calendar``
says so for a user with ``conferences.chair_conference`` who does not manage conferences (a
manager is not offered 'My conferences' either).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import BooleanField, Case, Count, F, Prefetch, When
from django.urls import reverse
from icalendar import Event

from children.models import CoverArrangement
from reviews import ics

from .models import Conference, ConferenceChild

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TEMPLATE = "conferences/_calendar_entry.html"


def conference_uid(conference: Conference) -> str:
    return f"conference-{conference.pk}@{settings.CALENDAR_UID_DOMAIN}"


def conference_title(conference: Conference) -> str:
    """``Initial child protection conference: M. R. (R0001), L. R. (R0002)``: initials and
    references only (``reviews.ics.initials``), never the family's name."""
    children = []
    for place in conference.places.all():
        child = place.child
        reference = "".join(c for c in child.local_reference if c.isprintable())
        children.append(f"{ics.initials(child.first_name, child.last_name)} ({reference})")
    return f"{conference.get_kind_display()}: {', '.join(children)}"


class BookedConferences:
    nouns = ("conference", "conferences")

    def _enabled(self) -> bool:
        return settings.CHAIRS_CHILD_PROTECTION_CONFERENCES

    def keeps_calendar(self, user: User) -> bool:
        return (
            self._enabled()
            and user.has_perm("conferences.chair_conference")
            and not user.has_perm("conferences.manage_conferences")
        )

    def _chaired(self, user: User, *, today: date):
        """Booked, chaired by ``user`` or by an IRO they cover today, of children they may see."""
        iros = CoverArrangement.objects.iros_of(user, on=today)
        return Conference.objects.booked().chaired_by_visible(user, on=today).filter(chair__in=iros)

    def _service(self, user: User, filters: Mapping[str, str]):
        conferences = Conference.objects.booked().visible_to(user)
        if filters.get("iro"):
            conferences = conferences.filter(chair_id=filters["iro"])
        if filters.get("team"):
            conferences = conferences.filter(chair__iro_profile__team_id=filters["team"])
        return conferences

    def per_day(self, *, user: User, first: date, last: date, filters: Mapping[str, str]) -> dict[date, int]:
        """How many are booked each day of the service calendar: one aggregate query."""
        if not self._enabled():
            return {}
        rows = (
            self._service(user, filters)
            .filter(booked_for__gte=first, booked_for__lte=last)
            .order_by()
            .values("booked_for")
            .annotate(booked=Count("id"))
            .values_list("booked_for", "booked")
        )
        return dict(rows)

    def entries(
        self, *, user: User, first: date, last: date, today: date, service: bool, filters: Mapping[str, str]
    ) -> list[Any]:
        """The window's booked conferences, by day and time, each with its chair, ``late`` (booked
        after its due date) and its children's ids: two queries (none if there are no conferences
        to prefetch for)."""
        if not self._enabled():
            return []
        if not service and not user.has_perm("conferences.chair_conference"):
            return []
        conferences = self._service(user, filters) if service else self._chaired(user, today=today)
        found = list(
            conferences.filter(booked_for__gte=first, booked_for__lte=last)
            .annotate(
                late=Case(When(due_on__lt=F("booked_for"), then=True), default=False, output_field=BooleanField())
            )
            .select_related("chair")
            .prefetch_related(Prefetch("places", queryset=ConferenceChild.objects.only("pk", "conference", "child")))
            .order_by("booked_for", "starts_at", "pk")
        )
        for conference in found:
            conference.calendar_template = TEMPLATE  # type: ignore[attr-defined]
            conference.child_ids = [place.child_id for place in conference.places.all()]  # type: ignore[attr-defined]
        return found

    def feed(self, *, user: User, today: date, base_url: str, stamp: datetime) -> tuple[list[Event], list[int]]:
        """The feed's events: every booked conference the user chairs or covers today (like the
        reviews, past and future), and the ids of their children. Two queries."""
        if not (self._enabled() and user.has_perm("conferences.chair_conference")):
            return [], []
        conferences = list(
            self._chaired(user, today=today)
            .filter(booked_for__isnull=False)
            .prefetch_related(Prefetch("places", queryset=ConferenceChild.objects.select_related("child")))
            .order_by("booked_for", "starts_at", "pk")
        )
        events, child_ids = [], []
        for conference in conferences:
            start, end = ics.when(conference.booked_for, conference.starts_at, conference.duration_minutes)
            event = Event()
            event.add("uid", conference_uid(conference))
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", end)
            event.add("summary", conference_title(conference))
            # The conference's page is behind sign-in and scoped; the link says nothing by itself.
            event.add("url", base_url.rstrip("/") + reverse("conferences:chair_detail", args=[conference.pk]))
            events.append(event)
            child_ids += [place.child_id for place in conference.places.all() if place.child_id not in child_ids]
        return events, child_ids


booked_conferences = BookedConferences()
