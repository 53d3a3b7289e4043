"""Every change to a child's record goes through these services.

Each runs in one transaction, validates the rules that span records, sets the
history user explicitly (no thread-local current user), writes the audit event
and returns the object. Views, commands, imports and the demo seeder call them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service import roles
from iro_service.audit import audit_record, diff_fields
from iro_service.concurrency import claim_version
from iro_service.models import AuditAction
from iro_service.services import require_may_act, require_not_future, save_validated

from .ages import eighteenth_birthday
from .codes import NEEDS_REVIEW_FIRST, ReasonEpisodeCeased, ReasonNewEpisode, SignificantChangeCategory
from .models import (
    CareEpisode,
    Child,
    CoverArrangement,
    IROAllocation,
    SiblingGroup,
    SignificantChange,
)
from .rules import ends_after_eighteen, restarts_same_day, too_old_to_start

User = get_user_model()

#: Fields of the child a manager may edit through ``child_update``.
CHILD_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "upn",
    "is_uasc",
    "is_mother",
    "mother_child_dob",
    "previous_permanence",
    "previous_permanence_la",
    "previous_permanence_date",
    "sibling_group",
    "local_reference",
)

#: Facts of a placement and legal status that an episode records.
EPISODE_FIELDS = (
    "legal_status",
    "placement_type",
    "placement_provider",
    "category_of_need",
    "placement_postcode",
    "home_postcode",
    "distance_from_home_miles",
)


def _field_values(instance, names) -> dict:
    return {name: getattr(instance, name) for name in names}


def _require_iro(user) -> None:
    if not (user.is_active and user.groups.filter(name=roles.IRO).exists()):
        raise ValidationError({"iro": f"{user.get_full_name() or user.username} is not an active IRO."})


def _called(child: Child, *, start: bool = True) -> str:
    """How a message names the child: their first name, or "the child" before a name is entered
    (children imported from SSDA903); ``start`` capitalises it to begin a sentence."""
    if not child.name_to_be_entered:
        return child.first_name
    return "The child" if start else "the child"


def _require_under_eighteen_to_start(child: Child, started_on: date, *, field: str) -> None:
    """Nobody starts to be looked after on or after their 18th birthday (docs/rules.md#review-timescales;
    the DfE rejects it as rule 352)."""
    birthday = eighteenth_birthday(child.date_of_birth)
    if too_old_to_start(date_of_birth=child.date_of_birth, started_on=started_on):
        raise ValidationError(
            {
                field: f"{_called(child)} turned 18 on {birthday:%-d %B %Y}, so cannot start to be looked after "
                "on or after that date (a person stops being looked after at 18)."
            }
        )


def _renamed(error: ValidationError, **names: str) -> ValidationError:
    """``error`` with its field keys renamed (``started_on="looked_after_on"``), so that a rule a
    nested service checks lands on the field of the form that called the outer one."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(field, field): errors for field, errors in error.error_dict.items()})


def _open_episode(child: Child) -> CareEpisode | None:
    return CareEpisode.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()


def _allocate(*, child: Child, iro, started_on: date, reason: str, by) -> IROAllocation:
    """Open an allocation of ``iro`` to a child who has none: the history row and the audit event."""
    allocation = IROAllocation(child=child, iro=iro, started_on=started_on, allocated_by=by, reason=reason)
    save_validated(allocation, by=by)
    audit_record(
        actor=by,
        action=AuditAction.ALLOCATED,
        child_id=child.pk,
        obj=allocation,
        summary=f"IRO {iro.get_full_name()} allocated from {started_on:%-d %B %Y}",
    )
    return allocation


@transaction.atomic
def care_period_start(
    *,
    child: Child,
    by,
    started_on: date,
    iro,
    legal_status: str,
    placement_type: str,
    placement_provider: str,
    category_of_need: str,
    placement_postcode: str = "",
    home_postcode: str = "",
    distance_from_home_miles: Decimal | None = None,
    today: date | None = None,
) -> CareEpisode:
    """The child becomes looked after on ``started_on``: an episode with reason S and an IRO.

    A child who left care and returns starts a new period (docs/rules.md#review-timescales: the
    first-review rule applies again from the new start date). Refused on or after the 18th
    birthday (DfE rule 352), and on the day the last episode ended: that is continuous care,
    not a new period (DfE rule 431), so the review clock does not restart.
    """
    today = today or timezone.localdate()
    require_not_future(started_on, today=today, field="started_on")
    if started_on < child.date_of_birth:
        raise ValidationError({"started_on": "The child cannot become looked after before their date of birth."})
    _require_under_eighteen_to_start(child, started_on, field="started_on")
    if _open_episode(child) is not None:
        raise ValidationError(
            "This child is already looked after. Record a change of placement or legal status instead."
        )
    last = CareEpisode.objects.filter(child=child, ended_on__isnull=False).order_by("-ended_on").first()
    if last is not None and started_on < last.ended_on:
        raise ValidationError(
            {
                "started_on": f"The child's last period of care ended on {last.ended_on:%-d %B %Y}; "
                "the new one cannot start before it."
            }
        )
    if last is not None and restarts_same_day(previous_ended_on=last.ended_on, started_on=started_on):
        raise ValidationError(
            {
                "started_on": f"{_called(child)}'s last episode of care ended on {last.ended_on:%-d %B %Y}. "
                "Starting again the same day is continuous care, not a new period of care (DfE rule 431): "
                "record a change of placement or legal status instead."
            }
        )
    _require_iro(iro)
    episode = CareEpisode(
        child=child,
        started_on=started_on,
        reason_new_episode=ReasonNewEpisode.S,
        legal_status=legal_status,
        placement_type=placement_type,
        placement_provider=placement_provider,
        category_of_need=category_of_need,
        placement_postcode=placement_postcode,
        home_postcode=home_postcode,
        distance_from_home_miles=distance_from_home_miles,
        recorded_by=by,
    )
    save_validated(episode, by=by)
    audit_record(
        actor=by,
        action=AuditAction.EPISODE_STARTED,
        child_id=child.pk,
        obj=episode,
        summary=f"Became looked after on {started_on:%-d %B %Y}",
        changes={
            name: [None, value] for name, value in _field_values(episode, ("started_on", *EPISODE_FIELDS)).items()
        },
    )
    _allocate(child=child, iro=iro, started_on=started_on, reason="Became looked after", by=by)
    return episode


@transaction.atomic
def child_create(
    *,
    by,
    local_reference: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    sex: str,
    ethnicity: str,
    preferred_name: str = "",
    upn: str = "",
    is_uasc: bool = False,
    is_mother: bool | None = None,
    mother_child_dob: date | None = None,
    previous_permanence: str = "",
    previous_permanence_la: str = "",
    previous_permanence_date: str = "",
    sibling_group: SiblingGroup | None = None,
    looked_after_on: date,
    iro,
    legal_status: str,
    placement_type: str,
    placement_provider: str,
    category_of_need: str,
    placement_postcode: str = "",
    home_postcode: str = "",
    distance_from_home_miles: Decimal | None = None,
    today: date | None = None,
) -> Child:
    """Add a child who becomes looked after, with their first episode and IRO."""
    today = today or timezone.localdate()
    require_not_future(date_of_birth, today=today, field="date_of_birth")
    child = Child(
        local_reference=local_reference,
        first_name=first_name,
        last_name=last_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        upn=upn,
        is_uasc=is_uasc,
        is_mother=is_mother,
        mother_child_dob=mother_child_dob,
        previous_permanence=previous_permanence,
        previous_permanence_la=previous_permanence_la,
        previous_permanence_date=previous_permanence_date,
        sibling_group=sibling_group,
    )
    save_validated(child, by=by)
    audit_record(
        actor=by,
        action=AuditAction.CREATED,
        child_id=child.pk,
        obj=child,
        summary="Child record created",
        changes={name: [None, value] for name, value in _field_values(child, CHILD_EDITABLE_FIELDS).items()},
    )
    try:
        care_period_start(
            child=child,
            by=by,
            started_on=looked_after_on,
            iro=iro,
            legal_status=legal_status,
            placement_type=placement_type,
            placement_provider=placement_provider,
            category_of_need=category_of_need,
            placement_postcode=placement_postcode,
            home_postcode=home_postcode,
            distance_from_home_miles=distance_from_home_miles,
            today=today,
        )
    except ValidationError as error:
        # The form asks for the start of care as ``looked_after_on``: name that field.
        raise _renamed(error, started_on="looked_after_on") from None
    return child


@transaction.atomic
def child_update(*, child: Child, by, expected_version: int, **fields) -> Child:
    """Change the child's details. Refused with ``StaleEditError`` if someone saved since
    ``expected_version`` was read; nothing is written then."""
    unknown = set(fields) - set(CHILD_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"child_update cannot change {', '.join(sorted(unknown))}")
    claim_version(child, expected_version=expected_version)
    child = Child.objects.get(pk=child.pk)
    before = _field_values(child, fields)
    for name, value in fields.items():
        setattr(child, name, value)
    changes = diff_fields(before, _field_values(child, fields))
    if child.name_to_be_entered and ({"first_name", "last_name"} & set(changes)):
        # A child imported from SSDA903 (which holds no names) now has a name.
        child.name_to_be_entered = False
    save_validated(child, by=by)
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=child.pk,
        obj=child,
        summary="Details changed: " + (", ".join(changes) if changes else "no change"),
        changes=changes,
    )
    return child


#: Which facts must change for each reason for a new episode (SSDA903 RNE guidance).
_RNE_LEGAL_STATUS_CHANGES = {"L": True, "P": False, "T": False, "U": True, "B": True}


@transaction.atomic
def episode_change(
    *,
    child: Child,
    by,
    changed_on: date,
    reason_new_episode: str,
    legal_status: str,
    placement_type: str,
    placement_provider: str,
    category_of_need: str,
    placement_postcode: str = "",
    home_postcode: str = "",
    distance_from_home_miles: Decimal | None = None,
    today: date | None = None,
) -> CareEpisode:
    """A change of legal status and/or placement within a period of care: the open episode
    ceases with X1 and a new one begins the same day (SSDA903)."""
    today = today or timezone.localdate()
    require_not_future(changed_on, today=today, field="changed_on")
    current = _open_episode(child)
    if current is None:
        raise ValidationError("This child is not looked after, so there is no placement to change.")
    if reason_new_episode not in _RNE_LEGAL_STATUS_CHANGES:
        raise ValidationError({"reason_new_episode": "Choose why the episode changed."})
    if changed_on < current.started_on:
        raise ValidationError(
            {
                "changed_on": f"The current episode started on {current.started_on:%-d %B %Y}; "
                "the change cannot be before it."
            }
        )
    birthday = eighteenth_birthday(child.date_of_birth)
    if too_old_to_start(date_of_birth=child.date_of_birth, started_on=changed_on):
        raise ValidationError(
            {
                "changed_on": f"{_called(child)} turned 18 on {birthday:%-d %B %Y} and stopped being looked after "
                "then (a person stops being looked after at 18), so no change can be recorded on or after that "
                f"date. Record that {_called(child, start=False)} left care instead, "
                f"on {birthday:%-d %B %Y} at the latest."
            }
        )
    status_changes = legal_status != current.legal_status
    if status_changes != _RNE_LEGAL_STATUS_CHANGES[reason_new_episode]:
        label = ReasonNewEpisode(reason_new_episode).label.lower()
        raise ValidationError(
            {
                "legal_status": f"The reason given is '{label}', but the legal status "
                + ("changed." if status_changes else "is the same as before.")
            }
        )
    if reason_new_episode == "L" and placement_type != current.placement_type:
        raise ValidationError(
            {"placement_type": "For a change of legal status only, the placement must stay the same."}
        )
    current.ended_on = changed_on
    current.reason_ceased = ReasonEpisodeCeased.X1
    save_validated(current, by=by)
    episode = CareEpisode(
        child=child,
        started_on=changed_on,
        reason_new_episode=reason_new_episode,
        legal_status=legal_status,
        placement_type=placement_type,
        placement_provider=placement_provider,
        category_of_need=category_of_need,
        placement_postcode=placement_postcode,
        home_postcode=home_postcode,
        distance_from_home_miles=distance_from_home_miles,
        recorded_by=by,
    )
    save_validated(episode, by=by)
    audit_record(
        actor=by,
        action=AuditAction.EPISODE_STARTED,
        child_id=child.pk,
        obj=episode,
        summary=f"{ReasonNewEpisode(reason_new_episode).label} on {changed_on:%-d %B %Y}",
        changes=diff_fields(_field_values(current, EPISODE_FIELDS), _field_values(episode, EPISODE_FIELDS)),
    )
    return episode


@transaction.atomic
def care_period_end(*, child: Child, by, ended_on: date, reason_ceased: str, today: date | None = None) -> CareEpisode:
    """The child stops being looked after: the episode closes with its reason and the IRO
    allocation ends the same day. Nothing is deleted. Care ends on the 18th birthday at the
    latest (docs/rules.md#review-timescales)."""
    today = today or timezone.localdate()
    require_not_future(ended_on, today=today, field="ended_on")
    if reason_ceased == ReasonEpisodeCeased.X1 or reason_ceased not in ReasonEpisodeCeased.values:
        raise ValidationError({"reason_ceased": "Choose why the child stopped being looked after."})
    current = _open_episode(child)
    if current is None:
        raise ValidationError("This child is not looked after.")
    if ended_on < current.started_on:
        raise ValidationError(
            {"ended_on": f"The current episode started on {current.started_on:%-d %B %Y}; care cannot end before it."}
        )
    birthday = eighteenth_birthday(child.date_of_birth)
    if ends_after_eighteen(date_of_birth=child.date_of_birth, ended_on=ended_on):
        raise ValidationError(
            {
                "ended_on": f"{_called(child)} turned 18 on {birthday:%-d %B %Y}, and care ends on the 18th birthday "
                f"at the latest: enter {birthday:%-d %B %Y} or an earlier date."
            }
        )
    current.ended_on = ended_on
    current.reason_ceased = reason_ceased
    save_validated(current, by=by)
    allocation = IROAllocation.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    if allocation is not None:
        allocation.ended_on = max(ended_on, allocation.started_on)
        allocation.reason = allocation.reason or "Child left care"
        save_validated(allocation, by=by)
    audit_record(
        actor=by,
        action=AuditAction.EPISODE_ENDED,
        child_id=child.pk,
        obj=current,
        summary=f"Left care on {ended_on:%-d %B %Y}: {ReasonEpisodeCeased(reason_ceased).label}",
        changes={"ended_on": [None, ended_on], "reason_ceased": ["", reason_ceased]},
    )
    return current


def _refuse_if_reallocated_meanwhile(child: Child) -> None:
    now = IROAllocation.objects.filter(child=child, ended_on__isnull=True).select_related("iro").first()
    if now is not None:
        raise ValidationError(
            f"Someone else changed {child.first_name}'s IRO to {now.iro.get_full_name()} just now, so your change "
            "was not saved. Check the IRO shown now, then change it again if you still need to."
        )


@transaction.atomic
def allocation_change(
    *, child: Child, by, iro, starts_on: date, reason: str, today: date | None = None
) -> IROAllocation:
    """Give the child a new IRO from ``starts_on``. The old allocation is kept, ended that day."""
    today = today or timezone.localdate()
    _require_iro(iro)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the IRO is changing."})
    current = IROAllocation.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    if current is None:
        # The open allocation may have been ended by a reallocation made at the same moment
        # (this one waited for its lock): then the child has a new IRO, not none.
        _refuse_if_reallocated_meanwhile(child)
        raise ValidationError("This child is not looked after, so an IRO cannot be allocated.")
    if current.iro_id == iro.pk:
        raise ValidationError({"iro": f"{iro.get_full_name()} is already this child's IRO."})
    if starts_on < current.started_on:
        raise ValidationError(
            {
                "starts_on": f"The current IRO was allocated on {current.started_on:%-d %B %Y}; "
                "the change cannot be before it."
            }
        )
    if starts_on > today:
        raise ValidationError({"starts_on": "Record the change on or after the day it happens, not in advance."})
    previous_iro = current.iro
    current.ended_on = starts_on
    save_validated(current, by=by)
    allocation = IROAllocation(child=child, iro=iro, started_on=starts_on, reason=reason.strip(), allocated_by=by)
    save_validated(allocation, by=by)
    audit_record(
        actor=by,
        action=AuditAction.REALLOCATED,
        child_id=child.pk,
        obj=allocation,
        summary=f"IRO changed from {previous_iro.get_full_name()} to {iro.get_full_name()} on {starts_on:%-d %B %Y}",
        changes={"iro": [previous_iro.get_full_name(), iro.get_full_name()], "reason": [None, reason.strip()]},
    )
    return allocation


def _references(children: list[Child]) -> str:
    return ", ".join(child.local_reference for child in children)


def _has_have(children: list) -> str:
    return "has" if len(children) == 1 else "have"


def _is_are(children: list) -> str:
    return "is" if len(children) == 1 else "are"


@transaction.atomic
def allocation_bulk_create(
    *,
    children: Iterable[Child],
    iro,
    started_on: date,
    by,
    reason: str = "Allocated from the list of children in care with no IRO",
    today: date | None = None,
) -> list[IROAllocation]:
    """Give each of ``children`` (looked after, with no IRO) the same IRO from ``started_on``.

    All or nothing: if any of them has been given an IRO since the list was read, has left care
    or is archived, the ValidationError names them by reference and nothing is written. Each
    allocation has its own history row and audit event, as ``care_period_start`` writes them.
    """
    today = today or timezone.localdate()
    _require_iro(iro)
    require_not_future(started_on, today=today, field="started_on")
    ids = {child.pk for child in children}
    if not ids:
        raise ValidationError({"children": "Select at least one child to allocate."})
    # Lock the children, then their open episodes (in a fixed order): another manager allocating
    # the same children, or someone recording that one left care, waits for this transaction and
    # then sees what it wrote.
    locked = list(
        Child.objects.select_for_update(of=("self",)).filter(pk__in=ids).with_looked_after_since().order_by("pk")
    )
    open_episodes = {
        episode.child_id: episode
        for episode in CareEpisode.objects.select_for_update().filter(child_id__in=ids, ended_on__isnull=True)
    }
    allocated = set(
        IROAllocation.objects.filter(child_id__in=ids, ended_on__isnull=True).values_list("child_id", flat=True)
    )
    taken = [child for child in locked if child.pk in allocated]
    gone = [child for child in locked if child.pk not in open_episodes or child.archived_at is not None]
    problems = []
    if taken:
        problems.append(f"{_references(taken)} {_has_have(taken)} been given an IRO since this page was loaded")
    if gone:
        problems.append(f"{_references(gone)} {_is_are(gone)} no longer in care or archived")
    if problems:
        raise ValidationError(
            {"children": "Nothing was saved: " + "; ".join(problems) + ". Check the list and allocate again."}
        )
    began = {child.pk: child.looked_after_since or open_episodes[child.pk].started_on for child in locked}
    too_early = [child for child in locked if started_on < began[child.pk]]
    if too_early:
        raise ValidationError(
            {
                "started_on": "The allocation cannot start before the child became looked after: "
                + ", ".join(f"{child.local_reference} on {began[child.pk]:%-d %B %Y}" for child in too_early)
                + "."
            }
        )
    return [_allocate(child=child, iro=iro, started_on=started_on, reason=reason.strip(), by=by) for child in locked]


@transaction.atomic
def cover_grant(
    *, by, absent_iro, covering_iro, starts_on: date, ends_on: date | None, reason: str
) -> CoverArrangement:
    """``covering_iro`` covers every child of ``absent_iro`` from ``starts_on`` to ``ends_on``."""
    _require_iro(absent_iro)
    _require_iro(covering_iro)
    if absent_iro.pk == covering_iro.pk:
        raise ValidationError({"covering_iro": "An IRO cannot cover their own caseload."})
    overlapping = CoverArrangement.objects.filter(absent_iro=absent_iro, covering_iro=covering_iro).exclude(
        ends_on__lt=starts_on
    )
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if overlapping.exists():
        raise ValidationError("This cover overlaps an existing arrangement between the same IROs.")
    cover = CoverArrangement(
        absent_iro=absent_iro,
        covering_iro=covering_iro,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        arranged_by=by,
    )
    cover.full_clean()
    cover.save()
    audit_record(
        actor=by,
        action=AuditAction.COVER_GRANTED,
        child_id=None,
        obj=cover,
        summary=f"{covering_iro.get_full_name()} covers {absent_iro.get_full_name()} from {starts_on:%-d %B %Y}"
        + (f" to {ends_on:%-d %B %Y}" if ends_on else ""),
    )
    return cover


@transaction.atomic
def cover_end(*, cover: CoverArrangement, by, ends_on: date) -> CoverArrangement:
    if ends_on < cover.starts_on:
        raise ValidationError(
            {"ends_on": f"The cover started on {cover.starts_on:%-d %B %Y}; it cannot end before it."}
        )
    previous = cover.ends_on
    cover.ends_on = ends_on
    cover.full_clean()
    cover.save(update_fields=["ends_on", "updated_at"])
    audit_record(
        actor=by,
        action=AuditAction.COVER_ENDED,
        child_id=None,
        obj=cover,
        summary=f"Cover by {cover.covering_iro.get_full_name()} for {cover.absent_iro.get_full_name()} "
        f"ends {ends_on:%-d %B %Y}",
        changes={"ends_on": [previous, ends_on]},
    )
    return cover


@transaction.atomic
def child_archive(*, child: Child, by) -> Child:
    """Archive a record of a child no longer looked after. It is kept (until the retention
    date in docs/rules.md#data-protection) but leaves the working lists."""
    if CareEpisode.objects.filter(child=child, ended_on__isnull=True).exists():
        raise ValidationError("A child who is looked after cannot be archived. Record that they left care first.")
    if child.archived_at is not None:
        raise ValidationError("This record is already archived.")
    child.archived_at = timezone.now()
    child.archived_by = by
    child._history_user = by
    child.save(update_fields=["archived_at", "archived_by", "updated_at"])
    audit_record(actor=by, action=AuditAction.ARCHIVED, child_id=child.pk, obj=child, summary="Record archived")
    return child


def child_view(*, child: Child, by, path: str = "") -> None:
    """Log that ``by`` read the child's record (every read of special-category data is audited)."""
    audit_record(actor=by, action=AuditAction.VIEWED, child_id=child.pk, obj=child, summary="Record viewed", path=path)


def _require_can_record_change(child: Child, user, *, on: date) -> None:
    require_may_act(
        child,
        user,
        perm="children.record_significant_change",
        on=on,
        refusal="You can only record significant changes for children you can see.",
    )


@transaction.atomic
def significant_change_record(
    *, child: Child, by, category: str, occurred_on: date, description: str, today: date | None = None
) -> SignificantChange:
    """Tell the child's IRO of a significant change (docs/rules.md#significant-changes). The change is
    addressed to the IRO who holds the child now, and stays unacknowledged until they answer.

    A change that needs a review first (``NEEDS_REVIEW_FIRST``) is a proposal, so its date may
    be in the future; any other change has happened and cannot be dated in the future."""
    today = today or timezone.localdate()
    _require_can_record_change(child, by, on=today)
    if category not in SignificantChangeCategory.values:
        raise ValidationError({"category": "Choose what kind of change this is."})
    if category not in NEEDS_REVIEW_FIRST:
        require_not_future(occurred_on, today=today, field="occurred_on")
    first = CareEpisode.objects.filter(child=child).order_by("started_on").values_list("started_on", flat=True).first()
    if first is not None and occurred_on < first:
        raise ValidationError(
            {"occurred_on": f"The date cannot be before {child.first_name} became looked after on {first:%-d %B %Y}."}
        )
    allocation = IROAllocation.objects.filter(child=child, ended_on__isnull=True).select_related("iro").first()
    change = SignificantChange(
        child=child,
        category=category,
        occurred_on=occurred_on,
        description=description.strip(),
        recorded_by=by,
        iro=allocation.iro if allocation else None,
    )
    change.full_clean()
    change.save()
    audit_record(
        actor=by,
        action=AuditAction.CREATED,
        child_id=child.pk,
        obj=change,
        summary=f"Significant change recorded: {change.get_category_display()} on {occurred_on:%-d %B %Y}",
    )
    return change


def _require_can_acknowledge(child: Child, user, *, on: date) -> None:
    """Only the child's IRO, or the IRO covering them on ``on``, acknowledges: the alert is
    theirs. A manager who sees every child may record that they have seen the change
    (``significant_change_mark_seen``), which leaves the IRO's alert in place."""
    require_may_act(
        child,
        user,
        perm="children.record_significant_change",
        on=on,
        held_only=True,
        refusal="Only the child's IRO, or the IRO covering them, can acknowledge a significant change.",
    )


@transaction.atomic
def significant_change_acknowledge(
    *, change: SignificantChange, by, iro_response: str, today: date | None = None
) -> SignificantChange:
    """The child's IRO (or the IRO covering them) acknowledges a significant change once,
    with their response; that clears their alert."""
    today = today or timezone.localdate()
    # Lock the row first, then read it with its relations: an acknowledgement made at the same
    # moment commits first, and PostgreSQL re-reads a locked row it changed but not the rows
    # joined to it (acknowledged_by would read as None).
    SignificantChange.objects.select_for_update().filter(pk=change.pk).values_list("pk", flat=True).get()
    change = SignificantChange.objects.select_related("child", "acknowledged_by").get(pk=change.pk)
    _require_can_acknowledge(change.child, by, on=today)
    if change.acknowledged_on is not None:
        who = change.acknowledged_by.get_full_name() or change.acknowledged_by.username
        raise ValidationError(f"This change was already acknowledged by {who} on {change.acknowledged_on:%-d %B %Y}.")
    if not iro_response.strip():
        raise ValidationError({"iro_response": "Enter your response to the change."})
    change.acknowledged_on = today
    change.acknowledged_by = by
    change.iro_response = iro_response.strip()
    change.full_clean()
    change.save()
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=change.child_id,
        obj=change,
        summary=f"Significant change acknowledged: {change.get_category_display()} on {change.occurred_on:%-d %B %Y}",
        changes={"acknowledged_on": [None, today], "iro_response": ["", change.iro_response]},
    )
    return change


@transaction.atomic
def significant_change_mark_seen(*, change: SignificantChange, by) -> SignificantChange:
    """A manager records that they have seen a change addressed to the child's IRO. This is
    not an acknowledgement: the IRO's alert stays until the IRO acknowledges it."""
    if not by.has_perm("children.view_all_children"):
        raise PermissionDenied("Only IRO managers record that they have seen a significant change.")
    change = SignificantChange.objects.select_for_update().get(pk=change.pk)
    if change.seen_by_manager_at is not None:
        who = change.seen_by_manager.get_full_name() or change.seen_by_manager.username
        seen = timezone.localtime(change.seen_by_manager_at)
        raise ValidationError(f"{who} already recorded that they saw this change on {seen:%-d %B %Y}.")
    change.seen_by_manager_at = timezone.now()
    change.seen_by_manager = by
    change.full_clean()
    change.save(update_fields=["seen_by_manager_at", "seen_by_manager", "updated_at"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=change.child_id,
        obj=change,
        summary=f"Significant change seen by a manager: {change.get_category_display()} "
        f"on {change.occurred_on:%-d %B %Y}",
        changes={"seen_by_manager_at": [None, change.seen_by_manager_at.isoformat()]},
    )
    return change
