"""Which of the return's records does the system hold already?

Children are matched on CHILD (the local reference), episodes on child and DECOM, reviews on
child and REVIEW date. The planner asks for one chunk of the return's children at a time:
three queries, each small enough for one ``IN (...)``, answered as tuples of the values
compared.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from children.models import CareEpisode, Child
from reviews.codes import ReviewStatus
from reviews.models import Review

from .. import spec

#: Rows read per ``IN (...)`` query: below every database's limit on bound parameters.
CHUNK = 2000


def chunks(items: list, size: int = CHUNK):
    """``items`` in slices small enough for one ``IN (...)`` query on any database."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: The fields of each record held that the planner compares with the return (and ``pk``).
CHILD_FIELDS = ("pk", *spec.CHILD_FIELDS)
EPISODE_FIELDS = ("pk", "child_id", *spec.EPISODE_FIELDS)
REVIEW_FIELDS = ("pk", "child_id", "held_on", "participation_code")


@dataclass
class Held:
    """The records held for some children of a return's Header table, as named tuples of
    ``*_FIELDS`` (``values_list``), not model instances: the planner only compares values."""

    children: dict[str, Any]  # by reference
    episodes: dict[int, list[Any]]  # by child id, in order of start
    reviews: dict[int, dict[date, Any]]  # by child id, then date held

    def episodes_of(self, reference: str) -> dict[date, Any]:
        """The child's episodes held, by the day each started (none for a new child)."""
        child = self.children.get(reference)
        return {ep.started_on: ep for ep in self.episodes.get(child.pk, [])} if child else {}

    def review_of(self, reference: str, held_on: date) -> Any | None:
        child = self.children.get(reference)
        return self.reviews.get(child.pk, {}).get(held_on) if child else None


def held_records(references: list[str], *, lock: bool) -> Held:
    """The records held for ``references`` (a chunk of the return's children: three queries
    for up to ``CHUNK`` of them); with ``lock`` they stay locked until the transaction ends, so
    that nobody changes one between this check and the import's write (PostgreSQL)."""
    children = _existing_children(references, lock)
    child_ids = [c.pk for c in children.values()]
    return Held(children, _existing_episodes(child_ids, lock), _existing_reviews(child_ids, lock))


def _rows(queryset, lock: bool):
    return queryset.select_for_update() if lock else queryset


def _existing_children(references: list[str], lock: bool) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for chunk in chunks(references):
        held = Child.objects.filter(local_reference__in=chunk).values_list(*CHILD_FIELDS, named=True)
        found.update((c.local_reference, c) for c in _rows(held, lock))
    return found


def _existing_episodes(child_ids: list[int], lock: bool) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for chunk in chunks(child_ids):
        held = CareEpisode.objects.filter(child_id__in=chunk).order_by("started_on", "pk")
        for episode in _rows(held.values_list(*EPISODE_FIELDS, named=True), lock):
            found[episode.child_id].append(episode)
    return found


def _existing_reviews(child_ids: list[int], lock: bool) -> dict[int, dict[date, Any]]:
    found: dict[int, dict[date, Any]] = defaultdict(dict)
    for chunk in chunks(child_ids):
        held = Review.objects.filter(child_id__in=chunk, status=ReviewStatus.HELD).order_by("held_on", "pk")
        for review in _rows(held.values_list(*REVIEW_FIELDS, named=True), lock):
            found[review.child_id].setdefault(review.held_on, review)
    return found
