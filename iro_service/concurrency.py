"""Optimistic locking: two people editing the same record cannot silently overwrite each other.

A form carries the ``version`` it was loaded with. The service claims the record by
incrementing the version only if it is still the one the form saw (one conditional
UPDATE, atomic on every database); if someone else saved first, nothing is written
and ``StaleEditError`` carries the record as it is saved now.

The form then merges three ways (``LockedForm.merge``), field by field and row by row:
what the user started from (*base*, carried in the form as a signed snapshot, so it does
not depend on history existing for the record), what they typed (*mine*) and what is
saved now (*theirs*). A field only they changed takes their value in the form; a field
only I changed keeps mine; a field we both changed differently needs an explicit choice
before anything is saved. The version moves to the current one, so the next save claims it.

Three modules: this one (the lock, and ``save_or_merge``, which every view that edits a locked
record calls), ``merge.py`` (the three-way merge and the words of the conflict panel, pure) and
``locked_forms.py`` (``LockedForm``, the mixin that carries the snapshot and merges).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

from .forms import add_service_errors

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from .locked_forms import LockedForm


class StaleEditError(ValidationError):
    def __init__(self, *, current, changed_by: str = ""):
        self.current = current
        self.changed_by = changed_by
        who = f" by {changed_by}" if changed_by else ""
        super().__init__(
            f"This record was changed{who} while you were editing it. Nothing has been saved yet: "
            "check what changed, then save again.",
            code="stale",
        )


def name_of(user: User | None) -> str:
    """How the conflict panel names a person: their full name, else their username."""
    return (user.get_full_name() or user.username) if user is not None else ""


def claim_version(instance: models.Model, *, expected_version: int) -> None:
    """Increment ``instance.version`` in the database if it still equals ``expected_version``.

    Raises ``StaleEditError`` (with the fresh record) otherwise. Call inside a transaction.
    """
    model = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        current = model._default_manager.get(pk=instance.pk)
        latest = current.history.select_related("history_user").first() if hasattr(current, "history") else None
        raise StaleEditError(current=current, changed_by=name_of(latest.history_user) if latest else "")
    instance.version = expected_version + 1


def touch_version(model: type[models.Model], pk: Any) -> None:
    """Count a change to a record's parts made outside its form (a review's actions, say), so
    that a form of the record opened before it is refused and merged instead of reverting it."""
    model._default_manager.filter(pk=pk).update(version=F("version") + 1)


@dataclass(frozen=True)
class Attempt:
    """What became of one save under the lock: ``saved``, with what the service returned; or
    ``stale``, and the form now shows the merge; or neither, and the form shows the rule the
    service refused."""

    saved: bool = False
    stale: bool = False
    result: Any = None


def save_or_merge(
    request: HttpRequest,
    form: LockedForm,
    call: Callable[..., Any],
    *,
    success: str | Callable[[Any], str] | None = None,
) -> Attempt:
    """Call one service with a valid form's data, as ``by=`` the user and with the ``version``
    the form was loaded with as ``expected_version``; nothing is written unless it saves.

    If someone saved the record since, the form merges what was typed with the record as saved
    now (``LockedForm.merge``) and the page shows every difference; a rule the service refuses
    lands on the form (GOV.UK error summary). Once saved, ``success`` (the message, or a function
    making it from what the service returned) is shown on the next page.
    """
    data = dict(form.cleaned_data)
    try:
        result = call(by=request.user, expected_version=data.pop("version"), **data)
    except StaleEditError as stale:
        form.merge(stale)
        return Attempt(stale=True)
    except ValidationError as error:
        add_service_errors(form, error)
        return Attempt()
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return Attempt(saved=True, result=result)
