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

from django.db import connection, models
from django.utils import timezone

#: Rows per INSERT: under SQLite's limit of 32,766 bound values for the widest table.
ROWS_PER_INSERT = 500


def _converter(field: models.Field):
    """A function turning a Python value of ``field`` into what the database driver takes."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        cache: dict = {}

        def convert(value):
            if value is None:
                return None
            if value not in cache:
                cache[value] = ops.adapt_datetimefield_value(value)
            return cache[value]

        return convert
    if isinstance(field, models.DateField):
        return lambda value: None if value is None else ops.adapt_datefield_value(value)
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: value


def insert_rows(model: type[models.Model], rows: list[dict], *, returning: bool = True) -> list[int]:
    """Insert ``rows`` (attname → value; missing fields take their defaults) into ``model``'s
    table and return the new primary keys in row order."""
    if not rows:
        return []
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    converters = [_converter(f) for f in fields]
    # A missing field takes its default, converted once rather than once per row.
    defaults = {f.attname: convert(f.get_default()) for f, convert in zip(fields, converters, strict=True)}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning_sql = f" RETURNING {quote(meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_INSERT):
            batch = rows[start : start + ROWS_PER_INSERT]
            params: list = []
            for row in batch:
                for f, convert in zip(fields, converters, strict=True):
                    params.append(convert(row[f.attname]) if f.attname in row else defaults[f.attname])
            sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([one_row] * len(batch))}"  # noqa: S608 - names come from model metadata; values are bound parameters
            cursor.execute(sql + returning_sql, params)
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


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
