"""``python manage.py review_schedule --child REF [--today YYYY-MM-DD] [--json]``

Prints, for one child (by local reference), every review of the current (or latest) period of
care with its due date, the date held, on time or late and the reason, then the next review due
and why. It reads the facts and computes the chain afresh (``reviews.schedule.chains_for``), so
it shows the rule's answer, not a cache. The read is audited like any read of a child's record.

The JSON form is an interface other tools rely on; its keys are stable: ``child``,
``period_start``, ``reviews`` (each ``due_on``, ``held_on``, ``on_time``, ``rule``, and also
``number``, ``reason``), ``next_due_on``, ``next_rule`` (and ``next_reason``, ``status``).
Dates are ISO 8601; a date not known is ``null``.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from children.models import Child
from iro_service.audit import audit_record
from iro_service.models import AuditAction
from reviews import deadlines
from reviews.calendar import statutory_non_working_days
from reviews.schedule import chains_for


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "not known"


class Command(BaseCommand):
    help = "Show one child's review due dates, held dates and the reason for each date."

    def add_arguments(self, parser):
        parser.add_argument("--child", required=True, help="The child's local reference.")
        parser.add_argument("--today", help="As at this date, YYYY-MM-DD (default: today in London).")
        parser.add_argument("--json", action="store_true", help="Print JSON (a stable interface).")

    def handle(self, *args, child: str, today: str | None, json: bool, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r}") from error
        record = Child.objects.filter(local_reference=child).first()
        if record is None:
            raise CommandError(f"No child has the reference {child!r}.")
        _, answer, _ = chains_for([record.pk], as_at=day)[record.pk]
        period = answer.periods[-1] if answer.periods else None
        name = record.first_name
        reviews = list(period.reviews) if period else []
        due = period.next_due if period else None
        status = None
        if due is not None and due.due_on is not None:
            calendar = statutory_non_working_days(min(due.due_on, day), max(due.due_on, day))
            status = deadlines.due_status(due.due_on, today=day, non_working=calendar).status.value
        data = {
            "child": record.local_reference,
            "period_start": _iso(period.start) if period else None,
            "reviews": [
                {
                    "number": r.number,
                    "due_on": _iso(r.due.due_on),
                    "held_on": _iso(r.held_on),
                    "on_time": r.on_time,
                    "rule": str(r.due.rule),
                    "reason": r.due.reason.replace("{name}", name),
                }
                for r in reviews
            ],
            "next_due_on": _iso(due.due_on) if due else None,
            "next_rule": str(due.rule) if due else None,
            "next_reason": due.reason.replace("{name}", name) if due else None,
            "status": status,
        }
        audit_record(
            actor=None,
            action=AuditAction.VIEWED,
            child_id=record.pk,
            obj=record,
            summary="Review schedule printed (review_schedule command)",
            path="manage.py review_schedule",
        )
        if json:
            self.stdout.write(_dumps(data))
            return
        self._print(record, period, data, day)

    def _print(self, record, period, data, day) -> None:
        write = self.stdout.write
        write(f"Child {record.local_reference}, as at {_day(day)}")
        if period is None:
            write("  No period of care is recorded.")
            return
        known = "" if period.start_known else " (the records begin here; the start of care is not known)"
        kind = "Short breaks (reg 48)" if period.short_breaks else "Period of care (reg 33)"
        ended = f", ended {_day(period.ended_on)}" if period.ended_on else ""
        write(f"  {kind} from {_day(period.start)}{known}{ended}")
        for item in data["reviews"]:
            held = date.fromisoformat(item["held_on"])
            timing = {True: "on time", False: "late", None: "due date not known"}[item["on_time"]]
            due = date.fromisoformat(item["due_on"]) if item["due_on"] else None
            write(f"  Review {item['number']}: held {_day(held)}, due by {_day(due)}, {timing}")
            write(f"    why: {item['reason']}")
        if data["next_due_on"] or data["next_rule"]:
            due = date.fromisoformat(data["next_due_on"]) if data["next_due_on"] else None
            state = f" ({data['status'].replace('_', ' ')})" if data["status"] else ""
            write(f"  Next review due by {_day(due)}{state}")
            write(f"    why: {data['next_reason']}")
        else:
            write("  No review is due: " + ("care has ended." if period.ended_on else "they turn 18 before it."))


def _dumps(data) -> str:
    return json.dumps(data, indent=2)
