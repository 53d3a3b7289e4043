"""Retention and the child's voice (docs/rules.md#retention, docs/rules.md#the-childs-voice):
anonymising a child's record keeps the choice answers the annual report counts and drops every
text answer, who each link went to and where, and the words of a chosen quote, in the history
copies too; destroying removes the links, answers and quotes with the rest of the record."""

from __future__ import annotations

import pytest
from django.db import transaction

from children import erasure
from voice import services
from voice.codes import Channel, Purpose, Respondent
from voice.erasure import kept_answers
from voice.models import FeedbackQuote, VoiceLink, VoiceResponse

from .factories import child_link, child_with_held_review, contact

pytestmark = pytest.mark.django_db

WORDS = "Xylophonia said this"


def _voice_record(iro, manager):
    child, review = child_with_held_review(iro)
    made = child_link(review, by=iro, purpose=Purpose.FEEDBACK, sent_to="tia@example.test")
    response = services.response_submit(
        raw=made.raw,
        data={"know_plan": "yes", "involved": "sort_of", "better": "no", "comment": WORDS, "share_name": "on"},
    )
    services.response_mark_read(response=response, by=iro)  # a second history row
    mother = contact(child, name="Xylophonia Mother", email="xm@example.test")
    services.link_create(
        review=review,
        purpose=Purpose.FEEDBACK,
        respondent=Respondent.PARENT,
        contact=mother,
        channel=Channel.EMAIL,
        sent_to=mother.email,
        by=iro,
    )
    quote = FeedbackQuote.objects.create(
        response=response, year_label="2026-27", text=WORDS, attribution="A young person", chosen_by=manager
    )
    return child, response, quote


def test_kept_answers_are_the_choices_and_ticks_only():
    answers = {"know_plan": "yes", "felt": "good", "comment": "words", "share_name": True, "unknown": "x"}
    assert kept_answers("feedback-young", answers) == {"know_plan": "yes", "felt": "good", "share_name": True}
    consult = {"home": "good", "home_more": "words", "talk_about": "w", "who": "w", "private": "w", "attend": "no"}
    assert kept_answers("consult-young", consult) == {"home": "good", "attend": "no"}


def test_anonymising_keeps_the_choices_and_drops_the_text_and_who_was_asked(iro, manager):
    child, response, quote = _voice_record(iro, manager)
    with transaction.atomic():
        erasure.anonymise(child, by=manager)
    response.refresh_from_db()
    assert response.answers == {"know_plan": "yes", "involved": "sort_of", "better": "no", "share_name": True}
    assert all(WORDS not in str(copy.answers) for copy in response.history.all())
    assert response.history.count() >= 2
    for link in VoiceLink.objects.filter(child=child):
        assert "Xylophonia" not in link.name and "Tia" not in link.name
        assert (link.sent_to, link.delivery_reference, link.delivery_error) == ("", "", "")
        assert all(copy.sent_to == "" and "Tia" not in copy.name for copy in link.history.all())
    quote.refresh_from_db()
    assert WORDS not in quote.text and quote.attribution == ""


def test_destroying_removes_the_links_answers_and_quotes(iro, manager):
    child, response, quote = _voice_record(iro, manager)
    other_child, _ = child_with_held_review(iro, first_name="Other")
    with transaction.atomic():
        erasure.destroy(child)
    assert not VoiceLink.objects.filter(child_id=child.pk).exists()
    assert not VoiceResponse.objects.filter(pk=response.pk).exists()
    assert not FeedbackQuote.objects.filter(pk=quote.pk).exists()
    assert not VoiceResponse.history.filter(id=response.pk).exists()
    assert other_child.pk != child.pk


def test_anonymising_knows_every_free_text_field_of_the_voice_models():
    missing = erasure.unclassified_fields(erasure.models_holding_rows_about_a_child())
    assert [name for name in missing if name.startswith("voice.")] == []
