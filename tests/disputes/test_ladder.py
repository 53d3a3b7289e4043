import pytest

from disputes.ladder import (
    BypassReasonMissing,
    MoveRefused,
    Rung,
    check_escalation,
    check_start,
    next_rung,
    skipped_rungs,
)

DEFAULT = [
    Rung(0),
    Rung(1),
    Rung(2),
    Rung(3, is_direct_entry=True),
    Rung(4),
    Rung(5),
    Rung(6),
    Rung(7, is_cafcass=True),
]
SHORT = [Rung(0), Rung(1), Rung(2), Rung(3, is_direct_entry=True)]  # informal, stage 1, 2, 3 (docs/rules.md#disputes)
NO_INFORMAL = [Rung(1), Rung(2), Rung(3)]


@pytest.mark.parametrize(("ladder", "number"), [(DEFAULT, 0), (DEFAULT, 1), (SHORT, 0), (SHORT, 1), (NO_INFORMAL, 1)])
def test_a_dispute_may_start_at_informal_or_stage_1(ladder, number):
    assert check_start(ladder, number).number == number


def test_starting_at_the_direct_entry_stage_needs_a_reason():
    with pytest.raises(MoveRefused, match="needs a reason"):
        check_start(DEFAULT, 3)
    assert check_start(DEFAULT, 3, urgent_reason="Child at risk of placement breakdown this week").number == 3


@pytest.mark.parametrize("number", [2, 4, 5, 6, 7, 9])
def test_other_starting_stages_are_refused(number):
    with pytest.raises(MoveRefused):
        check_start(DEFAULT, number, urgent_reason="urgent")


def test_no_informal_ladder_cannot_start_at_stage_2():
    with pytest.raises(MoveRefused):
        check_start(NO_INFORMAL, 2)


@pytest.mark.parametrize(("current", "target"), [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)])
def test_each_stage_escalates_to_the_next(current, target):
    assert check_escalation(DEFAULT, current, target).number == target


@pytest.mark.parametrize(("current", "target"), [(0, 2), (1, 3), (2, 4), (3, 5), (1, 6), (4, 7)])
def test_skipping_stages_needs_a_reason_and_is_allowed_with_one(current, target):
    with pytest.raises(BypassReasonMissing, match="^Enter why you are skipping stage"):
        check_escalation(DEFAULT, current, target)
    with pytest.raises(BypassReasonMissing):
        check_escalation(DEFAULT, current, target, bypass_reason="   ")
    reason = "The service manager has not answered two reminders and the placement ends Friday."
    assert check_escalation(DEFAULT, current, target, bypass_reason=reason).number == target


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (1, 3, "Enter why you are skipping stage 2: escalating from stage 1 to stage 3 bypasses it."),
        (3, 6, "Enter why you are skipping stages 4 and 5: escalating from stage 3 to stage 6 bypasses them."),
        (
            0,
            4,
            "Enter why you are skipping stages 1, 2 and 3: escalating from informal resolution to stage 4 "
            "bypasses them.",
        ),
    ],
)
def test_the_missing_reason_names_the_stages_skipped(current, target, message):
    with pytest.raises(BypassReasonMissing) as refused:
        check_escalation(DEFAULT, current, target)
    assert str(refused.value) == message


@pytest.mark.parametrize(("current", "target"), [(3, 3), (3, 2), (1, 0), (6, 1)])
def test_going_back_or_staying_is_refused_even_with_a_reason(current, target):
    with pytest.raises(MoveRefused, match="only moves up the ladder") as refused:
        check_escalation(DEFAULT, current, target, bypass_reason="A reason")
    assert not isinstance(refused.value, BypassReasonMissing)


def test_a_stage_not_on_the_ladder_is_refused():
    with pytest.raises(MoveRefused, match="not on this authority's ladder"):
        check_escalation(SHORT, 1, 5, bypass_reason="A reason")


def test_on_a_ladder_with_gaps_only_active_stages_count_as_skipped():
    gaps = [Rung(0), Rung(1), Rung(3), Rung(6)]
    assert check_escalation(gaps, 1, 3).number == 3  # stage 2 is not on this ladder: nothing skipped
    assert [r.number for r in skipped_rungs(gaps, 0, 6)] == [1, 3]
    with pytest.raises(BypassReasonMissing, match="skipping stage 3:"):
        check_escalation(gaps, 1, 6)


def test_the_last_rung_has_nowhere_to_go():
    with pytest.raises(MoveRefused, match="last stage"):
        next_rung(DEFAULT, 7)
    with pytest.raises(MoveRefused, match="last stage"):
        next_rung(SHORT, 3)


def test_a_ladder_with_gaps_moves_to_the_next_active_rung():
    assert next_rung([Rung(0), Rung(1), Rung(3), Rung(6)], 3).number == 6
