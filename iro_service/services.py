"""The three checks every service starts with, written once for every app.

A service (``<entity>_<verb>``, see docs/architecture.md#how-a-write-flows) asks whether the
user may act on the child, refuses dates that have not happened yet, and saves through
``save_validated`` so the model's own rules run and the history row names the user.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from .audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

M = TypeVar("M", bound=models.Model)


def save_validated(instance: models.Model, *, by: User | None, update_fields: list[str] | None = None) -> None:
    """``full_clean`` then save; a model with history gets its row attributed to ``by``."""
    instance.full_clean()
    if hasattr(type(instance), "history"):
        instance._history_user = by  # type: ignore[attr-defined]
    instance.save(update_fields=update_fields)


def save_audited(
    instance: M,
    *,
    by: User,
    action: str,
    summary: str,
    changes: dict | None = None,
    update_fields: list[str] | None = None,
    child_id: int | None = None,
) -> M:
    """``save_validated``, then the one AuditEvent that names ``instance``: ``by`` did ``action``.
    The event is about ``child_id`` if given, else the instance's own ``child_id`` (none for a
    record that belongs to no child)."""
    save_validated(instance, by=by, update_fields=update_fields)
    if child_id is None:
        child_id = getattr(instance, "child_id", None)
    audit_record(actor=by, action=action, child_id=child_id, obj=instance, summary=summary, changes=changes)
    return instance


def require_not_future(day: date, *, today: date, field: str, what: str = "The date") -> None:
    """Refuse a date after ``today``, naming the field, in the words the date fields use
    (``iro_service.forms.SensibleDateField``): what has happened cannot be dated later."""
    if day > today:
        raise ValidationError({field: f"{what} must be today or in the past."})


def require_may_act(
    child: models.Model,
    user: User,
    *,
    perm: str,
    on: date | None,
    refusal: str,
    held_only: bool = False,
    work: str | None = None,
) -> None:
    """Refuse unless ``user`` has ``perm`` and may act on the child on ``on``.

    ``visible_to`` is everyone who may see the child (their IRO, the IRO covering them,
    managers); ``held_only`` narrows it to the IRO who holds or covers them, for the
    answers that are theirs alone (acknowledging a significant change); ``work`` narrows an IRO's
    children to one kind of allocation (looked-after reviews or child protection conferences), so
    the chair of one kind of work does not act on the other. The child's own manager
    (``Child.objects``) answers both, so ``iro_service`` imports no domain app."""
    records: Any = type(child)._default_manager
    if held_only:
        children = records.held_or_covered_by(user, on=on, work=work)
    else:
        children = records.visible_to(user, on=on, work=work)
    if not (user.has_perm(perm) and children.filter(pk=child.pk).exists()):
        raise PermissionDenied(refusal)
