"""The demo authority's review history (demo/reviews.py, run by ``manage.py seed_demo``).

Checked against the rules of docs/rules.md sections 2 to 4, recomputed here from the stored
episodes and allocations with ``reviews.deadlines``, and against the figures a real IRO
service's annual report gives (docs/rules.md#annual-report: about 99-100% of reviews in
timescale, 99.1% of records distributed in time).
Uses the package's full-size ``demo_town`` (conftest.py): the seed runs once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.utils import timezone

from children.ages import age_on, eighteenth_birthday
from children.models import (
    CareEpisode,
    Child,
    CoverArrangement,
    IROAllocation,
    SignificantChange,
)
from reviews import deadlines
from reviews.calendar import non_working_days
from reviews.codes import ActionStatus, FlagKind, ParticipantRole, Participation, ReviewStatus, ReviewType
from reviews.models import (
    Action,
    ActionProgress,
    CaseNote,
    DeadlineFlag,
    MidwayReview,
    Review,
    ReviewDateChange,
    ReviewSchedule,
    Visit,
)
from tests.demo.seed_demo.seeding import TODAY

pytestmark = pytest.mark.django_db


@dataclass
class Period:
    child_id: int
    start: date
    end: date | None
    episodes: list[CareEpisode] = field(default_factory=list)

    def holds(self, day: date) -> bool:
        """The child was in care on ``day`` in this period (in an episode that had not ceased)."""
        return any(e.started_on <= day and (e.ended_on is None or day < e.ended_on) for e in self.episodes)


def periods_by_child() -> dict[int, list[Period]]:
    periods: dict[int, list[Period]] = defaultdict(list)
    for e in CareEpisode.objects.order_by("child_id", "started_on", "pk"):
        if e.reason_new_episode == "S":
            periods[e.child_id].append(Period(e.child_id, e.started_on, None))
        period = periods[e.child_id][-1]
        period.episodes.append(e)
        if e.ended_on is not None and e.reason_ceased != "X1":
            period.end = e.ended_on
    return periods


def held_by_period() -> list[tuple[Period, list[Review]]]:
    periods = periods_by_child()
    reviews: dict[int, list[Review]] = defaultdict(list)
    for review in Review.objects.held().order_by("child_id", "held_on"):
        reviews[review.child_id].append(review)
    result = []
    for child_id, child_periods in sorted(periods.items()):
        for period in child_periods:
            inside = [r for r in reviews[child_id] if period.holds(r.held_on)]
            result.append((period, inside))
    return result


def iro_on(allocations: list[IROAllocation], day: date) -> int | None:
    for a in allocations:
        if a.started_on <= day and (a.ended_on is None or day < a.ended_on):
            return a.iro_id
    return None


def allocations_by_child() -> dict[int, list[IROAllocation]]:
    result: dict[int, list[IROAllocation]] = defaultdict(list)
    for a in IROAllocation.objects.looked_after().order_by("child_id", "started_on", "pk"):
        result[a.child_id].append(a)
    return result


def calendar() -> frozenset[date]:
    return non_working_days(date(2000, 1, 1), TODAY)


def in_care_ids() -> set[int]:
    return set(CareEpisode.objects.open().values_list("child_id", flat=True))


def test_the_command_prints_the_review_figures(demo_town):
    held = Review.objects.held().count()
    assert f"{held} held" in demo_town
    assert "within timescale" in demo_town
    assert "Records distributed within 20 working days" in demo_town
    assert "PN0 " in demo_town and "PN1 " in demo_town
    for word in ("Actions:", "Visits:", "Midway reviews:", "Booked for the coming weeks:", "Significant changes"):
        assert word in demo_town


def test_every_held_review_is_of_a_child_in_care_chaired_by_their_iro(demo_town):
    periods = periods_by_child()
    allocations = allocations_by_child()
    children = {c.pk: c for c in Child.objects.all()}
    held = list(Review.objects.held())
    assert len(held) > 2000
    for review in held:
        assert review.held_on <= TODAY
        assert any(p.holds(review.held_on) for p in periods[review.child_id]), review
        assert review.chair_id == iro_on(allocations[review.child_id], review.held_on) == review.created_by_id
        under_4 = age_on(children[review.child_id].date_of_birth, review.held_on) < 4
        assert (review.participation_code == Participation.PN0) == under_4, review
        assert review.held_on.weekday() < 5
        assert review.venue
        assert review.wishes_and_feelings and review.child_friendly_summary
        assert set(review.attended) <= set(review.invited) <= set(ParticipantRole.values)
        attends = review.participation_code in {"PN1", "PN2", "PN3", "PN4"}
        assert (ParticipantRole.CHILD in review.attended) == attends
        if not under_4:
            assert ParticipantRole.CHILD in review.invited
    # One review a day per child at most.
    assert len({(r.child_id, r.held_on) for r in held}) == len(held)
    # An IRO on leave (covered by a colleague) chairs no reviews.
    for cover in CoverArrangement.objects.all():
        on_leave = [
            r
            for r in held
            if r.chair_id == cover.absent_iro_id and cover.starts_on <= r.held_on <= (cover.ends_on or TODAY)
        ]
        assert on_leave == []


def test_review_types_and_due_dates_follow_reg_33_in_each_period(demo_town):
    non_working = calendar()
    additional = 0
    periods_with_reviews = 0
    for period, reviews in held_by_period():
        if not reviews:
            continue
        periods_with_reviews += 1
        types = [r.review_type for r in reviews]
        assert types[0] == ReviewType.FIRST
        if len(types) > 1:
            assert types[1] in (ReviewType.SECOND, ReviewType.ADDITIONAL)
        assert set(types[2:]) <= {ReviewType.SUBSEQUENT, ReviewType.ADDITIONAL}
        additional += types.count(ReviewType.ADDITIONAL)
        dues = deadlines.review_due_dates(
            looked_after_on=period.start, reviews_held=[r.held_on for r in reviews], non_working=non_working
        )
        assert [r.due_on for r in reviews] == dues
        for review in reviews:
            assert review.record_due_on == deadlines.record_distribution_due(review.held_on, non_working=non_working)
    assert periods_with_reviews > 400
    assert 5 <= additional <= 0.06 * Review.objects.held().count()


def test_about_98_percent_of_reviews_are_held_within_timescale(demo_town):
    held = list(Review.objects.held())
    late = [r for r in held if r.held_on > r.due_on]
    assert 0.97 <= 1 - len(late) / len(held) < 1.0
    assert all((r.held_on - r.due_on).days <= 25 for r in late)
    # Booked at five months: most are held in the fortnight or so before they are due.
    shortly_before = sum(0 <= (r.due_on - r.held_on).days <= 16 for r in held)
    assert shortly_before / len(held) >= 0.85
    last_year = [r for r in held if r.held_on > TODAY - timedelta(days=365)]
    assert 0.95 <= sum(r.held_on <= r.due_on for r in last_year) / len(last_year) <= 1.0


def test_records_are_distributed_within_20_working_days_nearly_always(demo_town):
    held = list(Review.objects.held())
    due = [r for r in held if r.record_distributed_on is not None or r.record_due_on < TODAY]
    in_time = sum(r.record_distributed_on is not None and r.record_distributed_on <= r.record_due_on for r in due)
    assert 0.97 <= in_time / len(due) < 1.0
    for review in held:
        if review.record_distributed_on is not None:
            assert review.record_completed_on is not None
            assert review.held_on <= review.record_completed_on <= review.record_distributed_on <= TODAY
    # The last few weeks' records are not all out yet; a few are overdue and flagged.
    assert any(r.record_distributed_on is None and r.record_due_on >= TODAY for r in held)
    outstanding = {r.pk for r in held if r.record_distributed_on is None and r.record_due_on < TODAY}
    assert 1 <= len(outstanding) <= 15
    flagged = set(DeadlineFlag.objects.open().filter(kind=FlagKind.RECORD_OVERDUE).values_list("review", flat=True))
    assert flagged == outstanding


def test_participation_follows_the_mix_seed_004_reports(demo_town):
    codes = Counter(Review.objects.held().values_list("participation_code", flat=True))
    total = sum(codes.values())
    older = total - codes["PN0"]
    assert 0.10 <= codes["PN0"] / total <= 0.25
    assert 0.55 <= codes["PN1"] / older <= 0.70
    assert 0.22 <= codes["PN6"] / older <= 0.38
    for code in ("PN4", "PN5", "PN7"):
        assert 0.002 <= codes[code] / older <= 0.05, code
    assert (codes["PN2"] + codes["PN3"]) / older <= 0.03
    assert set(codes) <= set(Participation.values)


def test_every_child_in_care_has_a_schedule_and_a_few_are_overdue(demo_town):
    non_working = calendar()
    in_care = in_care_ids()
    schedules = {s.child_id: s for s in ReviewSchedule.objects.all()}
    assert set(schedules) == set(Child.objects.values_list("pk", flat=True))
    births = dict(Child.objects.values_list("pk", "date_of_birth"))
    periods = periods_by_child()
    held: dict[int, list[date]] = defaultdict(list)
    for child_id, held_on in Review.objects.held().values_list("child_id", "held_on"):
        held[child_id].append(held_on)
    for child_id in in_care:
        start = periods[child_id][-1].start
        expected = deadlines.next_review_due(
            looked_after_on=start, reviews_held=[d for d in held[child_id] if d >= start], non_working=non_working
        )
        if expected >= eighteenth_birthday(births[child_id]):
            expected = None  # nothing falls due on or after the 18th birthday (docs/rules.md#review-timescales)
        assert schedules[child_id].next_due_on == expected
    in_care = {c for c in in_care if schedules[c].next_due_on is not None}
    for child_id, schedule in schedules.items():
        if child_id not in in_care:
            assert schedule.next_due_on is None
    overdue = {c for c in in_care if schedules[c].next_due_on < TODAY}
    assert 1 <= len(overdue) <= 3
    assert all((TODAY - schedules[c].next_due_on).days <= 25 for c in overdue)
    flagged = DeadlineFlag.objects.open().filter(kind=FlagKind.REVIEW_OVERDUE).values_list("child", flat=True)
    assert set(flagged) == overdue
    assert DeadlineFlag.objects.open().filter(kind=FlagKind.REVIEW_DUE_SOON).count() >= 10


def test_booked_reviews_are_before_the_due_date_and_moves_have_consent(demo_town):
    in_care = in_care_ids()
    allocations = allocations_by_child()
    schedules = {s.child_id: s for s in ReviewSchedule.objects.all()}
    booked = list(Review.objects.booked())
    due_soon = [
        c
        for c in in_care
        if schedules[c].next_due_on and TODAY < schedules[c].next_due_on <= TODAY + timedelta(days=70)
    ]
    assert 0.25 <= len(booked) / len(due_soon) <= 0.55
    for review in booked:
        assert review.child_id in in_care
        assert TODAY < review.booked_for <= min(schedules[review.child_id].next_due_on, TODAY + timedelta(days=60))
        assert review.booked_for.weekday() < 5
        assert schedules[review.child_id].booked_for == review.booked_for
        assert review.chair_id == iro_on(allocations[review.child_id], TODAY)
        assert review.held_on is None and review.participation_code == ""
    changes = list(ReviewDateChange.objects.select_related("review"))
    kinds = Counter(c.kind for c in changes)
    assert kinds["cancelled"] >= 2 and kinds["postponed"] + kinds["brought_forward"] >= 2
    for change in changes:
        assert change.iro_consented and change.reason.strip()
        assert change.changed_by_id == change.review.chair_id
        # Dated the day it was made (the timeline shows it), before the date it moved.
        assert timezone.localdate(change.created_at) <= min(change.from_date, TODAY)
        if change.kind == "cancelled":
            assert change.review.status == ReviewStatus.CANCELLED
            assert change.to_date is None and change.from_date == change.review.booked_for
            assert change.review.cancelled_on <= min(change.review.booked_for, TODAY)
        else:
            assert change.review.status == ReviewStatus.BOOKED
            assert change.to_date == change.review.booked_for != change.from_date
    assert Review.objects.filter(status=ReviewStatus.CANCELLED).count() == kinds["cancelled"]


def test_actions_are_smart_and_mostly_done_before_the_next_review(demo_town):
    reviews = {r.pk: r for r in Review.objects.held()}
    actions = list(Action.objects.all())
    per_review = Counter(a.review_id for a in actions)
    assert set(per_review) == set(reviews)
    assert set(per_review.values()) <= {2, 3}
    latest = {}
    for review in reviews.values():
        if review.held_on > latest.get(review.child_id, date.min):
            latest[review.child_id] = review.held_on
    in_care = in_care_ids()
    for action in actions:
        review = reviews[action.review_id]
        assert action.child_id == review.child_id
        assert review.held_on + timedelta(weeks=2) <= action.due_on <= review.held_on + timedelta(weeks=12)
        assert action.description and action.owner
        if action.status == ActionStatus.DONE:
            assert review.held_on <= action.completed_on <= TODAY
        else:
            assert action.completed_on is None
        if action.status == ActionStatus.OPEN:
            # Only the latest review's actions of a child still in care are open.
            assert action.child_id in in_care and review.held_on == latest[action.child_id]
    statuses = Counter(a.status for a in actions)
    assert statuses[ActionStatus.DONE] / len(actions) >= 0.8
    assert statuses[ActionStatus.NOT_DONE] > 0 and statuses[ActionStatus.NO_LONGER_NEEDED] > 0
    overdue = Action.objects.overdue(on=TODAY).count()
    assert 5 <= overdue <= 60
    assert DeadlineFlag.objects.open().filter(kind=FlagKind.ACTION_OVERDUE).count() == overdue


def test_the_iro_footprint_visits_midway_reviews_and_case_notes(demo_town):
    periods = periods_by_child()
    allocations = allocations_by_child()
    held = Review.objects.held().count()
    visits = list(Visit.objects.all())
    assert 0.4 <= len(visits) / held <= 0.6
    for visit in visits:
        assert visit.visited_on <= TODAY and visit.notes
        assert any(p.holds(visit.visited_on) for p in periods[visit.child_id])
        assert visit.iro_id == iro_on(allocations[visit.child_id], visit.visited_on)

    held_dates: dict[int, list[date]] = defaultdict(list)
    for child_id, held_on in Review.objects.held().order_by("held_on").values_list("child_id", "held_on"):
        held_dates[child_id].append(held_on)
    midways = {m.pk: m for m in MidwayReview.objects.all()}
    assert 0.25 <= len(midways) / held <= 0.4
    for midway in midways.values():
        assert midway.held_on <= TODAY
        assert any(p.holds(midway.held_on) for p in periods[midway.child_id])
        assert midway.iro_id == iro_on(allocations[midway.child_id], midway.held_on)
        assert midway.held_on not in held_dates[midway.child_id]
    progress = list(ActionProgress.objects.select_related("action__review"))
    assert progress
    for entry in progress:
        midway = midways[entry.midway_review_id]
        action = entry.action
        assert action.child_id == midway.child_id
        assert action.review.held_on < midway.held_on
        # Checked while still open: not done before the midway review.
        assert action.completed_on is None or action.completed_on >= midway.held_on
        if entry.status == ActionStatus.DONE:
            assert action.status == ActionStatus.DONE and action.completed_on == midway.held_on

    in_care = in_care_ids()
    notes = list(CaseNote.objects.all())
    assert {n.child_id for n in notes} <= in_care
    assert len(notes) >= len(in_care)
    for note in notes:
        assert note.written_on <= TODAY
        assert note.author_id == iro_on(allocations[note.child_id], note.written_on)


def test_a_few_recent_significant_changes_alert_the_current_iro(demo_town):
    allocations = allocations_by_child()
    changes = list(SignificantChange.objects.all())
    assert 10 <= len(changes) <= 25
    in_care = in_care_ids()
    for change in changes:
        assert change.child_id in in_care
        assert TODAY - timedelta(days=90) <= change.occurred_on <= TODAY
        assert change.iro_id == iro_on(allocations[change.child_id], TODAY)
        recorded = timezone.localdate(change.created_at)
        assert change.occurred_on <= recorded <= TODAY
        if change.acknowledged_on is not None:
            assert recorded <= change.acknowledged_on <= TODAY
            assert change.acknowledged_by_id is not None and change.iro_response
    acknowledged = sum(c.acknowledged_on is not None for c in changes)
    assert 0 < acknowledged < len(changes)


def test_a_sample_of_every_kind_of_row_passes_full_clean(demo_town):
    for model in (Review, Action, Visit, MidwayReview, ActionProgress, CaseNote, ReviewDateChange, SignificantChange):
        rows = list(model.objects.order_by("pk"))
        assert rows, model
        for row in rows[:: max(1, len(rows) // 40)] + rows[-3:]:
            row.full_clean()
    for review in Review.objects.exclude(status=ReviewStatus.HELD):
        review.full_clean()
