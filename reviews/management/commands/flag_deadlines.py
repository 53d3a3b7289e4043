"""``python manage.py flag_deadlines [--today YYYY-MM-DD] [--no-digests] [--dry-run]``

Runs the daily deadline job now, in this process, without a Celery broker: the same service
the beat task ``reviews.tasks.sweep_deadlines`` calls (``reviews.flags.deadlines_daily``).
The job is idempotent, so it writes by default, like the scheduled run; ``--dry-run`` sweeps
inside a transaction that is rolled back and sends no digests.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from reviews.codes import FlagKind
from reviews.flags import DailyResult, deadlines_daily


class Command(BaseCommand):
    help = (
        "Raise and resolve the deadline flags of every sweep in DEADLINE_SWEEPS (reviews, records, actions, "
        "disputes), then send the daily digests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Sweep as at this date, YYYY-MM-DD (default: today in London).")
        parser.add_argument("--no-digests", action="store_true", help="Update the flags but send no emails.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change, then roll back; send no emails."
        )

    def handle(self, *args, today: str | None, no_digests: bool, dry_run: bool, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r}") from error

        if dry_run:
            with transaction.atomic():
                result = deadlines_daily(today=day, send_digests=False)
                transaction.set_rollback(True)
        else:
            result = deadlines_daily(today=day, send_digests=not no_digests)
        self._report(result, dry_run=dry_run)

    def _report(self, result: DailyResult, *, dry_run: bool) -> None:
        out = self.stdout.write
        out(f"Deadline flags as at {result.today:%-d %B %Y}{' (dry run: nothing saved)' if dry_run else ''}")
        out(f"Review schedules refreshed: {result.schedules_refreshed}")
        width = max(len(kind.label) for kind in FlagKind)
        out(f"{'':<{width}}  {'new':>5}  {'resolved':>8}  {'open':>5}")
        sweep = result.sweep
        for kind in FlagKind:
            raised, resolved, still_open = (
                sweep.raised[kind.value],
                sweep.resolved[kind.value],
                sweep.open[kind.value],
            )
            out(f"{kind.label:<{width}}  {raised:>5}  {resolved:>8}  {still_open:>5}")
        out(
            f"{'Total':<{width}}  {sum(sweep.raised.values()):>5}  "
            f"{sum(sweep.resolved.values()):>8}  {sum(sweep.open.values()):>5}"
        )
        if result.digests_sent is None:
            out(f"Digests sent: none ({'dry run' if dry_run else 'not asked for'})")
        else:
            out(f"Digests sent: {result.digests_sent}")
