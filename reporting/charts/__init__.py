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

import io
import re
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from math import isfinite

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from .figures import Table  # noqa: E402

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

#: GOV.UK Design System colours, each at least 3:1 against white (WCAG 2.2 1.4.11),
#: ordered so neighbouring series differ in hue and lightness.
PALETTE = ("#1d70b8", "#28a197", "#4c2c92", "#d53880", "#b58840", "#00703c", "#505a5f", "#6f72af")
#: Bars also differ by pattern and lines by marker and dash, so colour is never the only cue.
HATCHES = ("", "//", "", "\\\\", "", "xx", "", "--")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":")
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
FONT_FAMILY = "DejaVu Sans"  # fonts-dejavu-core on Debian; matplotlib ships the same metrics
WEB_FONT_FALLBACK = "'DejaVu Sans', Arial, sans-serif"

WIDTH_IN = 6.4  # the PDF's text width is 17 cm (6.7 in): charts print at their own size
MAX_HEIGHT_IN = 7.4  # about 19 cm: a chart, its heading and caption fit on one A4 page
HORIZONTAL_LABEL_WIDTH = 30  # characters per line of a category label beside horizontal bars
YEAR_RE = re.compile(r"^\d{4}-\d{2}$")
KINDS = {"bar": "bar chart", "line": "line chart"}

RC = {
    "svg.fonttype": "none",  # text stays text: selectable, searchable, read by pdftotext
    "text.parse_math": False,  # a "$" in a label is a dollar, not TeX
    "font.family": [FONT_FAMILY],
    "font.size": 9,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "hatch.color": "#ffffff",
    "hatch.linewidth": 1.0,
    "legend.frameon": False,
    "path.simplify": False,
}


@dataclass(frozen=True)
class _Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class _Plot:
    categories: list[str]  # along the category (x) axis
    category_title: str
    series: list[_Series]
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


def _plot_data(table: Table) -> _Plot:
    """What is drawn: rows and columns of the table less total rows, columns without numbers,
    and percentages where they share the table with counts."""
    label_title, columns = table_header(table)
    rows = [row for row in table.rows if row and not is_total(row[0])]

    def cell(row, j):
        value = row[j + 1] if j + 1 < len(row) else None
        return float(value) if is_number(value) else None

    over_years = table.chart == "line" and bool(columns) and all(YEAR_RE.match(c) for c in columns)
    if over_years:
        series = [_Series(str(row[0]), [cell(row, j) for j in range(len(columns))]) for row in rows]
        categories, category_title = columns, "Reporting year"
    else:
        rows = _only_counts(rows, lambda row: str(row[0]))
        series = [_Series(name, [cell(row, j) for row in rows]) for j, name in enumerate(columns)]
        categories, category_title = [str(row[0]) for row in rows], label_title
    series = _only_counts([s for s in series if any(v is not None for v in s.values)], lambda s: s.name)
    kind = "line" if table.chart == "line" and len(categories) > 1 else "bar"
    return _Plot(categories, category_title, series, over_years, kind)


def _all_integers(plot: _Plot) -> bool:
    return all(v.is_integer() for s in plot.series for v in s.values if v is not None)


def _value_axis_title(table: Table, plot: _Plot) -> str:
    if len(plot.series) == 1:
        return plot.series[0].name
    names = [s.name for s in plot.series]
    if all("%" in n or "per cent" in n.lower() for n in names):
        return "Per cent"
    return "Number"


def chart_alt_text(table: Table) -> str:
    """A text alternative for the chart of ``table``: what it shows, in words, every figure
    drawn, e.g. "Reviews held each year (bar chart): 2019-20 820, 2020-21 864, 2021-22 933."
    A trend line adds its overall change ("... rose from 820 in 2019-20 to 933 in 2021-22.")."""
    plot = _plot_data(table)
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


def _trend_sentences(plot: _Plot) -> str:
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


def chart_svg(table: Table) -> str | None:
    """The chart of ``table`` as an inline ``<svg>`` element, or None when the table has no
    chart (``chart=""``) or nothing to draw."""
    if table.chart not in KINDS:
        if table.chart:
            raise ValueError(f"Unknown chart kind {table.chart!r} for table {table.key!r}")
        return None
    plot = _plot_data(table)
    if not plot.categories or not any(v for s in plot.series for v in s.values):
        return None  # nothing but blanks and zeros: the table says it better
    prefix = "chart-" + re.sub(r"[^A-Za-z0-9_-]", "-", table.key)
    with rc_context({**RC, "svg.hashsalt": prefix}):
        figure = _draw(table, plot)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _finish_svg(buffer.getvalue(), prefix=prefix, title=chart_alt_text(table), desc=_desc(table))


def _desc(table: Table) -> str:
    text = f"The figures are also given in the table “{table.title}”."
    return f"{text} {table.note}" if table.note else text


def _draw(table: Table, plot: _Plot) -> Figure:
    horizontal = plot.kind == "bar" and max(len(c) for c in plot.categories) > 12
    n_cat, n_series = len(plot.categories), len(plot.series)
    legend_columns = 1
    if n_series > 1:
        longest = max(len(s.name) for s in plot.series)
        legend_columns = max(1, min(n_series, int(WIDTH_IN / (0.065 * longest + 0.5))))
    legend_height = 0.18 * -(-n_series // legend_columns) if n_series > 1 else 0
    if horizontal:
        label_lines = max(len(textwrap.wrap(c, HORIZONTAL_LABEL_WIDTH)) for c in plot.categories)
        per_category = max(0.1 * n_series + 0.1, 0.14 * label_lines + 0.1)
        height = min(MAX_HEIGHT_IN, max(1.8, 1.1 + n_cat * per_category + legend_height))
    else:
        height = min(MAX_HEIGHT_IN, 3.0 + legend_height)
    figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    axes = figure.add_subplot()
    figure.suptitle(textwrap.fill(table.title, 80), fontsize=10.5, fontweight="bold", x=0.01, ha="left")
    if plot.kind == "bar":
        _bars(axes, plot, horizontal=horizontal)
    else:
        _lines(axes, plot)

    value_axis = axes.xaxis if horizontal else axes.yaxis
    category_axis = axes.yaxis if horizontal else axes.xaxis
    if _all_integers(plot):
        value_axis.set_major_locator(MaxNLocator(integer=True))
    value_axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_value(int(v) if v == int(v) else v)))
    value_axis.grid(True, color=GRID_COLOUR, linewidth=0.6)
    axes.set_axisbelow(True)
    value_axis.set_label_text(textwrap.fill(_value_axis_title(table, plot), 40))
    category_axis.set_label_text(plot.category_title)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if n_series > 1:
        figure.legend(loc="outside lower center", ncols=legend_columns, fontsize=8.5, handlelength=1.6)
    return figure


def _bars(axes, plot: _Plot, *, horizontal: bool):
    n_series = len(plot.series)
    group = 0.8
    thickness = group / n_series
    positions = range(len(plot.categories))
    # Value labels sit at each bar's end: beside each other they collide sooner than stacked.
    many = len(plot.categories) * n_series > (40 if horizontal else 16)
    for i, series in enumerate(plot.series):
        offsets = [p - group / 2 + thickness * (i + 0.5) for p in positions]
        values = [v if v is not None else 0 for v in series.values]
        style = {
            "color": PALETTE[i % len(PALETTE)],
            "hatch": HATCHES[i % len(HATCHES)],
            "edgecolor": "#ffffff",
            "linewidth": 0.5,
            "label": series.name,
        }
        if horizontal:
            bars = axes.barh(offsets, values, height=thickness, **style)
        else:
            bars = axes.bar(offsets, values, width=thickness, **style)
        if not many:
            labels = [format_value(v) if v is not None else "" for v in series.values]
            axes.bar_label(bars, labels=labels, padding=2, fontsize=7 if n_series > 2 else 8)
    width = HORIZONTAL_LABEL_WIDTH if horizontal else max(6, 90 // max(len(plot.categories), 1))
    labels = [textwrap.fill(c, width) for c in plot.categories]
    if horizontal:
        axes.set_yticks(list(positions), labels)
        axes.invert_yaxis()
        axes.tick_params(axis="y", length=0)
        axes.margins(x=0.08)
    else:
        axes.set_xticks(list(positions), labels)
        axes.tick_params(axis="x", length=0)
        axes.margins(y=0.1)


def _lines(axes, plot: _Plot):
    positions = list(range(len(plot.categories)))
    label_points = len(plot.series) <= 2 and len(positions) <= 12
    for i, series in enumerate(plot.series):
        values = [v if v is not None else float("nan") for v in series.values]
        axes.plot(
            positions,
            values,
            color=PALETTE[i % len(PALETTE)],
            marker=MARKERS[i % len(MARKERS)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            linewidth=2,
            markersize=5,
            label=series.name,
        )
        if label_points:
            for x, v in zip(positions, series.values, strict=True):
                if v is not None:
                    axes.annotate(
                        format_value(v),
                        (x, v),
                        textcoords="offset points",
                        xytext=(0, 6 if i == 0 else -12),
                        ha="center",
                        fontsize=7.5,
                    )
    axes.set_xticks(positions, [textwrap.fill(c, max(5, 90 // max(len(positions), 1))) for c in plot.categories])
    axes.set_ylim(bottom=0)
    axes.margins(x=0.05, y=0.15)


def _finish_svg(raw: bytes, *, prefix: str, title: str, desc: str) -> str:
    """Make matplotlib's SVG document an element to inline: drop the prolog, metadata and the
    global ``<style>`` (it would style the whole HTML page), turn inline styles into
    presentation attributes, keep only the ids something refers to and prefix them, add
    ``<title>``/``<desc>`` and the ARIA image role."""
    root = ET.fromstring(raw)  # noqa: S314 - our own matplotlib output, not user input
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"):
                parent.remove(child)
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}defs" and len(child) == 0:
                parent.remove(child)

    href = f"{{{XLINK_NS}}}href"
    referenced: set[str] = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            referenced.update(re.findall(r"url\(#([^)]+)\)", value))
            if name in (href, "href") and value.startswith("#"):
                referenced.add(value[1:])

    def local(old: str) -> str:
        return f"{prefix}-{old}"

    for element in root.iter():
        if "id" in element.attrib:
            if element.attrib["id"] in referenced:
                element.set("id", local(element.attrib["id"]))
            else:
                del element.attrib["id"]
        for name, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(name, re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{local(m.group(1))})", value))
            elif name in (href, "href") and value.startswith("#"):
                del element.attrib[name]
                element.set("href", "#" + local(value[1:]))  # SVG 2's href needs no xlink prefix
        if "style" in element.attrib:
            # Presentation attributes instead of style="...": HTML engines (WeasyPrint's among
            # them) treat an inline style as CSS of the page, and a strict CSP blocks it.
            for declaration in element.attrib.pop("style").split(";"):
                name, _, value = declaration.partition(":")
                if name.strip():
                    element.set(name.strip(), value.strip())
        if element.get("font-family") == f"'{FONT_FAMILY}'":
            element.set("font-family", WEB_FONT_FALLBACK)

    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{prefix}-desc"})
    desc_element.text = desc
    root.insert(0, desc_element)
    root.insert(0, title_element)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    root.set("class", "iro-chart")
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.attrib.pop("version", None)
    # Plain tag names and a literal xmlns, not ET.register_namespace: that is process-wide
    # state, and WeasyPrint's own registrations would turn <svg> into <ns0:svg>.
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
    root.attrib = {"xmlns": SVG_NS, **root.attrib}
    return ET.tostring(root, encoding="unicode")
