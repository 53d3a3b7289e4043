"""The letter to the child and the review record carry a feedback link and its QR code
(docs/rules.md#the-childs-voice), added through ``REVIEW_DOCUMENT_EXTRAS`` (reviews never imports
voice): the letter makes the child's own link; the record carries a person's own link only in the
copy made for them (``?for=contact:<id>``)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from children.codes import ContactRole
from iro_service.models import AuditEvent
from voice import services
from voice.codes import Channel, Purpose, Respondent
from voice.models import VoiceLink

from .factories import child_with_booked_review, child_with_held_review, contact

pytestmark = pytest.mark.django_db


def _tool(name: str) -> str:
    """Poppler's reader (Debian poppler-utils), found on the PATH."""
    found = shutil.which(name)
    assert found, f"{name} is needed to read the PDFs back"
    return found


LINK = re.compile(r"http://testserver/v/[A-Za-z0-9_-]{43}/")


def _text(response, tmp_path) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "document.pdf"
    path.write_bytes(response.content)
    text = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True).stdout
    return text.replace("\u00ad", "")


def _letter(client, review):
    return client.get(reverse("reviews:letter_pdf", kwargs={"pk": review.pk}) + "?layout=young_person")


def _record(client, review, recipient=""):
    query = f"?for={recipient}" if recipient else ""
    return client.get(reverse("reviews:record_pdf", kwargs={"pk": review.pk}) + query)


def _token(text: str) -> str:
    (url,) = set(LINK.findall(text.replace("\n", "")))
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_the_letter_to_the_child_carries_their_own_feedback_link(iro, client_for, tmp_path):
    child, review = child_with_held_review(iro, first_name="Tia")
    text = _text(_letter(client_for(iro), review), tmp_path)
    assert "Tell us how your review went" in text
    link = services.link_for_token(_token(text))
    assert link is not None and (link.review_id, link.purpose, link.respondent) == (
        review.pk,
        Purpose.FEEDBACK,
        Respondent.CHILD,
    )
    assert link.channel == Channel.LETTER and link.sent_at is not None and link.created_by == iro
    assert "Childline, free, on 0800 1111" in " ".join(text.split())
    assert AuditEvent.objects.filter(child_id=child.pk, summary__endswith="printed on the letter to the child").exists()


def test_a_new_download_replaces_the_childs_unanswered_link(iro, client_for, tmp_path):
    _, review = child_with_held_review(iro)
    client = client_for(iro)
    first = _token(_text(_letter(client, review), tmp_path))
    second = _token(_text(_letter(client, review), tmp_path))
    assert first != second
    assert services.link_for_token(first) is None and services.link_for_token(second) is not None
    assert VoiceLink.objects.filter(review=review, purpose=Purpose.FEEDBACK).count() == 2


def test_a_child_who_has_answered_gets_the_letter_without_a_new_link(iro, client_for, tmp_path):
    _, review = child_with_held_review(iro)
    made = services.link_create(
        review=review, purpose=Purpose.FEEDBACK, respondent=Respondent.CHILD, channel=Channel.EMAIL, by=iro
    )
    services.response_submit(raw=made.raw, data={"know_plan": "yes"})
    text = _text(_letter(client_for(iro), review), tmp_path)
    assert "Tell us how your review went" not in text and not LINK.search(text)
    assert VoiceLink.objects.filter(review=review).count() == 1


def test_a_manager_printing_the_letter_makes_no_link(iro, manager, client_for, tmp_path):
    _, review = child_with_held_review(iro)
    text = _text(_letter(client_for(manager), review), tmp_path)
    assert "What we agreed" in text and not LINK.search(text)
    assert not VoiceLink.objects.filter(review=review).exists()


def test_the_record_says_each_person_gets_their_own_link(iro, client_for, tmp_path):
    _, review = child_with_held_review(iro)
    text = " ".join(_text(_record(client_for(iro), review), tmp_path).split())
    assert "Tell us how your review went" in text
    assert "Each person this record is sent to is sent their own link" in text
    assert not LINK.search(text) and not VoiceLink.objects.exists()


def test_the_record_for_a_carer_carries_the_carers_own_link(iro, client_for, tmp_path):
    child, review = child_with_held_review(iro, first_name="Tia")
    carer = contact(child, ContactRole.CARER, name="Cara Carer")
    text = _text(_record(client_for(iro), review, f"contact:{carer.pk}"), tmp_path)
    link = services.link_for_token(_token(text))
    assert link.contact == carer and link.respondent == Respondent.CARER and link.purpose == Purpose.FEEDBACK
    assert "We would like to know how the review for Tia went for you." in " ".join(text.split())


@pytest.mark.parametrize("role", [ContactRole.SOCIAL_WORKER, ContactRole.SCHOOL])
def test_the_record_for_anyone_else_carries_no_link(iro, client_for, tmp_path, role):
    child, review = child_with_held_review(iro)
    person = contact(child, role)
    _, other_review = child_with_held_review(iro, first_name="Sam")
    strangers_mother = contact(other_review.child, ContactRole.MOTHER)
    client = client_for(iro)
    for recipient in (f"contact:{person.pk}", f"contact:{strangers_mother.pk}", "contact:x", "child"):
        text = " ".join(_text(_record(client, review, recipient), tmp_path).split())
        assert "Each person this record is sent to is sent their own link" in text
    assert not VoiceLink.objects.exists()


def test_a_booked_review_has_no_documents_and_no_link(iro, client_for):
    _, review = child_with_booked_review(iro)
    assert _letter(client_for(iro), review).status_code == 404
    assert not VoiceLink.objects.exists()


def test_the_letter_with_its_feedback_link_looks_right(iro, client_for, tmp_path):
    """Rendered to PNG (pdftoppm) so a person can look at the block and its QR code."""
    _, review = child_with_held_review(iro, first_name="Tia")
    response = _letter(client_for(iro), review)
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.content)
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(page.stat().st_size > 5_000 for page in pages)
