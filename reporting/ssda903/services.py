"""Writes for the SSDA903 import and export: every child read or changed is audited.

``ssda903_export`` builds a return and records one audit event per child included (the
return is a read of each child's record). ``ssda903_import`` checks a return, and writes it
only when asked and only when it has no errors, in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from children.models import CareEpisode, Child
from iro_service.audit import audit_record
from iro_service.models import AuditAction, AuditEvent
from reviews import deadlines
from reviews.calendar import non_working_days
from reviews.codes import ReviewSource, ReviewStatus, ReviewType
from reviews.models import Review
from reviews.schedule import schedule_refresh

from ..models import SSDA903Upload, UploadStatus
from ..periods import ReportingYear
from . import exporter, importer
from .bulk import insert_with_history

CHANGE_REASON = "SSDA903 import"

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


def _review_dates(child_ids: list[int], new_reviews: list[importer.Change], ids: dict[str, int]):
    """Due date and type of each new review, from reg 33 (``reviews.deadlines``), for the periods
    whose whole review history is known; ``None`` where earlier reviews are missing."""
    starts: dict[int, list[date]] = defaultdict(list)
    held: dict[int, list[date]] = defaultdict(list)
    for chunk in importer.chunks(child_ids):
        for child_id, started_on in CareEpisode.objects.filter(child_id__in=chunk, reason_new_episode="S").values_list(
            "child_id", "started_on"
        ):
            starts[child_id].append(started_on)
        for child_id, held_on in Review.objects.filter(child_id__in=chunk, status=ReviewStatus.HELD).values_list(
            "child_id", "held_on"
        ):
            held[child_id].append(held_on)
    new_by_child: dict[int, list[date]] = defaultdict(list)
    for change in new_reviews:
        new_by_child[ids[change.reference]].append(change.fields["held_on"])
    all_dates = [d for dates in starts.values() for d in dates] + [c.fields["held_on"] for c in new_reviews]
    calendar = non_working_days(min(all_dates), max(all_dates)) if all_dates else frozenset()

    result: dict[tuple[int, date], tuple[date | None, str]] = {}
    kinds = (ReviewType.FIRST, ReviewType.SECOND)
    for child_id, new_dates in new_by_child.items():
        known_from = min(filter(None, [importer.coverage_start(new_dates), min(held[child_id], default=None)]))
        every = sorted(set(held[child_id]) | set(new_dates))
        periods = sorted(starts[child_id])
        due_by_date: dict[date, tuple[date | None, str]] = {}
        for index, period in enumerate(periods):
            period_end = periods[index + 1] if index + 1 < len(periods) else None
            in_period = [d for d in every if d >= period and (period_end is None or d < period_end)]
            if period < known_from:  # the period's earlier reviews are not known
                due_by_date.update((d, (None, "")) for d in in_period)
                continue
            due = deadlines.review_due_dates(looked_after_on=period, reviews_held=in_period, non_working=calendar)
            for n, (held_on, due_on) in enumerate(zip(in_period, due, strict=True)):
                due_by_date[held_on] = (due_on, kinds[n] if n < len(kinds) else ReviewType.SUBSEQUENT)
        for held_on in new_dates:
            result[(child_id, held_on)] = due_by_date.get(held_on, (None, ""))
    return result


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
    insert_with_history(
        Child,
        [
            {
                "local_reference": c.reference,
                "first_name": importer.NAME_TO_BE_ENTERED,
                "last_name": c.reference,
                "name_to_be_entered": True,
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
    dates = _review_dates(sorted(ids.values()), creates["review"], ids)
    plan.reviews_without_due_date = sum(1 for due, _ in dates.values() if due is None)
    rows = []
    for c in creates["review"]:
        child_id = ids[c.reference]
        due_on, review_type = dates[(child_id, c.fields["held_on"])]
        rows.append(
            {
                "child_id": child_id,
                "chair_id": None,
                "status": ReviewStatus.HELD.value,
                "held_on": c.fields["held_on"],
                "participation_code": c.fields["participation_code"],
                "due_on": due_on,
                "review_type": str(review_type),
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
    for chunk in importer.chunks(ordered):
        schedule_refresh(chunk)


def ssda903_import(
    *, files: list[tuple[str, bytes]], by, commit: bool, today: date | None = None
) -> importer.ImportPlan:
    """Check a return; with ``commit`` and no errors, write it in one transaction.

    With any error nothing is written. Importing the same files again plans no changes.
    """
    require_exchange_permission(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = importer.plan_import(importer.read_tables(files), today=today, lock=commit)
        if commit and plan.is_valid and (plan.creates or plan.updates):
            _apply(plan, by=by)
    return plan


# --------------------------------------------------------------------------- uploads (web)


def _stored_files(upload: SSDA903Upload) -> list[tuple[str, bytes]]:
    return [(name, text.encode("utf-8")) for name, text in upload.files.items()]


def _plan_record(upload: SSDA903Upload, plan: importer.ImportPlan) -> None:
    upload.summary = {**plan.summary, "unchanged": plan.unchanged, "ignored": [t for _, t in plan.read.ignored]}
    upload.problems = [[p.file, p.line, p.column, p.reason, p.value] for p in plan.problems]


@transaction.atomic
def ssda903_upload_check(*, files: list[tuple[str, bytes]], by, today: date | None = None) -> SSDA903Upload:
    """Keep an uploaded return and its dry run (what it would change, every bad row)."""
    require_exchange_permission(by)
    stored: dict[str, str] = {}
    for name, content in files:
        key = name
        while key in stored:
            key = f"copy of {key}"
        stored[key] = importer.decode(content)
    upload = SSDA903Upload(uploaded_by=by, files=stored)
    plan = ssda903_import(files=_stored_files(upload), by=by, commit=False, today=today)
    _plan_record(upload, plan)
    upload.status = UploadStatus.CHECKED if plan.is_valid else UploadStatus.REFUSED
    upload.save()
    audit_record(
        actor=by,
        action=AuditAction.VIEWED,
        child_id=None,
        obj=upload,
        summary=f"SSDA903 return checked: {len(plan.child_references)} children would change, "
        f"{len(plan.problems)} problems",
    )
    return upload


@transaction.atomic
def ssda903_upload_import(*, upload: SSDA903Upload, by, today: date | None = None) -> importer.ImportPlan:
    """Import a checked upload. It is checked again against today's records first: with any
    error nothing is written and the upload is marked as refused."""
    require_exchange_permission(by)
    upload = SSDA903Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == UploadStatus.IMPORTED:
        raise ValidationError("This return has already been imported.")
    plan = ssda903_import(files=_stored_files(upload), by=by, commit=True, today=today)
    _plan_record(upload, plan)
    if plan.is_valid:
        upload.status = UploadStatus.IMPORTED
        upload.imported_at = timezone.now()
        upload.imported_by = by
    else:
        upload.status = UploadStatus.REFUSED
    upload.save()
    return plan


def ssda903_upload_plan(*, upload: SSDA903Upload, today: date | None = None) -> importer.ImportPlan:
    """The dry run of a kept upload against today's records (for its page; writes nothing)."""
    return importer.plan_import(importer.read_tables(_stored_files(upload)), today=today or timezone.localdate())
