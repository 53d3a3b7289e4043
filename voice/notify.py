"""Delivering a consultation or feedback link: by GOV.UK Notify when ``NOTIFY_API_KEY`` is set,
else by Django's email framework (``EMAIL_BACKEND``: the console in the demo), with text messages
and letters written to the console (docs/rules.md#the-childs-voice).

The words are the same on every route (``templates/voice/messages/``) and carry no personal data
beyond the child's first name (the subject none at all): ``first_name``, ``review_date``, ``link``
and ``expires`` are the personalisation Notify's templates are given. A failure to deliver (an
HTTP error or a timeout from Notify, an SMTP error) is returned as a ``Delivery`` with its
``error``, never raised: the caller records it on the link, which stays live to be printed.

Setting up Notify: one email, one text message and one letter template (their ids in
``NOTIFY_EMAIL_TEMPLATE_ID``, ``NOTIFY_SMS_TEMPLATE_ID``, ``NOTIFY_LETTER_TEMPLATE_ID``), worded
like ``templates/voice/messages/`` with ``((first_name))``, ``((review_date))``, ``((link))`` and
``((expires))``; the letter template prints the link's QR code with Notify's ``qr: ((link))`` line
and takes the address as ``address_line_1`` to ``address_line_7``.

Nothing here stores or queues the link: it is handed over within the request that made it.
"""

from __future__ import annotations

import logging
import smtplib
import sys
from dataclasses import dataclass
from datetime import date
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from .codes import Channel, Purpose

logger = logging.getLogger(__name__)

NOTIFY_URL = "https://api.notifications.service.gov.uk"
#: Seconds to wait for Notify before giving up (the IRO is waiting for the page).
NOTIFY_TIMEOUT = 10
#: A printed letter, or one posted through Notify's letter API.
POST = "post"


@dataclass(frozen=True)
class Message:
    """One link to deliver. ``to`` is the email address or phone number; ``address`` the postal
    address's lines (a letter posted through Notify)."""

    purpose: str
    channel: str
    first_name: str
    review_date: date | None
    link: str
    expires: date
    to: str = ""
    address: tuple[str, ...] = ()
    #: Our reference for the message at Notify (the link's id: never a name).
    reference: str = ""

    @property
    def personalisation(self) -> dict[str, str]:
        return {
            "first_name": self.first_name,
            "review_date": f"{self.review_date:%-d %B %Y}" if self.review_date else "to be arranged",
            "link": self.link,
            "expires": f"{self.expires:%-d %B %Y}",
        }


@dataclass(frozen=True)
class Delivery:
    """What happened: ``sent`` with the message's ``reference`` (Notify's id, the email's
    Message-ID, or "console"), or not, with the ``error`` to show the IRO."""

    sent: bool
    via: str
    reference: str = ""
    error: str = ""


def uses_notify() -> bool:
    return bool(settings.NOTIFY_API_KEY)


def can_post_letters() -> bool:
    """Whether a letter can be posted for the IRO (Notify's letter API); else it is printed."""
    return uses_notify() and bool(settings.NOTIFY_LETTER_TEMPLATE_ID)


def render(message: Message, part: str) -> str:
    """One part of the message's words: ``subject``, ``email``, ``sms`` or ``letter``."""
    context = message.personalisation | {"consultation": message.purpose == Purpose.CONSULTATION}
    return render_to_string(f"voice/messages/{part}.txt", context).strip()


def deliver(message: Message) -> Delivery:
    """Send ``message`` by its channel; never raises for a failure to deliver."""
    if uses_notify():
        return _by_notify(message)
    if message.channel == Channel.EMAIL:
        return _by_email(message)
    return _to_console(message)


def _by_notify(message: Message) -> Delivery:
    from notifications_python_client.errors import APIError  # noqa: PLC0415
    from notifications_python_client.notifications import NotificationsAPIClient  # noqa: PLC0415

    client = NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=NOTIFY_URL, timeout=NOTIFY_TIMEOUT)
    personalisation = message.personalisation
    try:
        if message.channel == Channel.EMAIL:
            sent = client.send_email_notification(
                email_address=message.to,
                template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
                personalisation=personalisation,
                reference=message.reference,
            )
        elif message.channel == Channel.SMS:
            sent = client.send_sms_notification(
                phone_number=message.to,
                template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
                personalisation=personalisation,
                reference=message.reference,
            )
        else:
            lines = {f"address_line_{n}": line for n, line in enumerate(message.address[:7], start=1)}
            sent = client.send_letter_notification(
                template_id=settings.NOTIFY_LETTER_TEMPLATE_ID,
                personalisation=lines | personalisation,
                reference=message.reference,
            )
    except APIError as error:  # HTTP errors, timeouts and connection failures alike
        return Delivery(sent=False, via="notify", error=_notify_error(error))
    return Delivery(sent=True, via="notify", reference=str(sent.get("id", ""))[:100])


def _notify_error(error) -> str:
    """The IRO's words for Notify's refusal, with Notify's own reason (its JSON ``errors``)."""
    if getattr(error, "response", None) is None:  # a timeout, or Notify could not be reached
        return "GOV.UK Notify did not answer in time or could not be reached. Try again later, or print a letter."
    detail = error.message
    if isinstance(detail, list):
        detail = "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in detail)
    text = f"GOV.UK Notify refused the message (HTTP {error.status_code})"
    return (f"{text}: {detail}" if detail else text)[:300]


def _by_email(message: Message) -> Delivery:
    reference = make_msgid(domain="iro-service")
    email = EmailMessage(
        subject=render(message, "subject"),
        body=render(message, "email") + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": reference},
    )
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as error:  # refused, or the server is unreachable
        return Delivery(sent=False, via="email", error=f"The email could not be sent: {error}"[:300])
    return Delivery(sent=True, via="email", reference=reference[:100])


def _to_console(message: Message) -> Delivery:
    """No Notify: a text message or a posted letter is written out, as the console email backend
    writes an email (the demo's stand-in for a phone or a postbox)."""
    part = "sms" if message.channel == Channel.SMS else "letter"
    where = message.to if part == "sms" else ", ".join(message.address)
    what = "Text message" if part == "sms" else "Letter"
    sys.stdout.write(f"{what} to {where}\n{'-' * 79}\n{render(message, part)}\n{'-' * 79}\n")
    sys.stdout.flush()
    logger.info("%s for link %s written to the console (GOV.UK Notify is not set up)", what, message.reference)
    return Delivery(sent=True, via="console", reference="console")
