"""Writing a checked plan, a chunk of children at a time (``ImportPlan.chunks``): children,
then episodes, then reviews, each in bulk with its simple-history rows, and one audit event
per child; then the refresh of each child's review chain (``reviews.schedule``), all inside
the import's transaction.

Every row was checked first (``interchange.importer``: the rules the services keep, applied to
the whole return), so the writes here go in bulk (docs/decisions/0003-set-based-sweeps-and-raw-sql.md).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from children.models import CareEpisode, Child
from children.search import SEARCHED_FIELDS, search_text
from iro_service.models import AuditAction, AuditEvent
from iro_service.periods import ReportingYear
from reviews.codes import ReviewSource, ReviewStatus
from reviews.models import Review
from reviews.schedule import schedule_refresh

from .. import importer
from .bulk import insert_with_history

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import User

    ChunkSink = Callable[[importer.PlannedChunk], None]

CHANGE_REASON = "SSDA903 import"


def apply_plan(plan: importer.ImportPlan, *, by: User | None, on_chunk: ChunkSink | None = None) -> None:
    """Write every change of a valid ``plan``, a chunk of children at a time (``on_chunk`` is
    told of each chunk written); set how many imported reviews have no due date."""
    user = by if getattr(by, "is_authenticated", False) else None
    now = timezone.now()
    known_from = ReportingYear.containing(plan.latest_date).start if plan.latest_date else None
    child_ids: list[int] = []
    for chunk in plan.chunks():
        child_ids.extend(_write_chunk(chunk, user=user, now=now, known_from=known_from))
        if on_chunk is not None:
            on_chunk(chunk)
    ordered = sorted(child_ids)
    _refresh_chains(ordered, known_from)
    # The reviews this import wrote are the SSDA903 ones stamped with its time. (child_id__in
    # is chunked: a national return names more children than SQLite takes parameters.)
    plan.reviews_without_due_date = sum(
        Review.objects.filter(
            child_id__in=chunk, source=ReviewSource.SSDA903, created_at=now, due_on__isnull=True
        ).count()
        for chunk in importer.chunks(ordered)
    )


def _write_chunk(
    chunk: importer.PlannedChunk, *, user: User | None, now: datetime, known_from: date | None
) -> list[int]:
    """Write one chunk's changes; return the ids of its children written."""
    user_id = user.pk if user else None
    creates, updates = _by_kind(chunk.creates), _by_kind(chunk.updates)
    _insert_children(creates["child"], user_id=user_id, now=now, known_from=known_from)
    _bump_and_update(updates["child"], Child, by=user)
    ids = _reference_ids(sorted({c.reference for c in chunk.changes}))
    # Updates first: an episode closed by the return must close before its successor opens.
    _bump_and_update(updates["episode"], CareEpisode, by=user)
    episodes = [{"child_id": ids[c.reference], "recorded_by_id": user_id, **c.fields} for c in creates["episode"]]
    insert_with_history(CareEpisode, episodes, user_id=user_id, reason=CHANGE_REASON, now=now)
    _bump_and_update(updates["review"], Review, by=user)
    _insert_reviews(creates["review"], ids, user_id=user_id, now=now)
    _audit(chunk, ids, created={c.reference for c in creates["child"]}, user=user)
    return list(ids.values())


def _by_kind(changes: list[importer.Change]) -> dict[str, list[importer.Change]]:
    kinds: dict[str, list[importer.Change]] = defaultdict(list)
    for change in changes:
        kinds[change.kind].append(change)
    return kinds


def _insert_children(
    changes: list[importer.Change], *, user_id: int | None, now: datetime, known_from: date | None
) -> None:
    """New children, named for the manager to complete (a return holds no names)."""
    rows = [
        {
            "local_reference": c.reference,
            "first_name": importer.NAME_TO_BE_ENTERED,
            "last_name": c.reference,
            "name_to_be_entered": True,
            "reviews_known_from": known_from,
            **c.fields,
        }
        for c in changes
    ]
    for row in rows:  # what Child.save() would write; an insert in bulk does not call it
        row["search_text"] = search_text(**{name: row.get(name, "") for name in SEARCHED_FIELDS})
    insert_with_history(Child, rows, user_id=user_id, reason=CHANGE_REASON, now=now)


def _bump_and_update(changes: list[importer.Change], model, *, by: User | None) -> None:
    """Apply each change's fields to the record it changes, count a new version, and write
    them in bulk (the planner compared values only: the records are read here, a chunk's)."""
    if not changes:
        return
    held = model.objects.in_bulk([change.pk for change in changes])
    fields: set[str] = set()
    objs = []
    for change in changes:
        instance = held[change.pk]
        for name, value in change.fields.items():
            setattr(instance, name, value)
        fields.update(change.fields)
        if hasattr(instance, "version"):
            instance.version += 1
            fields.add("version")
        if model is Child and set(change.fields) & set(SEARCHED_FIELDS):
            # What Child.save() would write; an update in bulk does not call it.
            instance.search_text = search_text(**{name: getattr(instance, name) for name in SEARCHED_FIELDS})
            fields.add("search_text")
        objs.append(instance)
    bulk_update_with_history(
        objs, model, sorted(fields), batch_size=1000, default_user=by, default_change_reason=CHANGE_REASON
    )


def _reference_ids(references: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in importer.chunks(references):
        ids.update(Child.objects.filter(local_reference__in=chunk).values_list("local_reference", "pk"))
    return ids


def _insert_reviews(changes: list[importer.Change], ids: dict[str, int], *, user_id: int | None, now: datetime) -> None:
    """Held reviews, marked as imported. Due dates and types come from each child's whole
    chain, recomputed once every fact is written (``reviews.schedule``)."""
    rows = [
        {
            "child_id": ids[c.reference],
            "chair_id": None,
            "status": ReviewStatus.HELD.value,
            "held_on": c.fields["held_on"],
            "participation_code": c.fields["participation_code"],
            "due_on": None,
            "review_type": "",
            "created_by_id": user_id,
            "source": ReviewSource.SSDA903.value,
        }
        for c in changes
    ]
    insert_with_history(Review, rows, user_id=user_id, reason=CHANGE_REASON, now=now)


def _audit(chunk: importer.PlannedChunk, ids: dict[str, int], *, created: set[str], user: User | None) -> None:
    """One audit event per child written, counting what the import did to their record."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for verb, changes in (("created", chunk.creates), ("updated", chunk.updates)):
        for change in changes:
            counts[change.reference][f"{change.kind}s {verb}"] += 1
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=user,
                action=AuditAction.CREATED if reference in created else AuditAction.IMPORTED,
                child_id=ids[reference],
                object_type="children.Child",
                object_id=str(ids[reference]),
                summary=("SSDA903 import: " + ", ".join(f"{n} {what}" for what, n in sorted(tally.items())))[:255],
                changes={what: n for what, n in tally.items()},
                path="ssda903 import",
            )
            for reference, tally in sorted(counts.items())
        ],
        batch_size=2000,
    )


def _refresh_chains(child_ids: list[int], known_from: date | None) -> None:
    """Each child's reviews known from the earliest year imported, and their chain recomputed."""
    if known_from is not None:
        # An earlier year imported for children first imported from a later one.
        for chunk in importer.chunks(child_ids):
            Child.objects.filter(pk__in=chunk, reviews_known_from__gt=known_from).update(reviews_known_from=known_from)
    for chunk in importer.chunks(child_ids):
        schedule_refresh(chunk)
