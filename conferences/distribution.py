"""Who should be sent a conference's minutes (docs/rules.md#child-protection: the minutes go to
the family and the agencies), with the rules of a looked-after review's record
(``reviews.distribution``, docs/rules.md#after-the-review): for each child of the family, their
parents and anyone else with parental responsibility, their carers and their social worker (of
their current contacts); the child from ``RECORD_TO_CHILD_FROM_AGE``; and the professionals who
came or sent a report. Pure rules over what the caller has read: no queries here.

A family conference covers several children, each with their own contacts: brothers and sisters
sharing a mother each have a ``Contact`` row for her. The list names her once, under the first
child's row (``same_person``: the same role and name), and says whose she is.

A person is keyed ``"child:<pk>"``, ``"contact:<pk>"`` or ``"attendee:<pk>"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from children.ages import age_on
from reviews.distribution import RECORD_ROLES, RECORD_TO_CHILD_FROM_AGE, contact_key

__all__ = ["RECORD_TO_CHILD_FROM_AGE", "FamilyChild", "MinutesRecipient", "expected_minutes_recipients"]


def child_key(child_id: int) -> str:
    return f"child:{child_id}"


def attendee_key(attendee_id: int) -> str:
    return f"attendee:{attendee_id}"


def parse_key(key: str) -> tuple[str, int]:
    """``("child" | "contact" | "attendee", pk)`` of a recipient key (ValueError if malformed)."""
    kind, _, number = key.partition(":")
    if kind not in {"child", "contact", "attendee"} or not number.isdigit():
        raise ValueError(f"Not a recipient key: {key!r}")
    return kind, int(number)


@dataclass(frozen=True)
class FamilyChild:
    """What the list needs of one child at the conference."""

    pk: int
    first_name: str
    full_name: str
    date_of_birth: date


@dataclass(frozen=True)
class MinutesRecipient:
    """One person who should be sent the minutes. ``child_id`` is the child whose person it is
    (None for a professional: the caller files them under the family's eldest child);
    ``children`` the first names of every child they are someone to."""

    key: str
    name: str
    role_label: str
    child_id: int | None
    children: tuple[str, ...] = ()
    professional: bool = False


def _same_person(contact) -> tuple[str, str]:
    return (contact.role, " ".join(contact.name.split()).casefold())


def expected_minutes_recipients(
    *, held_on: date, children: Iterable[FamilyChild], contacts: Iterable, attendees: Iterable
) -> list[MinutesRecipient]:
    """The people who should be sent the minutes of a conference held on ``held_on`` for
    ``children``: each child aged ``RECORD_TO_CHILD_FROM_AGE`` or over on that day; of
    ``contacts`` (the children's current contacts), those whose role is in
    ``reviews.distribution.RECORD_ROLES`` or who have parental responsibility, once per person
    across brothers and sisters; and of ``attendees`` those who came or sent a report, as
    professionals, unless one of the family's people already has their name (the social worker)."""
    children = list(children)
    first_names = {c.pk: c.first_name for c in children}
    expected: list[MinutesRecipient] = [
        MinutesRecipient(child_key(c.pk), c.full_name, "The child", c.pk, (c.first_name,))
        for c in children
        if age_on(c.date_of_birth, held_on) >= RECORD_TO_CHILD_FROM_AGE
    ]
    people: dict[tuple[str, str], int] = {}
    for contact in contacts:
        if contact.role not in RECORD_ROLES and not contact.has_parental_responsibility:
            continue
        if contact.child_id not in first_names:
            continue
        same = _same_person(contact)
        name = first_names[contact.child_id]
        if same in people:
            index = people[same]
            found = expected[index]
            if name not in found.children:
                expected[index] = MinutesRecipient(
                    found.key, found.name, found.role_label, found.child_id, (*found.children, name)
                )
            continue
        people[same] = len(expected)
        expected.append(
            MinutesRecipient(
                contact_key(contact.pk), contact.name, contact.get_role_display(), contact.child_id, (name,)
            )
        )
    names = {" ".join(r.name.split()).casefold() for r in expected}
    for attendee in attendees:
        if not (attendee.attended or attendee.sent_report):
            continue
        if " ".join(attendee.name.split()).casefold() in names:
            continue
        role = attendee.get_agency_display() + (f": {attendee.role}" if attendee.role else "")
        expected.append(MinutesRecipient(attendee_key(attendee.pk), attendee.name, role, None, professional=True))
    return expected


def waiting(expected: Iterable[MinutesRecipient], recorded: Iterable[str]) -> list[MinutesRecipient]:
    """Who should be sent the minutes and has neither been sent them nor recorded as not sent;
    ``recorded`` holds the recipient key of every row written."""
    done = set(recorded)
    return [r for r in expected if r.key not in done]


def minutes_distributed_on(
    expected: Iterable[MinutesRecipient], rows: Iterable[tuple[str, date | None]]
) -> date | None:
    """The date the minutes count as distributed: the latest date they were sent, once everyone
    who should be sent them was sent them or recorded as deliberately not sent with a reason;
    empty while anyone is waiting, and empty if nobody was sent them at all. ``rows`` holds the
    (recipient key, date sent) of every row written."""
    rows = list(rows)
    if waiting(expected, [key for key, _ in rows]):
        return None
    return max((day for _, day in rows if day is not None), default=None)
