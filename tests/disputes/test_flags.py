"""Dispute deadline flags (disputes.flags, docs/rules.md#disputes): a response overdue at the
current stage and a dispute open longer than the configured number of working days, raised on
known dates, stored once, resolved when the response arrives, the dispute escalates or closes,
run by the daily job through DEADLINE_SWEEPS and listed in the digests."""

from __future__ import annotations

import ast
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from children.services import allocation_change
from disputes import services
from disputes.flags import dispute_flags_sweep, open_too_long_before
from disputes.models import DisputeSettings
from reviews.codes import FlagKind
from reviews.deadlines import england_bank_holidays, working_days_between
from reviews.digests import digests_send
from reviews.flags import SweepResult, deadlines_daily, flags_sweep
from reviews.models import DeadlineFlag
from tests.disputes.factories import CAFCASS_EVIDENCE, TODAY, raise_dispute
from tests.factories import make_child_in_care, make_iro
from tests.queries import run_at_two_sizes

pytestmark = pytest.mark.django_db

OVERDUE = FlagKind.DISPUTE_RESPONSE_OVERDUE
TOO_LONG = FlagKind.DISPUTE_OPEN_TOO_LONG
ENGLAND = england_bank_holidays(dt.date(2025, 1, 1), dt.date(2027, 12, 31))
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def child(iro):
    return make_child_in_care(iro=iro, looked_after_on=dt.date(2025, 1, 6), first_name="Kit", last_name="Marsh")


def flags_of(child, kind):
    return DeadlineFlag.objects.filter(child=child, kind=kind)


def dates_and_iro(flag) -> tuple:
    """When the flag fell due, was raised and was resolved, and the IRO it is for."""
    return flag.due_on, flag.raised_on, flag.resolved_on, flag.iro


def set_limit(working_days: int) -> None:
    row = DisputeSettings.current()
    row.max_open_working_days = working_days
    row.save()


def current_step(dispute):
    return dispute.steps.get(ended_on__isnull=True)


# The cut-off of the open-too-long rule ------------------------------------------------------


@pytest.mark.parametrize("limit", [0, 1, 5, 20, 25])
@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 9, 9),  # a Wednesday after the late summer bank holiday (31 August 2026)
        dt.date(2026, 9, 6),  # a Sunday
        dt.date(2027, 1, 4),  # the Monday after Christmas and Boxing Day (observed 28 December)
        dt.date(2026, 12, 28),  # a bank holiday itself
    ],
)
def test_the_cutoff_agrees_with_working_days_between_for_every_opening_date(today, limit):
    cutoff = open_too_long_before(today, limit, non_working=ENGLAND)
    for back in range(120):
        opened_on = today - dt.timedelta(days=back)
        too_long = working_days_between(opened_on, today, non_working=ENGLAND) > limit
        assert too_long is (opened_on < cutoff), (opened_on, cutoff)


# DISPUTE_RESPONSE_OVERDUE -------------------------------------------------------------------


def test_a_response_past_its_due_date_is_flagged_with_the_childs_iro(child, iro):
    dispute = raise_dispute(child, iro)  # stage 1 raised Monday 2 November 2026, response due 9 November
    step = current_step(dispute)
    assert step.response_due_on == dt.date(2026, 11, 9)

    assert dispute_flags_sweep(today=dt.date(2026, 11, 9)).raised[OVERDUE] == 0  # due today: not late yet
    result = dispute_flags_sweep(today=dt.date(2026, 11, 10))

    flag = flags_of(child, OVERDUE).get()
    assert flag.key == f"dispute_resp_overdue:dispute={dispute.pk}:step={step.pk}:stage=1:due=2026-11-09"
    assert dates_and_iro(flag) == (dt.date(2026, 11, 9), dt.date(2026, 11, 10), None, iro)
    assert (flag.review, flag.action) == (None, None)
    assert result == SweepResult(
        raised={OVERDUE: 1, TOO_LONG: 0}, resolved={OVERDUE: 0, TOO_LONG: 0}, open={OVERDUE: 1, TOO_LONG: 0}
    )


def test_running_the_sweep_twice_stores_each_flag_once(child, iro):
    raise_dispute(child, iro, raised_on=dt.date(2026, 10, 1))
    first = dispute_flags_sweep(today=TODAY)
    rows = list(DeadlineFlag.objects.order_by("pk").values_list("pk", "key", "raised_on", "resolved_on"))

    second = dispute_flags_sweep(today=TODAY)

    assert first.raised == {OVERDUE: 1, TOO_LONG: 1}
    assert second.raised == second.resolved == {OVERDUE: 0, TOO_LONG: 0}
    assert second.open == first.open == {OVERDUE: 1, TOO_LONG: 1}
    assert list(DeadlineFlag.objects.order_by("pk").values_list("pk", "key", "raised_on", "resolved_on")) == rows


def test_recording_the_response_resolves_the_flag(child, iro):
    dispute = raise_dispute(child, iro)
    dispute_flags_sweep(today=dt.date(2026, 11, 10))
    services.dispute_record_response(
        dispute=dispute, by=iro, responded_on=dt.date(2026, 11, 11), response="Family finding starts.", today=TODAY
    )

    result = dispute_flags_sweep(today=dt.date(2026, 11, 12))

    assert flags_of(child, OVERDUE).get().resolved_on == dt.date(2026, 11, 12)
    assert result.resolved[OVERDUE] == 1 and result.open[OVERDUE] == 0


def test_escalating_resolves_the_stage_flag_and_the_next_stage_is_flagged_on_its_own_date(child, iro):
    dispute = raise_dispute(child, iro)
    dispute_flags_sweep(today=dt.date(2026, 11, 10))
    services.dispute_escalate(dispute=dispute, by=iro, to_stage=2, raised_on=dt.date(2026, 11, 10), today=TODAY)

    assert dispute_flags_sweep(today=dt.date(2026, 11, 10)).resolved[OVERDUE] == 1
    assert not flags_of(child, OVERDUE).filter(resolved_on__isnull=True).exists()  # stage 2 due 17 November

    dispute_flags_sweep(today=dt.date(2026, 11, 18))

    stage_2 = flags_of(child, OVERDUE).get(resolved_on__isnull=True)
    step = current_step(dispute)
    assert stage_2.key == f"dispute_resp_overdue:dispute={dispute.pk}:step={step.pk}:stage=2:due=2026-11-17"
    assert (stage_2.due_on, stage_2.raised_on) == (dt.date(2026, 11, 17), dt.date(2026, 11, 18))
    assert flags_of(child, OVERDUE).count() == 2


def test_a_booked_meeting_without_minutes_is_overdue_once_its_date_passes(child, iro):
    dispute = raise_dispute(child, iro, start_stage=3, urgent_reason="Placement ends on Friday.")
    services.dispute_escalate(dispute=dispute, by=iro, to_stage=4, raised_on=dt.date(2026, 11, 9), today=TODAY)
    services.dispute_record_meeting(dispute=dispute, by=iro, meeting_on=dt.date(2026, 11, 16), today=TODAY)

    dispute_flags_sweep(today=dt.date(2026, 11, 17))
    assert flags_of(child, OVERDUE).get(resolved_on__isnull=True).key.endswith(":stage=4:due=2026-11-16")

    services.dispute_record_meeting(
        dispute=dispute, by=iro, meeting_on=dt.date(2026, 11, 16), minutes="Plan agreed.", today=TODAY
    )
    dispute_flags_sweep(today=dt.date(2026, 11, 18))
    assert not flags_of(child, OVERDUE).filter(resolved_on__isnull=True).exists()


def test_informal_resolution_has_no_response_date_and_is_never_overdue(child, iro):
    raise_dispute(child, iro, start_stage=0)
    assert dispute_flags_sweep(today=dt.date(2026, 11, 10)).open == {OVERDUE: 0, TOO_LONG: 0}


# DISPUTE_OPEN_TOO_LONG ------------------------------------------------------------------------


def test_a_dispute_open_more_than_20_working_days_is_flagged_counting_the_bank_holiday(child, iro):
    # Opened Monday 10 August 2026. The 20th working day after is Tuesday 8 September, not
    # Monday 7 September, because the late summer bank holiday (31 August) does not count.
    dispute = raise_dispute(child, iro, start_stage=0, raised_on=dt.date(2026, 8, 10))

    dispute_flags_sweep(today=dt.date(2026, 9, 8))  # 20 working days: not more than 20 yet
    assert not flags_of(child, TOO_LONG).exists()

    result = dispute_flags_sweep(today=dt.date(2026, 9, 9))  # the 21st working day

    flag = flags_of(child, TOO_LONG).get()
    assert flag.key == f"dispute_too_long:dispute={dispute.pk}:opened=2026-08-10"
    assert dates_and_iro(flag) == (dt.date(2026, 8, 10), dt.date(2026, 9, 9), None, iro)
    assert result.raised == {OVERDUE: 0, TOO_LONG: 1}


def test_a_closure_day_of_the_authority_also_does_not_count_where_the_setting_says_so(child, iro, settings):
    from reviews.models import ClosureDay

    settings.CLOSURE_DAYS_MOVE_LOCAL_TARGETS = True
    raise_dispute(child, iro, start_stage=0, raised_on=dt.date(2026, 8, 10))
    ClosureDay.objects.create(day=dt.date(2026, 9, 1), reason="Staff training day")

    dispute_flags_sweep(today=dt.date(2026, 9, 9))  # 20 working days once 1 September is closed
    assert not flags_of(child, TOO_LONG).exists()
    dispute_flags_sweep(today=dt.date(2026, 9, 10))
    assert flags_of(child, TOO_LONG).exists()


def test_by_default_a_closure_day_of_the_authority_counts_as_a_working_day(child, iro):
    # docs/rules.md#review-timescales: closure days move a local target only where a setting says so.
    from reviews.models import ClosureDay

    raise_dispute(child, iro, start_stage=0, raised_on=dt.date(2026, 8, 10))
    ClosureDay.objects.create(day=dt.date(2026, 9, 1), reason="Staff training day")

    dispute_flags_sweep(today=dt.date(2026, 9, 8))
    assert not flags_of(child, TOO_LONG).exists()
    dispute_flags_sweep(today=dt.date(2026, 9, 9))  # the 21st working day, closure or not
    assert flags_of(child, TOO_LONG).exists()


def test_escalation_keeps_the_one_too_long_flag_and_closing_resolves_both(child, iro):
    dispute = raise_dispute(child, iro, raised_on=dt.date(2026, 10, 1))
    dispute_flags_sweep(today=dt.date(2026, 11, 10))
    services.dispute_escalate(dispute=dispute, by=iro, to_stage=2, raised_on=dt.date(2026, 11, 2), today=TODAY)
    dispute_flags_sweep(today=dt.date(2026, 11, 10))  # stage 2 due 9 November: overdue again
    too_long = flags_of(child, TOO_LONG).get()
    assert too_long.resolved_on is None
    assert flags_of(child, OVERDUE).filter(resolved_on__isnull=True).count() == 1

    services.dispute_resolve(
        dispute=dispute, by=iro, closed_on=dt.date(2026, 11, 11), outcome_note="Plan agreed.", today=TODAY
    )
    result = dispute_flags_sweep(today=dt.date(2026, 11, 12))

    assert result.resolved == {OVERDUE: 1, TOO_LONG: 1}
    assert result.open == {OVERDUE: 0, TOO_LONG: 0}
    assert flags_of(child, TOO_LONG).get().pk == too_long.pk


def test_withdrawal_and_cafcass_referral_also_resolve(child, iro):
    withdrawn = raise_dispute(child, iro, raised_on=dt.date(2026, 10, 1))
    referred = raise_dispute(child, iro, raised_on=dt.date(2026, 10, 1), category="health")
    dispute_flags_sweep(today=dt.date(2026, 11, 10))
    assert DeadlineFlag.objects.open().count() == 4

    services.dispute_withdraw(dispute=withdrawn, by=iro, closed_on=dt.date(2026, 11, 10), reason="Moved", today=TODAY)
    services.dispute_refer_to_cafcass(
        dispute=referred,
        by=iro,
        referred_on=dt.date(2026, 11, 10),
        **CAFCASS_EVIDENCE,
        today=TODAY,
    )
    dispute_flags_sweep(today=dt.date(2026, 11, 11))

    assert not DeadlineFlag.objects.open().exists()


def test_the_setting_changes_the_threshold(child, iro):
    raise_dispute(child, iro, start_stage=0, raised_on=dt.date(2026, 10, 26))  # 20 working days on 23 November
    dispute_flags_sweep(today=TODAY)
    assert not flags_of(child, TOO_LONG).exists()

    set_limit(10)
    dispute_flags_sweep(today=TODAY)
    assert flags_of(child, TOO_LONG).get().resolved_on is None

    set_limit(30)  # raised past it: the flag no longer holds
    assert dispute_flags_sweep(today=TODAY).resolved[TOO_LONG] == 1
    assert flags_of(child, TOO_LONG).get().resolved_on == TODAY


def test_the_flags_follow_the_childs_iro_and_a_sweep_can_be_scoped(child, iro, other_iro, manager):
    raise_dispute(child, iro, raised_on=dt.date(2026, 10, 1))
    other = make_child_in_care(iro=other_iro, looked_after_on=dt.date(2025, 1, 6))
    raise_dispute(other, other_iro, raised_on=dt.date(2026, 10, 1))

    result = dispute_flags_sweep(today=TODAY, child_ids=[child.pk])
    assert result.open == {OVERDUE: 1, TOO_LONG: 1}
    assert not DeadlineFlag.objects.filter(child=other).exists()

    allocation_change(child=child, by=manager, iro=other_iro, starts_on=TODAY, reason="Caseload", today=TODAY)
    dispute_flags_sweep(today=TODAY)
    assert set(DeadlineFlag.objects.values_list("iro__username", flat=True)) == {"iro_b"}


def test_dispute_flags_and_review_flags_leave_each_other_alone(child, iro):
    from reviews.schedule import schedule_refresh

    schedule_refresh([child.pk])  # looked after since 6 January 2025 with no review: overdue
    raise_dispute(child, iro, raised_on=dt.date(2026, 10, 1))
    dispute_flags_sweep(today=TODAY)

    reviews_only = flags_sweep(today=TODAY)
    disputes_only = dispute_flags_sweep(today=TODAY)

    assert set(reviews_only.open) == {"review_due_soon", "review_overdue", "record_overdue", "action_overdue"}
    assert reviews_only.open["review_overdue"] == 1
    assert disputes_only.open == {OVERDUE: 1, TOO_LONG: 1}
    assert DeadlineFlag.objects.open().count() == 3


# A fixed number of queries --------------------------------------------------------------------


def _build(count: int, *, iros: list) -> None:
    """``count`` disputes over children of several IROs, every one open too long, every other
    one waiting for a response past its date (the others answered)."""
    children = [make_child_in_care(iro=i, looked_after_on=dt.date(2025, 1, 6)) for i in iros for _ in range(2)]
    for n in range(count):
        child = children[n % len(children)]
        iro = iros[(n % len(children)) // 2]
        dispute = raise_dispute(child, iro, raised_on=dt.date(2026, 9, 1) + dt.timedelta(days=n % 30))
        if n % 2:
            services.dispute_record_response(
                dispute=dispute, by=iro, responded_on=dt.date(2026, 11, 20), response="Answered.", today=TODAY
            )


@pytest.mark.parametrize(("closures_move", "queries"), [(False, 11), (True, 12)])
def test_the_sweep_takes_the_same_number_of_queries_for_5_and_for_200_disputes(
    iro, other_iro, settings, closures_move, queries
):
    settings.CLOSURE_DAYS_MOVE_LOCAL_TARGETS = closures_move
    iros = [iro, other_iro, make_iro(username="iro_c")]
    (small, five), (large, two_hundred) = run_at_two_sizes(
        lambda n: _build(n, iros=iros), lambda: dispute_flags_sweep(today=TODAY), sizes=(5, 200)
    )

    assert small.open == {OVERDUE: 3, TOO_LONG: 5}
    assert large.open == {OVERDUE: 101, TOO_LONG: 200}
    assert large.raised == {OVERDUE: 98, TOO_LONG: 195}
    # The settings row, the closure days (only where they move local targets), three statements
    # per kind, the IRO update and the counts (and the savepoint around them).
    assert len(two_hundred) == len(five) == queries, [q["sql"] for q in two_hundred.captured_queries]


# The daily job, the command, the task and the digests -----------------------------------------


@pytest.fixture
def flagged(child, iro, other_iro, manager):
    """Kit (Ada's): stage 1 raised 2 November 2026, due 9 November; Sam (Ben's): informal,
    opened 1 October 2026. Both in care since 6 January 2025 with no review (overdue)."""
    sam = make_child_in_care(iro=other_iro, looked_after_on=dt.date(2025, 1, 6), first_name="Sam", last_name="Lee")
    raise_dispute(child, iro)
    raise_dispute(sam, other_iro, start_stage=0, raised_on=dt.date(2026, 10, 1))
    return {"kit": child, "sam": sam}


def test_the_daily_job_runs_every_sweep_in_the_setting_and_merges_their_counts(flagged):
    result = deadlines_daily(today=dt.date(2026, 11, 10), send_digests=False)

    assert result.sweep.open == {
        "review_due_soon": 0,
        "review_overdue": 2,
        "record_overdue": 0,
        "action_overdue": 0,
        "dispute_resp_overdue": 1,
        "dispute_too_long": 1,
        # The child protection sweep's kinds (conferences.flags): none here.
        "cp_icpc_overdue": 0,
        "cp_rcpc_overdue": 0,
        "cp_minutes_late": 0,
        "cp_plan_15_months": 0,
        "cp_plan_repeat": 0,
    }
    assert result.sweep.raised == result.sweep.open
    assert result.as_dict()["open"] == result.sweep.open


def test_the_daily_job_runs_only_the_sweeps_listed(flagged, settings):
    settings.DEADLINE_SWEEPS = ["reviews.flags.flags_sweep"]

    result = deadlines_daily(today=dt.date(2026, 11, 10), send_digests=False)

    assert result.sweep.open[OVERDUE] == result.sweep.open[TOO_LONG] == 0
    assert not DeadlineFlag.objects.filter(kind__in=[OVERDUE, TOO_LONG]).exists()


def test_the_command_prints_the_dispute_kinds(flagged):
    out = StringIO()
    call_command("flag_deadlines", "--today", "2026-11-10", "--no-digests", stdout=out)

    lines = out.getvalue().splitlines()
    assert "Dispute response overdue                   1         0      1" in lines
    assert "Dispute open too long                      1         0      1" in lines
    assert "Total                                      4         0      4" in lines


def test_the_task_returns_the_dispute_kinds(flagged):
    from reviews.tasks import sweep_deadlines

    result = sweep_deadlines.apply(kwargs={"today_iso": "2026-11-10", "send_digests": False}).get()

    assert result["raised"]["dispute_resp_overdue"] == result["raised"]["dispute_too_long"] == 1


def test_the_digests_list_the_dispute_flags_under_their_kind(flagged, iro, other_iro, manager):
    deadlines_daily(today=dt.date(2026, 11, 10), send_digests=False)

    assert digests_send(today=dt.date(2026, 11, 10)) == 3

    (ada,) = [m for m in mail.outbox if m.to == [iro.email]]
    kit = flagged["kit"]
    assert f"Dispute response overdue (1)\n- K. M. ({kit.local_reference}): stage 1 response due 9 November 2026\n" in (
        ada.body
    )
    assert f"/children/{kit.pk}/" in ada.body
    assert "Marsh" not in ada.body
    assert "Dispute open too long" not in ada.body

    (ben,) = [m for m in mail.outbox if m.to == [other_iro.email]]
    sam = flagged["sam"]
    assert f"Dispute open too long (1)\n- S. L. ({sam.local_reference}): open since 1 October 2026\n" in ben.body

    (maria,) = [m for m in mail.outbox if m.to == [manager.email]]
    assert "- Dispute response overdue: 1\n- Dispute open too long: 1" in maria.body
    assert "- Ada Okafor: 2 (review overdue 1; dispute response overdue 1)" in maria.body
    assert "- Ben Harris: 2 (review overdue 1; dispute open too long 1)" in maria.body
    assert "IRO Ada Okafor: stage 1 response due 9 November 2026" in maria.body


# Boundaries -----------------------------------------------------------------------------------


def test_every_flag_kind_fits_the_kind_column():
    max_length = DeadlineFlag._meta.get_field("kind").max_length
    assert all(len(kind.value) <= max_length for kind in FlagKind)


def test_the_reviews_app_never_imports_disputes():
    offenders = []
    for path in (ROOT / "reviews").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [f"{path.relative_to(ROOT)}: {name}" for name in names if name.split(".")[0] == "disputes"]
    assert offenders == []
