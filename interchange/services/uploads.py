"""Uploads of a return through the SSDA903 page: keep it, check it, import it, try again.

An upload is checked, and later imported, by Celery tasks (interchange.tasks): a large return
takes minutes, longer than a request may. The check's result is stored once, on the upload
(counts) and as plan lines (every change and problem), and its page shows them a page at a
time. Like the annual report, a task that cannot be queued is recorded at once, and a
failed or stuck check can be tried again.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.audit import audit_record
from iro_service.models import AuditAction
from reporting.models import PlanOutcome, SSDA903PlanLine, SSDA903Upload, UploadStatus
from reporting.services import not_stuck_yet, send_or_mark_not_queued, stuck_after

from .. import importer
from .exchange import require_exchange_permission, ssda903_import

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def max_upload_bytes() -> int:
    return settings.SSDA903_MAX_UPLOAD_MB * 1024 * 1024


def too_large_message() -> str:
    return f"The files must add up to {settings.SSDA903_MAX_UPLOAD_MB} MB or less"


def _stored_files(upload: SSDA903Upload) -> list[tuple[str, bytes]]:
    return [(name, text.encode("utf-8")) for name, text in upload.files.items()]


def _locked(upload_id: int) -> SSDA903Upload:
    return SSDA903Upload.objects.select_for_update().defer("files").get(pk=upload_id)


def _queue_check(upload_id: int) -> None:
    """Send the check once the upload is committed (failed at once if it cannot be)."""
    from ..tasks import check_ssda903_upload  # the task module imports this one

    send_or_mark_not_queued(
        check_ssda903_upload, SSDA903Upload, upload_id, working=UploadStatus.QUEUED, otherwise=UploadStatus.FAILED
    )


def _queue_import(upload_id: int, by_id: int | None) -> None:
    """Send the import once the request is committed (back to checked if it cannot be)."""
    from ..tasks import import_ssda903_upload  # the task module imports this one

    send_or_mark_not_queued(
        import_ssda903_upload,
        SSDA903Upload,
        upload_id,
        by_id,
        working=UploadStatus.IMPORTING,
        otherwise=UploadStatus.CHECKED,
    )


def _progress(upload_id: int, message: str, *, status: str) -> None:
    """Commit a step of a check or import at once (outside any transaction), for its page."""
    SSDA903Upload.objects.filter(pk=upload_id, status=status).update(
        progress_message=message[:200], updated_at=timezone.now()
    )


@transaction.atomic
def ssda903_upload_create(*, files: list[tuple[str, bytes]], by: User) -> SSDA903Upload:
    """Keep an uploaded return as text and queue its check. A file that is not text (a NUL
    byte, or bytes no CSV encoding reads) or files too large are refused, naming the file,
    and nothing is kept."""
    require_exchange_permission(by)
    size = sum(len(content) for _, content in files)
    if size > max_upload_bytes():
        raise ValidationError({"files": too_large_message()})
    stored: dict[str, str] = {}
    for name, content in files:
        key = name
        while key in stored:
            key = f"copy of {key}"
        try:
            stored[key] = importer.decode(content, name=name)
        except importer.UnreadableFile as error:
            raise ValidationError({"files": str(error)}) from None
    upload = SSDA903Upload(
        uploaded_by=by,
        files=stored,
        file_names=list(stored),
        status=UploadStatus.QUEUED,
        progress_message="Waiting to start",
    )
    upload.save()
    audit_record(
        actor=by,
        action=AuditAction.CREATED,
        child_id=None,
        obj=upload,
        summary=f"SSDA903 return uploaded: {len(stored)} file{'s' if len(stored) != 1 else ''}, {size:,} bytes",
    )
    transaction.on_commit(partial(_queue_check, upload.pk))
    return upload


def _plan_summary(plan: importer.ImportPlan, *, when: str) -> dict:
    return {
        **plan.summary,
        "unchanged": plan.unchanged,
        "problems": len(plan.problems),
        "changes": plan.changes,
        "tables": [[table.file, name, table.count] for name, table in plan.read.tables.items()],
        "ignored": [[file, table] for file, table in plan.read.ignored],
        "reviews_without_due_date": plan.reviews_without_due_date,
        "when": when,
    }


def _problem_lines(upload: SSDA903Upload, plan: importer.ImportPlan) -> Iterator[SSDA903PlanLine]:
    for position, p in enumerate(plan.problems):
        yield SSDA903PlanLine(
            upload=upload,
            position=position,
            outcome=PlanOutcome.PROBLEM,
            file=p.file[:255],
            line=p.line,
            column=p.column[:40],
            value=p.value,
            text=p.reason,
        )


def _change_lines(upload: SSDA903Upload, chunk: importer.PlannedChunk) -> Iterator[SSDA903PlanLine]:
    """A chunk's changes, each at its place in the whole plan (creates, then updates)."""
    for outcome, changes in ((PlanOutcome.CREATE, chunk.creates), (PlanOutcome.UPDATE, chunk.updates)):
        for c in changes:
            yield SSDA903PlanLine(
                upload=upload,
                position=c.position,
                outcome=outcome,
                kind=c.kind,
                reference=c.reference,
                key=c.key,
                text=c.description,
            )


def _store_lines(lines: Iterator[SSDA903PlanLine]) -> None:
    while batch := list(itertools.islice(lines, importer.CHUNK)):
        SSDA903PlanLine.objects.bulk_create(batch)


def _store_plan(upload: SSDA903Upload, plan: importer.ImportPlan, *, when: str, changes_stored: bool = False) -> None:
    """Replace the upload's stored plan with ``plan`` (in the caller's transaction): its
    problems, or its changes, read again a chunk of children at a time, unless the import
    stored them as it wrote each chunk (``changes_stored``)."""
    if not changes_stored:
        SSDA903PlanLine.objects.filter(upload=upload).delete()
    _store_lines(_problem_lines(upload, plan))
    if not changes_stored:
        for chunk in plan.chunks():
            _store_lines(_change_lines(upload, chunk))
    upload.summary = _plan_summary(plan, when=when)


@transaction.atomic
def _claim_check(upload_id: int) -> SSDA903Upload | None:
    upload = SSDA903Upload.objects.select_for_update().get(pk=upload_id)
    if upload.status not in (UploadStatus.QUEUED, UploadStatus.CHECKING, UploadStatus.FAILED):
        return None  # checked already: a second delivery of the task
    upload.status = UploadStatus.CHECKING
    upload.progress_message = "Reading the files"
    upload.error = ""
    upload.save(update_fields=["status", "progress_message", "error", "updated_at"])
    return upload


@transaction.atomic
def _store_check(upload_id: int, plan: importer.ImportPlan) -> SSDA903Upload:
    upload = _locked(upload_id)
    if upload.status != UploadStatus.CHECKING:
        return upload
    _store_plan(upload, plan, when="check")
    upload.status = UploadStatus.CHECKED if plan.is_valid else UploadStatus.REFUSED
    upload.progress_message = ""
    upload.save(update_fields=["summary", "status", "progress_message", "updated_at"])
    audit_record(
        actor=upload.uploaded_by,
        action=AuditAction.VIEWED,
        child_id=None,
        obj=upload,
        summary=f"SSDA903 return checked: {plan.children_changed} children would change, {len(plan.problems)} problems",
    )
    return upload


def _fail_check(upload_id: int, error: BaseException) -> SSDA903Upload:
    return _settle(upload_id, UploadStatus.CHECKING, UploadStatus.FAILED, f"{type(error).__name__}: {error}")


@transaction.atomic
def _settle(upload_id: int, working: str, status: str, error: str) -> SSDA903Upload:
    """Move the upload from ``working`` to ``status`` with ``error`` (cut to 2,000
    characters); an upload no longer ``working`` is left alone."""
    upload = _locked(upload_id)
    if upload.status == working:
        upload.status = status
        upload.error = error[:2000]
        upload.progress_message = ""
        upload.save(update_fields=["status", "error", "progress_message", "updated_at"])
    return upload


def ssda903_upload_check(*, upload_id: int, today: date | None = None) -> SSDA903Upload:
    """Check a queued upload against the records held and store the result once: the counts,
    every change it would make and every bad row. Writes no child's record.

    Called by ``interchange.tasks.check_ssda903_upload``. Like ``report_generate`` this is not
    one transaction: the claim, each step and the result commit separately so that the page
    can follow a check that takes minutes. Any error marks the upload failed with the
    message (it can be tried again) and is logged; a checked upload is left alone.
    """
    upload = _claim_check(upload_id)
    if upload is None:
        return SSDA903Upload.objects.defer("files").get(pk=upload_id)
    try:
        read = importer.read_tables(_stored_files(upload))
        rows = sum(table.count for table in read.tables.values())
        _progress(upload_id, f"Checking {rows:,} rows against the records held", status=UploadStatus.CHECKING)
        plan = importer.plan_import(read, today=today or timezone.localdate(), keep_changes=False)
        _progress(upload_id, "Saving the result", status=UploadStatus.CHECKING)
        return _store_check(upload_id, plan)
    except Exception as error:
        # The last resort, on purpose: whatever stops a check (a bug included), the manager must
        # see on the upload's page that it failed and may try again, rather than a check that
        # never ends. Logged with its traceback; nothing was written to any child's record.
        logger.exception("Checking SSDA903 upload %s failed", upload_id)
        return _fail_check(upload_id, error)


@transaction.atomic
def ssda903_upload_import_request(*, upload: SSDA903Upload, by: User) -> SSDA903Upload:
    """Queue the import of a checked upload. Refused, with the reason, when it is being
    imported or was imported already (a second click, or a second manager), or has problems."""
    require_exchange_permission(by)
    upload = _locked(upload.pk)
    if upload.status == UploadStatus.IMPORTED:
        raise ValidationError("This return has already been imported.")
    if upload.status == UploadStatus.IMPORTING:
        raise ValidationError("This return is already being imported. Wait for the import to finish.")
    if upload.status != UploadStatus.CHECKED:
        raise ValidationError("Only a return that has been checked and has no problems can be imported.")
    if not upload.summary.get("changes"):
        raise ValidationError("This return changes nothing, so there is nothing to import.")
    upload.status = UploadStatus.IMPORTING
    upload.progress_message = "Waiting to start"
    upload.error = ""
    upload.save(update_fields=["status", "progress_message", "error", "updated_at"])
    audit_record(actor=by, action=AuditAction.UPDATED, child_id=None, obj=upload, summary="SSDA903 import requested")
    transaction.on_commit(partial(_queue_import, upload.pk, by.pk if by is not None else None))
    return upload


def _import_not_done(upload_id: int, reason: str) -> SSDA903Upload:
    return _settle(upload_id, UploadStatus.IMPORTING, UploadStatus.CHECKED, reason)


def ssda903_upload_import(*, upload_id: int, by: User | None, today: date | None = None) -> SSDA903Upload:
    """Import an upload queued for import (``interchange.tasks.import_ssda903_upload``).

    In one transaction: the upload is locked (a second delivery of the task finds it imported
    and does nothing), the return is checked again against today's records with those records
    locked, and written only with no problems; the stored plan becomes what the import did.
    With problems nothing is written and the upload is refused. If the import cannot run,
    nothing is written and the upload goes back to checked with the reason.
    """
    _progress(upload_id, "Checking the return again and writing it", status=UploadStatus.IMPORTING)
    try:
        require_exchange_permission(by)
        with transaction.atomic():
            upload = SSDA903Upload.objects.select_for_update().get(pk=upload_id)
            if upload.status != UploadStatus.IMPORTING:
                return upload
            SSDA903PlanLine.objects.filter(upload=upload).delete()
            plan = ssda903_import(
                files=_stored_files(upload),
                by=by,
                commit=True,
                today=today,
                keep_changes=False,
                on_chunk=lambda chunk: _store_lines(_change_lines(upload, chunk)),
            )
            return _record_import(upload, plan, by=by)
    except (ValidationError, PermissionDenied) as error:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return _import_not_done(upload_id, reason)
    except Exception as error:
        # The last resort, on purpose: the import's transaction has rolled back, so nothing was
        # written; the upload goes back to checked with the reason for the manager, instead of
        # staying "being imported" for ever. Logged with its traceback.
        logger.exception("Importing SSDA903 upload %s failed", upload_id)
        reason = f"The import failed and nothing was written ({type(error).__name__}: {error})."
        return _import_not_done(upload_id, reason)


def _record_import(upload: SSDA903Upload, plan: importer.ImportPlan, *, by: User | None) -> SSDA903Upload:
    """The upload imported, or refused with the problems found: its stored plan becomes what
    the import did (in the import's transaction; the changes were stored as they were written)."""
    _store_plan(upload, plan, when="import", changes_stored=True)
    upload.progress_message = ""
    if plan.is_valid:
        upload.status = UploadStatus.IMPORTED
        upload.imported_at = timezone.now()
        upload.imported_by = by
    else:
        upload.status = UploadStatus.REFUSED
    upload.save(update_fields=["summary", "status", "progress_message", "imported_at", "imported_by", "updated_at"])
    s = upload.summary
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=None,
        obj=upload,
        summary=f"SSDA903 return imported: {s['create_child']} new and {s['update_child']} updated children"
        if plan.is_valid
        else f"SSDA903 import refused: {len(plan.problems)} problems",
    )
    return upload


@transaction.atomic
def ssda903_upload_retry(*, upload: SSDA903Upload, by: User, now: datetime | None = None) -> SSDA903Upload:
    """Queue a failed or stuck check (or a stuck import) of an upload again."""
    require_exchange_permission(by)
    upload = _locked(upload.pk)
    if not upload.may_retry(now=now or timezone.now(), stuck_after=stuck_after()):
        if upload.working:
            raise not_stuck_yet(f"This return is {upload.get_status_display().lower()}.")
        raise ValidationError("This return has been checked: there is nothing to try again.")
    importing = upload.status == UploadStatus.IMPORTING
    upload.status = UploadStatus.IMPORTING if importing else UploadStatus.QUEUED
    upload.progress_message = "Waiting to start"
    upload.error = ""
    upload.save(update_fields=["status", "progress_message", "error", "updated_at"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATED,
        child_id=None,
        obj=upload,
        summary=f"SSDA903 {'import' if importing else 'check'} queued again",
    )
    if importing:
        transaction.on_commit(partial(_queue_import, upload.pk, by.pk))
    else:
        transaction.on_commit(partial(_queue_check, upload.pk))
    return upload
