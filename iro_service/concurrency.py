"""Optimistic locking: two people editing the same record cannot silently overwrite each other.

A form carries the ``version`` it was loaded with. The service claims the record by
incrementing the version only if it is still the one the form saw (one conditional
UPDATE, atomic on every database); if someone else saved first, nothing is written
and ``StaleEditError`` tells the view what the other person changed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F


class StaleEditError(ValidationError):
    def __init__(self, *, current, changed_by: str = ""):
        self.current = current
        self.changed_by = changed_by
        who = f" by {changed_by}" if changed_by else ""
        super().__init__(
            f"This record was changed{who} while you were editing it. Your changes have not been saved: "
            "check the current details below, then save again.",
            code="stale",
        )


def claim_version(instance, *, expected_version: int) -> None:
    """Increment ``instance.version`` in the database if it still equals ``expected_version``.

    Raises ``StaleEditError`` (with the fresh record) otherwise. Call inside a transaction.
    """
    model = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        current = model._default_manager.get(pk=instance.pk)
        latest = current.history.select_related("history_user").first() if hasattr(current, "history") else None
        who = ""
        if latest is not None and latest.history_user is not None:
            who = latest.history_user.get_full_name() or latest.history_user.username
        raise StaleEditError(current=current, changed_by=who)
    instance.version = expected_version + 1
