"""What would importing the return create and update?

``plan_import`` checks every row (``rows``, ``checks``), compares the return with the records
held (``held``) and, when nothing is wrong, lists every change: a dry run shows them and the
import (``services``) writes them. A return says nothing about names or IROs: new children get
``NAME_TO_BE_ENTERED`` and no IRO, for the manager to complete. A blank DEC means the episode
was open at the end of that collection year, not that it is open today: it never reopens an
episode the system already holds as ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from children.models import CareEpisode, Child
from reviews.models import Review

from .. import spec
from . import checks
from .held import Held, held_records
from .reading import Problem, ReadResult
from .rows import HeaderRow, ParsedReturn, parse_return

NAME_TO_BE_ENTERED = "Name not entered"


@dataclass(eq=False)
class Change:
    """One record to create or update: ``fields`` maps a field to its new value; ``before`` the old."""

    reference: str
    kind: str  # "child", "episode" or "review"
    key: str  # what identifies the record to a person: the reference, DECOM or REVIEW date
    fields: dict
    before: dict = field(default_factory=dict)
    instance: object = None

    @property
    def description(self) -> str:
        """What the change does, in words a manager checks a dry run by."""
        model = {"child": Child, "episode": CareEpisode, "review": Review}[self.kind]
        if self.instance is not None:
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
class ImportPlan:
    read: ReadResult
    problems: list[Problem]
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    unchanged: int = 0
    #: Imported reviews whose timeliness cannot be known: the period's earlier reviews are missing.
    reviews_without_due_date: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def count(self, changes: list[Change], kind: str) -> int:
        return sum(1 for c in changes if c.kind == kind)

    @property
    def summary(self) -> dict[str, int]:
        return {
            f"{verb}_{kind}": self.count(changes, kind)
            for verb, changes in (("create", self.creates), ("update", self.updates))
            for kind in ("child", "episode", "review")
        }

    @property
    def child_references(self) -> set[str]:
        return {c.reference for c in self.creates + self.updates}

    def add(self, change: Change, *, held: object) -> None:
        """A create when nothing is ``held``; an update when ``change`` has fields; else unchanged."""
        if held is None:
            self.creates.append(change)
        elif change.fields:
            self.updates.append(change)
        else:
            self.unchanged += 1


def plan_import(read: ReadResult, *, today: date, lock: bool = False) -> ImportPlan:
    """Check every row of ``read`` and compare it with the records held; write nothing.
    With ``lock`` (inside the import's transaction) the records compared are locked."""
    problems = list(read.problems)
    plan = ImportPlan(read=read, problems=problems)
    if spec.HEADER not in read.tables or spec.EPISODES not in read.tables:
        return plan
    parsed = parse_return(read, problems, today)
    checks.check_against_header(read, parsed.headers, problems)
    held = held_records(list(parsed.headers), lock=lock)
    episodes = checks.episodes_in_childhood(parsed.episodes, parsed.headers, parsed.incomplete, problems)
    timelines = checks.check_timelines(parsed.headers, held, episodes, problems)
    checks.check_reviews(parsed.reviews, parsed.headers, timelines, parsed.incomplete, problems)
    if problems:
        plan.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.reason))
        return plan
    for reference, header in parsed.headers.items():
        _plan_child(plan, header, parsed, held)
        _plan_episodes(plan, reference, episodes.get(reference, []), held)
    _plan_reviews(plan, parsed, held)
    return plan


def _diff(instance, fields: dict) -> tuple[dict, dict]:
    after = {k: v for k, v in fields.items() if getattr(instance, k) != v}
    return after, {k: getattr(instance, k) for k in after}


def _plan_child(plan: ImportPlan, header: HeaderRow, parsed: ParsedReturn, held: Held) -> None:
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
        plan.add(Change(reference, "child", reference, after, before, child), held=child)


def _plan_episodes(plan: ImportPlan, reference: str, episodes: list, held: Held) -> None:
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
        plan.add(Change(reference, "episode", key, after, before, episode), held=episode)


def _plan_reviews(plan: ImportPlan, parsed: ParsedReturn, held: Held) -> None:
    for v in parsed.reviews:
        review = held.review_of(v.reference, v.held_on)
        key = spec.format_date(v.held_on)
        if review is None:
            fields = {"held_on": v.held_on, "participation_code": v.participation_code}
            plan.add(Change(v.reference, "review", key, fields), held=None)
        else:
            after, before = _diff(review, {"participation_code": v.participation_code})
            plan.add(Change(v.reference, "review", key, after, before, review), held=review)
