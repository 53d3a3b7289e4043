"""Every figure of the annual IRO report, computed from the records with aggregate queries.

Each section module exposes ``section(years: list[ReportingYear], *, scope: Scope) -> Section``
where ``years`` is the reporting year with up to four earlier years before it (oldest first,
the report's year last), and returns tables whose columns are those years where a trend is
printed (the reports of docs/sources.md print four- and five-year trends). The dashboard, the PDF and the
CSV all render these same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Scope:
    """Narrow the figures to one IRO or one team (the live dashboard's filters); the annual
    report uses the whole service. ``today`` caps a year still in progress."""

    iro_id: int | None = None
    team_id: int | None = None
    today: date | None = None


@dataclass
class Table:
    key: str  # stable id, used for CSV file names and anchors, e.g. "participation"
    title: str
    columns: list[str]
    rows: list[list]  # first cell is the row label; numbers stay numbers (int/float/None)
    note: str = ""
    chart: str = ""  # "bar", "line" or "" – how reporting.charts draws it
    links: dict[str, str] = field(default_factory=dict)  # row label → URL of the records behind it


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]
    headline: list[tuple[str, str]] = field(default_factory=list)  # (label, value) pairs for the summary
    #: Words printed after the tables, each (text, attribution): the children's feedback quotes the
    #: manager chose (reporting.figures.voice). In the PDF and on the dashboard; never in the CSV.
    quotes: list[tuple[str, str]] = field(default_factory=list)
