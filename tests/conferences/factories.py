"""Child protection work for tests, built from rows (not through the services, which the
service tests exercise): a chair allocation, an initial conference with each child's outcome,
review conferences, and the cached dates refreshed as the services refresh them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from children.codes import AllocationWork
from children.models import Child, IROAllocation
from conferences.codes import (
    CATEGORY_FIELDS,
    MULTIPLE_CATEGORIES,
    AbuseCategory,
    ConferenceKind,
    ConferenceStatus,
    Outcome,
    PlanEndReason,
)
from conferences.models import Conference, ConferenceChild, ProtectionPlan
from conferences.schedule import conference_due_refresh, plan_refresh
from iro_service import roles
from tests.factories import ChildFactory, UserFactory, make_iro


def make_cp_chair(**kwargs):
    """A child protection chair who is not an IRO."""
    return UserFactory(role=roles.CP_CHAIR, **kwargs)


def allocate_chair(child: Child, chair, *, started_on: dt.date) -> IROAllocation:
    return IROAllocation.objects.create(
        child=child, iro=chair, started_on=started_on, work=AllocationWork.CHILD_PROTECTION
    )


def make_cp_children(n: int = 2, *, family: str = "Test", **fields) -> list[Child]:
    """``n`` brothers and sisters, not in care, born a year apart from 2015."""
    return [ChildFactory(last_name=family, date_of_birth=dt.date(2015 + i, 3, 10), **fields) for i in range(n)]


def _category_code(categories: Sequence[str]) -> str:
    return categories[0] if len(categories) == 1 else MULTIPLE_CATEGORIES


def make_icpc(
    children: Iterable[Child],
    *,
    strategy_on: dt.date,
    s47_on: dt.date | None = None,
    chair=None,
    booked_for: dt.date | None = None,
    held_on: dt.date | None = None,
    outcomes: Mapping[Child, str] | None = None,
    categories: Mapping[Child, Sequence[str]] | None = None,
    requested_on: dt.date | None = None,
    family_name: str | None = None,
) -> Conference:
    """An initial conference for ``children``: requested (no chair), booked (a chair and
    ``booked_for``) or held (``held_on``; each child's outcome, a plan by default, in neglect).
    The chair is allocated to every child from the request date; a plan starts on the day held."""
    children = list(children)
    status = ConferenceStatus.HELD if held_on else ConferenceStatus.BOOKED if booked_for else ConferenceStatus.REQUESTED
    conference = Conference.objects.create(
        kind=ConferenceKind.INITIAL,
        status=status,
        family_name=family_name or children[0].last_name,
        requested_on=requested_on or strategy_on,
        strategy_discussion_on=strategy_on,
        section_47_started_on=s47_on or strategy_on,
        social_worker="Sam Social",
        chair=chair,
        booked_for=booked_for or held_on,
        held_on=held_on,
    )
    for child in children:
        place = ConferenceChild(conference=conference, child=child)
        if chair is not None and not IROAllocation.objects.child_protection().open().filter(child=child).exists():
            allocate_chair(child, chair, started_on=requested_on or strategy_on)
        if held_on:
            outcome = (outcomes or {}).get(child, Outcome.PLAN)
            place.outcome = outcome
            cats = list((categories or {}).get(child, [AbuseCategory.NEGLECT]))
            if outcome == Outcome.PLAN:
                for category in cats:
                    setattr(place, CATEGORY_FIELDS[AbuseCategory(category)], True)
                earlier = ProtectionPlan.objects.filter(child=child).count()
                place.plan = ProtectionPlan.objects.create(
                    child=child,
                    initial_conference=conference,
                    started_on=held_on,
                    sequence=earlier + 1,
                    initial_category=_category_code(cats),
                    latest_category=_category_code(cats),
                )
                plan_refresh(place.plan)
            elif chair is not None:
                IROAllocation.objects.child_protection().open().filter(child=child).update(ended_on=held_on)
        place.save()
    conference_due_refresh(conference)
    return conference


def make_rcpc(
    plans: Iterable[ProtectionPlan],
    *,
    held_on: dt.date | None = None,
    booked_for: dt.date | None = None,
    chair=None,
    ends: Mapping[ProtectionPlan, str] | None = None,
) -> Conference:
    """A review conference for ``plans`` (one family): booked, or held on ``held_on`` where each
    plan continues unless ``ends`` gives its end reason."""
    plans = list(plans)
    conference = Conference.objects.create(
        kind=ConferenceKind.REVIEW,
        status=ConferenceStatus.HELD if held_on else ConferenceStatus.BOOKED,
        family_name=plans[0].child.last_name,
        chair=chair,
        booked_for=booked_for or held_on,
        held_on=held_on,
    )
    for plan in plans:
        place = ConferenceChild(conference=conference, child=plan.child, plan=plan)
        if held_on:
            reason = (ends or {}).get(plan)
            place.outcome = Outcome.ENDS if reason else Outcome.CONTINUES
            place.category_neglect = True
            if reason:
                place.end_reason = reason
                plan.ended_on, plan.end_reason, plan.ending_conference = held_on, reason, conference
                plan.save()
                IROAllocation.objects.child_protection().open().filter(child=plan.child).update(ended_on=held_on)
        place.save()
        plan_refresh(plan)
    conference_due_refresh(conference)
    return conference


__all__ = [
    "PlanEndReason",
    "allocate_chair",
    "make_cp_chair",
    "make_cp_children",
    "make_icpc",
    "make_iro",
    "make_rcpc",
]
