"""Writing the audit trail. Services call ``audit_record`` inside their transaction;
read-only views call it for each child record they show."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditAction, AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for every field whose value changed, as JSON-safe values."""
    return {
        name: [_plain(before.get(name)), _plain(after.get(name))]
        for name in after
        if before.get(name) != after.get(name)
    }


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    child_id: int | None,
    obj: models.Model | None = None,
    summary: str = "",
    changes: dict | None = None,
    path: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        child_id=child_id,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:255],
        changes={
            k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v] for k, v in (changes or {}).items()
        },
        path=path[:255],
    )
