"""Reporting years: 1 April to 31 March, written '2021-22' (docs/rules.md#annual-report)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, order=True)
class ReportingYear:
    start_year: int

    @classmethod
    def parse(cls, text: str) -> ReportingYear:
        """'2021-22' → ReportingYear(2021). Refuses anything else, including '2021-23'."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise ValueError(f"A reporting year is written like 2021-22, not {text!r}")
        return cls(int(match.group(1)))

    @classmethod
    def containing(cls, day: date) -> ReportingYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    def previous(self, count: int = 1) -> list[ReportingYear]:
        """The ``count`` years before this one, oldest first."""
        return [ReportingYear(self.start_year - n) for n in range(count, 0, -1)]

    def months(self) -> list[date]:
        """The first day of each month, April to March."""
        return [date(self.start_year + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]

    def quarter_of(self, day: date) -> int:
        """1 for April to June ... 4 for January to March."""
        return (self.months().index(date(day.year, day.month, 1)) // 3) + 1
