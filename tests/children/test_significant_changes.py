"""Significant changes the IRO must be told of (docs/rules.md#significant-changes): recording, the IRO's
list of unacknowledged changes, acknowledgement once only, and the pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from children.models import IROAllocation, SignificantChange
from children.selectors import unacknowledged_significant_changes
from children.services import significant_change_acknowledge, significant_change_record
from iro_service.models import AuditAction, AuditEvent
from reviews.models import Review
from tests.factories import make_child_in_care, make_cover

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def child(iro):
    return make_child_in_care(iro=iro, first_name="Kai", last_name="Morgan", local_reference="K0001")


def record(child, by, **overrides):
    fields = {
        "category": "exclusion",
        "occurred_on": dt.date(2026, 11, 16),
        "description": "  Excluded from school for six days.  ",
    }
    fields.update(overrides)
    return significant_change_record(child=child, by=by, today=TODAY, **fields)


def acknowledge(change, by, response="I will bring the review forward."):
    return significant_change_acknowledge(change=change, by=by, iro_response=response, today=TODAY)


# Services ------------------------------------------------------------------------------------


@pytest.mark.parametrize("recorder", ["iro", "manager"])
def test_recording_a_change_addresses_it_to_the_childs_iro_and_audits_it(request, iro, child, recorder):
    by = request.getfixturevalue(recorder)

    change = record(child, by)

    assert (change.iro, change.recorded_by, change.acknowledged_on) == (iro, by, None)
    assert change.description == "Excluded from school for six days."
    event = AuditEvent.objects.get(object_type="children.SignificantChange")
    assert (event.action, event.actor, event.child_id) == (AuditAction.CREATED, by, child.pk)
    assert event.summary == "Significant change recorded: School exclusion of more than five days on 16 November 2026"


def test_the_change_goes_to_the_iro_who_holds_the_child_now(iro, other_iro, manager, child):
    IROAllocation.objects.filter(child=child).update(ended_on=dt.date(2026, 10, 1))
    IROAllocation.objects.create(child=child, iro=other_iro, started_on=dt.date(2026, 10, 1))

    assert record(child, manager).iro == other_iro


@pytest.mark.parametrize("user", ["other_iro", "committee", "administrator"])
def test_someone_who_cannot_see_the_child_cannot_record_a_change(request, child, user):
    with pytest.raises(PermissionDenied):
        record(child, request.getfixturevalue(user))

    assert not SignificantChange.objects.exists()


def test_a_change_that_happened_cannot_be_dated_in_the_future(iro, child):
    with pytest.raises(ValidationError) as error:
        record(child, iro, occurred_on=TODAY + dt.timedelta(days=1))

    assert error.value.message_dict == {"occurred_on": ["The date must be today or in the past."]}


def test_a_proposed_move_that_needs_a_review_first_may_be_dated_ahead(iro, child):
    change = record(child, iro, category="from_settled_residential", occurred_on=dt.date(2027, 1, 4))

    assert change.needs_review_first
    assert change.occurred_on == dt.date(2027, 1, 4)


def test_a_change_before_the_child_became_looked_after_is_refused(iro, child):
    with pytest.raises(ValidationError) as error:
        record(child, iro, occurred_on=dt.date(2024, 6, 2))

    assert error.value.message_dict == {
        "occurred_on": ["The date cannot be before Kai became looked after on 3 June 2024."]
    }


def test_an_unknown_category_is_refused(iro, child):
    with pytest.raises(ValidationError) as error:
        record(child, iro, category="holiday")

    assert list(error.value.message_dict) == ["category"]


def test_the_change_is_listed_for_its_iro_and_not_for_another_iro(iro, other_iro, child):
    other_child = make_child_in_care(iro=other_iro, first_name="Lia", local_reference="L0001")
    change = record(child, iro)
    other_change = record(other_child, other_iro)

    assert list(unacknowledged_significant_changes(iro)) == [change]
    assert list(unacknowledged_significant_changes(other_iro)) == [other_change]


def test_a_covering_iro_sees_the_changes_of_the_children_they_cover(iro, other_iro, child):
    change = record(child, iro)
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=dt.date(2026, 11, 1))

    assert list(unacknowledged_significant_changes(other_iro)) == [change]


def test_unacknowledged_changes_are_oldest_first_in_one_query(iro, child, django_assert_num_queries):
    later = record(child, iro, occurred_on=dt.date(2026, 11, 20))
    earlier = record(child, iro, occurred_on=dt.date(2026, 9, 1))

    fresh_iro = type(iro).objects.get(pk=iro.pk)  # no permissions cached yet

    with django_assert_num_queries(3):  # the user's permissions (2), then the changes with child and IRO
        changes = list(unacknowledged_significant_changes(fresh_iro))
        names = [(c.child.first_name, c.iro.username) for c in changes]

    assert changes == [earlier, later]
    assert names == [("Kai", "iro_a"), ("Kai", "iro_a")]


def test_acknowledging_records_who_when_and_the_response_and_clears_the_alert(iro, manager, child):
    change = record(child, manager)

    acknowledged = acknowledge(change, iro)

    assert (acknowledged.acknowledged_on, acknowledged.acknowledged_by) == (TODAY, iro)
    assert acknowledged.iro_response == "I will bring the review forward."
    assert list(unacknowledged_significant_changes(iro)) == []
    event = AuditEvent.objects.get(object_type="children.SignificantChange", action=AuditAction.UPDATED)
    assert event.actor == iro


def test_a_change_is_acknowledged_once_only(iro, child):
    change = record(child, iro)
    acknowledge(change, iro)

    with pytest.raises(ValidationError) as error:
        acknowledge(change, iro, response="Second thoughts.")

    assert error.value.messages == ["This change was already acknowledged by Ada Okafor on 23 November 2026."]
    assert SignificantChange.objects.get().iro_response == "I will bring the review forward."


def test_an_acknowledgement_needs_a_response(iro, child):
    change = record(child, iro)

    with pytest.raises(ValidationError) as error:
        acknowledge(change, iro, response="   ")

    assert list(error.value.message_dict) == ["iro_response"]
    assert SignificantChange.objects.get().acknowledged_on is None


def test_another_iro_cannot_acknowledge(iro, other_iro, child):
    change = record(child, iro)

    with pytest.raises(PermissionDenied):
        acknowledge(change, other_iro)


# Views ---------------------------------------------------------------------------------------


def post_change(client, child, **overrides):
    data = {
        "category": "exclusion",
        "occurred_on_0": "16",
        "occurred_on_1": "11",
        "occurred_on_2": "2026",
        "description": "Excluded from school for six days.",
    }
    data.update(overrides)
    return client.post(reverse("children:significant_change_create", args=[child.pk]), data, follow=True)


def test_iro_records_a_change_and_sees_it_on_the_timeline(client_for, iro, child):
    client = client_for(iro)
    assert client.get(reverse("children:significant_change_create", args=[child.pk])).status_code == 200

    response = post_change(client, child)

    assert response.redirect_chain == [(reverse("reviews:timeline", args=[child.pk]), 302)]
    assert "Significant change recorded. The child&#x27;s IRO will see it until they acknowledge it." in response.text
    assert "School exclusion of more than five days" in response.text
    assert "Not acknowledged" in response.text
    assert SignificantChange.objects.get().iro == iro


def test_a_change_that_needs_a_review_first_says_so(client_for, manager, child):
    response = post_change(client_for(manager), child, category="to_unregulated")

    assert "a review must be held first" in response.text
    assert SignificantChange.objects.get().needs_review_first


def test_an_empty_form_shows_the_error_summary(client_for, iro, child):
    response = client_for(iro).post(reverse("children:significant_change_create", args=[child.pk]), {})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Choose what kind of change this is" in response.text
    assert "Enter what happened" in response.text
    assert not SignificantChange.objects.exists()


def test_a_future_date_is_shown_on_the_date_field(client_for, iro, child):
    # Next year: in the future, yet inside the two years any date may be (iro_service.forms).
    response = post_change(client_for(iro), child, occurred_on_2=str(timezone.localdate().year + 1))

    assert "There is a problem" in response.text
    assert "The date must be today or in the past." in response.text
    assert not SignificantChange.objects.exists()


def test_another_iro_gets_404_on_both_pages(client_for, iro, other_iro, child):
    change = record(child, iro)
    client = client_for(other_iro)

    assert client.get(reverse("children:significant_change_create", args=[child.pk])).status_code == 404
    assert client.get(reverse("children:significant_change_acknowledge", args=[change.pk])).status_code == 404
    assert client.post(reverse("children:significant_change_acknowledge", args=[change.pk]), {}).status_code == 404


@pytest.mark.parametrize("role", ["committee", "administrator"])
def test_committee_and_administrator_get_403_on_both_pages(client_for, request, iro, child, role):
    change = record(child, iro)
    client = client_for(request.getfixturevalue(role))

    assert client.get(reverse("children:significant_change_create", args=[child.pk])).status_code == 403
    assert client.get(reverse("children:significant_change_acknowledge", args=[change.pk])).status_code == 403


def test_acknowledge_page_offers_to_book_an_earlier_review_when_none_is_booked(client_for, iro, child):
    change = record(child, iro)

    response = client_for(iro).get(reverse("children:significant_change_acknowledge", args=[change.pk]))

    assert response.status_code == 200
    assert "Excluded from school for six days." in response.text
    assert reverse("reviews:book", args=[child.pk]) in response.text
    assert "Book an earlier review" in response.text


def test_acknowledge_page_offers_to_bring_the_booked_review_forward(client_for, iro, child):
    booked = Review.objects.create(
        child=child, chair=iro, status="booked", booked_for=dt.date(2027, 1, 10), created_by=iro
    )
    change = record(child, iro)

    response = client_for(iro).get(reverse("children:significant_change_acknowledge", args=[change.pk]))

    assert reverse("reviews:reschedule", args=[booked.pk]) in response.text
    assert "Bring the booked review forward" in response.text


def timeline_elsewhere(*, child_pk: int) -> str:
    return f"/elsewhere/{child_pk}/"


def test_the_page_takes_the_review_offer_and_the_timeline_from_the_settings(settings, client_for, iro, child):
    """children never imports reviews: the offer to bring the review forward is a section of
    SIGNIFICANT_CHANGE_SECTIONS, and the timeline the function named by CHILD_TIMELINE_URL."""
    settings.SIGNIFICANT_CHANGE_SECTIONS = []
    settings.CHILD_TIMELINE_URL = f"{__name__}.timeline_elsewhere"
    change = record(child, iro)
    url = reverse("children:significant_change_acknowledge", args=[change.pk])
    client = client_for(iro)

    page = client.get(url).text

    assert "Excluded from school for six days." in page
    assert "Bring the next review forward" not in page
    assert reverse("reviews:book", args=[child.pk]) not in page
    assert reverse("reviews:timeline", args=[child.pk]) not in page
    assert f'href="/elsewhere/{child.pk}/"' in page
    response = client.post(url, {"iro_response": "Seen."})
    assert response.status_code == 302
    assert response.url == f"/elsewhere/{child.pk}/"


def test_iro_acknowledges_once_through_the_page(client_for, iro, manager, child):
    change = record(child, manager, category="from_secure")
    client = client_for(iro)
    url = reverse("children:significant_change_acknowledge", args=[change.pk])
    assert "needs a review endorsed by the IRO" in client.get(url).text

    response = client.post(url, {"iro_response": "Review booked for next week."}, follow=True)

    assert response.redirect_chain == [(reverse("reviews:timeline", args=[child.pk]), 302)]
    assert "Change acknowledged" in response.text
    page = client.get(url).text
    assert "Review booked for next week." in page
    assert "Acknowledge the change" not in page
    again = client.post(url, {"iro_response": "Again."})
    assert "There is a problem" in again.text
    assert "already acknowledged by Ada Okafor" in again.text
    assert SignificantChange.objects.get().iro_response == "Review booked for next week."


def test_an_empty_acknowledgement_shows_the_error_summary(client_for, iro, child):
    change = record(child, iro)

    response = client_for(iro).post(reverse("children:significant_change_acknowledge", args=[change.pk]), {})

    assert "There is a problem" in response.text
    assert "Enter your response to the change" in response.text
    assert SignificantChange.objects.get().acknowledged_on is None
