"""Sending consultation invitations and feedback requests from the IRO's pages
(docs/rules.md#the-childs-voice): who can be asked and how, the state of each link, sending
(after commit) and printing, revoking, and who may do it."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from children.codes import ContactRole
from iro_service.models import AuditEvent
from voice import services
from voice.codes import Channel, Purpose, Respondent
from voice.models import VoiceLink

from .factories import child_link, child_with_booked_review, child_with_held_review, contact

pytestmark = pytest.mark.django_db


def _tool(name: str) -> str:
    """Poppler's reader (Debian poppler-utils), found on the PATH."""
    found = shutil.which(name)
    assert found, f"{name} is needed to read the PDFs back"
    return found


SURNAME = "Zebedee-Quill"


def _people(child):
    """The mother (email), the carer (a mobile), the social worker (a landline), and a school
    contact (never asked)."""
    return {
        "mother": contact(child, ContactRole.MOTHER, name="Mona Parent", email="mona@example.test", phone=""),
        "carer": contact(
            child, ContactRole.PLACEMENT, name="Cara Carer", email="", phone="07700 900982", address="1 Lane"
        ),
        "social_worker": contact(child, ContactRole.SOCIAL_WORKER, name="Sol Worker", phone="01632 960000"),
        "school": contact(child, ContactRole.SCHOOL, name="Head Teacher"),
    }


def _page(review, purpose=Purpose.CONSULTATION):
    name = "voice:consultation_send" if purpose == Purpose.CONSULTATION else "voice:feedback_send"
    return reverse(name, kwargs={"pk": review.pk})


def _post(client, review, key, way, purpose=Purpose.CONSULTATION, **extra):
    prefix = key.replace(":", "-")
    data = {"person": key, f"{prefix}-way": way, **{f"{prefix}-{k}": v for k, v in extra.items()}}
    return client.post(_page(review, purpose), data)


def test_the_page_lists_the_child_and_the_people_asked_with_the_ways_their_details_allow(iro, client_for):
    child, review = child_with_booked_review(iro)
    people = _people(child)
    page = client_for(iro).get(_page(review))
    assert page.status_code == 200
    rows = {row[0].key: row for row in page.context["rows"]}
    assert list(rows) == [
        "child",
        f"contact:{people['social_worker'].pk}",
        f"contact:{people['carer'].pk}",
        f"contact:{people['mother'].pk}",
    ]
    assert rows["child"][0].ways == ["email", "sms", "letter"]
    assert rows[f"contact:{people['mother'].pk}"][0].ways == ["email", "letter"]
    assert rows[f"contact:{people['carer'].pk}"][0].ways == ["sms", "letter"]  # carer by placement role
    assert rows[f"contact:{people['carer'].pk}"][0].respondent == Respondent.CARER
    assert rows[f"contact:{people['social_worker'].pk}"][0].ways == ["email", "letter"]  # a landline gets no text
    body = page.content.decode()
    assert "Head Teacher" not in body
    assert body.count("Not sent") >= 4
    assert "Email to mona@example.test" in body


def test_feedback_asks_no_social_worker(iro, client_for):
    child, review = child_with_held_review(iro)
    people = _people(child)
    page = client_for(iro).get(_page(review, Purpose.FEEDBACK))
    keys = [row[0].key for row in page.context["rows"]]
    assert f"contact:{people['social_worker'].pk}" not in keys
    assert keys[0] == "child" and len(keys) == 3


def test_sending_by_email_goes_after_commit_and_records_who_sent_it(
    iro, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    child, review = child_with_booked_review(iro, first_name="Tia")
    child.last_name = SURNAME
    child.save()
    mother = _people(child)["mother"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _post(client_for(iro), review, f"contact:{mother.pk}", "email")
        assert mailoutbox == []  # nothing goes before the transaction commits
    assert response.status_code == 302 and len(callbacks) == 1
    link = VoiceLink.objects.get(review=review, contact=mother)
    assert link.sent_at is not None and link.delivery_error == ""
    assert link.delivery_reference.startswith("<") and link.sent_to == "mona@example.test"
    (email,) = mailoutbox
    assert email.to == ["mona@example.test"] and email.subject == "Your views before a review"
    assert "Tia" in email.body and SURNAME not in email.body and SURNAME not in email.subject
    assert "http://testserver/v/" in email.body and "0800 1111" in email.body
    events = AuditEvent.objects.filter(child_id=child.pk, object_type="voice.VoiceLink", object_id=str(link.pk))
    summaries = list(events.values_list("summary", flat=True))
    assert "Consultation: parent link made for parent (email)" in summaries
    assert "Consultation: parent link sent by email" in summaries
    page = client_for(iro).get(_page(review))
    assert f"Email sent by Ada Okafor {timezone.localdate():%-d %b %Y}" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_iro_is_told_it_was_sent_in_the_same_request(iro, client_for, mailoutbox):
    child, review = child_with_booked_review(iro)
    mother = _people(child)["mother"]
    response = _post(client_for(iro), review, f"contact:{mother.pk}", "email")
    assert len(mailoutbox) == 1
    page = client_for(iro).get(response["Location"])
    assert "Sent to Mona Parent." in page.content.decode()


def test_the_childs_email_or_mobile_is_typed_on_the_form(
    iro, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    _, review = child_with_booked_review(iro)
    client = client_for(iro)
    refused = _post(client, review, "child", "email")
    assert refused.status_code == 200
    assert "Enter the email address or mobile number to send it to" in refused.content.decode()
    assert "There is a problem" in refused.content.decode()
    wrong = _post(client, review, "child", "sms", to="not a phone")
    assert "Enter a UK mobile number" in wrong.content.decode()
    assert not VoiceLink.objects.filter(review=review).exists()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, review, "child", "email", to="tia@example.test")
    link = VoiceLink.objects.get(review=review)
    assert link.sent_to == "tia@example.test" and link.respondent == Respondent.CHILD
    assert mailoutbox[0].to == ["tia@example.test"]


def test_a_way_the_persons_details_do_not_allow_is_refused(iro, client_for):
    child, review = child_with_booked_review(iro)
    mother = _people(child)["mother"]
    refused = _post(client_for(iro), review, f"contact:{mother.pk}", "sms")
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not VoiceLink.objects.filter(review=review).exists()


def test_a_text_message_without_notify_is_written_to_the_console(
    iro, client_for, capsys, django_capture_on_commit_callbacks
):
    child, review = child_with_booked_review(iro, first_name="Tia")
    carer = _people(child)["carer"]
    with django_capture_on_commit_callbacks(execute=True):
        _post(client_for(iro), review, f"contact:{carer.pk}", "sms")
    out = capsys.readouterr().out
    assert "Text message to 07700900982" in out
    assert "About the review for Tia" in out and "/v/" in out and "Childline 0800 1111" in out
    link = VoiceLink.objects.get(review=review, contact=carer)
    assert link.sent_at is not None and link.delivery_reference == "console" and link.channel == Channel.SMS


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_choosing_a_letter_returns_it_at_once_with_the_link_and_its_qr_code(iro, client_for, tmp_path):
    child, review = child_with_booked_review(iro, first_name="Tia")
    child.last_name = SURNAME
    child.save()
    response = _post(client_for(iro), review, "child", "letter")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    link = VoiceLink.objects.get(review=review)
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="consultation-letter-{child.local_reference}-{link.pk}.pdf"'
    assert "Tia" not in disposition
    text = _pdf_text(response.content, tmp_path)
    assert "Dear Tia" in text and SURNAME not in text
    assert "http://testserver/v/" in text
    assert f"{link.expires_at:%-d %B %Y}" in text and f"{review.booked_for:%-d %B %Y}" in text
    assert "999" in text and "Childline" in text and "0800 1111" in text
    assert link.channel == Channel.LETTER and link.sent_at is not None and link.delivery_reference == "printed"


def test_sending_again_replaces_an_unanswered_link(iro, client_for):
    _, review = child_with_booked_review(iro)
    first = child_link(review, by=iro, channel=Channel.LETTER)
    _post(client_for(iro), review, "child", "letter")
    first.link.refresh_from_db()
    assert first.link.revoked_reason == "Replaced by a new link"
    assert services.link_for_token(first.raw) is None
    assert VoiceLink.objects.filter(review=review, revoked_at__isnull=True).count() == 1


def test_someone_who_has_answered_is_shown_as_answered_and_not_asked_again(iro, client_for):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    services.response_submit(raw=made.raw, data={"home": "good"})
    client = client_for(iro)
    page = client.get(_page(review))
    body = page.content.decode()
    assert f"Answered {timezone.localdate():%-d %b %Y}" in body
    assert "They have answered: they are not asked again." in body
    refused = _post(client, review, "child", "letter")
    assert refused.status_code == 200 and "Tia has already answered." in refused.content.decode()


def test_revoke_closes_a_live_link_and_is_audited(iro, client_for):
    child, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    client = client_for(iro)
    page = client.get(_page(review)).content.decode()
    revoke_url = reverse("voice:link_revoke", kwargs={"pk": made.link.pk})
    assert revoke_url in page
    response = client.post(revoke_url)
    assert response.status_code == 302 and response["Location"] == _page(review)
    made.link.refresh_from_db()
    assert made.link.revoked_by == iro and services.link_for_token(made.raw) is None
    assert AuditEvent.objects.filter(
        child_id=child.pk, summary__startswith="Consultation", summary__endswith="link revoked"
    ).exists()
    after = client.get(_page(review)).content.decode()
    assert f"Revoked by the IRO {timezone.localdate():%-d %b %Y}" in after
    assert revoke_url not in after


def test_the_wrong_stage_sends_the_iro_back_to_the_review(iro, client_for):
    _, held = child_with_held_review(iro)
    response = client_for(iro).get(_page(held, Purpose.CONSULTATION))
    assert response.status_code == 302 and response["Location"] == reverse("reviews:detail", kwargs={"pk": held.pk})


@pytest.mark.parametrize("who", ["other_iro", "manager", "committee", "administrator"])
def test_only_the_childs_iro_may_send_or_revoke(iro, who, request, client_for):
    child, review = child_with_booked_review(iro, first_name="Tia")
    child.last_name = SURNAME
    child.save()
    mother = _people(child)["mother"]
    made = child_link(review, by=iro)
    client = client_for(request.getfixturevalue(who))
    for response in (
        client.get(_page(review)),
        _post(client, review, f"contact:{mother.pk}", "letter"),
        client.post(reverse("voice:link_revoke", kwargs={"pk": made.link.pk})),
    ):
        assert response.status_code in (403, 404)
        assert "Tia" not in response.content.decode() and SURNAME not in response.content.decode()
    made.link.refresh_from_db()
    assert made.link.revoked_at is None
    assert VoiceLink.objects.filter(review=review).count() == 1


def test_anonymous_people_are_sent_to_sign_in(iro, client):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    for response in (
        client.get(_page(review)),
        client.post(reverse("voice:link_revoke", kwargs={"pk": made.link.pk})),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_an_iro_covering_the_child_may_send(iro, other_iro, manager, client_for, today):
    from tests.factories import make_cover

    child, review = child_with_booked_review(iro)
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today, ends_on=today, by=manager)
    response = _post(client_for(other_iro), review, "child", "letter")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("size", [2, 6])
def test_the_page_reads_in_a_fixed_number_of_queries(iro, client_for, size, django_assert_max_num_queries):
    child, review = child_with_booked_review(iro)
    for n in range(size):
        person = contact(child, ContactRole.FATHER, name=f"Parent {n}")
        services.link_create(
            review=review,
            purpose=Purpose.CONSULTATION,
            respondent=Respondent.PARENT,
            contact=person,
            channel=Channel.EMAIL,
            by=iro,
        )
    client = client_for(iro)
    with django_assert_max_num_queries(16):
        page = client.get(_page(review))
    assert page.status_code == 200 and len(page.context["rows"]) == size + 1


SCRIPT = "<script>alert(1)</script>"


def test_a_script_in_the_childs_name_is_plain_text_in_the_email_and_text_in_the_letter(
    iro, client_for, mailoutbox, capsys, django_capture_on_commit_callbacks, tmp_path
):
    """The email and text message are plain text (their templates turn autoescape off, since
    ``&lt;`` would print as itself): a name with a script stays words, in a message no client
    renders as HTML. The letter is HTML turned into a PDF, where it is escaped and printed."""
    child, review = child_with_booked_review(iro, first_name=SCRIPT)
    people = _people(child)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client_for(iro), review, f"contact:{people['mother'].pk}", "email")
        _post(client_for(iro), review, f"contact:{people['carer'].pk}", "sms")
    (email,) = mailoutbox
    assert email.content_subtype == "plain" and not getattr(email, "alternatives", [])
    assert SCRIPT in email.body and "&lt;" not in email.body
    assert f"About the review for {SCRIPT}" in capsys.readouterr().out
    letter = _post(client_for(iro), review, "child", "letter")
    assert f"Dear {SCRIPT}" in _pdf_text(letter.content, tmp_path)
