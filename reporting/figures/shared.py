"""The pieces every section module of ``reporting.figures`` shares: a reporting year as the
figures count it (to today for the year in progress), the scope as a filter on a person, and
how numbers and notes print."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from iro_service.periods import ReportingYear

from . import Scope


@dataclass(frozen=True)
class Period:
    """A reporting year as far as the figures go: 1 April to 31 March, or to today."""

    year: ReportingYear
    start: date
    end: date  # 31 March, or today for a year in progress (before ``start`` for a future year)
    to_date: bool  # the year is still in progress

    @property
    def label(self) -> str:
        return self.year.label

    @property
    def is_current(self) -> bool:
        """Today falls in this year."""
        return self.to_date and self.end >= self.start


def today_of(scope: Scope) -> date:
    return scope.today or timezone.localdate()


def periods_of(years: list[ReportingYear], scope: Scope) -> list[Period]:
    today = today_of(scope)
    return [Period(year, year.start, min(year.end, today), today < year.end) for year in years]


def person_scope(scope: Scope, field: str) -> Q:
    """``scope`` as a filter on the user foreign key ``field`` (``chair``, ``iro``, ``author``)."""
    condition = Q()
    if scope.iro_id is not None:
        condition &= Q(**{f"{field}_id": scope.iro_id})
    if scope.team_id is not None:
        condition &= Q(**{f"{field}__iro_profile__team_id": scope.team_id})
    return condition


def percentage(part: int | None, whole: int | None) -> float | None:
    if not whole or part is None:
        return None
    return round(100 * part / whole, 1)


def fmt(value) -> str:
    """A number as the headline prints it: 59, 59.2, 2.6; "none" for a missing value."""
    if value is None:
        return "none"
    if isinstance(value, float | Decimal):
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    return str(value)


def to_date_note(periods: list[Period]) -> str:
    current = periods[-1]
    if current.to_date and current.end >= current.start:
        return f"{current.label} is to {current.end:%-d %B %Y}: the year is still in progress."
    return ""


def join_notes(*notes: str) -> str:
    return " ".join(note for note in notes if note)
