"""The review rows about today: booked reviews, cancellations, case notes, significant changes
(docs/rules.md#significant-changes)."""

from __future__ import annotations

import random
from datetime import date, time

from children.ages import age_on, eighteenth_birthday
from children.models import (
    SignificantChange,
)
from reviews.codes import (
    DateChangeKind,
    ReviewStatus,
    ReviewType,
)
from reviews.models import CaseNote, Review

from .draw import in_days, weighted
from .review_facts import ONE_DAY, HeldPlan, PeriodFacts, ReviewFacts
from .review_plans import (
    BOOKED_WITHIN_DAYS,
    BOOKING_HORIZON_DAYS,
    BOOKING_SHARE,
    CANCELLED_PER_CHILD_IN_CARE,
    CASE_NOTES_PER_CHILD,
    EARLY_DAYS,
    MOVED_SHARE,
    SIGNIFICANT_CHANGE_DAYS,
    SIGNIFICANT_CHANGES_PER_CHILD_IN_CARE,
    next_due,
)
from .review_text import (
    BRING_FORWARD_REASONS,
    CANCEL_LEFT_CARE,
    CANCEL_REBOOKED,
    CASE_NOTES,
    CHANGE_DESCRIPTIONS,
    CHANGE_RESPONSES,
    CHANGE_WEIGHTS,
    POSTPONE_REASONS,
)

#: The times the demo's booked reviews start at (an IRO's morning and afternoon slots).
START_TIMES = (time(9, 30), time(10, 0), time(11, 0), time(13, 30), time(14, 0), time(15, 30))


class TodayRows:
    """The rows about today of the ``Writer``: bookings for the coming weeks (a few moved),
    cancelled bookings, case notes and recent significant changes."""

    rng: random.Random
    facts: ReviewFacts
    today: date

    # -- today: bookings, case notes, significant changes

    def bookings(self, plans: dict[int, list[HeldPlan]]) -> None:
        rng, facts, today = self.rng, self.facts, self.today
        booked: list[tuple[Review, PeriodFacts, date]] = []
        for period in facts.periods:
            if period.end is not None:
                continue
            due = next_due(facts, period, plans[id(period)])
            if due >= eighteenth_birthday(period.child.dob):
                continue  # no statutory review falls due on or after the 18th birthday (section 2)
            if not today < due <= today + in_days(BOOKING_HORIZON_DAYS) or rng.random() >= BOOKING_SHARE:
                continue
            day = min(due - in_days(rng.randint(*EARLY_DAYS)), today + in_days(BOOKED_WITHIN_DAYS))
            day = facts.back_to_working_day(day)
            if day <= today:
                day = facts.on_to_working_day(today + ONE_DAY)
                if day > due:
                    continue
            booked.append((self._booking(period, day, facts.iro_on(period.child.pk, today)), period, due))
        # A few were moved on the way, with a reason and the IRO's consent (section 2, docs/sources.md#southwark-2008);
        # a date brought forward was itself within timescale.
        moved = max(1, round(len(booked) * MOVED_SHARE)) if booked else 0
        for review, period, due in rng.sample(booked, moved):
            room = (due - review.booked_for).days
            if rng.random() < 0.3 and room >= 7:
                before = facts.back_to_working_day(review.booked_for + in_days(rng.randint(7, room)))
                kind, reason = DateChangeKind.BROUGHT_FORWARD, rng.choice(BRING_FORWARD_REASONS)
            else:
                before = facts.back_to_working_day(review.booked_for - in_days(rng.randint(5, 20)))
                kind, reason = DateChangeKind.POSTPONED, rng.choice(POSTPONE_REASONS)
            if before == review.booked_for:
                continue
            reason = reason.format(name=period.child.name)
            changed_on = facts.back_to_working_day(min(today, before, review.booked_for) - in_days(rng.randint(1, 10)))
            self.date_changes.append((review, kind, before, review.booked_for, reason, changed_on))

    def _booking(self, period: PeriodFacts, day: date, chair: int, *, status: str = ReviewStatus.BOOKED) -> Review:
        review = Review(
            child_id=period.child.pk,
            chair_id=chair,
            created_by_id=chair,
            status=status,
            booked_for=day,
            # A start time from the child's record number, not the generator: the rest of the
            # demo draws the same numbers as before times were kept.
            starts_at=START_TIMES[period.child.pk % len(START_TIMES)],
            venue=self._venue(period.placement_on(min(day, self.today)), age_on(period.child.dob, day)),
        )
        self.reviews.append(review)
        return review

    def cancellations(self, plans: dict[int, list[HeldPlan]]) -> None:
        """Bookings cancelled because care ended, and a few cancelled and re-booked."""
        rng, facts, today = self.rng, self.facts, self.today
        ended = [p for p in facts.periods if p.end is not None and today - in_days(180) <= p.end < today]
        left = [p for p in ended if p.end < next_due(facts, p, plans[id(p)]) <= p.end + in_days(BOOKED_WITHIN_DAYS)]
        total = max(2, round(facts.in_care * CANCELLED_PER_CHILD_IN_CARE))
        for period in rng.sample(left, min((total + 1) // 2, len(left))):
            due = next_due(facts, period, plans[id(period)])
            day = facts.back_to_working_day(due - in_days(rng.randint(0, 10)))
            if day <= period.end:
                continue
            chair = facts.iro_on(period.child.pk, period.end - ONE_DAY)
            review = self._booking(period, day, chair, status=ReviewStatus.CANCELLED)
            review.cancelled_on = min(period.end + in_days(rng.randint(0, 3)), day, today)
            reason = CANCEL_LEFT_CARE.format(name=period.child.name, end=period.end)
            self.date_changes.append((review, DateChangeKind.CANCELLED, day, None, reason, review.cancelled_on))
        recent = [
            h
            for p in facts.periods
            for h in plans[id(p)]
            if today - in_days(365) <= h.held_on and h.review_type != ReviewType.FIRST
        ]
        for held in rng.sample(recent, min(total // 2, len(recent))):
            day = facts.back_to_working_day(held.held_on - in_days(rng.randint(5, 12)))
            cancelled_on = facts.back_to_working_day(day - in_days(rng.randint(1, 4)))
            chair = facts.iro_on(held.period.child.pk, cancelled_on)
            review = self._booking(held.period, day, chair, status=ReviewStatus.CANCELLED)
            review.cancelled_on = cancelled_on
            reason = CANCEL_REBOOKED.format(name=held.period.child.name)
            self.date_changes.append((review, DateChangeKind.CANCELLED, day, None, reason, cancelled_on))

    def notes(self) -> None:
        rng, facts, today = self.rng, self.facts, self.today
        for period in facts.periods:
            if period.end is not None:
                continue
            for text in rng.sample(CASE_NOTES, rng.randint(*CASE_NOTES_PER_CHILD)):
                day = facts.back_to_working_day(today - in_days(rng.randint(0, 180)))
                if day < period.start:
                    continue
                self.case_notes.append(
                    CaseNote(
                        child_id=period.child.pk,
                        author_id=facts.iro_on(period.child.pk, day),
                        written_on=day,
                        text=text.format(name=period.child.name),
                    )
                )

    def significant_changes(self, plans: dict[int, list[HeldPlan]]) -> None:
        """About one child in 20 in the last three months; each additional review recently held
        follows one (the IRO brought the review forward, section 6)."""
        rng, facts, today = self.rng, self.facts, self.today
        since = today - in_days(SIGNIFICANT_CHANGE_DAYS)
        wanted = max(1, round(facts.in_care * SIGNIFICANT_CHANGES_PER_CHILD_IN_CARE))
        open_periods = [p for p in facts.periods if p.end is None]
        chosen: list[tuple[PeriodFacts, date, HeldPlan | None]] = []
        for period in open_periods:
            for held in plans[id(period)]:
                if held.review_type == ReviewType.ADDITIONAL and held.held_on - in_days(7) >= since:
                    happened = max(since, period.start, held.held_on - in_days(rng.randint(7, 21)))
                    chosen.append((period, happened, held))
        others = [p for p in open_periods if p.start <= since and all(c[0] is not p for c in chosen)]
        chosen += [
            (period, today - in_days(rng.randint(0, SIGNIFICANT_CHANGE_DAYS)), None)
            for period in rng.sample(others, min(len(others), max(0, wanted - len(chosen))))
        ]
        for period, happened, held in chosen:
            child = period.child
            age = age_on(child.dob, happened)
            category = weighted(rng, {c: w for (c, youngest), w in CHANGE_WEIGHTS.items() if age >= youngest})
            iro = facts.iro_on(child.pk, today)
            change = SignificantChange(
                child_id=child.pk,
                category=category,
                occurred_on=happened,
                description=CHANGE_DESCRIPTIONS[category].format(name=child.name),
                recorded_by_id=facts.recorder_id,
                iro_id=iro,
            )
            recorded = min(today, happened + in_days(rng.randint(0, 2)))
            self.recorded_on.append((change, recorded))
            if held is not None or (happened <= today - in_days(3) and rng.random() < 0.6):
                latest = held.held_on if held is not None else today
                acknowledged = min(latest, recorded + in_days(rng.randint(0, 7)))
                absence = facts.absence_of(iro, acknowledged)
                change.acknowledged_on = acknowledged
                change.acknowledged_by_id = absence[1] if absence else iro
                change.iro_response = (
                    f"Review brought forward to {held.held_on:%-d %B %Y}."
                    if held is not None
                    else rng.choice(CHANGE_RESPONSES).format(name=child.name)
                )
            self.changes.append(change)
