"""Writes for the SSDA903 import and export: every child read or changed is audited.

``ssda903_export`` builds a return and records one audit event per child included (the
return is a read of each child's record). ``ssda903_import`` checks a return, and writes it
only when asked and only when it has no errors, in one transaction.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from children.models import CareEpisode, Child
from iro_service.audit import audit_record
from iro_service.celery import enqueue
from iro_service.models import AuditAction, AuditEvent
from reporting.models import NOT_QUEUED, PlanOutcome, SSDA903PlanLine, SSDA903Upload, UploadStatus
from reporting.periods import ReportingYear
from reviews.codes import ReviewSource, ReviewStatus
from reviews.models import Review
from reviews.schedule import schedule_refresh

from . import exporter, importer
from .bulk import insert_with_history

logger = logging.getLogger(__name__)

CHANGE_REASON = "SSDA903 import"

#: Key of the PostgreSQL advisory lock that lets one import write at a time.
IMPORT_LOCK = 903_001

#: The capability that lets a user import and export SSDA903 returns (IRO managers).
PERMISSION = "reporting.exchange_ssda903"


def require_exchange_permission(by) -> None:
    """Managers only; ``by`` is None when a management command runs (the operator is trusted)."""
    if by is not None and not by.has_perm(PERMISSION):
        raise PermissionDenied("Only IRO managers may import or export the SSDA903 return.")


def audit_children(*, by, action: str, child_ids, summary: str, path: str = "") -> None:
    """One append-only audit event per child, in one bulk insert."""
    actor = by if getattr(by, "is_authenticated", False) else None
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                action=action,
                child_id=child_id,
                object_type="children.Child",
                object_id=str(child_id),
                summary=summary[:255],
                path=path[:255],
            )
            for child_id in sorted(child_ids)
        ],
        batch_size=2000,
    )


def ssda903_export(*, year: ReportingYear, by, path: str = "") -> dict[str, list[list[str]]]:
    """``year``'s return as tables; each child in it gets an audit event naming the export."""
    require_exchange_permission(by)
    tables, child_ids = exporter.build_return_with_children(year)
    audit_children(
        by=by,
        action=AuditAction.EXPORTED,
        child_ids=child_ids,
        summary=f"Included in the SSDA903 return for {year.label}",
        path=path,
    )
    return tables


# --------------------------------------------------------------------------- import


def _by_or_none(by):
    return by if getattr(by, "is_authenticated", False) else None


def _reference_ids(references: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in importer.chunks(references):
        ids.update(Child.objects.filter(local_reference__in=chunk).values_list("local_reference", "pk"))
    return ids


def _bump_and_update(changes: list[importer.Change], model, *, by) -> None:
    """Apply each change's fields to its instance, count a new version, and write them in bulk."""
    if not changes:
        return
    fields: set[str] = set()
    objs = []
    for change in changes:
        for name, value in change.fields.items():
            setattr(change.instance, name, value)
        fields.update(change.fields)
        if hasattr(change.instance, "version"):
            change.instance.version += 1
            fields.add("version")
        objs.append(change.instance)
    bulk_update_with_history(
        objs, model, sorted(fields), batch_size=1000, default_user=by, default_change_reason=CHANGE_REASON
    )


def _reviews_known_from(plan: importer.ImportPlan) -> date | None:
    """The start of the return's collection year: its reviews are every review from then, and
    none before (docs/rules.md#ssda903), so a child first seen in it has reviews known from then."""
    dates = [
        value
        for change in (*plan.creates, *plan.updates)
        for name in ("held_on", "started_on", "ended_on")
        if isinstance(value := change.fields.get(name), date)
    ]
    return ReportingYear.containing(max(dates)).start if dates else None


def _apply(plan: importer.ImportPlan, *, by) -> None:
    user = _by_or_none(by)
    creates = defaultdict(list)
    updates = defaultdict(list)
    for change in plan.creates:
        creates[change.kind].append(change)
    for change in plan.updates:
        updates[change.kind].append(change)

    user_id = user.pk if user else None
    now = timezone.now()
    known_from = _reviews_known_from(plan)
    insert_with_history(
        Child,
        [
            {
                "local_reference": c.reference,
                "first_name": importer.NAME_TO_BE_ENTERED,
                "last_name": c.reference,
                "name_to_be_entered": True,
                "reviews_known_from": known_from,
                **c.fields,
            }
            for c in creates["child"]
        ],
        user_id=user_id,
        reason=CHANGE_REASON,
        now=now,
    )
    _bump_and_update(updates["child"], Child, by=user)
    ids = _reference_ids(sorted(plan.child_references))

    # Updates first: an episode closed by the return must close before its successor opens.
    _bump_and_update(updates["episode"], CareEpisode, by=user)
    insert_with_history(
        CareEpisode,
        [{"child_id": ids[c.reference], "recorded_by_id": user_id, **c.fields} for c in creates["episode"]],
        user_id=user_id,
        reason=CHANGE_REASON,
        now=now,
    )

    _bump_and_update(updates["review"], Review, by=user)
    # Due dates and types come from each child's whole chain, recomputed below once every
    # fact is written (``reviews.schedule``).
    rows = []
    for c in creates["review"]:
        child_id = ids[c.reference]
        rows.append(
            {
                "child_id": child_id,
                "chair_id": None,
                "status": ReviewStatus.HELD.value,
                "held_on": c.fields["held_on"],
                "participation_code": c.fields["participation_code"],
                "due_on": None,
                "review_type": "",
                "created_by_id": user_id,
                "source": ReviewSource.SSDA903.value,
            }
        )
    insert_with_history(Review, rows, user_id=user_id, reason=CHANGE_REASON, now=now)

    created_children = {c.reference for c in creates["child"]}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for verb, changes in (("created", plan.creates), ("updated", plan.updates)):
        for change in changes:
            counts[change.reference][f"{change.kind}s {verb}"] += 1
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=user,
                action=AuditAction.CREATED if reference in created_children else AuditAction.IMPORTED,
                child_id=ids[reference],
                object_type="children.Child",
                object_id=str(ids[reference]),
                summary=("SSDA903 import: " + ", ".join(f"{n} {what}" for what, n in sorted(tally.items())))[:255],
                changes={what: n for what, n in tally.items()},
                path="ssda903 import",
            )
            for reference, tally in sorted(counts.items())
        ],
        batch_size=2000,
    )
    ordered = sorted(ids.values())
    if known_from is not None:
        # An earlier year imported for children first imported from a later one.
        for chunk in importer.chunks(ordered):
            Child.objects.filter(pk__in=chunk, reviews_known_from__gt=known_from).update(reviews_known_from=known_from)
    for chunk in importer.chunks(ordered):
        schedule_refresh(chunk)
    # The reviews this import wrote are the SSDA903 ones stamped with its time. (child_id__in
    # is chunked: a national return names more children than SQLite takes parameters.)
    plan.reviews_without_due_date = sum(
        Review.objects.filter(
            child_id__in=chunk, source=ReviewSource.SSDA903, created_at=now, due_on__isnull=True
        ).count()
        for chunk in importer.chunks(ordered)
    )


def ssda903_import(
    *, files: list[tuple[str, bytes]], by, commit: bool, today: date | None = None
) -> importer.ImportPlan:
    """Check a return; with ``commit`` and no errors, write it in one transaction.

    With any error nothing is written. Importing the same files again plans no changes.
    """
    require_exchange_permission(by)
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            if commit:
                _one_import_at_a_time()
            plan = importer.plan_import(importer.read_tables(files), today=today, lock=commit)
            if commit and plan.is_valid and (plan.creates or plan.updates):
                _apply(plan, by=by)
    except IntegrityError as error:  # a record the plan did not see was written meanwhile
        raise ValidationError(
            "Another change to these children's records was saved at the same moment, so nothing was "
            "imported. Check the return again."
        ) from error
    return plan


def _one_import_at_a_time() -> None:
    """Imports write one at a time: a second import of the same children waits until the
    first commits, then checks the return against what the first wrote (and finds it up to
    date) instead of creating the same children twice. PostgreSQL; SQLite has one writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


# --------------------------------------------------------------------------- uploads (web)
#
# An upload is checked, and later imported, by Celery tasks (interchange.tasks): a large return
# takes minutes, longer than a request may. The check's result is stored once, on the upload
# (counts) and as plan lines (every change and problem), and its page shows them a page at a
# time. Like the annual report, a task that cannot be queued is recorded at once, and a
# failed or stuck check can be tried again.


def max_upload_bytes() -> int:
    return settings.SSDA903_MAX_UPLOAD_MB * 1024 * 1024


def too_large_message() -> str:
    return f"The files must add up to {settings.SSDA903_MAX_UPLOAD_MB} MB or less"


def stuck_after() -> timedelta:
    return timedelta(minutes=settings.TASK_STUCK_AFTER_MINUTES)


def _stored_files(upload: SSDA903Upload) -> list[tuple[str, bytes]]:
    return [(name, text.encode("utf-8")) for name, text in upload.files.items()]


def _locked(upload_id: int) -> SSDA903Upload:
    return SSDA903Upload.objects.select_for_update().defer("files").get(pk=upload_id)


def _queue(task, upload_id: int, *args, working: str, otherwise: str) -> None:
    """Send ``task`` once the upload is committed; if the broker is down, move the upload
    from ``working`` to ``otherwise`` with the reason, so nothing waits for a lost task."""
    if not enqueue(task, upload_id, *args):
        SSDA903Upload.objects.filter(pk=upload_id, status=working).update(
            status=otherwise, error=NOT_QUEUED, progress_message="", updated_at=timezone.now()
        )


def _queue_check(upload_id: int) -> None:
    from .tasks import check_ssda903_upload  # the task module imports this one

    _queue(check_ssda903_upload, upload_id, working=UploadStatus.QUEUED, otherwise=UploadStatus.FAILED)


def _queue_import(upload_id: int, by_id: int | None) -> None:
    from .tasks import import_ssda903_upload  # the task module imports this one

    _queue(import_ssda903_upload, upload_id, by_id, working=UploadStatus.IMPORTING, otherwise=UploadStatus.CHECKED)


def _progress(upload_id: int, message: str, *, status: str) -> None:
    """Commit a step of a check or import at once (outside any transaction), for its page."""
    SSDA903Upload.objects.filter(pk=upload_id, status=status).update(
        progress_message=message[:200], updated_at=timezone.now()
    )


@transaction.atomic
def ssda903_upload_create(*, files: list[tuple[str, bytes]], by) -> SSDA903Upload:
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
        "changes": len(plan.creates) + len(plan.updates),
        "tables": [[table.file, name, len(table.rows)] for name, table in plan.read.tables.items()],
        "ignored": [[file, table] for file, table in plan.read.ignored],
        "reviews_without_due_date": plan.reviews_without_due_date,
        "when": when,
    }


def _plan_lines(upload: SSDA903Upload, plan: importer.ImportPlan):
    for p in plan.problems:
        yield SSDA903PlanLine(
            upload=upload,
            outcome=PlanOutcome.PROBLEM,
            file=p.file[:255],
            line=p.line,
            column=p.column[:40],
            value=p.value,
            text=p.reason,
        )
    for outcome, changes in ((PlanOutcome.CREATE, plan.creates), (PlanOutcome.UPDATE, plan.updates)):
        for c in changes:
            yield SSDA903PlanLine(
                upload=upload, outcome=outcome, kind=c.kind, reference=c.reference, key=c.key, text=c.description
            )


def _store_plan(upload: SSDA903Upload, plan: importer.ImportPlan, *, when: str) -> None:
    """Replace the upload's stored plan with ``plan`` (in the caller's transaction)."""
    SSDA903PlanLine.objects.filter(upload=upload).delete()
    lines = _plan_lines(upload, plan)
    position = 0
    while batch := list(itertools.islice(lines, importer.CHUNK)):
        for line in batch:
            line.position = position
            position += 1
        SSDA903PlanLine.objects.bulk_create(batch)
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
        summary=f"SSDA903 return checked: {len(plan.child_references)} children would change, "
        f"{len(plan.problems)} problems",
    )
    return upload


@transaction.atomic
def _fail_check(upload_id: int, error: BaseException) -> SSDA903Upload:
    upload = _locked(upload_id)
    if upload.status == UploadStatus.CHECKING:
        upload.status = UploadStatus.FAILED
        upload.error = f"{type(error).__name__}: {error}"[:2000]
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
        rows = sum(len(table.rows) for table in read.tables.values())
        _progress(upload_id, f"Checking {rows:,} rows against the records held", status=UploadStatus.CHECKING)
        plan = importer.plan_import(read, today=today or timezone.localdate())
        _progress(upload_id, "Saving the result", status=UploadStatus.CHECKING)
        return _store_check(upload_id, plan)
    except Exception as error:  # recorded on the upload for the manager, and logged
        logger.exception("Checking SSDA903 upload %s failed", upload_id)
        return _fail_check(upload_id, error)


@transaction.atomic
def ssda903_upload_import_request(*, upload: SSDA903Upload, by) -> SSDA903Upload:
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


@transaction.atomic
def _import_not_done(upload_id: int, reason: str) -> SSDA903Upload:
    upload = _locked(upload_id)
    if upload.status == UploadStatus.IMPORTING:
        upload.status = UploadStatus.CHECKED
        upload.error = reason[:2000]
        upload.progress_message = ""
        upload.save(update_fields=["status", "error", "progress_message", "updated_at"])
    return upload


def ssda903_upload_import(*, upload_id: int, by, today: date | None = None) -> SSDA903Upload:
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
            plan = ssda903_import(files=_stored_files(upload), by=by, commit=True, today=today)
            _store_plan(upload, plan, when="import")
            upload.progress_message = ""
            if plan.is_valid:
                upload.status = UploadStatus.IMPORTED
                upload.imported_at = timezone.now()
                upload.imported_by = by
            else:
                upload.status = UploadStatus.REFUSED
            upload.save(
                update_fields=["summary", "status", "progress_message", "imported_at", "imported_by", "updated_at"]
            )
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
    except (ValidationError, PermissionDenied) as error:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return _import_not_done(upload_id, reason)
    except Exception as error:  # recorded on the upload for the manager, and logged
        logger.exception("Importing SSDA903 upload %s failed", upload_id)
        reason = f"The import failed and nothing was written ({type(error).__name__}: {error})."
        return _import_not_done(upload_id, reason)


@transaction.atomic
def ssda903_upload_retry(*, upload: SSDA903Upload, by, now: datetime | None = None) -> SSDA903Upload:
    """Queue a failed or stuck check (or a stuck import) of an upload again."""
    require_exchange_permission(by)
    upload = _locked(upload.pk)
    if not upload.may_retry(now=now or timezone.now(), stuck_after=stuck_after()):
        if upload.working:
            raise ValidationError(
                f"This return is {upload.get_status_display().lower()}. If it has not moved on in "
                f"{settings.TASK_STUCK_AFTER_MINUTES} minutes, you can try again."
            )
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
