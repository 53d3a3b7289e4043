"""Updating a SMART action's status from the review record (``reviews:action_update``): the
chair marks it done and the change is audited; another IRO cannot touch it; a status that is
not one of the choices is refused with the reason shown and nothing changed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from iro_service.models import AuditAction, AuditEvent
from reviews.models import Action
from tests.factories import make_child_in_care
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(iro):
    today = timezone.localdate()
    child = make_child_in_care(iro=iro, looked_after_on=today - dt.timedelta(days=120), first_name="Mia")
    review = held_review(child, iro=iro, held_on=today - dt.timedelta(days=14))
    return Action.objects.create(
        review=review, child=child, description="Book the dentist", owner="Carer", due_on=today + dt.timedelta(days=7)
    )


def url(action):
    return reverse("reviews:action_update", args=[action.pk])


def test_the_chair_marks_an_action_done_and_the_change_is_audited(client_for, iro, action):
    client = client_for(iro)

    response = client.post(url(action), {"status": "done"})

    assert response.status_code == 302
    assert response.url == reverse("reviews:detail", args=[action.review_id])
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("done", timezone.localdate())
    event = AuditEvent.objects.filter(action=AuditAction.UPDATED, object_id=str(action.pk)).get()
    assert (event.actor, event.child_id) == (iro, action.child_id)
    assert event.summary == "Action 'Book the dentist' now done"
    assert event.changes == {"status": ["open", "done"]}
    page = client.get(response.url).text
    assert "Action updated" in page
    assert '<option value="done" selected>Done</option>' in page


def test_the_action_page_takes_only_a_post(client_for, iro, action):
    assert client_for(iro).get(url(action)).status_code == 405
    action.refresh_from_db()
    assert action.status == "open"


def test_another_iro_cannot_update_the_action(client_for, other_iro, action):
    assert client_for(other_iro).post(url(action), {"status": "done"}).status_code == 404

    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("open", None)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATED, object_id=str(action.pk)).exists()


def test_a_status_that_is_not_a_choice_is_refused_with_the_reason_shown(client_for, iro, action):
    client = client_for(iro)

    response = client.post(url(action), {"status": "finished"})

    assert response.status_code == 302
    assert response.url == reverse("reviews:detail", args=[action.review_id])
    page = client.get(response.url).text
    assert "govuk-notification-banner" in page
    assert "Choose the action&#x27;s status" in page
    assert "Action updated" not in page
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("open", None)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATED, object_id=str(action.pk)).exists()
