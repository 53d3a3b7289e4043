"""Disputes panels shown on pages of other apps, which list them in settings so that they
never import ``disputes``:

* ``disputes_since_last_review`` on the review record form (``REVIEW_FORM_SECTIONS``): at each
  review the IRO reports the disputes raised, escalated or resolved since the last one
  (docs/rules.md#disputes, docs/sources.md#thurrock-2011 section 4);
* ``child_disputes`` on the child's record (``CHILD_RECORD_SECTIONS``).

Each returns its template's context with the template under ``"template"``, in a fixed number
of queries whatever the number of disputes or steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from children.models import CareEpisode, Child
from reviews.models import Review

from . import ladder
from .codes import DisputeStatus
from .models import Dispute, DisputeStep

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class SinceRow:
    dispute: Dispute
    stage: str
    #: What happened on or after the date, oldest first: "Raised at stage 1 on 2 November 2026".
    events: list[str]


@dataclass(frozen=True)
class OpenRow:
    dispute: Dispute
    stage: str
    response_due_on: date | None
    responded_on: date | None
    response_overdue: bool


def _since_when(child: Child) -> tuple[date | None, str]:
    """The date of the child's last held review, or if none the start of their current period
    of care, and what it is. (None, "") when neither exists."""
    held_on = Review.objects.held().filter(child=child).order_by("-held_on").values_list("held_on", flat=True).first()
    if held_on is not None:
        return held_on, "last review"
    started_on = (
        CareEpisode.objects.filter(child=child, reason_new_episode="S")
        .order_by("-started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    return (started_on, "start of this period of care") if started_on is not None else (None, "")


def _events(dispute: Dispute, since: date | None) -> list[str]:
    steps = list(dispute.steps.all())  # prefetched, in order
    events = []
    for index, step in enumerate(steps):
        if since is not None and step.raised_on < since:
            continue
        when = f"{step.raised_on:%-d %B %Y}"
        if step.stage.is_cafcass:
            events.append(f"Referred to CAFCASS on {when}")
        elif index == 0:
            at = "informal resolution" if step.stage.number == 0 else f"stage {step.stage.number}"
            events.append(f"Raised at {at} on {when}")
        elif step.bypass_reason:
            skipped_from = ladder.stage_words(steps[index - 1].stage.number)
            events.append(
                f"Escalated from {skipped_from} to stage {step.stage.number} on {when}, bypassing stages: "
                f"{step.bypass_reason}"
            )
        else:
            events.append(f"Escalated to stage {step.stage.number} on {when}")
    closed_since = dispute.closed_on is not None and (since is None or dispute.closed_on >= since)
    if closed_since and dispute.status != DisputeStatus.REFERRED:  # a referral is its own step above
        events.append(f"{dispute.get_status_display()} on {dispute.closed_on:%-d %B %Y}")
    return events


def disputes_since_last_review(*, child: Child, user: User, today: date) -> dict[str, Any]:
    """The disputes about ``child`` raised, escalated or closed since their last held review
    (or, before the first review, since the start of the period of care), for the review
    record form. Three queries (four before the first review): the date, the disputes with
    their current stage, their steps with the stage."""
    since, since_what = _since_when(child)
    disputes = Dispute.objects.visible_to(user, on=today).filter(child=child)
    if since is not None:
        disputes = disputes.since(since)
    disputes = (
        disputes.select_related("current_stage")
        .prefetch_related(Prefetch("steps", queryset=DisputeStep.objects.select_related("stage")))
        .order_by("opened_on", "pk")
    )
    return {
        "template": "disputes/_since_last_review.html",
        "child": child,
        "since": since,
        "since_what": since_what,
        "rows": [SinceRow(dispute, dispute.current_stage.label, _events(dispute, since)) for dispute in disputes],
        "today": today,
    }


def child_disputes(*, child: Child, user: User, today: date) -> dict[str, Any]:
    """The disputes panel of the child's record: how many are open and closed, and the open
    ones with their stage and response date. Two queries."""
    disputes = Dispute.objects.visible_to(user, on=today).filter(child=child)
    counts = disputes.aggregate(
        open=Count("pk", filter=Q(status=DisputeStatus.OPEN)),
        closed=Count("pk", filter=~Q(status=DisputeStatus.OPEN)),
    )
    current_step = DisputeStep.objects.filter(dispute=OuterRef("pk"), ended_on__isnull=True)
    open_disputes = list(
        disputes.open()
        .select_related("current_stage")
        .annotate(
            response_due_on=Subquery(current_step.values("response_due_on")[:1]),
            responded_on=Subquery(current_step.values("responded_on")[:1]),
        )
        .order_by("opened_on", "pk")
    )
    return {
        "template": "disputes/_child_record_section.html",
        "child": child,
        "open_count": counts["open"],
        "closed_count": counts["closed"],
        "open_rows": [
            OpenRow(
                dispute=dispute,
                stage=dispute.current_stage.label,
                response_due_on=dispute.response_due_on,
                responded_on=dispute.responded_on,
                response_overdue=bool(
                    dispute.response_due_on and dispute.responded_on is None and dispute.response_due_on < today
                ),
            )
            for dispute in open_disputes
        ],
        "today": today,
    }
