"""Links delivered through GOV.UK Notify when ``NOTIFY_API_KEY`` is set, and through the email
framework and the console otherwise (docs/rules.md#the-childs-voice). Notify's HTTP is stubbed at
the network boundary only (``responses``): its official client runs as it would in production."""

from __future__ import annotations

import json
import logging

import pytest
import requests
import responses
from django.urls import reverse

from children.codes import ContactRole
from iro_service.models import AuditEvent
from voice import notify
from voice.codes import Channel, Purpose
from voice.models import VoiceLink

from .factories import child_with_booked_review, child_with_held_review, contact

pytestmark = pytest.mark.django_db

NOTIFY = "https://api.notifications.service.gov.uk"
SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS_TEMPLATE = "0a9c58a5-0a94-4c0b-8b7f-3b0e1c4f7a11"
LETTER_TEMPLATE = "7a2e4f1c-5d3b-4f5e-9c1a-1b2c3d4e5f60"
SURNAME = "Zebedee-Quill"


@pytest.fixture
def notify_on(settings):
    settings.NOTIFY_API_KEY = f"iro_service_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE
    settings.NOTIFY_SMS_TEMPLATE_ID = SMS_TEMPLATE
    settings.NOTIFY_LETTER_TEMPLATE_ID = LETTER_TEMPLATE
    return settings


def _review_with_people(iro, *, held=False):
    make = child_with_held_review if held else child_with_booked_review
    child, review = make(iro, first_name="Tia")
    child.last_name = SURNAME
    child.save()
    mother = contact(child, ContactRole.MOTHER, name="Mona Parent", email="mona@example.test", phone="07700 900982")
    mother.address = "1 High Street\nDemotown\nDM1 1AA"
    mother.save()
    return child, review, mother


def _send(client, review, key, way, purpose=Purpose.CONSULTATION, **extra):
    prefix = key.replace(":", "-")
    name = "voice:consultation_send" if purpose == Purpose.CONSULTATION else "voice:feedback_send"
    data = {"person": key, f"{prefix}-way": way, **{f"{prefix}-{k}": v for k, v in extra.items()}}
    return client.post(reverse(name, kwargs={"pk": review.pk}), data, follow=True)


def _sent_json(call) -> dict:
    return json.loads(call.request.body)


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_an_email_goes_through_notify_with_the_first_name_only(iro, client_for, notify_on, mailoutbox):
    _, review, mother = _review_with_people(iro)
    responses.post(f"{NOTIFY}/v2/notifications/email", json={"id": "notify-email-1"}, status=201)
    page = _send(client_for(iro), review, f"contact:{mother.pk}", "email")
    (call,) = responses.calls
    body = _sent_json(call)
    assert body["template_id"] == EMAIL_TEMPLATE and body["email_address"] == "mona@example.test"
    assert set(body["personalisation"]) == {"first_name", "review_date", "link", "expires"}
    assert body["personalisation"]["first_name"] == "Tia"
    assert body["personalisation"]["link"].startswith("http://testserver/v/")
    raw = call.request.body if isinstance(call.request.body, str) else call.request.body.decode()
    assert SURNAME not in raw and "Mona" not in raw
    assert call.request.headers["Authorization"].startswith("Bearer ")
    assert mailoutbox == []  # Notify, not the email framework
    link = VoiceLink.objects.get(review=review, contact=mother)
    assert link.delivery_reference == "notify-email-1" and link.sent_at is not None
    assert "Sent to Mona Parent." in page.content.decode()
    assert AuditEvent.objects.filter(
        object_id=str(link.pk), summary="Consultation: parent link sent by email through GOV.UK Notify"
    ).exists()


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_a_text_message_goes_through_notify(iro, client_for, notify_on):
    _, review, mother = _review_with_people(iro)
    responses.post(f"{NOTIFY}/v2/notifications/sms", json={"id": "notify-sms-1"}, status=201)
    _send(client_for(iro), review, f"contact:{mother.pk}", "sms")
    body = _sent_json(responses.calls[0])
    assert body["template_id"] == SMS_TEMPLATE and body["phone_number"] == "07700900982"
    assert body["reference"].startswith("voice-link-") and SURNAME not in json.dumps(body)
    assert VoiceLink.objects.get(review=review, contact=mother).channel == Channel.SMS


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_a_letter_can_be_posted_through_notify_to_the_persons_address(iro, client_for, notify_on):
    _, review, mother = _review_with_people(iro, held=True)
    responses.post(f"{NOTIFY}/v2/notifications/letter", json={"id": "notify-letter-1"}, status=201)
    page = _send(client_for(iro), review, f"contact:{mother.pk}", "post", purpose=Purpose.FEEDBACK)
    body = _sent_json(responses.calls[0])
    assert body["template_id"] == LETTER_TEMPLATE
    personalisation = body["personalisation"]
    assert [personalisation[f"address_line_{n}"] for n in (1, 2, 3)] == ["1 High Street", "Demotown", "DM1 1AA"]
    assert personalisation["first_name"] == "Tia" and SURNAME not in json.dumps(body)
    link = VoiceLink.objects.get(review=review, contact=mother)
    assert link.channel == Channel.LETTER and link.delivery_reference == "notify-letter-1"
    assert "Sent to Mona Parent." in page.content.decode()


def test_posting_is_offered_only_with_notify_and_an_address(iro, client_for, notify_on, settings):
    _, review, mother = _review_with_people(iro)
    url = reverse("voice:consultation_send", kwargs={"pk": review.pk})
    rows = {row[0].key: row[0] for row in client_for(iro).get(url).context["rows"]}
    assert rows[f"contact:{mother.pk}"].ways == ["email", "sms", "letter", "post"]
    settings.NOTIFY_API_KEY = ""
    rows = {row[0].key: row[0] for row in client_for(iro).get(url).context["rows"]}
    assert rows[f"contact:{mother.pk}"].ways == ["email", "sms", "letter"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("stub", "shown"),
    [
        (
            {
                "status": 400,
                "json": {
                    "status_code": 400,
                    "errors": [
                        {
                            "error": "BadRequestError",
                            "message": "Can't send to this recipient using a team-only API key",
                        }
                    ],
                },
            },
            "GOV.UK Notify refused the message (HTTP 400): Can&#x27;t send to this recipient using a team-only API key",
        ),
        (
            {
                "status": 500,
                "json": {"status_code": 500, "errors": [{"error": "Exception", "message": "Internal server error"}]},
            },
            "GOV.UK Notify refused the message (HTTP 500): Internal server error",
        ),
        ({"body": requests.exceptions.ConnectTimeout("timed out")}, "GOV.UK Notify did not answer in time"),
        ({"body": ValueError("a broken response")}, "Something went wrong while sending."),
    ],
    ids=["400", "500", "timeout", "unexpected"],
)
@responses.activate
def test_a_notify_failure_is_recorded_and_shown_and_the_link_stays_live(iro, client_for, notify_on, stub, shown):
    child, review, mother = _review_with_people(iro)
    responses.post(f"{NOTIFY}/v2/notifications/email", **stub)
    page = _send(client_for(iro), review, f"contact:{mother.pk}", "email")
    assert page.status_code == 200
    body = page.content.decode()
    assert "The link for Mona Parent could not be sent." in body and shown in body
    assert "The link still works: print it as a letter, or try again." in body
    link = VoiceLink.objects.get(review=review, contact=mother)
    assert link.sent_at is None and link.delivery_error and link.revoked_at is None
    assert link.state(link.expires_at.replace(year=2000)) == "live"
    assert AuditEvent.objects.filter(
        child_id=child.pk,
        object_id=str(link.pk),
        summary="Consultation: parent link could not be sent by email through GOV.UK Notify",
    ).exists()
    # The IRO can still print it.
    letter = client_for(iro).post(
        reverse("voice:consultation_send", kwargs={"pk": review.pk}),
        {"person": f"contact:{mother.pk}", f"contact-{mother.pk}-way": "letter"},
    )
    assert letter["Content-Type"] == "application/pdf"


def test_without_notify_an_email_goes_through_the_email_framework(settings, mailoutbox):
    settings.NOTIFY_API_KEY = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = _message(Channel.EMAIL, to="mona@example.test")
    delivery = notify.deliver(message)
    assert delivery.sent and delivery.via == "email" and delivery.reference.startswith("<")
    (email,) = mailoutbox
    assert email.subject == "How did the review go?" and "Tia" in email.body
    assert "https://example.test/v/abc" in email.body and "2 March 2027" in email.body
    assert email.extra_headers["Message-ID"] == delivery.reference


def test_without_notify_a_text_message_is_written_to_the_console_in_the_same_words(settings, capsys, caplog):
    settings.NOTIFY_API_KEY = ""
    caplog.set_level(logging.INFO, logger="voice.notify")
    delivery = notify.deliver(_message(Channel.SMS, to="07700900982"))
    out = capsys.readouterr().out
    assert delivery.sent and delivery.via == "console"
    assert "Text message to 07700900982" in out
    assert notify.render(_message(Channel.SMS, to="07700900982"), "sms") in out
    assert "Text message for link voice-link-7 written to the console" in caplog.text
    assert "https://example.test/v/abc" not in caplog.text  # the log keeps no link


def test_an_smtp_failure_is_returned_not_raised(settings, monkeypatch):
    import smtplib

    settings.NOTIFY_API_KEY = ""

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"mona@example.test": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    delivery = notify.deliver(_message(Channel.EMAIL, to="mona@example.test"))
    assert not delivery.sent and delivery.error.startswith("The email could not be sent")


def _message(channel, *, to):
    import datetime as dt

    return notify.Message(
        purpose=Purpose.FEEDBACK,
        channel=channel,
        first_name="Tia",
        review_date=dt.date(2027, 2, 2),
        link="https://example.test/v/abc",
        expires=dt.date(2027, 3, 2),
        to=to,
        reference="voice-link-7",
    )
