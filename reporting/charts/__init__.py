"""Charts of the report's tables, as SVG text that the dashboard and the PDF both inline.

``chart_svg(table)`` draws a :class:`~reporting.figures.Table` with matplotlib's SVG backend
(text kept as ``<text>``, fixed hash salt, no date: the same table always gives the same
bytes) and returns an ``<svg>`` element ready to inline in HTML: no XML prolog, ``role="img"``,
a ``<title>`` holding the text alternative (WeasyPrint copies it to the tagged PDF's ``/Alt``)
and a ``<desc>``, ids prefixed by the table's key so several charts can share one page.

How a table is read:

* The first cell of each row is its label; ``columns`` either names every cell of a row
  (its first entry heads the labels) or only the data cells. Numbers are ``int``/``float``;
  ``None`` is "no figure"; a column with no numbers at all (e.g. "57-61") is not drawn.
* ``chart="bar"``: the row labels run along the category axis, one series (colour) per
  column: years side by side for each participation code, or "held" and "in timescale"
  side by side for each month. Long labels turn the bars horizontal.
* ``chart="line"``: the row labels run along the x axis, one line per column; but when every
  data column is a reporting year ("2021-22") the table is a trend, so the years run along
  the x axis and each row is a line. A line of a single point is drawn as bars.
* Not drawn, but still in the table: rows labelled "Total..." (they would dwarf the rest),
  and percentages where they sit beside counts (one value axis, one unit). A table with
  nothing but blanks and zeros gets no chart at all.

``chart_alt_text(table)`` is the plain-English text alternative: the title, the kind of chart
and every figure, row by row, plus the overall change for a trend line.
"""

from __future__ import annotations

import re

from ..figures import Table
from .drawing import PALETTE, svg_document
from .reading import KINDS, chart_alt_text, format_value, is_number, is_total, plot_data, table_header
from .svg import finish_svg

__all__ = [
    "PALETTE",
    "chart_alt_text",
    "chart_svg",
    "format_value",
    "has_chart",
    "is_number",
    "is_total",
    "table_header",
]


def chart_svg(table: Table) -> str | None:
    """The chart of ``table`` as an inline ``<svg>`` element, or None when the table has no
    chart (``chart=""``) or nothing to draw."""
    if not has_chart(table):
        return None
    plot = plot_data(table)
    prefix = "chart-" + re.sub(r"[^A-Za-z0-9_-]", "-", table.key)
    raw = svg_document(table, plot, hash_salt=prefix)
    return finish_svg(raw, prefix=prefix, title=chart_alt_text(table), desc=_desc(table))


def has_chart(table: Table) -> bool:
    """``table`` has a chart to draw: a chart kind, and something but blanks and zeros (for
    those the table says it better). Cheap: it draws nothing."""
    if table.chart not in KINDS:
        if table.chart:
            raise ValueError(f"Unknown chart kind {table.chart!r} for table {table.key!r}")
        return False
    plot = plot_data(table)
    return bool(plot.categories) and any(v for s in plot.series for v in s.values)


def _desc(table: Table) -> str:
    text = f"The figures are also given in the table “{table.title}”."
    return f"{text} {table.note}" if table.note else text
