"""Exporting and importing a return: who may, the audit of every child read, and the import's
one transaction.

``ssda903_export`` builds a return and records one audit event per child included (the
return is a read of each child's record). ``ssda903_import`` checks a return, and writes it
(``writing.apply_plan``) only when asked and only when it has no problems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from iro_service.models import AuditAction, AuditEvent
from iro_service.periods import ReportingYear

from .. import exporter, importer
from .writing import apply_plan

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Key of the PostgreSQL advisory lock that lets one import write at a time.
IMPORT_LOCK = 903_001

#: The capability that lets a user import and export SSDA903 returns (IRO managers).
PERMISSION = "reporting.exchange_ssda903"


def require_exchange_permission(by: User | None) -> None:
    """Managers only; ``by`` is None when a management command runs (the operator is trusted)."""
    if by is not None and not by.has_perm(PERMISSION):
        raise PermissionDenied("Only IRO managers may import or export the SSDA903 return.")


def audit_children(*, by: User | None, action: str, child_ids: Iterable[int], summary: str, path: str = "") -> None:
    """One append-only audit event per child, inserted 2,000 at a time."""
    actor = by if getattr(by, "is_authenticated", False) else None
    for chunk in importer.chunks(sorted(child_ids)):
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
                for child_id in chunk
            ]
        )


def _audit_export(*, year: ReportingYear, child_ids: Iterable[int], by: User | None, path: str) -> None:
    """An EXPORTED event for each child in ``year``'s return."""
    audit_children(
        by=by,
        action=AuditAction.EXPORTED,
        child_ids=child_ids,
        summary=f"Included in the SSDA903 return for {year.label}",
        path=path,
    )


def ssda903_export(*, year: ReportingYear, by: User | None, path: str = "") -> dict[str, list[list[str]]]:
    """``year``'s return as tables; each child in it gets an audit event naming the export."""
    require_exchange_permission(by)
    tables, child_ids = exporter.build_return_with_children(year)
    _audit_export(year=year, child_ids=child_ids, by=by, path=path)
    return tables


@transaction.atomic
def ssda903_export_files(
    *, year: ReportingYear, directory: Path, by: User | None, path: str = ""
) -> list[tuple[Path, int]]:
    """Write ``year``'s return into ``directory``, one CSV per table, streamed a chunk of rows
    at a time (a return of any size); each child in it gets an audit event naming the export.
    Returns each file written and its number of rows."""
    require_exchange_permission(by)
    child_ids: list[int] = []
    written = exporter.write_year(year, directory, child_ids=child_ids)
    _audit_export(year=year, child_ids=child_ids, by=by, path=path)
    return written


def ssda903_import(
    *,
    files: list[tuple[str, bytes]],
    by: User | None,
    commit: bool,
    today: date | None = None,
    keep_changes: bool = True,
    on_chunk: Callable[[importer.PlannedChunk], None] | None = None,
) -> importer.ImportPlan:
    """Check a return; with ``commit`` and no errors, write it in one transaction, a chunk of
    children at a time (``on_chunk`` is told of each chunk written).

    With any error nothing is written. Importing the same files again plans no changes.
    Without ``keep_changes`` the plan counts its changes but does not list them: a large
    return's changes are never all in memory at once.
    """
    require_exchange_permission(by)
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            if commit:
                _one_import_at_a_time()
            read = importer.read_tables(files)
            plan = importer.plan_import(read, today=today, lock=commit, keep_changes=keep_changes)
            if commit and plan.is_valid and plan.changes:
                apply_plan(plan, by=by, on_chunk=on_chunk)
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
