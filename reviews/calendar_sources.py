"""What other apps add to the calendars (``CALENDAR_SOURCES``): the reviews app draws an IRO's
calendar, the service calendar and the private feed, and never imports the apps that add to them
(docs/architecture.md; conferences adds its booked child protection conferences, issue 15).

Each dotted path in the setting names an object with the methods of ``CalendarSource``. An entry
it lists on a page has ``booked_for`` (its day), ``calendar_template`` (the template drawing it,
given the entry as ``entry``) and ``child_ids`` (the children it is about, for the audit).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from icalendar import Event

#: The IRO's capability: their calendar shows the reviews they chair or cover.
CHAIR = "reviews.chair_review"


class CalendarSource(Protocol):
    #: What the source lists, one and many (``("conference", "conferences")``), for the counts.
    nouns: tuple[str, str]

    def keeps_calendar(self, user: User) -> bool:
        """Whether ``user`` has a calendar of their own for this source's sake (its page and feed)."""

    def per_day(self, *, user: User, first: date, last: date, filters: Mapping[str, str]) -> dict[date, int]:
        """How many the service calendar holds each day (one query)."""

    def entries(
        self, *, user: User, first: date, last: date, today: date, service: bool, filters: Mapping[str, str]
    ) -> list[Any]:
        """The entries of the window: the user's own (and those of whoever they cover), or,
        ``service``, all the user may see, narrowed by the service calendar's ``filters``."""

    def feed(self, *, user: User, today: date, base_url: str, stamp: Any) -> tuple[list[Event], list[int]]:
        """The user's feed events and the ids of the children they are about."""


def calendar_sources() -> list[CalendarSource]:
    return [import_string(path) for path in getattr(settings, "CALENDAR_SOURCES", [])]


def keeps_calendar(user: User) -> bool:
    """An IRO, or a user a source gives a calendar (a child protection chair)."""
    return user.is_active and (user.has_perm(CHAIR) or any(s.keeps_calendar(user) for s in calendar_sources()))


def calendar_owner_page(*, methods: tuple[str, ...] = ()):
    """Sign in, then ``keeps_calendar`` or 403 (``iro_service.page_access.permission_page`` for
    a check that is not one permission)."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not keeps_calendar(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        if methods:
            checked = require_http_methods(list(methods))(checked)
        return login_required(checked)

    return decorate
