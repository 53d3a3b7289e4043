"""The manager records whether a girl is a mother (SSDA903 MOTHER, MC_DOB) on the child's
details page; the form refuses it for a boy and a child's date of birth without "Yes"."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import make_child_in_care
from tests.forms import date_fields

pytestmark = pytest.mark.django_db


def _post(client, child, **changes):
    data = {
        "local_reference": child.local_reference,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "preferred_name": "",
        **date_fields("date_of_birth", child.date_of_birth),
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "upn": "",
        "version": child.version,
        **changes,
    }
    return client.post(reverse("children:edit", args=[child.pk]), data)


def test_a_manager_records_that_a_girl_is_a_mother_with_her_childs_date_of_birth(client_for, manager, iro):
    girl = make_child_in_care(iro=iro, sex="F", date_of_birth=date(2008, 3, 1))

    response = _post(
        client_for(manager),
        girl,
        is_mother="True",
        mother_child_dob_0="4",
        mother_child_dob_1="7",
        mother_child_dob_2="2025",
    )

    assert response.status_code == 302
    girl.refresh_from_db()
    assert (girl.is_mother, girl.mother_child_dob) == (True, date(2025, 7, 4))


def test_not_known_is_kept_as_empty_rather_than_no(client_for, manager, iro):
    girl = make_child_in_care(iro=iro, sex="F", date_of_birth=date(2010, 3, 1))

    _post(client_for(manager), girl, is_mother="")

    girl.refresh_from_db()
    assert girl.is_mother is None


@pytest.mark.parametrize(
    ("sex", "changes", "message"),
    [
        ("M", {"is_mother": "False"}, "Choose not known for a boy"),
        (
            "F",
            {"is_mother": "False", "mother_child_dob_0": "1", "mother_child_dob_1": "1", "mother_child_dob_2": "2025"},
            "only if she is a mother",
        ),
    ],
)
def test_the_form_refuses_answers_that_cannot_be_true(client_for, manager, iro, sex, changes, message):
    child = make_child_in_care(iro=iro, sex=sex, date_of_birth=date(2008, 3, 1))

    response = _post(client_for(manager), child, **changes)

    assert response.status_code == 200
    assert message in response.text and "govuk-error-summary" in response.text
    child.refresh_from_db()
    assert (child.is_mother, child.mother_child_dob) == (None, None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"previous_permanence": "P1"}, "previous_permanence_la", "Enter the authority"),
        ({"previous_permanence": "P1", "previous_permanence_la": "925"}, "previous_permanence_date", "Enter the date"),
        ({"previous_permanence": "Z1", "previous_permanence_la": "92"}, "previous_permanence_la", "three-digit"),
        (
            {"previous_permanence": "Z1", "previous_permanence_date": "2015-06-14"},
            "previous_permanence_date",
            "dd/mm/yyyy",
        ),
    ],
)
def test_a_previous_permanence_option_needs_the_authority_and_date_of_the_order(
    client_for, manager, iro, changes, field, message
):
    child = make_child_in_care(iro=iro, sex="M", date_of_birth=date(2012, 3, 1))

    response = _post(client_for(manager), child, **changes)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    child.refresh_from_db()
    assert child.previous_permanence == ""


def test_the_manager_records_a_previous_special_guardianship_order(client_for, manager, iro):
    child = make_child_in_care(iro=iro, sex="M", date_of_birth=date(2012, 3, 1))

    _post(
        client_for(manager),
        child,
        previous_permanence="P2",
        previous_permanence_la="925",
        previous_permanence_date="zz/06/2019",
    )

    child.refresh_from_db()
    assert (child.previous_permanence, child.previous_permanence_la, child.previous_permanence_date) == (
        "P2",
        "925",
        "zz/06/2019",
    )
