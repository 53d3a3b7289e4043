"""Inserting many rows, with their simple-history "created" records, in multi-row INSERTs.

``bulk_create_with_history`` builds an ORM object and compiles every value through the ORM,
which made 10,000 children's return (about 180,000 rows with history) take most of a
minute. Here each field's value is converted once per distinct value, and rows go in as
``INSERT ... VALUES (...), (...) RETURNING id`` batches, on SQLite and PostgreSQL alike
(Django's own ``bulk_create`` relies on RETURNING giving ids in row order on both). The
history rows are what simple-history writes on a create: the same values, ``history_type``
"+", the user, the reason and the time.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from iro_service.bulk import insert_rows


def insert_with_history(
    model: type[models.Model], rows: list[dict], *, user_id: int | None, reason: str, now: datetime | None = None
) -> list[int]:
    """Insert ``rows`` and their simple-history creation records; return the new ids."""
    now = now or timezone.now()
    for row in rows:
        row.setdefault("created_at", now)
        row.setdefault("updated_at", now)
    ids = insert_rows(model, rows)
    history_rows = [
        {
            **row,
            "id": pk,
            "history_date": now,
            "history_change_reason": reason,
            "history_type": "+",
            "history_user_id": user_id,
        }
        for row, pk in zip(rows, ids, strict=True)
    ]
    insert_rows(model.history.model, history_rows, returning=False)
    return ids
