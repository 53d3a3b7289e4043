"""Writing the audit trail. Services call ``audit_record`` inside their transaction; every
view declares what child data it shows with one decorator (``audited``, ``audited_by_service``
or ``no_child_data``, below), and ``audited`` writes the read events."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Subquery
from django.http import HttpRequest
from django.utils.text import capfirst

from .models import AuditAction, AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for every field whose value changed, as JSON-safe values."""
    return {
        name: [_plain(before.get(name)), _plain(after.get(name))]
        for name in after
        if before.get(name) != after.get(name)
    }


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    child_id: int | None,
    obj: models.Model | None = None,
    summary: str = "",
    changes: dict | None = None,
    path: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        child_id=child_id,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:255],
        changes={
            k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v] for k, v in (changes or {}).items()
        },
        path=path[:255],
    )


def record_export(request: HttpRequest, *, summary: str, rows: int, filters: dict[str, Any]) -> AuditEvent:
    """One EXPORTED event for a CSV download of a list: who, where, the filters it kept and how
    many rows it holds (not each child: a download of the whole service would name 100,000).
    Written before the first row is sent, so a download cut short is still on the record."""
    return audit_record(
        actor=request.user,
        action=AuditAction.EXPORTED,
        child_id=None,
        summary=f"{summary}: {rows} {'row' if rows == 1 else 'rows'}",
        changes={"filters": filters, "rows": rows},
        path=request.path,
    )


@dataclass(frozen=True)
class ChangeShown:
    """One line of an event's ``changes`` as a person reads it: the field's label and its values
    with each stored code replaced by its label."""

    field: str
    before: Any
    after: Any
    #: False for a value recorded on its own (a retention decision's ``action``), not a change.
    paired: bool = True


def _value_labels(model: type[models.Model] | None, name: str) -> dict[str, str]:
    """The labels of ``name``'s stored codes: the field's own ``choices``, or for a field that
    holds a list of codes (a ``JSONField``), the model's ``AUDIT_CHOICES[name]``."""
    if model is None:
        return {}
    listed = getattr(model, "AUDIT_CHOICES", {}).get(name)
    if listed:
        return {str(value): str(label) for value, label in listed}
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return {}
    return {str(value): str(label) for value, label in getattr(field, "flatchoices", None) or ()}


def _field_label(model: type[models.Model] | None, name: str) -> str:
    try:
        label = str(getattr(model._meta.get_field(name), "verbose_name", "")) if model is not None else ""
    except FieldDoesNotExist:
        label = ""
    return capfirst(label or name.replace("_", " "))


def _labelled(value: Any, labels: dict[str, str]) -> Any:
    if isinstance(value, list):
        return ", ".join(str(_labelled(item, labels)) for item in value) or None
    if isinstance(value, str):
        return labels.get(value, value) or None  # an empty answer reads as "–"
    return value


def changes_shown(event: AuditEvent) -> list[ChangeShown]:
    """``event.changes`` for a page: field labels for field names and, where the field is known
    (the model the event names, ``object_type``), choice labels for stored codes: "No longer
    needed", not ``no_longer_needed``. A value that is not a ``[before, after]`` pair is shown
    as the after value."""
    try:
        model = apps.get_model(event.object_type) if event.object_type else None
    except (LookupError, ValueError):
        model = None
    rows = []
    for name, values in (event.changes or {}).items():
        labels = _value_labels(model, name)
        paired = isinstance(values, list) and len(values) == 2
        before, after = values if paired else (None, values)
        rows.append(
            ChangeShown(_field_label(model, name), _labelled(before, labels), _labelled(after, labels), paired=paired)
        )
    return rows


# --------------------------------------------------------------------------- the view layer
#
# Every view says what it shows with one decorator, and tests/iro_service/test_audit_coverage.py
# fails for a URL whose view says nothing:
#
# - ``@audited(child=...)``: the page shows one child's data. After the view returns a page
#   (status 200: a GET, or a POST whose form is shown again), one event is written naming the
#   child and the object the URL names. A redirect, 403 or 404 writes nothing: nothing was shown,
#   and a successful POST is audited by the service it called.
# - ``@audited(action=AuditAction.LISTED)``: a list of children; the view says which children
#   it listed with ``note_listing(request, ...)`` and the decorator writes one event for them.
# - ``@audited_by_service(reason)``: the service the view calls writes the audit events itself
#   (an export records one event per child exported).
# - ``@no_child_data(reason)``: the page shows no child's data (figures, staff, a blank form).

#: Responses that showed the page to the user. A POST whose form is shown again with the child's
#: data is a read like a GET.
_SHOWN_STATUS = 200
_LISTING = "_audit_listing"


@dataclass(frozen=True)
class Shown:
    """What an audited page showed: the child (None for a record about no one child) and the
    object. A record about several children (a family's child protection conference) gives
    ``child_ids`` instead, a values queryset of their ids: the page writes one event per child,
    so each child's access log finds it."""

    child_id: int | Subquery | None
    object_type: str = ""
    object_id: str = ""
    summary: str = ""
    child_ids: Any = None


@dataclass(frozen=True)
class AuditPolicy:
    """The decision a view's decorator records, read by the coverage test."""

    kind: str  # "audited", "audited_by_service" or "no_child_data"
    action: str = ""
    reason: str = ""
    #: ``(request, url_kwargs) -> Shown``: the child and object the page shows.
    resolve: Callable[[HttpRequest, dict], Shown] | None = None


def child_in_url(kwarg: str = "pk") -> Callable[[HttpRequest, dict], Shown]:
    """The page is about the child whose id is the URL's ``kwarg`` (the view 404s otherwise)."""

    def resolve(request, kwargs) -> Shown:
        return Shown(child_id=int(kwargs[kwarg]), object_type="children.Child", object_id=str(kwargs[kwarg]))

    return resolve


def object_in_url(model, kwarg: str = "pk", *, summary: str = "") -> Callable[[HttpRequest, dict], Shown]:
    """The page is about the ``model`` row whose id is the URL's ``kwarg``, and about its child
    (``child_id``), or about no one child when ``model`` has none (an upload, a report).

    The child's id is read by a subquery inside the audit insert, so auditing the page costs
    no query more than the insert. ``summary`` may name the object as ``{obj}`` (one query)."""
    has_child = any(f.attname == "child_id" for f in model._meta.concrete_fields)

    def resolve(request, kwargs) -> Shown:
        pk = kwargs[kwarg]
        rows = model._default_manager.filter(pk=pk)
        text = summary
        if "{obj" in summary:
            obj = rows.first()
            text = summary.format(obj=obj) if obj is not None else summary
        return Shown(
            child_id=Subquery(rows.values("child_id")[:1]) if has_child else None,
            object_type=model._meta.label,
            object_id=str(pk),
            summary=text,
        )

    return resolve


def note_listing(request: HttpRequest, *, child_ids: Iterable[int], summary: str, **changes: Any) -> None:
    """Tell ``@audited(action=AuditAction.LISTED)`` which children the page lists."""
    setattr(request, _LISTING, (list(child_ids), summary, changes))


def _mark(view, policy: AuditPolicy):
    view.audit_policy = policy
    return view


def audited(
    *,
    action: AuditAction | str = AuditAction.VIEWED,
    child: Callable[[HttpRequest, dict], Shown] | None = None,
    summary: str = "",
):
    """Write one audit event for each page the view shows (see the notes above).

    ``child`` resolves what the page showed from the URL's kwargs (``child_in_url("child_pk")``,
    ``object_in_url(Review)``); a listing (``action=AuditAction.LISTED``) reports its children
    with ``note_listing`` instead."""
    listing = action == AuditAction.LISTED
    if (child is None) != listing:
        raise ImproperlyConfigured("@audited needs child=... for one child's page, or action=LISTED for a list.")

    def decorate(view):
        @wraps(view)
        def audited_view(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == _SHOWN_STATUS:
                _record_shown(request, kwargs, view=view, action=action, child=child, summary=summary)
            return response

        return _mark(audited_view, AuditPolicy("audited", action=str(action), resolve=child))

    return decorate


def _record_shown(request, kwargs, *, view, action, child, summary) -> None:
    if child is None:
        try:
            child_ids, listed_summary, changes = getattr(request, _LISTING)
        except AttributeError:
            raise ImproperlyConfigured(
                f"{view.__module__}.{view.__name__} lists children: call note_listing(request, ...)"
            ) from None
        audit_record(
            actor=request.user,
            action=action,
            child_id=None,
            summary=listed_summary,
            changes={"child_ids": child_ids, **changes},
            path=request.path,
        )
        return
    shown = child(request, kwargs)
    event = {
        "actor": request.user if request.user.is_authenticated else None,
        "action": action,
        "object_type": shown.object_type,
        "object_id": shown.object_id,
        "summary": (shown.summary or summary)[:255],
        "path": request.path[:255],
    }
    if shown.child_ids is not None:
        AuditEvent.objects.bulk_create([AuditEvent(child_id=child_id, **event) for child_id in shown.child_ids])
        return
    AuditEvent.objects.create(child_id=shown.child_id, **event)


def audited_by_service(reason: str):
    """The view's service writes the audit events for what it reads or changes."""
    return lambda view: _mark(view, AuditPolicy("audited_by_service", reason=reason))


def no_child_data(reason: str):
    """The view shows no child's data; ``reason`` says why (read by the coverage test)."""
    return lambda view: _mark(view, AuditPolicy("no_child_data", reason=reason))
