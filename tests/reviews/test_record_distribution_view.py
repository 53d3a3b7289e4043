"""The review record's dates page (``reviews:distribution``): the chair records when the record
was completed and sent out (docs/rules.md#after-the-review), another IRO cannot reach it, and a
date the rules refuse is named in the GOV.UK error summary with nothing saved."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from iro_service.models import AuditAction, AuditEvent
from tests.factories import make_child_in_care
from tests.forms import date_fields, error_summary_links
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(iro):
    today = timezone.localdate()
    child = make_child_in_care(
        iro=iro, looked_after_on=today - dt.timedelta(days=120), first_name="Mia", last_name="Rowe"
    )
    return held_review(
        child, iro=iro, held_on=today - dt.timedelta(days=14), record_due_on=today + dt.timedelta(days=6)
    )


def url(review):
    return reverse("reviews:distribution", args=[review.pk])


def test_the_chair_sees_when_the_record_is_due_and_the_page_is_audited(client_for, iro, review):
    response = client_for(iro).get(url(review))

    assert response.status_code == 200
    text = response.text
    assert f"Review record: due to be distributed by {review.record_due_on:%-d %B %Y}" in text
    assert "Date the record was completed" in text
    assert "Date the record was sent to the child, parents and professionals" in text
    assert "Save record dates" in text
    event = AuditEvent.objects.filter(action=AuditAction.VIEWED).latest("pk")
    assert (event.actor, event.child_id, event.summary) == (iro, review.child_id, "Review record dates page viewed")


def test_the_chair_records_the_record_completed_and_distributed_and_it_is_audited(client_for, iro, review):
    today = timezone.localdate()
    completed, distributed = today - dt.timedelta(days=5), today - dt.timedelta(days=2)
    client = client_for(iro)
    version = client.get(url(review)).context["form"].initial["version"]

    response = client.post(
        url(review),
        {
            **date_fields("record_completed_on", completed),
            **date_fields("record_distributed_on", distributed),
            "version": version,
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("reviews:detail", args=[review.pk])
    review.refresh_from_db()
    assert (review.record_completed_on, review.record_distributed_on) == (completed, distributed)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATED, object_id=str(review.pk)).get()
    assert (event.actor, event.child_id) == (iro, review.child_id)
    assert event.summary == f"Review record distributed on {distributed:%-d %B %Y}"
    assert set(event.changes) == {"record_completed_on", "record_distributed_on"}
    assert "Review record dates saved" in client.get(response.url).text


def test_another_iro_cannot_open_or_save_the_record_dates(client_for, other_iro, review):
    today = timezone.localdate()
    client = client_for(other_iro)
    data = {**date_fields("record_completed_on", today), "version": review.version}

    assert client.get(url(review)).status_code == 404
    assert client.post(url(review), data).status_code == 404

    review.refresh_from_db()
    assert review.record_completed_on is None
    assert not AuditEvent.objects.filter(actor=other_iro, child_id=review.child_id).exists()


def test_a_record_sent_before_it_was_completed_is_named_in_the_error_summary(client_for, iro, review):
    today = timezone.localdate()
    client = client_for(iro)
    version = client.get(url(review)).context["form"].initial["version"]

    response = client.post(url(review), {**date_fields("record_distributed_on", today), "version": version})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert error_summary_links(response) == [("#id_record_completed_on", "Enter when the record was completed.")]
    assert 'id="id_record_completed_on"' in response.text  # the link lands on the field's date group
    review.refresh_from_db()
    assert (review.record_completed_on, review.record_distributed_on) == (None, None)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATED, object_id=str(review.pk)).exists()
