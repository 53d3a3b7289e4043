"""How a table is read for its chart: what is drawn (``plot_data``), how a figure prints
(``format_value``), and the chart's text alternative (``chart_alt_text``). The rules are in the
package docstring (``reporting.charts``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from math import isfinite

from ..figures import Table

YEAR_RE = re.compile(r"^\d{4}-\d{2}$")
KINDS = {"bar": "bar chart", "line": "line chart"}


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Plot:
    categories: list[str]  # along the category (x) axis
    category_title: str
    series: list[Series]
    over_years: bool = False  # a trend: the years run along the x axis, one line per row
    kind: str = "bar"  # as drawn: a "line" with a single point is drawn as bars


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and isfinite(value)


def is_total(label) -> bool:
    """Rows such as "Total" print in the table but are not drawn: they would dwarf the rest."""
    return str(label).strip().lower().startswith("total")


def format_value(value) -> str:
    """How a figure is printed: 1,234; 99.1; blank cells as an en dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not isfinite(value):
            return "–"
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return str(value)


def table_header(table: Table) -> tuple[str, list[str]]:
    """(heading of the row labels, headings of the data cells), whichever way ``columns`` is
    given; a table with no rows is taken to name its row labels' column first."""
    width = max((len(row) for row in table.rows), default=len(table.columns))
    if len(table.columns) >= width:
        return str(table.columns[0]), [str(c) for c in table.columns[1:width]]
    data = [str(c) for c in table.columns]
    return "", data + [""] * (width - 1 - len(data))


def _is_share(name: str) -> bool:
    return "%" in name or "per cent" in name.lower()


def _only_counts(items: list, name) -> list:
    """Where counts and percentages are mixed, the counts: one value axis, one unit."""
    if any(_is_share(name(i)) for i in items) and not all(_is_share(name(i)) for i in items):
        return [i for i in items if not _is_share(name(i))]
    return items


def plot_data(table: Table) -> Plot:
    """What is drawn: rows and columns of the table less total rows, columns without numbers,
    and percentages where they share the table with counts."""
    label_title, columns = table_header(table)
    rows = [row for row in table.rows if row and not is_total(row[0])]

    def cell(row, j):
        value = row[j + 1] if j + 1 < len(row) else None
        return float(value) if is_number(value) else None

    over_years = table.chart == "line" and bool(columns) and all(YEAR_RE.match(c) for c in columns)
    if over_years:
        series = [Series(str(row[0]), [cell(row, j) for j in range(len(columns))]) for row in rows]
        categories, category_title = columns, "Reporting year"
    else:
        rows = _only_counts(rows, lambda row: str(row[0]))
        series = [Series(name, [cell(row, j) for row in rows]) for j, name in enumerate(columns)]
        categories, category_title = [str(row[0]) for row in rows], label_title
    series = _only_counts([s for s in series if any(v is not None for v in s.values)], lambda s: s.name)
    kind = "line" if table.chart == "line" and len(categories) > 1 else "bar"
    return Plot(categories, category_title, series, over_years, kind)


def all_integers(plot: Plot) -> bool:
    return all(v.is_integer() for s in plot.series for v in s.values if v is not None)


def chart_alt_text(table: Table) -> str:
    """A text alternative for the chart of ``table``: what it shows, in words, every figure
    drawn, e.g. "Reviews held each year (bar chart): 2019-20 820, 2020-21 864, 2021-22 933."
    A trend line adds its overall change ("... rose from 820 in 2019-20 to 933 in 2021-22.")."""
    plot = plot_data(table)
    kind = KINDS.get(plot.kind, "chart")

    def figure(value):
        return format_value(value) if value is not None else "no figure"

    if not plot.series or not plot.categories:
        return f"{table.title} ({kind}): no figures."
    if plot.over_years:  # one line per row: read each line along the years
        parts = [
            f"{s.name}: " + ", ".join(f"{c} {figure(v)}" for c, v in zip(plot.categories, s.values, strict=True))
            for s in plot.series
        ]
        text = "; ".join(parts)
    elif len(plot.series) == 1:
        text = ", ".join(f"{c} {figure(v)}" for c, v in zip(plot.categories, plot.series[0].values, strict=True))
    else:  # read the table row by row
        parts = [
            f"{c}: " + ", ".join(f"{s.name} {figure(s.values[i])}" for s in plot.series)
            for i, c in enumerate(plot.categories)
        ]
        text = "; ".join(parts)
    return f"{table.title} ({kind}): {text}." + _trend_sentences(plot)


def _trend_sentences(plot: Plot) -> str:
    if not plot.over_years or len(plot.series) > 4:
        return ""
    sentences = []
    for series in plot.series:
        known = [(c, v) for c, v in zip(plot.categories, series.values, strict=True) if v is not None]
        if len(known) < 2:
            continue
        (first_year, first), (last_year, last) = known[0], known[-1]
        if last == first:
            sentences.append(f" {series.name} stayed at {format_value(last)} from {first_year} to {last_year}.")
        else:
            change = "rose" if last > first else "fell"
            sentences.append(
                f" {series.name} {change} from {format_value(first)} in {first_year}"
                f" to {format_value(last)} in {last_year}."
            )
    return "".join(sentences)
