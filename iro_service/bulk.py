"""Writing many rows in a fixed number of statements, on SQLite and PostgreSQL alike.

``insert_rows``: multi-row ``INSERT ... VALUES (...), (...)`` in batches of 500 rows (Django's
``bulk_create`` splits at SQLite's old 999-parameter limit, so its statements grow with the rows).
``update_rows``: one ``WITH v AS (VALUES ...) UPDATE ... FROM v`` per 500 rows (SQLite 3.33+).
Each field's value is converted through the ORM's adapters once.
"""

from __future__ import annotations

from typing import cast

from django.db import connection, models

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


def update_rows(model: type[models.Model], rows: list[dict], fields: list[str]) -> int:
    """Set ``fields`` of each row (``{"pk": id, field: value, ...}``) in one statement per 500
    rows; return how many rows were given."""
    if not rows:
        return 0
    meta = model._meta
    # Concrete columns only: a relation or generic key has no column to set.
    model_fields = [cast(models.Field, meta.get_field(name)) for name in fields]
    converters = [_converter(f) for f in model_fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    # PostgreSQL types a VALUES list from its first row, so each value is cast; SQLite would
    # turn a date cast to "date" into a number, and needs none.
    if connection.vendor == "postgresql":
        db_types = [f.cast_db_type(connection) for f in model_fields]  # type: ignore[attr-defined]  # not in django-stubs
        casts = ["CAST(%s AS integer)", *(f"CAST(%s AS {db_type})" for db_type in db_types)]
    else:
        casts = ["%s"] * (len(fields) + 1)
    one_row = "(" + ", ".join(casts) + ")"
    names = ", ".join(["id", *(f"v{i}" for i in range(len(fields)))])
    sets = ", ".join(f"{quote(f.column)} = v.v{i}" for i, f in enumerate(model_fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_INSERT):
            batch = rows[start : start + ROWS_PER_INSERT]
            params: list = []
            for row in batch:
                params.append(row["pk"])
                params.extend(convert(row[name]) for name, convert in zip(fields, converters, strict=True))
            values = ", ".join([one_row] * len(batch))
            cte = f"WITH v({names}) AS (VALUES {values})"  # noqa: S608 - names from model metadata; values bound
            update = f"UPDATE {table} SET {sets} FROM v WHERE {table}.{quote(meta.pk.column)} = v.id"  # noqa: S608
            cursor.execute(f"{cte} {update}", params)
    return len(rows)
