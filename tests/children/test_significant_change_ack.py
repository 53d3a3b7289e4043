"""Only the child's IRO (or the IRO covering them) acknowledges a significant change, which
clears their alert. A manager may record, separately, that they have seen it: that leaves
the IRO's alert in place (docs/rules.md#significant-changes)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from children import services
from children.models import SignificantChange
from children.selectors import unacknowledged_significant_changes
from iro_service.models import AuditAction, AuditEvent
from tests.factories import make_child_in_care, make_cover

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro, today):
    return make_child_in_care(iro=iro, looked_after_on=today - dt.timedelta(days=200), first_name="Orla")


@pytest.fixture
def change(child, manager, today):
    return services.significant_change_record(
        child=child,
        by=manager,
        category="exclusion",
        occurred_on=today - dt.timedelta(days=2),
        description="Excluded from school for six days.",
        today=today,
    )


def ack_url(change):
    return reverse("children:significant_change_acknowledge", args=[change.pk])


def seen_url(change):
    return reverse("children:significant_change_seen", args=[change.pk])


def still_alerting(iro, change) -> bool:
    return unacknowledged_significant_changes(iro).filter(pk=change.pk).exists()


def test_a_manager_cannot_acknowledge_a_change_addressed_to_the_iro(client_for, iro, manager, change, today):
    with pytest.raises(PermissionDenied):
        services.significant_change_acknowledge(change=change, by=manager, iro_response="Seen", today=today)

    client = client_for(manager)
    page = client.get(ack_url(change)).content.decode()
    assert "Acknowledge the change" not in page
    assert "Waiting for the child's IRO to acknowledge" in page
    assert client.post(ack_url(change), {"iro_response": "Noted by the manager"}).status_code == 403

    change.refresh_from_db()
    assert (change.acknowledged_on, change.acknowledged_by, change.iro_response) == (None, None, "")
    assert still_alerting(iro, change)


def test_a_manager_records_having_seen_it_and_the_iros_alert_stays(client_for, iro, manager, change, child):
    client = client_for(manager)
    assert "Record that I have seen this change" in client.get(ack_url(change)).content.decode()

    response = client.post(seen_url(change), follow=True)

    assert response.redirect_chain[-1][0] == ack_url(change)
    page = response.content.decode()
    assert "Seen by a manager" in page and "Maria Lopez" in page
    assert "Record that I have seen this change" not in page
    change.refresh_from_db()
    assert change.seen_by_manager == manager and change.seen_by_manager_at is not None
    assert change.acknowledged_on is None
    assert still_alerting(iro, change)
    iro_home = client_for(iro).get(reverse("reviews:home")).content.decode()
    assert ack_url(change) in iro_home
    event = AuditEvent.objects.get(action=AuditAction.UPDATED, object_id=str(change.pk))
    assert (event.actor, event.child_id, event.object_type) == (manager, child.pk, "children.SignificantChange")
    assert event.summary.startswith("Significant change seen by a manager")


def test_seen_is_recorded_once(client_for, manager, change):
    client = client_for(manager)
    client.post(seen_url(change))
    first = SignificantChange.objects.get(pk=change.pk).seen_by_manager_at

    page = client.post(seen_url(change), follow=True).content.decode()

    assert "already recorded that they saw this change" in page
    assert SignificantChange.objects.get(pk=change.pk).seen_by_manager_at == first


def test_an_iro_cannot_record_a_managers_sighting(client_for, iro, change):
    assert client_for(iro).post(seen_url(change)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.significant_change_mark_seen(change=change, by=iro)
    assert SignificantChange.objects.get(pk=change.pk).seen_by_manager_at is None


def test_the_iro_acknowledges_and_that_clears_the_alert(client_for, iro, change):
    client = client_for(iro)
    assert "Acknowledge the change" in client.get(ack_url(change)).content.decode()
    assert "Record that I have seen this change" not in client.get(ack_url(change)).content.decode()

    client.post(ack_url(change), {"iro_response": "I will bring the review forward."})

    change.refresh_from_db()
    assert change.acknowledged_by == iro
    assert not still_alerting(iro, change)


def test_the_covering_iro_acknowledges_while_covering(client_for, iro, other_iro, manager, change, today):
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today - dt.timedelta(days=1), by=manager)

    client_for(other_iro).post(ack_url(change), {"iro_response": "Covering: review brought forward."})

    change.refresh_from_db()
    assert change.acknowledged_by == other_iro
    assert not still_alerting(iro, change)


def test_after_reallocation_the_new_iro_acknowledges_and_the_previous_one_cannot(
    client_for, iro, other_iro, manager, child, change, today
):
    services.allocation_change(child=child, by=manager, iro=other_iro, starts_on=today, reason="Caseload balance")

    refused = client_for(iro).post(ack_url(change), {"iro_response": "Mine"})
    assert refused.status_code == 403  # the page says the child is no longer on their caseload
    assert "This child is no longer on your caseload" in refused.text
    with pytest.raises(PermissionDenied):
        services.significant_change_acknowledge(change=change, by=iro, iro_response="Mine", today=today)
    client_for(other_iro).post(ack_url(change), {"iro_response": "Taken over: I will visit."})

    change.refresh_from_db()
    assert (change.acknowledged_by, change.iro_response) == (other_iro, "Taken over: I will visit.")
