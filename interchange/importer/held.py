"""Which of the return's records does the system hold already?

Children are matched on CHILD (the local reference), episodes on child and DECOM, reviews on
child and REVIEW date. Three kinds of query, each in chunks small enough for one ``IN (...)``,
whatever the size of the return.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from children.models import CareEpisode, Child
from reviews.codes import ReviewStatus
from reviews.models import Review

#: Rows read per ``IN (...)`` query: below every database's limit on bound parameters.
CHUNK = 2000


def chunks(items: list, size: int = CHUNK):
    """``items`` in slices small enough for one ``IN (...)`` query on any database."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Held:
    """The records held for the children of a return's Header table."""

    children: dict[str, Child]  # by reference
    episodes: dict[int, list[CareEpisode]]  # by child id, in order of start
    reviews: dict[int, dict[date, Review]]  # by child id, then date held

    def episodes_of(self, reference: str) -> dict[date, CareEpisode]:
        """The child's episodes held, by the day each started (none for a new child)."""
        child = self.children.get(reference)
        return {ep.started_on: ep for ep in self.episodes.get(child.pk, [])} if child else {}

    def review_of(self, reference: str, held_on: date) -> Review | None:
        child = self.children.get(reference)
        return self.reviews.get(child.pk, {}).get(held_on) if child else None


def held_records(references: list[str], *, lock: bool) -> Held:
    """The records held for ``references``; with ``lock`` they stay locked until the
    transaction ends, so that nobody changes one between this check and the import's write
    (PostgreSQL)."""
    children = _existing_children(references, lock)
    child_ids = [c.pk for c in children.values()]
    return Held(children, _existing_episodes(child_ids, lock), _existing_reviews(child_ids, lock))


def _rows(queryset, lock: bool):
    return queryset.select_for_update() if lock else queryset


def _existing_children(references: list[str], lock: bool) -> dict[str, Child]:
    found: dict[str, Child] = {}
    for chunk in chunks(references):
        found.update((c.local_reference, c) for c in _rows(Child.objects.filter(local_reference__in=chunk), lock))
    return found


def _existing_episodes(child_ids: list[int], lock: bool) -> dict[int, list[CareEpisode]]:
    found: dict[int, list[CareEpisode]] = defaultdict(list)
    for chunk in chunks(child_ids):
        for episode in _rows(CareEpisode.objects.filter(child_id__in=chunk).order_by("started_on", "pk"), lock):
            found[episode.child_id].append(episode)
    return found


def _existing_reviews(child_ids: list[int], lock: bool) -> dict[int, dict[date, Review]]:
    found: dict[int, dict[date, Review]] = defaultdict(dict)
    for chunk in chunks(child_ids):
        held = Review.objects.filter(child_id__in=chunk, status=ReviewStatus.HELD).order_by("held_on", "pk")
        for review in _rows(held, lock):
            found[review.child_id].setdefault(review.held_on, review)
    return found
