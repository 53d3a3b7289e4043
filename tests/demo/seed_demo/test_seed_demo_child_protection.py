"""The demo authority's child protection work (demo/protection.py, docs/rules.md#child-protection):
in Kirklees' proportion to the children looked after, families of 1 to 4 children, a decision
for each child, cached dates exactly as the refresh stores them, a chair for every open child,
and the one visibility rule."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from children.codes import AllocationWork
from children.models import CareEpisode, Child, IROAllocation
from conferences import deadlines
from conferences.codes import (
    MULTIPLE_CATEGORIES,
    AbuseCategory,
    ConferenceKind,
    ConferenceStatus,
    Outcome,
    PlanEndReason,
)
from conferences.models import (
    Conference,
    ConferenceAttendee,
    ConferenceChild,
    CoreGroupMember,
    PlanAction,
    ProtectionPlan,
)
from conferences.schedule import conference_due_refresh, plan_refresh
from disputes.models import Dispute
from iro_service import roles
from reviews.calendar import statutory_non_working_days
from tests.demo.seed_demo.seeding import TODAY

pytestmark = pytest.mark.django_db

User = get_user_model()


def _plans_open_now():
    return ProtectionPlan.objects.filter(ended_on__isnull=True)


def test_children_on_plans_are_in_kirklees_proportion_to_children_looked_after(demo_town):
    in_care = Child.objects.in_care().count()
    on_plans = _plans_open_now().values("child").distinct().count()
    # Kirklees: 438 on plans to 699 looked after (0.63).
    assert 0.45 <= on_plans / in_care <= 0.8
    assert f"Child protection: {on_plans} children on plans today" in demo_town
    # Four years of history behind them.
    assert ProtectionPlan.objects.filter(started_on__lt=TODAY.replace(year=TODAY.year - 3)).exists()
    assert ProtectionPlan.objects.filter(ended_on__isnull=False).count() > 3 * on_plans


def test_conferences_are_for_families_of_one_to_four_children(demo_town):
    sizes = Counter(
        ConferenceChild.objects.filter(conference__kind=ConferenceKind.INITIAL).values_list("conference", flat=True)
    )
    assert set(sizes.values()) == {1, 2, 3, 4}
    assert Counter(sizes.values()).most_common(1)[0][0] == 1
    assert not Conference.objects.exclude(pk__in=ConferenceChild.objects.values("conference")).exists()
    # A review conference reviews plans started together at one initial conference.
    for conference_id, starts in _review_plan_starts().items():
        assert len(starts) == 1, conference_id


def _review_plan_starts() -> dict[int, set]:
    starts: dict[int, set] = {}
    for conference_id, initial_id in ConferenceChild.objects.filter(conference__kind=ConferenceKind.REVIEW).values_list(
        "conference", "plan__initial_conference"
    ):
        starts.setdefault(conference_id, set()).add(initial_id)
    return starts


def test_each_child_has_their_own_decision_and_categories(demo_town):
    initial = ConferenceChild.objects.filter(conference__kind=ConferenceKind.INITIAL, conference__status="held")
    outcomes = Counter(initial.values_list("outcome", flat=True))
    assert set(outcomes) == {Outcome.PLAN, Outcome.NO_PLAN}
    assert 0.07 <= outcomes[Outcome.NO_PLAN] / initial.count() <= 0.2  # about 1 in 8
    mixed = {c for c, o in initial.values_list("conference", "outcome") if o == Outcome.NO_PLAN} & {
        c for c, o in initial.values_list("conference", "outcome") if o == Outcome.PLAN
    }
    assert mixed, "some families have a plan for one child and not another"
    for place in initial.select_related("plan", "conference"):
        if place.outcome == Outcome.PLAN:
            assert place.plan.child_id == place.child_id
            assert place.plan.initial_conference_id == place.conference_id
            assert place.plan.started_on == place.conference.held_on
            assert place.categories
        else:
            assert place.plan is None and not place.categories
    categories = Counter(ProtectionPlan.objects.values_list("initial_category", flat=True))
    assert categories.most_common(1)[0][0] == AbuseCategory.NEGLECT
    assert categories[AbuseCategory.EMOTIONAL] > categories[AbuseCategory.PHYSICAL] > categories[AbuseCategory.SEXUAL]
    assert categories[MULTIPLE_CATEGORIES] > 0
    assert ProtectionPlan.objects.filter(sequence=2).exists()
    reviews = ConferenceChild.objects.filter(conference__kind=ConferenceKind.REVIEW, conference__status="held")
    assert set(reviews.values_list("outcome", flat=True)) == {Outcome.CONTINUES, Outcome.ENDS}


def test_plans_end_mostly_by_stepping_down_and_some_into_care(demo_town):
    ended = Counter(ProtectionPlan.objects.filter(ended_on__isnull=False).values_list("end_reason", flat=True))
    assert ended.most_common(1)[0][0] == PlanEndReason.STEP_DOWN
    assert ended[PlanEndReason.INTO_CARE] > 0 and ended[PlanEndReason.MOVED_AWAY] > 0
    for plan in ProtectionPlan.objects.filter(end_reason=PlanEndReason.INTO_CARE).select_related("care_episode"):
        # The step-up: the plan ends the day care begins; the child has an IRO from that day.
        assert plan.care_episode.child_id == plan.child_id
        assert plan.care_episode.started_on == plan.ended_on
        assert IROAllocation.objects.looked_after().filter(child=plan.child_id, started_on=plan.ended_on).exists()
    assert (
        not ProtectionPlan.objects.exclude(end_reason=PlanEndReason.INTO_CARE)
        .filter(care_episode__isnull=False)
        .exists()
    )
    for plan in ProtectionPlan.objects.filter(ending_conference__isnull=False).select_related("ending_conference"):
        assert plan.ended_on == plan.ending_conference.held_on


def test_conferences_are_mostly_in_time_with_attendees_core_groups_and_actions(demo_town):
    held = Conference.objects.filter(status=ConferenceStatus.HELD)
    initial = list(held.filter(kind=ConferenceKind.INITIAL))
    calendar = statutory_non_working_days(min(c.strategy_discussion_on for c in initial), TODAY)
    in_time = [
        c.held_on <= deadlines.initial_conference_due(c.strategy_discussion_on, non_working=calendar) for c in initial
    ]
    assert 0.7 <= sum(in_time) / len(in_time) < 1
    reviews = list(held.filter(kind=ConferenceKind.REVIEW))
    late = sum(c.held_on > c.due_on for c in reviews)
    assert 0 < late / len(reviews) < 0.25
    minutes = held.filter(minutes_due_on__lt=TODAY)
    on_time = minutes.filter(minutes_distributed_on__lte=models_f("minutes_due_on")).count()
    assert 0.75 <= on_time / minutes.count() < 1
    agencies = set(ConferenceAttendee.objects.values_list("agency", flat=True))
    assert {"social_care", "police", "health", "school", "parent", "child"} <= agencies
    assert CoreGroupMember.objects.filter(plan__ended_on__isnull=True, left_on__isnull=True).exists()
    assert PlanAction.objects.exists()
    assert set(PlanAction.objects.values_list("status", flat=True)) >= {"open", "done"}
    assert Conference.objects.filter(status=ConferenceStatus.REQUESTED, chair__isnull=True).count() >= 2
    assert Conference.objects.filter(status=ConferenceStatus.BOOKED, booked_for__gt=TODAY).exists()


def models_f(name: str):
    from django.db.models import F

    return F(name)


def test_the_cached_dates_are_exactly_what_the_refresh_stores(demo_town):
    fields = ("review_conferences_held", "last_conference_on", "next_review_due_on", "next_review_rule")
    plans = list(ProtectionPlan.objects.order_by("pk"))
    stored = {p.pk: tuple(getattr(p, f) for f in fields) for p in plans}
    for plan in plans:
        plan_refresh(plan)
        assert tuple(getattr(plan, f) for f in fields) == stored[plan.pk], plan.pk
    conference_fields = ("due_on", "due_rule", "due_reason", "minutes_due_on")
    for conference in Conference.objects.order_by("pk"):
        before = tuple(getattr(conference, f) for f in conference_fields)
        conference_due_refresh(conference)
        assert tuple(getattr(conference, f) for f in conference_fields) == before, conference.pk
    for plan in ProtectionPlan.objects.filter(ended_on__isnull=True):
        held = ConferenceChild.objects.filter(plan=plan, conference__kind="review", conference__status="held")
        due = deadlines.next_review_due(
            started_on=plan.started_on, review_conferences_held=held.values_list("conference__held_on", flat=True)
        )
        assert plan.next_review_due_on == due.due_on


def test_every_child_with_open_work_has_a_chair_and_no_one_else_does(demo_town):
    chairs = dict(IROAllocation.objects.child_protection().filter(ended_on__isnull=True).values_list("child", "iro"))
    open_plans = set(_plans_open_now().values_list("child", flat=True))
    booked = set(
        ConferenceChild.objects.filter(conference__status=ConferenceStatus.BOOKED).values_list("child", flat=True)
    )
    requested = set(
        ConferenceChild.objects.filter(conference__status=ConferenceStatus.REQUESTED).values_list("child", flat=True)
    )
    assert open_plans | booked <= set(chairs)
    assert set(chairs) == open_plans | booked
    assert not requested & set(chairs)
    for conference in Conference.objects.filter(status=ConferenceStatus.BOOKED).prefetch_related("places"):
        assert {chairs[p.child_id] for p in conference.places.all()} == {conference.chair_id}
    cp_chair = User.objects.get(username="cpchair")
    iros = set(User.objects.filter(groups__name=roles.IRO).values_list("pk", flat=True))
    assert set(chairs.values()) <= iros | {cp_chair.pk}
    assert cp_chair.pk in chairs.values() and set(chairs.values()) & iros
    assert not IROAllocation.objects.looked_after().filter(iro=cp_chair).exists()


def test_a_committee_member_sees_no_child_protection_work(demo_town):
    committee = User.objects.get(username="committee")
    assert not Child.objects.visible_to(committee).exists()
    assert not Conference.objects.visible_to(committee).exists()
    assert not ProtectionPlan.objects.visible_to(committee).exists()


def test_the_child_protection_chair_sees_only_the_children_they_chair(demo_town):
    cp_chair = User.objects.get(username="cpchair")
    assert cp_chair.has_perm("conferences.chair_conference")
    theirs = set(
        IROAllocation.objects.child_protection()
        .filter(iro=cp_chair, ended_on__isnull=True)
        .values_list("child", flat=True)
    )
    assert theirs
    assert set(Child.objects.visible_to(cp_chair, on=TODAY).values_list("pk", flat=True)) == theirs
    assert set(Child.objects.visible_to(cp_chair, on=TODAY, work=AllocationWork.LOOKED_AFTER)) == set()
    visible = Conference.objects.visible_to(cp_chair, on=TODAY)
    assert visible.exists()
    assert set(ConferenceChild.objects.filter(conference__in=visible).values_list("child", flat=True)) & theirs
    assert (
        not CareEpisode.objects.visible_to(cp_chair, on=TODAY)
        .filter(ended_on__isnull=True)
        .exclude(child__in=theirs)
        .exists()
    )


def test_some_disputes_are_about_child_protection_plans(demo_town):
    disputes = Dispute.objects.filter(work=AllocationWork.CHILD_PROTECTION)
    assert disputes.count() >= 2
    for dispute in disputes:
        plan = ProtectionPlan.objects.open(on=dispute.opened_on).get(child=dispute.child_id)
        assert plan.started_on < dispute.opened_on
        assert dispute.closed_on is not None and dispute.steps.filter(ended_on__isnull=True).count() == 0
    assert f"Disputes about plans: {disputes.count()}." in demo_town
