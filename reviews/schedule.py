"""Refreshing the cached review dates of children from the facts (docs/rules.md#review-timescales).

The truth is ``reviews.chain.review_chain``, a pure function of a child's date of birth, care
episodes and the reviews held. Three caches store its answer so that lists, dashboards, the
daily sweep and the annual report can filter and count in SQL:

* ``Review.due_on`` and ``Review.review_type``: each held review's due date and place;
* ``ReviewDue``: every review that fell due in each period, held or not (the missed ones too);
* ``ReviewSchedule``: the next review due, its rule and reason, and the booked date.

``schedule_refresh`` recomputes the whole chain of every child named, so a correction to one
review moves every later date. The review and child services call it inside their own
transaction, and ``reviews.signals`` calls it when an episode or a date of birth is saved, so
no transaction commits a fact with a stale date. It costs a fixed number of queries whatever
the number of children (one per kind of read, then one write per kind of change).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from children.ages import eighteenth_birthday
from children.models import CareEpisode, Child
from iro_service.bulk import insert_rows, update_rows

from . import chain
from .calendar import statutory_non_working_days
from .codes import ReviewStatus, ReviewType
from .models import Review, ReviewDue, ReviewSchedule

#: Placeholder for the child's first name in stored reasons (the name may change).
NAME = "{name}"


@dataclass(frozen=True)
class Change:
    """One cached value that a refresh changed, for ``recompute_review_dates`` to report."""

    child_id: int
    #: ``review`` (a held review's due date or type), ``due`` (a review due, held or missed),
    #: ``next`` (the next review's due date) or ``other`` (the next review's rule or reason,
    #: the booked date, the count of reviews).
    kind: str
    what: str
    before: object
    after: object


def short_breaks_reg48() -> bool:
    return getattr(settings, "SHORT_BREAKS_REG48", True)


#: A held review as stored: ``(id, held_on, review_type, due_on)``.
HeldRow = tuple[int, date, str, date | None]
#: ``chains_for``'s answer: ``{child_id: (child, chain, held rows)}``.
Chains = dict[int, tuple[Child, chain.Chain, list[HeldRow]]]


def _children(child_ids: Iterable[int], *, lock: bool) -> dict[int, Child]:
    children_query = Child.objects.filter(pk__in=set(child_ids)).order_by("pk")
    if lock and transaction.get_connection().in_atomic_block:
        children_query = children_query.select_for_update(of=("self",))
    return {c.pk: c for c in children_query.only("pk", "date_of_birth", "first_name", "reviews_known_from")}


def _episodes(ids: list[int], *, as_at: date | None) -> dict[int, list[chain.Episode]]:
    """Each child's care episodes; with ``as_at``, those begun by then, and open if they ended later."""
    episodes: dict[int, list[chain.Episode]] = defaultdict(list)
    for child_id, started, ended, rne, status in CareEpisode.objects.filter(child_id__in=ids).values_list(
        "child_id", "started_on", "ended_on", "reason_new_episode", "legal_status"
    ):
        if as_at is not None and started > as_at:
            continue
        if as_at is not None and ended is not None and ended > as_at:
            ended = None
        episodes[child_id].append(chain.Episode(started, ended, rne, status))
    return episodes


def _held(ids: list[int], *, as_at: date | None) -> dict[int, list[HeldRow]]:
    """Each child's held reviews as stored, in date order; with ``as_at``, those held by then."""
    held: dict[int, list[HeldRow]] = defaultdict(list)
    for row in (
        Review.objects.filter(child_id__in=ids, status=ReviewStatus.HELD)
        .order_by("held_on", "pk")
        .values_list("child_id", "pk", "held_on", "review_type", "due_on")
    ):
        if as_at is None or row[2] <= as_at:
            held[row[0]].append(row[1:])
    return held


def _calendar(
    children: dict[int, Child], episodes: dict[int, list[chain.Episode]], held: dict[int, list[HeldRow]]
) -> frozenset[date]:
    """The bank holidays from the earliest fact to the latest 18th birthday."""
    dates = [e.started_on for eps in episodes.values() for e in eps] + [h[1] for hs in held.values() for h in hs]
    if not dates:
        return frozenset()
    latest = max([*dates, *(eighteenth_birthday(c.date_of_birth) for c in children.values())])
    return statutory_non_working_days(min(dates), latest)


def chains_for(child_ids: Iterable[int], *, as_at: date | None = None, lock: bool = False) -> Chains:
    """Each child's chain from the facts: three queries whatever the number of children.

    Returns ``{child_id: (child, chain, held rows)}``; a held row is ``(id, held_on, review_type,
    due_on)`` as stored. With ``as_at``, only the facts known on that day count: episodes begun
    and reviews held by then, and an episode ending later is still open.

    With ``lock`` (inside a transaction), the children's rows are locked first, in id order, so
    two transactions changing one child's facts at once recompute one after the other: the
    second waits, then reads the first's committed facts with its own (PostgreSQL; SQLite
    writes one transaction at a time anyway)."""
    children = _children(child_ids, lock=lock)
    if not children:
        return {}
    ids = sorted(children)
    episodes = _episodes(ids, as_at=as_at)
    held = _held(ids, as_at=as_at)
    calendar = _calendar(children, episodes, held)
    reg48 = short_breaks_reg48()
    result = {}
    for child_id in ids:
        child = children[child_id]
        result[child_id] = (
            child,
            chain.review_chain(
                date_of_birth=child.date_of_birth,
                episodes=episodes[child_id],
                reviews_held=[chain.Held(pk, held_on) for pk, held_on, _, _ in held[child_id]],
                non_working=calendar,
                short_breaks_reg48=reg48,
                name=NAME,
                reviews_known_from=child.reviews_known_from,
            ),
            held[child_id],
        )
    return result


def _due_rows(child_id: int, answer: chain.Chain) -> dict[tuple[int, date, int], dict[str, object]]:
    rows: dict[tuple[int, date, int], dict[str, object]] = {}
    for period in answer.periods:
        for item in period.reviews:
            rows[(child_id, period.start, item.number)] = {
                "due_on": item.due.due_on,
                "rule": str(item.due.rule),
                "reason": item.due.reason,
                "review_id": item.review_id,
                "held_on": item.held_on,
                "stops_on": period.stops_on,
            }
        if period.outstanding is not None:
            rows[(child_id, period.start, len(period.reviews) + 1)] = {
                "due_on": period.outstanding.due_on,
                "rule": str(period.outstanding.rule),
                "reason": period.outstanding.reason,
                "review_id": None,
                "held_on": None,
                "stops_on": period.stops_on,
            }
    return rows


def _schedule_values(answer: chain.Chain, booked_for: date | None) -> dict[str, object]:
    latest = answer.periods[-1] if answer.periods else None
    due = latest.next_due if latest else None
    return {
        "period_start": latest.start if latest else None,
        "reviews_in_period": len(latest.reviews) if latest else 0,
        "last_review_on": latest.reviews[-1].held_on if latest and latest.reviews else None,
        "next_due_on": due.due_on if due else None,
        "next_rule": str(due.rule) if due else "",
        "next_reason": due.reason if due else "",
        "first_due_unknown": bool(due and due.due_on is None),
        "booked_for": booked_for,
    }


class _Notes:
    """The children a refresh changed and, when asked for, each change."""

    def __init__(self, changes: list[Change] | None) -> None:
        self.touched: set[int] = set()
        self.changes = changes

    def __call__(self, child_id: int, kind: str, what: str, before: object, after: object) -> None:
        self.touched.add(child_id)
        if self.changes is not None:
            self.changes.append(Change(child_id, kind, what, before, after))


def _refresh_held(chains: Chains, note: _Notes) -> None:
    """1. Each held review's due date and type."""
    review_updates = []
    for child_id, (_, answer, held) in chains.items():
        for pk, held_on, stored_type, stored_due in held:
            item = answer.review(pk)
            due_on = item.due.due_on if item else None
            review_type = stored_type
            if item is not None and not (stored_type == ReviewType.ADDITIONAL and item.review_type != "first"):
                review_type = item.review_type
            if (due_on, review_type) != (stored_due, stored_type):
                note(child_id, "review", f"review held {held_on}", (stored_due, stored_type), (due_on, review_type))
                review_updates.append({"pk": pk, "due_on": due_on, "review_type": review_type})
    update_rows(Review, review_updates, ["due_on", "review_type"])


def _refresh_due(chains: Chains, ids: list[int], note: _Notes) -> None:
    """2. Every review due, held or not."""
    wanted: dict[tuple[int, date, int], dict[str, object]] = {}
    for child_id, (_, answer, _) in chains.items():
        wanted.update(_due_rows(child_id, answer))
    stale = []
    kept: set[tuple[int, date, int]] = set()
    fields = ("due_on", "rule", "reason", "review_id", "held_on", "stops_on")
    for row in ReviewDue.objects.filter(child_id__in=ids).values("pk", "child_id", "period_start", "number", *fields):
        key = (row["child_id"], row["period_start"], row["number"])
        values = {name: row[name] for name in fields}
        if wanted.get(key) == values:
            kept.add(key)
        else:
            stale.append(row["pk"])
            note(row["child_id"], "due", f"review due {row['period_start']} #{row['number']}", row["due_on"], None)
    if stale:
        ReviewDue.objects.filter(pk__in=stale).delete()  # a cache row, not a record
    new_rows = []
    now = timezone.now()
    for key, values in wanted.items():
        if key not in kept:
            note(key[0], "due", f"review due {key[1]} #{key[2]}", None, values["due_on"])
            new_rows.append(
                {"child_id": key[0], "period_start": key[1], "number": key[2], "created_at": now, "updated_at": now}
                | values
            )
    insert_rows(ReviewDue, new_rows, returning=False)


def _refresh_next(chains: Chains, ids: list[int], note: _Notes) -> None:
    """3. The next review due."""
    booked = dict(
        Review.objects.filter(child_id__in=ids, status=ReviewStatus.BOOKED).values_list("child_id", "booked_for")
    )
    existing = {s.child_id: s for s in ReviewSchedule.objects.filter(child_id__in=ids)}
    new_schedules = []
    for child_id, (_, answer, _) in chains.items():
        values = _schedule_values(answer, booked.get(child_id))
        schedule = existing.get(child_id)
        if schedule is None:
            new_schedules.append(ReviewSchedule(child_id=child_id, **values))
            note(child_id, "next", "next due", None, values["next_due_on"])
            continue
        differing = {k: v for k, v in values.items() if getattr(schedule, k) != v}
        if differing:
            ReviewSchedule.objects.filter(pk=schedule.pk).update(**values)
            if "next_due_on" in differing:
                note(child_id, "next", "next due", schedule.next_due_on, values["next_due_on"])
            else:  # the rule's wording, the booked date or the count, not the date
                note(child_id, "other", ", ".join(sorted(differing)), None, None)
    ReviewSchedule.objects.bulk_create(new_schedules, batch_size=1000)


def schedule_refresh(child_ids: Iterable[int], *, changes: list[Change] | None = None) -> int:
    """Recompute the chains of these children and write what changed; return how many
    children had a cached value change. With ``changes``, append each change to it."""
    chains = chains_for(child_ids, lock=True)
    if not chains:
        return 0
    ids = sorted(chains)
    note = _Notes(changes)
    _refresh_held(chains, note)
    _refresh_due(chains, ids, note)
    _refresh_next(chains, ids, note)
    return len(note.touched)
