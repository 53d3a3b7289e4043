"""When the demo's reviews were held: the reviews reg 33 requires in each period of care
(docs/rules.md#review-timescales), each due date from ``reviews.deadlines``, held a few days
before it as the seed-004 authority does, a few late, a few additional, none in the IRO's leave."""

from __future__ import annotations

import random
from datetime import date

from reviews import deadlines
from reviews.codes import (
    ParentParticipation,
    Participation,
    ReviewType,
)

from .draw import in_days
from .review_facts import HeldPlan, PeriodFacts, ReviewFacts

# --------------------------------------------------------------------------- how reviews are held

#: Reviews held after their due date (docs/sources.md#thurrock-2021-22 reports 98.4% to 100% in timescale).
LATE_SHARE = 0.02
LATE_DAYS = (1, 20)
#: How many days before the due date a review is usually held (booked at five months).
EARLY_DAYS_FIRST = (0, 10)
EARLY_DAYS = (0, 15)
#: The first review is not held in the child's first fortnight.
FIRST_REVIEW_AFTER_DAYS = 14
#: Chance, at each review after the second, that an additional (early) review comes first.
ADDITIONAL_SHARE = 0.03
#: Children in care overdue for their review today (the dashboard should show a few).
OVERDUE_CHILDREN = (2, 3)
#: Records distributed after the 20 working days (docs/sources.md#thurrock-2021-22: 99.1% in time).
RECORD_LATE_SHARE = 0.009
#: Of the records whose due date passed in the last month, the share still not distributed.
RECORD_OUTSTANDING_SHARE = 0.05

#: Participation of children aged 4 and over (docs/sources.md#thurrock-2021-22, 2021-22: attended and spoke 471,
#: views sent 242, no views 15, advocate briefed 12, attended without contributing 6,
#: advocate spoke 3, non-verbal 2).
PARTICIPATION_WEIGHTS = {
    Participation.PN1: 62,
    Participation.PN6: 30,
    Participation.PN5: 2,
    Participation.PN7: 2.5,
    Participation.PN4: 1,
    Participation.PN2: 0.4,
    Participation.PN3: 0.3,
}
#: Chance that a child takes part the way they usually do.
USUAL_PARTICIPATION = 0.7
ATTENDS = {Participation.PN1, Participation.PN2, Participation.PN3, Participation.PN4}
ADVOCATE = {Participation.PN2, Participation.PN5}

PARENTS_WEIGHTS = {
    ParentParticipation.ATTENDED: 38,
    ParentParticipation.VIEWS_GIVEN: 24,
    ParentParticipation.INVITED_NO_VIEWS: 24,
    ParentParticipation.NOT_INVITED: 8,
    ParentParticipation.NOT_APPLICABLE: 6,
}
PARENTS_AT_HOME_WEIGHTS = {
    ParentParticipation.ATTENDED: 80,
    ParentParticipation.VIEWS_GIVEN: 15,
    ParentParticipation.INVITED_NO_VIEWS: 5,
}
UASC_PARENTS_WEIGHTS = {
    ParentParticipation.NOT_APPLICABLE: 80,
    ParentParticipation.NOT_INVITED: 10,
    ParentParticipation.VIEWS_GIVEN: 10,
}
PARENTS_INVITED = {ParentParticipation.ATTENDED, ParentParticipation.VIEWS_GIVEN, ParentParticipation.INVITED_NO_VIEWS}

# --------------------------------------------------------------------------- the footprint

ACTIONS_PER_REVIEW = (2, 3)
ACTION_DUE_WEEKS = (2, 12)
VISIT_SHARE = 0.5
MIDWAY_SHARE = 0.33
CASE_NOTES_PER_CHILD = (1, 3)
#: Children in care whose next review is due within this many days, and the share booked.
BOOKING_HORIZON_DAYS = 70
BOOKING_SHARE = 0.4
BOOKED_WITHIN_DAYS = 56
#: Of the booked reviews, the share moved on the way; cancelled bookings and significant
#: changes in the last three months, per child in care (5 and 15 for 300 children).
MOVED_SHARE = 0.1
CANCELLED_PER_CHILD_IN_CARE = 1 / 60
SIGNIFICANT_CHANGES_PER_CHILD_IN_CARE = 0.05
SIGNIFICANT_CHANGE_DAYS = 90


# --------------------------------------------------------------------------- planning the reviews


def _review_type(order: int) -> str:
    return (ReviewType.FIRST, ReviewType.SECOND)[order] if order < 2 else ReviewType.SUBSEQUENT


def _held_date(rng: random.Random, facts: ReviewFacts, *, due: date, earliest: date, first: bool) -> date:
    """Usually a working day a few days before ``due``; now and then one late."""
    if rng.random() < LATE_SHARE:
        return facts.on_to_working_day(due + in_days(rng.randint(*LATE_DAYS)))
    day = facts.back_to_working_day(due - in_days(rng.randint(*(EARLY_DAYS_FIRST if first else EARLY_DAYS))))
    return day if day >= earliest else facts.on_to_working_day(earliest)


def _avoid_leave(rng: random.Random, facts: ReviewFacts, period: PeriodFacts, day: date, *, earliest: date) -> date:
    """IROs chair their own children's reviews: one falling in the IRO's leave is held before it,
    or just after it when it cannot be held earlier (e.g. a first review not yet possible)."""
    if day > period.last_review_day(facts.today):
        return day
    absence = facts.absence_of(facts.iro_on(period.child.pk, day), day)
    if absence is None:
        return day
    moved = facts.back_to_working_day(absence[2] - in_days(1 + rng.randint(0, 3)))
    if moved >= earliest:
        return moved
    return facts.on_to_working_day(absence[3] + in_days(1))


def plan_period(rng: random.Random, facts: ReviewFacts, period: PeriodFacts) -> list[HeldPlan]:
    """The reviews held in one period of care up to today (or the day before it ended)."""
    last_day = period.last_review_day(facts.today)
    held: list[HeldPlan] = []
    dates: list[date] = []
    while True:
        due = deadlines.next_review_due(looked_after_on=period.start, reviews_held=dates, non_working=facts.calendar)
        if len(dates) >= 2 and rng.random() < ADDITIONAL_SHARE:
            # An early review, e.g. after a significant change; the clock restarts from it.
            gap = (due - dates[-1]).days
            day = facts.back_to_working_day(dates[-1] + in_days(rng.randint(28, max(29, gap - 35))))
            day = _avoid_leave(rng, facts, period, day, earliest=dates[-1] + in_days(28))
            if day > last_day:
                break
            held.append(HeldPlan(period, day, due, ReviewType.ADDITIONAL))
            dates.append(day)
            continue
        first = not dates
        earliest = period.start + in_days(FIRST_REVIEW_AFTER_DAYS) if first else dates[-1] + in_days(28)
        day = _held_date(rng, facts, due=due, earliest=earliest, first=first)
        day = _avoid_leave(rng, facts, period, day, earliest=earliest)
        if day > last_day:
            break
        held.append(HeldPlan(period, day, due, _review_type(len(dates))))
        dates.append(day)
    return held


def next_due(facts: ReviewFacts, period: PeriodFacts, held: list[HeldPlan]) -> date:
    return deadlines.next_review_due(
        looked_after_on=period.start, reviews_held=[h.held_on for h in held], non_working=facts.calendar
    )


def adjust_overdue(rng: random.Random, facts: ReviewFacts, plans: dict[int, list[HeldPlan]]) -> None:
    """Leave a few children in care overdue for their review today (2 or 3): hold the review
    of any more in time, or take back the latest review of children whose due date just passed."""
    today = facts.today
    open_periods = [p for p in facts.periods if p.end is None]
    overdue = [p for p in open_periods if next_due(facts, p, plans[id(p)]) < today]
    target = rng.randint(*OVERDUE_CHILDREN)
    rng.shuffle(overdue)
    for period in overdue[target:]:
        held = plans[id(period)]
        due = next_due(facts, period, held)
        earliest = held[-1].held_on + in_days(28) if held else period.start + in_days(FIRST_REVIEW_AFTER_DAYS)
        day = max(earliest, facts.back_to_working_day(due - in_days(rng.randint(0, 10))))
        day = _avoid_leave(rng, facts, period, day, earliest=earliest)
        if day <= today:
            held.append(HeldPlan(period, day, due, _review_type(len(held))))
    if len(overdue) < target:
        already = {id(p) for p in overdue}
        candidates = [
            p
            for p in open_periods
            if id(p) not in already and plans[id(p)] and today - in_days(20) <= plans[id(p)][-1].due_on < today
        ]
        for period in rng.sample(candidates, min(len(candidates), target - len(overdue))):
            plans[id(period)].pop()
