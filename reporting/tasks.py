"""Celery tasks of the reporting app. Thin: each takes ids and calls one service (STYLE.md 14).

Without REDIS_URL tasks run eagerly, inside the request that queued them (after its commit),
so the manager's browser lands on a progress page that already says "Ready"; with Redis a
worker runs them and the progress page follows along.
"""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from .services import ReportVersionImmutable, report_generate
from .ssda903.services import ssda903_upload_check, ssda903_upload_import

#: Worth another try a little later: the database was unreachable or busy before the
#: generation started. Errors while building the report mark the version failed instead.
TRANSIENT_ERRORS = (OperationalError,)


@shared_task(
    acks_late=True,
    ignore_result=True,  # the outcome is on the version; nothing waits on a result store
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_jitter=True,
    max_retries=3,
)
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


@shared_task(
    acks_late=True,
    ignore_result=True,  # the outcome is on the upload
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_jitter=True,
    max_retries=3,
)
def check_ssda903_upload(upload_id: int) -> dict:
    """Check an uploaded SSDA903 return and store the result (idempotent: a checked upload is
    left alone). A 50 MB return takes a minute or two."""
    upload = ssda903_upload_check(upload_id=upload_id)
    return {"upload_id": upload.pk, "status": upload.status}


@shared_task(
    acks_late=True,
    ignore_result=True,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_jitter=True,
    max_retries=3,
)
def import_ssda903_upload(upload_id: int, by_id: int | None) -> dict:
    """Import a checked upload in one transaction (idempotent: an imported upload is left alone)."""
    by = get_user_model().objects.get(pk=by_id) if by_id is not None else None
    upload = ssda903_upload_import(upload_id=upload_id, by=by)
    return {"upload_id": upload.pk, "status": upload.status}
