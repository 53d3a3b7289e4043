"""Anonymising or destroying one child's record and the conferences of their family
(conferences/erasure.py, docs/rules.md#retention): a conference is shared by brothers and
sisters, so it keeps its text while one of them keeps a record, and goes with the last."""

from __future__ import annotations

import datetime as dt

import pytest

from children import erasure
from conferences.models import Conference, ConferenceAttendee, ConferenceChild, CoreGroupMember, PlanAction
from tests.conferences.factories import make_cp_children, make_icpc, make_iro

pytestmark = pytest.mark.django_db

HELD = dt.date(2024, 2, 5)


@pytest.fixture
def family(manager):
    chair = make_iro(username="chair")
    older, younger = make_cp_children(2, family="Quillon")
    conference = make_icpc([older, younger], strategy_on=dt.date(2024, 1, 15), chair=chair, held_on=HELD)
    Conference.objects.filter(pk=conference.pk).update(
        venue="Quillon house", minutes="The Quillon children were discussed", social_worker="Sam Quillon-Social"
    )
    ConferenceAttendee.objects.create(conference=conference, name="Pat Teacher", agency="school", role="Tutor")
    for child in (older, younger):
        ConferenceChild.objects.filter(conference=conference, child=child).update(
            childs_views=f"{child.first_name} wants to stay"
        )
        plan = child.protection_plans.get()
        CoreGroupMember.objects.create(plan=plan, name="Hal Visitor", agency="health", joined_on=HELD)
        PlanAction.objects.create(
            plan=plan, conference=conference, child=child, description="See the dentist", owner="Mum", due_on=HELD
        )
    return conference, older, younger


def test_anonymising_one_child_blanks_their_own_part_and_keeps_the_familys_conference_for_the_sibling(family, manager):
    conference, older, younger = family

    erasure.anonymise(older, by=manager)

    conference.refresh_from_db()
    assert (conference.venue, conference.minutes, conference.family_name) == (
        "Quillon house",
        "The Quillon children were discussed",
        "Quillon",
    )
    assert ConferenceAttendee.objects.get(conference=conference).name == "Pat Teacher"
    mine = ConferenceChild.objects.get(conference=conference, child=older)
    theirs = ConferenceChild.objects.get(conference=conference, child=younger)
    assert (mine.childs_views, mine.outcome, mine.category_neglect) == ("", "plan", True)
    assert theirs.childs_views == f"{younger.first_name} wants to stay"
    assert PlanAction.objects.get(child=older).description != "See the dentist"
    assert PlanAction.objects.get(child=younger).description == "See the dentist"
    assert CoreGroupMember.objects.get(plan__child=older).name != "Hal Visitor"
    assert CoreGroupMember.objects.get(plan__child=younger).name == "Hal Visitor"


def test_anonymising_the_last_child_of_a_conference_blanks_its_text_and_invitees_and_keeps_its_dates(family, manager):
    conference, older, younger = family
    erasure.anonymise(older, by=manager)

    erasure.anonymise(younger, by=manager)

    conference.refresh_from_db()
    assert (conference.venue, conference.minutes, conference.social_worker, conference.family_name) == (
        "",
        "",
        "",
        "Anonymised",
    )
    assert {h.minutes for h in conference.history.all()} == {""}
    attendee = ConferenceAttendee.objects.get(conference=conference)
    assert (attendee.name, attendee.role, attendee.agency) == (
        "Removed when the record was anonymised (retention).",
        "",
        "school",
    )
    assert (conference.held_on, conference.kind, conference.status) == (HELD, "initial", "held")


def test_destroying_one_child_keeps_the_conference_and_destroying_the_last_removes_it(family, manager):
    conference, older, younger = family

    erasure.destroy(older)

    conference.refresh_from_db()
    assert conference.minutes == "The Quillon children were discussed"
    assert list(ConferenceChild.objects.filter(conference=conference).values_list("child", flat=True)) == [younger.pk]

    outcome = erasure.destroy(younger)

    assert not Conference._base_manager.filter(pk=conference.pk).exists()
    assert not Conference.history.filter(id=conference.pk).exists()
    assert not ConferenceAttendee._base_manager.filter(conference_id=conference.pk).exists()
    assert outcome["conferences.Conference"] == 1


def test_destroying_a_child_whose_sibling_was_anonymised_blanks_the_conference_they_shared(family, manager):
    conference, older, younger = family
    erasure.anonymise(younger, by=manager)

    erasure.destroy(older)

    conference.refresh_from_db()
    assert (conference.minutes, conference.venue) == ("", "")
    assert ConferenceChild.objects.filter(conference=conference, child=younger).exists()
