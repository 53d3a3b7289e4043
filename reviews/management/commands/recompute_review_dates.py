"""``python manage.py recompute_review_dates [--commit] [--show N]``

Recomputes every child's review chain from the facts (``reviews.schedule.schedule_refresh``)
and reports what changed: for after an upgrade that corrects a rule, or an import that wrote
facts without the services. Dry run by default: the recomputation runs inside a transaction
that is rolled back; ``--commit`` keeps it. Children are taken a thousand at a time, so the
memory used does not grow with the size of the authority.
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from children.models import Child
from reviews.schedule import Change, schedule_refresh

CHUNK = 1000


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Recompute every child's review due dates from the facts and report what changed (dry run by default)."

    def add_arguments(self, parser):
        parser.add_argument("--commit", action="store_true", help="Write the recomputed dates (default: dry run).")
        parser.add_argument("--show", type=int, default=20, help="How many changes to list (default 20).")

    def handle(self, *args, commit: bool, show: int, **options):
        changes: list[Change] = []
        children = touched = 0
        try:
            with transaction.atomic():
                ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
                for start in range(0, len(ids), CHUNK):
                    chunk = ids[start : start + CHUNK]
                    children += len(chunk)
                    touched += schedule_refresh(chunk, changes=changes)
                if not commit:
                    raise _Rollback
        except _Rollback:
            pass
        references = dict(
            Child.objects.filter(pk__in={c.child_id for c in changes}).values_list("pk", "local_reference")
        )
        kinds = Counter(change.kind for change in changes)
        verb = "changed" if commit else "would change"
        self.stdout.write(f"{children} children checked; {touched} {verb}.")
        for kind, label in (
            ("review", "held reviews' due date or type"),
            ("due", "reviews due (held or missed)"),
            ("next", "next review due dates"),
            ("other", "next review's reason or booking only"),
        ):
            self.stdout.write(f"  {label}: {kinds.get(kind, 0)}")
        # The changes of a held review's or the next review's date first: they are what moved.
        order = {"review": 0, "next": 1, "due": 2}
        shown = sorted((c for c in changes if c.kind != "other"), key=lambda c: order[c.kind])
        for change in shown[:show]:
            self.stdout.write(
                f"  child {references.get(change.child_id, change.child_id)}: {change.what}: "
                f"{_text(change.before)} -> {_text(change.after)}"
            )
        listed = sum(1 for c in changes if c.kind != "other")
        if listed > show:
            self.stdout.write(f"  ... and {listed - show} more")
        if not commit and touched:
            self.stdout.write("Dry run: nothing was written. Run again with --commit to write.")


def _text(value) -> str:
    if isinstance(value, tuple):
        return " ".join(_text(v) for v in value)
    return "none" if value is None or value == "" else str(value)
