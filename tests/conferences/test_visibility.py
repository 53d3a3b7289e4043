"""Who sees a child's child protection work, role by role (docs/decisions/0009-child-protection-work.md,
docs/rules.md#child-protection): the one rule of ``Child.objects.visible_to`` covers the chair of
a child's conferences as it covers their IRO, and every record of the work follows the child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from children.models import Child, CoverArrangement
from conferences.codes import PlanEndReason
from conferences.models import (
    Conference,
    ConferenceAttendee,
    ConferenceChild,
    CoreGroupMember,
    PlanAction,
    ProtectionPlan,
)
from reviews.services.common import require_can_chair
from tests.conferences.factories import allocate_chair, make_cp_chair, make_cp_children, make_icpc, make_rcpc
from tests.factories import make_child_in_care

pytestmark = pytest.mark.django_db

RECORDS = (Conference, ProtectionPlan, ConferenceChild, ConferenceAttendee, CoreGroupMember, PlanAction)


def _days(today, n):
    return today - dt.timedelta(days=n)


def _work(children, *, chair, today, family):
    """A held initial conference for ``children`` chaired by ``chair``: a plan each, with an
    invitee, a core group member and an action."""
    conference = make_icpc(
        children, strategy_on=_days(today, 40), chair=chair, held_on=_days(today, 30), family_name=family
    )
    ConferenceAttendee.objects.create(conference=conference, name="Pat Teacher", agency="school")
    for plan in conference.plans_started.all():
        CoreGroupMember.objects.create(plan=plan, name="Hal Visitor", agency="health", joined_on=plan.started_on)
        PlanAction.objects.create(
            plan=plan, conference=conference, child=plan.child, description="GP", owner="Mum", due_on=today
        )
    return conference


@pytest.fixture
def cp_chair(db):
    return make_cp_chair(username="cpchair", first_name="Cora", last_name="Chair")


@pytest.fixture
def second_chair(db):
    return make_cp_chair(username="cpchair2", first_name="Dev", last_name="Second")


@pytest.fixture
def chaired(cp_chair, today):
    """Two brothers whose conferences ``cp_chair`` chairs."""
    children = make_cp_children(2, family="Adeyemi")
    return children, _work(children, chair=cp_chair, today=today, family="Adeyemi")


@pytest.fixture
def elsewhere(second_chair, today):
    """A child whose conferences another chair chairs."""
    children = make_cp_children(1, family="Brennan")
    return children, _work(children, chair=second_chair, today=today, family="Brennan")


def _sees(user, model, *, today):
    return set(model.objects.visible_to(user, on=today).values_list("pk", flat=True))


def _all_about(children, model):
    if model is Conference:
        return set(Conference.objects.filter(places__child__in=children).values_list("pk", flat=True))
    if model is ConferenceAttendee:
        return set(
            ConferenceAttendee.objects.filter(conference__places__child__in=children).values_list("pk", flat=True)
        )
    lookup = "plan__child__in" if model is CoreGroupMember else "child__in"
    return set(model.objects.filter(**{lookup: children}).values_list("pk", flat=True))


def test_an_iro_who_chairs_a_childs_conferences_sees_the_child_their_conferences_and_plans(
    client_for, iro, today, elsewhere
):
    children = make_cp_children(1, family="Chukwu")
    _work(children, chair=iro, today=today, family="Chukwu")

    assert set(Child.objects.visible_to(iro, on=today)) == set(children)
    for model in RECORDS:
        assert _sees(iro, model, today=today) == _all_about(children, model), model.__name__
    response = client_for(iro).get(reverse("children:detail", args=[children[0].pk]))
    assert response.status_code == 200 and "Child protection plan" in response.text


def test_a_cp_chair_sees_only_the_children_whose_conferences_they_chair(
    client_for, cp_chair, today, chaired, elsewhere
):
    children, _ = chaired
    others, _ = elsewhere

    assert set(Child.objects.visible_to(cp_chair, on=today)) == set(children)
    for model in RECORDS:
        assert _sees(cp_chair, model, today=today) == _all_about(children, model), model.__name__
    client = client_for(cp_chair)
    assert client.get(reverse("children:detail", args=[children[1].pk])).status_code == 200
    assert client.get(reverse("children:detail", args=[others[0].pk])).status_code == 404


def test_a_cp_chair_covering_another_chair_sees_their_children_while_the_cover_lasts(
    cp_chair, second_chair, manager, today, chaired, elsewhere
):
    children, _ = chaired
    others, _ = elsewhere
    CoverArrangement.objects.create(
        absent_iro=second_chair,
        covering_iro=cp_chair,
        starts_on=_days(today, 2),
        ends_on=today + dt.timedelta(days=5),
        reason="Leave",
        arranged_by=manager,
    )

    assert set(Child.objects.visible_to(cp_chair, on=today)) == {*children, *others}
    assert _sees(cp_chair, Conference, today=today) == _all_about([*children, *others], Conference)
    later = today + dt.timedelta(days=6)
    assert set(Child.objects.visible_to(cp_chair, on=later)) == set(children)
    assert _sees(cp_chair, ProtectionPlan, today=later) == _all_about(children, ProtectionPlan)


def test_another_iro_sees_nothing_of_it(client_for, other_iro, today, chaired):
    children, _ = chaired

    assert not Child.objects.visible_to(other_iro, on=today).exists()
    for model in RECORDS:
        assert _sees(other_iro, model, today=today) == set(), model.__name__
    assert client_for(other_iro).get(reverse("children:detail", args=[children[0].pk])).status_code == 404


@pytest.mark.parametrize("who", ["committee", "administrator"])
def test_a_committee_member_and_an_administrator_see_none_of_it(request, client_for, today, chaired, who):
    user = request.getfixturevalue(who)
    children, _ = chaired

    assert not Child.objects.visible_to(user, on=today).exists()
    for model in RECORDS:
        assert _sees(user, model, today=today) == set(), model.__name__
    assert client_for(user).get(reverse("children:detail", args=[children[0].pk])).status_code in (403, 404)


def test_a_manager_sees_all_of_it(client_for, manager, today, chaired, elsewhere):
    everyone = [*chaired[0], *elsewhere[0]]

    assert set(Child.objects.visible_to(manager, on=today)) == set(everyone)
    for model in RECORDS:
        assert _sees(manager, model, today=today) == _all_about(everyone, model), model.__name__
    assert client_for(manager).get(reverse("children:detail", args=[everyone[-1].pk])).status_code == 200


def test_the_chair_of_a_looked_after_childs_conferences_cannot_record_their_reviews(
    iro, other_iro, cp_chair, manager, today
):
    """The step-up: a child on a plan and looked after has an IRO for their reviews and a chair
    for their conferences; only the IRO records reviews."""
    in_care = make_child_in_care(iro=other_iro, looked_after_on=_days(today, 100))
    _work([in_care], chair=cp_chair, today=today, family="Dube")
    also = make_child_in_care(iro=other_iro, looked_after_on=_days(today, 100))
    _work([also], chair=iro, today=today, family="Eze")

    for chair, child in ((cp_chair, in_care), (iro, also)):
        assert Child.objects.visible_to(chair, on=today).filter(pk=child.pk).exists()  # they read the record
        with pytest.raises(PermissionDenied, match="only record reviews for children you hold or cover"):
            require_can_chair(child, chair, on=today)
    require_can_chair(in_care, other_iro, on=today)  # the child's IRO may
    require_can_chair(also, other_iro, on=today)


def test_a_former_chair_is_told_the_child_is_no_longer_on_their_caseload(client_for, cp_chair, today, chaired):
    children, conference = chaired
    plans = list(conference.plans_started.all())
    make_rcpc(plans, held_on=_days(today, 1), chair=cp_chair, ends=dict.fromkeys(plans, PlanEndReason.STEP_DOWN))

    client = client_for(cp_chair)
    response = client.get(reverse("children:detail", args=[children[0].pk]))

    assert response.status_code == 403
    assert "This child is no longer on your caseload" in response.text
    assert children[0].first_name not in response.text
    assert not Child.objects.visible_to(cp_chair, on=today).exists()
    assert _sees(cp_chair, ProtectionPlan, today=today) == set()


def test_a_chair_allocated_only_for_the_conferences_is_not_the_childs_iro(iro, other_iro, today):
    child = make_child_in_care(iro=other_iro, looked_after_on=_days(today, 100))
    allocate_chair(child, iro, started_on=_days(today, 10))

    record = Child.objects.for_record().get(pk=child.pk)

    assert (record.current_allocation.iro, record.current_chair_allocation.iro) == (other_iro, iro)
