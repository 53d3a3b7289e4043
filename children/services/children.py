"""The child's own record: added with their first period of care, changed under an optimistic lock,
archived once they have left care, and every read logged."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.audit import audit_record, diff_fields
from iro_service.concurrency import claim_version
from iro_service.models import AuditAction
from iro_service.services import require_not_future, save_audited, save_validated

from ..models import CareEpisode, Child, SiblingGroup
from .care import CareFacts, care_period_start
from .common import CHILD_EDITABLE_FIELDS, field_values

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _renamed(error: ValidationError, **names: str) -> ValidationError:
    """``error`` with its field keys renamed (``started_on="looked_after_on"``), so that a rule a
    nested service checks lands on the field of the form that called the outer one."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(field, field): errors for field, errors in error.error_dict.items()})


def _save_new(child: Child, *, by: User) -> None:
    save_validated(child, by=by)  # first: the event names the child by the pk this gives
    audit_record(
        actor=by,
        action=AuditAction.CREATED,
        child_id=child.pk,
        obj=child,
        summary="Child record created",
        changes={name: [None, value] for name, value in field_values(child, CHILD_EDITABLE_FIELDS).items()},
    )


@transaction.atomic
def child_create(
    *,
    by: User,
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
    iro: User,
    today: date | None = None,
    **care: Unpack[CareFacts],
) -> Child:
    """Add a child who becomes looked after, with their first episode and IRO: ``care`` holds the
    facts of the placement and legal status (``CareFacts``), as ``care_period_start`` takes them."""
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
    _save_new(child, by=by)
    try:
        care_period_start(child=child, by=by, started_on=looked_after_on, iro=iro, today=today, **care)
    except ValidationError as error:
        # The form asks for the start of care as ``looked_after_on``: name that field.
        raise _renamed(error, started_on="looked_after_on") from None
    return child


@transaction.atomic
def child_update(*, child: Child, by: User, expected_version: int, **fields: Any) -> Child:
    """Change the child's details (``CHILD_EDITABLE_FIELDS``). Refused with ``StaleEditError`` if
    someone saved since ``expected_version`` was read; nothing is written then."""
    unknown = set(fields) - set(CHILD_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"child_update cannot change {', '.join(sorted(unknown))}")
    claim_version(child, expected_version=expected_version)
    child = Child.objects.get(pk=child.pk)
    before = field_values(child, fields)
    for name, value in fields.items():
        setattr(child, name, value)
    changes = diff_fields(before, field_values(child, fields))
    if child.name_to_be_entered and ({"first_name", "last_name"} & set(changes)):
        # A child imported from SSDA903 (which holds no names) now has a name.
        child.name_to_be_entered = False
    save_audited(
        child,
        by=by,
        action=AuditAction.UPDATED,
        child_id=child.pk,
        summary="Details changed: " + (", ".join(changes) if changes else "no change"),
        changes=changes,
    )
    return child


@transaction.atomic
def child_archive(*, child: Child, by: User) -> Child:
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


def child_view(*, child: Child, by: User, path: str = "") -> None:
    """Log that ``by`` read the child's record (every read of special-category data is audited)."""
    audit_record(actor=by, action=AuditAction.VIEWED, child_id=child.pk, obj=child, summary="Record viewed", path=path)
