"""``LockedForm``: the mixin of a form that edits a record under the optimistic lock.

It carries a signed snapshot of the record as the user started (``lock``), and when the service
raises ``StaleEditError`` merges three ways with the record as saved now (``merge``; the merge
itself is ``merge.py``). Views call ``concurrency.save_or_merge``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from crispy_forms_gds.choices import Choice
from django import forms
from django.core import signing
from django.db import models
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from .concurrency import name_of
from .merge import (
    CONFLICT,
    ONLY_THEIRS,
    UNCHANGED,
    Difference,
    EditConflict,
    decode,
    encode,
    put_value,
    three_way_merge,
    words,
)

if TYPE_CHECKING:
    from .concurrency import StaleEditError

#: The hidden field carrying the signed snapshot the user started from.
BASE_FIELD = "edit_base"
#: Prefix of the radios that settle a field both people changed.
RESOLVE_PREFIX = "resolve_"
THEIRS, MINE = "theirs", "mine"


@dataclass(frozen=True)
class LockedRows:
    """Rows of an inline formset (a review's actions) merged one by one, each matched on the
    saved object's id in the hidden ``key`` field. A row left blank is not changed."""

    related_name: str
    noun: str
    fields: tuple[str, ...]
    order_by: tuple[str, ...] = ("pk",)
    key: str = "id"


class LockedForm:
    """Mixin for a form that edits a record under an optimistic lock (it has a ``version``).

    The view calls ``form.lock(record)`` once the form is built (before validating it) and
    ``form.merge(stale)`` when the service raises ``StaleEditError``; the template includes
    ``components/_edit_conflict.html`` with ``form.conflict``.

    A form says what it edits with ``record_values(record)`` (form field name to the value as
    saved), the read-only facts it shows with ``record_facts(record)``, which history rows say
    who changed them with ``change_sources(record)``, and its inline rows with ``locked_rows``.
    """

    conflict_title = "The record as it is saved now"
    locked_rows: dict[str, LockedRows] = {}

    conflict: EditConflict | None = None
    _base: dict | None = None
    _formsets: dict = {}
    _record_key: str = ""
    _value_names: list[str] = []

    # --- What the form edits (override where the names differ from the record's) ----------

    def record_values(self, record) -> dict[str, Any]:
        names = [n for n in self.fields if n not in ("version", BASE_FIELD) and not n.startswith(RESOLVE_PREFIX)]
        return {name: getattr(record, name, None) if record is not None else None for name in names}

    def record_facts(self, record) -> dict[str, tuple[str, str]]:
        """Facts the page shows but this form cannot change: name to (label, words)."""
        return {}

    def change_sources(self, record) -> list[tuple[models.Model, dict[str, str]]]:
        """(object with django-simple-history, {its field: value or fact name}) pairs."""
        if record is None:
            return []
        fields = {f.name for f in record._meta.concrete_fields}
        return [(record, {name: name for name in self.record_values(record) if name in fields})]

    # --- Locking --------------------------------------------------------------------------

    def lock(self, record, *, formsets: dict | None = None) -> None:
        """Carry a snapshot of ``record`` as the user starts; on a POST, read it back, apply
        the choices made for the fields both people changed, and ask for those not made."""
        self._formsets = {name: fs for name, fs in (formsets or {}).items() if name in self.locked_rows}
        self._record_key = self._key_for(record)
        self._value_names = list(self.record_values(record))
        self.fields[BASE_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self._add_to_layout([BASE_FIELD])
        if not self.is_bound:
            self.initial[BASE_FIELD] = self._sign(self._snapshot(record))
            return
        self._base = self._unsign(self.data.get(self.add_prefix(BASE_FIELD)))
        if self._base is None:
            return
        differences = [Difference(**d) for d in self._base.get("differences", [])]
        if differences:
            self.conflict = EditConflict(self.conflict_title, self._base.get("changed_by", ""), differences)
        pending = [d for d in differences if d.outcome == CONFLICT]
        data = self.data.copy()
        for difference in pending:
            if data.get(self.add_prefix(RESOLVE_PREFIX + difference.name)) == THEIRS:
                self._write(data, difference.name, self._base["values"].get(difference.name))
        self._rebind(data)
        self._ask_to_choose(pending)

    def clean(self):
        cleaned = super().clean()
        cleaned.pop(BASE_FIELD, None)
        for name in [n for n in cleaned if n.startswith(RESOLVE_PREFIX)]:
            cleaned.pop(name)
        return cleaned

    def merge(self, stale: StaleEditError) -> EditConflict:
        """Merge what the user typed with the record as saved now (``stale.current``): the
        form is re-bound with the merged values and the current version, and asks for a
        choice on every field both changed. Returns the conflict the panel shows."""
        current = stale.current
        theirs = self._state(current)
        base = self._base["values"] if self._base else None
        mine = self._mine()
        merged = three_way_merge(base, mine, theirs)
        since = dt.datetime.fromisoformat(self._base["at"]) if self._base else None
        changes = self._attribution(current, since)
        differences = []
        data = self.data.copy()
        for name, result in merged.items():
            if result.outcome == UNCHANGED:
                continue
            if result.outcome == ONLY_THEIRS:
                self._write(data, name, theirs.get(name))
            who, when = changes.get(name, (stale.changed_by, None))
            differences.append(
                Difference(
                    name=name,
                    label=self._label(name, base, theirs),
                    outcome=result.outcome,
                    started=self._words(name, base.get(name)) if base is not None else "Not known",
                    saved=self._words(name, theirs.get(name)),
                    mine=self._words(name, mine.get(name, (base or theirs).get(name))),
                    changed_by=who,
                    changed_at=when.isoformat() if when else "",
                )
            )
        differences += self._fact_differences(current, changes, stale.changed_by)
        self.conflict = EditConflict(self.conflict_title, stale.changed_by, differences)
        snapshot = self._snapshot(current, values=theirs)
        snapshot.update(differences=[asdict(d) for d in differences], changed_by=stale.changed_by)
        self._record_key = self._key_for(current)
        data[self.add_prefix("version")] = current.version
        data[self.add_prefix(BASE_FIELD)] = self._sign(snapshot)
        for difference in self.conflict.to_choose:
            data.pop(self.add_prefix(RESOLVE_PREFIX + difference.name), None)
        self._base = snapshot
        self._rebind(data)
        self._forget_choices()
        self._ask_to_choose(self.conflict.to_choose)
        self.full_clean()
        for formset in self._formsets.values():
            formset.full_clean()
        self.add_error(None, stale)
        return self.conflict

    # --- Internals ------------------------------------------------------------------------

    @staticmethod
    def _key_for(record) -> str:
        return f"{record._meta.label_lower}:{record.pk}" if record is not None else "new"

    def _sign(self, snapshot: dict) -> str:
        return signing.dumps(snapshot, salt=f"iro_service.concurrency:{type(self).__name__}", compress=True)

    def _unsign(self, token: str | None) -> dict | None:
        """The snapshot the form was loaded with; None if it is missing, tampered with, or not
        for the version posted (then every field both differ on must be chosen)."""
        if not token:
            return None
        try:
            snapshot = signing.loads(token, salt=f"iro_service.concurrency:{type(self).__name__}")
        except signing.BadSignature:
            return None
        if str(snapshot.get("version")) != str(self.data.get(self.add_prefix("version"))):
            return None
        if snapshot.get("record") not in (self._record_key, "new"):  # a snapshot of another record
            return None
        snapshot["values"] = decode(snapshot["values"])
        return snapshot

    def _snapshot(self, record, *, values: dict | None = None) -> dict:
        return {
            "record": self._key_for(record),
            "version": getattr(record, "version", 0) if record is not None else 0,
            "at": timezone.now().isoformat(),
            "values": encode(self._state(record) if values is None else values),
            "facts": self.record_facts(record) if record is not None else {},
        }

    def _state(self, record) -> dict:
        """The record's values and rows as this form sees them."""
        values = self.record_values(record)
        if record is not None:
            for name, spec in self.locked_rows.items():
                if name in self._formsets:
                    for obj in getattr(record, spec.related_name).order_by(*spec.order_by):
                        values[f"{name}_{obj.pk}"] = {f: getattr(obj, f) for f in spec.fields}
        return values

    def _mine(self) -> dict:
        cleaned = getattr(self, "cleaned_data", {})
        mine = {name: cleaned.get(name) for name in self._value_names if name in cleaned}
        for name, formset in self._formsets.items():
            spec = self.locked_rows[name]
            for row in formset.forms:
                data = getattr(row, "cleaned_data", None)
                if not data or not data.get(spec.key) or (hasattr(row, "is_blank") and row.is_blank()):
                    continue
                mine[f"{name}_{data[spec.key]}"] = {f: data.get(f) for f in spec.fields}
        return mine

    def _row_of(self, name: str):
        for rows, spec in self.locked_rows.items():
            if rows in self._formsets and name.startswith(f"{rows}_"):
                return rows, spec, name.removeprefix(f"{rows}_")
        return None

    def _write(self, data, name: str, value) -> None:
        """Put ``value`` into the form's data, where the field ``name`` reads it from."""
        row = self._row_of(name)
        if row is None:
            if name in self.fields:
                put_value(data, self.fields[name], self.add_prefix(name), value)
            return
        rows, spec, key = row
        formset = self._formsets[rows]
        total_name = formset.management_form.add_prefix("TOTAL_FORMS")
        total = int(data.get(total_name) or 0)
        index = next(
            (i for i in range(total) if data.get(f"{formset.add_prefix(i)}-{spec.key}") == key),
            None,
        )
        if index is None:
            index = total
            data[total_name] = str(total + 1)
        prefix = formset.add_prefix(index)
        put_value(data, formset.form.base_fields[spec.key], f"{prefix}-{spec.key}", key)
        for field_name in spec.fields:
            put_value(
                data, formset.form.base_fields[field_name], f"{prefix}-{field_name}", (value or {}).get(field_name)
            )

    def _rebind(self, data) -> None:
        self.data = data
        for formset in self._formsets.values():
            formset.data = data
            for cached in ("forms", "management_form"):
                formset.__dict__.pop(cached, None)
            formset._errors = None
            formset._non_form_errors = None

    def _label(self, name: str, base: dict | None, theirs: dict) -> str:
        row = self._row_of(name)
        if row is None:
            field = self.fields.get(name)
            return str(field.label or pretty_name(name)) if field else pretty_name(name)
        _rows, spec, _key = row
        value = theirs.get(name) or (base or {}).get(name) or {}
        first = value.get(spec.fields[0]) if isinstance(value, dict) else ""
        return f"{spec.noun}: {Truncator(str(first or '')).chars(60)}" if first else spec.noun

    def _words(self, name: str, value) -> str:
        row = self._row_of(name)
        if row is None:
            field = self.fields.get(name)
            return words(field, value) if field else words(forms.CharField(), value)
        _rows, spec, _key = row
        if not value:
            return "(not in the record)"
        fields = self._formsets[_rows].form.base_fields
        return "\n".join(f"{fields[f].label or pretty_name(f)}: {words(fields[f], value.get(f))}" for f in spec.fields)

    def _fact_differences(self, current, changes, changed_by: str) -> list[Difference]:
        before = (self._base or {}).get("facts", {})
        differences = []
        for name, (label, now) in self.record_facts(current).items():
            started = before.get(name, (label, None))[1]
            if started == now:
                continue
            who, when = changes.get(name, (changed_by, None))
            differences.append(
                Difference(
                    name=name,
                    label=label,
                    outcome="fact",
                    started=started if started is not None else "Not known",
                    saved=now,
                    mine="",
                    changed_by=who,
                    changed_at=when.isoformat() if when else "",
                )
            )
        return differences

    def _attribution(self, current, since) -> dict[str, tuple[str, dt.datetime]]:
        """Who last changed each value or fact after ``since``, and when, from the history
        django-simple-history keeps (where a model has none, the panel names the record's
        last editor)."""
        if since is None:
            return {}
        sources = list(self.change_sources(current))
        for rows, spec in self.locked_rows.items():
            if rows in self._formsets:
                sources.extend(
                    (obj, {f: f"{rows}_{obj.pk}" for f in spec.fields})
                    for obj in getattr(current, spec.related_name).all()
                )
        found = {}
        for obj, mapping in sources:
            history = getattr(obj, "history", None)
            if obj is None or history is None or not mapping:
                continue
            before = history.filter(history_date__lte=since).order_by("-history_date", "-history_id").first()
            later = history.filter(history_date__gt=since).select_related("history_user")
            for row in later.order_by("history_date", "history_id"):
                if before is None:
                    changed = set(mapping)
                else:
                    changed = {c.field for c in row.diff_against(before, included_fields=list(mapping)).changes}
                for field in changed:
                    found[mapping[field]] = (name_of(row.history_user), row.history_date)
                before = row
        return found

    def _ask_to_choose(self, pending: list[Difference]) -> None:
        """A required radio after each field both people changed: keep theirs or use mine."""
        for difference in pending:
            name = RESOLVE_PREFIX + difference.name
            if difference.name not in self.fields and self._row_of(difference.name) is None:
                continue
            self.fields[name] = forms.ChoiceField(
                label=format_html(
                    "You and {} both changed “{}”. Which do you want to keep?", difference.who, difference.label
                ),
                choices=[
                    Choice(
                        THEIRS,
                        f"Keep the version saved by {difference.who}",
                        hint=Truncator(difference.saved).chars(300),
                    ),
                    Choice(MINE, "Use yours, as it is in the form now"),
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"You and {difference.who} both changed “{difference.label}”: choose which to keep"
                },
            )
            self._place_after(name, difference.name)

    def _forget_choices(self) -> None:
        """Drop the radios of an earlier conflict: the new merge asks afresh."""
        for name in [n for n in self.fields if n.startswith(RESOLVE_PREFIX)]:
            del self.fields[name]
        layout = getattr(getattr(self, "helper", None), "layout", None)
        if layout is not None:
            layout.fields[:] = [n for n in layout.fields if not (isinstance(n, str) and n.startswith(RESOLVE_PREFIX))]

    def _place_after(self, name: str, target: str) -> None:
        order = [n for n in self.fields if n != name]
        position = order.index(target) + 1 if target in order else len(order)
        order.insert(position, name)
        self.fields = {n: self.fields[n] for n in order}
        layout = getattr(getattr(self, "helper", None), "layout", None)
        if layout is not None:
            names = [n for n in layout.fields if n != name]
            position = names.index(target) + 1 if target in names else len(names)
            names.insert(position, name)
            layout.fields[:] = names

    def _add_to_layout(self, names: list[str]) -> None:
        layout = getattr(getattr(self, "helper", None), "layout", None)
        if layout is not None:
            layout.fields.extend(n for n in names if n not in layout.fields)
