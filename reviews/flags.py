"""The daily deadline sweep: raise, resolve and reopen ``DeadlineFlag`` rows, in SQL.

The conditions are the statutory deadlines of docs/rules.md:

* section 2 (reg 33): a child in care whose next review is due within 15 working days
  (``REVIEW_DUE_SOON``), or whose due date has passed with no review held since
  (``REVIEW_OVERDUE``). The due date is the child's ``ReviewSchedule.next_due_on``, which
  moves on as soon as a review is held, and is empty once the child leaves care;
* section 3: a held review whose record was not distributed within 20 working days
  (``RECORD_OVERDUE``), and a SMART action still open after its due date (``ACTION_OVERDUE``).

Each deadline is stored once: its ``key`` names the kind, the child, review or action, and the
due date, and is unique. A flag resolves itself (``resolved_on``) on the first sweep at which
its condition no longer holds, and is reopened if the very same condition (same key) holds
again later. Every step is one statement per kind, whatever the number of children:
``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` to raise, ``UPDATE`` with a correlated
``EXISTS`` to resolve and reopen.

Other apps flag their own deadlines with the same machinery, without ``reviews`` importing
them: the ``DEADLINE_SWEEPS`` setting lists every sweep the daily job runs (``flags_sweep``
here, ``disputes.flags.dispute_flags_sweep``), and a sweep whose rows ``DeadlineFlag`` has no
foreign key for describes each kind as a ``KeyedRule`` and calls ``flags_sweep_keyed``: its
flags are matched to the rows by child and key. Each sweep reports the kinds it owns;
``deadlines_daily`` merges the reports into one with every ``FlagKind``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    Expression,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.module_loading import import_string

from children.ages import born_18_years_before
from children.codes import AllocationWork
from children.models import CareEpisode, Child, IROAllocation

from .calendar import local_non_working_days
from .codes import FlagKind
from .deadlines import due_soon_until
from .digests import digests_send
from .models import Action, DeadlineFlag, Review, ReviewSchedule
from .schedule import schedule_refresh


def _by_kind(counts: dict[str, int] | None = None, kinds: Iterable[FlagKind] = FlagKind) -> dict[str, int]:
    return {kind.value: (counts or {}).get(kind.value, 0) for kind in kinds}


@dataclass(frozen=True)
class SweepResult:
    """Counts by ``FlagKind`` value. ``raised`` counts flags newly stored and flags reopened
    (both are open today and were not yesterday); ``open`` is after the sweep. One sweep
    reports the kinds it owns; ``merged`` adds several up, with every kind."""

    raised: dict[str, int] = field(default_factory=_by_kind)
    resolved: dict[str, int] = field(default_factory=_by_kind)
    open: dict[str, int] = field(default_factory=_by_kind)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return asdict(self)

    @classmethod
    def merged(cls, results: Iterable[SweepResult]) -> SweepResult:
        """The counts of several sweeps added up by kind, every ``FlagKind`` present (0 when
        no sweep reported it). Each kind is owned by one sweep, so nothing is counted twice."""
        totals: dict[str, Counter] = {"raised": Counter(), "resolved": Counter(), "open": Counter()}
        for result in results:
            for name, counter in totals.items():
                counter.update(getattr(result, name))
        return cls(**{name: _by_kind(counter) for name, counter in totals.items()})


class IsoDate(Func):
    """A date as ``YYYY-MM-DD`` text on every backend (PostgreSQL's cast follows DateStyle)."""

    template = "CAST(%(expressions)s AS CHAR(10))"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite stores a DateField as ISO 8601 text already.
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="TO_CHAR(%(expressions)s, 'YYYY-MM-DD')", **extra_context)


def _text(*parts: str | Expression) -> Concat:
    return Concat(*(Value(p) if isinstance(p, str) else p for p in parts), output_field=CharField())


def _id_text(name: str) -> Cast:
    return Cast(name, output_field=CharField())


def flag_key(kind: FlagKind, **parts: str | Expression) -> Concat:
    """A flag's key as SQL: ``<kind>:<name>=<value>:...`` in the order given, the format every
    key has. A string names a column or annotation of the rows (written as text: use it for
    ids); an expression is written as it is (``IsoDate("a_date")`` for a date)."""
    pieces: list = [kind.value]
    for name, value in parts.items():
        pieces += [f":{name}=", _id_text(value) if isinstance(value, str) else value]
    return _text(*pieces)


@dataclass(frozen=True)
class _Rule:
    """One kind of flag: the rows for which its condition holds now and how a flag matches one.

    ``holds`` rows carry the child (``child_id``), the due date (``due``) and optionally the
    review and action ids; ``match`` are the lookups tying a ``holds`` row to the flag
    (``OuterRef`` on the flag), the same columns the key is built from.
    """

    kind: FlagKind
    holds: QuerySet
    key: Concat
    due: str
    match: dict
    review: str | None = None
    action: str | None = None
    #: Whose flag it is: the holder of the child's open allocation of this kind of work.
    work: str = AllocationWork.LOOKED_AFTER


@dataclass(frozen=True)
class KeyedRule:
    """One kind of flag swept by another app (listed in ``DEADLINE_SWEEPS``), about rows that
    ``DeadlineFlag`` has no foreign key for (a dispute, say): ``holds`` are the rows for which
    the condition holds now, each with ``child_id`` and the due date in the column ``due``;
    ``key`` (built with ``flag_key`` from the same rows) names the row and its due date. A flag
    still holds while some row of ``holds`` of the same child has its key. ``work`` says whose
    flag it is: the IRO of the child's open allocation of that kind (looked-after work by
    default; a child protection flag names the child's conference chair)."""

    kind: FlagKind
    holds: QuerySet
    key: Concat
    due: str
    work: str = AllocationWork.LOOKED_AFTER

    def rule(self, *, scope: list[int] | None) -> _Rule:
        holds = self.holds if scope is None else self.holds.filter(child_id__in=scope)
        return _Rule(
            kind=self.kind,
            holds=holds.annotate(flag_match_key=self.key),
            key=self.key,
            due=self.due,
            match={"child_id": OuterRef("child_id"), "flag_match_key": OuterRef("key")},
            work=self.work,
        )


def _rules(*, today: date, due_soon_by: date, scope: list[int] | None) -> list[_Rule]:
    def scoped(queryset: QuerySet) -> QuerySet:
        return queryset if scope is None else queryset.filter(child_id__in=scope)

    # A child's schedule counts only while they have an open care episode: the schedule is a
    # cache refreshed on commit, and the episode is the fact (section 2: children in care).
    # Nobody is looked after on or after their 18th birthday, so no review flag for an adult.
    schedules = scoped(ReviewSchedule.objects.all()).filter(
        Exists(CareEpisode.objects.filter(child_id=OuterRef("child_id"), ended_on__isnull=True)),
        child__date_of_birth__gt=born_18_years_before(today),
    )
    child_due = {"child_id": OuterRef("child_id"), "next_due_on": OuterRef("due_on")}

    def review_rule(kind: FlagKind, holds: QuerySet) -> _Rule:
        key = _text(f"{kind}:child=", _id_text("child_id"), ":due=", IsoDate("next_due_on"))
        return _Rule(kind=kind, holds=holds, key=key, due="next_due_on", match=child_due)

    return [
        review_rule(FlagKind.REVIEW_DUE_SOON, schedules.due_by(on=today, by=due_soon_by)),
        review_rule(FlagKind.REVIEW_OVERDUE, schedules.overdue(on=today)),
        _object_rule(
            FlagKind.RECORD_OVERDUE,
            scoped(Review.objects.records_overdue(on=today)),
            link="review",
            due="record_due_on",
        ),
        _object_rule(FlagKind.ACTION_OVERDUE, scoped(Action.objects.overdue(on=today)), link="action", due="due_on"),
    ]


def _object_rule(kind: FlagKind, holds: QuerySet, *, link: str, due: str) -> _Rule:
    """A flag on one review (its record) or action, ``link`` naming which: one per object and due date."""
    return _Rule(
        kind=kind,
        holds=holds,
        key=_text(f"{kind}:{link}=", _id_text("pk"), ":due=", IsoDate(due)),
        due=due,
        match={"pk": OuterRef(f"{link}_id"), due: OuterRef("due_on")},
        **{link: "pk"},
    )


def _open_allocations(work: str) -> QuerySet:
    """The open allocations of this kind of work of the row's child (at most one: a database constraint)."""
    return IROAllocation.objects.filter(work=work, child_id=OuterRef("child_id"), ended_on__isnull=True)


def _current_iro(work: str = AllocationWork.LOOKED_AFTER) -> Subquery:
    """The IRO of the open allocation of the row's child for ``work`` (the looked-after IRO
    by default; a child protection flag's is the conference chair)."""
    return Subquery(_open_allocations(work).values("iro_id")[:1])


def _insert_missing(rule: _Rule, *, today: date) -> int:
    """Store a flag for every row of ``rule.holds`` whose key is not stored yet, in one
    ``INSERT ... SELECT ... ON CONFLICT (key) DO NOTHING``; return how many were stored.

    (``bulk_create`` would fetch the rows into Python and, on SQLite, split them into batches
    of 90, so its number of queries would grow with the number of children.)
    """
    now = timezone.now()
    columns = {
        "kind": Value(rule.kind.value, output_field=CharField()),
        "key": rule.key,
        "child_id": F("child_id"),
        "iro_id": _current_iro(rule.work),
        "due_on": F(rule.due),
        "raised_on": Value(today, output_field=DateField()),
        "created_at": Value(now, output_field=DateTimeField()),
        "updated_at": Value(now, output_field=DateTimeField()),
    }
    if rule.review:
        columns["review_id"] = F(rule.review)
    if rule.action:
        columns["action_id"] = F(rule.action)
    aliases = {name: f"flag_{name}" for name in columns}
    rows = (
        rule.holds.order_by()
        .annotate(**{aliases[name]: expression for name, expression in columns.items()})
        .values(*aliases.values())
    )
    db = router.db_for_write(DeadlineFlag)
    connection = connections[db]
    select_sql, params = rows.query.get_compiler(using=db).as_sql()
    qn = connection.ops.quote_name
    opts = DeadlineFlag._meta
    # Table and column names come from the model, never from input; every value is a parameter.
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(opts.get_field(n).column) for n in columns)}) "  # noqa: S608
        f"SELECT {', '.join('candidate.' + qn(aliases[n]) for n in columns)} FROM ({select_sql}) candidate "
        # SQLite needs a WHERE clause before ON CONFLICT in an INSERT ... SELECT.
        f"WHERE 1 = 1 ON CONFLICT ({qn(opts.get_field('key').column)}) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _scope(child_ids: Iterable[int] | None) -> list[int] | None:
    return None if child_ids is None else sorted(set(child_ids))


def _apply(rules: Sequence[_Rule], *, today: date, scope: list[int] | None) -> SweepResult:
    """Raise, resolve and reopen the flags of ``rules``' kinds, make their open flags follow
    the child's IRO (of each rule's ``work``) and count them: three statements per rule, one
    per kind of work and one more, whatever the number of rows. Flags of other kinds are left alone."""
    kinds = [rule.kind for rule in rules]
    flags = DeadlineFlag.objects.filter(kind__in=kinds)
    if scope is not None:
        flags = flags.filter(child_id__in=scope)

    raised: dict[str, int] = {}
    resolved: dict[str, int] = {}
    for rule in rules:
        of_kind = flags.filter(kind=rule.kind)
        still_holds = Exists(rule.holds.filter(**rule.match))
        resolved[rule.kind] = of_kind.open().filter(~still_holds).update(resolved_on=today)
        inserted = _insert_missing(rule, today=today)
        # The same key again (an action reopened with its due date unchanged, a record's
        # distribution date removed): the flag is open again, keeping its first raised_on.
        reopened = of_kind.filter(resolved_on__isnull=False).filter(still_holds).update(resolved_on=None)
        raised[rule.kind] = inserted + reopened

    # Open flags follow the child's IRO (a reallocation, or an allocation ending): one
    # statement per kind of work among the rules (one for every sweep so far).
    for work in sorted({rule.work for rule in rules}):
        allocation = _open_allocations(work)
        flags.open().filter(kind__in=[rule.kind for rule in rules if rule.work == work]).filter(
            (Q(iro__isnull=True) & Exists(allocation))
            | (Q(iro__isnull=False) & ~Exists(allocation.filter(iro_id=OuterRef("iro_id"))))
        ).update(iro=_current_iro(work))

    open_counts = dict(flags.open().order_by().values_list("kind").annotate(n=Count("pk")))
    return SweepResult(
        raised=_by_kind(raised, kinds), resolved=_by_kind(resolved, kinds), open=_by_kind(open_counts, kinds)
    )


@transaction.atomic
def flags_sweep_keyed(
    rules: Sequence[KeyedRule], *, today: date, child_ids: Iterable[int] | None = None
) -> SweepResult:
    """Bring the flags of these kinds up to date as of ``today`` for these children (default:
    the whole service), the way ``flags_sweep`` does its own: stored once by key, resolved on
    the first sweep at which no row of ``holds`` has the flag's key, reopened if the same key
    holds again, each open flag naming the child's IRO now. Reports only these kinds."""
    scope = _scope(child_ids)
    return _apply([rule.rule(scope=scope) for rule in rules], today=today, scope=scope)


@transaction.atomic
def flags_sweep(*, today: date, child_ids: Iterable[int] | None = None) -> SweepResult:
    """Bring the deadline flags up to date as of ``today`` for these children (default: the
    whole service), in a fixed number of queries whatever the number of children or flags.

    Due soon means due between ``today`` and the 15th working day after it, inclusive
    (``reviews.deadlines.DUE_SOON_WORKING_DAYS``; working days per reg 2, docs/rules.md
    section 2, with the authority's closure days); overdue means the due date is before
    ``today``. A due-soon flag whose date passes is resolved and an overdue flag raised.
    Each open flag names the child's IRO now (the open ``IROAllocation``), and follows the
    child when they are reallocated. Reports the four review kinds; the flags of other kinds
    (disputes) are left to their own sweeps.
    """
    scope = _scope(child_ids)
    # non_working_days reaches HORIZON (120 days) past today: ample for 15 working days.
    due_soon_by = due_soon_until(today, non_working=local_non_working_days(today, today))
    return _apply(_rules(today=today, due_soon_by=due_soon_by, scope=scope), today=today, scope=scope)


@dataclass(frozen=True)
class DailyResult:
    today: date
    schedules_refreshed: int
    sweep: SweepResult
    digests_sent: int | None

    def as_dict(self) -> dict:
        """JSON-able, for the Celery result."""
        return {
            "today": self.today.isoformat(),
            "schedules_refreshed": self.schedules_refreshed,
            **self.sweep.as_dict(),
            "digests_sent": self.digests_sent,
        }


def deadlines_daily(*, today: date, send_digests: bool = True) -> DailyResult:
    """The daily job (the Celery beat task and ``manage.py flag_deadlines`` both call this).

    1. Refresh the cached review schedules the calendar can have moved. Only a first review's
       due date depends on working days (later ones run in calendar months, section 2), so a
       closure day or bank holiday added since can only move the dates of children still
       awaiting the first review of their period of care; those are refreshed, with any child
       the cache still counts as in care after leaving. Every other change of the facts
       refreshes the schedule in the service that makes it. Unchanged rows are not written.
    2. Run every sweep listed in the ``DEADLINE_SWEEPS`` setting over the whole service
       (``flags_sweep`` for reviews, records and actions; ``disputes.flags.dispute_flags_sweep``
       for disputes; ``conferences.flags.conference_flags_sweep`` for child protection), in the
       same transaction, and add their counts up.
    3. Send the day's digests (``reviews.digests``), each recipient at most once a day.
    """
    sweeps = [import_string(path) for path in settings.DEADLINE_SWEEPS]
    with transaction.atomic():
        in_care = Exists(CareEpisode.objects.filter(child_id=OuterRef("pk"), ended_on__isnull=True))
        reviewed = Exists(ReviewSchedule.objects.filter(child_id=OuterRef("pk"), reviews_in_period__gt=0))
        cached_in_care = Exists(ReviewSchedule.objects.in_care().filter(child_id=OuterRef("pk")))
        cohort = Child.objects.filter((in_care & ~reviewed) | (cached_in_care & ~in_care)).values_list("pk", flat=True)
        refreshed = schedule_refresh(cohort)
        sweep = SweepResult.merged(run(today=today) for run in sweeps)
    sent = digests_send(today=today) if send_digests else None
    return DailyResult(today=today, schedules_refreshed=refreshed, sweep=sweep, digests_sent=sent)
