"""The cached dates of child protection work, refreshed from the facts whenever they change
(docs/rules.md#child-protection: "a stored date is a cache of a pure function of the facts").

* ``Conference.due_on`` (with ``due_rule`` and ``due_reason``): an initial conference's is
  ``deadlines.initial_due`` of its strategy discussion; a review conference's, the earliest next
  due date of the open plans of its children.
* ``Conference.minutes_due_on``: the local target after the day it was held.
* ``ProtectionPlan.next_review_due_on`` (with rule and reason), ``last_conference_on`` and
  ``review_conferences_held``: ``deadlines.next_review_due`` over the review conferences held
  for the plan. Empty once the plan has ended.

The services call these inside their transaction after every change of a fact (a conference
held, moved, cancelled or corrected; a plan started or ended), so a correction never leaves a
stale date.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from reviews.calendar import local_non_working_days, statutory_non_working_days

from . import deadlines
from .codes import ConferenceKind, ConferenceStatus
from .models import Conference, ConferenceChild, ProtectionPlan


def plan_refresh(plan: ProtectionPlan) -> ProtectionPlan:
    """Recompute the plan's cached dates from the review conferences held for it."""
    held = sorted(
        ConferenceChild.objects.filter(
            plan=plan, conference__status=ConferenceStatus.HELD, conference__kind=ConferenceKind.REVIEW
        ).values_list("conference__held_on", flat=True)
    )
    plan.review_conferences_held = len(held)
    plan.last_conference_on = held[-1] if held else plan.started_on
    if plan.ended_on is None:
        due = deadlines.next_review_due(started_on=plan.started_on, review_conferences_held=held)
        plan.next_review_due_on, plan.next_review_rule, plan.next_review_reason = due.due_on, due.rule, due.reason
    else:
        plan.next_review_due_on, plan.next_review_rule, plan.next_review_reason = None, "", ""
    ProtectionPlan.objects.filter(pk=plan.pk).update(
        review_conferences_held=plan.review_conferences_held,
        last_conference_on=plan.last_conference_on,
        next_review_due_on=plan.next_review_due_on,
        next_review_rule=plan.next_review_rule,
        next_review_reason=plan.next_review_reason,
    )
    return plan


def plans_refresh(plans: Iterable[ProtectionPlan]) -> None:
    for plan in plans:
        plan_refresh(plan)


def conference_due_refresh(conference: Conference) -> Conference:
    """Recompute the conference's due date (and, once held, its minutes' due date)."""
    if conference.kind == ConferenceKind.INITIAL and conference.strategy_discussion_on is not None:
        start = conference.strategy_discussion_on
        due = deadlines.initial_due(start, non_working=statutory_non_working_days(start, start))
        conference.due_on, conference.due_rule, conference.due_reason = due.due_on, due.rule, due.reason
    else:
        plan = (
            ProtectionPlan.objects.filter(conference_places__conference=conference, next_review_due_on__isnull=False)
            .order_by("next_review_due_on", "pk")
            .first()
        )
        if plan is not None and conference.status != ConferenceStatus.HELD:
            conference.due_on, conference.due_rule, conference.due_reason = (
                plan.next_review_due_on,
                plan.next_review_rule,
                plan.next_review_reason,
            )
        elif conference.status != ConferenceStatus.HELD:
            conference.due_on, conference.due_rule, conference.due_reason = None, "", ""
    if conference.held_on is not None:
        conference.minutes_due_on = deadlines.minutes_due(
            conference.held_on,
            working_days=settings.CP_MINUTES_WORKING_DAYS,
            non_working=local_non_working_days(conference.held_on, conference.held_on),
        )
    else:
        conference.minutes_due_on = None
    Conference.objects.filter(pk=conference.pk).update(
        due_on=conference.due_on,
        due_rule=conference.due_rule,
        due_reason=conference.due_reason,
        minutes_due_on=conference.minutes_due_on,
    )
    return conference
