"""Every answer not yet read is shown at the top of its IRO's start page until it is read
(docs/rules.md#the-childs-voice): the child's first name (or "Anonymous feedback"), who answered,
when, and a link to read it; never the words of a free-text answer. And the voice panel on a
review's page: who was asked before it and what came back; feedback counted after it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from iro_service.models import AuditAction, AuditEvent
from voice import services
from voice.codes import Channel, Purpose, Respondent

from .factories import child_link, child_with_booked_review, child_with_held_review, contact, parent_link

pytestmark = pytest.mark.django_db

WORRY = "Someone at home hurts me"


def answered(iro, *, first_name="Tia"):
    _, review = child_with_booked_review(iro, first_name=first_name)
    made = child_link(review, by=iro)
    return services.response_submit(raw=made.raw, data={"talk_about": WORRY, "private": WORRY, "attend": "no"})


def fed_back(iro, *, first_name="Sam"):
    _, review = child_with_held_review(iro, first_name=first_name)
    made = child_link(review, by=iro, purpose=Purpose.FEEDBACK)
    return services.response_submit(raw=made.raw, data={"know_plan": "yes", "comment": WORRY})


def test_an_unread_answer_is_at_the_top_of_the_start_page_without_its_words(client_for, iro):
    response = answered(iro)
    body = client_for(iro).get(reverse("reviews:home")).content.decode()
    assert "Answers to read" in body
    top = body.index("Answers to read")
    assert top < body.index("Reviews overdue")
    assert "Tia (the child)" in body
    assert reverse("voice:answer", args=[response.pk]) in body
    assert WORRY not in body and "Someone at home" not in body


def test_it_stays_until_read_then_goes(client_for, iro):
    response = answered(iro)
    client = client_for(iro)
    assert "Answers to read" in client.get(reverse("reviews:home")).content.decode()
    client.get(reverse("voice:answer", args=[response.pk]))
    assert "Answers to read" not in client.get(reverse("reviews:home")).content.decode()


def test_anonymous_feedback_is_shown_without_the_child(client_for, iro):
    response = fed_back(iro, first_name="Sam")
    body = client_for(iro).get(reverse("reviews:home")).content.decode()
    panel = body[body.index('id="voice-unread-title"') : body.index("All your answers")]
    assert "Anonymous feedback" in panel and "Sam" not in panel  # the caseload below names the child
    assert reverse("voice:answer", args=[response.pk]) in panel


def test_another_iros_answers_are_not_shown(client_for, iro, other_iro):
    answered(other_iro, first_name="Ben")
    assert "Answers to read" not in client_for(iro).get(reverse("reviews:home")).content.decode()


def test_the_start_page_audits_the_children_shown(client_for, iro):
    named = answered(iro)
    anonymous = fed_back(iro)
    client_for(iro).get(reverse("reviews:home"))
    event = AuditEvent.objects.filter(action=AuditAction.LISTED).latest("pk")
    assert named.child_id in event.changes["child_ids"]
    assert anonymous.child_id in event.changes["child_ids"]  # on the caseload list, not from the panel


@pytest.mark.parametrize("size", [2, 20])
def test_the_panel_takes_a_fixed_number_of_queries(iro, size, django_assert_num_queries):
    from django.utils import timezone

    from voice.sections import home_unread

    for n in range(size):
        answered(iro, first_name=f"Kid{n}")
    with django_assert_num_queries(1):
        section = home_unread(user=iro, today=timezone.localdate())
    assert section["count"] == size


def test_past_the_limit_the_panel_counts_them_all_and_links_to_the_list(client_for, iro, monkeypatch):
    monkeypatch.setattr("voice.sections.HOME_LIMIT", 2)
    for name in ("Ada", "Bea", "Cal"):
        answered(iro, first_name=name)
    body = client_for(iro).get(reverse("reviews:home")).content.decode()
    assert "See all 3 unread answers" in body and reverse("voice:answers") in body


# --- The review's page ---------------------------------------------------------------------------


def test_a_booked_reviews_page_shows_who_was_asked_and_their_answers(client_for, iro, manager):
    child, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    response = services.response_submit(raw=made.raw, data={"talk_about": WORRY})
    services.link_create(
        review=review,
        purpose=Purpose.CONSULTATION,
        respondent=Respondent.CARER,
        contact=contact(child, role="foster_carer", name="Pat Carer"),
        channel=Channel.SMS,
        by=iro,
    )
    for user in (iro, manager):
        body = client_for(user).get(reverse("reviews:detail", args=[review.pk])).content.decode()
        assert "Views before the review" in body
        assert "Tia (the child)" in body and "Answered" in body
        assert "Pat Carer (carer)" in body and "Sent, not opened" in body
        assert reverse("voice:answer", args=[response.pk]) in body
        assert WORRY not in body


def test_a_held_reviews_page_counts_feedback_and_never_names_the_anonymous(client_for, iro):
    child, review = child_with_held_review(iro, first_name="Sam")
    made = child_link(review, by=iro, purpose=Purpose.FEEDBACK)
    services.response_submit(raw=made.raw, data={"know_plan": "yes"})
    mother = contact(child, name="Jo Bloggs")
    asked = parent_link(review, mother, by=iro)
    named = services.response_submit(raw=asked.raw, data={"know_plan": "no", "share_name": "on"})
    body = client_for(iro).get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Feedback after the review" in body
    assert "2 of 2 people asked gave feedback, 1 of them anonymously" in body
    assert "Feedback from Jo Bloggs (parent)" in body and reverse("voice:answer", args=[named.pk]) in body
    # One answer linked (the named one); the anonymous answer has no link of its own.
    assert len(re.findall(r"/voice/answers/\d+/", body)) == 1


def test_the_review_page_links_its_iro_to_the_sending_pages(client_for, iro, manager):
    child, booked = child_with_booked_review(iro)
    send = reverse("voice:consultation_send", kwargs={"pk": booked.pk})
    assert send in client_for(iro).get(reverse("reviews:detail", args=[booked.pk])).content.decode()
    assert send not in client_for(manager).get(reverse("reviews:detail", args=[booked.pk])).content.decode()
    _, held = child_with_held_review(iro, first_name="Sam")
    feedback_send = reverse("voice:feedback_send", kwargs={"pk": held.pk})
    assert feedback_send in client_for(iro).get(reverse("reviews:detail", args=[held.pk])).content.decode()
