"""What every review table reads: the figures of each year fetched once (``ReviewData``), the
links to the records behind a figure, and how the tables word reasons and percentages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from iro_service.periods import ReportingYear
from reviews.querysets import DueFigures, DueWindow

from .. import Scope
from ..shared import Period, fmt
from .queries import review_conditions

NO_REASON = "No reason recorded"
#: Reasons are free text typed with each change, and may name a child or a family member.
FREE_TEXT_NOTE = "Reasons are printed as the IROs wrote them: check them for names before the report is published."


class Links:
    """Builds ``reporting:records`` URLs for one scope."""

    def __init__(self, scope: Scope):
        self.base = reverse("reporting:records")
        self.scope_params = {}
        if scope.iro_id is not None:
            self.scope_params["iro"] = scope.iro_id
        if scope.team_id is not None:
            self.scope_params["team"] = scope.team_id

    def url(self, kind: str, year: ReportingYear, **params) -> str:
        query = {"kind": kind, "year": year.label, **{k: v for k, v in params.items() if v is not None}}
        return f"{self.base}?{urlencode({**query, **self.scope_params})}"

    def add(self, links: dict[str, str], label: str, kind: str, year: ReportingYear, **params) -> None:
        links[label] = self.url(kind, year, **params)


@dataclass
class ReviewData:
    periods: list[Period]
    today: date
    yearly: list[dict[str, int]]
    monthly: dict[int, dict]
    late_reasons: dict[int, dict[str, int]]
    cancel_reasons: dict[str, int]
    participation: dict[str, list[int]]
    parents: dict[str, list[int]]
    footprint: list[dict[str, int]]
    links: Links
    due_windows: list[DueWindow]
    due_yearly: list[DueFigures]
    due_monthly: dict[date, DueFigures]

    @property
    def current(self) -> Period:
        return self.periods[-1]

    @property
    def total_label(self) -> str:
        """The last row of a table by month."""
        return "Year to date" if self.current.to_date else "Total"

    def kept(self, has_data: Callable[[int], object]) -> list[int]:
        """Indexes of the years to print: the report's year, and earlier years with data."""
        last = len(self.periods) - 1
        return [i for i in range(len(self.periods)) if i == last or has_data(i)]

    def columns(self, first: str, kept: list[int]) -> list[str]:
        return [first, *(self.periods[i].label for i in kept)]

    def months(self) -> list[tuple[int, str, dict | None]]:
        """(month number, label, counts or None for a month still to come) for April to March."""
        period = self.current
        return [
            (start.month, f"{start:%B %Y}", None if start > period.end else self.monthly.get(start.month, {}))
            for start in period.year.months()
        ]


def get(counts: dict | None, name: str):
    if counts is None:
        return None
    return counts.get(name) or 0


def days(value) -> int:
    return value.days if value else 0


def timed(counts: dict) -> int:
    """Held reviews with a due date: the base of the percentage in timescale."""
    return counts["held"] - counts["no_due"]


def records_base_count(counts: dict) -> int:
    """Records whose due date has passed or that went out: the base of the percentage."""
    return counts["held"] - counts["records_not_due"] - counts["records_no_due"]


def zeroes() -> dict[str, int]:
    return dict.fromkeys(review_conditions(date.min), 0)


def ordered(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Most frequent first, alphabetical among equals, "No reason recorded" last."""
    items = sorted(((r, n) for r, n in counts.items() if r != NO_REASON), key=lambda item: (-item[1], item[0]))
    if NO_REASON in counts:
        items.append((NO_REASON, counts[NO_REASON]))
    return items


def reasons_text(counts: dict[str, int]) -> str:
    return "; ".join(f"{reason} ({n})" for reason, n in ordered(counts))


def pct_text(value: float | None) -> str:
    return "none" if value is None else f"{fmt(value)}%"
