"""Drawing a chart with matplotlib (Agg, no pyplot): the figure's size, bars or lines, the
axes and the legend, in the GOV.UK colours with a pattern or marker for each series."""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ..figures import Table  # noqa: E402
from .reading import Plot, all_integers, format_value  # noqa: E402

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


def svg_document(table: Table, plot: Plot, *, hash_salt: str) -> bytes:
    """matplotlib's SVG document of the chart: text kept as text, a fixed hash salt and no
    date, so the same table always gives the same bytes."""
    with rc_context({**RC, "svg.hashsalt": hash_salt}):
        figure = draw(table, plot)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _value_axis_title(table: Table, plot: Plot) -> str:
    if len(plot.series) == 1:
        return plot.series[0].name
    names = [s.name for s in plot.series]
    if all("%" in n or "per cent" in n.lower() for n in names):
        return "Per cent"
    return "Number"


def draw(table: Table, plot: Plot) -> Figure:
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
    if all_integers(plot):
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


def _bars(axes, plot: Plot, *, horizontal: bool):
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


def _lines(axes, plot: Plot):
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
