import pytest

from disputes.ladder import MoveRefused, Rung, check_escalation, check_start, next_rung

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
SHORT = [Rung(0), Rung(1), Rung(2), Rung(3, is_direct_entry=True)]  # seed 001: informal, stage 1, 2, 3
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


@pytest.mark.parametrize(("current", "target"), [(0, 2), (1, 3), (2, 4), (3, 5), (4, 7), (3, 3), (3, 2)])
def test_skipping_or_going_back_is_refused(current, target):
    with pytest.raises(MoveRefused, match="cannot be skipped"):
        check_escalation(DEFAULT, current, target)


def test_the_last_rung_has_nowhere_to_go():
    with pytest.raises(MoveRefused, match="last stage"):
        next_rung(DEFAULT, 7)
    with pytest.raises(MoveRefused, match="last stage"):
        next_rung(SHORT, 3)


def test_a_ladder_with_gaps_moves_to_the_next_active_rung():
    assert next_rung([Rung(0), Rung(1), Rung(3), Rung(6)], 3).number == 6
