"""Exporting the child protection part of the CIN census (docs/rules.md#child-protection):
who may, and the audit of every child read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import transaction

from iro_service.audit import audit_record
from iro_service.models import AuditAction
from iro_service.periods import ReportingYear

from .. import cin_census
from .exchange import audit_children, require_exchange_permission

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def cin_census_export(
    *, year: ReportingYear, file_format: str, by: User | None, path: str = ""
) -> tuple[int, Iterator[cin_census.CensusChild]]:
    """``year``'s children for the census return, and how many: managers only. Before a row is
    read, each child gets an EXPORTED event naming the return, and one event records the
    download with its count (so a download cut short is still on the record). The children
    are read as the caller iterates, a chunk at a time."""
    require_exchange_permission(by)
    child_ids = cin_census.census_child_ids(year)
    label = f"CIN census return for {year.label} ({file_format.upper()}, {len(child_ids)} children)"
    audit_children(
        by=by, action=AuditAction.EXPORTED, child_ids=child_ids, summary=f"Included in the {label}", path=path
    )
    audit_record(
        actor=by,
        action=AuditAction.EXPORTED,
        child_id=None,
        summary=f"Downloaded the {label}",
        changes={"year": year.label, "format": file_format, "rows": len(child_ids)},
        path=path,
    )
    return len(child_ids), cin_census.census_children(year)
