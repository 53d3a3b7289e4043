"""The review record's distribution page (``reviews:distribution``): the chair records when the
record was completed and, per person, who was sent it (docs/rules.md#after-the-review); another
IRO cannot reach it, and a date the rules refuse is named in the GOV.UK error summary with
nothing saved. The list itself is tested in ``test_distribution_list``."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from children.codes import ContactRole
from iro_service.models import AuditAction, AuditEvent
from reviews.models import DocumentSent
from tests.factories import ContactFactory, make_child_in_care
from tests.forms import date_fields, error_summary_links
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(iro):
    """Mia, 8 at her review and with nobody recorded around her: she is sent the letter only."""
    today = timezone.localdate()
    child = make_child_in_care(
        iro=iro,
        looked_after_on=today - dt.timedelta(days=120),
        first_name="Mia",
        last_name="Rowe",
        date_of_birth=today - dt.timedelta(days=8 * 366),
    )
    return held_review(
        child, iro=iro, held_on=today - dt.timedelta(days=14), record_due_on=today + dt.timedelta(days=6)
    )


def url(review):
    return reverse("reviews:distribution", args=[review.pk])


def data(client, review, **fields):
    """The page's form as loaded, the letter row and the "someone else" row left blank."""
    form = client.get(url(review)).context["form"]
    return {
        "version": form.initial["version"],
        "edit_base": form.initial["edit_base"],
        "copies-TOTAL_FORMS": 2,
        "copies-INITIAL_FORMS": 1,
        "copies-0-recipient": "child",
        "copies-0-document": "letter",
        "copies-1-document": "record",
        **fields,
    }


def test_the_chair_sees_when_the_record_is_due_and_the_page_is_audited(client_for, iro, review):
    response = client_for(iro).get(url(review))

    assert response.status_code == 200
    text = response.text
    assert f"The record is due to be distributed by {review.record_due_on:%-d %B %Y}" in text
    assert "Date the record was completed" in text
    assert "Save the distribution list" in text
    assert "The letter to the child" in text and "Mia Rowe" in text
    event = AuditEvent.objects.filter(action=AuditAction.VIEWED).latest("pk")
    assert (event.actor, event.child_id, event.summary) == (
        iro,
        review.child_id,
        "Review record distribution page viewed",
    )


def test_the_chair_records_the_record_completed_and_the_letter_sent_and_it_is_audited(client_for, iro, review):
    today = timezone.localdate()
    completed, handed = today - dt.timedelta(days=5), today - dt.timedelta(days=2)
    client = client_for(iro)

    response = client.post(
        url(review),
        data(
            client,
            review,
            **date_fields("record_completed_on", completed),
            **{"copies-0-method": "handed"},
            **date_fields("copies-0-sent_on", handed),
        ),
    )

    assert response.status_code == 302
    assert response.url == reverse("reviews:detail", args=[review.pk])
    review.refresh_from_db()
    # Nobody was sent the record itself: it is not distributed yet.
    assert (review.record_completed_on, review.record_distributed_on) == (completed, None)
    letter = DocumentSent.objects.get(review=review)
    assert (letter.to_child, letter.document, letter.method, letter.sent_on) == (True, "letter", "handed", handed)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATED, object_id=str(review.pk)).get()
    assert (event.actor, event.child_id) == (iro, review.child_id)
    assert set(event.changes) == {"record_completed_on"}
    assert "Distribution list saved" in client.get(response.url).text


def test_another_iro_cannot_open_or_save_the_record_dates(client_for, other_iro, review):
    today = timezone.localdate()
    client = client_for(other_iro)
    posted = {**date_fields("record_completed_on", today), "version": review.version}

    assert client.get(url(review)).status_code == 404
    assert client.post(url(review), posted).status_code == 404

    review.refresh_from_db()
    assert review.record_completed_on is None
    assert not AuditEvent.objects.filter(actor=other_iro, child_id=review.child_id).exists()


def test_anonymous_and_committee_are_turned_away(client, client_for, committee, review):
    assert client.get(url(review)).status_code == 302  # to sign in
    assert client_for(committee).get(url(review)).status_code == 403
    assert not DocumentSent.objects.exists()


def test_a_record_sent_before_it_was_completed_is_named_in_the_error_summary(client_for, iro, review):
    today = timezone.localdate()
    school = ContactFactory(child=review.child, role=ContactRole.SCHOOL, name="Hill School")
    client = client_for(iro)
    someone_else = {"copies-1-recipient": f"contact:{school.pk}", "copies-1-method": "post"}

    response = client.post(url(review), data(client, review, **someone_else, **date_fields("copies-1-sent_on", today)))

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert error_summary_links(response) == [("#id_record_completed_on_0", "Enter when the record was completed.")]
    assert 'id="id_record_completed_on_0"' in response.text  # the link lands on the field's date group
    review.refresh_from_db()
    assert (review.record_completed_on, review.record_distributed_on) == (None, None)
    assert not DocumentSent.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATED, object_id=str(review.pk)).exists()
