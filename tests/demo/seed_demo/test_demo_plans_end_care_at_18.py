"""The demo's plans keep to what the children services accept (docs/rules.md#review-timescales): nobody
starts to be looked after, or changes placement, on or after their 18th birthday, care ends on
it at the latest, and a new period never starts on or before the day the last one ended (DfE
rules 352 and 431). The full demo is built through those services in test_seed_demo.py; this
checks the pure plans over more seeds and "today"s than one build can."""

from __future__ import annotations

import random
from datetime import date

import pytest

import demo.children
import demo.plans
import demo.shape
from children.ages import eighteenth_birthday

FTES = [1.0, 1.0, 1.0, 1.0, 0.6]


def _breaches(plans: list[demo.plans.ChildPlan]) -> list[str]:
    found = []
    for plan in plans:
        eighteen = eighteenth_birthday(plan.date_of_birth)
        last_end = None
        for period in plan.periods:
            if period.start >= eighteen:
                found.append(f"{plan.key}: starts {period.start}, 18 on {eighteen}")
            if period.end is not None and period.end > eighteen:
                found.append(f"{plan.key}: ends {period.end}, 18 on {eighteen}")
            if last_end is not None and period.start <= last_end:
                found.append(f"{plan.key}: starts again {period.start}, the last period ended {last_end}")
            found += [
                f"{plan.key}: change on {e.start}, 18 on {eighteen}" for e in period.episodes[1:] if e.start >= eighteen
            ]
            last_end = period.end
    return found


@pytest.mark.parametrize("seed", [7, 2026, 11])
@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2028, 2, 29)])
def test_demo_plans_end_care_at_18_and_never_restart_on_the_day_care_ended(seed, today):
    plans = demo.children.plan_children(random.Random(seed), today=today, children_in_care=300, ftes=FTES)

    assert any(p.periods[-1].reason_ceased in demo.shape.AT_EIGHTEEN for p in plans)  # some do leave at 18
    assert _breaches(plans) == []
