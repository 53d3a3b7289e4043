"""The demo authority's disputes (demo/disputes.py, run by ``manage.py seed_demo``).

Checked against the rules of docs/rules.md#disputes, recomputed here from the stored episodes,
allocations and cover with ``disputes.ladder`` and ``disputes.services.response_due_on``, and
against the shape of the public reports (the reports of docs/sources.md: most challenges settled
informally or at stage 1, few reaching the senior meetings, CAFCASS a last resort).
Uses the package's full-size ``demo_town`` (conftest.py): the seed runs once.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db.models import Prefetch

from children.codes import AllocationWork
from children.models import CoverArrangement
from children.querysets import years_before
from demo.shape import HISTORY_YEARS
from disputes import dashboard, ladder
from disputes.codes import CafcassOutcome, DisputeCategory, DisputeStatus, ResponseKind
from disputes.models import CafcassReferral, Dispute, DisputeSettings, DisputeStep, EscalationStage
from disputes.services import response_due_on
from reviews import deadlines
from reviews.codes import FlagKind
from reviews.models import DeadlineFlag
from tests.demo.seed_demo.seeding import TODAY
from tests.demo.seed_demo.test_seed_demo_reviews import allocations_by_child, calendar, iro_on, periods_by_child

pytestmark = pytest.mark.django_db


def all_disputes() -> list[Dispute]:
    steps = DisputeStep.objects.select_related("stage").order_by("raised_on", "pk")
    return list(
        Dispute.objects.filter(work=AllocationWork.LOOKED_AFTER)
        .select_related("current_stage", "child")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("opened_on", "pk")
    )


def rungs() -> list[ladder.Rung]:
    return [
        ladder.Rung(s.number, is_direct_entry=s.is_direct_entry, is_cafcass=s.is_cafcass)
        for s in EscalationStage.objects.active()
    ]


def highest_stage(dispute: Dispute) -> int:
    return max(s.stage.number for s in dispute.steps.all())


def reporting_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def covering(iro_id: int, day: date) -> int | None:
    for cover in CoverArrangement.objects.filter(absent_iro_id=iro_id):
        if cover.starts_on <= day <= (cover.ends_on or TODAY):
            return cover.covering_iro_id
    return None


def test_the_command_prints_the_dispute_figures(demo_town):
    # Disputes about child protection plans are reported with that work (test_seed_demo_child_protection.py).
    total = Dispute.objects.filter(work=AllocationWork.LOOKED_AFTER).count()
    assert f"Disputes: {total} raised" in demo_town
    assert "Raised per reporting year:" in demo_town
    assert "Highest stage reached: informal" in demo_town
    assert f"CAFCASS referrals: {CafcassReferral.objects.count()}." in demo_town
    assert f"Open now: {Dispute.objects.open().count()} " in demo_town
    assert f"({Dispute.objects.responses_overdue(on=TODAY).count()} with a response overdue)" in demo_town


def test_40_to_70_disputes_are_raised_a_year_for_about_300_children(demo_town):
    window_start = years_before(TODAY, HISTORY_YEARS)
    opened = list(Dispute.objects.filter(work=AllocationWork.LOOKED_AFTER).values_list("opened_on", flat=True))
    assert all(window_start <= day <= TODAY for day in opened)
    per_year = Counter(reporting_year(day) for day in opened)
    assert sorted(per_year) == list(range(reporting_year(window_start), reporting_year(TODAY) + 1))
    for year, n in per_year.items():
        first, last = max(date(year, 4, 1), window_start), min(date(year + 1, 3, 31), TODAY)
        if (first, last) == (date(year, 4, 1), date(year + 1, 3, 31)):
            assert 40 <= n <= 70, (year, n)
        else:  # the first and last years are partial: the same rate, give or take
            assert 25 <= n * 365 / ((last - first).days + 1) <= 80, (year, n)


def test_most_are_settled_informally_or_at_stage_1_and_few_reach_the_senior_meetings(demo_town):
    disputes = all_disputes()
    reached = Counter(highest_stage(d) for d in disputes)
    total = len(disputes)
    assert (reached[0] + reached[1]) / total >= 0.6
    assert reached[0] > reached[2] + reached[3] and reached[1] > reached[2] + reached[3]
    assert reached[2] > 0 and reached[3] > 0
    assert 2 <= reached[4] + reached[5] + reached[6] <= 20
    assert reached[7] == 1  # one CAFCASS referral in four years

    outcomes = Counter(d.status for d in disputes)
    assert outcomes[DisputeStatus.RESOLVED] / total >= 0.8
    assert 0.02 <= outcomes[DisputeStatus.WITHDRAWN] / total <= 0.12
    assert outcomes[DisputeStatus.REFERRED] == 1
    for dispute in disputes:
        assert (dispute.outcome_note != "") == (dispute.status != DisputeStatus.OPEN)
        if dispute.status == DisputeStatus.WITHDRAWN:
            assert dispute.outcome_note.startswith("Withdrawn: ")

    categories = Counter(d.category for d in disputes)
    assert set(categories) <= set(DisputeCategory.values)
    assert len(categories) >= 8
    common = (DisputeCategory.DRIFT, DisputeCategory.PERMANENCE, DisputeCategory.PLACEMENT, DisputeCategory.EDUCATION)
    assert all(categories[c] / total >= 0.07 for c in common)
    assert sum(categories[c] for c in common) / total >= 0.5
    assert categories[DisputeCategory.ANTI_OPPRESSIVE] <= min(categories[c] for c in common)


def test_every_dispute_is_raised_by_the_childs_iro_of_the_day_while_in_care(demo_town):
    periods = periods_by_child()
    allocations = allocations_by_child()
    non_working = calendar()
    for dispute in all_disputes():
        last = dispute.closed_on or TODAY
        assert any(p.holds(dispute.opened_on) and p.holds(last) for p in periods[dispute.child_id]), dispute
        iro = iro_on(allocations[dispute.child_id], dispute.opened_on)
        assert dispute.raised_by_id == iro, dispute
        assert covering(iro, dispute.opened_on) is None  # an IRO on leave raises nothing
        assert deadlines.is_working_day(dispute.opened_on, non_working=non_working)
        assert dispute.opened_on <= dispute.change_by_when
        assert dispute.issue and dispute.impact_on_child and dispute.what_must_change and dispute.change_by_whom
        assert dispute.child.first_name in dispute.issue or (dispute.child.preferred_name or "?") in dispute.issue
        steps = list(dispute.steps.all())
        assert steps[0].raised_by_id == dispute.raised_by_id
        for step in steps:
            assert step.raised_on <= TODAY
            assert deadlines.is_working_day(step.raised_on, non_working=non_working)
            # The child's IRO that day, or their cover while they are away.
            allocated = iro_on(allocations[dispute.child_id], step.raised_on)
            assert step.raised_by_id == (covering(allocated, step.raised_on) or allocated), step


def test_steps_follow_each_other_up_the_ladder_one_stage_at_a_time(demo_town):
    ladder_rungs = rungs()
    direct = 0
    for dispute in all_disputes():
        steps = list(dispute.steps.all())
        numbers = [s.stage.number for s in steps]
        assert steps[0].raised_on == dispute.opened_on
        ladder.check_start(ladder_rungs, numbers[0], urgent_reason=dispute.urgent_reason)
        for current, target in zip(numbers, numbers[1:], strict=False):
            ladder.check_escalation(ladder_rungs, current, target)
        assert numbers[0] in (0, 1, 3)
        assert (numbers[0] == 3) == bool(dispute.urgent_reason.strip()), dispute
        direct += numbers[0] == 3
        # Contiguous: each step ends the day the next is raised; the last ends when the dispute closes.
        for earlier, later in zip(steps, steps[1:], strict=False):
            assert earlier.ended_on == later.raised_on
        assert steps[-1].ended_on == dispute.closed_on
        assert sum(s.ended_on is None for s in steps) == (dispute.status == DisputeStatus.OPEN)
        assert dispute.current_stage_id == steps[-1].stage_id
        for step in steps:
            assert step.recipient_role == step.stage.raised_with
            if step.responded_on is not None:
                assert step.raised_on <= step.responded_on <= (step.ended_on or TODAY)
    assert 2 <= direct <= 15


def test_response_due_dates_are_those_the_services_set(demo_town):
    written = []
    meetings = 0
    for step in DisputeStep.objects.select_related("stage", "dispute"):
        kind = step.stage.response_kind
        if kind == ResponseKind.WRITTEN:
            assert step.response_due_on == response_due_on(step.stage, step.raised_on), step
            assert step.meeting_on is None and step.minutes == ""
            if step.responded_on is not None:
                assert step.response
                written.append(step)
        elif kind == ResponseKind.MEETING:
            meetings += 1
            # Booked: the meeting day is the due date (dispute_record_meeting); minutes once held.
            assert step.response_due_on == step.meeting_on
            if step.minutes:
                assert step.attendees and step.responded_on == step.meeting_on <= TODAY
            else:
                assert step.responded_on is None and step.dispute.status == DisputeStatus.OPEN
        else:
            assert step.response_due_on is None
            assert step.meeting_on is None and step.minutes == ""
        if step.stage.is_cafcass:
            assert step.raised_on == step.ended_on and step.responded_on is None
    assert meetings >= 5
    late = [s for s in written if s.responded_on > s.response_due_on]
    assert late and len(late) / len(written) <= 0.2


def test_disputes_close_typically_within_5_to_30_working_days(demo_town):
    non_working = calendar()
    days = [
        deadlines.working_days_between(d.opened_on, d.closed_on, non_working=non_working)
        for d in Dispute.objects.filter(work=AllocationWork.LOOKED_AFTER).exclude(status=DisputeStatus.OPEN)
    ]
    assert min(days) >= 1
    assert 5 <= statistics.median(days) <= 30
    assert sum(d <= 30 for d in days) / len(days) >= 0.8


def test_the_cafcass_referral_is_the_last_resort_with_its_evidence(demo_town):
    referral = CafcassReferral.objects.select_related("dispute").get()
    dispute = referral.dispute
    numbers = [s.stage.number for s in dispute.steps.select_related("stage").order_by("raised_on", "pk")]
    assert numbers[-7:] == [1, 2, 3, 4, 5, 6, 7]  # every stage up to the chief executive first
    assert dispute.status == DisputeStatus.REFERRED and dispute.closed_on == referral.referred_on
    assert dispute.current_stage.is_cafcass
    for text in (
        referral.stages_exhausted_evidence,
        referral.human_rights_risk_evidence,
        referral.no_other_adult_evidence,
    ):
        assert len(text.strip()) > 100
    assert referral.referred_by_id == iro_on(allocations_by_child()[dispute.child_id], referral.referred_on)
    if referral.outcome != CafcassOutcome.PENDING:
        assert referral.referred_on <= referral.outcome_on <= TODAY and referral.outcome_note
    referral.full_clean()


def test_a_few_disputes_are_open_today_and_the_flags_and_dashboard_show_them(demo_town):
    open_now = list(Dispute.objects.open())
    assert 3 <= len(open_now) <= 12
    overdue = set(Dispute.objects.responses_overdue(on=TODAY).values_list("pk", flat=True))
    assert 1 <= len(overdue) < len(open_now)
    flags = DeadlineFlag.objects.open()
    assert flags.filter(kind=FlagKind.DISPUTE_RESPONSE_OVERDUE).count() == len(overdue)

    limit = DisputeSettings.current().max_open_working_days
    non_working = calendar()
    too_long = [
        d for d in open_now if deadlines.working_days_between(d.opened_on, TODAY, non_working=non_working) > limit
    ]
    assert len(too_long) >= 1
    assert flags.filter(kind=FlagKind.DISPUTE_OPEN_TOO_LONG).count() == len(too_long)
    assert set(flags.filter(kind=FlagKind.DISPUTE_OPEN_TOO_LONG).values_list("child", flat=True)) == {
        d.child_id for d in too_long
    }

    period = dashboard.reporting_year(TODAY)
    headline = dashboard.headline(dashboard.active_between(Dispute.objects.all(), period), today=TODAY, period=period)
    assert headline["open_now"] == len(open_now) and headline["overdue_now"] == len(overdue)
    # Open disputes are recent: the oldest opened a couple of months ago at most.
    assert all(d.opened_on >= TODAY - timedelta(days=120) for d in open_now)


def test_a_sample_of_every_kind_of_row_passes_full_clean(demo_town):
    for model in (Dispute, DisputeStep, CafcassReferral):
        rows = list(model.objects.order_by("pk"))
        assert rows, model
        for row in rows[:: max(1, len(rows) // 40)] + rows[-3:]:
            row.full_clean()
    for dispute in Dispute.objects.open():
        dispute.full_clean()
        for step in dispute.steps.all():
            step.full_clean()
