"""The child's timeline: one list, newest first, of everything dated on the child's care and
the IRO's footprint (docs/rules.md#after-the-review).

``child_timeline`` runs a fixed number of queries whatever the number of entries: one per
kind of entry (plus one prefetch for the progress of midway reviews), merged in Python.

Other apps add their own entries through the ``CHILD_TIMELINE_ENTRIES`` setting (reviews never
imports them): each callable named there is called with the child and returns ``TimelineEntry``
rows of kind ``Kind.ELSEWHERE`` with their own ``label`` (conferences held, plans started and
ended: conferences/timeline.py), in a fixed number of queries too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from children.codes import AllocationWork, ReasonEpisodeCeased, ReasonNewEpisode
from children.models import CareEpisode, Child, IROAllocation, SignificantChange

from .codes import ActionStatus, DateChangeKind, ReviewStatus
from .models import ActionProgress, CaseNote, MidwayReview, Review, ReviewDateChange, Visit

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Kind:
    """Kinds of entry, ranked so that on the same day the later step of the story comes first
    (newest first): a child who becomes looked after and gets an IRO shows the IRO above."""

    CARE_STARTED = "care_started"
    ALLOCATION = "allocation"
    SIGNIFICANT_CHANGE = "significant_change"
    #: An entry another app adds (``CHILD_TIMELINE_ENTRIES``), labelled by that app.
    ELSEWHERE = "elsewhere"
    VISIT = "visit"
    CASE_NOTE = "case_note"
    MIDWAY_REVIEW = "midway_review"
    DATE_CHANGE = "date_change"
    REVIEW = "review"
    CARE_ENDED = "care_ended"

    ORDER = (
        CARE_STARTED,
        ALLOCATION,
        SIGNIFICANT_CHANGE,
        ELSEWHERE,
        VISIT,
        CASE_NOTE,
        MIDWAY_REVIEW,
        DATE_CHANGE,
        REVIEW,
        CARE_ENDED,
    )
    LABELS = {
        CARE_STARTED: "Care",
        ALLOCATION: "IRO",
        SIGNIFICANT_CHANGE: "Significant change",
        ELSEWHERE: "Other",
        VISIT: "Visit",
        CASE_NOTE: "Case note",
        MIDWAY_REVIEW: "Midway review",
        DATE_CHANGE: "Review date",
        REVIEW: "Review",
        CARE_ENDED: "Care",
    }


@dataclass(frozen=True)
class TimelineEntry:
    date: date
    kind: str
    title: str
    detail: str = ""
    url: str | None = None
    #: Further lines shown as a list, e.g. each action's progress at a midway review.
    lines: tuple[str, ...] = ()
    #: A short status shown as a tag, e.g. "Not acknowledged".
    tag: str = ""
    #: Breaks ties between entries of the same kind on the same day (newest record first).
    order: int = field(default=0, compare=False)
    #: What an entry of another app (``Kind.ELSEWHERE``) is, e.g. "Child protection".
    label: str = ""

    @property
    def kind_label(self) -> str:
        return self.label or Kind.LABELS[self.kind]

    def sort_key(self) -> tuple:
        return (self.date, Kind.ORDER.index(self.kind), self.order)


def _name(user: User) -> str:
    return (user.get_full_name() or user.username) if user is not None else "–"


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _review_entries(child: Child, cancel_reasons: dict[int, str]) -> list[TimelineEntry]:
    entries = []
    for review in Review.objects.filter(child=child).select_related("chair"):
        kind_of_review = review.get_review_type_display() or "Review"
        url = reverse("reviews:detail", args=[review.pk])
        if review.status == ReviewStatus.HELD:
            entries.append(
                TimelineEntry(
                    date=review.held_on,
                    kind=Kind.REVIEW,
                    title=f"{kind_of_review} held",
                    detail=(f"Chaired by {_name(review.chair)}. " if review.chair_id else "Chair not recorded. ")
                    + f"Participation {review.participation_code}: {review.get_participation_code_display()}.",
                    url=url,
                    order=review.pk,
                )
            )
        elif review.status == ReviewStatus.BOOKED:
            entries.append(
                TimelineEntry(
                    date=review.booked_for,
                    kind=Kind.REVIEW,
                    title="Review booked",
                    detail=f"Booked for {_day(review.booked_for)}" + (f" at {review.venue}." if review.venue else "."),
                    url=url,
                    tag="Booked",
                    order=review.pk,
                )
            )
        else:
            reason = cancel_reasons.get(review.pk)
            entries.append(
                TimelineEntry(
                    date=review.cancelled_on or review.booked_for,
                    kind=Kind.REVIEW,
                    title="Review cancelled",
                    detail=f"It was booked for {_day(review.booked_for)}." + (f" Reason: {reason}" if reason else ""),
                    url=url,
                    tag="Cancelled",
                    order=review.pk,
                )
            )
    return entries


def _date_change_entries(child: Child) -> tuple[list[TimelineEntry], dict[int, str]]:
    """Postponements and bringing forward as entries; the reasons for cancelling, by review,
    which the cancelled review's own entry shows."""
    entries, cancel_reasons = [], {}
    for change in ReviewDateChange.objects.filter(review__child=child).select_related("changed_by"):
        if change.kind == DateChangeKind.CANCELLED:
            cancel_reasons[change.review_id] = change.reason
            continue
        entries.append(
            TimelineEntry(
                date=timezone.localdate(change.created_at),
                kind=Kind.DATE_CHANGE,
                title=f"Review {change.get_kind_display().lower()}",
                detail=f"From {_day(change.from_date)} to {_day(change.to_date)}. Reason: {change.reason} "
                f"(recorded by {_name(change.changed_by)}, with the IRO's consent)",
                url=reverse("reviews:detail", args=[change.review_id]),
                order=change.pk,
            )
        )
    return entries, cancel_reasons


def _visit_entries(child: Child) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            date=visit.visited_on,
            kind=Kind.VISIT,
            title="IRO visited the child" + (" and saw them alone" if visit.seen_alone else ""),
            detail=f"{_name(visit.iro)}: {visit.notes}",
            order=visit.pk,
        )
        for visit in Visit.objects.filter(child=child).select_related("iro")
    ]


def _midway_entries(child: Child) -> list[TimelineEntry]:
    progress = ActionProgress.objects.select_related("action").order_by("action__due_on", "pk")
    midways = (
        MidwayReview.objects.filter(child=child)
        .select_related("iro")
        .prefetch_related(Prefetch("progress", queryset=progress))
    )
    return [
        TimelineEntry(
            date=midway.held_on,
            kind=Kind.MIDWAY_REVIEW,
            title=f"Held by {_name(midway.iro)}",
            detail=midway.notes,
            lines=tuple(
                f"{p.action.description} ({p.action.owner}, by {_day(p.action.due_on)}): "
                f"{ActionStatus(p.status).label}" + (f". {p.note}" if p.note else "")
                for p in midway.progress.all()
            ),
            order=midway.pk,
        )
        for midway in midways
    ]


def _case_note_entries(child: Child) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            date=note.written_on,
            kind=Kind.CASE_NOTE,
            title=f"Written by {_name(note.author)}",
            detail=note.text,
            order=note.pk,
        )
        for note in CaseNote.objects.filter(child=child).select_related("author")
    ]


def _significant_change_entries(child: Child) -> list[TimelineEntry]:
    entries = []
    for change in SignificantChange.objects.filter(child=child).select_related("recorded_by", "acknowledged_by"):
        if change.acknowledged_on:
            tag = "Acknowledged"
            response = (
                f" Acknowledged by {_name(change.acknowledged_by)} on {_day(change.acknowledged_on)}: "
                f"{change.iro_response}"
            )
        else:
            tag, response = "Not acknowledged", ""
        entries.append(
            TimelineEntry(
                date=change.occurred_on,
                kind=Kind.SIGNIFICANT_CHANGE,
                title=change.get_category_display(),
                detail=f"{change.description} (recorded by {_name(change.recorded_by)}).{response}",
                url=reverse("children:significant_change_acknowledge", args=[change.pk]),
                tag=tag,
                order=change.pk,
            )
        )
    return entries


def _episode_entries(child: Child) -> list[TimelineEntry]:
    entries = []
    for episode in CareEpisode.objects.filter(child=child):
        placement = (
            f"{episode.legal_status}: {episode.get_legal_status_display()}. Placement {episode.placement_type}: "
        )
        placement += f"{episode.get_placement_type_display()}."
        entries.append(
            TimelineEntry(
                date=episode.started_on,
                kind=Kind.CARE_STARTED,
                title="Became looked after"
                if episode.reason_new_episode == ReasonNewEpisode.S
                else episode.get_reason_new_episode_display(),
                detail=placement,
                order=episode.pk,
            )
        )
        if episode.ended_on is not None and episode.reason_ceased != ReasonEpisodeCeased.X1:
            entries.append(
                TimelineEntry(
                    date=episode.ended_on,
                    kind=Kind.CARE_ENDED,
                    title="Left care",
                    detail=f"{episode.reason_ceased}: {episode.get_reason_ceased_display()}.",
                    order=episode.pk,
                )
            )
    return entries


def _allocation_entries(child: Child) -> list[TimelineEntry]:
    entries = []
    for allocation in IROAllocation.objects.filter(child=child).select_related("iro", "allocated_by"):
        by = f"Allocated by {_name(allocation.allocated_by)}." if allocation.allocated_by else ""
        entries.append(
            TimelineEntry(
                date=allocation.started_on,
                kind=Kind.ALLOCATION,
                title=(
                    f"{_name(allocation.iro)} became the IRO"
                    if allocation.work == AllocationWork.LOOKED_AFTER
                    else f"{_name(allocation.iro)} became the chair of child protection conferences"
                ),
                detail=" ".join(part for part in (f"{allocation.reason}." if allocation.reason else "", by) if part),
                order=allocation.pk,
            )
        )
    return entries


def child_timeline(child: Child) -> list[TimelineEntry]:
    """Every dated entry of the child's record and the IRO's footprint, newest first."""
    date_changes, cancel_reasons = _date_change_entries(child)
    entries = [
        *_review_entries(child, cancel_reasons),
        *date_changes,
        *_visit_entries(child),
        *_midway_entries(child),
        *_case_note_entries(child),
        *_significant_change_entries(child),
        *_episode_entries(child),
        *_allocation_entries(child),
        *(entry for path in settings.CHILD_TIMELINE_ENTRIES for entry in import_string(path)(child=child)),
    ]
    return sorted(entries, key=TimelineEntry.sort_key, reverse=True)
