"""What would importing the return create and update?

``plan_import`` checks every row (``rows``, ``checks``), compares the return with the records
held (``held``) and, when nothing is wrong, lists every change: a dry run shows them and the
import (``services``) writes them. A return says nothing about names or IROs: new children get
``NAME_TO_BE_ENTERED`` and no IRO, for the manager to complete. A blank DEC means the episode
was open at the end of that collection year, not that it is open today: it never reopens an
episode the system already holds as ended.

Every rule is about one child's own rows, so the return is planned a chunk of children at a
time (``settings.SSDA903_IMPORT_CHUNK``, docs/decisions/0006-streamed-interchange.md): the
chunk's rows are parsed, its records held are read (three queries) and its changes planned,
then dropped. ``plan_import`` checks every chunk and counts the changes; a caller that keeps
no list of them (a large return) then takes them again a chunk at a time from
``ImportPlan.chunks``, each change numbered with its place in the whole plan, to write or
store. The result is the same whatever the chunk size.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate, islice

from django.conf import settings

from children.models import CareEpisode, Child
from reviews.models import Review

from .. import spec
from . import checks
from .held import Held, held_records
from .reading import Problem, ReadResult
from .rows import HeaderRow, ParsedReturn, parse_return

NAME_TO_BE_ENTERED = "Name not entered"

KINDS = ("child", "episode", "review")


@dataclass(eq=False)
class Change:
    """One record to create or update: ``fields`` maps a field to its new value; ``before`` the
    old. ``pk`` is the record held (an update); ``line`` the Reviews row (a review);
    ``position`` the change's place in the whole plan, creates first."""

    reference: str
    kind: str  # "child", "episode" or "review"
    key: str  # what identifies the record to a person: the reference, DECOM or REVIEW date
    fields: dict
    before: dict = field(default_factory=dict)
    pk: int | None = None
    line: int = 0
    position: int = -1

    @property
    def description(self) -> str:
        """What the change does, in words a manager checks a dry run by."""
        model = {"child": Child, "episode": CareEpisode, "review": Review}[self.kind]
        if self.pk is not None:
            return "; ".join(
                f"{model._meta.get_field(name).verbose_name}: {_shown(self.before.get(name))} → {_shown(value)}"
                for name, value in self.fields.items()
            )
        f = self.fields
        if self.kind == "child":
            return f"born {_shown(f['date_of_birth'])}, sex {f['sex']}, ethnicity {f['ethnicity']}"
        if self.kind == "episode":
            ended = f" to {_shown(f['ended_on'])} ({f['reason_ceased']})" if f["ended_on"] else ", open"
            return f"{f['reason_new_episode']}, {f['legal_status']}, {f['placement_type']}{ended}"
        return f"held, {f['participation_code']}"


def _shown(value) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, date):
        return spec.format_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass
class PlannedChunk:
    """The changes to the records of one chunk of the return's children, in the plan's order."""

    references: list[str]
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def add(self, change: Change, *, held: object) -> None:
        """A create when nothing is ``held``; an update when ``change`` has fields; else unchanged."""
        if held is None:
            self.creates.append(change)
        elif change.fields:
            self.updates.append(change)
        else:
            self.unchanged += 1

    @property
    def changes(self) -> list[Change]:
        return self.creates + self.updates


@dataclass
class _Layout:
    """Where each chunk's changes go in the whole plan: creates, then updates; each of them
    children with their episodes in the Header's order, then reviews in the Reviews table's."""

    counts: dict[str, list[int]] = field(default_factory=lambda: {"create": [], "update": []})
    review_lines: dict[str, array] = field(default_factory=lambda: {"create": array("l"), "update": array("l")})

    def count(self, chunk: PlannedChunk) -> None:
        for verb, changes in (("create", chunk.creates), ("update", chunk.updates)):
            self.counts[verb].append(sum(1 for c in changes if c.kind != "review"))
            self.review_lines[verb].extend(c.line for c in changes if c.kind == "review")

    #: verb → changes before each chunk's children (filled by ``finish``).
    starts: dict[str, list[int]] = field(default_factory=dict)

    def finish(self) -> None:
        for verb, lines in self.review_lines.items():
            self.review_lines[verb] = array("l", sorted(lines))
            self.starts[verb] = list(accumulate(self.counts[verb], initial=0))

    def place(self, number: int, chunk: PlannedChunk) -> None:
        """Number the changes of the ``number``-th chunk (from 0) with their places in the plan."""
        start = 0
        for verb, changes in (("create", chunk.creates), ("update", chunk.updates)):
            counts, lines, starts = self.counts[verb], self.review_lines[verb], self.starts[verb]
            before = start + starts[number]
            reviews_from = start + starts[-1]
            children = 0
            for change in changes:
                if change.kind == "review":
                    at = bisect_left(lines, change.line)
                    if at == len(lines) or lines[at] != change.line:
                        raise RecordsChanged
                    change.position = reviews_from + at
                else:
                    change.position = before + children
                    children += 1
            if children != counts[number]:
                raise RecordsChanged
            start = reviews_from + len(lines)


class RecordsChanged(RuntimeError):
    """The records held changed between the check of a return and the reading of its changes."""

    def __init__(self) -> None:
        super().__init__("The records held changed while the return was being checked. Check the return again.")


@dataclass
class ImportPlan:
    read: ReadResult
    problems: list[Problem]
    #: Every change, creates then updates (kept only when asked: see ``chunks`` for a large return).
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    unchanged: int = 0
    #: Imported reviews whose timeliness cannot be known: the period's earlier reviews are missing.
    reviews_without_due_date: int = 0
    #: (verb, kind) → how many changes: ("create", "child") and so on.
    counts: Counter = field(default_factory=Counter)
    #: How many children the plan changes (created, or any record of theirs changed).
    children_changed: int = 0
    #: The latest date the changes set (DECOM, DEC or REVIEW): the collection year of the return.
    latest_date: date | None = None
    today: date | None = None
    lock: bool = False
    chunk_size: int = 0
    _groups: list[list[str]] = field(default_factory=list, repr=False)
    _layout: _Layout = field(default_factory=_Layout, repr=False)
    _kept: list[PlannedChunk] | None = field(default=None, repr=False)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        return sum(self.counts.values())

    @property
    def summary(self) -> dict[str, int]:
        return {f"{verb}_{kind}": self.counts[verb, kind] for verb in ("create", "update") for kind in KINDS}

    def tally(self, chunk: PlannedChunk) -> None:
        """Count ``chunk``'s changes towards the plan's."""
        self.unchanged += chunk.unchanged
        self.children_changed += len({c.reference for c in chunk.changes})
        for verb, changes in (("create", chunk.creates), ("update", chunk.updates)):
            for change in changes:
                self.counts[verb, change.kind] += 1
                for name in ("held_on", "started_on", "ended_on"):
                    if isinstance(value := change.fields.get(name), date) and (
                        self.latest_date is None or value > self.latest_date
                    ):
                        self.latest_date = value
        self._layout.count(chunk)

    def chunks(self) -> Iterator[PlannedChunk]:
        """The changes of a valid plan again, a chunk of children at a time, each numbered with
        its ``position`` in the whole plan. With the plan's ``lock`` the records are still
        locked, so they are the changes checked; without, a record changed meanwhile raises
        ``RecordsChanged``. Chunks with no change are skipped."""
        if not self.is_valid or not self.changes:
            return
        if self._kept is not None:  # planned with keep_changes: the chunks are at hand
            yield from (chunk for chunk in self._kept if chunk.creates or chunk.updates)
            return
        for number, references in enumerate(self._groups):
            problems: list[Problem] = []
            chunk = _plan_chunk(self.read, references, today=self.today, lock=self.lock, problems=problems)
            if problems or chunk is None:
                raise RecordsChanged
            self._layout.place(number, chunk)
            if chunk.creates or chunk.updates:
                yield chunk


def chunk_size() -> int:
    """Children planned at a time (``settings.SSDA903_IMPORT_CHUNK``)."""
    return settings.SSDA903_IMPORT_CHUNK


def plan_import(
    read: ReadResult, *, today: date, lock: bool = False, keep_changes: bool = True, chunk: int | None = None
) -> ImportPlan:
    """Check every row of ``read`` and compare it with the records held; write nothing. With
    ``lock`` (inside the import's transaction) the records compared are locked. With
    ``keep_changes`` the plan lists every change (``creates``, ``updates``); without, it
    counts them, and ``ImportPlan.chunks`` gives them again a chunk at a time. ``chunk`` is
    the number of children planned at a time (default ``chunk_size()``)."""
    problems = list(read.problems)
    size = chunk or chunk_size()
    plan = ImportPlan(read=read, problems=problems, today=today, lock=lock, chunk_size=size)
    if spec.HEADER not in read.tables or spec.EPISODES not in read.tables:
        return plan
    plan._groups = list(_groups(_references(read), size))
    kept: list[PlannedChunk] = []
    for references in plan._groups:
        planned = _plan_chunk(read, references, today=today, lock=lock, problems=problems)
        if planned is None:
            continue
        plan.tally(planned)
        if keep_changes:
            kept.append(planned)
    if problems:
        plan.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.reason))
        plan.unchanged, plan.children_changed, plan.latest_date = 0, 0, None
        plan.counts.clear()
        return plan
    plan._layout.finish()
    if keep_changes:
        for number, planned in enumerate(kept):
            plan._layout.place(number, planned)
            plan.creates.extend(planned.creates)
            plan.updates.extend(planned.updates)
        plan.creates.sort(key=lambda c: c.position)
        plan.updates.sort(key=lambda c: c.position)
        plan._kept = kept
    return plan


def _references(read: ReadResult) -> list[str]:
    """Every CHILD the return names: the Header table's in its order, then any other table's."""
    found = dict.fromkeys(read.tables[spec.HEADER].by_child)
    for table in read.tables.values():
        found.update(dict.fromkeys(table.by_child))
    return list(found)


def _groups(references: list[str], size: int) -> Iterator[list[str]]:
    it = iter(references)
    while group := list(islice(it, size)):
        yield group


def _plan_chunk(
    read: ReadResult, references: list[str], *, today: date | None, lock: bool, problems: list[Problem]
) -> PlannedChunk | None:
    """Check the rows of the children ``references`` (problems join ``problems``) and, when
    the return has no problem so far, plan their changes."""
    if today is None:
        raise ValueError("A plan needs the day it is made.")
    tables = {name: table.rows_of(references) for name, table in read.tables.items()}
    found: list[Problem] = []
    parsed = parse_return(tables, found, today)
    checks.check_against_header(tables, parsed.headers, found)
    held = held_records(list(parsed.headers), lock=lock)
    episodes = checks.episodes_in_childhood(parsed.episodes, parsed.headers, parsed.incomplete, found)
    timelines = checks.check_timelines(parsed.headers, held, episodes, found)
    checks.check_reviews(parsed.reviews, parsed.headers, timelines, parsed.incomplete, found)
    problems.extend(found)
    if problems:
        return None
    chunk = PlannedChunk(references)
    for reference, header in parsed.headers.items():
        _plan_child(chunk, header, parsed, held)
        _plan_episodes(chunk, reference, episodes.get(reference, []), held)
    _plan_reviews(chunk, parsed, held)
    return chunk


def _diff(held, fields: dict) -> tuple[dict, dict]:
    after = {k: v for k, v in fields.items() if getattr(held, k) != v}
    return after, {k: getattr(held, k) for k in after}


def _plan_child(plan: PlannedChunk, header: HeaderRow, parsed: ParsedReturn, held: Held) -> None:
    reference = header.reference
    fields = {
        "sex": header.sex,
        "date_of_birth": header.date_of_birth,
        "ethnicity": header.ethnicity,
        "upn": header.upn,
        "is_mother": header.is_mother,
        "mother_child_dob": header.mother_child_dob,
    }
    if parsed.uasc is not None:
        fields["is_uasc"] = reference in parsed.uasc
        fields["uasc_ceased_on"] = parsed.uasc.get(reference)
    fields.update(parsed.prev_perm.get(reference, {}))
    child = held.children.get(reference)
    if child is None:
        plan.add(Change(reference, "child", reference, fields), held=None)
    else:
        after, before = _diff(child, fields)
        plan.add(Change(reference, "child", reference, after, before, child.pk), held=child)


def _plan_episodes(plan: PlannedChunk, reference: str, episodes: list, held: Held) -> None:
    held_episodes = held.episodes_of(reference)
    for e in episodes:
        fields = {"started_on": e.started_on, "ended_on": e.ended_on, **e.values}
        episode = held_episodes.get(e.started_on)
        key = spec.format_date(e.started_on)
        if episode is None:
            plan.add(Change(reference, "episode", key, fields), held=None)
            continue
        if e.ended_on is None and episode.ended_on is not None:
            # Open at the end of the return's year; the system knows it ended later, and why.
            for name in ("ended_on", "reason_ceased", "reason_place_change"):
                fields.pop(name)
        after, before = _diff(episode, fields)
        plan.add(Change(reference, "episode", key, after, before, episode.pk), held=episode)


def _plan_reviews(plan: PlannedChunk, parsed: ParsedReturn, held: Held) -> None:
    for v in parsed.reviews:
        review = held.review_of(v.reference, v.held_on)
        key = spec.format_date(v.held_on)
        if review is None:
            fields = {"held_on": v.held_on, "participation_code": v.participation_code}
            plan.add(Change(v.reference, "review", key, fields, line=v.row.line), held=None)
        else:
            after, before = _diff(review, {"participation_code": v.participation_code})
            plan.add(Change(v.reference, "review", key, after, before, review.pk, v.row.line), held=review)
