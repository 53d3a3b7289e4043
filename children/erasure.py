"""Destroying or anonymising one child's record, for the retention service only
(children/retention_services.py; docs/rules.md#retention: the one sanctioned deletion).

Which rows are about the child is found through Django's model relations, not from a list:
every row that refers to the child by a foreign key, every row that refers to one of those, and
so on, with the copies django-simple-history keeps of each. A model added later is found the
same way: destroying removes its rows, and anonymising refuses to run until ``ANONYMISE`` or
``KEPT`` (``erasure_fields.py``) says what happens to each of its free-text fields.

Besides those rows, the child appears in the audit trail (``child_id``, and the ids a listing
recorded), and by reference in what other apps keep outside the relations: the SSDA903 returns
uploaded (their CHILD rows) and the stored plan of each upload, which the steps named in the
``CHILD_ERASURE_STEPS`` setting blank; and in rows shared with brothers and sisters, which the
walk does not reach (a family's conferences), which the steps named in ``CHILD_SHARED_ROW_STEPS``
change once no sibling's record needs them. Published reports are aggregates and are never touched.
"""

from __future__ import annotations

from collections import defaultdict, deque
from graphlib import TopologicalSorter
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import F, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from iro_service.models import AuditEvent, SanctionedErasure

from .erasure_fields import ANONYMISE, KEPT
from .models import Child, SiblingGroup

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Rows that refer to the child but are not part of the record: the retention requests
#: themselves, which the service keeps without the link (``retention_services``).
NOT_PART_OF_THE_RECORD = ("children.RetentionRequest",)

CHUNK = 500


def _is_history(model) -> bool:
    return hasattr(model, "instance_type")


def _history_of(model):
    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


def _references_to(model) -> list[models.ForeignObjectRel]:
    """Every foreign key (or one-to-one) pointing at ``model``, from any model, hidden ones
    (simple-history's copies use ``related_name="+"``) included."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _chunks(pks) -> list[list]:
    ordered = sorted(pks)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def rows_about(child: Child) -> dict[type[models.Model], set]:
    """Every row about ``child``, by model: the child, each row referring to it or to another
    row found, recursively, and every history copy of each (``children.HistoricalChild`` too)."""
    found: dict[type[models.Model], set] = defaultdict(set)
    found[Child].add(child.pk)
    queue = deque([(Child, {child.pk})])
    while queue:
        model, pks = queue.popleft()
        for relation in _references_to(model):
            related = relation.related_model
            if related._meta.label in NOT_PART_OF_THE_RECORD:
                continue
            new = set()
            for chunk in _chunks(pks):
                new |= set(
                    related._base_manager.filter(**{f"{relation.field.name}__in": chunk}).values_list("pk", flat=True)
                )
            new -= found[related]
            if new:
                found[related] |= new
                queue.append((related, new))
        history = _history_of(model)
        if history is not None:
            pk_name = model._meta.pk.attname
            new = set()
            for chunk in _chunks(pks):
                new |= set(history._base_manager.filter(**{f"{pk_name}__in": chunk}).values_list("pk", flat=True))
            new -= found[history]
            if new:
                found[history] |= new
                queue.append((history, new))
    return dict(found)


def unclassified_fields(models_found) -> list[str]:
    """Fields of the models about a child that anonymising neither replaces nor keeps on
    purpose: free text (no choices), JSON, and the child's own dates. Must be empty."""
    missing = []
    for model in models_found:
        if _is_history(model) or model._meta.label in NOT_PART_OF_THE_RECORD:
            continue
        label = model._meta.label
        for field in model._meta.concrete_fields:
            personal = (isinstance(field, models.CharField | models.TextField) and not field.choices) or isinstance(
                field, models.JSONField
            )
            if model is Child and isinstance(field, models.DateField):
                personal = True
            if personal and field.name not in ANONYMISE.get(label, {}) and field.name not in KEPT.get(label, {}):
                missing.append(f"{label}.{field.name}")
    return missing


def _label(model) -> str:
    return model._meta.label


def _sibling_groups_of(found) -> set[int]:
    ids = set()
    for model in (Child, _history_of(Child)):
        for chunk in _chunks(found.get(model, ())):
            ids |= set(
                model._base_manager.filter(pk__in=chunk, sibling_group__isnull=False).values_list(
                    "sibling_group_id", flat=True
                )
            )
    return ids


def _references_of(found) -> set[str]:
    """Every local reference the child has had (a corrected reference is in the history)."""
    refs = set()
    for model in (Child, _history_of(Child)):
        for chunk in _chunks(found.get(model, ())):
            refs |= set(model._base_manager.filter(pk__in=chunk).values_list("local_reference", flat=True))
    return refs


def _remove_empty_sibling_groups(group_ids: set[int]) -> int:
    """A sibling group is named after the family: remove it once no child, and no history copy
    of a child, is in it any more."""
    history = _history_of(Child)
    empty = [
        pk
        for pk in group_ids
        if not Child._base_manager.filter(sibling_group_id=pk).exists()
        and not history._base_manager.filter(sibling_group_id=pk).exists()
    ]
    return SanctionedErasure.delete(SiblingGroup._base_manager.filter(pk__in=empty)) if empty else 0


# --------------------------------------------------------------------------- the audit trail


def _events_about(found):
    """Audit events naming the child, or naming one of the rows about the child."""
    child_pk = next(iter(found[Child]))
    query = models.Q(child_id=child_pk)
    for model, pks in found.items():
        if _is_history(model):
            continue
        query |= models.Q(object_type=_label(model), object_id__in=[str(pk) for pk in pks])
    return AuditEvent.objects.filter(query)


def _drop_from_listings(child_pk: int) -> int:
    """Take the child's id out of the listings and exports that recorded it among others."""
    candidates = (
        AuditEvent.objects.filter(changes__has_key="child_ids")
        .annotate(changes_text=Cast("changes", TextField()))
        .filter(changes_text__regex=rf"[^0-9]{child_pk}[^0-9]")
    )
    changed = 0
    for event in candidates.only("pk", "changes").iterator():
        ids = event.changes.get("child_ids") or []
        if child_pk in ids:
            changes = {**event.changes, "child_ids": [i for i in ids if i != child_pk]}
            changed += SanctionedErasure.update(AuditEvent.objects.filter(pk=event.pk), changes=changes)
    return changed


# --------------------------------------------------------------------------- other apps


def _erase_elsewhere(references: set[str]) -> dict[str, int]:
    """What other apps keep about the child by reference, outside the relations (the SSDA903
    returns uploaded): each step of ``CHILD_ERASURE_STEPS`` is called with every local reference
    the child has had and returns what it changed, by kind."""
    outcome: dict[str, int] = {}
    for path in settings.CHILD_ERASURE_STEPS:
        outcome.update(import_string(path)(references=references))
    return outcome


# --------------------------------------------------------------------------- the two actions


def _deletion_order(found) -> list:
    """The models found, each before any model it refers to."""
    sorter = TopologicalSorter({model: set() for model in found})
    for model in found:
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in found and field.related_model is not model:
                sorter.add(field.related_model, model)
    return list(sorter.static_order())


def _shared_rows(child: Child, action: str):
    """The steps of ``CHILD_SHARED_ROW_STEPS``, for rows shared by brothers and sisters that the
    walk never reaches (a family's conferences): each is called with the child's id and the
    action before the child's rows change, and returns what to run after, which returns the rows
    changed, by kind. Each app decides when a shared row goes (conferences/erasure.py)."""
    return [import_string(path)(child_pk=child.pk, action=action) for path in settings.CHILD_SHARED_ROW_STEPS]


def _finish_shared(finishers, outcome: dict[str, int]) -> None:
    for finish in finishers:
        for label, count in finish().items():
            outcome[label] = outcome.get(label, 0) + count


def destroy(child: Child) -> dict[str, int]:
    """Delete every row about ``child`` (the caller holds the transaction and has detached the
    retention requests). Returns the number of rows removed, by kind."""
    shared = _shared_rows(child, "destroy")
    found = rows_about(child)
    groups = _sibling_groups_of(found)
    references = _references_of(found)
    outcome: dict[str, int] = {}
    for model in _deletion_order(found):
        for chunk in _chunks(found[model]):
            deleted = SanctionedErasure.delete(model._base_manager.filter(pk__in=chunk))
            outcome[_label(model)] = outcome.get(_label(model), 0) + deleted
    _finish_shared(shared, outcome)
    outcome["iro_service.AuditEvent"] = SanctionedErasure.delete(_events_about(found))
    outcome["audit listings naming the record"] = _drop_from_listings(child.pk)
    outcome.update(_erase_elsewhere(references))
    outcome["children.SiblingGroup"] = _remove_empty_sibling_groups(groups)
    return {k: v for k, v in outcome.items() if v}


def anonymise(child: Child, *, by: User) -> dict[str, int]:
    """Replace every field of every row about ``child`` that could identify them (``ANONYMISE``),
    in the history copies too, and remove the detail of the audit events about them; keep the
    rows and what the statistics count. The record is marked anonymised and archived (by ``by``,
    unless it was already), so it leaves the working lists. Returns the rows changed, by kind."""
    if missing := unclassified_fields(models_holding_rows_about_a_child()):
        raise ImproperlyConfigured(
            "Anonymising does not know what to do with: "
            + ", ".join(missing)
            + " (children/erasure_fields.py ANONYMISE)"
        )
    shared = _shared_rows(child, "anonymise")
    found = rows_about(child)
    groups = _sibling_groups_of(found)
    references = _references_of(found)
    outcome: dict[str, int] = {}
    for model, pks in found.items():
        original = model.instance_type if _is_history(model) else model
        values = dict(ANONYMISE.get(_label(original), {}))
        if _is_history(model):
            values["history_change_reason"] = Value(None)
        elif model is Child:
            now = timezone.now()
            values["version"] = F("version") + 1  # an edit form opened before is refused
            values["anonymised_at"] = Value(now)
            values["archived_at"] = Coalesce("archived_at", Value(now))
            values["archived_by"] = Coalesce("archived_by", Value(by.pk))
        if not values:
            continue
        for chunk in _chunks(pks):
            changed = SanctionedErasure.update(model._base_manager.filter(pk__in=chunk), **values)
            outcome[_label(model)] = outcome.get(_label(model), 0) + changed
    _finish_shared(shared, outcome)
    outcome["iro_service.AuditEvent"] = SanctionedErasure.update(
        _events_about(found), summary="Detail removed when the record was anonymised", changes={}
    )
    outcome.update(_erase_elsewhere(references))
    outcome["children.SiblingGroup"] = _remove_empty_sibling_groups(groups)
    return {k: v for k, v in outcome.items() if v}


def models_holding_rows_about_a_child() -> list[type[models.Model]]:
    """Every model that can hold a row about a child (reachable from Child by foreign keys, and
    the history models), for the tests and for ``unclassified_fields``."""
    reachable, queue = {Child}, deque([Child])
    while queue:
        model = queue.popleft()
        nxt = [r.related_model for r in _references_to(model)]
        if (history := _history_of(model)) is not None:
            nxt.append(history)
        for related in nxt:
            if related not in reachable and related._meta.label not in NOT_PART_OF_THE_RECORD:
                reachable.add(related)
                queue.append(related)
    return sorted(reachable, key=_label)
