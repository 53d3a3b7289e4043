"""Turning the planned reviews into rows: each held review with its participation, record,
actions, visit and midway review (docs/rules.md#after-the-review, #participation)."""

from __future__ import annotations

import random
from datetime import date, datetime, time

from django.utils import timezone

from children.ages import age_on
from children.models import (
    SignificantChange,
)
from reviews import deadlines
from reviews.codes import (
    PN0_AGE_LIMIT,
    ActionStatus,
    ParentParticipation,
    ParticipantRole,
    Participation,
    ReviewStatus,
    ReviewType,
)
from reviews.models import Action, ActionProgress, CaseNote, MidwayReview, Review, ReviewDateChange, Visit

from .draw import in_days, weighted
from .review_facts import ChildFacts, HeldPlan, ReviewFacts
from .review_plans import (
    ACTION_DUE_WEEKS,
    ACTIONS_PER_REVIEW,
    ADVOCATE,
    ATTENDS,
    MIDWAY_SHARE,
    PARENTS_AT_HOME_WEIGHTS,
    PARENTS_INVITED,
    PARENTS_WEIGHTS,
    PARTICIPATION_WEIGHTS,
    RECORD_LATE_SHARE,
    RECORD_OUTSTANDING_SHARE,
    UASC_PARENTS_WEIGHTS,
    USUAL_PARTICIPATION,
    VISIT_SHARE,
)
from .review_text import (
    ACTION_CLOSED_WEIGHTS,
    ACTION_LATEST_WEIGHTS,
    ACTIONS,
    DISCUSSIONS,
    HOME_VENUES,
    MIDWAY_NOTES,
    OFFICE_VENUES,
    OTHERS_PRESENT,
    PROGRESS_NOTES,
    UASC_ACTIONS,
    VIDEO_CALL,
    VISIT_NOTES,
    WISHES,
    WISHES_ADVOCATE,
    WISHES_NOT_GIVEN,
    WISHES_OLDER,
    WISHES_SENT,
    WISHES_UNDER_4,
)
from .review_today import TodayRows


class Writer(TodayRows):
    """Turns the plans into unsaved model instances, in a fixed order, then bulk-creates them."""

    def __init__(self, rng: random.Random, facts: ReviewFacts):
        self.rng = rng
        self.facts = facts
        self.today = facts.today
        self.reviews: list[Review] = []
        self.actions: list[Action] = []
        self.visits: list[Visit] = []
        self.midways: list[MidwayReview] = []
        self.progress: list[tuple[MidwayReview, Action, str, str]] = []
        self.case_notes: list[CaseNote] = []
        #: (review, kind, from date, to date, reason, the day the change was made)
        self.date_changes: list[tuple[Review, str, date, date | None, str, date]] = []
        self.changes: list[SignificantChange] = []
        #: Rows whose creation date pages show (the timeline, the significant change): the day
        #: they were recorded, not the day the seeder ran.
        self.recorded_on: list[tuple[ReviewDateChange | SignificantChange, date]] = []
        self.usual_code: dict[int, str] = {}
        self.usual_parents: dict[int, str] = {}
        self.parents_known: dict[int, tuple[str, ...]] = {}

    # -- one held review and what hangs off it

    def held_review(self, held: HeldPlan, *, next_on: date | None) -> Review:
        rng, facts, period = self.rng, self.facts, held.period
        child = period.child
        day = held.held_on
        chair = facts.iro_on(child.pk, day)
        placement = period.placement_on(day)
        age = age_on(child.dob, day)
        code = self._participation(child, age)
        parents = self._parents(child, placement)
        invited, attended = self._participants(child, age, code, parents, placement)
        record_due, completed, distributed = self._record_dates(day)
        review = Review(
            child_id=child.pk,
            chair_id=chair,
            created_by_id=chair,
            status=ReviewStatus.HELD,
            # As ``review_record`` leaves them: the due date and the review's place in the chain
            # (first, second, subsequent) are ``reviews.chain``'s, cached by ``schedule_refresh``.
            review_type=ReviewType.ADDITIONAL if held.review_type == ReviewType.ADDITIONAL else "",
            held_on=day,
            venue=self._venue(placement, age),
            invited=invited,
            attended=attended,
            others_present=rng.choice(OTHERS_PRESENT) if ParticipantRole.OTHER in attended else "",
            participation_code=code,
            parents_participation=parents,
            wishes_and_feelings=self._wishes(child, age, code),
            discussion=rng.choice(DISCUSSIONS).format(name=child.name),
            record_due_on=record_due,
            record_completed_on=completed,
            record_distributed_on=distributed,
        )
        self.reviews.append(review)
        actions = self._actions(review, held, age=age, placement=placement, uasc=child.uasc, next_on=next_on)
        review.child_friendly_summary = self._summary(child, age, day, code, actions, chair)
        if rng.random() < VISIT_SHARE:
            self._visit(held, age=age, after=period.start)
        return review

    def _participation(self, child: ChildFacts, age: int) -> str:
        if age < PN0_AGE_LIMIT:
            return Participation.PN0
        if child.pk not in self.usual_code:
            self.usual_code[child.pk] = weighted(self.rng, PARTICIPATION_WEIGHTS)
        if self.rng.random() < USUAL_PARTICIPATION:
            return self.usual_code[child.pk]
        return weighted(self.rng, PARTICIPATION_WEIGHTS)

    def _parents(self, child: ChildFacts, placement: str) -> str:
        if placement == "P1":
            return weighted(self.rng, PARENTS_AT_HOME_WEIGHTS)
        weights = UASC_PARENTS_WEIGHTS if child.uasc else PARENTS_WEIGHTS
        if child.pk not in self.usual_parents:
            self.usual_parents[child.pk] = weighted(self.rng, weights)
        usual = self.usual_parents[child.pk]
        # Parents deceased or unknown stay so; otherwise they take part much as they usually do.
        if usual == ParentParticipation.NOT_APPLICABLE or self.rng.random() < 0.75:
            return usual
        return weighted(self.rng, {k: w for k, w in weights.items() if k != ParentParticipation.NOT_APPLICABLE})

    def _participants(self, child: ChildFacts, age: int, code: str, parents: str, placement: str):
        rng = self.rng
        if child.pk not in self.parents_known:
            self.parents_known[child.pk] = weighted(
                rng,
                {
                    (ParticipantRole.MOTHER, ParticipantRole.FATHER): 45,
                    (ParticipantRole.MOTHER,): 45,
                    (ParticipantRole.FATHER,): 10,
                },
            )
        invited = {ParticipantRole.SOCIAL_WORKER}
        attended = {ParticipantRole.SOCIAL_WORKER} if rng.random() < 0.97 else set()
        if placement != "P1":
            invited.add(ParticipantRole.CARER)
            if rng.random() < 0.9:
                attended.add(ParticipantRole.CARER)
        if age >= PN0_AGE_LIMIT:
            invited.add(ParticipantRole.CHILD)
            if code in ATTENDS:
                attended.add(ParticipantRole.CHILD)
        if code in ADVOCATE or (age >= 8 and rng.random() < 0.08):
            invited.add(ParticipantRole.ADVOCATE)
            if code in ADVOCATE:
                attended.add(ParticipantRole.ADVOCATE)
        if parents in PARENTS_INVITED:
            known = self.parents_known[child.pk]
            invited.update(known)
            if parents == ParentParticipation.ATTENDED:
                attended.add(known[0])
                if len(known) > 1 and rng.random() < 0.5:
                    attended.add(known[1])
        if rng.random() < 0.25:
            invited.add(ParticipantRole.OTHER)
            attended.add(ParticipantRole.OTHER)
        return sorted(str(r) for r in invited), sorted(str(r) for r in attended)

    def _venue(self, placement: str, age: int) -> str:
        r = self.rng.random()
        if r < 0.15:
            return VIDEO_CALL
        if r < 0.27:
            return "Child's school" if 5 <= age <= 16 else self.rng.choice(OFFICE_VENUES)
        return HOME_VENUES.get(placement, HOME_VENUES.get(placement[0], OFFICE_VENUES[0]))

    def _wishes(self, child: ChildFacts, age: int, code: str) -> str:
        pool = {
            Participation.PN0: WISHES_UNDER_4,
            Participation.PN5: WISHES_ADVOCATE,
            Participation.PN6: WISHES_SENT,
            Participation.PN7: WISHES_NOT_GIVEN,
        }.get(code, WISHES + WISHES_OLDER if age >= 15 else WISHES)
        return self.rng.choice(pool).format(name=child.name)

    def _record_dates(self, held_on: date) -> tuple[date, date | None, date | None]:
        """The record is due 20 working days after the review; nearly always out by then."""
        rng, facts, today = self.rng, self.facts, self.today
        due = deadlines.record_distribution_due(held_on, non_working=facts.calendar)
        if rng.random() < RECORD_LATE_SHARE:
            distributed = facts.on_to_working_day(due + in_days(rng.randint(1, 15)))
        else:
            distributed = deadlines.add_working_days(held_on, rng.randint(3, 19), non_working=facts.calendar)
        completed = max(held_on, facts.back_to_working_day(distributed - in_days(rng.randint(0, 3))))
        if today - in_days(30) <= due < today and rng.random() < RECORD_OUTSTANDING_SHARE:
            distributed = None  # overdue: the dashboard flags it
        if distributed is not None and distributed > today:
            distributed = None  # not sent yet: not due yet, or late and still outstanding
        if completed > today:
            completed = None
        return due, completed, distributed

    def _actions(self, review: Review, held: HeldPlan, *, age: int, placement: str, uasc: bool, next_on: date | None):
        """2 or 3 SMART actions; those of earlier reviews are closed, the latest mostly open."""
        rng, today = self.rng, self.today
        pool = [a for a in ACTIONS + (UASC_ACTIONS if uasc else ()) if a[2] <= age <= a[3]]
        carer = {"P1": "the parents", "K2": "the children's home"}.get(placement, "the carers")
        carer_owner = {"P1": "Parent", "K2": "Residential key worker", "K3": "Key worker", "H5": "Key worker"}.get(
            placement, "Foster carer"
        )
        # When the actions were overtaken: the next review, the end of care, or not yet.
        period_end = held.period.end
        closed_by = next_on or period_end
        made = []
        for text, owner, _, _ in rng.sample(pool, rng.randint(*ACTIONS_PER_REVIEW)):
            due = held.held_on + in_days(7 * rng.randint(*ACTION_DUE_WEEKS))
            if closed_by is not None:
                status = weighted(rng, ACTION_CLOSED_WEIGHTS)
                latest = min(closed_by, today)
            elif due < today:
                status = weighted(rng, ACTION_LATEST_WEIGHTS)
                latest = today
            else:
                status = ActionStatus.DONE if rng.random() < 0.25 else ActionStatus.OPEN
                latest = today
            completed = None
            if status == ActionStatus.DONE:
                finish = min(latest, due + in_days(14))
                start = min(held.held_on + in_days(3), finish)
                completed = start + in_days(rng.randint(0, (finish - start).days))
            action = Action(
                review=review,
                child_id=review.child_id,
                description=text.format(name=held.period.child.name, carer=carer),
                owner=owner.format(carer_owner=carer_owner),
                due_on=due,
                status=status,
                completed_on=completed,
            )
            made.append(action)
        self.actions.extend(made)
        self._midway(held, made, next_on=next_on)
        return made

    def _summary(self, child: ChildFacts, age: int, day: date, code: str, actions: list[Action], chair: int) -> str:
        if age < PN0_AGE_LIMIT:
            opening = f"This letter is for {child.name} to read when older. At the review on {day:%-d %B %Y}"
        elif code in ATTENDS:
            opening = f"Dear {child.name}, thank you for coming to your review on {day:%-d %B %Y}. At the review"
        elif code == Participation.PN7:
            opening = f"Dear {child.name}, I missed hearing from you at your review on {day:%-d %B %Y}. At the review"
        else:
            opening = (
                f"Dear {child.name}, thank you for sharing your views for your review on {day:%-d %B %Y}. Together"
            )
        lines = [f"{opening} we agreed:"]
        lines += [f"- {a.description} ({a.owner}, by {a.due_on:%-d %B %Y})" for a in actions]
        lines.append(f"From {self.facts.iro_names.get(chair, 'your IRO')}, your IRO.")
        return "\n".join(lines)

    def _visit(self, held: HeldPlan, *, age: int, after: date) -> None:
        rng, facts = self.rng, self.facts
        day = facts.back_to_working_day(held.held_on - in_days(rng.randint(2, 21)))
        if day < after:
            return
        seen_alone = rng.random() < (0.65 if age >= 8 else 0.2 if age >= PN0_AGE_LIMIT else 0.0)
        self.visits.append(
            Visit(
                child_id=held.period.child.pk,
                iro_id=facts.iro_on(held.period.child.pk, day),
                visited_on=day,
                seen_alone=seen_alone,
                notes=rng.choice(VISIT_NOTES).format(name=held.period.child.name),
            )
        )

    def _midway(self, held: HeldPlan, actions: list[Action], *, next_on: date | None) -> None:
        """The IRO's check half way to the next review, on each action still open then."""
        rng, facts, period = self.rng, self.facts, held.period
        if rng.random() >= MIDWAY_SHARE:
            return
        until = next_on or (
            deadlines.second_review_due(held.held_on)
            if held.review_type == ReviewType.FIRST
            else deadlines.later_review_due(held.held_on)
        )
        span = (until - held.held_on).days
        day = facts.back_to_working_day(held.held_on + in_days(span // 2 + rng.randint(-10, 10)))
        if day <= held.held_on or day > period.last_review_day(facts.today) or (next_on and day >= next_on):
            return
        midway = MidwayReview(
            child_id=period.child.pk,
            iro_id=facts.iro_on(period.child.pk, day),
            held_on=day,
            notes=rng.choice(MIDWAY_NOTES),
        )
        self.midways.append(midway)
        for action in actions:
            if action.status == ActionStatus.DONE and action.completed_on < day:
                continue  # already closed before the midway review
            if action.status == ActionStatus.DONE and rng.random() < 0.4:
                action.completed_on = day  # marked done at the midway review
            if action.status == ActionStatus.DONE:
                found = ActionStatus.DONE if action.completed_on == day else ActionStatus.OPEN
            elif action.status == ActionStatus.OPEN or rng.random() < 0.5:
                found = ActionStatus.OPEN
            else:
                found = action.status
            self.progress.append((midway, action, found, rng.choice(PROGRESS_NOTES[found])))

    # -- saving

    def save(self) -> None:
        Review.objects.bulk_create(self.reviews, batch_size=500)
        Action.objects.bulk_create(self.actions, batch_size=500)
        Visit.objects.bulk_create(self.visits, batch_size=500)
        MidwayReview.objects.bulk_create(self.midways, batch_size=500)
        ActionProgress.objects.bulk_create(
            [ActionProgress(midway_review=m, action=a, status=s, note=n) for m, a, s, n in self.progress],
            batch_size=500,
        )
        CaseNote.objects.bulk_create(self.case_notes, batch_size=500)
        changes = []
        for review, kind, before, after, reason, changed_on in self.date_changes:
            change = ReviewDateChange(
                review=review,
                kind=kind,
                from_date=before,
                to_date=after,
                reason=reason,
                iro_consented=True,
                changed_by_id=review.chair_id,
            )
            changes.append(change)
            self.recorded_on.append((change, changed_on))
        ReviewDateChange.objects.bulk_create(changes, batch_size=500)
        SignificantChange.objects.bulk_create(self.changes, batch_size=500)
        for row, day in self.recorded_on:
            stamp = timezone.make_aware(datetime.combine(day, time(10, 0)))
            type(row).objects.filter(pk=row.pk).update(created_at=stamp, updated_at=stamp)
