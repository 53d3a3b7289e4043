"""The demo's people around each child: everyone an IRO invites and writes to is there, with
details that cannot reach a real person."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from children.codes import ContactRole
from children.models import Child, Contact

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def test_every_child_in_care_has_a_social_worker_a_team_manager_and_a_carer_or_placement(demo_town):
    # in_care(), not episodes__ended_on__isnull: that LEFT JOIN also matches the children who were
    # never looked after (the child protection work).
    in_care = set(Child.objects.in_care().values_list("pk", flat=True))
    current = Contact.objects.current(on=TODAY)
    by_role = {role: set(current.filter(role=role).values_list("child_id", flat=True)) for role in ContactRole.values}
    assert in_care
    assert by_role[ContactRole.SOCIAL_WORKER] == in_care
    assert by_role[ContactRole.TEAM_MANAGER] == in_care
    assert by_role[ContactRole.CARER] | by_role[ContactRole.PLACEMENT] == in_care
    # One social worker at a time: a change of worker ends the first.
    assert max(Counter(current.filter(role=ContactRole.SOCIAL_WORKER).values_list("child_id", flat=True)).values()) == 1
    assert Contact.objects.filter(role=ContactRole.SOCIAL_WORKER, ended_on__isnull=False).exists()


def test_mothers_hold_parental_responsibility_and_some_fathers_do(demo_town):
    assert not Contact.objects.filter(role=ContactRole.MOTHER, has_parental_responsibility=False).exists()
    fathers = Counter(
        Contact.objects.filter(role=ContactRole.FATHER).values_list("has_parental_responsibility", flat=True)
    )
    assert fathers[True] and fathers[False]


def test_contact_details_are_synthetic(demo_town):
    emails = Contact.objects.exclude(email="").values_list("email", flat=True)
    phones = Contact.objects.exclude(phone="").values_list("phone", flat=True)
    assert emails and all(e.endswith("@example.org") for e in emails)
    assert phones and all(re.fullmatch(r"07700 900\d{3}", p) for p in phones)


def test_every_contact_has_a_history_row(demo_town):
    assert Contact.history.count() == Contact.objects.count()
