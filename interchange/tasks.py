"""Celery tasks of the SSDA903 import. Thin: each takes ids and calls one service (STYLE.md 14).

Each keeps the name it was registered under when the import lived in ``reporting`` (``name=``),
so that tasks already queued, and any route or schedule naming them, still reach them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import OperationalError

from iro_service.celery import retrying_task

from .services import ssda903_upload_check, ssda903_upload_import

#: Worth another try a little later: the database was unreachable or busy. Errors while
#: checking or importing are recorded on the upload instead.
TRANSIENT_ERRORS = (OperationalError,)


# ignore_result: the outcome is on the upload
@retrying_task(name="reporting.tasks.check_ssda903_upload", minutes=10, transient=TRANSIENT_ERRORS, ignore_result=True)
def check_ssda903_upload(upload_id: int) -> dict:
    """Check an uploaded SSDA903 return and store the result (idempotent: a checked upload is
    left alone). A 50 MB return takes a minute or two."""
    upload = ssda903_upload_check(upload_id=upload_id)
    return {"upload_id": upload.pk, "status": upload.status}


# ignore_result: the outcome is on the upload
@retrying_task(name="reporting.tasks.import_ssda903_upload", minutes=10, transient=TRANSIENT_ERRORS, ignore_result=True)
def import_ssda903_upload(upload_id: int, by_id: int | None) -> dict:
    """Import a checked upload in one transaction (idempotent: an imported upload is left alone)."""
    by = get_user_model().objects.get(pk=by_id) if by_id is not None else None
    upload = ssda903_upload_import(upload_id=upload_id, by=by)
    return {"upload_id": upload.pk, "status": upload.status}
