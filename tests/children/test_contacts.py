"""The people around the child (children/services/contacts.py, children/contact_views.py): added,
changed under the optimistic lock, ended with a date and kept; who may read and who may change
them; what the audit trail keeps (which fields changed, never the person's details); every
page escapes what people typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models import Contact
from iro_service.concurrency import StaleEditError
from iro_service.models import AuditAction, AuditEvent, HardDeleteForbidden
from tests.factories import ContactFactory, UserFactory, make_child_in_care, make_cover
from tests.forms import date_fields, error_summary_links
from tests.iro_service.test_edit_conflicts import form_data, put

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
#: The people page: the session, the user, their permissions (two), the child, the people now, the
#: former people, the user's role for the header, the audit event.
PEOPLE_PAGE_QUERIES = 9


@pytest.fixture
def child(iro):
    return make_child_in_care(iro=iro, first_name="Kai", last_name="Morgan", local_reference="K0001")


@pytest.fixture
def contact(child, iro):
    return ContactFactory(
        child=child,
        role="carer",
        name="Jo Carer",
        organisation="Hillside Fostering",
        phone="01632 960 001",
        address="1 High Street",
        created_by=iro,
    )


@pytest.fixture
def viewer(db):
    """Someone who reads the caseload of the children allocated to them but may not change the people."""
    user = UserFactory(username="viewer", first_name="Vic", last_name="Viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_caseload", content_type__app_label="children"))
    return user


def _add(child, by, **fields):
    values = {"role": "social_worker", "name": "Sam Worker", "started_on": dt.date(2025, 1, 6), **fields}
    return services.contact_add(child=child, by=by, **values)


def _form(**overrides):
    data = {
        "role": "school",
        "name": "Ms Head",
        "organisation": "Oak Primary",
        "email": "head@oak.example",
        "phone": "01632 960 002",
        "address": "Oak Lane",
        "notes": "",
        **date_fields("started_on", dt.date(2025, 9, 1)),
    }
    data.update(overrides)
    return data


# --- The services ---------------------------------------------------------------------------------


def test_adding_a_person_saves_them_with_history_and_one_audit_event_without_their_details(child, iro):
    contact = _add(child, iro, phone="07700 900 982", address="2 Low Road", has_parental_responsibility=False)

    assert (contact.child, contact.role, contact.created_by, contact.version) == (child, "social_worker", iro, 1)
    (row,) = contact.history.all()
    assert (row.history_type, row.history_user) == ("+", iro)
    (event,) = AuditEvent.objects.filter(object_type="children.Contact", object_id=str(contact.pk))
    assert (event.action, event.actor, event.child_id) == (AuditAction.CREATED, iro, child.pk)
    assert event.summary == (
        "Person added: Social worker; recorded: role, name, phone number, postal address, date they took on the role"
    )
    stored = f"{event.summary} {event.changes}"
    for personal in ("Sam Worker", "07700 900 982", "2 Low Road"):
        assert personal not in stored
    assert event.changes["role"] == [None, "social_worker"]
    assert event.changes["phone"] == [None, services.contacts.NOT_COPIED]


def test_changing_a_person_records_which_fields_changed_not_their_values(contact, iro):
    updated = services.contact_update(
        contact=contact, by=iro, expected_version=1, phone="07700 900 123", address="3 New Road", role="carer"
    )

    assert (updated.phone, updated.address, updated.version) == ("07700 900 123", "3 New Road", 2)
    event = AuditEvent.objects.filter(object_type="children.Contact", action=AuditAction.UPDATED).get()
    assert event.summary == "Person's details changed (Carer): phone number, postal address"
    assert set(event.changes) == {"phone", "address"}
    stored = f"{event.summary} {event.changes}"
    for personal in ("07700 900 123", "3 New Road", "01632 960 001", "1 High Street"):
        assert personal not in stored
    assert updated.history.count() == 2 and updated.history.first().history_user == iro


def test_a_stale_change_is_refused_and_writes_nothing(contact, iro, manager):
    services.contact_update(contact=contact, by=manager, expected_version=1, phone="07700 900 555")
    events = AuditEvent.objects.count()

    with pytest.raises(StaleEditError) as stale:
        services.contact_update(contact=contact, by=iro, expected_version=1, phone="07700 900 666")

    assert stale.value.current.phone == "07700 900 555"
    assert stale.value.changed_by == "Maria Lopez"
    contact.refresh_from_db()
    assert (contact.phone, contact.version) == ("07700 900 555", 2)
    assert AuditEvent.objects.count() == events


def test_ending_keeps_the_person_with_the_date_and_bumps_the_version(contact, iro, today):
    ended = services.contact_end(contact=contact, by=iro, ended_on=today)

    assert Contact.objects.filter(pk=contact.pk).exists()
    assert (ended.ended_on, ended.version, ended.is_current) == (today, 2, False)
    assert Contact.objects.current(on=today).filter(pk=contact.pk).exists()  # they held the role today
    assert not Contact.objects.current(on=today + dt.timedelta(days=1)).filter(pk=contact.pk).exists()
    assert Contact.objects.former(on=today + dt.timedelta(days=1)).filter(pk=contact.pk).exists()
    event = AuditEvent.objects.get(object_type="children.Contact", action=AuditAction.UPDATED)
    assert event.changes == {"ended_on": [None, str(today)]}
    assert ended.history.count() == 2
    with pytest.raises(ValidationError, match="already stopped"):
        services.contact_end(contact=ended, by=iro, ended_on=today)


@pytest.mark.parametrize(
    ("ended_on", "message"),
    [
        (dt.date(2023, 12, 31), "on or after 1 January 2024"),
        (None, "today or in the past"),  # tomorrow
    ],
)
def test_an_end_before_the_start_or_in_the_future_is_refused(contact, iro, today, ended_on, message):
    ended_on = ended_on or today + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match=message) as error:
        services.contact_end(contact=contact, by=iro, ended_on=ended_on)
    assert "ended_on" in error.value.message_dict
    contact.refresh_from_db()
    assert contact.ended_on is None


def test_a_start_in_the_future_is_refused_and_nothing_is_written(child, iro, today):
    with pytest.raises(ValidationError) as error:
        _add(child, iro, started_on=today + dt.timedelta(days=1))
    assert "started_on" in error.value.message_dict
    assert not Contact.objects.exists() and not AuditEvent.objects.filter(object_type="children.Contact").exists()


def test_the_iro_covering_and_a_manager_may_act_and_no_one_else(child, contact, iro, other_iro, manager, today):
    with pytest.raises(PermissionDenied):
        _add(child, other_iro)
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today)
    assert _add(child, other_iro).created_by == other_iro
    assert _add(child, manager, name="Other").created_by == manager


@pytest.mark.parametrize("who", ["other_iro", "committee", "administrator", "viewer"])
def test_those_who_may_not_change_the_people_are_refused_by_every_service(request, who, child, contact):
    user = request.getfixturevalue(who)
    if who == "viewer":
        child.allocations.update(iro=user)  # they see the child, and may not change the people
    for attempt in (
        lambda: _add(child, user),
        lambda: services.contact_update(contact=contact, by=user, expected_version=1, name="X"),
        lambda: services.contact_end(contact=contact, by=user, ended_on=timezone.localdate()),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    contact.refresh_from_db()
    assert (contact.name, contact.ended_on, Contact.objects.count()) == ("Jo Carer", None, 1)


def test_nothing_is_ever_hard_deleted(contact):
    with pytest.raises(HardDeleteForbidden):
        contact.delete()
    with pytest.raises(HardDeleteForbidden):
        Contact.objects.all().delete()
    assert Contact.objects.filter(pk=contact.pk).exists()


# --- The people page ------------------------------------------------------------------------------


def test_the_people_page_groups_current_people_by_role_and_lists_former_ones_with_dates(client_for, child, iro):
    ContactFactory(child=child, role="social_worker", name="Sam Worker", created_by=iro)
    ContactFactory(
        child=child,
        role="mother",
        name="Mum Morgan",
        has_parental_responsibility=True,
        phone="07700 900 111",
        address="4 Elm Road",
        notes="Supervised contact only",
        created_by=iro,
    )
    ContactFactory(
        child=child,
        role="carer",
        name="Old Carer",
        started_on=dt.date(2024, 1, 1),
        ended_on=dt.date(2025, 3, 31),
        created_by=iro,
    )
    other = make_child_in_care(iro=iro, first_name="Ola")
    ContactFactory(child=other, name="Someone Else's Worker", created_by=iro)

    response = client_for(iro).get(reverse("children:contacts", args=[child.pk]))

    page = response.text
    assert response.status_code == 200
    assert page.index("Social worker") < page.index("Sam Worker") < page.index("Mother") < page.index("Mum Morgan")
    assert page.index("Mum Morgan") < page.index("Former") < page.index("Old Carer")
    assert "From 1 January 2024 until 31 March 2025" in page
    for shown in ("07700 900 111", "4 Elm Road", "Supervised contact only"):
        assert shown in page
    assert "Someone Else&#x27;s Worker" not in page and "Someone Else's Worker" not in page
    assert reverse("children:contact_add", args=[child.pk]) in page
    event = AuditEvent.objects.get(action=AuditAction.VIEWED, summary="People around the child viewed")
    assert (event.child_id, event.actor) == (child.pk, iro)


@pytest.mark.parametrize("size", [1, 10])
def test_the_people_page_takes_a_fixed_number_of_queries(client_for, django_assert_max_num_queries, child, iro, size):
    for n in range(size):
        ContactFactory(child=child, role="carer", name=f"Carer {n}", created_by=iro)
        ContactFactory(child=child, role="school", name=f"Old {n}", ended_on=dt.date(2025, 1, 1), created_by=iro)
    client = client_for(iro)
    url = reverse("children:contacts", args=[child.pk])
    client.get(url)
    with django_assert_max_num_queries(PEOPLE_PAGE_QUERIES):
        page = client.get(url).text
    assert page.count('<h4 class="govuk-summary-card__title">') == 2 * size


def test_someone_who_only_views_sees_the_people_without_the_change_links(client_for, child, contact, viewer):
    child.allocations.update(iro=viewer)
    response = client_for(viewer).get(reverse("children:contacts", args=[child.pk]))
    assert response.status_code == 200 and "Jo Carer" in response.text
    assert reverse("children:contact_edit", args=[contact.pk]) not in response.text
    assert reverse("children:contact_add", args=[child.pk]) not in response.text
    for name, args in (
        ("children:contact_add", [child.pk]),
        ("children:contact_edit", [contact.pk]),
        ("children:contact_end", [contact.pk]),
    ):
        assert client_for(viewer).get(reverse(name, args=args)).status_code == 403
        assert client_for(viewer).post(reverse(name, args=args), _form()).status_code == 403
    contact.refresh_from_db()
    assert (contact.name, contact.ended_on, Contact.objects.count()) == ("Jo Carer", None, 1)


@pytest.mark.parametrize(
    "name", ["children:contacts", "children:contact_add", "children:contact_edit", "children:contact_end"]
)
def test_another_iros_ids_give_404_and_write_nothing(client_for, other_iro, child, contact, name):
    args = [child.pk] if name in ("children:contacts", "children:contact_add") else [contact.pk]
    client = client_for(other_iro)
    events = AuditEvent.objects.count()
    for response in (client.get(reverse(name, args=args)), client.post(reverse(name, args=args), _form())):
        assert response.status_code == 404
        assert "Jo Carer" not in response.text and "Kai" not in response.text
    assert AuditEvent.objects.count() == events
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("who", ["committee", "administrator"])
@pytest.mark.parametrize(
    "name", ["children:contacts", "children:contact_add", "children:contact_edit", "children:contact_end"]
)
def test_committee_and_administrator_are_refused(client_for, request, who, child, contact, name):
    args = [child.pk] if name in ("children:contacts", "children:contact_add") else [contact.pk]
    response = client_for(request.getfixturevalue(who)).get(reverse(name, args=args))
    assert response.status_code == 403
    assert "Jo Carer" not in response.text


def test_anonymous_is_sent_to_sign_in(client, child, contact):
    response = client.get(reverse("children:contacts", args=[child.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Adding, changing and ending through the pages ---------------------------------------------------


def test_adding_through_the_page_saves_and_returns_to_the_people(client_for, child, iro):
    response = client_for(iro).post(reverse("children:contact_add", args=[child.pk]), _form())

    assert response.status_code == 302
    assert response.url == reverse("children:contacts", args=[child.pk])
    contact = Contact.objects.get(child=child)
    assert (contact.role, contact.name, contact.organisation, contact.started_on) == (
        "school",
        "Ms Head",
        "Oak Primary",
        dt.date(2025, 9, 1),
    )


def test_an_empty_form_names_each_field_in_the_error_summary_and_saves_nothing(client_for, child, iro):
    response = client_for(iro).post(
        reverse("children:contact_add", args=[child.pk]),
        {"email": "not-an-email", "phone": "call me", "started_on_0": "", "started_on_1": "", "started_on_2": ""},
    )

    assert response.status_code == 200
    assert error_summary_links(response) == [
        ("#id_role", "Choose who the person is to the child"),
        ("#id_name", "Enter the person's name"),
        ("#id_email", "Enter an email address in the correct format, like name@example.com"),
        ("#id_phone", "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
        ("#id_started_on", "Enter the date they took on this role"),
    ]
    assert not Contact.objects.exists()


def test_a_start_in_the_future_is_shown_on_its_field(client_for, child, iro, today):
    response = client_for(iro).post(
        reverse("children:contact_add", args=[child.pk]),
        _form(**date_fields("started_on", today + dt.timedelta(days=1))),
    )
    assert response.status_code == 200
    assert error_summary_links(response) == [
        ("#id_started_on", "The date they took on the role must be today or in the past.")
    ]
    assert not Contact.objects.exists()


def test_changing_through_the_page_saves_under_the_lock(client_for, contact, iro):
    client = client_for(iro)
    url = reverse("children:contact_edit", args=[contact.pk])
    data = put(form_data(client.get(url).text), "phone", "07700 900 777")

    response = client.post(url, data)

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.phone, contact.name, contact.version) == ("07700 900 777", "Jo Carer", 2)


def test_a_stale_edit_shows_the_merge_page_and_saves_nothing(client_for, contact, iro, manager):
    client = client_for(iro)
    url = reverse("children:contact_edit", args=[contact.pk])
    data = put(form_data(client.get(url).text), "name", "Joanna Carer")
    services.contact_update(contact=contact, by=manager, expected_version=1, phone="07700 900 888")

    response = client.post(url, data)

    assert response.status_code == 200
    assert 'id="edit-conflict"' in response.text
    assert "Maria Lopez saved this record while you were editing it" in response.text
    assert "07700 900 888" in response.text  # their phone number is taken into the form
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.version) == ("Jo Carer", "07700 900 888", 2)

    response = client.post(url, form_data(response.text))  # saving again keeps both changes

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.version) == ("Joanna Carer", "07700 900 888", 3)


def test_ending_through_the_confirmation_page(client_for, contact, iro, today):
    client = client_for(iro)
    url = reverse("children:contact_end", args=[contact.pk])
    page = client.get(url).text
    assert "Record that Jo Carer is no longer involved" in page and "Hillside Fostering" in page

    response = client.post(url, date_fields("ended_on", today))

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.ended_on == today and Contact.objects.filter(pk=contact.pk).exists()


def test_ending_without_a_date_names_the_field(client_for, contact, iro):
    response = client_for(iro).post(
        reverse("children:contact_end", args=[contact.pk]), {"ended_on_0": "", "ended_on_1": "", "ended_on_2": ""}
    )
    assert error_summary_links(response) == [("#id_ended_on", "Enter the date they stopped being involved")]
    contact.refresh_from_db()
    assert contact.ended_on is None


# --- What people typed is text ------------------------------------------------------------------------


def test_a_script_in_every_text_field_is_escaped_on_every_page(client_for, child, iro):
    contact = ContactFactory(
        child=child,
        role="carer",
        name=f"Name {SCRIPT}",
        organisation=f"Org {SCRIPT}",
        phone="01632 960 001",
        address=f"Address {SCRIPT}",
        notes=f"Notes {SCRIPT}",
        created_by=iro,
    )
    client = client_for(iro)
    for url in (
        reverse("children:contacts", args=[child.pk]),
        reverse("children:detail", args=[child.pk]),
        reverse("children:contact_edit", args=[contact.pk]),
        reverse("children:contact_end", args=[contact.pk]),
    ):
        page = client.get(url).text
        assert SCRIPT not in page, url
        assert ESCAPED in page, url
