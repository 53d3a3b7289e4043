"""Celery tasks of the reporting app. Thin: each takes ids and calls one service (STYLE.md 14).

Without REDIS_URL tasks run eagerly, inside the request that queued them (after its commit),
so the manager's browser lands on a progress page that already says "Ready"; with Redis a
worker runs them and the progress page follows along.
"""

from __future__ import annotations

from datetime import date

from django.db import OperationalError
from django.utils import timezone

from iro_service.celery import retrying_task
from iro_service.db_router import reads_from_replica

from .dashboard import dashboard_summaries_refresh, dashboard_summary_refresh
from .services import ReportVersionImmutable, report_generate

#: Worth another try a little later: the database was unreachable or busy before the
#: generation started. Errors while building the report mark the version failed instead.
TRANSIENT_ERRORS = (OperationalError,)


# ignore_result: the outcome is on the version; nothing waits on a result store
@retrying_task(minutes=5, transient=TRANSIENT_ERRORS, ignore_result=True)
@reads_from_replica()  # the figures; the version and every write stay on the primary
def generate_report(version_id: int) -> dict:
    """Generate one queued annual report version (its PDF, hash and status).

    Idempotent: a second delivery of a version that is already ready changes nothing.
    Past the soft time limit the version is marked failed with the message.
    """
    try:
        version = report_generate(version_id=version_id)
    except ReportVersionImmutable:
        return {"version_id": version_id, "status": "ready", "already_ready": True}
    return {"version_id": version.pk, "status": version.status}


@retrying_task(minutes=5, transient=TRANSIENT_ERRORS, ignore_result=True)
def refresh_dashboard(start_year: int, iro_id: int | None = None, team_id: int | None = None) -> dict:
    """Recompute the dashboard's stored figures for one year and filter (the records changed)."""
    summary = dashboard_summary_refresh(start_year=start_year, iro_id=iro_id, team_id=team_id)
    return {"summary_id": summary.pk, "data_version": summary.data_version}


@retrying_task(minutes=30, transient=TRANSIENT_ERRORS, ignore_result=True)
def refresh_dashboards(today_iso: str | None = None) -> dict:
    """The daily sweep of the dashboard: every stored filter of the year in progress (beat
    schedule in ``iro_service/settings/celery.py``). ``today_iso`` defaults to today in London."""
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return dashboard_summaries_refresh(today=today)
