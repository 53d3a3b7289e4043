"""The shared test builders make what they say (the other tests stand on them)."""

import datetime as dt

import pytest

from children.models import Child
from conferences.codes import Outcome
from conferences.models import ProtectionPlan
from tests.conferences.factories import make_cp_children, make_icpc, make_iro, make_rcpc

pytestmark = pytest.mark.django_db


def test_a_held_initial_conference_makes_a_plan_for_one_child_and_not_the_other():
    chair = make_iro()
    older, younger = make_cp_children(2)
    conference = make_icpc(
        [older, younger],
        strategy_on=dt.date(2025, 12, 15),
        chair=chair,
        held_on=dt.date(2026, 1, 7),
        outcomes={younger: Outcome.NO_PLAN},
    )
    # 15 working days after Monday 15 December 2025, skipping 25, 26 December and 1 January.
    assert conference.due_on == dt.date(2026, 1, 8)
    plan = ProtectionPlan.objects.get()
    assert plan.child == older and plan.next_review_due_on == dt.date(2026, 4, 7)
    assert Child.objects.visible_to(chair).count() == 1
    make_rcpc([plan], held_on=dt.date(2026, 3, 31))
    plan.refresh_from_db()
    assert plan.next_review_due_on == dt.date(2026, 9, 30)
