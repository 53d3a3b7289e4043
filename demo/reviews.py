"""The review history of the synthetic demo authority ("Demoshire", built by demo/children.py).

For every period of care of every demo child, the reviews reg 33 requires from the period's
start up to ``today`` (docs/rules.md#review-timescales): the first within 20 working days, the second
within 3 months of it, then every 6 months, each held a few days before its due date as the
seed-004 authority does (booked at five months), a small share late and a few additional ones;
the record of each (section 3, distributed within 20 working days), its SMART actions, the
IRO's visits, midway reviews and case notes; the participation of the child (section 4, the
seed-004 mix); booked reviews for the coming weeks, a few moved or cancelled with a reason and
the IRO's consent; a handful of recent significant changes (section 6).

This is a seeder of historical data, not user input: rows are written with ``bulk_create``
rather than through ``reviews.services`` (whose permission checks, audit events and per-child
flag sweeps would make it minutes long), so no audit events or simple-history rows are
written for them (history starts at the first real edit); ``created_at`` is the day the
seeder ran, except on the date changes and significant changes, whose pages show it. Every
row keeps the models' constraints, and the rules come from the domain modules rather than
copies: when each review falls due is ``reviews.deadlines``' (planning), each held review's
stored due date and type are left to ``reviews.chain`` as the services leave them, and the
cached schedules and the deadline flags are brought up to date once, through
``schedule_refresh`` and ``flags_sweep``.

Deterministic: only the given ``random.Random`` is used and children, episodes and allocations
are read in primary-key order.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from children.models import (
    Child,
)
from reviews.codes import (
    ActionStatus,
    DateChangeKind,
    FlagKind,
    Participation,
    ReviewStatus,
)
from reviews.flags import flags_sweep
from reviews.models import Review
from reviews.schedule import schedule_refresh

from .draw import in_days
from .review_facts import HeldPlan, ReviewFacts, load_facts
from .review_plans import adjust_overdue, next_due, plan_period
from .review_rows import Writer

# --------------------------------------------------------------------------- writing the rows


@dataclass
class ReviewDemoResult:
    """What ``build_reviews`` wrote, for the command's summary."""

    reviews_held: int = 0
    held_in_timescale: int = 0
    held_last_year: int = 0
    held_last_year_in_timescale: int = 0
    participation: dict[str, int] = field(default_factory=dict)
    records_due: int = 0
    records_in_time: int = 0
    records_outstanding: int = 0
    actions: int = 0
    actions_open: int = 0
    visits: int = 0
    midway_reviews: int = 0
    case_notes: int = 0
    booked: int = 0
    moved: int = 0
    cancelled: int = 0
    significant_changes: int = 0
    significant_changes_acknowledged: int = 0
    overdue_children: int = 0
    open_flags: dict[str, int] = field(default_factory=dict)

    @property
    def in_timescale_pct(self) -> float:
        return 100 * self.held_in_timescale / self.reviews_held if self.reviews_held else 100.0

    @property
    def last_year_in_timescale_pct(self) -> float:
        return 100 * self.held_last_year_in_timescale / self.held_last_year if self.held_last_year else 100.0

    @property
    def records_in_time_pct(self) -> float:
        return 100 * self.records_in_time / self.records_due if self.records_due else 100.0


def build_reviews(*, rng: random.Random, today: date) -> ReviewDemoResult:
    """Write the review history of the demo authority built by ``demo.children.build``.

    Call inside the same transaction, after the children. Uses only ``rng``; reads children,
    episodes and allocations in primary-key order, so the same seed gives the same rows.
    """
    facts = load_facts(today)
    plans: dict[int, list[HeldPlan]] = {id(p): plan_period(rng, facts, p) for p in facts.periods}
    adjust_overdue(rng, facts, plans)

    writer = Writer(rng, facts)
    for period in facts.periods:
        held = plans[id(period)]
        for i, review in enumerate(held):
            writer.held_review(review, next_on=held[i + 1].held_on if i + 1 < len(held) else None)
    writer.bookings(plans)
    writer.cancellations(plans)
    writer.notes()
    writer.significant_changes(plans)
    writer.save()

    schedule_refresh(Child.objects.order_by("pk").values_list("pk", flat=True))
    _read_back_chain(writer.reviews)
    sweep = flags_sweep(today=today)
    return _result(writer, facts, plans, open_flags=sweep.open)


def _read_back_chain(reviews: list[Review]) -> None:
    """The due dates and review types ``schedule_refresh`` wrote, onto the rows in memory."""
    chain = {
        pk: (due_on, review_type)
        for pk, due_on, review_type in Review.objects.filter(status=ReviewStatus.HELD).values_list(
            "pk", "due_on", "review_type"
        )
    }
    for review in reviews:
        if review.pk in chain:
            review.due_on, review.review_type = chain[review.pk]


def _result(
    writer: Writer, facts: ReviewFacts, plans: dict[int, list[HeldPlan]], *, open_flags: dict
) -> ReviewDemoResult:
    today = facts.today
    year_ago = today - in_days(365)
    held = [r for r in writer.reviews if r.status == ReviewStatus.HELD]
    last_year = [r for r in held if r.held_on > year_ago]
    records = [r for r in held if r.record_distributed_on is not None or r.record_due_on < today]
    codes = Counter(r.participation_code for r in held)
    return ReviewDemoResult(
        reviews_held=len(held),
        held_in_timescale=sum(r.held_on <= r.due_on for r in held),
        held_last_year=len(last_year),
        held_last_year_in_timescale=sum(r.held_on <= r.due_on for r in last_year),
        participation={code: codes[code] for code in Participation.values},
        records_due=len(records),
        records_in_time=sum(
            r.record_distributed_on is not None and r.record_distributed_on <= r.record_due_on for r in records
        ),
        records_outstanding=sum(r.record_distributed_on is None and r.record_due_on < today for r in held),
        actions=len(writer.actions),
        actions_open=sum(a.status == ActionStatus.OPEN for a in writer.actions),
        visits=len(writer.visits),
        midway_reviews=len(writer.midways),
        case_notes=len(writer.case_notes),
        booked=sum(r.status == ReviewStatus.BOOKED for r in writer.reviews),
        moved=sum(change[1] != DateChangeKind.CANCELLED for change in writer.date_changes),
        cancelled=sum(r.status == ReviewStatus.CANCELLED for r in writer.reviews),
        significant_changes=len(writer.changes),
        significant_changes_acknowledged=sum(c.acknowledged_on is not None for c in writer.changes),
        overdue_children=sum(next_due(facts, p, plans[id(p)]) < today for p in facts.periods if p.end is None),
        open_flags={FlagKind(kind).label: n for kind, n in open_flags.items()},
    )
