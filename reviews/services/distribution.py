"""Sending a review's record and the child's letter: who was sent which, how and when, or why
not (docs/rules.md#after-the-review).

``review_distribution_record`` writes one ``DocumentSent`` row per person and document and keeps
``Review.record_distributed_on`` as their cache: the latest date the record was sent, once
everyone who should receive it (``reviews.distribution.expected_recipients``) was sent it or
recorded as deliberately not sent with a reason; empty while anyone is waiting. The daily sweep
and the reports read that date unchanged.

Reviews whose ``record_distributed_on`` was set before the list existed (the two-date form, the
SSDA903 import) keep it: no rows are made for them, and their date changes only when the IRO
records the list on the page, which then recomputes it from the rows.
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
from iro_service.services import require_not_future, save_validated

from .. import distribution
from ..codes import DistributedDocument, DistributionMethod, ReviewStatus
from ..models import DocumentSent, Review
from ..selectors import current_contacts, expected_for
from .common import after_change, audit_change, require_can_chair

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class SentInput:
    """One person's copy as entered: the recipient key (``reviews.distribution``), the
    document, and either how and when it was sent or why it was not. ``row`` is where the
    caller shows an error about it (the form row's number)."""

    recipient: str
    document: str
    method: str = ""
    sent_on: date | None = None
    not_sent_reason: str = ""
    row: int = 0


class RecipientRefused(ValidationError):
    """A rule refused one person's copy: ``row`` and ``field`` say where the form shows it."""

    def __init__(self, message: str, *, row: int, field: str):
        self.row = row
        self.field = field
        super().__init__(message)


def _check_completed_on(held_on: date, completed_on: date | None, *, today: date) -> None:
    if completed_on is None:
        return
    require_not_future(completed_on, today=today, field="record_completed_on", what="The completion date")
    if completed_on < held_on:
        raise ValidationError(
            {"record_completed_on": f"The completion date cannot be before the review on {held_on:%-d %B %Y}."}
        )


def _check_copy(held_on: date, entry: SentInput, *, completed_on: date | None, today: date) -> None:
    """The rules across records for one copy: sent not in the future, not before the review, and
    the record not before it was completed. The messages leave the person to the caller's row."""
    if entry.sent_on is not None and entry.method not in DistributionMethod.values:
        raise RecipientRefused("Choose how it was sent.", row=entry.row, field="method")
    if entry.sent_on is None:
        if not entry.not_sent_reason.strip():
            raise RecipientRefused("Enter why it was not sent.", row=entry.row, field="not_sent_reason")
        return
    if entry.sent_on > today:
        raise RecipientRefused("The date sent must be today or in the past.", row=entry.row, field="sent_on")
    if entry.sent_on < held_on:
        raise RecipientRefused(
            f"The date sent cannot be before the review on {held_on:%-d %B %Y}.", row=entry.row, field="sent_on"
        )
    if entry.document == DistributedDocument.RECORD:
        if completed_on is None:
            raise ValidationError({"record_completed_on": "Enter when the record was completed."})
        if entry.sent_on < completed_on:
            raise RecipientRefused(
                f"The record cannot be sent before it was completed on {completed_on:%-d %B %Y}.",
                row=entry.row,
                field="sent_on",
            )


def _contacts_named(review: Review, entries: list[SentInput]) -> dict[int, Contact]:
    """The contacts ``entries`` name, each one of the review's child's people: anyone else's
    is refused before anything is written."""
    try:
        wanted = {distribution.contact_id_of(e.recipient) for e in entries} - {None}
    except ValueError:
        raise ValidationError("Someone in the list is not one of the child's people. Nothing has been saved.") from None
    found = {c.pk: c for c in Contact.objects.filter(child_id=review.child_id, pk__in=wanted)}
    if set(found) != wanted:
        raise ValidationError(
            f"Someone in the list is not one of {review.child.first_name}'s people. Nothing has been saved."
        )
    return found


def _words(row: DocumentSent | None) -> str:
    if row is None:
        return "not recorded"
    if row.sent_on is None:
        return f"not sent: {row.not_sent_reason}"
    return f"sent by {row.get_method_display().lower()} on {row.sent_on:%-d %B %Y}"


def _write_copy(
    review: Review, entry: SentInput, existing: DocumentSent | None, contact: Contact | None, *, by: User
) -> tuple[DocumentSent, str] | None:
    """Create or change one row; None when it is unchanged. The name and role are copied when
    the row is first written and kept after."""
    sent = entry.sent_on is not None
    values = {
        "method": entry.method if sent else "",
        "sent_on": entry.sent_on,
        "not_sent_reason": "" if sent else entry.not_sent_reason.strip(),
    }
    before = _words(existing)
    if existing is None:
        child = review.child
        row = DocumentSent(
            review=review,
            document=entry.document,
            contact=contact,
            to_child=contact is None,
            name=contact.name if contact else child.full_name,
            role=contact.role if contact else "",
            recorded_by=by,
            **values,
        )
    elif all(getattr(existing, name) == value for name, value in values.items()):
        return None
    else:
        row = existing
        for name, value in values.items():
            setattr(row, name, value)
        row.recorded_by = by
    save_validated(row, by=by)
    audit_record(
        actor=by,
        action=AuditAction.CREATED if existing is None else AuditAction.UPDATED,
        child_id=review.child_id,
        obj=row,
        summary=f"{row.get_document_display()} to {row.name}: {_words(row)}",
        changes={"copy": [before, _words(row)]},
    )
    return row, before


@transaction.atomic
def review_distribution_record(
    *,
    review: Review,
    by: User,
    expected_version: int,
    record_completed_on: date | None,
    sent: list[SentInput],
    today: date | None = None,
) -> Review:
    """Record when the record was completed and, per person, each document sent (how, when) or
    deliberately not sent (why); then recompute ``record_distributed_on`` from the rows. Copies
    left out of ``sent`` are left as they are. Nothing is written if any copy is refused."""
    today = today or timezone.localdate()
    held_on = review.held_on
    if review.status != ReviewStatus.HELD or held_on is None:
        raise ValidationError("Only a review that was held has a record to distribute.")
    require_can_chair(review.child, by, on=today)
    _check_completed_on(held_on, record_completed_on, today=today)
    contacts = _contacts_named(review, sent)
    if len({(e.recipient, e.document) for e in sent}) != len(sent):
        raise ValidationError("A person is in the list twice for the same document. Nothing has been saved.")
    for entry in sent:
        if entry.document not in DistributedDocument.values:
            raise ValidationError("Choose which document was sent. Nothing has been saved.")
        if entry.document == DistributedDocument.LETTER and entry.recipient != distribution.CHILD_KEY:
            raise ValidationError("The letter to the child goes to the child alone. Nothing has been saved.")
        _check_copy(held_on, entry, completed_on=record_completed_on, today=today)
    claim_version(review, expected_version=expected_version)
    review = Review.objects.select_related("child").get(pk=review.pk)
    existing = {(row.recipient_key, row.document): row for row in review.documents_sent.select_for_update()}
    for entry in sent:
        contact_id = distribution.contact_id_of(entry.recipient)
        _write_copy(
            review,
            entry,
            existing.get((entry.recipient, entry.document)),
            contacts.get(contact_id) if contact_id else None,
            by=by,
        )
    return _recompute(review, record_completed_on=record_completed_on, by=by, today=today)


def _recompute(review: Review, *, record_completed_on: date | None, by: User, today: date) -> Review:
    """Set the completion date and the cache of the rows, audit the change, refresh the flags."""
    rows = [(row.recipient_key, row.document, row.sent_on) for row in review.documents_sent.all()]
    distributed_on = distribution.record_distributed_on(expected_for(review, current_contacts(review, on=today)), rows)
    before = {"record_completed_on": review.record_completed_on, "record_distributed_on": review.record_distributed_on}
    after = {"record_completed_on": record_completed_on, "record_distributed_on": distributed_on}
    review.record_completed_on = record_completed_on
    review.record_distributed_on = distributed_on
    save_validated(review, by=by)
    late = distributed_on and review.record_due_on and distributed_on > review.record_due_on
    if distributed_on:
        summary = f"Review record distributed on {distributed_on:%-d %B %Y}" + (" (late)" if late else "")
    else:
        summary = "Review record distribution recorded: not everyone has been sent it yet"
    audit_change(review, by=by, summary=summary, changes=diff_fields(before, after))
    after_change(review.child_id, today=today)
    return review
