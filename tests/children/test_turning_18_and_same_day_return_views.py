"""The pages that start, change and end care show the 18th-birthday and same-day-return
refusals in the GOV.UK error summary, linked to the date field, and write nothing
(docs/rules.md#review-timescales; DfE rules 352 and 431)."""

import datetime as dt

import pytest
from django.urls import reverse

from children.models import CareEpisode, Child, IROAllocation
from tests.factories import care_facts, make_child_in_care
from tests.forms import date_fields, error_summary_links

pytestmark = pytest.mark.django_db

SAM_BORN = dt.date(2007, 5, 4)  # 18 on 4 May 2025


FACTS = care_facts(legal_status="V2")


def _assert_shown_on(response, field: str, words: str) -> None:
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert any(href.startswith(f"#id_{field}") and words in text for href, text in error_summary_links(response)), (
        error_summary_links(response)
    )


@pytest.fixture
def sam_left_care(iro):
    child = make_child_in_care(
        iro=iro, first_name="Sam", date_of_birth=SAM_BORN, looked_after_on=dt.date(2023, 4, 3), local_reference="S0001"
    )
    CareEpisode.objects.filter(child=child).update(ended_on=dt.date(2025, 2, 1), reason_ceased="E4A")
    IROAllocation.objects.filter(child=child).update(ended_on=dt.date(2025, 2, 1))
    return child


def _return(client, child, iro, started_on):
    return client.post(
        reverse("children:return_to_care", args=[child.pk]),
        {**date_fields("started_on", started_on), "iro": iro.pk, **FACTS},
    )


def test_return_to_care_on_the_18th_birthday_shows_the_error_on_the_start_date(client_for, manager, iro, sam_left_care):
    response = _return(client_for(manager), sam_left_care, iro, dt.date(2025, 5, 4))

    _assert_shown_on(response, "started_on", "Sam turned 18 on 4 May 2025, so cannot start to be looked after")
    assert CareEpisode.objects.filter(child=sam_left_care).count() == 1
    assert not IROAllocation.objects.filter(child=sam_left_care, ended_on__isnull=True).exists()


def test_return_to_care_the_day_before_the_18th_birthday_is_saved(client_for, manager, iro, sam_left_care):
    response = _return(client_for(manager), sam_left_care, iro, dt.date(2025, 5, 3))

    assert response.status_code == 302
    assert CareEpisode.objects.get(child=sam_left_care, ended_on__isnull=True).started_on == dt.date(2025, 5, 3)


def test_return_to_care_on_the_day_care_ended_shows_the_continuous_care_error(client_for, manager, iro, sam_left_care):
    response = _return(client_for(manager), sam_left_care, iro, dt.date(2025, 2, 1))

    _assert_shown_on(response, "started_on", "record a change of placement or legal status instead")
    assert "DfE rule 431" in " ".join(response.context["form"].errors["started_on"])
    assert CareEpisode.objects.filter(child=sam_left_care).count() == 1


def test_return_to_care_the_day_after_care_ended_is_saved(client_for, manager, iro, sam_left_care):
    response = _return(client_for(manager), sam_left_care, iro, dt.date(2025, 2, 2))

    assert response.status_code == 302
    assert CareEpisode.objects.filter(child=sam_left_care).count() == 2


def _new_child_form(looked_after_on: dt.date, iro) -> dict:
    return {
        "local_reference": "SAM002",
        "first_name": "Sam",
        "last_name": "Okafor",
        "preferred_name": "",
        **date_fields("date_of_birth", SAM_BORN),
        "sex": "M",
        "ethnicity": "WBRI",
        "upn": "",
        "previous_permanence": "Z1",
        "previous_permanence_la": "",
        "previous_permanence_date": "",
        **date_fields("looked_after_on", looked_after_on),
        "iro": iro.pk,
        **FACTS,
        "placement_postcode": "",
        "home_postcode": "",
        "distance_from_home_miles": "",
    }


def test_adding_a_child_on_their_18th_birthday_shows_the_error_on_the_start_date_and_writes_nothing(
    client_for, manager, iro
):
    response = client_for(manager).post(reverse("children:create"), _new_child_form(dt.date(2025, 5, 4), iro))

    _assert_shown_on(response, "looked_after_on", "Sam turned 18 on 4 May 2025, so cannot start to be looked after")
    assert not Child.objects.exists()
    assert not CareEpisode.objects.exists()


def test_adding_a_child_the_day_before_their_18th_birthday_is_saved(client_for, manager, iro):
    response = client_for(manager).post(reverse("children:create"), _new_child_form(dt.date(2025, 5, 3), iro))

    assert response.status_code == 302
    assert CareEpisode.objects.get(child__local_reference="SAM002").started_on == dt.date(2025, 5, 3)


@pytest.fixture
def sam_in_care(iro):
    return make_child_in_care(
        iro=iro, first_name="Sam", date_of_birth=SAM_BORN, looked_after_on=dt.date(2023, 4, 3), local_reference="S0002"
    )


def test_a_change_on_the_18th_birthday_shows_the_error_on_the_date_of_the_change(client_for, manager, sam_in_care):
    response = client_for(manager).post(
        reverse("children:episode_change", args=[sam_in_care.pk]),
        {**date_fields("changed_on", dt.date(2025, 5, 4)), "reason_new_episode": "P", **FACTS, "legal_status": "C2"},
    )

    _assert_shown_on(response, "changed_on", "Sam turned 18 on 4 May 2025")
    assert CareEpisode.objects.get(child=sam_in_care).ended_on is None


def test_leaving_care_after_the_18th_birthday_shows_the_error_on_the_end_date(client_for, manager, sam_in_care):
    response = client_for(manager).post(
        reverse("children:leave_care", args=[sam_in_care.pk]),
        {**date_fields("ended_on", dt.date(2025, 5, 5)), "reason_ceased": "E17"},
    )

    _assert_shown_on(response, "ended_on", "care ends on the 18th birthday at the latest")
    assert CareEpisode.objects.get(child=sam_in_care).ended_on is None
    assert IROAllocation.objects.get(child=sam_in_care).ended_on is None
