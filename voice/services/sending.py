"""Sending consultation invitations and feedback requests (docs/rules.md#the-childs-voice).

``people_to_ask`` lists who a review's IRO can ask (the child, and each current parent, carer and
social worker: ``ASKED``), with the state of their latest link and the ways their details allow.
``invitation_send`` makes a new link (``link_create``: it replaces an unanswered one) and hands
it over: by email or text message once the transaction has committed (``transaction.on_commit``,
in the same request: the token never goes to a queue), through GOV.UK Notify when it is set up
(``voice.notify``); or as a letter, printed at once (the view returns the PDF) or posted through
Notify's letter API. What happened is kept on the link (``sent_at`` only when it went,
``delivery_reference``, ``delivery_error``) and written as an audit event; a failure never
closes the link, so the IRO can print it instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from children.codes import ContactRole
from children.models import Contact
from iro_service.models import AuditAction
from iro_service.services import save_audited

from .. import notify
from ..codes import Channel, Respondent
from ..models import VoiceLink
from .links import ASKED, NewLink, link_create, require_chair, review_day

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from reviews.models import Review

logger = logging.getLogger(__name__)

#: Who each contact is asked as (``reviews.services.invitations.PARTICIPANT_ROLE``'s groups):
#: placement providers are carers; mothers, fathers and others with parental responsibility are
#: parents. Nobody else around the child is asked through a link.
RESPONDENT_FOR_ROLE: dict[str, str] = {
    ContactRole.SOCIAL_WORKER: Respondent.SOCIAL_WORKER,
    ContactRole.CARER: Respondent.CARER,
    ContactRole.PLACEMENT: Respondent.CARER,
    ContactRole.MOTHER: Respondent.PARENT,
    ContactRole.FATHER: Respondent.PARENT,
    ContactRole.PARENT: Respondent.PARENT,
}

#: The ways the IRO can choose on the page: ``letter`` is printed there and then; ``post`` is a
#: letter posted by GOV.UK Notify (offered only when Notify's letters are set up).
EMAIL, SMS, LETTER, POST = Channel.EMAIL.value, Channel.SMS.value, Channel.LETTER.value, notify.POST
WAYS: dict[str, str] = {
    EMAIL: "Email",
    SMS: "Text message",
    LETTER: "Print a letter with a QR code",
    POST: "Post a letter (GOV.UK Notify)",
}

_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")


def uk_mobile(phone: str) -> str:
    """``phone`` without spaces if it is a UK mobile number (a text message can reach it), else ""."""
    number = re.sub(r"[\s().-]", "", phone or "")
    return number if _MOBILE.match(number) else ""


def address_lines(address: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in re.split(r"[\n,]", address or "") if line.strip())


@dataclass
class Person:
    """One person the IRO can ask: ``key`` is "child" or "contact:<id>"."""

    key: str
    respondent: str
    name: str
    role_label: str
    contact: Contact | None = None
    #: The latest link made for them for this review and purpose.
    link: VoiceLink | None = None
    ways: list[str] = field(default_factory=list)

    @property
    def is_child(self) -> bool:
        return self.contact is None

    @property
    def email(self) -> str:
        return self.contact.email if self.contact is not None else ""

    @property
    def mobile(self) -> str:
        return uk_mobile(self.contact.phone) if self.contact is not None else ""

    def has_answered(self) -> bool:
        return self.link is not None and self.link.submitted_at is not None


def people_to_ask(review: Review, purpose: str, *, now: datetime | None = None) -> list[Person]:
    """The child and their current parents, carers and social workers (those ``purpose`` asks),
    each with their latest link (two queries)."""
    now = now or timezone.now()
    asked = ASKED[purpose]
    roles = [role for role, respondent in RESPONDENT_FOR_ROLE.items() if respondent in asked]
    contacts = Contact.objects.filter(child_id=review.child_id, role__in=roles).current(on=timezone.localdate(now))
    latest: dict[int | None, VoiceLink] = {}
    links = VoiceLink.objects.filter(review=review, purpose=purpose).select_related("created_by", "revoked_by")
    for link in links.order_by("created_at", "pk"):
        latest[link.contact_id] = link
    child = review.child
    people = [
        Person(
            key="child",
            respondent=Respondent.CHILD,
            name=child.first_name,
            role_label="The child",
            link=latest.get(None),
            ways=[EMAIL, SMS, LETTER],
        )
    ]
    for contact in contacts.in_role_order():
        person = Person(
            key=f"contact:{contact.pk}",
            respondent=RESPONDENT_FOR_ROLE[contact.role],
            name=contact.name,
            role_label=contact.get_role_display(),
            contact=contact,
            link=latest.get(contact.pk),
        )
        person.ways = [
            way
            for way, offered in (
                (EMAIL, bool(person.email)),
                (SMS, bool(person.mobile)),
                (LETTER, True),
                (POST, notify.can_post_letters() and len(address_lines(contact.address)) >= 3),  # noqa: PLR2004
            )
            if offered
        ]
        people.append(person)
    return people


def link_state(link: VoiceLink | None, *, now: datetime) -> str:
    """The state of a person's latest link, in the IRO's words."""
    if link is None:
        return "Not sent"
    state = link.state(now)
    if state == "submitted":
        return f"Answered {timezone.localtime(link.submitted_at):%-d %b %Y}"
    if state == "revoked":
        return f"{link.revoked_reason or 'Revoked'} {timezone.localtime(link.revoked_at):%-d %b %Y}"
    if state == "expired":
        return f"Expired {timezone.localtime(link.expires_at):%-d %b %Y}, not answered"
    by = link.created_by.get_full_name() or link.created_by.get_username()
    how = "printed" if link.channel == Channel.LETTER and link.delivery_reference == PRINTED else "sent"
    if link.sent_at is None:
        text = f"Made by {by} {timezone.localtime(link.created_at):%-d %b %Y}, not sent"
    else:
        text = f"{link.get_channel_display()} {how} by {by} {timezone.localtime(link.sent_at):%-d %b %Y}"
    if state == "opened":
        text += f"; opened {timezone.localtime(link.opened_at):%-d %b %Y}"
    return text


#: ``delivery_reference`` of a letter printed by the IRO.
PRINTED = "printed"


@dataclass
class Sent:
    """A link just made and handed over: ``url`` (with the raw token) is for the letter the view
    returns, never stored; ``delivery`` is set once the message has gone (after commit)."""

    new: NewLink
    url: str
    way: str
    delivery: notify.Delivery | None = None

    @property
    def link(self) -> VoiceLink:
        return self.new.link


def find_person(review: Review, purpose: str, key: str) -> Person:
    for person in people_to_ask(review, purpose):
        if person.key == key:
            return person
    raise ValidationError("That person is not one of the people to ask about this review.")


def invitation_send(
    *,
    review: Review,
    purpose: str,
    person_key: str,
    way: str,
    to: str = "",
    by: User,
    url_for: Callable[[str], str],
    now: datetime | None = None,
) -> Sent:
    """Ask one person (``person_key`` from ``people_to_ask``) by ``way`` (``WAYS``). ``to`` is the
    email address or mobile number typed for the child (their record holds none); ``url_for``
    makes the link's full URL from its path (``request.build_absolute_uri``). A printed letter is
    recorded as sent now; an email, text message or posted letter goes after commit, and the
    returned ``Sent.delivery`` says whether it went. Raises ``ValidationError`` or
    ``PermissionDenied`` (``link_create``'s rules) before anything is made."""
    now = now or timezone.now()
    require_chair(review.child, by)
    person = find_person(review, purpose, person_key)
    if way not in person.ways:
        raise ValidationError({"way": f"{person.name} cannot be sent it that way: choose another."})
    if person.is_child and way in (EMAIL, SMS):
        if not to:
            raise ValidationError({"to": "Enter the email address or mobile number to send it to"})
        sent_to = to if way == EMAIL else uk_mobile(to)
        if way == SMS and not sent_to:
            raise ValidationError({"to": "Enter a UK mobile number, like 07700 900 982"})
    else:
        sent_to = {EMAIL: person.email, SMS: person.mobile}.get(way, "")
    channel = Channel.LETTER if way in (LETTER, POST) else way
    with transaction.atomic():
        new = link_create(
            review=review,
            purpose=purpose,
            respondent=person.respondent,
            contact=person.contact,
            channel=channel,
            sent_to=sent_to,
            by=by,
            now=now,
        )
        sent = Sent(new=new, url=url_for(new.path), way=way)
        if way == LETTER:
            mark_printed(new.link, by=by, what="printed as a letter", now=now)
        else:
            message = notify.Message(
                purpose=purpose,
                channel=channel,
                first_name=review.child.first_name,
                review_date=review_day(review),
                link=sent.url,
                expires=timezone.localdate(new.link.expires_at),
                to=sent_to,
                address=address_lines(person.contact.address) if way == POST and person.contact else (),
                reference=f"voice-link-{new.link.pk}",
            )
            transaction.on_commit(lambda: _deliver(sent, message, by=by))
    return sent


def _deliver(sent: Sent, message: notify.Message, *, by: User) -> None:
    """After commit: hand the message over, and keep and audit what happened. Whatever goes
    wrong in handing it over is the IRO's to see on the page, never a server error."""
    try:
        delivery = notify.deliver(message)
    except Exception:  # noqa: BLE001 - an unexpected failure is kept on the link like any other
        logger.exception("Handing over %s failed", message.reference)
        delivery = notify.Delivery(
            sent=False, via="notify" if notify.uses_notify() else "email", error="Something went wrong while sending."
        )
    sent.delivery = delivery
    link = VoiceLink.objects.get(pk=sent.link.pk)
    how = WAYS[sent.way].lower()
    route = {"notify": " through GOV.UK Notify", "console": " (written to the console)"}.get(delivery.via, "")
    if delivery.sent:
        link.sent_at, link.delivery_reference, link.delivery_error = timezone.now(), delivery.reference, ""
        summary = f"{link.get_form_kind_display()} link sent by {how}{route}"
    else:
        link.delivery_error = delivery.error
        summary = f"{link.get_form_kind_display()} link could not be sent by {how}{route}"
    save_audited(
        link,
        by=by,
        action=AuditAction.UPDATED,
        summary=summary,
        changes={"delivered": delivery.sent, "via": delivery.via, "delivery_error": delivery.error},
        update_fields=["sent_at", "delivery_reference", "delivery_error", "updated_at"],
    )
    sent.new = NewLink(link=link, raw=sent.new.raw)


def mark_printed(link: VoiceLink, *, by: User, what: str, now: datetime | None = None) -> VoiceLink:
    """A link handed over on paper: it counts as sent when it is printed."""
    link.sent_at, link.delivery_reference, link.delivery_error = now or timezone.now(), PRINTED, ""
    return save_audited(
        link,
        by=by,
        action=AuditAction.UPDATED,
        summary=f"{link.get_form_kind_display()} link {what}",
        changes={"delivered": True, "via": PRINTED},
        update_fields=["sent_at", "delivery_reference", "delivery_error", "updated_at"],
    )
