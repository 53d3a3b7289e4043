"""reporting.charts: the SVG charts of the report's tables and their text alternatives."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from reporting.charts import PALETTE, chart_alt_text, chart_svg, format_value
from reporting.figures import Table

SVG = "{http://www.w3.org/2000/svg}"

REVIEWS = Table(
    key="reviews-by-year",
    title="Reviews held each year",
    columns=["Year", "Reviews held"],
    rows=[["2019-20", 820], ["2020-21", 864], ["2021-22", 933]],
    chart="bar",
)
PARTICIPATION = Table(
    key="participation",
    title="Participation of children in their reviews",
    columns=["Participation", "2020-21", "2021-22"],
    rows=[["PN1 Child attended and spoke", 459, 471], ["PN6 Views sent", 209, None], ["Total", 668, 471]],
    chart="bar",
)
TREND = Table(
    key="cohort",
    title="Children looked after at 31 March",
    columns=["Measure", "2019-20", "2020-21", "2021-22"],
    rows=[["Children looked after", 298, 298, 294], ["Unaccompanied asylum-seeking children", 20, 24, 28]],
    chart="line",
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the module's own output


def test_a_table_without_a_chart_has_none():
    assert chart_svg(Table(key="t", title="T", columns=["", "n"], rows=[["a", 1]])) is None


def test_an_unknown_chart_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="pie"):
        chart_svg(Table(key="t", title="T", columns=["", "n"], rows=[["a", 1]], chart="pie"))


def test_a_table_of_blanks_and_zeros_gets_no_chart():
    table = Table(key="t", title="Disputes", columns=["Stage", "2025-26"], rows=[["Informal", 0], ["CAFCASS", None]])
    assert chart_svg(table) is None


@pytest.mark.parametrize("table", [REVIEWS, PARTICIPATION, TREND], ids=lambda t: t.key)
def test_the_chart_is_an_svg_element_with_a_title_and_description_for_assistive_technology(table):
    svg = chart_svg(table)
    assert svg.startswith("<svg ")  # inlined in HTML: no XML prolog, no DOCTYPE
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == chart_alt_text(table)
    assert f"“{table.title}”" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert list(root)[:2] == [title, desc]


def test_text_stays_text_in_the_svg():
    texts = [t.text for t in parse(chart_svg(PARTICIPATION)).iter(f"{SVG}text")]
    assert "Participation of children in their reviews" in texts  # title
    assert {"2020-21", "2021-22", "Number", "471", "459"} <= set(texts)  # legend, axis, bar values


def test_the_same_table_gives_the_same_bytes():
    assert chart_svg(TREND) == chart_svg(Table(**vars(TREND)))


def test_two_charts_on_one_page_share_no_id_and_every_reference_resolves():
    ids = []
    for table in (REVIEWS, PARTICIPATION, TREND):
        root = parse(chart_svg(table))
        own = {e.get("id") for e in root.iter() if e.get("id")}
        references = {ref for e in root.iter() for v in e.attrib.values() for ref in re.findall(r"url\(#([^)]+)\)", v)}
        references |= {e.get("href")[1:] for e in root.iter() if (e.get("href") or "").startswith("#")}
        assert references <= own
        ids.extend(own)
    assert len(ids) == len(set(ids))


def test_no_inline_styles_so_a_strict_content_security_policy_allows_it():
    svg = chart_svg(PARTICIPATION)
    assert "<style" not in svg
    assert "style=" not in svg


def test_the_svg_does_not_depend_on_process_wide_xml_namespace_prefixes():
    ET.register_namespace("", "")  # what WeasyPrint's PDF metadata module does on import
    svg = chart_svg(REVIEWS)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "ns0:" not in svg


def test_a_dollar_in_a_label_is_printed_not_read_as_tex():
    table = Table(key="money", title="Spend", columns=["", "£"], rows=[["Fees $5 each", 3], ["Other", 4]], chart="bar")
    assert "Fees $5 each" in [t.text for t in parse(chart_svg(table)).iter(f"{SVG}text")]


def test_every_series_colour_has_3_to_1_contrast_against_white():
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for colour in PALETTE:
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour


def test_alt_text_of_a_single_series_reads_label_and_figure():
    assert chart_alt_text(REVIEWS) == "Reviews held each year (bar chart): 2019-20 820, 2020-21 864, 2021-22 933."


def test_alt_text_reads_the_table_row_by_row_without_the_total_row():
    assert chart_alt_text(PARTICIPATION) == (
        "Participation of children in their reviews (bar chart): "
        "PN1 Child attended and spoke: 2020-21 459, 2021-22 471; PN6 Views sent: 2020-21 209, 2021-22 no figure."
    )


def test_a_trend_over_years_is_drawn_along_the_years_and_its_change_is_told():
    assert chart_alt_text(TREND) == (
        "Children looked after at 31 March (line chart): "
        "Children looked after: 2019-20 298, 2020-21 298, 2021-22 294; "
        "Unaccompanied asylum-seeking children: 2019-20 20, 2020-21 24, 2021-22 28."
        " Children looked after fell from 298 in 2019-20 to 294 in 2021-22."
        " Unaccompanied asylum-seeking children rose from 20 in 2019-20 to 28 in 2021-22."
    )
    texts = [t.text for t in parse(chart_svg(TREND)).iter(f"{SVG}text")]
    assert "Reporting year" in texts


def test_percentages_beside_counts_are_left_to_the_table():
    table = Table(
        key="stability",
        title="Children with three or more placements",
        columns=["", "2020-21", "2021-22"],
        rows=[["Children", 25, 32], ["% of children looked after", 8.4, 10.9]],
        chart="line",
    )
    assert "%" not in chart_alt_text(table)
    texts = [t.text for t in parse(chart_svg(table)).iter(f"{SVG}text")]
    assert "32" in texts
    assert "10.9" not in texts


def test_a_line_with_a_single_point_is_drawn_as_bars():
    table = Table(key="t", title="Disputes closed", columns=["", "2025-26"], rows=[["Closed", 4]], chart="line")
    assert chart_alt_text(table) == "Disputes closed (bar chart): Closed: 2025-26 4."


@pytest.mark.parametrize(
    ("value", "printed"),
    [(1234, "1,234"), (99.14, "99.1"), (100.0, "100"), (None, "–"), ("57-61", "57-61"), (0, "0")],
)
def test_figures_are_printed_as_the_report_prints_them(value, printed):
    assert format_value(value) == printed
