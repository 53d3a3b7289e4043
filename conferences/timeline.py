"""What child protection work adds to a child's timeline (``CHILD_TIMELINE_ENTRIES``; the
timeline is reviews/timeline.py, which never imports conferences): each conference the child was
part of that was held, with the decision for them, and each plan started and ended
(docs/rules.md#child-protection). Two queries whatever the number of conferences or plans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviews.timeline import Kind, TimelineEntry

from .codes import ConferenceStatus, PlanEndReason
from .models import ConferenceChild, ProtectionPlan

if TYPE_CHECKING:
    from children.models import Child

LABEL = "Child protection"
#: On the day of a conference, the plan it started or ended shows above it (newest first).
_CONFERENCE, _PLAN = 0, 1


def _day(value) -> str:
    return f"{value:%-d %B %Y}"


def child_protection_entries(*, child: Child) -> list[TimelineEntry]:
    entries = []
    places = (
        ConferenceChild.objects.filter(child=child, conference__status=ConferenceStatus.HELD)
        .select_related("conference", "conference__chair")
        .order_by("conference__held_on", "pk")
    )
    for place in places:
        conference = place.conference
        chair = conference.chair.get_full_name() if conference.chair is not None else ""
        categories = ", ".join(str(category.label) for category in place.categories)
        detail = " ".join(
            part
            for part in (
                f"Decision: {place.get_outcome_display()}." if place.outcome else "",
                f"Categories: {categories}." if categories else "",
                f"Chaired by {chair}." if chair else "",
            )
            if part
        )
        entries.append(
            TimelineEntry(
                date=conference.held_on,
                kind=Kind.ELSEWHERE,
                label=LABEL,
                title=f"{conference.get_kind_display()} held",
                detail=detail,
                order=_CONFERENCE,
            )
        )
    for plan in ProtectionPlan.objects.filter(child=child).select_related("care_episode"):
        entries.append(
            TimelineEntry(
                date=plan.started_on,
                kind=Kind.ELSEWHERE,
                label=LABEL,
                title="Child protection plan started",
                detail=f"Plan {plan.sequence} of the child.",
                order=_PLAN,
            )
        )
        if plan.ended_on is not None:
            detail = plan.get_end_reason_display() + (f": {plan.end_reason_detail}" if plan.end_reason_detail else "")
            if plan.end_reason == PlanEndReason.INTO_CARE and plan.care_episode is not None:
                detail += f". Looked after from {_day(plan.care_episode.started_on)}"
            entries.append(
                TimelineEntry(
                    date=plan.ended_on,
                    kind=Kind.ELSEWHERE,
                    label=LABEL,
                    title="Child protection plan ended",
                    detail=f"{detail}.",
                    order=_PLAN,
                )
            )
    return entries
