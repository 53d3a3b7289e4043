"""The service deadlines page as CSV: each child's row as the page shows it, with labels
rather than codes (``selectors.deadline_rows_streamed``, sent by ``iro_service.csv.streamed_csv``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from .deadlines import DueStatus
from .selectors import CaseloadRow

HEADER = (
    "Local reference",
    "Child",
    "Age",
    "Legal status",
    "Placement type",
    "Looked after since",
    "Next review due",
    "Why it is due then",
    "Booked for",
    "Status",
    "IRO",
)

#: The words of the page's status tag (``{% due_tag %}``), and of a child with no due date.
STATUS_LABELS = {
    DueStatus.OVERDUE: "Overdue",
    DueStatus.DUE_SOON: "Due within 15 working days",
    DueStatus.ON_TRACK: "On track",
}
NO_DATE = "No date"


def deadline_csv_rows(rows: Iterable[CaseloadRow], *, today: date) -> Iterator[tuple]:
    for row in rows:
        child = row.child
        yield (
            child.local_reference,
            child.display_name,
            child.age_on(today),
            row.legal_status_label,
            row.placement_type_label,
            getattr(child, "looked_after_since", None),
            "Not known" if row.first_due_unknown else row.next_due_on,
            row.reason,
            row.booked_for if row.booked_for else "Not booked",
            STATUS_LABELS[row.state.status] if row.state else NO_DATE,
            row.iro_name,
        )
