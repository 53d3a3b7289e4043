"""The bulk allocation screen: children in care with no IRO (imported from SSDA903, say) are
given one IRO at a time in bulk by a manager; all or nothing, audited and kept in history."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models import CareEpisode, Child, IROAllocation
from children.services import allocation as allocation_services
from iro_service.models import AuditAction, AuditEvent
from tests.factories import ChildFactory, UserFactory, care_episode, make_care_episode, make_child_in_care
from tests.forms import date_fields

pytestmark = pytest.mark.django_db

URL = reverse("children:unallocated")
CARE_BEGAN = dt.date(2025, 9, 1)


def make_unallocated_child(*, looked_after_on: dt.date = CARE_BEGAN, **fields) -> Child:
    """A child in care with no IRO, as the SSDA903 import leaves them: an open episode, no allocation."""
    child = ChildFactory(**fields)
    make_care_episode(child, started_on=looked_after_on)
    return child


@pytest.fixture
def five():
    return [
        make_unallocated_child(local_reference=f"N{n}", first_name=name, last_name="Imported")
        for n, name in enumerate(["Amy", "Bea", "Cal", "Dev", "Eli"], start=1)
    ]


def form_data(*, iro=None, children=(), on: dt.date | None = None) -> dict:
    on = on or timezone.localdate()
    data = date_fields("started_on", on)
    if iro is not None:
        data["iro"] = iro.pk
    if children:
        data["children"] = [child.pk for child in children]
    return data


def listed(response) -> list[str]:
    return [child.local_reference for child in response.context["page"].object_list]


def test_the_list_shows_only_children_in_care_with_no_iro(client_for, manager, iro, five):
    make_child_in_care(iro=iro, local_reference="HASIRO")
    left = make_unallocated_child(local_reference="LEFT")
    CareEpisode.objects.filter(child=left).update(ended_on=dt.date(2026, 1, 5), reason_ceased="E4A")
    archived = make_unallocated_child(local_reference="ARCH")
    Child.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    ChildFactory(local_reference="NEVER")  # never looked after

    response = client_for(manager).get(URL)

    assert response.status_code == 200
    assert sorted(listed(response)) == ["N1", "N2", "N3", "N4", "N5"]
    assert "5 children are looked after with no IRO." in response.text
    assert "Full care order" in response.text
    assert "1 Sep 2025" in response.text
    assert 'name="children" type="checkbox"' in response.text


def test_iros_are_offered_with_their_caseload_and_band(client_for, manager, iro, part_time_iro, five):
    make_child_in_care(iro=part_time_iro)
    response = client_for(manager).get(URL)
    assert "Priya Shah" in response.text
    assert "1 child now. Band 30 to 42 (0.60 FTE): under band." in response.text
    assert "0 children now. Band 50 to 70 (1.00 FTE): under band." in response.text


def test_listing_the_page_is_audited_with_the_children_shown(client_for, manager, five):
    client_for(manager).get(URL)
    event = AuditEvent.objects.get(action=AuditAction.LISTED)
    assert (event.actor, event.path) == (manager, URL)
    assert sorted(event.changes["child_ids"]) == sorted(child.pk for child in five)


def test_manager_allocates_three_of_five_children(client_for, manager, iro, five):
    today = timezone.localdate()
    chosen, rest = five[:3], five[3:]
    client = client_for(manager)

    response = client.post(URL, form_data(iro=iro, children=chosen))

    assert (response.status_code, response.url) == (302, URL)
    allocations = IROAllocation.objects.filter(child__in=chosen)
    assert sorted(
        allocations.values_list("child__local_reference", "iro", "started_on", "ended_on", "allocated_by")
    ) == [(child.local_reference, iro.pk, today, None, manager.pk) for child in chosen]
    assert not IROAllocation.objects.filter(child__in=rest).exists()
    events = AuditEvent.objects.filter(action=AuditAction.ALLOCATED)
    assert sorted(events.values_list("child_id", "actor")) == sorted((child.pk, manager.pk) for child in chosen)
    assert {event.summary for event in events} == {f"IRO Ada Okafor allocated from {today:%-d %B %Y}"}
    history = IROAllocation.history.filter(child__in=chosen)
    assert sorted(history.values_list("child_id", "history_type", "history_user")) == sorted(
        (child.pk, "+", manager.pk) for child in chosen
    )
    assert sorted(Child.objects.visible_to(iro).values_list("local_reference", flat=True)) == ["N1", "N2", "N3"]

    page = client.get(URL)
    assert "3 children allocated to Ada Okafor" in page.text
    assert sorted(listed(page)) == ["N4", "N5"]
    assert "2 children are looked after with no IRO." in page.text


def test_one_child_allocated_reads_in_the_singular(client_for, manager, iro, five):
    response = client_for(manager).post(URL, form_data(iro=iro, children=five[:1]), follow=True)
    assert "1 child allocated to Ada Okafor" in response.text


@pytest.mark.parametrize(
    ("case", "anchor", "message"),
    [
        ("no-iro", "#id_iro_1", "Choose the IRO to allocate the children to"),
        ("no-children", "#id_children", "Select at least one child to allocate"),
        ("no-date", "#id_started_on_0", "Enter the date the allocation starts"),
        (
            "before-care-began",
            "#id_started_on_0",
            "The allocation cannot start before the child became looked after: "
            "N1 on 1 September 2025, N2 on 1 September 2025.",
        ),
        ("future-date", "#id_started_on_0", "The date must be today or in the past."),
    ],
)
def test_errors_show_in_a_govuk_error_summary_and_nothing_is_written(
    client_for, manager, iro, five, case, anchor, message
):
    data = form_data(iro=iro, children=five[:2])
    data.update(
        {
            "no-iro": {"iro": ""},
            "no-children": {"children": []},
            "no-date": {"started_on_0": "", "started_on_1": "", "started_on_2": ""},
            "before-care-began": form_data(on=CARE_BEGAN - dt.timedelta(days=1)),
            "future-date": form_data(on=timezone.localdate() + dt.timedelta(days=1)),
        }[case]
    )

    response = client_for(manager).post(URL, data)

    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in response.text
    assert "There is a problem" in response.text
    assert f'<a href="{anchor}">{message}</a>' in response.text  # linked to an input on the page
    assert f'id="{anchor[1:]}"' in response.text
    assert not IROAllocation.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ALLOCATED).exists()


def test_ticked_children_stay_ticked_after_an_error(client_for, manager, five):
    response = client_for(manager).post(URL, form_data(children=five[1:3]))
    assert response.status_code == 200
    assert f'value="{five[1].pk}" checked' in response.text
    assert f'value="{five[2].pk}" checked' in response.text
    assert f'value="{five[0].pk}" checked' not in response.text


def test_a_child_allocated_meanwhile_by_another_manager_refuses_the_whole_allocation(
    client_for, manager, iro, other_iro, five
):
    other_manager = UserFactory(username="mgr2", first_name="Sam", last_name="Patel", role="IRO manager")
    client_for(manager).get(URL)  # the first manager reads the list
    assert client_for(other_manager).post(URL, form_data(iro=other_iro, children=five[:1])).status_code == 302

    response = client_for(manager).post(URL, form_data(iro=iro, children=five[:3]))

    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in response.text
    assert "Nothing was saved: N1 has been given an IRO since this page was loaded" in response.text
    assert list(IROAllocation.objects.values_list("child__local_reference", "iro")) == [("N1", other_iro.pk)]
    assert AuditEvent.objects.filter(action=AuditAction.ALLOCATED).count() == 1
    assert IROAllocation.history.count() == 1
    assert sorted(listed(response)) == ["N2", "N3", "N4", "N5"]  # the list is read again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (CI runs on PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_managers_allocating_the_same_child_at_once_one_waits_and_is_refused(manager, iro, other_iro, monkeypatch):
    children = [make_unallocated_child(local_reference=f"P{n}") for n in range(4)]
    first_holds_the_locks = threading.Event()
    allocate = allocation_services.allocate

    def slow_first(**kwargs):
        if threading.current_thread().name == "first":
            first_holds_the_locks.set()
            time.sleep(0.5)
        return allocate(**kwargs)

    monkeypatch.setattr(allocation_services, "allocate", slow_first)
    results = {}

    def run(name, iro, chosen):
        try:
            results[name] = services.allocation_bulk_create(children=chosen, iro=iro, started_on=CARE_BEGAN, by=manager)
        except ValidationError as error:
            results[name] = error
        finally:
            connections.close_all()

    first = threading.Thread(target=run, name="first", args=("first", iro, children[:3]))
    second = threading.Thread(target=run, name="second", args=("second", other_iro, children[2:]))
    first.start()
    assert first_holds_the_locks.wait(timeout=10)
    second.start()
    first.join(timeout=30)
    second.join(timeout=30)

    assert len(results["first"]) == 3
    assert (
        results["second"]
        .message_dict["children"][0]
        .startswith("Nothing was saved: P2 has been given an IRO since this page was loaded")
    )
    assert sorted(IROAllocation.objects.values_list("child__local_reference", "iro")) == [
        ("P0", iro.pk),
        ("P1", iro.pk),
        ("P2", iro.pk),
    ]
    assert IROAllocation.history.count() == AuditEvent.objects.filter(action=AuditAction.ALLOCATED).count() == 3


def test_service_names_every_child_allocated_left_care_or_archived_and_writes_nothing(manager, iro, other_iro, five):
    services.allocation_bulk_create(children=five[:2], iro=other_iro, started_on=CARE_BEGAN, by=manager)
    CareEpisode.objects.filter(child=five[2]).update(ended_on=dt.date(2026, 1, 5), reason_ceased="E4A")
    Child.objects.filter(pk=five[3].pk).update(archived_at=timezone.now())
    before = (IROAllocation.objects.count(), IROAllocation.history.count(), AuditEvent.objects.count())

    with pytest.raises(ValidationError) as error:
        services.allocation_bulk_create(children=five, iro=iro, started_on=CARE_BEGAN, by=manager)

    assert error.value.message_dict == {
        "children": [
            "Nothing was saved: N1, N2 have been given an IRO since this page was loaded; "
            "N3, N4 are no longer in care or archived. Check the list and allocate again."
        ]
    }
    assert (IROAllocation.objects.count(), IROAllocation.history.count(), AuditEvent.objects.count()) == before
    assert not IROAllocation.objects.filter(iro=iro).exists()


def test_service_refuses_a_user_who_is_not_an_iro(manager, five):
    with pytest.raises(ValidationError, match="not an active IRO"):
        services.allocation_bulk_create(children=five, iro=manager, started_on=CARE_BEGAN, by=manager)
    assert not IROAllocation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_service_refuses_an_empty_selection(manager, iro):
    with pytest.raises(ValidationError) as error:
        services.allocation_bulk_create(children=[], iro=iro, started_on=CARE_BEGAN, by=manager)
    assert error.value.message_dict == {"children": ["Select at least one child to allocate."]}


def test_service_checks_the_date_against_the_latest_period_of_care(manager, iro):
    returned = make_unallocated_child(local_reference="BACK", looked_after_on=dt.date(2022, 1, 10))
    CareEpisode.objects.filter(child=returned).update(ended_on=dt.date(2023, 1, 10), reason_ceased="E4A")
    make_care_episode(returned, started_on=dt.date(2026, 2, 2), legal_status="V2", placement_type="K2")
    with pytest.raises(ValidationError, match="BACK on 2 February 2026"):
        services.allocation_bulk_create(
            children=[returned], iro=iro, started_on=dt.date(2026, 2, 1), by=manager, today=dt.date(2026, 3, 1)
        )
    [allocation] = services.allocation_bulk_create(
        children=[returned], iro=iro, started_on=dt.date(2026, 2, 2), by=manager, today=dt.date(2026, 3, 1)
    )
    assert (allocation.started_on, allocation.reason) == (
        dt.date(2026, 2, 2),
        "Allocated from the list of children in care with no IRO",
    )


@pytest.mark.parametrize("role", ["iro", "committee", "administrator"])
def test_only_managers_may_open_or_post_the_page(client_for, request, role, iro, five):
    client = client_for(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(iro=iro, children=five)).status_code == 403
    assert not IROAllocation.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, iro, five):
    for response in (client.get(URL), client.post(URL, form_data(iro=iro, children=five))):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    assert not IROAllocation.objects.exists()


def test_caseloads_page_shows_a_banner_and_links_to_the_list(client_for, manager, five):
    response = client_for(manager).get(reverse("children:caseloads"))
    assert 'class="govuk-notification-banner"' in response.text
    assert "5 children are in care with no IRO." in response.text
    assert f'href="{URL}"' in response.text


def test_caseloads_page_has_no_banner_when_every_child_has_an_iro(client_for, manager, iro):
    make_child_in_care(iro=iro)
    response = client_for(manager).get(reverse("children:caseloads"))
    assert "govuk-notification-banner" not in response.text
    assert f'href="{URL}"' in response.text  # the list is still one click away


def test_the_list_is_paginated_fifty_to_a_page(client_for, manager):
    _bulk_unallocated(60)
    client = client_for(manager)
    first, second = client.get(URL), client.get(URL, {"page": 2})
    assert (len(listed(first)), len(listed(second))) == (50, 10)
    assert "60 children are looked after with no IRO." in first.text
    assert "Page 2 of 2" in second.text


def _bulk_unallocated(count: int) -> None:
    Child.objects.bulk_create(ChildFactory.build_batch(count))
    CareEpisode.objects.bulk_create(
        care_episode(child, started_on=CARE_BEGAN) for child in Child.objects.order_by("-pk")[:count]
    )


#: The session, the user, their permissions (2), the count, the IROs and their caseloads for the
#: radios, the children, their episodes, their (empty) open allocations, the audit event, and the
#: user's groups for the header: 12 whatever the number of children.
MAX_QUERIES = 12


@pytest.mark.parametrize("size", [3, 60])
def test_the_list_runs_a_fixed_number_of_queries_whatever_the_number_of_children(
    client_for, django_assert_max_num_queries, request, manager, iro, other_iro, part_time_iro, size
):
    _bulk_unallocated(size)
    client = client_for(manager)
    client.get(URL)  # warm up anything cached per process
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(listed(response)) == min(size, 50)
    request.node.user_properties.append(("queries", len(captured)))
