"""Trigram indexes for the children list's name search, on PostgreSQL only.

The search is ``UPPER(column::text) LIKE UPPER('%text%')`` (Django's ``icontains``) over the
first, last and preferred names, and ``UPPER(local_reference::text) = UPPER('ref')``. A B-tree
cannot serve a pattern with a leading ``%``; a GIN trigram index on the same expression can, so a
manager's search reads the matching rows instead of every child. SQLite has no such index and
needs none at its sizes.
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "preferred_name", "local_reference")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS child_{column}_trgm ON children_child "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS child_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("children", "0011_list_and_caseload_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
