"""The people around the child (``Contact``): added, changed under an optimistic lock, and ended
with the date they stopped, never deleted (docs/rules.md#after-the-review: the IRO invites them to
the review and sends them its record).

Who may act: the child's IRO, the IRO covering them, and managers, with
``children.manage_contacts``. Each change writes one audit event naming the fields changed; the
person's own details (name, email, phone, address...) are not copied into the audit trail, which
records only that they changed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.concurrency import claim_version
from iro_service.models import AuditAction
from iro_service.services import require_may_act, require_not_future, save_audited

from ..models import Child, Contact
from .common import field_values

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Fields of a person ``contact_update`` may change.
CONTACT_EDITABLE_FIELDS = (
    "role",
    "name",
    "organisation",
    "has_parental_responsibility",
    "email",
    "phone",
    "address",
    "notes",
    "started_on",
)

#: The person's own details: the audit event says that they changed, never what they were or are.
CONTACT_PERSONAL_FIELDS = frozenset({"name", "organisation", "email", "phone", "address", "notes"})

#: What the audit event holds for a personal detail that changed.
NOT_COPIED = "changed (not copied to the audit trail)"

_TEXT_FIELDS = ("name", "organisation", "email", "phone", "address", "notes")


def _require_may_manage(child: Child, user: User, *, on: date) -> None:
    require_may_act(
        child,
        user,
        perm="children.manage_contacts",
        on=on,
        refusal="You can only change the people around children you can see.",
    )


def _audit_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{field: [old, new]}`` for each field that changed; a personal detail only says it changed."""
    changes: dict[str, Any] = {}
    for name, value in after.items():
        if before.get(name) == value:
            continue
        changes[name] = [None, NOT_COPIED] if name in CONTACT_PERSONAL_FIELDS else [before.get(name), value]
    return changes


#: How an audit summary names a field whose own name would not read well there.
_SUMMARY_NAMES = {
    "role": "role",
    "has_parental_responsibility": "parental responsibility",
    "started_on": "date they took on the role",
}


def _labels(contact: Contact, names) -> str:
    def label(name: str) -> str:
        return _SUMMARY_NAMES.get(name) or str(getattr(contact._meta.get_field(name), "verbose_name", name))

    return ", ".join(label(name) for name in names)


def _cleaned(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.strip() if name in _TEXT_FIELDS and isinstance(value, str) else value
        for name, value in fields.items()
    }


def _require_dates(*, started_on: date, ended_on: date | None, today: date) -> None:
    require_not_future(started_on, today=today, field="started_on", what="The date they took on the role")
    if ended_on is not None and started_on > ended_on:
        raise ValidationError(
            {
                "started_on": "The date they took on the role must be on or before the day they stopped, "
                f"{ended_on:%-d %B %Y}."
            }
        )


@transaction.atomic
def contact_add(
    *,
    child: Child,
    by: User,
    role: str,
    name: str,
    started_on: date,
    organisation: str = "",
    has_parental_responsibility: bool = False,
    email: str = "",
    phone: str = "",
    address: str = "",
    notes: str = "",
    today: date | None = None,
) -> Contact:
    """Record a person around the child, holding ``role`` since ``started_on`` (today or earlier)."""
    today = today or timezone.localdate()
    _require_may_manage(child, by, on=today)
    values = _cleaned(
        {
            "role": role,
            "name": name,
            "organisation": organisation,
            "has_parental_responsibility": has_parental_responsibility,
            "email": email,
            "phone": phone,
            "address": address,
            "notes": notes,
            "started_on": started_on,
        }
    )
    _require_dates(started_on=started_on, ended_on=None, today=today)
    contact = Contact(child=child, created_by=by, **values)
    recorded = {name: value for name, value in values.items() if value not in ("", None, False)}
    return save_audited(
        contact,
        by=by,
        action=AuditAction.CREATED,
        summary=f"Person added: {contact.get_role_display()}; recorded: {_labels(contact, recorded)}",
        changes=_audit_changes({}, recorded),
    )


@transaction.atomic
def contact_update(
    *, contact: Contact, by: User, expected_version: int, today: date | None = None, **fields: Any
) -> Contact:
    """Change a person's details (``CONTACT_EDITABLE_FIELDS``). Refused with ``StaleEditError`` if
    someone saved since ``expected_version`` was read; nothing is written then."""
    unknown = set(fields) - set(CONTACT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"contact_update cannot change {', '.join(sorted(unknown))}")
    today = today or timezone.localdate()
    _require_may_manage(contact.child, by, on=today)
    claim_version(contact, expected_version=expected_version)
    contact = Contact.objects.select_related("child").get(pk=contact.pk)
    fields = _cleaned(fields)
    before = field_values(contact, fields)
    for name, value in fields.items():
        setattr(contact, name, value)
    if "started_on" in fields:
        _require_dates(started_on=contact.started_on, ended_on=contact.ended_on, today=today)
    changes = _audit_changes(before, field_values(contact, fields))
    return save_audited(
        contact,
        by=by,
        action=AuditAction.UPDATED,
        summary=f"Person's details changed ({contact.get_role_display()}): "
        + (_labels(contact, changes) if changes else "no change"),
        changes=changes,
    )


@transaction.atomic
def contact_end(*, contact: Contact, by: User, ended_on: date, today: date | None = None) -> Contact:
    """Record that the person no longer holds their role from ``ended_on`` (today or earlier). The
    record is kept, with its dates, among the child's former people: nothing is deleted."""
    today = today or timezone.localdate()
    _require_may_manage(contact.child, by, on=today)
    contact = Contact.objects.select_for_update().select_related("child").get(pk=contact.pk)
    if contact.ended_on is not None:
        raise ValidationError(f"This person already stopped being involved on {contact.ended_on:%-d %B %Y}.")
    require_not_future(ended_on, today=today, field="ended_on", what="The date they stopped")
    if ended_on < contact.started_on:
        raise ValidationError(
            {
                "ended_on": f"The date they stopped must be on or after {contact.started_on:%-d %B %Y}, "
                "when they started."
            }
        )
    contact.ended_on = ended_on
    contact.version += 1  # a change form opened before is refused and merged
    return save_audited(
        contact,
        by=by,
        action=AuditAction.UPDATED,
        summary=f"Person no longer involved ({contact.get_role_display()}) from {ended_on:%-d %B %Y}",
        changes={"ended_on": [None, ended_on]},
        update_fields=["ended_on", "version", "updated_at"],
    )
