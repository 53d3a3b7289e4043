"""The retention pages and command (docs/rules.md#data-protection): managers list the closed records past
their retention date, propose, and a second manager decides; everyone else is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from children.models import Child, RetentionRequest
from children.retention_services import retention_request_propose
from iro_service.models import AuditAction, AuditEvent
from tests.children.retention_records import FIRST_NAME, REFERENCE, child_who_died
from tests.factories import ChildFactory, UserFactory, make_child_in_care

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_manager(db):
    return UserFactory(username="mgr2", first_name="Sam", last_name="Second", role="IRO manager")


@pytest.fixture
def died(iro):
    return child_who_died(iro=iro)


def _proposal(child, manager, action="destroy"):
    return retention_request_propose(child=child, by=manager, action=action, reason="Past the date, no claim open")


def test_the_list_shows_each_record_past_its_date_by_reference_with_its_date_and_reason(client_for, manager, iro, died):
    not_yet = ChildFactory(local_reference="YOUNG-1", date_of_birth=dt.date(2010, 1, 1))  # closed, 75 in 2085
    in_care = make_child_in_care(iro=iro, local_reference="INCARE-1", date_of_birth=dt.date(1940, 1, 1))
    response = client_for(manager).get(reverse("children:retention_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert REFERENCE in body and "20 Jun 2023" in body and "15 years after the child died (before 18)" in body
    assert FIRST_NAME not in body  # the reference is enough
    assert not_yet.local_reference not in body and in_care.local_reference not in body
    event = AuditEvent.objects.get(action=AuditAction.LISTED, actor=manager)
    assert event.changes["child_ids"] == [died.pk]


def _many_due(iro, n: int) -> None:
    for i in range(n):
        child_who_died(iro=iro, reference=f"RET-{i:04d}")


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_runs_a_fixed_number_of_queries_whatever_the_number_of_records(
    client_for, django_assert_num_queries, iro, manager, second_manager, size
):
    _many_due(iro, size)
    for child in Child.objects.all()[:2]:
        _proposal(child, second_manager)
    client = client_for(manager)
    client.get(reverse("children:retention_list"))
    # session, user, the user's permissions (2), count, pending with children and staff, page,
    # the header's role, carried out, the listing's audit event
    with django_assert_num_queries(10):
        response = client.get(reverse("children:retention_list"))
    assert response.content.decode().count("RET-") >= size


@pytest.mark.parametrize("who", ["iro", "administrator", "committee"])
def test_only_managers_reach_the_retention_pages(client_for, request, who, manager, died):
    proposal = _proposal(died, manager)
    client = client_for(request.getfixturevalue(who))
    before = AuditEvent.objects.count()
    for url in (
        reverse("children:retention_list"),
        reverse("children:retention_propose", args=[died.pk]),
        reverse("children:retention_request", args=[proposal.pk]),
    ):
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"action": "destroy", "reason": "x", "decision": "approve", "confirm": "on"}).status_code
            == 403
        )
    assert AuditEvent.objects.count() == before
    assert Child.objects.filter(pk=died.pk).exists() and RetentionRequest.objects.get().status == "pending"


def test_a_manager_proposes_from_the_records_page(client_for, manager, died):
    client = client_for(manager)
    url = reverse("children:retention_propose", args=[died.pk])
    page = client.get(url).content.decode()
    assert "20 June 2023: 15 years after the child died (before 18)" in page and "Date of death" in page
    response = client.post(url, {"action": "anonymise", "reason": "No claim or inquiry open"})
    assert response.status_code == 302
    proposal = RetentionRequest.objects.get()
    assert (proposal.child, proposal.action, proposal.proposed_by, proposal.status) == (
        died,
        "anonymise",
        manager,
        "pending",
    )


def test_a_record_not_yet_due_offers_no_proposal_and_refuses_one(client_for, manager, iro):
    in_care = make_child_in_care(iro=iro)
    client = client_for(manager)
    url = reverse("children:retention_propose", args=[in_care.pk])
    assert "None while the child is looked after" in client.get(url).content.decode()
    response = client.post(url, {"action": "destroy", "reason": "x"})
    assert response.status_code == 200 and "looked after now" in response.content.decode()
    assert not RetentionRequest.objects.exists()


def test_the_proposer_cannot_approve_on_the_page_and_may_withdraw(client_for, manager, died):
    proposal = _proposal(died, manager)
    client = client_for(manager)
    url = reverse("children:retention_request", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert "You proposed this: another manager must approve it." in page
    assert 'value="approve"' not in page
    response = client.post(url, {"decision": "approve", "confirm": "on"})
    assert response.status_code == 200 and Child.objects.filter(pk=died.pk).exists()
    assert RetentionRequest.objects.get().status == "pending"
    assert client.post(url, {"decision": "refuse"}).status_code == 302
    assert RetentionRequest.objects.get().status == "refused" and Child.objects.filter(pk=died.pk).exists()


def test_a_second_manager_approves_after_confirming_and_the_record_is_destroyed(
    client_for, manager, second_manager, died
):
    proposal = _proposal(died, manager)
    client = client_for(second_manager)
    url = reverse("children:retention_request", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert REFERENCE in page and "2 care episodes" in page
    unconfirmed = client.post(url, {"decision": "approve"})
    assert (
        unconfirmed.status_code == 200 and "Confirm that nothing needs the record kept" in unconfirmed.content.decode()
    )
    assert Child.objects.filter(pk=died.pk).exists()

    assert client.post(url, {"decision": "approve", "confirm": "on"}).status_code == 302
    assert not Child.objects.filter(pk=died.pk).exists()
    done = client.get(url).content.decode()
    assert "Carried out" in done and REFERENCE not in done and "children.Child: 1" in done
    listing = client.get(reverse("children:retention_list")).content.decode()
    assert "1 record destroyed" in listing


# --- The command ---------------------------------------------------------------------------------


def test_retention_due_counts_and_changes_nothing(capsys, iro, manager, died):
    child_who_died(iro=iro, reference="RET-0099")
    ChildFactory(local_reference="OLD-1", date_of_birth=dt.date(1945, 1, 1))  # closed, past the 75th birthday
    make_child_in_care(iro=iro)
    _proposal(died, manager)
    call_command("retention_due", "--today", "2025-06-02")
    out = capsys.readouterr().out
    assert "Closed records: 3" in out
    assert "Past their retention date: 3" in out
    assert "by the birthday rule: 1" in out and "after the death of a child under 18: 2" in out
    assert "with a proposal waiting for a second manager: 1" in out
    assert REFERENCE not in out and FIRST_NAME not in out
    assert Child.objects.count() == 4


def test_retention_due_has_no_way_to_destroy_without_approval(iro, died):
    with pytest.raises(CommandError, match="second IRO manager approves"):
        call_command("retention_due", "--commit")
    assert Child.objects.filter(pk=died.pk).exists()


# --- The capability ------------------------------------------------------------------------------


def test_the_migration_gives_existing_managers_the_capability_and_records_it():
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    migration = import_module("children.migrations.0010_managers_manage_retention")
    managers = Group.objects.get(name="IRO manager")
    Permission.objects.filter(codename="manage_retention").delete()  # as before the upgrade
    assert not managers.permissions.filter(codename="manage_retention").exists()

    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent

    assert managers.permissions.filter(content_type__app_label="children", codename="manage_retention").exists()
    (event,) = AuditEvent.objects.filter(action=AuditAction.PERMISSIONS_CHANGED, object_id=str(managers.pk))
    assert event.changes == {"added": ["children.manage_retention"]}
    assert not Group.objects.get(name="IRO").permissions.filter(codename="manage_retention").exists()
