"""A link that needs no account (docs/rules.md#the-childs-voice): a long random token, stored
only as its hash, for one form and one person, expiring, single use, revocable, and never able
to open another child's form."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from children.codes import ContactRole
from iro_service.models import AuditEvent
from voice import services
from voice.codes import Channel, FormKind, Purpose, Respondent
from voice.models import VoiceLink, VoiceResponse

from .factories import child_link, child_with_booked_review, child_with_held_review, contact

pytestmark = pytest.mark.django_db


def test_the_token_is_long_random_and_only_its_hash_is_stored(iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    assert len(made.raw) == 43 and made.raw != child_link(review, by=iro).raw
    stored = VoiceLink.objects.get(pk=made.link.pk)
    assert stored.token_hash == hashlib.sha256(made.raw.encode()).hexdigest()
    row = VoiceLink.objects.filter(pk=made.link.pk).values().get()
    assert made.raw not in {str(value) for value in row.values()}
    assert not AuditEvent.objects.filter(summary__contains=made.raw).exists()


def test_a_token_opens_its_own_link_and_nothing_else(iro):
    _, tia_review = child_with_booked_review(iro, first_name="Tia")
    _, sam_review = child_with_booked_review(iro, first_name="Sam")
    tia = child_link(tia_review, by=iro)
    sam = child_link(sam_review, by=iro)
    assert services.link_for_token(tia.raw).child.first_name == "Tia"
    assert services.link_for_token(sam.raw).child.first_name == "Sam"
    assert services.link_for_token(tia.raw[:-1] + ("A" if tia.raw[-1] != "A" else "B")) is None
    assert services.link_for_token(str(tia.link.pk)) is None
    assert services.link_for_token(tia.link.token_hash) is None


def test_answers_through_a_token_land_on_its_own_childs_review_whatever_is_posted(iro):
    _, tia_review = child_with_booked_review(iro, first_name="Tia")
    sam_child, sam_review = child_with_booked_review(iro, first_name="Sam")
    tia = child_link(tia_review, by=iro)
    response = services.response_submit(
        raw=tia.raw,
        data={"home": "good", "review": str(sam_review.pk), "child": str(sam_child.pk), "form_kind": "feedback-young"},
    )
    assert (response.review_id, response.child_id) == (tia_review.pk, tia_review.child_id)
    assert response.answers == {"home": "good"}
    assert not VoiceResponse.objects.filter(child=sam_child).exists()


def test_a_link_takes_one_answer_and_then_opens_nothing(iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    services.response_submit(raw=made.raw, data={"talk_about": "Seeing my brother"})
    assert services.link_for_token(made.raw) is None
    with pytest.raises(services.LinkClosed):
        services.response_submit(raw=made.raw, data={"talk_about": "again"})
    assert VoiceResponse.objects.count() == 1


def test_a_link_expires_after_the_days_set(iro, settings):
    settings.VOICE_LINK_DAYS = 28
    _, review = child_with_booked_review(iro)
    now = timezone.now()
    made = child_link(review, by=iro, now=now)
    assert made.link.expires_at == now + dt.timedelta(days=28)
    assert services.link_for_token(made.raw, now=now + dt.timedelta(days=27, hours=23)) is not None
    assert services.link_for_token(made.raw, now=now + dt.timedelta(days=28)) is None
    with pytest.raises(services.LinkClosed):
        services.response_submit(raw=made.raw, data={}, now=now + dt.timedelta(days=29))


def test_the_iro_can_revoke_a_link(iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    services.link_revoke(link=made.link, by=iro)
    assert services.link_for_token(made.raw) is None
    made.link.refresh_from_db()
    assert made.link.revoked_by == iro and made.link.revoked_reason == "Revoked by the IRO"


def test_another_iro_cannot_make_or_revoke_a_link(iro, other_iro):
    _, review = child_with_booked_review(iro)
    with pytest.raises(PermissionDenied):
        child_link(review, by=other_iro)
    made = child_link(review, by=iro)
    with pytest.raises(PermissionDenied):
        services.link_revoke(link=made.link, by=other_iro)
    assert services.link_for_token(made.raw) is not None


def test_a_new_link_replaces_the_persons_unanswered_one(iro):
    _, review = child_with_booked_review(iro)
    first = child_link(review, by=iro)
    second = child_link(review, by=iro, channel=Channel.LETTER)
    assert services.link_for_token(first.raw) is None
    assert services.link_for_token(second.raw).pk == second.link.pk


def test_someone_who_answered_is_not_asked_again(iro):
    _, review = child_with_booked_review(iro)
    services.response_submit(raw=child_link(review, by=iro).raw, data={})
    with pytest.raises(ValidationError, match="already answered"):
        child_link(review, by=iro)


def test_the_childs_form_follows_their_age(iro, settings):
    settings.VOICE_YOUNG_PERSON_AGE = 11
    _, young = child_with_booked_review(iro, born=timezone.localdate() - dt.timedelta(days=365 * 14))
    _, little = child_with_booked_review(iro, born=timezone.localdate() - dt.timedelta(days=365 * 7))
    assert child_link(young, by=iro).link.form_kind == FormKind.CONSULT_YOUNG
    assert child_link(little, by=iro).link.form_kind == FormKind.CONSULT_CHILD


def test_consultation_needs_a_booked_review_and_feedback_a_held_one(iro):
    _, booked = child_with_booked_review(iro)
    _, held = child_with_held_review(iro, first_name="Kai")
    with pytest.raises(ValidationError, match="not been held"):
        child_link(booked, by=iro, purpose=Purpose.FEEDBACK)
    with pytest.raises(ValidationError, match="not booked"):
        child_link(held, by=iro, purpose=Purpose.CONSULTATION)
    assert child_link(held, by=iro, purpose=Purpose.FEEDBACK).link.form_kind in (
        FormKind.FEEDBACK_CHILD,
        FormKind.FEEDBACK_YOUNG,
    )


def test_a_contact_of_another_child_is_refused(iro):
    child, review = child_with_booked_review(iro)
    other_child, _ = child_with_booked_review(iro, first_name="Sam")
    mother_of_other = contact(other_child, ContactRole.MOTHER)
    with pytest.raises(ValidationError, match="not one of this child's contacts"):
        services.link_create(
            review=review,
            purpose=Purpose.CONSULTATION,
            respondent=Respondent.PARENT,
            contact=mother_of_other,
            channel=Channel.EMAIL,
            by=iro,
        )


def test_bad_answers_are_refused_naming_the_question_and_nothing_is_kept(iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    with pytest.raises(ValidationError) as refused:
        services.response_submit(raw=made.raw, data={"home": "brilliant", "talk_about": "x" * 2001})
    assert set(refused.value.message_dict) == {"home", "talk_about"}
    assert not VoiceResponse.objects.exists()
    assert services.link_for_token(made.raw) is not None


def test_feedback_is_anonymous_unless_the_person_says_otherwise(iro):
    _, review = child_with_held_review(iro)
    anonymous = services.response_submit(
        raw=child_link(review, by=iro, purpose=Purpose.FEEDBACK).raw, data={"know_plan": "yes"}
    )
    assert anonymous.identified is False


def test_opening_and_answering_are_audited_without_an_actor(iro):
    child, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    services.link_opened(made.link)
    services.response_submit(raw=made.raw, data={"home": "ok"})
    events = AuditEvent.objects.filter(child_id=child.pk).order_by("pk")
    summaries = [event.summary for event in events]
    assert any("link made" in s for s in summaries)
    assert any("opened" in s for s in summaries)
    assert any("answered" in s for s in summaries)
    assert all(event.actor_id is None for event in events if "opened" in event.summary or "answered" in event.summary)
    made.link.refresh_from_db()
    assert made.link.open_count == 1 and made.link.opened_at is not None
