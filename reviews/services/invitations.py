"""Inviting the people around the child to a booked review, and telling them when it moves or is
cancelled (docs/rules.md#participation: the child, parents, carers and professionals are invited).

Each invitee with an email address gets one email with the review's .ics attached (``reviews.ics``,
METHOD REQUEST, or CANCEL when the review is cancelled); one without is listed to be sent by post.
The emails go once the transaction commits, so a failed booking sends nothing. They name the child
by first name only in the body and by initials and reference in the subject
(docs/rules.md#data-protection).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Sequence
from email.mime.text import MIMEText
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from children.codes import ContactRole
from children.models import Contact
from iro_service.audit import audit_record
from iro_service.models import AuditAction
from iro_service.services import save_validated

from .. import ics
from ..codes import ParticipantRole, ReviewStatus
from ..models import Invitation, Review
from .common import require_can_chair

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

#: The part each contact takes in the review, as ``Review.invited`` records it.
PARTICIPANT_ROLE: dict[str, str] = {
    ContactRole.SOCIAL_WORKER: ParticipantRole.SOCIAL_WORKER,
    ContactRole.CARER: ParticipantRole.CARER,
    ContactRole.PLACEMENT: ParticipantRole.CARER,
    ContactRole.MOTHER: ParticipantRole.MOTHER,
    ContactRole.FATHER: ParticipantRole.FATHER,
    ContactRole.PARENT: ParticipantRole.PARENT,
    ContactRole.ADVOCATE: ParticipantRole.ADVOCATE,
}


def _role(contact: Contact) -> str:
    return PARTICIPANT_ROLE.get(contact.role, ParticipantRole.OTHER)


#: The people whose work is the child's care: their invitation says where the review is. Anyone
#: else (parents, family, others) is not emailed the venue: it is often the child's placement,
#: which a parent may not be allowed to know (docs/rules.md#data-protection). The IRO tells them
#: where, when it is safe to.
TOLD_THE_VENUE = frozenset(
    {
        ContactRole.SOCIAL_WORKER,
        ContactRole.TEAM_MANAGER,
        ContactRole.CARER,
        ContactRole.PLACEMENT,
        ContactRole.SCHOOL,
        ContactRole.DESIGNATED_TEACHER,
        ContactRole.ADVOCATE,
        ContactRole.HEALTH,
    }
)


def told_the_venue(invitation: Invitation) -> bool:
    contact = invitation.contact
    return contact is not None and contact.role in TOLD_THE_VENUE


def _sync_invited(review: Review, *, by: User) -> None:
    """``Review.invited`` keeps the roles of everyone invited, so the reports that read it agree."""
    roles = set(review.invited) | set(review.invitations.values_list("role", flat=True))
    if roles != set(review.invited):
        review.invited = sorted(roles)
        save_validated(review, by=by, update_fields=["invited"])


def _audit(invitation: Invitation, *, by: User, action: str, summary: str) -> None:
    audit_record(actor=by, action=action, child_id=invitation.review.child_id, obj=invitation, summary=summary)


def _check_contacts(review: Review, contacts: Sequence[Contact], *, today) -> None:
    """Only people around this child who hold their role today may be invited."""
    current = set(Contact.objects.filter(child_id=review.child_id).current(on=today).values_list("pk", flat=True))
    if any(contact.pk not in current for contact in contacts):
        raise ValidationError({"invite": "Choose only people around this child who hold their role now."})


@transaction.atomic
def review_invite(
    *, review: Review, contacts: Sequence[Contact], by: User, child: bool = False, today=None
) -> list[Invitation]:
    """Invite ``contacts`` (and the child, with ``child``) to a booked review. Anyone already
    invited is not invited twice. Emails go after commit; the rest are listed to go by post."""
    today = today or timezone.localdate()
    review = Review.objects.select_for_update(of=("self",)).select_related("child", "chair").get(pk=review.pk)
    require_can_chair(review.child, by, on=today)
    if review.status != ReviewStatus.BOOKED:
        raise ValidationError("Only a booked review's invitations can be sent.")
    _check_contacts(review, contacts, today=today)
    invited = set(review.invitations.exclude(contact=None).values_list("contact_id", flat=True))
    made = [
        Invitation(
            review=review,
            contact=contact,
            role=_role(contact),
            name=contact.name,
            email=contact.email,
            sequence=review.ics_sequence,
            created_by=by,
        )
        for contact in contacts
        if contact.pk not in invited
    ]
    if child and not review.invitations.filter(to_child=True).exists():
        made.append(
            Invitation(
                review=review,
                to_child=True,
                role=ParticipantRole.CHILD,
                name=review.child.first_name,
                sequence=review.ics_sequence,
                created_by=by,
            )
        )
    for invitation in made:
        save_validated(invitation, by=by)
        how = "by email" if invitation.email else "by post"
        _audit(
            invitation, by=by, action=AuditAction.CREATED, summary=f"Invited to the review ({invitation.role}, {how})"
        )
    _sync_invited(review, by=by)
    _send_on_commit([i.pk for i in made if i.email], method=ics.REQUEST, update=False)
    return made


def invitations_update(*, review: Review, by: User, cancelled: bool = False) -> None:
    """After ``review`` moved (or was ``cancelled``, by ``review_reschedule``/``review_cancel``,
    inside their transaction): every invitee not yet told of a cancellation gets the new SEQUENCE,
    and an update (or the cancellation) by email after commit."""
    now = timezone.now()
    outstanding = list(review.invitations.select_for_update().filter(cancelled_at__isnull=True))
    for invitation in outstanding:
        invitation.sequence = review.ics_sequence
        if cancelled:
            invitation.cancelled_at = now
        save_validated(invitation, by=by, update_fields=["sequence", "cancelled_at", "updated_at"])
        what = "cancellation" if cancelled else "new date"
        _audit(
            invitation,
            by=by,
            action=AuditAction.UPDATED,
            summary=f"Told of the review's {what} ({invitation.role}, {'by email' if invitation.email else 'by post'})",
        )
    method = ics.CANCEL if cancelled else ics.REQUEST
    _send_on_commit([i.pk for i in outstanding if i.email], method=method, update=True)


def _send_on_commit(invitation_ids: list[int], *, method: str, update: bool) -> None:
    if invitation_ids:
        transaction.on_commit(partial(invitations_send, invitation_ids, method=method, update=update))


def _when(review: Review) -> str:
    day = f"{review.booked_for:%A %-d %B %Y}"
    if review.starts_at is None or review.booked_for is None:
        return day
    start, end = ics.when(review.booked_for, review.starts_at, review.duration_minutes)
    return f"{day}, {start:%H:%M} to {end:%H:%M} (UK time)"


def invitation_body(invitation: Invitation, review: Review, *, method: str, update: bool = False) -> str:
    """The plain-text email: the child's first name at most, never their full name."""
    child = review.child.first_name
    chair = review.chair.get_full_name() if review.chair else "The independent reviewing officer"
    if method == ics.CANCEL:
        news = f"{child}'s looked-after review on {_when(review)} has been cancelled."
    elif update:
        news = f"{child}'s looked-after review has moved. It is now on {_when(review)}."
    else:
        news = f"You are invited to {child}'s looked-after review on {_when(review)}."
    lines = [f"Dear {invitation.name},", "", news]
    if method != ics.CANCEL:
        where = review.venue or "to be confirmed"
        if not told_the_venue(invitation):
            where = "the IRO will tell you where the review is held"
        lines += [f"Where: {where}", "", "The attached calendar file adds it to your calendar."]
    lines += ["", "If you have any questions, reply to this email.", "", chair, "Independent Reviewing Officer"]
    return "\n".join(lines) + "\n"


def _message(invitation: Invitation, review: Review, *, method: str, update: bool) -> EmailMessage:
    prefix = "Cancelled" if method == ics.CANCEL else ("Updated" if update else "Invitation")
    chair_email = review.chair.email if review.chair else ""
    message = EmailMessage(
        subject=f"{prefix}: {ics.review_title(review)}",
        body=invitation_body(invitation, review, method=method, update=update),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        reply_to=[chair_email] if chair_email else [],
    )
    calendar = ics.review_ics(
        review, method=method, attendee=(invitation.name, invitation.email), venue=told_the_venue(invitation)
    )
    part = MIMEText(calendar.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="review.ics")
    message.attach(part)
    return message


def invitations_send(invitation_ids: Iterable[int], *, method: str, update: bool = False) -> int:
    """Send the emails of these invitations, then note when; run after the commit. A mail
    server that fails leaves ``sent_at`` as it was, so the invitations page shows them unsent."""
    invitations = list(
        Invitation.objects.filter(pk__in=list(invitation_ids))
        .exclude(email="")
        .select_related("review__child", "review__chair", "contact")
    )
    if not invitations:
        return 0
    messages = [_message(i, i.review, method=method, update=update) for i in invitations]
    try:
        sent = get_connection().send_messages(messages) or 0
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Could not send %d review invitations: %s", len(messages), error)
        return 0
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(sent_at=timezone.now())
    return sent
