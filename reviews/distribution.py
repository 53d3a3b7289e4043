"""Who should receive a review's documents (docs/rules.md#after-the-review): the record goes to
the child (from ``RECORD_TO_CHILD_FROM_AGE``), the parents, the carers and the social worker;
the letter goes to the child. Pure rules over what the caller has read: no queries here.

A recipient is keyed ``"child"`` or ``"contact:<pk>"``; a copy is keyed (recipient, document).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from children.ages import age_on
from children.codes import ContactRole

from .codes import DistributedDocument

#: The child is sent the review record itself from this age on the review date; younger children
#: are sent the letter only (docs/rules.md#after-the-review: the record goes to the child).
RECORD_TO_CHILD_FROM_AGE = 12

#: The people around the child who are sent the record unless the IRO records why not.
RECORD_ROLES = frozenset(
    {ContactRole.MOTHER, ContactRole.FATHER, ContactRole.PARENT, ContactRole.CARER, ContactRole.SOCIAL_WORKER}
)

CHILD_KEY = "child"


def contact_key(contact_id: int) -> str:
    return f"contact:{contact_id}"


def contact_id_of(key: str) -> int | None:
    """The contact's id in a recipient key; None for the child (ValueError if malformed)."""
    if key == CHILD_KEY:
        return None
    prefix, _, number = key.partition(":")
    if prefix != "contact" or not number.isdigit():
        raise ValueError(f"Not a recipient key: {key!r}")
    return int(number)


@dataclass(frozen=True)
class Recipient:
    """One person and one document they should receive (or were sent: ``expected`` False for
    someone the IRO added)."""

    key: str
    document: str
    name: str
    role_label: str
    expected: bool = True

    @property
    def document_label(self) -> str:
        return DistributedDocument(self.document).label


def expected_recipients(*, child_name: str, date_of_birth: date, held_on: date, contacts: Iterable) -> list[Recipient]:
    """The copies that should go out after a review held on ``held_on``: the letter to the
    child; the record to the child aged ``RECORD_TO_CHILD_FROM_AGE`` or over; the record to
    each of ``contacts`` (the child's current contacts) whose role is in ``RECORD_ROLES``."""
    expected = [Recipient(CHILD_KEY, DistributedDocument.LETTER, child_name, "The child")]
    if age_on(date_of_birth, held_on) >= RECORD_TO_CHILD_FROM_AGE:
        expected.append(Recipient(CHILD_KEY, DistributedDocument.RECORD, child_name, "The child"))
    expected.extend(
        Recipient(contact_key(c.pk), DistributedDocument.RECORD, c.name, c.get_role_display())
        for c in contacts
        if c.role in RECORD_ROLES
    )
    return expected


def waiting_for_record(expected: Iterable[Recipient], recorded: Iterable[tuple[str, str]]) -> list[Recipient]:
    """Who should receive the record and has neither been sent it nor recorded as not sent;
    ``recorded`` holds the (recipient key, document) of every row written."""
    done = set(recorded)
    return [r for r in expected if r.document == DistributedDocument.RECORD and (r.key, r.document) not in done]


def record_distributed_on(expected: Iterable[Recipient], rows: Iterable[tuple[str, str, date | None]]) -> date | None:
    """The date the record counts as distributed: the latest date it was sent, once everyone who
    should receive it was sent it or recorded as deliberately not sent with a reason; empty while
    anyone is waiting, and empty if nobody was sent it at all. ``rows`` holds the (recipient
    key, document, date sent) of every row written."""
    rows = list(rows)
    if waiting_for_record(expected, [(key, document) for key, document, _ in rows]):
        return None
    sent = [day for _, document, day in rows if document == DistributedDocument.RECORD and day is not None]
    return max(sent, default=None)
