"""The children list and the IRO caseload table as CSV: each row as the page shows it, with
labels rather than codes, read a chunk at a time (``iro_service.csv.streamed_csv``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet

from iro_service.csv import EXPORT_CHUNK

from .caseload import CaseloadStatus
from .models import Child
from .models.staff import load_of

CHILD_HEADER = (
    "Local reference",
    "First name",
    "Last name",
    "Preferred name",
    "Age",
    "Care status",
    "Legal status",
    "Placement type",
    "Looked after since",
    "IRO",
    "Unaccompanied asylum-seeking child",
)


def child_rows(children: QuerySet[Child], *, today: date) -> Iterator[tuple]:
    """One row per child of ``children`` (a ``for_list()`` queryset, in its order): the list
    page's columns, codes written as their labels. Three queries per ``EXPORT_CHUNK`` children."""
    child: Any  # with what ``for_list()`` annotated and prefetched
    for child in children.iterator(chunk_size=EXPORT_CHUNK):
        episode, allocation = child.current_episode, child.current_allocation
        yield (
            child.local_reference,
            child.first_name,
            child.last_name,
            child.preferred_name,
            child.age_on(today),
            "Looked after" if episode else "Left care",
            episode.get_legal_status_display() if episode else "",
            episode.get_placement_type_display() if episode else "",
            child.looked_after_since,
            allocation.iro.get_full_name() or allocation.iro.username if allocation else "",
            "Yes" if child.is_uasc else "No",
        )


CASELOAD_HEADER = (
    "IRO",
    "Team",
    "FTE",
    "Band",
    "Looked after",
    "Child protection",
    "Families",
    "Weighted",
    "Against band",
    "Away, covered by",
    "Covering",
)

CASELOAD_STATUS_LABELS = {
    CaseloadStatus.UNDER: "Under band",
    CaseloadStatus.WITHIN: "Within band",
    CaseloadStatus.OVER: "Over band",
}


def _name(user) -> str:
    return user.get_full_name() or user.username


def caseload_rows(staff: QuerySet) -> Iterator[tuple]:
    """One row per person of ``staff`` (``children.querysets.staff_with_caseload``), as the
    caseload table shows them; three queries per ``EXPORT_CHUNK`` people. A chair with no IRO
    profile is counted full time and says so in the FTE column."""
    row: Any  # a user with what ``staff_with_caseload()`` annotated and prefetched
    for row in staff.iterator(chunk_size=EXPORT_CHUNK):
        load = load_of(row)
        low, high = load.band
        yield (
            _name(row),
            row.team_name or "",
            f"{load.fte:.2f}" + ("" if row.has_profile else " (no profile)"),
            f"{low} to {high}",
            load.looked_after,
            load.child_protection,
            load.families,
            load.weighted_text,
            CASELOAD_STATUS_LABELS[load.status],
            "; ".join(
                _name(cover.covering_iro) + (f" until {cover.ends_on:%-d %B %Y}" if cover.ends_on else "")
                for cover in row.active_cover_given
            ),
            "; ".join(_name(cover.absent_iro) for cover in row.active_cover_taken),
        )
