"""The deadline sweep (reviews.flags): each kind of flag raised on known dates, stored once,
resolved when its condition stops holding, following the child's IRO, in a fixed number of
queries (docs/rules.md#review-timescales and #after-the-review)."""

from __future__ import annotations

from datetime import date

import pytest

from children.models import CareEpisode, IROAllocation
from children.services import allocation_change, care_period_end
from reviews.codes import ActionStatus, FlagKind
from reviews.flags import flags_sweep
from reviews.models import Action, ClosureDay, DeadlineFlag, Review, ReviewSchedule
from reviews.schedule import schedule_refresh
from tests.factories import make_child_in_care, make_iro
from tests.queries import run_at_two_sizes
from tests.reviews.factories import child_in_care, held_review_record_due

pytestmark = pytest.mark.django_db

#: Friday 17 May 2024. Fifteen working days on is Monday 10 June, because the spring bank
#: holiday (Monday 27 May) does not count; without it the window would end on Friday 7 June.
TODAY = date(2024, 5, 17)

DUE_SOON = FlagKind.REVIEW_DUE_SOON
OVERDUE = FlagKind.REVIEW_OVERDUE
RECORD = FlagKind.RECORD_OVERDUE
ACTION = FlagKind.ACTION_OVERDUE


def hold_review(child, *, held_on: date, chair, distributed_on: date | None = None) -> Review:
    review = held_review_record_due(
        child,
        chair=chair,
        held_on=held_on,
        due_on=ReviewSchedule.objects.get(child=child).next_due_on,
        record_distributed_on=distributed_on,
    )
    schedule_refresh([child.pk])
    return review


def add_action(review: Review, *, due_on: date, status: str = ActionStatus.OPEN) -> Action:
    return Action.objects.create(
        review=review,
        child=review.child,
        description="Arrange a dental check-up",
        owner="Social worker",
        due_on=due_on,
        status=status,
    )


def flags_of(child, kind=None):
    flags = DeadlineFlag.objects.filter(child=child)
    return flags.filter(kind=kind) if kind else flags


def open_kinds(child) -> set[str]:
    return set(flags_of(child).filter(resolved_on__isnull=True).values_list("kind", flat=True))


@pytest.mark.parametrize(
    ("looked_after_on", "first_review_due", "flagged"),
    [
        (date(2024, 5, 10), date(2024, 6, 10), True),  # the 15th working day, past the bank holiday
        (date(2024, 5, 13), date(2024, 6, 11), False),  # the 16th working day
        (date(2024, 4, 19), date(2024, 5, 20), True),  # next Monday
        (date(2024, 4, 18), date(2024, 5, 17), True),  # due today is due soon, not yet overdue
    ],
)
def test_a_review_due_within_15_working_days_is_flagged_due_soon(iro, looked_after_on, first_review_due, flagged):
    child = child_in_care(iro, looked_after_on)
    assert child.review_schedule.next_due_on == first_review_due

    flags_sweep(today=TODAY)

    flag = flags_of(child, DUE_SOON).first()
    assert (flag is not None) is flagged
    assert not flags_of(child, OVERDUE).exists()
    if flagged:
        assert flag.due_on == first_review_due
        assert flag.key == f"review_due_soon:child={child.pk}:due={first_review_due.isoformat()}"
        assert (flag.raised_on, flag.resolved_on, flag.iro) == (TODAY, None, iro)


def test_a_closure_day_of_the_authority_is_not_a_working_day_of_the_window(iro, settings):
    # The 15-working-day alert window is the authority's own, so its closure days count when
    # the setting says so; the due date itself never moves (reg 2).
    settings.CLOSURE_DAYS_MOVE_LOCAL_TARGETS = True
    child = child_in_care(iro, date(2024, 2, 1))
    hold_review(child, held_on=date(2024, 3, 11), chair=iro, distributed_on=date(2024, 3, 11))
    assert child.review_schedule.next_due_on == date(2024, 6, 11)  # 3 months: the 16th working day
    flags_sweep(today=TODAY)
    assert not flags_of(child).exists()

    ClosureDay.objects.create(day=date(2024, 5, 31), reason="Staff training day")
    flags_sweep(today=TODAY)

    assert flags_of(child, DUE_SOON).get().due_on == date(2024, 6, 11)


def test_a_review_past_its_due_date_is_flagged_overdue(iro):
    child = child_in_care(iro, date(2024, 3, 1))  # due 2 April 2024: Good Friday and Easter Monday skipped

    result = flags_sweep(today=TODAY)

    flag = flags_of(child).get()
    assert (flag.kind, flag.due_on, flag.iro, flag.review) == (OVERDUE, date(2024, 4, 2), iro, None)
    assert flag.key == f"review_overdue:child={child.pk}:due=2024-04-02"
    assert result.raised == {DUE_SOON: 0, OVERDUE: 1, RECORD: 0, ACTION: 0}
    assert result.open == {DUE_SOON: 0, OVERDUE: 1, RECORD: 0, ACTION: 0}


def test_a_record_not_distributed_within_20_working_days_is_flagged(iro):
    child = child_in_care(iro, date(2024, 3, 1))
    late = hold_review(child, held_on=date(2024, 3, 20), chair=iro)  # record due 19 April 2024
    on_time = hold_review(child, held_on=date(2024, 5, 2), chair=iro)  # record due 31 May 2024

    flags_sweep(today=TODAY)

    flag = flags_of(child, RECORD).get()
    assert (flag.review, flag.due_on, flag.iro) == (late, date(2024, 4, 19), iro)
    assert flag.key == f"record_overdue:review={late.pk}:due=2024-04-19"
    assert not DeadlineFlag.objects.filter(review=on_time).exists()


def test_an_open_action_past_its_due_date_is_flagged(iro):
    child = child_in_care(iro, date(2024, 3, 1))
    review = hold_review(child, held_on=date(2024, 3, 20), chair=iro, distributed_on=date(2024, 4, 5))
    late = add_action(review, due_on=date(2024, 5, 1))
    add_action(review, due_on=TODAY)  # due today: not late yet
    add_action(review, due_on=date(2024, 4, 1), status=ActionStatus.DONE)

    flags_sweep(today=TODAY)

    flag = flags_of(child, ACTION).get()
    assert (flag.action, flag.review, flag.due_on, flag.iro) == (late, None, date(2024, 5, 1), iro)
    assert flag.key == f"action_overdue:action={late.pk}:due=2024-05-01"
    assert open_kinds(child) == {ACTION}  # the second review is due 20 June, after the window


def test_running_the_sweep_twice_stores_each_flag_once(iro, other_iro):
    overdue = child_in_care(iro, date(2024, 3, 1))
    review = hold_review(overdue, held_on=date(2024, 3, 20), chair=iro)
    add_action(review, due_on=date(2024, 5, 1))
    child_in_care(other_iro, date(2024, 5, 10))  # due soon
    first = flags_sweep(today=TODAY)
    rows = list(DeadlineFlag.objects.order_by("pk").values_list("pk", "key", "resolved_on"))

    second = flags_sweep(today=TODAY)

    assert first.raised == {DUE_SOON: 1, OVERDUE: 0, RECORD: 1, ACTION: 1}
    assert second.raised == {DUE_SOON: 0, OVERDUE: 0, RECORD: 0, ACTION: 0}
    assert second.resolved == {DUE_SOON: 0, OVERDUE: 0, RECORD: 0, ACTION: 0}
    assert second.open == first.open == {DUE_SOON: 1, OVERDUE: 0, RECORD: 1, ACTION: 1}
    assert list(DeadlineFlag.objects.order_by("pk").values_list("pk", "key", "resolved_on")) == rows


def test_holding_the_review_resolves_the_overdue_flag(iro):
    child = child_in_care(iro, date(2024, 3, 1))
    flags_sweep(today=TODAY)
    hold_review(child, held_on=TODAY, chair=iro, distributed_on=TODAY)  # the second review is due 17 August

    result = flags_sweep(today=TODAY)

    flag = flags_of(child, OVERDUE).get()
    assert flag.resolved_on == TODAY
    assert result.resolved[OVERDUE] == 1
    assert open_kinds(child) == set()


def test_distributing_the_record_resolves_its_flag(iro):
    child = child_in_care(iro, date(2024, 3, 1))
    review = hold_review(child, held_on=date(2024, 3, 20), chair=iro)
    flags_sweep(today=TODAY)
    Review.objects.filter(pk=review.pk).update(record_distributed_on=TODAY)

    result = flags_sweep(today=TODAY)

    assert flags_of(child, RECORD).get().resolved_on == TODAY
    assert result.resolved == {DUE_SOON: 0, OVERDUE: 0, RECORD: 1, ACTION: 0}


def test_an_action_flag_resolves_when_done_reopens_when_reopened_and_follows_a_new_due_date(iro):
    child = child_in_care(iro, date(2024, 3, 1))
    review = hold_review(child, held_on=date(2024, 3, 20), chair=iro, distributed_on=date(2024, 4, 5))
    action = add_action(review, due_on=date(2024, 5, 1))
    flags_sweep(today=TODAY)
    first = flags_of(child, ACTION).get()

    Action.objects.filter(pk=action.pk).update(status=ActionStatus.DONE, completed_on=TODAY)
    assert flags_sweep(today=TODAY).resolved[ACTION] == 1
    first.refresh_from_db()
    assert first.resolved_on == TODAY

    # Reopened with the same due date: the same flag is open again, not a second one.
    Action.objects.filter(pk=action.pk).update(status=ActionStatus.OPEN, completed_on=None)
    assert flags_sweep(today=date(2024, 5, 20)).raised[ACTION] == 1
    first.refresh_from_db()
    assert (first.resolved_on, first.raised_on) == (None, TODAY)

    # A new due date in the future: the flag for the old date resolves and none replaces it.
    Action.objects.filter(pk=action.pk).update(due_on=date(2024, 6, 14))
    flags_sweep(today=date(2024, 5, 20))
    first.refresh_from_db()
    assert first.resolved_on == date(2024, 5, 20)
    assert open_kinds(child) == set()

    # Missed again: a new flag for the new date.
    flags_sweep(today=date(2024, 6, 17))
    second = flags_of(child, ACTION).get(resolved_on__isnull=True)
    assert second.pk != first.pk
    assert (second.due_on, second.raised_on) == (date(2024, 6, 14), date(2024, 6, 17))


def test_leaving_care_resolves_the_review_flag(iro, manager, django_capture_on_commit_callbacks):
    child = child_in_care(iro, date(2024, 3, 1))
    flags_sweep(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):  # the schedule refreshes on commit
        care_period_end(child=child, by=manager, ended_on=date(2024, 5, 16), reason_ceased="E41", today=TODAY)

    result = flags_sweep(today=TODAY)

    assert ReviewSchedule.objects.get(child=child).next_due_on is None
    assert flags_of(child, OVERDUE).get().resolved_on == TODAY
    assert result.resolved[OVERDUE] == 1


def test_leaving_care_resolves_the_review_flag_even_before_the_schedule_is_refreshed(iro):
    child = child_in_care(iro, date(2024, 3, 1))
    flags_sweep(today=TODAY)
    CareEpisode.objects.filter(child=child).update(ended_on=date(2024, 5, 16), reason_ceased="E41")

    flags_sweep(today=TODAY)

    assert ReviewSchedule.objects.get(child=child).next_due_on == date(2024, 4, 2)  # stale cache
    assert flags_of(child, OVERDUE).get().resolved_on == TODAY


def test_a_due_soon_flag_becomes_overdue_once_the_date_passes(iro):
    child = child_in_care(iro, date(2024, 5, 10))  # due Monday 10 June
    flags_sweep(today=TODAY)
    assert open_kinds(child) == {DUE_SOON}

    flags_sweep(today=date(2024, 6, 10))  # on the day: still due soon
    result = flags_sweep(today=date(2024, 6, 11))

    due_soon, overdue = flags_of(child, DUE_SOON).get(), flags_of(child, OVERDUE).get()
    assert due_soon.resolved_on == date(2024, 6, 11)
    assert (overdue.due_on, overdue.raised_on, overdue.resolved_on) == (date(2024, 6, 10), date(2024, 6, 11), None)
    assert result.resolved[DUE_SOON] == 1 and result.raised[OVERDUE] == 1


def test_each_flag_names_the_childs_iro_and_follows_a_reallocation(iro, other_iro, manager):
    ada_child = child_in_care(iro, date(2024, 3, 1))
    ben_child = child_in_care(other_iro, date(2024, 3, 1))
    flags_sweep(today=TODAY)
    assert flags_of(ada_child).get().iro == iro
    assert flags_of(ben_child).get().iro == other_iro

    allocation_change(
        child=ada_child, by=manager, iro=other_iro, starts_on=TODAY, reason="Caseload balance", today=TODAY
    )
    flags_sweep(today=TODAY)

    assert flags_of(ada_child).get().iro == other_iro
    assert flags_of(ben_child).get().iro == other_iro


def test_a_child_without_an_allocated_iro_is_flagged_with_no_iro(iro):
    child = child_in_care(iro, date(2024, 3, 1))
    IROAllocation.objects.filter(child=child).update(ended_on=date(2024, 5, 1))

    flags_sweep(today=TODAY)

    assert flags_of(child).get().iro is None


def test_a_sweep_for_some_children_leaves_the_others_alone(iro):
    swept = child_in_care(iro, date(2024, 3, 1))
    other = child_in_care(iro, date(2024, 3, 1))

    result = flags_sweep(today=TODAY, child_ids=[swept.pk])

    assert open_kinds(swept) == {OVERDUE}
    assert not flags_of(other).exists()
    assert result.open[OVERDUE] == 1


def _build_caseload(count: int, *, iros: list) -> list[int]:
    """``count`` children, each with every kind of deadline: half with a review due soon,
    half with an overdue review, an undistributed record and an open overdue action."""
    ids = []
    for i in range(count):
        iro = iros[i % len(iros)]
        if i % 2:
            child = make_child_in_care(iro=iro, looked_after_on=date(2024, 5, 10))
        else:
            child = make_child_in_care(iro=iro, looked_after_on=date(2023, 1, 2))
            review = held_review_record_due(child, chair=iro, held_on=date(2023, 1, 20))
            add_action(review, due_on=date(2023, 3, 1))
        ids.append(child.pk)
    schedule_refresh(ids)
    return ids


def test_the_sweep_takes_the_same_number_of_queries_for_5_and_for_100_children(iro, other_iro):
    iros = [iro, other_iro, make_iro(username="iro_c")]
    (small, five), (large, hundred) = run_at_two_sizes(
        lambda n: _build_caseload(n, iros=iros), lambda: flags_sweep(today=TODAY), sizes=(5, 100)
    )

    assert small.open == {DUE_SOON: 2, OVERDUE: 3, RECORD: 3, ACTION: 3}
    assert large.open == {DUE_SOON: 49, OVERDUE: 51, RECORD: 51, ACTION: 51}
    assert large.raised == {DUE_SOON: 47, OVERDUE: 48, RECORD: 48, ACTION: 48}
    assert len(hundred) == len(five) <= 20, [q["sql"] for q in hundred.captured_queries]


def test_a_closure_day_added_never_moves_a_statutory_review_date(iro):
    """reg 2: a working day excludes only weekends, Christmas Day, Good Friday and bank
    holidays; the authority's own closure days do not move a reg 33 date (docs/rules.md#review-timescales)."""
    from reviews.flags import deadlines_daily

    awaiting_first = child_in_care(iro, date(2024, 5, 13))  # due 20 working days on: 11 June 2024
    reviewed = child_in_care(iro, date(2024, 2, 1))
    hold_review(reviewed, held_on=date(2024, 3, 11), chair=iro, distributed_on=date(2024, 3, 11))
    assert awaiting_first.review_schedule.next_due_on == date(2024, 6, 11)

    ClosureDay.objects.create(day=date(2024, 6, 3), reason="Office move")
    result = deadlines_daily(today=TODAY, send_digests=False)

    awaiting_first.review_schedule.refresh_from_db()
    reviewed.review_schedule.refresh_from_db()
    assert awaiting_first.review_schedule.next_due_on == date(2024, 6, 11)  # not moved
    assert reviewed.review_schedule.next_due_on == date(2024, 6, 11)  # 3 calendar months
    assert result.schedules_refreshed == 0


def test_a_review_due_on_the_weekend_after_the_15th_working_day_is_flagged_due_soon(iro):
    # The sweep and the pages share one window (``due_soon_until``): a due date on the Saturday
    # after the 15th working day leaves 15 working days, so it is due soon on both.
    child = child_in_care(iro, date(2024, 4, 15))
    hold_review(child, held_on=date(2024, 5, 3), chair=iro, distributed_on=date(2024, 5, 3))
    assert child.review_schedule.next_due_on == date(2024, 8, 3)  # a Saturday, 3 months on

    flags_sweep(today=date(2024, 7, 12))  # a Friday: the 15th working day after is Friday 2 August

    assert flags_of(child, DUE_SOON).get().due_on == date(2024, 8, 3)
