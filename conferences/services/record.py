"""The chair records a conference: who came, each child's decision, categories and plan actions;
the plans it starts or ends; the core group; the plan's actions; and the minutes
(docs/rules.md#child-protection).

Each service runs in one transaction, checks that ``by`` may chair the children's conferences
(``conferences.chair_conference`` and the child held or covered for child protection work, or a
manager), writes the audit events and the history rows, then refreshes the cached dates
(``conferences.schedule``): a stored date is a cache of the facts, so recording a conference
again (a correction) recomputes every date that follows from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from children.codes import AllocationWork
from children.models import IROAllocation
from iro_service.audit import audit_record
from iro_service.concurrency import claim_version, touch_version
from iro_service.models import AuditAction
from iro_service.services import require_may_act, require_not_future, save_validated
from reviews.codes import ActionStatus

from ..codes import (
    CATEGORY_FIELDS,
    INITIAL_OUTCOMES,
    MULTIPLE_CATEGORIES,
    REVIEW_OUTCOMES,
    AbuseCategory,
    Agency,
    ChildParticipation,
    ConferenceKind,
    ConferenceStatus,
    Outcome,
    ParentParticipation,
    PlanEndReason,
)
from ..models import Conference, ConferenceAttendee, ConferenceChild, CoreGroupMember, PlanAction, ProtectionPlan
from ..schedule import conference_due_refresh, plan_refresh
from .step_up import plan_link_care_episode

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PERM = "conferences.chair_conference"
REFUSAL = "You can only record conferences for children whose conferences you chair or cover."


@dataclass(frozen=True)
class AttendeeInput:
    """One person invited: their name, agency and role, whether they came or sent a report."""

    name: str
    agency: str
    role: str = ""
    attended: bool = False
    sent_report: bool = False
    id: int | None = None


@dataclass(frozen=True)
class PlanActionInput:
    """A SMART action of a child's plan: what, who, by when."""

    description: str
    owner: str
    due_on: date
    id: int | None = None


@dataclass(frozen=True)
class PlaceInput:
    """One child's part of the conference: participation, views, the decision and its categories,
    why the plan ends (review conference, ``ENDS``) and the plan's actions."""

    child_id: int
    outcome: str
    categories: Sequence[str] = ()
    child_participation: str = ""
    parents_participation: str = ""
    childs_views: str = ""
    end_reason: str = ""
    end_reason_detail: str = ""
    actions: Sequence[PlanActionInput] = field(default_factory=tuple)


class PlaceRefused(ValidationError):
    """A rule refused about one child's answers: the view puts it on that child's section."""

    def __init__(self, child_id: int, field_name: str, message: str):
        self.child_id = child_id
        self.field_name = field_name
        super().__init__({field_name: message})


# ---------------------------------------------------------------------------------- checks


def _places(conference: Conference) -> list[ConferenceChild]:
    return list(ConferenceChild.objects.filter(conference=conference).select_related("child", "plan").order_by("pk"))


def _no_open_chair(child_id: int) -> bool:
    return not IROAllocation.objects.child_protection().open().filter(child_id=child_id).exists()


def require_can_chair(conference: Conference, by: User, *, on: date | None = None) -> None:
    """``by`` may chair the conference: each child held or covered by them for child protection
    work (``require_may_act``), or a manager. The chair of a held conference may still correct
    it for a child whose chair allocation it ended (no one holds the child's conferences now)."""
    if not by.has_perm(PERM):
        raise PermissionDenied(REFUSAL)
    for place in _places(conference):
        if (
            conference.status == ConferenceStatus.HELD
            and conference.chair_id == by.pk
            and _no_open_chair(place.child_id)
        ):
            continue
        require_may_act(place.child, by, perm=PERM, on=on, refusal=REFUSAL, work=AllocationWork.CHILD_PROTECTION)


def require_can_chair_plan(plan: ProtectionPlan, by: User, *, on: date | None = None) -> None:
    require_may_act(plan.child, by, perm=PERM, on=on, refusal=REFUSAL, work=AllocationWork.CHILD_PROTECTION)


def category_code(categories: Sequence[str]) -> str:
    """The CIN census code of a plan's categories: the one category, or ``MUL``."""
    return categories[0] if len(categories) == 1 else MULTIPLE_CATEGORIES


def _check_place(conference: Conference, place: ConferenceChild, answer: PlaceInput, held_on: date) -> None:
    child_id = place.child_id
    allowed = INITIAL_OUTCOMES if conference.kind == ConferenceKind.INITIAL else REVIEW_OUTCOMES
    if answer.outcome not in [o.value for o in allowed]:
        raise PlaceRefused(child_id, "outcome", "Choose what the conference decided for this child.")
    if answer.child_participation not in ChildParticipation.values:
        raise PlaceRefused(child_id, "child_participation", "Choose how the child took part.")
    if answer.parents_participation not in ParentParticipation.values:
        raise PlaceRefused(child_id, "parents_participation", "Choose how the parents took part.")
    categories = list(dict.fromkeys(answer.categories))
    if any(c not in AbuseCategory.values for c in categories):
        raise PlaceRefused(child_id, "categories", "Choose only the categories listed.")
    has_plan = answer.outcome in (Outcome.PLAN, Outcome.CONTINUES)
    if has_plan and not categories:
        raise PlaceRefused(child_id, "categories", "Choose the category of abuse the plan is under.")
    if len(categories) > 1 and not settings.CP_MULTIPLE_CATEGORIES:
        raise PlaceRefused(child_id, "categories", "Choose one category of abuse.")
    if answer.outcome == Outcome.ENDS:
        if answer.end_reason not in PlanEndReason.values:
            raise PlaceRefused(child_id, "end_reason", "Choose why the plan ends.")
        if answer.end_reason == PlanEndReason.OTHER and not answer.end_reason_detail.strip():
            raise PlaceRefused(child_id, "end_reason_detail", "Enter why the plan ends.")
    if answer.actions and not has_plan:
        raise PlaceRefused(child_id, "actions", "Actions are set only for a child with a plan.")
    for index, action in enumerate(answer.actions, start=1):
        if not action.description.strip() or not action.owner.strip():
            raise PlaceRefused(child_id, "actions", f"Action {index}: say what will be done and who will do it.")
        if action.due_on <= held_on:
            raise PlaceRefused(
                child_id, "actions", f"Action {index}: the date it is due by must be after the conference."
            )
    if conference.kind == ConferenceKind.REVIEW and place.plan is not None and held_on < place.plan.started_on:
        raise ValidationError({"held_on": "The conference date is before a child's plan started."})


def _check_conference(conference: Conference, held_on: date, attendees: Sequence[AttendeeInput], today: date) -> None:
    if conference.status not in (ConferenceStatus.BOOKED, ConferenceStatus.HELD):
        raise ValidationError("Only a booked or held conference can be recorded.")
    require_not_future(held_on, today=today, field="held_on", what="The conference date")
    if conference.strategy_discussion_on and held_on < conference.strategy_discussion_on:
        raise ValidationError(
            {
                "held_on": "The conference date cannot be before the strategy discussion on "
                f"{conference.strategy_discussion_on:%-d %B %Y}."
            }
        )
    for index, person in enumerate(attendees, start=1):
        if not person.name.strip():
            raise ValidationError({"attendees": f"Person {index}: enter their name."})
        if person.agency not in Agency.values:
            raise ValidationError({"attendees": f"Person {index}: choose their agency."})


# ------------------------------------------------------------------------------- the writes


def _end_chair(child_id: int, *, on: date, by: User, why: str) -> None:
    """End the child's open child protection allocation on ``on`` (the chair's work is done)."""
    for allocation in IROAllocation.objects.child_protection().open().filter(child_id=child_id):
        allocation.ended_on = on
        save_validated(allocation, by=by)
        audit_record(
            actor=by,
            action=AuditAction.UPDATED,
            child_id=child_id,
            obj=allocation,
            summary=f"Chair allocation ended: {why}",
        )


def _reopen_chair(child_id: int, *, ended_on: date | None, by: User) -> None:
    """Undo ``_end_chair`` of a corrected conference: the allocation it ended opens again."""
    if ended_on is None or not _no_open_chair(child_id):
        return
    allocation = (
        IROAllocation.objects.child_protection().filter(child_id=child_id, ended_on=ended_on).order_by("-pk").first()
    )
    if allocation is not None:
        allocation.ended_on = None
        save_validated(allocation, by=by)
        audit_record(
            actor=by,
            action=AuditAction.UPDATED,
            child_id=child_id,
            obj=allocation,
            summary="Chair allocation reopened: the conference was corrected",
        )


def _move_chair_end(child_id: int, *, old: date | None, new: date, by: User) -> None:
    if old is None or old == new:
        return
    IROAllocation.objects.child_protection().filter(child_id=child_id, ended_on=old).update(ended_on=new)


def _apply_initial(
    conference: Conference, place: ConferenceChild, answer: PlaceInput, *, held_on: date, was: dict, by: User
) -> None:
    """An initial conference's decision: ``PLAN`` starts (or corrects) the child's plan,
    ``NO_PLAN`` ends the chair's allocation that day."""
    code = category_code(list(dict.fromkeys(answer.categories))) if answer.categories else ""
    plan = place.plan
    if answer.outcome == Outcome.PLAN:
        if plan is None:
            if was.get("outcome") == Outcome.NO_PLAN:
                _reopen_chair(place.child_id, ended_on=was.get("held_on"), by=by)
            if ProtectionPlan.objects.filter(child_id=place.child_id, ended_on__isnull=True).exists():
                raise PlaceRefused(place.child_id, "outcome", "This child already has an open child protection plan.")
            earlier = ProtectionPlan.objects.filter(child_id=place.child_id).count()
            plan = ProtectionPlan(
                child_id=place.child_id, initial_conference=conference, sequence=earlier + 1, started_on=held_on
            )
        plan.started_on = held_on
        plan.initial_category = code
        if (
            plan.pk is None
            or not ConferenceChild.objects.filter(plan=plan, conference__kind=ConferenceKind.REVIEW).exists()
        ):
            plan.latest_category = code
        save_validated(plan, by=by)
        audit_record(
            actor=by,
            action=AuditAction.CREATED if place.plan is None else AuditAction.UPDATED,
            child_id=place.child_id,
            obj=plan,
            summary=f"Child protection plan {plan.sequence} from {held_on:%-d %B %Y} ({code})",
        )
        place.plan = plan
        return
    if plan is not None:
        raise PlaceRefused(
            place.child_id,
            "outcome",
            "A plan was started for this child at this conference and cannot be undone here: ask a manager.",
        )
    if was.get("outcome") == Outcome.NO_PLAN:
        _move_chair_end(place.child_id, old=was.get("held_on"), new=held_on, by=by)
    else:
        _end_chair(place.child_id, on=held_on, by=by, why="no child protection plan")


def _apply_review(
    conference: Conference, place: ConferenceChild, answer: PlaceInput, *, held_on: date, was: dict, by: User
) -> None:
    """A review conference's decision: ``CONTINUES`` updates the plan's latest category;
    ``ENDS`` ends the plan (and the chair's allocation) on the day held."""
    plan = place.plan
    if plan is None:
        raise PlaceRefused(place.child_id, "outcome", "This child has no plan for the conference to review.")
    code = category_code(list(dict.fromkeys(answer.categories))) if answer.categories else plan.latest_category
    if answer.outcome == Outcome.CONTINUES:
        if plan.ending_conference_id == conference.pk:
            if (
                ProtectionPlan.objects.filter(child_id=place.child_id, ended_on__isnull=True)
                .exclude(pk=plan.pk)
                .exists()
            ):
                raise PlaceRefused(place.child_id, "outcome", "This child has another plan open now.")
            plan.ended_on, plan.end_reason, plan.end_reason_detail, plan.ending_conference = None, "", "", None
            _reopen_chair(place.child_id, ended_on=was.get("held_on"), by=by)
        elif plan.ended_on is not None:
            raise PlaceRefused(place.child_id, "outcome", "This child's plan has already ended.")
        plan.latest_category = code
        summary = f"Plan {plan.sequence} continues ({code})"
    else:
        if plan.ended_on is not None and plan.ending_conference_id != conference.pk:
            raise PlaceRefused(place.child_id, "outcome", "This child's plan has already ended.")
        old_end = plan.ended_on
        plan.ended_on, plan.end_reason, plan.ending_conference = held_on, answer.end_reason, conference
        plan.end_reason_detail = answer.end_reason_detail.strip() if answer.end_reason == PlanEndReason.OTHER else ""
        if old_end is None:
            _end_chair(place.child_id, on=held_on, by=by, why="the child protection plan ended")
        else:
            _move_chair_end(place.child_id, old=old_end, new=held_on, by=by)
        summary = f"Plan {plan.sequence} ended on {held_on:%-d %B %Y}: {PlanEndReason(answer.end_reason).label}"
    save_validated(plan, by=by)
    audit_record(actor=by, action=AuditAction.UPDATED, child_id=place.child_id, obj=plan, summary=summary)
    if plan.ended_on is not None and plan.end_reason == PlanEndReason.INTO_CARE:
        # The step-up: the plan ends because the child became looked after; link that period of care.
        plan_link_care_episode(plan=plan, by=by)


def _write_plan_actions(
    conference: Conference, place: ConferenceChild, actions: Sequence[PlanActionInput], *, by: User
):
    existing = {a.pk: a for a in PlanAction.objects.filter(conference=conference, child_id=place.child_id)}
    for entry in actions:
        action = existing.get(entry.id) if entry.id else None
        if action is None:
            action = PlanAction(conference=conference, child_id=place.child_id, plan=place.plan)
        action.description = entry.description.strip()
        action.owner = entry.owner.strip()
        action.due_on = entry.due_on
        save_validated(action, by=by)


def _write_attendees(conference: Conference, attendees: Sequence[AttendeeInput]) -> None:
    """Update the people listed (matched on their id) and add the new ones; nobody is deleted."""
    existing = {a.pk: a for a in ConferenceAttendee.objects.filter(conference=conference)}
    for entry in attendees:
        person = existing.get(entry.id) if entry.id else None
        if person is None:
            person = ConferenceAttendee(conference=conference)
        person.name, person.agency, person.role = entry.name.strip(), entry.agency, entry.role.strip()
        person.attended, person.sent_report = entry.attended, entry.sent_report
        save_validated(person, by=None)


def _refresh_dates(conference: Conference, plans: list[ProtectionPlan]) -> None:
    """Every cached date that follows from this conference: its plans' next review dates, and
    the due dates of the conferences still to be held for those plans (and this one's own)."""
    for plan in plans:
        plan_refresh(plan)
    conference_due_refresh(conference)
    following = Conference.objects.open().filter(places__plan__in=plans).exclude(pk=conference.pk).distinct()
    for other in following:
        conference_due_refresh(other)


@transaction.atomic
def conference_record(
    *,
    conference: Conference,
    held_on: date,
    attendees: Sequence[AttendeeInput],
    places: Sequence[PlaceInput],
    minutes: str,
    by: User,
    version: int,
    today: date | None = None,
) -> Conference:
    """Record a booked conference as held, or correct a held one (record it again): the
    attendees, and for each child the participation, views, decision, categories and the plan's
    actions. An initial conference's ``PLAN`` starts a plan, ``NO_PLAN`` ends the chair's
    allocation; a review conference's ``ENDS`` ends the plan and the allocation, ``CONTINUES``
    updates the plan's latest category. Refused with ``StaleEditError`` when someone saved the
    conference since ``version`` was read."""
    today = today or timezone.localdate()
    require_can_chair(conference, by, on=today)
    claim_version(conference, expected_version=version)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    _check_conference(conference, held_on, attendees, today)
    rows = {place.child_id: place for place in _places(conference)}
    answers = {answer.child_id: answer for answer in places}
    if set(answers) != set(rows):
        raise ValidationError("Record a decision for every child of the conference.")
    correcting = conference.status == ConferenceStatus.HELD
    was_held_on = conference.held_on if correcting else None
    plans = []
    for child_id, place in rows.items():
        answer = answers[child_id]
        _check_place(conference, place, answer, held_on)
        was = {"outcome": place.outcome, "held_on": was_held_on} if correcting else {}
        apply = _apply_initial if conference.kind == ConferenceKind.INITIAL else _apply_review
        apply(conference, place, answer, held_on=held_on, was=was, by=by)
        place.outcome = answer.outcome
        chosen = set(answer.categories)
        for category, name in CATEGORY_FIELDS.items():
            setattr(place, name, category.value in chosen)
        place.end_reason = answer.end_reason if answer.outcome == Outcome.ENDS else ""
        place.child_participation = answer.child_participation
        place.parents_participation = answer.parents_participation
        place.childs_views = answer.childs_views.strip()
        save_validated(place, by=by)
        if place.plan is not None:
            plans.append(place.plan)
            _write_plan_actions(conference, place, answer.actions, by=by)
        audit_record(
            actor=by,
            action=AuditAction.UPDATED if correcting else AuditAction.CREATED,
            child_id=child_id,
            obj=place,
            summary=f"{conference.get_kind_display()} held on {held_on:%-d %B %Y}: {Outcome(answer.outcome).label}"
            + (f" ({category_code(sorted(chosen))})" if chosen else "")
            + f"; {len(answer.actions)} action{'s' if len(answer.actions) != 1 else ''}",
        )
    conference.status = ConferenceStatus.HELD
    conference.held_on = held_on
    conference.minutes = minutes.strip()
    if conference.chair_id is None:
        conference.chair = by
    save_validated(conference, by=by)
    _write_attendees(conference, attendees)
    _refresh_dates(conference, plans)
    audit_record(
        actor=by,
        action=AuditAction.UPDATED if correcting else AuditAction.CREATED,
        child_id=None,
        obj=conference,
        summary=f"{'Corrected' if correcting else 'Recorded'}: {conference} held on {held_on:%-d %B %Y}, "
        f"{len(attendees)} people listed",
    )
    return conference


# ------------------------------------------------------------------------ core group, actions


@transaction.atomic
def core_group_member_add(
    *,
    plan: ProtectionPlan,
    name: str,
    agency: str,
    role: str = "",
    joined_on: date,
    by: User,
    today: date | None = None,
) -> CoreGroupMember:
    """Add a member to the core group that carries out an open plan."""
    today = today or timezone.localdate()
    require_can_chair_plan(plan, by, on=today)
    if plan.ended_on is not None:
        raise ValidationError("The plan has ended: its core group is closed.")
    require_not_future(joined_on, today=today, field="joined_on", what="The date they joined")
    if joined_on < plan.started_on:
        raise ValidationError({"joined_on": "The date they joined cannot be before the plan started."})
    if not name.strip():
        raise ValidationError({"name": "Enter their name."})
    member = CoreGroupMember(plan=plan, name=name.strip(), agency=agency, role=role.strip(), joined_on=joined_on)
    save_validated(member, by=by)
    audit_record(
        actor=by,
        action=AuditAction.CREATED,
        child_id=plan.child_id,
        obj=member,
        summary=f"Core group member added ({member.get_agency_display()})",
    )
    return member


@transaction.atomic
def core_group_member_leave(
    *, member: CoreGroupMember, left_on: date, by: User, today: date | None = None
) -> CoreGroupMember:
    """A member leaves the core group on ``left_on``."""
    today = today or timezone.localdate()
    member = CoreGroupMember.objects.select_for_update().select_related("plan__child").get(pk=member.pk)
    require_can_chair_plan(member.plan, by, on=today)
    if member.left_on is not None:
        raise ValidationError("They have already left the core group.")
    require_not_future(left_on, today=today, field="left_on", what="The date they left")
    if left_on < member.joined_on:
        raise ValidationError({"left_on": "The date they left cannot be before they joined."})
    member.left_on = left_on
    save_validated(member, by=by)
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=member.plan.child_id,
        obj=member,
        summary=f"Core group member left on {left_on:%-d %B %Y}",
        changes={"left_on": [None, str(left_on)]},
    )
    return member


@transaction.atomic
def plan_action_update(
    *, action: PlanAction, status: str, by: User, completed_on: date | None = None, today: date | None = None
) -> PlanAction:
    """Change a plan action's status (done, not done, no longer needed) between conferences."""
    today = today or timezone.localdate()
    action = PlanAction.objects.select_for_update(of=("self",)).select_related("child").get(pk=action.pk)
    require_may_act(action.child, by, perm=PERM, on=today, refusal=REFUSAL, work=AllocationWork.CHILD_PROTECTION)
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose the action's status."})
    if status == ActionStatus.DONE:
        completed_on = completed_on or today
        require_not_future(completed_on, today=today, field="completed_on", what="The date it was done")
    else:
        completed_on = None
    before = action.status
    action.status, action.completed_on = status, completed_on
    save_validated(action, by=by)
    touch_version(Conference, action.conference_id)  # an open record form must not revert it
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=action.child_id,
        obj=action,
        summary=f"Plan action '{action.description[:80]}' now {ActionStatus(status).label.lower()}",
        changes={"status": [before, status]},
    )
    return action


# ---------------------------------------------------------------------------------- minutes


def _require_held(conference: Conference) -> None:
    if conference.status != ConferenceStatus.HELD:
        raise ValidationError("Only a conference that was held has minutes.")


@transaction.atomic
def conference_minutes_complete(
    *, conference: Conference, completed_on: date, by: User, version: int, today: date | None = None
) -> Conference:
    """The chair has finished the minutes."""
    today = today or timezone.localdate()
    require_can_chair(conference, by, on=today)
    claim_version(conference, expected_version=version)
    conference = Conference.objects.get(pk=conference.pk)
    _require_held(conference)
    require_not_future(completed_on, today=today, field="completed_on", what="The date the minutes were completed")
    if completed_on < conference.held_on:
        raise ValidationError({"completed_on": "The minutes cannot be completed before the conference."})
    conference.minutes_completed_on = completed_on
    save_validated(conference, by=by)
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=None,
        obj=conference,
        summary=f"Minutes completed on {completed_on:%-d %B %Y}",
    )
    return conference


@transaction.atomic
def conference_minutes_distribute(
    *, conference: Conference, distributed_on: date, by: User, version: int, today: date | None = None
) -> Conference:
    """The minutes went to the family and the agencies on ``distributed_on`` (the local target is
    ``minutes_due_on``). Completing them is implied if it was not recorded."""
    today = today or timezone.localdate()
    require_can_chair(conference, by, on=today)
    claim_version(conference, expected_version=version)
    conference = Conference.objects.get(pk=conference.pk)
    _require_held(conference)
    require_not_future(distributed_on, today=today, field="distributed_on", what="The date the minutes were sent")
    if distributed_on < conference.held_on:
        raise ValidationError({"distributed_on": "The minutes cannot be sent before the conference."})
    if conference.minutes_completed_on and distributed_on < conference.minutes_completed_on:
        raise ValidationError({"distributed_on": "The minutes cannot be sent before they were completed."})
    conference.minutes_completed_on = conference.minutes_completed_on or distributed_on
    conference.minutes_distributed_on = distributed_on
    save_validated(conference, by=by)
    timing = "in time" if conference.minutes_due_on is None or distributed_on <= conference.minutes_due_on else "late"
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=None,
        obj=conference,
        summary=f"Minutes distributed on {distributed_on:%-d %B %Y} ({timing})",
    )
    return conference
