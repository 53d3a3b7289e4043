"""Making, opening, answering and revoking links that need no account
(docs/rules.md#the-childs-voice).

- ``link_create``: only the IRO who holds or covers the child, for a booked review
  (consultation) or a held one (feedback). A new link for the same person and purpose replaces
  the old one, which stops working; a person who has answered is not asked again.
- ``link_for_token``: the live link a token opens, or ``None`` (unknown, expired, revoked,
  replaced or already answered all look the same to whoever holds the token).
- ``response_submit``: the one submission a link takes. It writes the answers the link's own
  form asks for and closes the link, and nothing else: the review, the child and the form come
  from the link found by the token's hash, never from what was posted.

Every make, open, answer, read and revoke writes an audit event naming the child. Opening and
answering are done by whoever holds the link (no account), so their events have no actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from children.ages import age_on
from children.codes import AllocationWork
from iro_service.audit import audit_record
from iro_service.models import AuditAction
from iro_service.services import require_may_act, save_audited, save_validated
from reviews.codes import ReviewStatus

from .. import tokens
from ..codes import Purpose, Respondent, form_for
from ..models import VoiceLink, VoiceResponse
from ..questions import clean_answers

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from children.models import Contact
    from reviews.models import Review

#: Respondents asked by purpose (social workers give views before, not feedback after).
ASKED: dict[str, tuple[str, ...]] = {
    Purpose.CONSULTATION: (Respondent.CHILD, Respondent.PARENT, Respondent.CARER, Respondent.SOCIAL_WORKER),
    Purpose.FEEDBACK: (Respondent.CHILD, Respondent.PARENT, Respondent.CARER),
}

REPLACED = "Replaced by a new link"
REVOKED = "Revoked by the IRO"


def require_chair(child, user: User) -> None:
    """Only the IRO who holds or covers the child (looked-after work) asks for and reads views
    through links (the manager sees them, but the conversation is the IRO's)."""
    require_may_act(
        child,
        user,
        perm="reviews.chair_review",
        on=None,
        refusal="You can only ask for and read the views of children you hold or cover.",
        held_only=True,
        work=AllocationWork.LOOKED_AFTER,
    )


class LinkClosed(Exception):
    """The link no longer takes an answer (answered, expired, revoked or replaced meanwhile)."""


@dataclass(frozen=True)
class NewLink:
    """A link just made: ``raw`` goes into the message or letter and is never stored."""

    link: VoiceLink
    raw: str

    @property
    def path(self) -> str:
        from django.urls import reverse  # noqa: PLC0415

        return reverse("voice:form", kwargs={"token": self.raw})


def review_day(review: Review):
    """The review's date: held, else booked."""
    return review.held_on or review.booked_for


def purpose_fits(review: Review, purpose: str) -> bool:
    """Consultation before a booked review, feedback after a held one."""
    wanted = ReviewStatus.BOOKED if purpose == Purpose.CONSULTATION else ReviewStatus.HELD
    return review.status == wanted


def _require_purpose_fits(review: Review, purpose: str) -> None:
    if purpose_fits(review, purpose):
        return
    if purpose == Purpose.CONSULTATION:
        raise ValidationError("Consultation is sent before a review: this review is not booked.")
    raise ValidationError("Feedback is asked for after a review: this review has not been held.")


def link_create(
    *,
    review: Review,
    purpose: str,
    respondent: str,
    contact: Contact | None = None,
    channel: str,
    sent_to: str = "",
    by: User,
    now: datetime | None = None,
) -> NewLink:
    """A new link for one person about ``review``, replacing their unanswered one. Raises
    ``ValidationError`` if ``by`` may not chair the child's reviews, the review is not at the
    right stage, the person is not one of the child's current contacts in that role, or they
    have answered already."""
    now = now or timezone.now()
    child = review.child
    require_chair(child, by)
    _require_purpose_fits(review, purpose)
    if respondent not in ASKED[purpose]:
        raise ValidationError(f"{Respondent(respondent).label} is not asked for {Purpose(purpose).label.lower()}.")
    if (respondent == Respondent.CHILD) != (contact is None):
        raise ValidationError("A link is for the child themselves or for one of the people around them.")
    if contact is not None and contact.child_id != child.pk:
        raise ValidationError("That person is not one of this child's contacts.")
    day = review_day(review)
    age = age_on(child.date_of_birth, day) if day else None
    form_kind = form_for(purpose, respondent, age=age, young_person_age=settings.VOICE_YOUNG_PERSON_AGE)
    with transaction.atomic():
        found = VoiceLink.objects.select_for_update().filter(review=review, purpose=purpose, contact=contact)
        if contact is None:
            found = found.filter(respondent=Respondent.CHILD)
        earlier = list(found)
        if any(link.submitted_at is not None for link in earlier):
            raise ValidationError(f"{_name(child, contact)} has already answered.")
        for old in earlier:
            if old.revoked_at is None:
                old.revoked_at, old.revoked_reason = now, REPLACED
                save_validated(old, by=by, update_fields=["revoked_at", "revoked_reason", "updated_at"])
        raw = tokens.new_token()
        link = VoiceLink(
            review=review,
            child=child,
            purpose=purpose,
            form_kind=form_kind,
            respondent=respondent,
            contact=contact,
            name=_name(child, contact),
            channel=channel,
            sent_to=sent_to,
            token_hash=tokens.token_hash(raw),
            expires_at=now + timedelta(days=settings.VOICE_LINK_DAYS),
            created_by=by,
        )
        save_audited(
            link,
            by=by,
            action=AuditAction.CREATED,
            summary=f"{link.get_form_kind_display()} link made for "
            f"{link.get_respondent_display().lower()} ({link.get_channel_display().lower()})",
            changes={"replaced": [old.pk for old in earlier if old.revoked_reason == REPLACED]},
        )
    return NewLink(link=link, raw=raw)


def _name(child, contact) -> str:
    return child.first_name if contact is None else contact.name


def link_revoke(*, link: VoiceLink, by: User, now: datetime | None = None) -> VoiceLink:
    """Close an unanswered link at once (the IRO's choice: sent to the wrong address, say)."""
    require_chair(link.child, by)
    with transaction.atomic():
        link = VoiceLink.objects.select_for_update().get(pk=link.pk)
        if link.submitted_at is not None:
            raise ValidationError("This link has been answered: there is nothing to revoke.")
        if link.revoked_at is not None:
            return link
        link.revoked_at, link.revoked_by, link.revoked_reason = now or timezone.now(), by, REVOKED
        return save_audited(
            link,
            by=by,
            action=AuditAction.UPDATED,
            summary=f"{link.get_form_kind_display()} link revoked",
            update_fields=["revoked_at", "revoked_by", "revoked_reason", "updated_at"],
        )


def link_for_token(raw: str, *, now: datetime | None = None) -> VoiceLink | None:
    """The live link ``raw`` opens, with its review and child, or ``None`` (one query)."""
    if not tokens.looks_like_token(raw):
        return None
    now = now or timezone.now()
    link = (
        VoiceLink.objects.live(now=now)
        .select_related("review", "child")
        .filter(token_hash=tokens.token_hash(raw))
        .first()
    )
    if link is None or not tokens.same_hash(link.token_hash, raw):
        return None
    return link


def link_opened(link: VoiceLink, *, path: str = "", now: datetime | None = None) -> None:
    """Count an opening of the form and write its audit event (no actor: nobody signs in)."""
    now = now or timezone.now()
    VoiceLink.objects.filter(pk=link.pk).update(open_count=F("open_count") + 1)
    VoiceLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=now)
    audit_record(
        actor=None,
        action=AuditAction.VIEWED,
        child_id=link.child_id,
        obj=link,
        summary=f"{link.get_form_kind_display()} form opened from its link",
        path=path,
    )


def response_submit(*, raw: str, data: dict[str, object], path: str = "", now: datetime | None = None) -> VoiceResponse:
    """Keep the answers posted through ``raw``'s link and close it. Raises ``LinkClosed`` if the
    link no longer takes answers, ``ValidationError`` (naming each question) if an answer is bad."""
    now = now or timezone.now()
    if not tokens.looks_like_token(raw):
        raise LinkClosed
    with transaction.atomic():
        link = (
            VoiceLink.objects.select_for_update(of=("self",))
            .live(now=now)
            .select_related("review", "child")
            .filter(token_hash=tokens.token_hash(raw))
            .first()
        )
        if link is None:
            raise LinkClosed
        answers = clean_answers(link.form_kind, data)
        day = review_day(link.review)
        response = VoiceResponse(
            link=link,
            review=link.review,
            child=link.child,
            purpose=link.purpose,
            form_kind=link.form_kind,
            respondent=link.respondent,
            answers=answers,
            identified=link.purpose == Purpose.CONSULTATION or bool(answers.get("share_name")),
            child_age=age_on(link.child.date_of_birth, day) if day else None,
            submitted_at=now,
        )
        try:
            with transaction.atomic():
                save_validated(response, by=None)
                link.submitted_at = now
                save_validated(link, by=None, update_fields=["submitted_at", "updated_at"])
        except IntegrityError as exc:  # answered at the same moment through a second link
            raise LinkClosed from exc
        audit_record(
            actor=None,
            action=AuditAction.CREATED,
            child_id=link.child_id,
            obj=response,
            summary=f"{link.get_form_kind_display()} answered through its link",
            path=path.replace(raw, "…"),
        )
    return response


def response_mark_read(*, response: VoiceResponse, by: User, now: datetime | None = None) -> VoiceResponse:
    """The IRO has read the answer: it leaves the top of their start page."""
    require_chair(response.child, by)
    if response.read_at is not None:
        return response
    response.read_at, response.read_by = now or timezone.now(), by
    return save_audited(
        response,
        by=by,
        action=AuditAction.UPDATED,
        summary=f"{response.get_form_kind_display()} answer marked read",
        update_fields=["read_at", "read_by", "updated_at"],
    )
