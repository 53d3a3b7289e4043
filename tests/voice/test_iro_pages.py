"""What the IRO sees of the answers (docs/rules.md#the-childs-voice): their list, unread first,
in a fixed number of queries; one answer, read by its IRO (private answers too) and marked read;
a manager reads the rest and nothing private; anonymous feedback names no child; copying a
consultation answer into the booked review's record, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from iro_service.models import AuditAction, AuditEvent
from reviews.models import Review
from tests.factories import make_cover, make_iro
from voice import services
from voice.codes import Channel, Purpose, Respondent
from voice.models import VoiceResponse

from .factories import child_link, child_with_booked_review, child_with_held_review, contact

pytestmark = pytest.mark.django_db

PRIVATE = "Only my IRO should know this"


def consultation(iro, *, first_name="Tia", data=None):
    child, review = child_with_booked_review(iro, first_name=first_name)
    made = child_link(review, by=iro)
    data = data or {"home": "good", "talk_about": "Seeing my sister", "attend": "no", "private": PRIVATE}
    return services.response_submit(raw=made.raw, data=data)


def feedback(iro, *, first_name="Sam", share_name=False):
    child, review = child_with_held_review(iro, first_name=first_name)
    made = child_link(review, by=iro, purpose=Purpose.FEEDBACK)
    data = {"know_plan": "yes", "involved": "no", "better": "sort_of", "comment": "It was long"}
    if share_name:
        data["share_name"] = "on"
    return services.response_submit(raw=made.raw, data=data)


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_the_iros_answers_unread_first_then_newest(client_for, iro):
    old = consultation(iro, first_name="Ada")
    services.response_mark_read(response=old, by=iro)
    newer = consultation(iro, first_name="Bea")
    VoiceResponse.objects.filter(pk=newer.pk).update(submitted_at=timezone.now() - dt.timedelta(days=2))
    newest = consultation(iro, first_name="Cal")
    page = client_for(iro).get(reverse("voice:answers"))
    assert page.status_code == 200
    assert [row.response.pk for row in page.context["rows"]] == [newest.pk, newer.pk, old.pk]
    body = page.content.decode()
    assert body.count(">Unread</strong>") == 2 and body.count(">Read</strong>") == 1
    assert reverse("children:detail", args=[old.child_id]) in body


def test_anonymous_feedback_shows_the_review_date_and_no_child(client_for, iro):
    response = feedback(iro, first_name="Sam")
    body = client_for(iro).get(reverse("voice:answers")).content.decode()
    assert "Anonymous feedback on a review you chaired" in body
    assert f"{response.review.held_on:%-d %B %Y}" in body
    assert "Sam" not in body
    assert reverse("children:detail", args=[response.child_id]) not in body


def test_feedback_the_child_put_their_name_to_names_them(client_for, iro):
    response = feedback(iro, first_name="Sam", share_name=True)
    body = client_for(iro).get(reverse("voice:answers")).content.decode()
    assert "Sam" in body and reverse("children:detail", args=[response.child_id]) in body


def test_the_list_shows_only_the_children_the_iro_holds_or_covers(client_for, iro, other_iro):
    mine = consultation(iro, first_name="Ada")
    theirs = consultation(other_iro, first_name="Ben")
    rows = client_for(iro).get(reverse("voice:answers")).context["rows"]
    assert [row.response.pk for row in rows] == [mine.pk]
    make_cover(absent_iro=other_iro, covering_iro=iro, starts_on=timezone.localdate() - dt.timedelta(days=1))
    rows = client_for(iro).get(reverse("voice:answers")).context["rows"]
    assert {row.response.pk for row in rows} == {mine.pk, theirs.pk}


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(client_for, iro, size, django_assert_max_num_queries):
    for n in range(size):
        if n % 3 == 2:
            feedback(iro, first_name=f"Fed{n}")
        else:
            consultation(iro, first_name=f"Kid{n}")
    client = client_for(iro)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("voice:answers"))
    assert len(page.context["rows"]) == size


def test_the_list_is_paged(client_for, iro, monkeypatch):
    monkeypatch.setattr("voice.views.iro.PAGE_SIZE", 2)
    for name in ("Ada", "Bea", "Cal"):
        consultation(iro, first_name=name)
    client = client_for(iro)
    assert len(client.get(reverse("voice:answers")).context["rows"]) == 2
    assert len(client.get(reverse("voice:answers") + "?page=2").context["rows"]) == 1


def test_the_list_is_audited_with_the_children_named_on_it(client_for, iro):
    named = consultation(iro, first_name="Ada")
    anonymous = feedback(iro, first_name="Sam")
    client_for(iro).get(reverse("voice:answers"))
    event = AuditEvent.objects.filter(action=AuditAction.LISTED).latest("pk")
    assert event.changes["child_ids"] == [named.child_id]
    assert anonymous.child_id not in event.changes["child_ids"]


@pytest.mark.parametrize("who", ["manager", "committee", "administrator"])
def test_the_list_is_the_iros_only(request, client_for, iro, who):
    consultation(iro)
    assert client_for(request.getfixturevalue(who)).get(reverse("voice:answers")).status_code == 403


def test_the_list_asks_an_anonymous_visitor_to_sign_in(client, iro):
    consultation(iro)
    response = client.get(reverse("voice:answers"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- One answer -----------------------------------------------------------------------------------


def test_the_iro_reads_every_answer_and_reading_marks_it_read_and_is_audited(client_for, iro):
    response = consultation(iro)
    page = client_for(iro).get(reverse("voice:answer", args=[response.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Seeing my sister" in body and PRIVATE in body and "Only for you" in body
    response.refresh_from_db()
    assert response.read_at is not None and response.read_by == iro
    assert AuditEvent.objects.filter(
        child_id=response.child_id, action=AuditAction.VIEWED, object_type="voice.VoiceResponse"
    ).exists()
    assert AuditEvent.objects.filter(
        child_id=response.child_id, action=AuditAction.UPDATED, summary__contains="marked read"
    ).exists()


def test_the_covering_iro_reads_the_private_answers(client_for, iro, other_iro):
    response = consultation(other_iro)
    make_cover(absent_iro=other_iro, covering_iro=iro, starts_on=timezone.localdate() - dt.timedelta(days=1))
    assert PRIVATE in client_for(iro).get(reverse("voice:answer", args=[response.pk])).content.decode()


def test_a_manager_reads_the_answers_but_never_the_private_ones_and_marks_nothing_read(client_for, iro, manager):
    response = consultation(iro)
    page = client_for(manager).get(reverse("voice:answer", args=[response.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Seeing my sister" in body and PRIVATE not in body
    response.refresh_from_db()
    assert response.read_at is None
    assert "Copy into the review record" not in body


@pytest.mark.parametrize("who", ["other_iro", "committee", "administrator"])
def test_nobody_else_reads_an_answer(request, client_for, iro, who):
    response = consultation(iro)
    page = client_for(request.getfixturevalue(who)).get(reverse("voice:answer", args=[response.pk]))
    assert page.status_code in (403, 404)
    assert PRIVATE not in page.content.decode() and "Tia" not in page.content.decode()


def test_an_anonymous_visitor_is_asked_to_sign_in_for_an_answer(client, iro):
    response = consultation(iro)
    page = client.get(reverse("voice:answer", args=[response.pk]))
    assert page.status_code == 302 and "login" in page["Location"]


def test_anonymous_feedback_names_no_child_on_its_page(client_for, iro):
    response = feedback(iro, first_name="Sam")
    body = client_for(iro).get(reverse("voice:answer", args=[response.pk])).content.decode()
    assert "Anonymous feedback on a review you chaired" in body and "It was long" in body
    assert "Sam" not in body
    assert reverse("children:detail", args=[response.child_id]) not in body
    assert reverse("reviews:detail", args=[response.review_id]) not in body


def test_answers_are_escaped(client_for, iro):
    response = consultation(iro, data={"talk_about": "<script>alert(1)</script>"})
    body = client_for(iro).get(reverse("voice:answer", args=[response.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


# --- Copying into the review record ---------------------------------------------------------------


def _copy(client, response):
    review = Review.objects.get(pk=response.review_id)
    return client.post(reverse("voice:answer_copy", args=[response.pk]), {"version": review.version})


def test_the_childs_consultation_is_copied_into_wishes_and_feelings_without_private_answers(client_for, iro):
    response = consultation(iro)
    client = client_for(iro)
    assert "Copy into the review record" in client.get(reverse("voice:answer", args=[response.pk])).content.decode()
    page = _copy(client, response)
    assert page.status_code == 302 and page["Location"] == reverse("voice:answer", args=[response.pk])
    review = Review.objects.get(pk=response.review_id)
    day = timezone.localtime(response.submitted_at).date()
    assert review.wishes_and_feelings.startswith(f"Tia's consultation form, {day:%-d %B %Y}:")
    assert "Seeing my sister" in review.wishes_and_feelings
    assert PRIVATE not in review.wishes_and_feelings
    response.refresh_from_db()
    assert response.copied_at is not None
    assert AuditEvent.objects.filter(child_id=review.child_id, object_type="reviews.Review", action="updated").exists()


def test_a_second_copy_is_refused_with_a_message(client_for, iro):
    response = consultation(iro)
    client = client_for(iro)
    _copy(client, response)
    once = Review.objects.get(pk=response.review_id).wishes_and_feelings
    page = client.get(_copy(client, response)["Location"])
    assert "were copied into the review record on" in page.content.decode()
    assert Review.objects.get(pk=response.review_id).wishes_and_feelings == once
    assert "Copy into the review record</button>" not in page.content.decode()


def test_an_adults_consultation_goes_into_the_discussion(client_for, iro):
    child, review = child_with_booked_review(iro)
    mother = contact(child, name="Jo Bloggs")
    made = services.link_create(
        review=review,
        purpose=Purpose.CONSULTATION,
        respondent=Respondent.PARENT,
        contact=mother,
        channel=Channel.EMAIL,
        by=iro,
    )
    response = services.response_submit(raw=made.raw, data={"plan": "The plan is good", "private": PRIVATE})
    _copy(client_for(iro), response)
    review.refresh_from_db()
    assert review.discussion.startswith("Jo Bloggs's consultation form") and "The plan is good" in review.discussion
    assert PRIVATE not in review.discussion and review.wishes_and_feelings == ""


def test_a_stale_copy_is_refused(client_for, iro):
    response = consultation(iro)
    client = client_for(iro)
    stale = Review.objects.get(pk=response.review_id).version - 1
    page = client.post(reverse("voice:answer_copy", args=[response.pk]), {"version": stale})
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.copied_at is None


def test_the_copied_answers_start_the_review_record_form(client_for, iro):
    response = consultation(iro)
    client = client_for(iro)
    _copy(client, response)
    form = client.get(reverse("reviews:record", args=[response.child_id])).context["form"]
    assert "Seeing my sister" in form.initial["wishes_and_feelings"]


def test_feedback_has_no_copy(client_for, iro):
    response = feedback(iro, share_name=True)
    client = client_for(iro)
    assert "Copy into the review record" not in client.get(reverse("voice:answer", args=[response.pk])).content.decode()
    _copy(client, response)
    response.refresh_from_db()
    assert response.copied_at is None


@pytest.mark.parametrize("who", ["other_iro", "manager", "committee", "administrator"])
def test_nobody_but_the_iro_copies(request, client_for, iro, who):
    response = consultation(iro)
    page = _copy(client_for(request.getfixturevalue(who)), response)
    assert page.status_code in (403, 404)
    assert Review.objects.get(pk=response.review_id).wishes_and_feelings == ""


def test_copying_is_post_only(client_for, iro):
    response = consultation(iro)
    assert client_for(iro).get(reverse("voice:answer_copy", args=[response.pk])).status_code == 405


def test_an_iro_who_no_longer_holds_the_child_sees_nothing(client_for, iro):
    response = consultation(iro)
    newcomer = make_iro(username="newcomer")
    assert client_for(newcomer).get(reverse("voice:answer", args=[response.pk])).status_code == 404


def test_review_notes_append_adds_to_a_booked_review_only_for_its_iro(iro, other_iro):
    from django.core.exceptions import PermissionDenied, ValidationError

    from reviews.services import review_notes_append

    _, review = child_with_booked_review(iro)
    review = review_notes_append(
        review=review, by=iro, field="discussion", text="First", expected_version=review.version
    )
    review = review_notes_append(
        review=review, by=iro, field="discussion", text="Second", expected_version=review.version
    )
    assert review.discussion == "First\n\nSecond"
    with pytest.raises((PermissionDenied, ValidationError)):
        review_notes_append(review=review, by=other_iro, field="discussion", text="x", expected_version=review.version)
    _, held = child_with_held_review(iro, first_name="Sam")
    with pytest.raises(ValidationError):
        review_notes_append(review=held, by=iro, field="discussion", text="x", expected_version=held.version)
    with pytest.raises(TypeError):
        review_notes_append(review=review, by=iro, field="venue", text="x", expected_version=review.version)
