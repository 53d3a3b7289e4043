"""Sending a conference's minutes: who was sent them, how and when, or why not
(docs/rules.md#child-protection), as for a looked-after review's record
(``reviews.services.distribution``).

``conference_minutes_sent_record`` writes one ``MinutesSent`` row per person and keeps
``Conference.minutes_distributed_on`` as their cache: the latest date the minutes were sent,
once everyone who should be sent them (``conferences.distribution``) was sent them or recorded
as deliberately not sent with a reason; empty while anyone is waiting. The minutes-late flag
(``conferences.flags``) reads that date unchanged, so it resolves at the next sweep.

A conference whose date was recorded with the one-date form (``conference_minutes_distribute``)
keeps it until the chair records the list, which then works the date out again from the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from children.models import Contact
from iro_service.audit import audit_record, diff_fields
from iro_service.concurrency import claim_version
from iro_service.models import AuditAction
from iro_service.services import save_validated
from reviews.codes import DistributionMethod

from .. import distribution
from ..codes import ConferenceStatus
from ..models import Conference, ConferenceAttendee, ConferenceChild, MinutesSent
from .record import require_can_chair

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class MinutesSentInput:
    """One person's copy as entered: the recipient key (``conferences.distribution``) and either
    how and when it was sent or why it was not."""

    recipient: str
    method: str = ""
    sent_on: date | None = None
    not_sent_reason: str = ""


@dataclass(frozen=True)
class MinutesLine:
    """One person on the list, and the copy recorded for them, if any."""

    recipient: distribution.MinutesRecipient
    copy: MinutesSent | None

    @property
    def waiting(self) -> bool:
        return self.copy is None


@dataclass(frozen=True)
class MinutesList:
    """A conference's distribution list: who should be sent the minutes, then anyone recorded
    who is no longer on it (a contact who has since left their role)."""

    expected: list[distribution.MinutesRecipient]
    lines: list[MinutesLine]
    eldest_child_id: int | None

    @property
    def waiting(self) -> list[MinutesLine]:
        return [line for line in self.lines if line.waiting]


def _expected(conference: Conference, *, today: date) -> tuple[list[distribution.MinutesRecipient], int | None]:
    """Three queries: the children, their current contacts, the attendees."""
    if conference.held_on is None:
        return [], None
    places = list(
        ConferenceChild.objects.filter(conference=conference)
        .select_related("child")
        .order_by("child__date_of_birth", "pk")
    )
    children = [
        distribution.FamilyChild(p.child_id, p.child.first_name, p.child.full_name, p.child.date_of_birth)
        for p in places
    ]
    contacts = (
        Contact.objects.filter(child_id__in=[c.pk for c in children])
        .current(on=today)
        .order_by("child__date_of_birth", "child_id", "role", "name", "pk")
    )
    attendees = ConferenceAttendee.objects.filter(conference=conference).order_by("agency", "name", "pk")
    expected = distribution.expected_minutes_recipients(
        held_on=conference.held_on, children=children, contacts=contacts, attendees=attendees
    )
    return expected, (children[0].pk if children else None)


def minutes_distribution_list(conference: Conference, *, today: date) -> MinutesList:
    """The list the page shows, in a fixed number of queries whatever its length."""
    expected, eldest = _expected(conference, today=today)
    rows = {row.recipient_key: row for row in MinutesSent.objects.filter(conference=conference).order_by("pk")}
    lines = [MinutesLine(r, rows.pop(r.key, None)) for r in expected]
    lines.extend(
        MinutesLine(distribution.MinutesRecipient(key, row.name, row.role, row.child_id), row)
        for key, row in rows.items()
    )
    return MinutesList(expected, lines, eldest)


def _words(row: MinutesSent | None) -> str:
    if row is None:
        return "not recorded"
    if row.sent_on is None:
        return f"not sent: {row.not_sent_reason}"
    return f"sent by {row.get_method_display().lower()} on {row.sent_on:%-d %B %Y}"


def _check(conference: Conference, entry: MinutesSentInput, *, today: date) -> None:
    if entry.sent_on is None:
        if not entry.not_sent_reason.strip():
            raise ValidationError({"not_sent_reason": "Enter why the minutes were not sent."})
        return
    if entry.method not in DistributionMethod.values:
        raise ValidationError({"method": "Choose how the minutes were sent."})
    if entry.sent_on > today:
        raise ValidationError({"sent_on": "The date sent must be today or in the past."})
    if entry.sent_on < conference.held_on:
        raise ValidationError(
            {"sent_on": f"The minutes cannot be sent before the conference on {conference.held_on:%-d %B %Y}."}
        )
    completed_on = conference.minutes_completed_on
    if completed_on and entry.sent_on < completed_on:
        raise ValidationError(
            {"sent_on": f"The minutes cannot be sent before they were completed on {completed_on:%-d %B %Y}."}
        )


def _write(
    conference: Conference,
    entry: MinutesSentInput,
    recipient: distribution.MinutesRecipient,
    existing: MinutesSent | None,
    *,
    eldest_child_id: int,
    by: User,
) -> None:
    sent = entry.sent_on is not None
    values = {
        "method": entry.method if sent else "",
        "sent_on": entry.sent_on,
        "not_sent_reason": "" if sent else entry.not_sent_reason.strip(),
    }
    before = _words(existing)
    if existing is None:
        kind, pk = distribution.parse_key(recipient.key)
        row = MinutesSent(
            conference=conference,
            child_id=recipient.child_id or eldest_child_id,
            contact_id=pk if kind == "contact" else None,
            attendee_id=pk if kind == "attendee" else None,
            to_child=kind == "child",
            name=recipient.name,
            role=recipient.role_label[:200],
            recorded_by=by,
            **values,
        )
    elif all(getattr(existing, name) == value for name, value in values.items()):
        return
    else:
        row = existing
        for name, value in values.items():
            setattr(row, name, value)
        row.recorded_by = by
    save_validated(row, by=by)
    audit_record(
        actor=by,
        action=AuditAction.CREATED if existing is None else AuditAction.UPDATED,
        child_id=row.child_id,
        obj=row,
        summary=f"Conference minutes to {row.name}: {_words(row)}",
        changes={"copy": [before, _words(row)]},
    )


@transaction.atomic
def conference_minutes_sent_record(
    *, conference: Conference, by: User, version: int, sent: list[MinutesSentInput], today: date | None = None
) -> Conference:
    """Record, per person, that the minutes were sent (how, when) or deliberately not sent (why);
    then work ``minutes_distributed_on`` out again from the rows. A person not on the
    conference's list is refused, as is a date before the conference or in the future; nothing
    is written if any copy is refused. Copies left out of ``sent`` are left as they are."""
    today = today or timezone.localdate()
    if conference.status != ConferenceStatus.HELD or conference.held_on is None:
        raise ValidationError("Only a conference that was held has minutes to send.")
    require_can_chair(conference, by, on=today)
    listing = minutes_distribution_list(conference, today=today)
    on_list = {line.recipient.key: line for line in listing.lines}
    if len({e.recipient for e in sent}) != len(sent):
        raise ValidationError("A person is in the list twice. Nothing has been saved.")
    for entry in sent:
        if entry.recipient not in on_list:
            raise ValidationError("That person is not on the conference's distribution list. Nothing has been saved.")
        _check(conference, entry, today=today)
    claim_version(conference, expected_version=version)
    conference = Conference.objects.get(pk=conference.pk)
    existing = {row.recipient_key: row for row in MinutesSent.objects.filter(conference=conference).select_for_update()}
    for entry in sent:
        line = on_list[entry.recipient]
        _write(
            conference,
            entry,
            line.recipient,
            existing.get(entry.recipient),
            eldest_child_id=listing.eldest_child_id or 0,  # a held conference has children
            by=by,
        )
    return _recompute(conference, listing.expected, by=by)


def _recompute(conference: Conference, expected: list[distribution.MinutesRecipient], *, by: User) -> Conference:
    rows = [(row.recipient_key, row.sent_on) for row in MinutesSent.objects.filter(conference=conference)]
    distributed_on = distribution.minutes_distributed_on(expected, rows)
    before = {
        "minutes_completed_on": conference.minutes_completed_on,
        "minutes_distributed_on": conference.minutes_distributed_on,
    }
    conference.minutes_distributed_on = distributed_on
    conference.minutes_completed_on = conference.minutes_completed_on or distributed_on
    after = {
        "minutes_completed_on": conference.minutes_completed_on,
        "minutes_distributed_on": distributed_on,
    }
    save_validated(conference, by=by)
    if distributed_on:
        late = conference.minutes_due_on is not None and distributed_on > conference.minutes_due_on
        summary = f"Minutes distributed on {distributed_on:%-d %B %Y}" + (" (late)" if late else " (in time)")
    else:
        summary = "Minutes distribution recorded: not everyone has been sent them yet"
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=None,
        obj=conference,
        summary=summary,
        changes=diff_fields(before, after),
    )
    return conference
