"""What the conferences app adds to the pages of ``children``, which never imports it: the child
protection panel of a child's record (``CHILD_RECORD_SECTIONS``; docs/rules.md#child-protection),
and the chair's conferences and child protection flags on the home page (``HOME_SECTIONS``, drawn
by ``reviews.views.reviews.home`` for IROs and ``conferences.views.home.home`` for child
protection chairs).

The panel says whether the child is on a plan now (since when, in which categories, which plan
of theirs it is, who chairs their conferences, when the next review conference is due and why,
the core group and the plan's open actions), their earlier plans (dates, length, how each
ended), and the conferences they were part of (date, kind, decision). A child on a plan who is
also looked after (the step-up) has both histories on the one record: this panel beside the
reviews panel and the care episodes, with a note that says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Prefetch

from children.models import CoverArrangement
from reviews.codes import ActionStatus, FlagKind
from reviews.digests import CP_DUE_LABELS
from reviews.due_reasons import ordinal
from reviews.models import DeadlineFlag

from .codes import MULTIPLE_CATEGORIES, AbuseCategory, ConferenceStatus
from .deadlines import plan_length_months
from .models import Conference, ConferenceChild, CoreGroupMember, PlanAction, ProtectionPlan

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from children.models import Child


def category_words(code: str, place: ConferenceChild | None = None) -> str:
    """A plan's category in words; for ``MUL``, the categories ticked at the latest conference."""
    if code == MULTIPLE_CATEGORIES:
        if place is not None and place.categories:
            return ", ".join(str(category.label) for category in place.categories)
        return "Multiple categories"
    try:
        return str(AbuseCategory(code).label)
    except ValueError:
        return code


@dataclass(frozen=True)
class PastPlan:
    plan: ProtectionPlan
    months: int
    category: str


@dataclass(frozen=True)
class Attended:
    place: ConferenceChild
    decision: str
    categories: str


def child_protection_section(*, child: Child, user: User, today: date) -> dict[str, Any]:
    """The child protection panel: four queries whatever the number of plans, conferences, core
    group members or actions (the plans with what ended or started them and their care episode;
    the current core group; the open actions; the conferences the child was part of), two for a
    child with no plan. The chair comes from ``Child.current_chair_allocation``, which
    ``ChildQuerySet.for_record()`` prefetched."""
    core_group = CoreGroupMember.objects.current(on=today).order_by("agency", "name", "pk")
    actions = PlanAction.objects.filter(status=ActionStatus.OPEN).order_by("due_on", "pk")
    plans = list(
        ProtectionPlan.objects.visible_to(user, on=today)
        .filter(child=child)
        .select_related("initial_conference", "ending_conference", "care_episode")
        .prefetch_related(
            Prefetch("core_group", queryset=core_group, to_attr="current_core_group"),
            Prefetch("actions", queryset=actions, to_attr="open_actions"),
        )
        .order_by("-started_on", "-pk")
    )
    places = list(
        ConferenceChild.objects.visible_to(user, on=today)
        .filter(child=child)
        .filter(conference__status__in=[ConferenceStatus.HELD, ConferenceStatus.BOOKED])
        .select_related("conference")
        .order_by("-conference__held_on", "-conference__booked_for", "-pk")
    )
    current = next((plan for plan in plans if plan.ended_on is None), None)
    latest_place = next((p for p in places if current is not None and p.plan_id == current.pk and p.outcome), None)
    episode = child.current_episode
    return {
        "template": "conferences/_child_record_section.html",
        "child": child,
        "chair": child.current_chair_allocation,
        "current": current,
        "current_sequence": ordinal(current.sequence) if current is not None else "",
        "current_category": category_words(current.latest_category, latest_place) if current is not None else "",
        "months_on_plan": plan_length_months(current.started_on, today) if current is not None else None,
        # The step-up: on a plan and looked after now.
        "stepped_up": current is not None and episode is not None,
        "episode": episode,
        "past": [
            PastPlan(plan, plan_length_months(plan.started_on, plan.ended_on), category_words(plan.latest_category))
            for plan in plans
            if plan.ended_on is not None
        ],
        "attended": [
            Attended(
                place,
                place.get_outcome_display() if place.outcome else "Not held yet",
                ", ".join(str(category.label) for category in place.categories),
            )
            for place in places
        ],
        "has_any": bool(plans or places or child.current_chair_allocation),
        "today": today,
    }


#: How far ahead the home page lists a chair's booked conferences.
UPCOMING_WEEKS = 8
CP_FLAG_KINDS = list(CP_DUE_LABELS)


def home_conferences(*, user: User, today: date) -> dict[str, Any]:
    """The chair's booked conferences of the next ``UPCOMING_WEEKS`` weeks (their own and those
    of the IROs they cover) with the due date and whether each is late, and the open child
    protection flags of the same chairs: two queries, whatever the number. Nothing for a user
    who chairs no conferences."""
    section: dict[str, Any] = {"template": "conferences/_home_section.html", "child_ids": []}
    if not (settings.CHAIRS_CHILD_PROTECTION_CONFERENCES and user.has_perm("conferences.chair_conference")):
        return section | {"shown": False}
    until = today + timedelta(weeks=UPCOMING_WEEKS)
    conferences = list(Conference.objects.upcoming_for_chair(user, on=today, until=until))
    flags = list(
        DeadlineFlag.objects.open()
        .filter(kind__in=CP_FLAG_KINDS, iro__in=CoverArrangement.objects.iros_of(user, on=today))
        .select_related("child")
        .order_by("due_on", "child__last_name", "child__first_name", "pk")
    )
    rows = [
        {"flag": flag, "label": FlagKind(flag.kind).label, "due_label": CP_DUE_LABELS[FlagKind(flag.kind)]}
        for flag in flags
    ]
    return section | {
        "shown": True,
        "user": user,
        "until": until,
        "weeks": UPCOMING_WEEKS,
        "conferences": conferences,
        "flags": rows,
        "child_ids": sorted({flag.child_id for flag in flags}),
    }
