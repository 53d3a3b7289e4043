"""The manager's side of child protection conferences (docs/rules.md#child-protection): a request
for an initial conference from the social work team, the chair's allocation, booking the initial
conference and the family's review conferences, moving and cancelling them.

Each service runs in one transaction, refuses anyone without ``conferences.manage_conferences``,
claims the conference's ``version`` where the form carried one (``claim_version``), writes one
audit event per child of the conference, and refreshes the cached due dates
(``conferences.schedule``). Booking warnings (late, weekend, bank holiday, closure day, the chair
busy) never refuse: the page asks to confirm them ("Book anyway").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from children.codes import AllocationWork
from children.models import Child, IROAllocation
from iro_service import roles
from iro_service.audit import audit_record
from iro_service.concurrency import claim_version
from iro_service.models import AuditAction
from iro_service.services import require_not_future, save_validated
from reviews.booking_warnings import BookingWarning, OtherBooking, booking_warnings
from reviews.deadlines import england_bank_holidays
from reviews.models import ClosureDay, Review

from ..codes import ConferenceKind, ConferenceStatus
from ..models import Conference, ConferenceChild, ProtectionPlan
from ..schedule import conference_due_refresh, plans_refresh

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MANAGE = "conferences.manage_conferences"
CHAIR = "conferences.chair_conference"
#: How long a conference lasts when no length is given (``Conference.duration_minutes``).
DEFAULT_MINUTES = 120
OPEN = (ConferenceStatus.REQUESTED, ConferenceStatus.BOOKED)


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def require_manager(user: User) -> None:
    if not user.has_perm(MANAGE):
        raise PermissionDenied("Only a manager can request, allocate, book, move or cancel conferences.")


def chairs():
    """Everyone who may chair a conference: active IROs and child protection chairs, each with
    their child protection load (``cp_children``, open allocations of that kind), counted from
    the open-allocations index of each chair (not a join to every allocation ever made)."""
    load = (
        IROAllocation.objects.child_protection()
        .filter(iro=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("iro")
        .annotate(n=Count("pk"))
        .values("n")
    )
    chair_ids = (
        get_user_model().groups.through.objects.filter(group__name__in=[roles.IRO, roles.CP_CHAIR]).values("user_id")
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=chair_ids)
        .annotate(cp_children=Coalesce(Subquery(load), 0))
        .order_by("last_name", "first_name", "pk")
    )


def _references(children: Iterable[Child]) -> str:
    return ", ".join(child.local_reference for child in children)


def _audit(conference: Conference, *, by: User, summary: str, action=AuditAction.UPDATED, changes=None) -> None:
    """One event per child of the conference: each child's audit trail shows it."""
    for child_id in conference.places.values_list("child_id", flat=True):
        audit_record(actor=by, action=action, child_id=child_id, obj=conference, summary=summary, changes=changes or {})


def _locked(conference: Conference, *, version: int | None) -> Conference:
    """The conference as saved now, locked; with ``version``, claimed (``StaleEditError`` if
    someone changed it since the form was loaded)."""
    fresh = Conference.objects.select_for_update().get(pk=conference.pk)
    if version is not None:
        claim_version(fresh, expected_version=version)
    else:
        fresh.version += 1
    return fresh


def _refresh(conference: Conference) -> None:
    conference_due_refresh(conference)
    plans_refresh(ProtectionPlan.objects.filter(conference_places__conference=conference))


# --------------------------------------------------------------------------- the request


def _refuse_dates(*, requested_on: date, strategy_on: date, s47_on: date, today: date) -> None:
    """Dates that have happened, in an order that can happen. The strategy discussion usually
    comes first or on the same day as the section 47 enquiry, but after emergency action the
    enquiry may start first (Working Together), so only a request received before either is refused."""
    require_not_future(requested_on, today=today, field="requested_on", what="The date the request was received")
    require_not_future(strategy_on, today=today, field="strategy_discussion_on", what="The strategy discussion")
    require_not_future(s47_on, today=today, field="section_47_started_on", what="The start of the section 47 enquiry")
    if requested_on < strategy_on:
        raise ValidationError(
            {
                "requested_on": "The date the request was received must be the same as or after the strategy "
                f"discussion on {_day(strategy_on)}"
            }
        )
    if requested_on < s47_on:
        raise ValidationError(
            {
                "requested_on": "The date the request was received must be the same as or after the start of "
                f"the section 47 enquiry on {_day(s47_on)}"
            }
        )


def _refuse_children_with_open_work(children: Sequence[Child]) -> None:
    on_plan = set(
        ProtectionPlan.objects.filter(child__in=children, ended_on__isnull=True).values_list("child_id", flat=True)
    )
    awaiting = set(
        ConferenceChild.objects.filter(
            child__in=children, conference__kind=ConferenceKind.INITIAL, conference__status__in=OPEN
        ).values_list("child_id", flat=True)
    )
    problems = []
    if planned := [c for c in children if c.pk in on_plan]:
        problems.append(f"{_references(planned)} already {'has' if len(planned) == 1 else 'have'} a plan")
    if waiting := [c for c in children if c.pk in awaiting]:
        problems.append(
            f"{_references(waiting)} already {'has' if len(waiting) == 1 else 'have'} an initial conference "
            "requested or booked"
        )
    if problems:
        raise ValidationError({"children": "; ".join(problems) + ". Remove them from the request."})


@transaction.atomic
def conference_request(
    *,
    children: Iterable[Child],
    family_name: str,
    requested_on: date,
    strategy_discussion_on: date,
    section_47_started_on: date,
    social_worker: str,
    social_work_team: str = "",
    by: User,
    today: date | None = None,
) -> Conference:
    """Record the social work team's request for an initial conference for one child or several
    brothers and sisters (held per family, decided per child). Its due date is 15 working days
    after the strategy discussion (``deadlines.initial_due``)."""
    today = today or timezone.localdate()
    require_manager(by)
    ids = {child.pk for child in children}
    if not ids:
        raise ValidationError({"children": "Enter the local reference of at least one child."})
    locked = list(Child.objects.select_for_update().filter(pk__in=ids).order_by("date_of_birth", "pk"))
    _refuse_children_with_open_work(locked)
    _refuse_dates(
        requested_on=requested_on, strategy_on=strategy_discussion_on, s47_on=section_47_started_on, today=today
    )
    if not family_name.strip():
        raise ValidationError({"family_name": "Enter the family's name"})
    conference = Conference(
        kind=ConferenceKind.INITIAL,
        status=ConferenceStatus.REQUESTED,
        family_name=family_name.strip(),
        requested_on=requested_on,
        requested_by=by,
        strategy_discussion_on=strategy_discussion_on,
        section_47_started_on=section_47_started_on,
        social_worker=social_worker.strip(),
        social_work_team=social_work_team.strip(),
    )
    save_validated(conference, by=by)
    for child in locked:
        save_validated(ConferenceChild(conference=conference, child=child), by=by)
    conference_due_refresh(conference)
    _audit(
        conference,
        by=by,
        action=AuditAction.CREATED,
        summary=f"Initial conference requested for the {conference.family_name} family "
        f"(strategy discussion {_day(strategy_discussion_on)})",
    )
    return conference


# --------------------------------------------------------------------------- the chair


def _require_chair(chair: User) -> None:
    may_chair = chair.is_active and chair.groups.filter(name__in=[roles.IRO, roles.CP_CHAIR]).exists()
    if not (may_chair and chair.has_perm(CHAIR)):
        name = chair.get_full_name() or chair.username
        raise ValidationError({"chair": f"{name} is not an active IRO or child protection chair."})


def _allocate_chair(child_id: int, *, chair: User, by: User, reason: str, today: date) -> None:
    """Open the child's child protection allocation to ``chair``, ending another chair's today."""
    current = (
        IROAllocation.objects.child_protection()
        .select_for_update()
        .filter(child_id=child_id, ended_on__isnull=True)
        .select_related("iro")
        .first()
    )
    if current is not None and current.iro_id == chair.pk:
        return
    name = chair.get_full_name() or chair.username
    if current is not None:
        current.ended_on = max(today, current.started_on)
        save_validated(current, by=by)
    allocation = IROAllocation(
        child_id=child_id,
        iro=chair,
        started_on=today if current is None else current.ended_on,
        reason=reason,
        allocated_by=by,
        work=AllocationWork.CHILD_PROTECTION,
    )
    save_validated(allocation, by=by)
    if current is None:
        action, summary, changes = AuditAction.ALLOCATED, f"Conference chair {name} allocated", {}
    else:
        old = current.iro.get_full_name() or current.iro.username
        action, summary = AuditAction.REALLOCATED, f"Conference chair changed from {old} to {name}"
        changes = {"iro": [old, name], "reason": [None, reason]}
    audit_record(actor=by, action=action, child_id=child_id, obj=allocation, summary=summary, changes=changes)


@transaction.atomic
def conference_allocate_chair(
    *,
    conference: Conference,
    chair: User,
    by: User,
    reason: str,
    version: int | None = None,
    today: date | None = None,
) -> Conference:
    """Give the family's conferences a chair (an IRO or a child protection chair): each child's
    open child protection allocation is the chair's from today, another chair's ended today
    (as ``children.services.allocation.allocation_change`` keeps the history)."""
    today = today or timezone.localdate()
    require_manager(by)
    _require_chair(chair)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this chair is allocated"})
    conference = _locked(conference, version=version)
    if conference.status not in OPEN:
        raise ValidationError("Only a requested or booked conference can be given a chair.")
    if conference.chair_id == chair.pk:
        raise ValidationError({"chair": f"{chair.get_full_name() or chair.username} already chairs this conference."})
    previous = conference.chair
    for child_id in conference.places.order_by("child_id").values_list("child_id", flat=True):
        _allocate_chair(child_id, chair=chair, by=by, reason=reason.strip(), today=today)
    conference.chair = chair
    save_validated(conference, by=by)
    name = chair.get_full_name() or chair.username
    _audit(
        conference,
        by=by,
        summary=f"{name} allocated to chair the {conference.get_kind_display().lower()}",
        changes={"chair": [str(previous or "") or None, name], "reason": [None, reason.strip()]},
    )
    return conference


# --------------------------------------------------------------------------- booking


def conference_booking_warnings(
    conference: Conference,
    day: date,
    *,
    starts_at: time | None = None,
    duration_minutes: int = DEFAULT_MINUTES,
    due_on: date | None = None,
    chair: User | None = None,
) -> list[BookingWarning]:
    """What to confirm before booking ``conference`` (or the family's review conference) for
    ``day``: after the due date, a weekend, a bank holiday, a closure day, or the chair busy with
    another conference or review that day (``reviews.booking_warnings``; never a refusal)."""
    due_on = due_on if due_on is not None else conference.due_on
    chair = chair if chair is not None else conference.chair
    others: list[OtherBooking] = []
    if chair is not None:
        meetings = Conference.objects.booked().filter(chair=chair, booked_for=day).exclude(pk=conference.pk)
        reviews = Review.objects.booked().filter(chair=chair, booked_for=day)
        for query in (meetings, reviews):
            others += [
                OtherBooking(day, o.starts_at, o.duration_minutes) for o in query.only("starts_at", "duration_minutes")
            ]
    warnings = []
    if due_on is not None and day > due_on:
        late = (day - due_on).days
        warnings.append(
            BookingWarning(
                "late",
                f"{_day(day)} is after the conference is due ({_day(due_on)}): "
                f"it would be {late} day{'s' if late != 1 else ''} late.",
            )
        )
    for warning in booking_warnings(
        day,
        due_on=None,
        bank_holidays=england_bank_holidays(day, day),
        closures=dict(ClosureDay.objects.filter(day=day).values_list("day", "reason")),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        others=others,
    ):
        text = warning.text.replace("another review", "another conference or review")
        warnings.append(BookingWarning(warning.kind, text))
    return warnings


def _check_date(booked_for: date, *, today: date, conference: Conference | None = None, field="booked_for") -> None:
    if booked_for < today:
        raise ValidationError({field: "The conference can only be booked for today or a later date."})
    strategy = conference.strategy_discussion_on if conference is not None else None
    if strategy is not None and booked_for < strategy:
        raise ValidationError(
            {field: f"The conference must be on or after the strategy discussion on {_day(strategy)}."}
        )


def _when(booked_for: date, starts_at: time | None) -> str:
    return _day(booked_for) + (f" at {starts_at:%H:%M}" if starts_at else "")


@transaction.atomic
def conference_book(
    *,
    conference: Conference,
    booked_for: date,
    starts_at: time | None = None,
    duration_minutes: int = DEFAULT_MINUTES,
    venue: str = "",
    by: User,
    version: int | None = None,
    today: date | None = None,
) -> Conference:
    """Book a requested initial conference, once it has a chair. Warnings never refuse
    (``conference_booking_warnings``); move a booked one with ``conference_move``."""
    today = today or timezone.localdate()
    require_manager(by)
    conference = _locked(conference, version=version)
    if conference.status != ConferenceStatus.REQUESTED:
        raise ValidationError("Only a requested conference can be booked. Move a booked one instead.")
    if conference.chair_id is None:
        raise ValidationError("Allocate a chair before booking the conference.")
    _check_date(booked_for, today=today, conference=conference)
    conference.status = ConferenceStatus.BOOKED
    conference.booked_for, conference.starts_at = booked_for, starts_at
    conference.duration_minutes = duration_minutes or DEFAULT_MINUTES
    conference.venue = venue.strip()
    save_validated(conference, by=by)
    _refresh(conference)
    _audit(conference, by=by, summary=f"Initial conference booked for {_when(booked_for, starts_at)}")
    return conference


def family_plans(initial_conference: Conference):
    """The open plans started at ``initial_conference``: one family's, reviewed together."""
    return ProtectionPlan.objects.filter(initial_conference=initial_conference, ended_on__isnull=True).select_related(
        "child"
    )


def family_chair(plans: Sequence[ProtectionPlan], initial_conference: Conference) -> User | None:
    """The chair of the family's review conferences: the chair allocated to its children now
    (the first child's), else the initial conference's."""
    allocation = (
        IROAllocation.objects.child_protection()
        .filter(child_id__in=[p.child_id for p in plans], ended_on__isnull=True)
        .select_related("iro")
        .order_by("child__date_of_birth", "pk")
        .first()
    )
    return allocation.iro if allocation is not None else initial_conference.chair


@transaction.atomic
def review_conference_book(
    *,
    initial_conference: Conference,
    booked_for: date,
    starts_at: time | None = None,
    duration_minutes: int = DEFAULT_MINUTES,
    venue: str = "",
    by: User,
    today: date | None = None,
) -> Conference:
    """Book the next review conference of every open plan the family's initial conference made:
    one conference, a place per plan, chaired by the family's chair, due on the earliest of the
    plans' next review dates (3 months after the initial, then 6 months apart)."""
    today = today or timezone.localdate()
    require_manager(by)
    Conference.objects.select_for_update().filter(pk=initial_conference.pk).values_list("pk", flat=True).first()
    plans = list(family_plans(initial_conference))
    if not plans:
        raise ValidationError("No child of this family is on a plan, so there is no review conference to book.")
    booked = Conference.objects.booked().filter(kind=ConferenceKind.REVIEW, places__plan__in=plans).first()
    if booked is not None and booked.booked_for is not None:
        raise ValidationError(
            f"A review conference is already booked for {_day(booked.booked_for)}. Move that one instead."
        )
    chair = family_chair(plans, initial_conference)
    if chair is None:
        raise ValidationError("Allocate a chair to the family before booking its review conference.")
    _check_date(booked_for, today=today)
    conference = Conference(
        kind=ConferenceKind.REVIEW,
        status=ConferenceStatus.BOOKED,
        family_name=initial_conference.family_name,
        social_worker=initial_conference.social_worker,
        social_work_team=initial_conference.social_work_team,
        chair=chair,
        booked_for=booked_for,
        starts_at=starts_at,
        duration_minutes=duration_minutes or DEFAULT_MINUTES,
        venue=venue.strip(),
    )
    save_validated(conference, by=by)
    for plan in plans:
        save_validated(ConferenceChild(conference=conference, child=plan.child, plan=plan), by=by)
    conference_due_refresh(conference)
    _audit(
        conference,
        by=by,
        action=AuditAction.CREATED,
        summary=f"Review conference booked for {_when(booked_for, starts_at)}",
    )
    return conference


@transaction.atomic
def conference_move(
    *,
    conference: Conference,
    booked_for: date,
    starts_at: time | None = None,
    duration_minutes: int = DEFAULT_MINUTES,
    venue: str = "",
    reason: str,
    by: User,
    version: int | None = None,
    today: date | None = None,
) -> Conference:
    """Move a booked conference to another date or time, with the reason (kept in the audit trail)."""
    today = today or timezone.localdate()
    require_manager(by)
    conference = _locked(conference, version=version)
    if conference.status != ConferenceStatus.BOOKED or conference.booked_for is None:
        raise ValidationError("Only a booked conference can be moved.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the change"})
    _check_date(booked_for, today=today, conference=conference)
    if (booked_for, starts_at) == (conference.booked_for, conference.starts_at):
        raise ValidationError({"booked_for": "The new date is the same as the booked date."})
    old = _when(conference.booked_for, conference.starts_at)
    conference.booked_for, conference.starts_at = booked_for, starts_at
    conference.duration_minutes = duration_minutes or DEFAULT_MINUTES
    conference.venue = venue.strip()
    save_validated(conference, by=by)
    _refresh(conference)
    _audit(
        conference,
        by=by,
        summary=f"Conference moved from {old} to {_when(booked_for, starts_at)}",
        changes={"booked_for": [old, _when(booked_for, starts_at)], "reason": [None, reason.strip()]},
    )
    return conference


@transaction.atomic
def conference_cancel(
    *, conference: Conference, reason: str, by: User, version: int | None = None, today: date | None = None
) -> Conference:
    """Cancel a requested or booked conference, with the reason. A child left with no open plan
    and no other open conference no longer has a conference chair (their allocation ends today)."""
    today = today or timezone.localdate()
    require_manager(by)
    conference = _locked(conference, version=version)
    if conference.status not in OPEN:
        raise ValidationError("Only a requested or booked conference can be cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for cancelling"})
    was = conference.status
    conference.status = ConferenceStatus.CANCELLED
    conference.cancelled_on = today
    conference.cancel_reason = reason.strip()
    save_validated(conference, by=by)
    child_ids = list(conference.places.values_list("child_id", flat=True))
    still_open = set(
        ProtectionPlan.objects.filter(child_id__in=child_ids, ended_on__isnull=True).values_list("child_id", flat=True)
    ) | set(
        ConferenceChild.objects.filter(child_id__in=child_ids, conference__status__in=OPEN).values_list(
            "child_id", flat=True
        )
    )
    for allocation in (
        IROAllocation.objects.child_protection()
        .select_for_update()
        .filter(child_id__in=[c for c in child_ids if c not in still_open], ended_on__isnull=True)
    ):
        allocation.ended_on = max(today, allocation.started_on)
        save_validated(allocation, by=by)
    _refresh(conference)
    what = conference.get_kind_display().lower()
    _audit(
        conference,
        by=by,
        summary=f"{what[:1].upper()}{what[1:]} cancelled: {reason.strip()}",
        changes={"status": [was, ConferenceStatus.CANCELLED], "reason": [None, reason.strip()]},
    )
    return conference
