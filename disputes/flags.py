"""Dispute deadline flags (docs/rules.md#disputes), swept by the daily job.

``reviews.flags.deadlines_daily`` runs every sweep in the ``DEADLINE_SWEEPS`` setting, this one
among them, so ``reviews`` never imports ``disputes``. ``DeadlineFlag`` has no foreign key to a
dispute: each flag names its dispute in its ``key`` and carries the child, the child's IRO and
a date, and ``reviews.flags.flags_sweep_keyed`` stores, resolves and reopens the flags by key.

* ``DISPUTE_RESPONSE_OVERDUE``: an open dispute whose current step's response (a written
  response, or the minutes of a booked meeting) was due before today and none is recorded.
  ``due_on`` is the response due date; the key names the dispute, the step, its stage number
  and that date. Resolved when the response or minutes are recorded, the dispute is escalated
  (the step ends: the next step is a new key) or closed; a new due date is a new key.
* ``DISPUTE_OPEN_TOO_LONG``: an open dispute open for more than
  ``DisputeSettings.max_open_working_days`` working days (Handbook para 6.2: the whole process
  should take no more than 20; the annual report's "closed within N working days" uses the same
  limit). Bank holidays in England never count as working days, and the authority's closure
  days only where ``CLOSURE_DAYS_MOVE_LOCAL_TARGETS`` is on (a local target, docs/rules.md
  section 2; ``reviews.calendar.local_non_working_days``). ``due_on`` is the day it opened; the
  key names the dispute and that day, so escalation keeps the one flag. Resolved when the
  dispute closes (or the limit is raised past it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

from django.db.models import F

from reviews.calendar import local_non_working_days
from reviews.codes import FlagKind
from reviews.deadlines import is_working_day
from reviews.flags import IsoDate, KeyedRule, SweepResult, flag_key, flags_sweep_keyed

from .models import Dispute, DisputeSettings, DisputeStep


def open_too_long_before(today: date, working_days: int, *, non_working: Collection[date]) -> date:
    """The earliest opening date not yet too long on ``today``: a dispute opened before it has
    been open more than ``working_days`` working days, that is
    ``working_days_between(opened_on, today) > working_days``; one opened on or after it has not.

    Walks back from ``today`` once: ``working_days_between(day, today)`` grows by one each time
    the walk steps back over a working day, and the walk stops before it would pass the limit.
    """
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    day, counted = today, 0
    while True:
        step = 1 if is_working_day(day, non_working=non_working) else 0
        if counted + step > working_days:
            return day
        counted += step
        day -= timedelta(days=1)


def _cutoff(today: date, working_days: int) -> date:
    """``open_too_long_before`` on the authority's calendar, read once (one query). The window
    of non-working days fetched is ample for any ordinary calendar; it is widened only if the
    walk would leave it (an authority closed for weeks on end)."""
    span = timedelta(days=2 * working_days + 31)
    while True:
        start = today - span
        cutoff = open_too_long_before(today, working_days, non_working=local_non_working_days(start, today))
        if cutoff >= start:
            return cutoff
        span *= 2


def _rules(*, today: date, cutoff: date) -> list[KeyedRule]:
    overdue = FlagKind.DISPUTE_RESPONSE_OVERDUE
    too_long = FlagKind.DISPUTE_OPEN_TOO_LONG
    # The current step of each dispute waiting for a response past its due date.
    waiting = DisputeStep.objects.filter(
        ended_on__isnull=True, dispute__in=Dispute.objects.responses_overdue(on=today)
    ).annotate(child_id=F("dispute__child_id"), stage_number=F("stage__number"))
    return [
        KeyedRule(
            kind=overdue,
            holds=waiting,
            key=flag_key(
                overdue, dispute="dispute_id", step="pk", stage="stage_number", due=IsoDate("response_due_on")
            ),
            due="response_due_on",
        ),
        KeyedRule(
            kind=too_long,
            holds=Dispute.objects.open().filter(opened_on__lt=cutoff),
            key=flag_key(too_long, dispute="pk", opened=IsoDate("opened_on")),
            due="opened_on",
        ),
    ]


def dispute_flags_sweep(*, today: date, child_ids: Iterable[int] | None = None) -> SweepResult:
    """Bring the two dispute flags up to date as of ``today`` for these children (default: the
    whole service), in a fixed number of queries whatever the number of disputes: the settings
    row, the calendar, three statements per kind, the IRO update and the counts. Reports the two
    dispute kinds."""
    limit = DisputeSettings.current().max_open_working_days
    cutoff = _cutoff(today, limit)
    return flags_sweep_keyed(_rules(today=today, cutoff=cutoff), today=today, child_ids=child_ids)
