"""Child protection deadline flags (conferences.flags, docs/rules.md#child-protection): each kind
raised on known dates for the child's conference chair, stored once, resolved when the deadline
is met and reopened when the same condition holds again; none for an adult; run by the daily job
through DEADLINE_SWEEPS and listed in the chair's digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from children.codes import AllocationWork
from children.models import IROAllocation
from conferences.codes import ConferenceStatus, PlanEndReason
from conferences.flags import conference_flags_sweep
from conferences.models import Conference, ProtectionPlan
from conferences.schedule import plan_refresh
from reviews.codes import FlagKind
from reviews.digests import digests_send
from reviews.flags import deadlines_daily
from reviews.models import DeadlineFlag
from tests.conferences.factories import allocate_chair, make_cp_chair, make_cp_children, make_icpc, make_rcpc
from tests.factories import ChildFactory, make_child_in_care, make_iro
from tests.queries import run_at_two_sizes

pytestmark = pytest.mark.django_db

D = dt.date
ICPC, RCPC = FlagKind.ICPC_OVERDUE, FlagKind.RCPC_OVERDUE
MINUTES, LONG, REPEAT = FlagKind.CP_MINUTES_LATE, FlagKind.CP_PLAN_LONG, FlagKind.CP_PLAN_REPEAT
CP_KINDS = [ICPC, RCPC, MINUTES, LONG, REPEAT]


@pytest.fixture
def chair():
    return make_cp_chair(username="cp_chair", first_name="Cora", last_name="Chair")


def flags(kind, **filters):
    return DeadlineFlag.objects.filter(kind=kind, **filters).order_by("child_id")


def sweep(today):
    return conference_flags_sweep(today=today)


@pytest.fixture
def booked(chair):
    """Two brothers, strategy discussion Monday 2 March 2026 (due 23 March), booked for 30 March."""
    return make_icpc(make_cp_children(2), strategy_on=D(2026, 3, 2), chair=chair, booked_for=D(2026, 3, 30))


@pytest.fixture
def plan(chair):
    """One child on a plan from Wednesday 7 January 2026: review conference due 7 April 2026,
    minutes due 4 February 2026."""
    conference = make_icpc(make_cp_children(1), strategy_on=D(2025, 12, 15), chair=chair, held_on=D(2026, 1, 7))
    return conference.places.get().plan


def test_an_initial_conference_past_its_due_date_flags_each_child_for_the_chair(booked, chair):
    assert sweep(D(2026, 3, 23)).raised[ICPC] == 0  # due that day: not yet overdue
    result = sweep(D(2026, 3, 24))
    assert result.raised[ICPC] == 2 and result.open[ICPC] == 2
    assert [(f.due_on, f.raised_on, f.iro) for f in flags(ICPC)] == [(D(2026, 3, 23), D(2026, 3, 24), chair)] * 2
    assert sweep(D(2026, 3, 25)).raised == dict.fromkeys(CP_KINDS, 0)


def test_holding_the_initial_conference_resolves_the_flag_and_undoing_it_reopens_it(booked):
    sweep(D(2026, 3, 24))
    Conference.objects.filter(pk=booked.pk).update(status=ConferenceStatus.HELD, held_on=D(2026, 3, 30))
    result = sweep(D(2026, 3, 31))
    assert result.resolved[ICPC] == 2 and result.open[ICPC] == 0
    assert {f.resolved_on for f in flags(ICPC)} == {D(2026, 3, 31)}
    # A correction: it was not held after all. The same deadline is open again, first raised on the 24th.
    Conference.objects.filter(pk=booked.pk).update(status=ConferenceStatus.BOOKED, held_on=None)
    result = sweep(D(2026, 4, 1))
    assert result.raised[ICPC] == 2 and flags(ICPC).count() == 2
    assert {(f.raised_on, f.resolved_on) for f in flags(ICPC)} == {(D(2026, 3, 24), None)}


def test_cancelling_the_initial_conference_resolves_the_flag(booked):
    sweep(D(2026, 3, 24))
    Conference.objects.filter(pk=booked.pk).update(status=ConferenceStatus.CANCELLED, cancelled_on=D(2026, 3, 25))
    assert sweep(D(2026, 3, 26)).resolved[ICPC] == 2


def test_a_review_conference_past_its_due_date_is_flagged_until_one_is_held(plan, chair):
    assert sweep(D(2026, 4, 7)).open[RCPC] == 0
    assert sweep(D(2026, 4, 8)).raised[RCPC] == 1
    flag = flags(RCPC).get()
    assert (flag.child_id, flag.due_on, flag.iro) == (plan.child_id, D(2026, 4, 7), chair)
    review = make_rcpc([plan], held_on=D(2026, 4, 9), chair=chair)
    assert sweep(D(2026, 4, 10)).resolved[RCPC] == 1
    # The next is due 6 months after that review: 9 October 2026.
    assert sweep(D(2026, 10, 10)).raised[RCPC] == 1
    assert flags(RCPC, resolved_on__isnull=True).get().due_on == D(2026, 10, 9)
    # The review conference was recorded by mistake: the plan is due from 7 April again.
    Conference.objects.filter(pk=review.pk).update(status=ConferenceStatus.BOOKED, held_on=None)
    plan_refresh(plan)
    result = sweep(D(2026, 10, 11))
    assert result.raised[RCPC] == 1 and result.resolved[RCPC] == 1
    assert flags(RCPC, resolved_on__isnull=True).get().due_on == D(2026, 4, 7)


def test_a_review_held_that_the_cached_date_has_not_caught_up_with_is_not_flagged(plan, chair):
    make_rcpc([plan], held_on=D(2026, 4, 6), chair=chair)
    ProtectionPlan.objects.filter(pk=plan.pk).update(
        next_review_due_on=D(2026, 4, 7), last_conference_on=plan.started_on
    )
    assert sweep(D(2026, 4, 8)).open[RCPC] == 0


def test_minutes_not_distributed_by_their_date_are_flagged_until_they_are(plan, chair):
    conference = plan.initial_conference
    assert conference.minutes_due_on == D(2026, 2, 4)
    assert sweep(D(2026, 2, 4)).open[MINUTES] == 0
    assert sweep(D(2026, 2, 5)).raised[MINUTES] == 1
    assert (flags(MINUTES).get().due_on, flags(MINUTES).get().iro) == (D(2026, 2, 4), chair)
    Conference.objects.filter(pk=conference.pk).update(minutes_distributed_on=D(2026, 2, 6))
    assert sweep(D(2026, 2, 6)).resolved[MINUTES] == 1
    Conference.objects.filter(pk=conference.pk).update(minutes_distributed_on=None)
    assert sweep(D(2026, 2, 9)).raised[MINUTES] == 1
    assert flags(MINUTES).get().resolved_on is None


def test_a_plan_of_15_months_is_flagged_until_it_ends(plan):
    assert sweep(D(2027, 4, 6)).open[LONG] == 0
    assert sweep(D(2027, 4, 7)).raised[LONG] == 1
    assert flags(LONG).get().due_on == D(2026, 1, 7)  # the day the plan started
    ProtectionPlan.objects.filter(pk=plan.pk).update(ended_on=D(2027, 4, 8), end_reason=PlanEndReason.STEP_DOWN)
    assert sweep(D(2027, 4, 9)).resolved[LONG] == 1
    ProtectionPlan.objects.filter(pk=plan.pk).update(ended_on=None, end_reason="")
    assert sweep(D(2027, 4, 10)).raised[LONG] == 1


def test_a_second_plan_is_flagged_while_open_and_a_first_plan_is_not(plan, chair):
    child = plan.child
    sweep(D(2026, 1, 8))
    assert flags(REPEAT).count() == 0
    ProtectionPlan.objects.filter(pk=plan.pk).update(ended_on=D(2026, 6, 1), end_reason=PlanEndReason.STEP_DOWN)
    IROAllocation.objects.filter(child=child).update(ended_on=D(2026, 6, 1))
    second = make_icpc([child], strategy_on=D(2026, 9, 1), chair=chair, held_on=D(2026, 9, 15))
    again = second.places.get().plan
    assert again.sequence == 2
    result = sweep(D(2026, 9, 16))
    assert result.raised[REPEAT] == 1
    assert (flags(REPEAT).get().due_on, flags(REPEAT).get().iro) == (D(2026, 9, 15), chair)
    assert sweep(D(2026, 9, 17)).raised == dict.fromkeys(CP_KINDS, 0)
    ProtectionPlan.objects.filter(pk=again.pk).update(ended_on=D(2026, 9, 20), end_reason=PlanEndReason.STEP_DOWN)
    assert sweep(D(2026, 9, 21)).resolved[REPEAT] == 1


def test_the_flag_names_the_conference_chair_not_the_looked_after_iro(chair):
    """A child in care who is also on a plan: the review flags are the IRO's, the plan's the chair's."""
    iro = make_iro(username="la_iro")
    child = make_child_in_care(iro=iro, looked_after_on=D(2025, 1, 6))
    make_icpc([child], strategy_on=D(2025, 12, 15), chair=chair, held_on=D(2026, 1, 7))
    sweep(D(2026, 4, 8))
    assert flags(RCPC).get().iro == chair
    assert flags(MINUTES).get().iro == chair


def test_open_flags_follow_the_chair_when_the_child_is_reallocated(plan, chair):
    sweep(D(2026, 4, 8))
    other = make_cp_chair(username="other_chair")
    IROAllocation.objects.filter(child=plan.child, work=AllocationWork.CHILD_PROTECTION).update(ended_on=D(2026, 4, 8))
    allocate_chair(plan.child, other, started_on=D(2026, 4, 9))
    sweep(D(2026, 4, 9))
    assert {f.iro for f in DeadlineFlag.objects.open()} == {other}


def test_nobody_aged_18_or_over_is_flagged(chair):
    """Both on plans from 7 January 2026, review due 7 April: one turns 18 on 8 April, the other
    on 9 April, when their flags resolve."""
    adult = ChildFactory(last_name="Older", date_of_birth=D(2008, 4, 8))
    young = ChildFactory(last_name="Young", date_of_birth=D(2008, 4, 9))
    for child in (adult, young):
        make_icpc([child], strategy_on=D(2025, 12, 15), chair=chair, held_on=D(2026, 1, 7))
    sweep(D(2026, 4, 8))
    assert not DeadlineFlag.objects.filter(child=adult).exists()
    assert sorted(DeadlineFlag.objects.filter(child=young).values_list("kind", flat=True)) == [MINUTES, RCPC]
    assert sweep(D(2026, 4, 9)).resolved == {ICPC: 0, RCPC: 1, MINUTES: 1, LONG: 0, REPEAT: 0}


def test_the_daily_job_runs_the_child_protection_sweep_and_the_chair_gets_a_digest(plan, chair):
    result = deadlines_daily(today=D(2026, 4, 8))
    assert result.sweep.raised[RCPC] == 1 and result.sweep.raised[MINUTES] == 1
    assert result.sweep.raised[FlagKind.REVIEW_OVERDUE] == 0
    (email,) = [m for m in mail.outbox if m.to == [chair.email]]
    assert "Review CP conference overdue (1)" in email.body
    assert "review conference due 7 April 2026; plan " in email.body
    assert "CP conference minutes late (1)" in email.body
    assert f"minutes due 4 February 2026; minutes of conference {plan.initial_conference_id}" in email.body
    assert plan.child.first_name not in email.body
    assert digests_send(today=D(2026, 4, 8)) == 0  # once a day


def _build(n: int, *, chairs) -> None:
    for i in range(n):
        chair = chairs[i % len(chairs)]
        children = make_cp_children(2, family=f"F{i}")
        make_icpc(children[:1], strategy_on=D(2026, 1, 5), chair=chair, booked_for=D(2026, 2, 20))
        make_icpc(children[1:], strategy_on=D(2025, 1, 6), chair=chair, held_on=D(2025, 1, 20))


def test_the_sweep_takes_the_same_number_of_queries_whatever_the_number_of_conferences(chair):
    chairs = [chair, make_cp_chair(username="chair_b")]
    (small, few), (large, many) = run_at_two_sizes(
        lambda n: _build(n, chairs=chairs), lambda: sweep(D(2026, 4, 20)), sizes=(3, 30)
    )
    assert small.open == {ICPC: 3, RCPC: 3, MINUTES: 3, LONG: 3, REPEAT: 0}
    assert large.open == {ICPC: 30, RCPC: 30, MINUTES: 30, LONG: 30, REPEAT: 0}
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]
