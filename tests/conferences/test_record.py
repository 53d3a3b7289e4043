"""The chair records a conference (docs/rules.md#child-protection): each child's decision, the
plans it starts and ends, the cached dates, the audit trail, the lock, and who may not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from children.models import IROAllocation
from conferences.codes import AbuseCategory, ConferenceStatus, Outcome, ParentParticipation, PlanEndReason
from conferences.models import ConferenceAttendee, CoreGroupMember, PlanAction, ProtectionPlan
from conferences.services import (
    AttendeeInput,
    PlaceInput,
    PlaceRefused,
    PlanActionInput,
    conference_minutes_distribute,
    conference_record,
    core_group_member_add,
    core_group_member_leave,
    plan_action_update,
)
from iro_service.concurrency import StaleEditError
from iro_service.models import AuditEvent
from reviews.services import review_record
from tests.conferences.factories import allocate_chair, make_cp_chair, make_cp_children, make_icpc, make_rcpc
from tests.factories import make_care_episode

pytestmark = pytest.mark.django_db

STRATEGY = dt.date(2026, 1, 5)
BOOKED = dt.date(2026, 1, 20)
TODAY = dt.date(2026, 2, 2)


def _place(child, outcome, *, categories=(AbuseCategory.NEGLECT,), actions=(), **more):
    return PlaceInput(
        child_id=child.pk,
        outcome=outcome,
        categories=categories if outcome in (Outcome.PLAN, Outcome.CONTINUES) else (),
        child_participation="views_conveyed",
        parents_participation=ParentParticipation.ATTENDED,
        childs_views="Wants to stay at school",
        actions=actions,
        **more,
    )


def _action(due_on=dt.date(2026, 3, 1), description="Health visitor to visit weekly"):
    return PlanActionInput(description=description, owner="Health visitor", due_on=due_on)


@pytest.fixture
def chair():
    return make_cp_chair(username="chair_c", first_name="Cara", last_name="Chair")


@pytest.fixture
def family():
    return make_cp_children(2, family="Doe")


@pytest.fixture
def booked(chair, family):
    return make_icpc(family, strategy_on=STRATEGY, chair=chair, booked_for=BOOKED)


def _record(conference, by, places, *, held_on=BOOKED, today=TODAY, attendees=None):
    conference.refresh_from_db()
    return conference_record(
        conference=conference,
        held_on=held_on,
        attendees=attendees
        if attendees is not None
        else [AttendeeInput(name="Pat Police", agency="police", role="DC", attended=True)],
        places=places,
        minutes="Discussed the risks.",
        by=by,
        version=conference.version,
        today=today,
    )


def test_an_initial_conference_makes_a_plan_for_one_child_and_not_the_other(chair, family, booked):
    older, younger = family
    conference = _record(
        booked, chair, [_place(older, Outcome.PLAN, actions=[_action()]), _place(younger, Outcome.NO_PLAN)]
    )
    assert conference.status == ConferenceStatus.HELD and conference.held_on == BOOKED
    plan = ProtectionPlan.objects.get()
    assert (plan.child, plan.started_on, plan.sequence, plan.initial_category) == (older, BOOKED, 1, "NEG")
    assert plan.next_review_due_on == dt.date(2026, 4, 20)  # 3 months after the initial conference
    assert PlanAction.objects.get().plan == plan
    assert ConferenceAttendee.objects.get(conference=conference).name == "Pat Police"
    # No plan: the chair's work for the younger child ends that day; the older child's goes on.
    assert IROAllocation.objects.child_protection().get(child=younger).ended_on == BOOKED
    assert IROAllocation.objects.child_protection().get(child=older).ended_on is None
    conference.refresh_from_db()
    assert conference.minutes_due_on is not None and conference.minutes == "Discussed the risks."


def test_a_second_plan_counts_the_earlier_ones(chair, family, booked):
    older, younger = family
    ProtectionPlan.objects.create(
        child=older,
        initial_conference=booked,
        started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2021, 1, 1),
        end_reason=PlanEndReason.STEP_DOWN,
        initial_category="PHY",
        latest_category="PHY",
    )
    _record(booked, chair, [_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)])
    assert ProtectionPlan.objects.get(ended_on__isnull=True).sequence == 2


def test_several_categories_are_reported_as_multiple(chair, family, booked):
    older, younger = family
    both = (AbuseCategory.NEGLECT, AbuseCategory.EMOTIONAL)
    _record(booked, chair, [_place(older, Outcome.PLAN, categories=both), _place(younger, Outcome.NO_PLAN)])
    plan = ProtectionPlan.objects.get()
    assert plan.initial_category == plan.latest_category == "MUL"
    place = plan.conference_places.get()
    assert place.category_neglect and place.category_emotional and not place.category_sexual


@override_settings(CP_MULTIPLE_CATEGORIES=False)
def test_one_category_only_when_the_service_records_one(chair, family, booked):
    older, younger = family
    both = (AbuseCategory.NEGLECT, AbuseCategory.EMOTIONAL)
    with pytest.raises(PlaceRefused) as refused:
        _record(booked, chair, [_place(older, Outcome.PLAN, categories=both), _place(younger, Outcome.NO_PLAN)])
    assert refused.value.child_id == older.pk and refused.value.field_name == "categories"


def test_a_plan_needs_a_category(chair, family, booked):
    older, younger = family
    with pytest.raises(PlaceRefused) as refused:
        _record(booked, chair, [_place(older, Outcome.PLAN, categories=()), _place(younger, Outcome.NO_PLAN)])
    assert refused.value.field_name == "categories"
    assert not ProtectionPlan.objects.exists()


def test_an_action_is_due_after_the_conference(chair, family, booked):
    older, younger = family
    with pytest.raises(PlaceRefused) as refused:
        _record(
            booked,
            chair,
            [_place(older, Outcome.PLAN, actions=[_action(due_on=BOOKED)]), _place(younger, Outcome.NO_PLAN)],
        )
    assert refused.value.field_name == "actions"


def test_the_held_date_is_not_in_the_future_nor_before_the_strategy_discussion(chair, family, booked):
    older, younger = family
    places = [_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)]
    with pytest.raises(ValidationError) as future:
        _record(booked, chair, places, held_on=TODAY + dt.timedelta(days=1))
    assert "held_on" in future.value.message_dict
    with pytest.raises(ValidationError) as early:
        _record(booked, chair, places, held_on=STRATEGY - dt.timedelta(days=1))
    assert "strategy discussion" in early.value.message_dict["held_on"][0]


def test_correcting_the_held_date_moves_the_first_review_conference_due_date(chair, family, booked):
    older, younger = family
    places = [_place(older, Outcome.PLAN, actions=[_action()]), _place(younger, Outcome.NO_PLAN)]
    _record(booked, chair, places)
    plan = ProtectionPlan.objects.get()
    review = make_rcpc([plan], booked_for=dt.date(2026, 4, 15), chair=chair)
    assert review.due_on == dt.date(2026, 4, 20)
    action = PlanAction.objects.get()
    corrected = [
        _place(older, Outcome.PLAN, actions=[PlanActionInput("Visit weekly", "HV", dt.date(2026, 3, 1), id=action.pk)]),
        _place(younger, Outcome.NO_PLAN),
    ]
    _record(booked, chair, corrected, held_on=dt.date(2026, 1, 13))
    plan.refresh_from_db()
    review.refresh_from_db()
    assert plan.started_on == dt.date(2026, 1, 13)
    assert plan.next_review_due_on == review.due_on == dt.date(2026, 4, 13)
    assert IROAllocation.objects.child_protection().get(child=younger).ended_on == dt.date(2026, 1, 13)
    assert PlanAction.objects.count() == 1 and PlanAction.objects.get().description == "Visit weekly"
    assert ProtectionPlan.objects.count() == 1


def test_a_plan_started_cannot_be_undone_by_a_correction(chair, family, booked):
    older, younger = family
    _record(booked, chair, [_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)])
    with pytest.raises(PlaceRefused):
        _record(booked, chair, [_place(older, Outcome.NO_PLAN), _place(younger, Outcome.NO_PLAN)])


@pytest.fixture
def plans(chair, family):
    conference = make_icpc(family, strategy_on=dt.date(2025, 10, 20), chair=chair, held_on=dt.date(2025, 11, 3))
    return list(ProtectionPlan.objects.filter(initial_conference=conference).order_by("child__date_of_birth"))


def test_a_review_conference_continues_one_plan_and_ends_the_other(chair, family, plans):
    older, younger = family
    review = make_rcpc(plans, booked_for=dt.date(2026, 1, 28), chair=chair)
    held = dt.date(2026, 1, 28)
    _record(
        review,
        chair,
        [
            _place(older, Outcome.CONTINUES, categories=(AbuseCategory.PHYSICAL,), actions=[_action()]),
            _place(younger, Outcome.ENDS, end_reason=PlanEndReason.OTHER, end_reason_detail="Family moved abroad"),
        ],
        held_on=held,
    )
    going_on, ended = (ProtectionPlan.objects.get(pk=p.pk) for p in plans)
    assert going_on.latest_category == "PHY" and going_on.initial_category == "NEG"
    assert going_on.next_review_due_on == dt.date(2026, 7, 28)  # 6 months after the review conference
    assert (ended.ended_on, ended.end_reason, ended.ending_conference_id) == (held, PlanEndReason.OTHER, review.pk)
    assert ended.end_reason_detail == "Family moved abroad" and ended.next_review_due_on is None
    assert IROAllocation.objects.child_protection().get(child=younger).ended_on == held
    assert IROAllocation.objects.child_protection().get(child=older).ended_on is None


def test_a_plan_ending_because_the_child_came_into_care_is_linked_to_that_period_of_care(chair, family, plans):
    """The step-up: the episode that started while the plan was open is linked when the plan ends."""
    older, younger = family
    episode = make_care_episode(younger, started_on=dt.date(2026, 1, 20))
    review = make_rcpc(plans, booked_for=dt.date(2026, 1, 28), chair=chair)
    _record(
        review,
        chair,
        [_place(older, Outcome.CONTINUES), _place(younger, Outcome.ENDS, end_reason=PlanEndReason.INTO_CARE)],
        held_on=dt.date(2026, 1, 28),
    )
    ended = ProtectionPlan.objects.get(child=younger)
    assert (ended.end_reason, ended.care_episode_id) == (PlanEndReason.INTO_CARE, episode.pk)
    assert ProtectionPlan.objects.get(child=older).care_episode_id is None


def test_a_plan_ending_for_another_reason_needs_its_words(chair, family, plans):
    older, younger = family
    review = make_rcpc(plans, booked_for=dt.date(2026, 1, 28), chair=chair)
    with pytest.raises(PlaceRefused) as refused:
        _record(
            review,
            chair,
            [_place(older, Outcome.CONTINUES), _place(younger, Outcome.ENDS, end_reason=PlanEndReason.OTHER)],
            held_on=dt.date(2026, 1, 28),
        )
    assert refused.value.field_name == "end_reason_detail"


def test_recording_is_audited(chair, family, booked):
    older, younger = family
    _record(booked, chair, [_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)])
    events = AuditEvent.objects.filter(actor=chair)
    assert events.filter(object_type="conferences.Conference", object_id=str(booked.pk)).exists()
    assert events.filter(child_id=older.pk, object_type="conferences.ConferenceChild").exists()
    assert events.filter(child_id=older.pk, object_type="conferences.ProtectionPlan").exists()
    assert events.filter(child_id=younger.pk, object_type="children.IROAllocation").exists()


def test_a_stale_version_is_refused_and_nothing_is_written(chair, family, booked):
    older, younger = family
    version = booked.version
    booked.refresh_from_db()
    from conferences.models import Conference

    Conference.objects.filter(pk=booked.pk).update(version=version + 1)
    with pytest.raises(StaleEditError):
        conference_record(
            conference=booked,
            held_on=BOOKED,
            attendees=[],
            places=[_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)],
            minutes="",
            by=chair,
            version=version,
            today=TODAY,
        )
    assert not ProtectionPlan.objects.exists()
    booked.refresh_from_db()
    assert booked.status == ConferenceStatus.BOOKED


def test_the_chair_covering_may_record_and_another_chair_may_not(chair, family, booked):
    from tests.factories import make_cover

    older, younger = family
    other = make_cp_chair(username="other_chair")
    places = [_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)]
    with pytest.raises(PermissionDenied):
        _record(booked, other, places)
    make_cover(absent_iro=chair, covering_iro=other, starts_on=dt.date(2026, 1, 1), by=chair)
    _record(booked, other, places)
    assert ProtectionPlan.objects.count() == 1


def test_a_manager_may_record(manager, family, booked):
    older, younger = family
    _record(booked, manager, [_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)])
    assert ProtectionPlan.objects.count() == 1


def test_committee_and_administrator_are_refused(committee, administrator, family, booked):
    older, younger = family
    for user in (committee, administrator):
        with pytest.raises(PermissionDenied):
            _record(booked, user, [_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)])


def test_the_iro_of_a_child_in_care_does_not_chair_their_conference(iro, family, booked):
    """Looked-after work and child protection work are separate allocations."""
    older, younger = family
    IROAllocation.objects.create(child=older, iro=iro, started_on=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        _record(booked, iro, [_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)])


def test_a_child_protection_chair_cannot_record_a_looked_after_review(chair, family):
    older, _ = family
    allocate_chair(older, chair, started_on=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        review_record(
            child=older,
            by=chair,
            held_on=dt.date(2026, 1, 10),
            participation_code="PN1",
            parents_participation=ParentParticipation.ATTENDED,
            wishes_and_feelings="x",
            child_friendly_summary="x",
            actions=[],
            today=TODAY,
        )


def test_core_group_members_join_and_leave(chair, family, plans):
    plan = plans[0]
    member = core_group_member_add(
        plan=plan, name="Hana Health", agency="health", role="Health visitor", joined_on=dt.date(2025, 11, 3), by=chair
    )
    core_group_member_leave(member=member, left_on=dt.date(2026, 1, 3), by=chair, today=TODAY)
    member.refresh_from_db()
    assert member.left_on == dt.date(2026, 1, 3)
    other = make_cp_chair(username="stranger")
    with pytest.raises(PermissionDenied):
        core_group_member_add(plan=plan, name="X", agency="health", joined_on=dt.date(2025, 12, 1), by=other)
    assert CoreGroupMember.objects.count() == 1


def test_a_plan_action_is_done(chair, family, booked):
    older, younger = family
    _record(booked, chair, [_place(older, Outcome.PLAN, actions=[_action()]), _place(younger, Outcome.NO_PLAN)])
    action = PlanAction.objects.get()
    plan_action_update(action=action, status="done", by=chair, today=TODAY)
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on == TODAY
    with pytest.raises(PermissionDenied):
        plan_action_update(action=action, status="open", by=make_cp_chair(username="x2"), today=TODAY)


def test_the_minutes_are_distributed(chair, family, booked):
    older, younger = family
    conference = _record(booked, chair, [_place(older, Outcome.PLAN), _place(younger, Outcome.NO_PLAN)])
    conference.refresh_from_db()
    conference_minutes_distribute(
        conference=conference, distributed_on=TODAY, by=chair, version=conference.version, today=TODAY
    )
    conference.refresh_from_db()
    assert conference.minutes_distributed_on == conference.minutes_completed_on == TODAY
