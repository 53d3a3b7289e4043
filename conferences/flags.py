"""Child protection deadline flags (docs/rules.md#child-protection), swept by the daily job.

``reviews.flags.deadlines_daily`` runs every sweep in the ``DEADLINE_SWEEPS`` setting, this one
among them, so ``reviews`` never imports ``conferences``. ``DeadlineFlag`` has no foreign key to a
conference or a plan: each flag names its conference or plan in its ``key`` and carries the child
and a date, and ``reviews.flags.flags_sweep_keyed`` stores, resolves and reopens the flags by key.
Each flag names the child's conference chair (the open allocation of child protection work), not
their looked-after IRO. No flag is raised for a person aged 18 or over (a plan is for a child).

* ``ICPC_OVERDUE``: an initial conference requested or booked, not held, past its due date
  (15 working days from the strategy discussion). One flag per child of the family; the key names
  the conference, the child and the due date. Resolved when it is held or cancelled.
* ``RCPC_OVERDUE``: an open plan past ``next_review_due_on`` (3 months after the initial
  conference, then 6 months after the last review conference) with no review conference held
  since. The key names the plan and the due date, so holding the review (a new due date) resolves it.
* ``CP_MINUTES_LATE``: a held conference whose minutes are not distributed by
  ``minutes_due_on`` (the local target, ``CP_MINUTES_WORKING_DAYS``). Resolved when they are.
* ``CP_PLAN_LONG``: an open plan that has lasted 15 months or more (started on or before
  ``deadlines.long_plan_from(today)``); ``due_on`` is the day the plan started.
* ``CP_PLAN_REPEAT``: an open plan that is the child's second or later (``sequence`` >= 2);
  ``due_on`` is the day the plan started.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, F, OuterRef

from children.ages import born_18_years_before
from children.codes import AllocationWork
from reviews.codes import FlagKind
from reviews.flags import IsoDate, KeyedRule, SweepResult, flag_key, flags_sweep_keyed

from .codes import ConferenceKind, ConferenceStatus
from .deadlines import long_plan_from
from .models import ConferenceChild, ProtectionPlan

CP = AllocationWork.CHILD_PROTECTION


def _rules(*, today: date) -> list[KeyedRule]:
    child = {"child__date_of_birth__gt": born_18_years_before(today)}
    places = ConferenceChild.objects.filter(**child).annotate(conference_due=F("conference__due_on"))
    minutes = ConferenceChild.objects.filter(**child).annotate(conference_minutes_due=F("conference__minutes_due_on"))
    plans = ProtectionPlan.objects.filter(ended_on__isnull=True, **child)
    # A review conference held for the plan after the last one the cache counts: the cache is
    # stale (refreshed on commit), so the plan is not flagged until it catches up.
    reviewed_since = ConferenceChild.objects.filter(
        plan=OuterRef("pk"),
        conference__kind=ConferenceKind.REVIEW,
        conference__status=ConferenceStatus.HELD,
        conference__held_on__gt=OuterRef("last_conference_on"),
    )
    icpc, rcpc = FlagKind.ICPC_OVERDUE, FlagKind.RCPC_OVERDUE
    late, long_plan, repeat = FlagKind.CP_MINUTES_LATE, FlagKind.CP_PLAN_LONG, FlagKind.CP_PLAN_REPEAT
    return [
        KeyedRule(
            kind=icpc,
            holds=places.filter(
                conference__kind=ConferenceKind.INITIAL,
                conference__status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.BOOKED],
                conference__due_on__lt=today,
            ),
            key=flag_key(icpc, conference="conference_id", child="child_id", due=IsoDate("conference_due")),
            due="conference_due",
            work=CP,
        ),
        KeyedRule(
            kind=rcpc,
            holds=plans.filter(next_review_due_on__lt=today).filter(~Exists(reviewed_since)),
            key=flag_key(rcpc, plan="pk", due=IsoDate("next_review_due_on")),
            due="next_review_due_on",
            work=CP,
        ),
        KeyedRule(
            kind=late,
            holds=minutes.filter(
                conference__status=ConferenceStatus.HELD,
                conference__minutes_distributed_on__isnull=True,
                conference__minutes_due_on__lt=today,
            ),
            key=flag_key(late, conference="conference_id", child="child_id", due=IsoDate("conference_minutes_due")),
            due="conference_minutes_due",
            work=CP,
        ),
        KeyedRule(
            kind=long_plan,
            holds=plans.filter(started_on__lte=long_plan_from(today)),
            key=flag_key(long_plan, plan="pk", started=IsoDate("started_on")),
            due="started_on",
            work=CP,
        ),
        KeyedRule(
            kind=repeat,
            holds=plans.filter(sequence__gte=2),
            key=flag_key(repeat, plan="pk", sequence="sequence", started=IsoDate("started_on")),
            due="started_on",
            work=CP,
        ),
    ]


def conference_flags_sweep(*, today: date, child_ids: Iterable[int] | None = None) -> SweepResult:
    """Bring the five child protection flags up to date as of ``today`` for these children
    (default: the whole service), in a fixed number of queries whatever the number of
    conferences or plans: three statements per kind, the chair update and the counts. Reports
    the five child protection kinds."""
    return flags_sweep_keyed(_rules(today=today), today=today, child_ids=child_ids)
