"""The service dashboard's stored figures (``DashboardSummary``) and the version of the records
they were computed from.

The dashboard shows the annual report's figures for the year in progress, for the whole
service or one IRO or team. Computing them takes seconds for a large authority (about 30
aggregate queries over every child, episode and review), so the page shows the figures
stored for its year and filter, and the figures are recomputed (``dashboard_summary_refresh``,
by a task, and by the daily sweep ``dashboard_summaries_refresh``) when the records they are
computed from change.

**Freshness.** ``data_version(today=...)`` is one query over every table the figures may
read (``source_models()``: every model of the children, reviews, conferences, disputes and voice apps, the child
population, users, their groups and role grants): for a model with history
(django-simple-history) its highest id and its history's highest id, which moves on every save
and delete made through the ORM and on the SSDA903 import's bulk writes (both read from an
index, so cheap however many rows); for a model without, its highest id, latest
``updated_at`` and, unless its rows are never deleted, its row count. The date is part of the
version, since the year in progress runs to today. A refresh reads the version *before* it
computes the figures, so a summary never claims a version newer than the records it was
computed from: a change committed while it ran makes the next page stale again, never stale
for ever. What the version does not see: a ``QuerySet.update()`` that leaves both history and
``updated_at`` alone (in the apps below reporting: the flags' resolved dates, which no figure
reads, and erasure's redactions of names, which no figure prints) and a change to a user's
active flag or name; the daily sweep recomputes every stored summary whatever its version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

from iro_service.celery import app as celery_app
from iro_service.models import UndeletableModel
from iro_service.periods import ReportingYear

from .figures import Scope, Section, Table
from .figures.report import annual_report_sections
from .models import ChildPopulation, DashboardSummary

#: The apps whose records the figures read (with ``ChildPopulation`` and the users).
SOURCE_APPS = ("children", "reviews", "conferences", "disputes", "voice")


@cache
def source_models() -> tuple[type[Model], ...]:
    """Every table the figures may read, less the history tables (read through their model)."""
    models: list[type[Model]] = [
        model for app in SOURCE_APPS for model in apps.get_app_config(app).get_models() if not _is_history(model)
    ]
    models += [ChildPopulation, User, User.groups.through, apps.get_model("iro_service", "RoleGrant")]
    return tuple(models)


def _is_history(model: type[Model]) -> bool:
    return any(field.name == "history_id" for field in model._meta.concrete_fields)


def _history_of(model: type[Model]) -> type[Model] | None:
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


def _version_columns(model: type[Model]) -> list[str]:
    """What tells that the table changed, as SQL. With history: its highest id (an insert)
    and its history's highest id (every save and delete through the ORM, and the SSDA903
    import's bulk writes), both read from an index. Without: the highest id, the latest
    ``updated_at``, and the row count unless rows are never deleted (``UndeletableModel``).
    Only names from the model's metadata, quoted by the database backend."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    selects = [(f"MAX({pk})", table)]
    history = _history_of(model)
    if history is not None:
        selects.append((f"MAX({quote('history_id')})", quote(history._meta.db_table)))
    else:
        if not issubclass(model, UndeletableModel):
            selects.append(("COUNT(*)", table))
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            selects.append((f"MAX({quote('updated_at')})", table))
    return [f"(SELECT {column} FROM {source})" for column, source in selects]  # noqa: S608 - see above


@cache
def _version_sql() -> str:
    return "SELECT " + ", ".join(column for model in source_models() for column in _version_columns(model))


def data_version(*, today: date) -> str:
    """A digest of the records the figures are computed from, as at ``today``: one query."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    return hashlib.sha256(json.dumps([today.isoformat(), *row], default=str).encode()).hexdigest()


# --- Scopes and sections as JSON --------------------------------------------------------------


def scope_key(*, iro_id: int | None, team_id: int | None) -> str:
    parts = [f"iro={iro_id}" if iro_id else "", f"team={team_id}" if team_id else ""]
    return "&".join(part for part in parts if part) or "all"


def sections_to_json(sections: list[Section]) -> list[dict]:
    return [dataclasses.asdict(section) for section in sections]


def sections_from_json(data: list[dict]) -> list[Section]:
    """The sections as ``annual_report_sections`` returned them (equal to them)."""
    return [
        Section(
            key=section["key"],
            title=section["title"],
            tables=[Table(**table) for table in section["tables"]],
            headline=[(label, value) for label, value in section["headline"]],
            quotes=[(text, attribution) for text, attribution in section.get("quotes", [])],
        )
        for section in data
    ]


def chart_digest(table: Table) -> str:
    """The chart's identity: a digest of everything it is drawn from."""
    content = json.dumps([table.key, table.title, table.columns, table.rows, table.note, table.chart], default=str)
    return hashlib.sha256(content.encode()).hexdigest()


# --- Computing and finding the figures ---------------------------------------------------------


#: The data version of a summary whose first computation is still to come.
PENDING = "pending"


@dataclass(frozen=True)
class Shown:
    """The figures a dashboard page shows, and whether the records have changed since."""

    summary: DashboardSummary
    sections: list[Section]
    stale: bool

    @property
    def pending(self) -> bool:
        """Nothing computed yet for this year and filter: the first computation is queued."""
        return self.summary.data_version == PENDING


def dashboard_summary_refresh(
    *, start_year: int, iro_id: int | None = None, team_id: int | None = None, version: str | None = None
) -> DashboardSummary:
    """Compute the figures of one year and filter and store them with the records' version,
    read first (see the module docstring; ``version`` is that reading when the caller has just
    made it). One statement writes them, inserting or replacing: idempotent, and two
    refreshes at once leave the later one's figures."""
    today = timezone.localdate()
    version = version or data_version(today=today)
    sections = annual_report_sections(
        ReportingYear(start_year), scope=Scope(iro_id=iro_id, team_id=team_id, today=today)
    )
    summary = DashboardSummary(
        start_year=start_year,
        scope_key=scope_key(iro_id=iro_id, team_id=team_id),
        computed_on=today,
        computed_at=timezone.now(),
        data_version=version,
        sections=sections_to_json(sections),
        refresh_queued_at=None,
    )
    fields = ["computed_on", "computed_at", "data_version", "sections", "refresh_queued_at"]
    (summary,) = DashboardSummary.objects.bulk_create(
        [summary], update_conflicts=True, unique_fields=["start_year", "scope_key"], update_fields=fields
    )
    return summary


def dashboard_summaries_refresh(*, today: date) -> dict[str, int]:
    """The daily sweep: recompute the whole service's figures for the year in progress and
    every filter someone has looked at this year, stale or not."""
    year = ReportingYear.containing(today)
    keys = set(DashboardSummary.objects.filter(start_year=year.start_year).values_list("scope_key", flat=True))
    keys.add("all")
    for key in sorted(keys):
        iro_id, team_id = _scope_of(key)
        dashboard_summary_refresh(start_year=year.start_year, iro_id=iro_id, team_id=team_id)
    return {"refreshed": len(keys)}


def _scope_of(key: str) -> tuple[int | None, int | None]:
    """The IRO and team ids of a ``scope_key``."""
    parts = dict(part.split("=") for part in key.split("&") if "=" in part)
    return _int(parts.get("iro")), _int(parts.get("team"))


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _queue_refresh(summary: DashboardSummary, *, iro_id: int | None, team_id: int | None) -> None:
    """Queue one recomputation (after the commit); a second page meanwhile queues none, unless
    the first has been waiting longer than a stuck task would (TASK_STUCK_AFTER_MINUTES)."""
    from .tasks import refresh_dashboard

    now = timezone.now()
    waiting = Q(refresh_queued_at__isnull=True) | Q(
        refresh_queued_at__lt=now - timedelta(minutes=settings.TASK_STUCK_AFTER_MINUTES)
    )
    if not DashboardSummary.objects.filter(waiting, pk=summary.pk).update(refresh_queued_at=now):
        return

    def send() -> None:
        from iro_service.celery import enqueue

        if not enqueue(refresh_dashboard, summary.start_year, iro_id, team_id):
            DashboardSummary.objects.filter(pk=summary.pk).update(refresh_queued_at=None)  # try on the next page

    transaction.on_commit(send)


def _first_computation_queued(summary: DashboardSummary, *, iro_id: int | None, team_id: int | None) -> bool:
    """Whether a worker has (or had already) the first computation of a pending summary: False
    where tasks run eagerly or the broker is down, when the caller computes the figures itself.
    Sent at once, not after a commit: the pending row is already committed (no atomic requests)."""
    from iro_service.celery import enqueue

    from .tasks import refresh_dashboard

    if celery_app.conf.task_always_eager:
        return False
    now = timezone.now()
    waiting = Q(refresh_queued_at__isnull=True) | Q(
        refresh_queued_at__lt=now - timedelta(minutes=settings.TASK_STUCK_AFTER_MINUTES)
    )
    if not DashboardSummary.objects.filter(waiting, pk=summary.pk).update(refresh_queued_at=now):
        return True  # another page has queued it
    if enqueue(refresh_dashboard, summary.start_year, iro_id, team_id):
        return True
    DashboardSummary.objects.filter(pk=summary.pk).update(refresh_queued_at=None)
    return False


def dashboard_figures(*, year: ReportingYear, iro_id: int | None, team_id: int | None, today: date) -> Shown:
    """The figures for a dashboard page: the stored ones, with a recomputation queued when the
    records have changed since (the page says so). Never computed in the request: at national
    size the figures take longer than a request may. The first look at a year and filter stores
    an empty, pending summary and queues its computation (without a worker, no REDIS_URL, the
    request computes them itself); the daily sweep keeps it current after."""
    version = data_version(today=today)
    key = scope_key(iro_id=iro_id, team_id=team_id)
    summary, _ = DashboardSummary.objects.get_or_create(
        start_year=year.start_year,
        scope_key=key,
        defaults={"computed_on": today, "computed_at": timezone.now(), "data_version": PENDING, "sections": []},
    )
    if summary.data_version == PENDING and not _first_computation_queued(summary, iro_id=iro_id, team_id=team_id):
        # No worker (no REDIS_URL: the demo's size), or the broker is down: the request computes.
        summary = dashboard_summary_refresh(start_year=year.start_year, iro_id=iro_id, team_id=team_id, version=version)
    elif summary.data_version != version:
        _queue_refresh(summary, iro_id=iro_id, team_id=team_id)
        summary.refresh_from_db()  # without a worker (no REDIS_URL) the task has just run
    return Shown(summary, sections_from_json(summary.sections), stale=summary.data_version != version)
