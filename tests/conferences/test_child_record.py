"""Child protection work on the child's record (conferences/sections.py, CHILD_RECORD_SECTIONS),
on their timeline (conferences/timeline.py, CHILD_TIMELINE_ENTRIES) and the step-up
(conferences/services/step_up.py, CARE_PERIOD_STARTED_STEPS): docs/rules.md#child-protection."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children import services as children_services
from children.models import Child
from conferences.codes import AbuseCategory, PlanEndReason
from conferences.models import ConferenceAttendee, CoreGroupMember, PlanAction, ProtectionPlan
from conferences.sections import child_protection_section
from conferences.services.step_up import plan_link_care_episode
from reviews.timeline import child_timeline
from tests.conferences.factories import make_cp_children, make_icpc, make_rcpc
from tests.factories import care_facts, make_child_in_care

pytestmark = pytest.mark.django_db


def _days(today, n):
    return today - dt.timedelta(days=n)


@pytest.fixture
def on_second_plan(iro, today):
    """A child whose first plan (two years ago) stepped down, now on a second plan made 40 days
    ago in neglect and emotional abuse, chaired by ``iro``, with a core group and two actions."""
    (child,) = make_cp_children(1, family="Okoro")
    first = make_icpc([child], strategy_on=_days(today, 760), chair=iro, held_on=_days(today, 750))
    plan = first.plans_started.get()
    make_rcpc([plan], held_on=_days(today, 600), chair=iro, ends={plan: PlanEndReason.STEP_DOWN})
    second = make_icpc(
        [child],
        strategy_on=_days(today, 50),
        chair=iro,
        held_on=_days(today, 40),
        categories={child: [AbuseCategory.NEGLECT, AbuseCategory.EMOTIONAL]},
    )
    plan = second.plans_started.get()
    CoreGroupMember.objects.create(
        plan=plan, name="Hana <b>Visitor</b>", agency="health", role="Health visitor", joined_on=plan.started_on
    )
    PlanAction.objects.create(
        plan=plan, conference=second, child=child, description="Register with a GP", owner="Mum", due_on=today
    )
    PlanAction.objects.create(
        plan=plan,
        conference=second,
        child=child,
        description="Done already",
        owner="Mum",
        due_on=today,
        status="done",
    )
    return child


def test_the_record_shows_the_current_plan_its_chair_and_the_earlier_plan_and_conferences(
    client_for, iro, on_second_plan, today
):
    plan = ProtectionPlan.objects.get(child=on_second_plan, ended_on__isnull=True)

    page = client_for(iro).get(reverse("children:detail", args=[on_second_plan.pk])).text

    assert "Chair of child protection conferences" in page and iro.get_full_name() in page
    assert "Child protection" in page
    assert "the child's second plan" in page
    assert "Emotional abuse, Neglect" in page
    assert f"{plan.next_review_due_on:%-d %B %Y}" in page and "3 months after the initial conference on" in page
    assert "Hana &lt;b&gt;Visitor&lt;/b&gt;" in page and "<b>Visitor" not in page
    assert "Register with a GP" in page and "Done already" not in page
    assert "Earlier child protection plans" in page and "Stepped down to child in need" in page
    assert page.count("Initial child protection conference") == 2
    assert "Review child protection conference" in page and "Plan ends" in page
    assert "On a child protection plan and looked after" not in page


def test_a_child_never_on_a_plan_has_no_child_protection_panel(client_for, iro):
    child = make_child_in_care(iro=iro)

    page = client_for(iro).get(reverse("children:detail", args=[child.pk])).text

    assert "Chair of child protection conferences" not in page
    assert "Not on a plan now" not in page


def test_a_child_on_a_plan_who_becomes_looked_after_is_stepped_up_and_shows_both_histories(
    client_for, iro, manager, on_second_plan, today
):
    plan = ProtectionPlan.objects.get(child=on_second_plan, ended_on__isnull=True)

    episode = children_services.care_period_start(
        child=on_second_plan, by=manager, started_on=_days(today, 5), iro=iro, today=today, **care_facts()
    )

    plan.refresh_from_db()
    assert plan.care_episode == episode and plan.ended_on is None
    page = client_for(iro).get(reverse("children:detail", args=[on_second_plan.pk])).text
    assert "On a child protection plan and looked after" in page
    assert "came into care while on this plan" in page
    assert '<h2 class="govuk-heading-m">Reviews</h2>' in page and "Care episodes" in page
    assert "Looked-after reviews" in page and "Child protection conferences" in page  # both allocations


def test_a_period_of_care_without_an_open_plan_links_nothing(iro, manager, today):
    (child,) = make_cp_children(1)
    conference = make_icpc([child], strategy_on=_days(today, 200), chair=iro, held_on=_days(today, 190))
    plan = conference.plans_started.get()
    make_rcpc([plan], held_on=_days(today, 100), chair=iro, ends={plan: PlanEndReason.STEP_DOWN})

    children_services.care_period_start(
        child=child, by=manager, started_on=_days(today, 5), iro=iro, today=today, **care_facts()
    )

    plan.refresh_from_db()
    assert plan.care_episode is None


def test_a_plan_ended_because_the_child_came_into_care_links_the_period_of_care(iro, manager, today):
    (child,) = make_cp_children(1)
    conference = make_icpc([child], strategy_on=_days(today, 200), chair=iro, held_on=_days(today, 190))
    plan = conference.plans_started.get()
    episode = children_services.care_period_start(
        child=child, by=manager, started_on=_days(today, 30), iro=iro, today=today, **care_facts()
    )
    ProtectionPlan.objects.filter(pk=plan.pk).update(care_episode=None)  # as if recorded before the link
    make_rcpc([plan], held_on=_days(today, 10), chair=iro, ends={plan: PlanEndReason.INTO_CARE})
    plan.refresh_from_db()

    plan_link_care_episode(plan=plan, by=manager)

    plan.refresh_from_db()
    assert (plan.end_reason, plan.care_episode) == (PlanEndReason.INTO_CARE, episode)
    entries = {e.title: e for e in child_timeline(child)}
    assert entries["Child protection plan ended"].detail == (
        f"Became looked after. Looked after from {episode.started_on:%-d %B %Y}."
    )


def test_the_timeline_has_the_conferences_held_and_the_plans_started_and_ended(iro, on_second_plan, today):
    entries = [(e.date, e.kind_label, e.title) for e in child_timeline(on_second_plan) if e.kind == "elsewhere"]

    assert entries == [
        (_days(today, 40), "Child protection", "Child protection plan started"),
        (_days(today, 40), "Child protection", "Initial child protection conference held"),
        (_days(today, 600), "Child protection", "Child protection plan ended"),
        (_days(today, 600), "Child protection", "Review child protection conference held"),
        (_days(today, 750), "Child protection", "Child protection plan started"),
        (_days(today, 750), "Child protection", "Initial child protection conference held"),
    ]
    held = next(e for e in child_timeline(on_second_plan) if e.title == "Initial child protection conference held")
    assert held.detail.startswith("Decision: Child protection plan. Categories: Emotional abuse, Neglect.")


def _fill(child, *, iro, today, size):
    for n in range(size):
        ended = make_icpc([child], strategy_on=_days(today, 3000 + 400 * n), held_on=_days(today, 2990 + 400 * n))
        old = ended.plans_started.get()
        ProtectionPlan.objects.filter(pk=old.pk).update(
            ended_on=_days(today, 2900 + 400 * n), end_reason=PlanEndReason.MOVED_AWAY
        )
    conference = make_icpc([child], strategy_on=_days(today, 400), chair=iro, held_on=_days(today, 390))
    plan = conference.plans_started.get()
    for n in range(size):
        make_rcpc([plan], held_on=_days(today, 300 - 20 * n), chair=iro)
        CoreGroupMember.objects.create(plan=plan, name=f"Member {n}", agency="health", joined_on=plan.started_on)
        PlanAction.objects.create(
            plan=plan, conference=conference, child=child, description=f"Step {n}", owner="Mum", due_on=today
        )
        ConferenceAttendee.objects.create(conference=conference, name=f"Guest {n}", agency="school")
    return plan


@pytest.mark.parametrize("who", ["iro", "manager"])
def test_the_record_of_a_child_on_a_plan_and_in_care_takes_the_same_queries_at_one_and_at_ten(
    client_for, request, iro, today, who
):
    small = make_child_in_care(iro=iro, looked_after_on=_days(today, 100))
    large = make_child_in_care(iro=iro, looked_after_on=_days(today, 100))
    _fill(small, iro=iro, today=today, size=1)
    _fill(large, iro=iro, today=today, size=10)
    client = client_for(request.getfixturevalue(who))
    client.get(reverse("children:detail", args=[small.pk]))  # warm up what is cached per process

    counted = {}
    for name, child in (("one", small), ("ten", large)):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("children:detail", args=[child.pk])).text
        counted[name] = len(queries)
        assert "Step 0" in page and "Member 0" in page
    assert "Step 9" in page and "Member 9" in page and "Moved to another local authority" in page
    assert "On a child protection plan and looked after" in page
    assert counted["one"] == counted["ten"] <= 23


def test_the_panel_takes_four_queries_at_one_and_at_ten(iro, today):
    iro.has_perm("children.view_all_children")  # the user's permissions, read once per request
    for size in (1, 10):
        child = make_child_in_care(iro=iro, looked_after_on=_days(today, 100))
        _fill(child, iro=iro, today=today, size=size)
        child = Child.objects.for_record().get(pk=child.pk)  # as the record page reads it
        with CaptureQueriesContext(connection) as queries:
            section = child_protection_section(child=child, user=iro, today=today)
        assert len(section["current"].current_core_group) == size and len(section["past"]) == size
        assert len(queries) == 4
