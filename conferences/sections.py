"""What the conferences app adds to pages drawn by apps it may not be imported by: the chair's
conferences and child protection flags on the home page (``HOME_SECTIONS``, drawn by
``reviews.views.reviews.home`` for IROs and ``conferences.views.home.home`` for child
protection chairs), docs/rules.md#child-protection."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings

from children.models import CoverArrangement
from reviews.codes import FlagKind
from reviews.digests import CP_DUE_LABELS
from reviews.models import DeadlineFlag

from .models import Conference

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: How far ahead the home page lists a chair's booked conferences.
UPCOMING_WEEKS = 8
CP_FLAG_KINDS = list(CP_DUE_LABELS)


def home_conferences(*, user: User, today: date) -> dict[str, Any]:
    """The chair's booked conferences of the next ``UPCOMING_WEEKS`` weeks (their own and those
    of the IROs they cover) with the due date and whether each is late, and the open child
    protection flags of the same chairs: two queries, whatever the number. Nothing for a user
    who chairs no conferences."""
    section: dict[str, Any] = {"template": "conferences/_home_section.html", "child_ids": []}
    if not (settings.CHAIRS_CHILD_PROTECTION_CONFERENCES and user.has_perm("conferences.chair_conference")):
        return section | {"shown": False}
    until = today + timedelta(weeks=UPCOMING_WEEKS)
    conferences = list(Conference.objects.upcoming_for_chair(user, on=today, until=until))
    flags = list(
        DeadlineFlag.objects.open()
        .filter(kind__in=CP_FLAG_KINDS, iro__in=CoverArrangement.objects.iros_of(user, on=today))
        .select_related("child")
        .order_by("due_on", "child__last_name", "child__first_name", "pk")
    )
    rows = [
        {"flag": flag, "label": FlagKind(flag.kind).label, "due_label": CP_DUE_LABELS[FlagKind(flag.kind)]}
        for flag in flags
    ]
    return section | {
        "shown": True,
        "user": user,
        "until": until,
        "weeks": UPCOMING_WEEKS,
        "conferences": conferences,
        "flags": rows,
        "child_ids": sorted({flag.child_id for flag in flags}),
    }
