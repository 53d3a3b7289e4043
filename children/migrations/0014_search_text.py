"""The children search reads one folded column, ``Child.search_text`` (children/search.py).

Existing children get theirs here, a thousand at a time (history copies keep theirs blank: no
search reads them, and anonymising overwrites them). On PostgreSQL one GIN trigram index on
the column serves ``search_text LIKE '%word%'`` for every word of a search; the four per-column
trigram indexes of 0012, used by the search this replaces, go.
"""

from django.db import migrations, models

from children.search import SEARCHED_FIELDS, search_text

BATCH = 1000
OLD_COLUMNS = ("first_name", "last_name", "preferred_name", "local_reference")


def fill(apps, schema_editor):
    Child = apps.get_model("children", "Child")
    batch = []
    rows = Child._base_manager.order_by("pk").only("pk", *SEARCHED_FIELDS)
    for child in rows.iterator(chunk_size=BATCH):
        child.search_text = search_text(**{name: getattr(child, name) for name in SEARCHED_FIELDS})
        batch.append(child)
        if len(batch) == BATCH:
            Child._base_manager.bulk_update(batch, ["search_text"])
            batch = []
    Child._base_manager.bulk_update(batch, ["search_text"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS child_search_text_trgm ON children_child USING gin (search_text gin_trgm_ops)"
    )
    for column in OLD_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS child_{column}_trgm")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS child_search_text_trgm")
    for column in OLD_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS child_{column}_trgm ON children_child "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("children", "0013_contacts")]

    operations = [
        migrations.AddField(
            model_name="child",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="historicalchild",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
