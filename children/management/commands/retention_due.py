"""``python manage.py retention_due [--today YYYY-MM-DD]``

Counts the closed records past their retention date (docs/rules.md#data-protection): by the birthday
rule, by the rule for a child who died before 18, and how many already have a proposal waiting
for a second manager. It prints counts only (no child is named) and changes nothing.

There is deliberately no ``--commit``: a record is anonymised or destroyed only when one IRO
manager proposes it and a second approves it, on the Retention page (``/children/retention/``).
"""

from __future__ import annotations

import argparse
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q
from django.utils import timezone

from children.models import Child
from children.retention import rule_text


class Command(BaseCommand):
    help = "Count the closed records past their retention date (dry run: changes nothing, names no child)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Count as at this date, YYYY-MM-DD (default: today in London).")
        parser.add_argument("--dry-run", action="store_true", help="The default: this command never changes anything.")
        parser.add_argument("--commit", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, today: str | None, commit: bool, **options):
        if commit:
            raise CommandError(
                "Records are anonymised or destroyed only when a second IRO manager approves a proposal on the "
                "Retention page (/children/retention/); this command only counts them."
            )
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r}") from error
        counts = (
            Child.objects.past_retention(on=day)
            .with_pending_retention_request()
            .aggregate(
                due=Count("pk"),
                after_death=Count("pk", filter=Q(died_before_adulthood=True)),
                proposed=Count("pk", filter=Q(pending_retention_request_id__isnull=False)),
            )
        )
        closed = Child.objects.closed().count()
        out = self.stdout.write
        rule = rule_text(
            years_after_birth=settings.RETENTION_YEARS_AFTER_BIRTH,
            years_after_death=settings.RETENTION_YEARS_AFTER_DEATH,
        )
        out(f"Retention as at {day:%-d %B %Y}: a closed record is kept {rule}.")
        out(f"Closed records: {closed}")
        out(f"Past their retention date: {counts['due']}")
        out(f"  by the birthday rule: {counts['due'] - counts['after_death']}")
        out(f"  after the death of a child under 18: {counts['after_death']}")
        out(f"  with a proposal waiting for a second manager: {counts['proposed']}")
        out("Nothing was changed. A manager proposes anonymising or destroying each record on the Retention page.")
