"""The three-way merge of a stale edit, and the words of the conflict panel: pure functions of
the values (docs/architecture.md#how-a-write-flows; ``concurrency.py`` has the lock).

*Base* is what the user started from, *mine* what they typed, *theirs* what is saved now. A
field only they changed takes their value; a field only I changed keeps mine; a field we both
changed differently is a conflict the user settles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models

# --- The three-way merge (pure) ------------------------------------------------------------

UNCHANGED, ONLY_MINE, ONLY_THEIRS, SAME, CONFLICT = "unchanged", "mine", "theirs", "same", "conflict"
_MISSING = object()


def normalise(value):
    """The value as compared: text without surrounding space or CR, an object as its key, a
    list as a sorted set, and every kind of empty as None."""
    if value is _MISSING:
        return value
    if isinstance(value, models.Model):
        value = value.pk
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
    elif isinstance(value, (list, tuple, set)):
        value = sorted((normalise(v) for v in value), key=repr)
    elif isinstance(value, dict):
        value = {key: normalise(v) for key, v in value.items()}
        if all(v is None for v in value.values()):
            value = None
    if value is None or value == "" or value == []:
        return None
    return value


def _same(a, b) -> bool:
    return normalise(a) == normalise(b)


@dataclass(frozen=True)
class FieldMerge:
    """One field's outcome, and the value the form holds after the merge (mine for a conflict,
    until the user chooses)."""

    outcome: str
    value: Any


def three_way_merge(base: dict | None, mine: dict, theirs: dict) -> dict[str, FieldMerge]:
    """Merge ``mine`` and ``theirs``, both edits of ``base``, name by name.

    A name missing from ``mine`` is one the user's form did not have (a row someone else
    added): it counts as unchanged by me. With ``base`` unknown (None), every name where mine
    and theirs differ is a conflict, because nobody can tell who changed it.
    """
    known = base is not None
    base = base or {}
    merged = {}
    for name in dict.fromkeys([*base, *mine, *theirs]):
        b = base.get(name, _MISSING)
        t = theirs.get(name)
        if name not in mine:
            merged[name] = FieldMerge(UNCHANGED if known and _same(b, t) else ONLY_THEIRS, t)
            continue
        m = mine[name]
        if not known:
            merged[name] = FieldMerge(UNCHANGED if _same(m, t) else CONFLICT, m)
        elif _same(m, t):
            merged[name] = FieldMerge(UNCHANGED if _same(b, t) else SAME, t)
        elif _same(b, m):
            merged[name] = FieldMerge(ONLY_THEIRS, t)
        elif _same(b, t):
            merged[name] = FieldMerge(ONLY_MINE, m)
        else:
            merged[name] = FieldMerge(CONFLICT, m)
    return merged


# --- What the conflict panel shows ---------------------------------------------------------

_OUTCOME_WORDS = {
    ONLY_THEIRS: "Only {who} changed this. Their version is now in the form.",
    ONLY_MINE: "Only you changed this. Yours is kept in the form.",
    SAME: "You both made the same change.",
    CONFLICT: "You both changed this. Choose which to keep in the form below.",
    "fact": "{who} changed this. It cannot be changed on this page.",
}
_OUTCOME_TAGS = {
    ONLY_THEIRS: ("Theirs taken", "blue"),
    ONLY_MINE: ("Yours kept", "green"),
    SAME: ("Same change", "grey"),
    CONFLICT: ("Choose", "red"),
    "fact": ("Changed", "blue"),
}


@dataclass(frozen=True)
class Difference:
    """One field that differs: its words when the user started, as saved now, and theirs."""

    name: str
    label: str
    outcome: str
    started: str
    saved: str
    mine: str
    changed_by: str = ""
    changed_at: str = ""  # ISO datetime, when known from the record's history

    @property
    def when(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.changed_at) if self.changed_at else None

    @property
    def who(self) -> str:
        return self.changed_by or "someone else"

    @property
    def what_happens(self) -> str:
        text = _OUTCOME_WORDS[self.outcome].format(who=self.who)
        return text[:1].upper() + text[1:]

    @property
    def tag(self) -> str:
        return _OUTCOME_TAGS[self.outcome][0]

    @property
    def tag_colour(self) -> str:
        return _OUTCOME_TAGS[self.outcome][1]

    @property
    def is_fact(self) -> bool:
        return self.outcome == "fact"

    @property
    def they_changed(self) -> bool:
        return self.outcome != ONLY_MINE


@dataclass(frozen=True)
class EditConflict:
    title: str
    changed_by: str
    differences: list[Difference]

    @property
    def to_choose(self) -> list[Difference]:
        return [d for d in self.differences if d.outcome == CONFLICT]

    @property
    def to_choose_labels(self) -> str:
        return ", ".join(d.label for d in self.to_choose)


# --- Values in a signed snapshot -----------------------------------------------------------


def encode(value: Any) -> Any:
    """A value as it travels in a signed snapshot (JSON): a date, a datetime or a decimal tagged."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (list, tuple, set)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {key: encode(v) for key, v in value.items()}
    return value


def decode(value: Any) -> Any:
    """The value ``encode`` wrote."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, raw), *_ = value.items()
            if tag == "$date":
                return dt.date.fromisoformat(raw)
            if tag == "$datetime":
                return dt.datetime.fromisoformat(raw)
            if tag == "$decimal":
                return Decimal(raw)
        return {key: decode(v) for key, v in value.items()}
    return value


# --- Words for a value, from the form field that edits it ----------------------------------


def _choice_labels(field) -> dict[str, str]:
    labels = {}
    for choice in field.choices:
        key, label = choice[0], choice[1]
        if isinstance(label, (list, tuple)):  # an option group
            labels.update({str(k): str(v) for k, v in label})
        else:
            labels[str(key)] = str(label)
    return labels


def words(field: forms.Field, value) -> str:
    """How ``value`` reads to a person, using ``field``'s choices for codes."""
    if isinstance(field, forms.ModelChoiceField) and value not in (None, ""):
        obj = value if isinstance(value, models.Model) else field.queryset.filter(pk=value).first()
        return field.label_from_instance(obj) if obj is not None else str(value)
    if isinstance(field, forms.MultipleChoiceField):
        labels, chosen = _choice_labels(field), {str(v) for v in value or []}
        known = [label for key, label in labels.items() if key in chosen]  # in the order of the choices
        return ", ".join(known + sorted(chosen - set(labels))) or "(none)"
    if isinstance(field, forms.ChoiceField):
        labels = _choice_labels(field)
        key = "" if value is None else str(value)
        if key in labels:
            return labels[key]
    if normalise(value) is None:
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value)


# --- Writing a value back into a bound form's data -----------------------------------------


def put_value(data: Any, field: forms.Field, html_name: str, value: Any) -> None:
    """Write ``value`` into a form's (mutable) data under ``html_name``, as ``field``'s widget posts it."""
    widget = field.widget
    prepared = field.prepare_value(value.pk if isinstance(value, models.Model) else value)
    if isinstance(widget, forms.MultiWidget):
        parts = prepared if isinstance(prepared, (list, tuple)) else widget.decompress(prepared)
        for suffix, part in zip(widget.widgets_names, parts, strict=False):
            data[f"{html_name}{suffix}"] = "" if part is None else str(part)
    elif getattr(widget, "allow_multiple_selected", False):
        data.setlist(html_name, [str(v) for v in prepared or []])
    elif isinstance(widget, forms.CheckboxInput):
        if value:
            data[html_name] = "on"
        else:
            data.pop(html_name, None)
    else:
        data[html_name] = "" if prepared is None else str(prepared)
