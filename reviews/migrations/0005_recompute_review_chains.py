"""Recompute every child's review chain once, on upgrade (docs/rules.md#review-timescales, as corrected):
due dates stored by earlier versions counted closure days, ignored reg 48 and the 18th
birthday, and were not moved by corrections; ``ReviewDue`` starts empty. It calls the same
refresh the services use (``reviews.schedule.schedule_refresh``), a thousand children at a time.

If it cannot run here (a database far behind, whose later migrations the current models
expect), it rolls back its own savepoint, says so, and the migration goes on: the operator then
runs ``python manage.py recompute_review_dates --commit`` after migrating.
"""

from django.core.exceptions import FieldError
from django.db import DatabaseError, migrations, transaction


def recompute(apps, schema_editor):
    ids = list(apps.get_model("children", "Child").objects.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return
    from reviews.schedule import schedule_refresh

    try:
        with transaction.atomic():  # a savepoint: a failure leaves the migration's transaction usable
            for start in range(0, len(ids), 1000):
                schedule_refresh(ids[start : start + 1000])
    except (DatabaseError, FieldError) as error:
        print(f"\n  Review dates not recomputed ({error}): run `manage.py recompute_review_dates --commit`.")  # noqa: T201


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_review_chain_cache"),
        ("children", "0008_reviews_known_from"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
