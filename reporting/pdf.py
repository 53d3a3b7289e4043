"""The annual IRO report as a tagged PDF (PDF/UA-1): ``render_to_string`` → WeasyPrint.

The figures arrive as :class:`~reporting.figures.Section` objects (the same the dashboard and
the CSV show) and the manager's words as a :class:`~reporting.models.ReportNarrative`; this
module only lays them out. It reads nothing from the database, so the Celery task, the
``annual_report`` command and the tests all call it the same way. The same inputs give the
same bytes, so a version's SHA-256 identifies its content.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict, Unpack

from django.template.loader import render_to_string

from iro_service.pdf import lay_out, write_pdf
from iro_service.periods import ReportingYear

from .charts import chart_alt_text, chart_svg, format_value, is_number, is_total, table_header
from .figures import Section, Table
from .models import ReportNarrative

TEMPLATE = "reporting/pdf/annual_report.html"
#: The figures section printed inside the manager's "Children's feedback" part.
FEEDBACK_SECTION = "childrens_feedback"
REPORT_TITLE = "Independent Reviewing Officer Annual Report"
#: Tables with more columns than this print in a smaller type to fit the page's width.
WIDE_TABLE_COLUMNS = 8
#: Tables with at most this many rows are kept whole on one page; longer ones break between
#: rows and repeat their header row.
SHORT_TABLE_ROWS = 12
#: Row labels up to this many characters (months, years, short categories) do not wrap.
SHORT_LABEL = 24

ProgressCallback = Callable[[int, str], None]


@dataclass
class TableBlock:
    number: str  # "3.1": the table's (and its chart's) number
    anchor: str
    table: Table
    label_header: str
    columns: list[dict]  # {"text", "number"}: numbers are right-aligned
    rows: list[dict]  # {"label", "cells": [{"text", "number"}], "total"}
    short_labels: bool = False  # row labels kept on one line
    svg: str | None = None
    alt_text: str = ""

    @property
    def wide(self) -> bool:
        return len(self.columns) + 1 > WIDE_TABLE_COLUMNS

    @property
    def short(self) -> bool:
        return len(self.rows) <= SHORT_TABLE_ROWS


@dataclass
class Part:
    """One numbered section of the printed report: the manager's words or a figures Section."""

    number: int
    anchor: str
    title: str
    text: str = ""  # narrative: plain text, escaped and paragraphed by the template
    narrative: bool = False
    headline: list[tuple[str, str]] = field(default_factory=list)
    tables: list[TableBlock] = field(default_factory=list)
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (text, attribution), after the tables


class ReportInputs(TypedDict):
    """What ``annual_report_html`` lays out, passed through by ``render_annual_report_pdf``."""

    year: ReportingYear
    sections: list[Section]
    narrative: ReportNarrative | None
    authority_name: str
    generated_at: datetime
    version_label: str


def render_annual_report_pdf(*, on_progress: ProgressCallback | None = None, **report: Unpack[ReportInputs]) -> bytes:
    """The annual report for ``year`` as PDF bytes. ``on_progress(percent, message)`` is told
    how far it has got (for the progress page); ``generated_at`` is printed, not read from
    the clock, so the caller decides it."""
    progress = on_progress or (lambda percent, message: None)
    html = annual_report_html(**report, on_progress=progress)
    progress(40, "Laying out the pages")
    # iro_service.pdf: the same WeasyPrint step (nothing fetched, PDF/UA-1) as every document.
    document = lay_out(html)
    progress(85, f"Writing the PDF ({len(document.pages)} pages)")
    pdf = write_pdf(document)
    progress(100, "Done")
    return pdf


def _draw_charts(tables: list[Table]):
    """Each table's SVG, in order. Charts are independent and matplotlib is CPU-bound, so they
    are drawn on every core where this process may start workers (a command, a thread-pool
    worker); a daemonic process such as a prefork Celery child cannot, and draws them in turn."""
    workers = min(len(tables), os.cpu_count() or 1)
    if workers < 2 or multiprocessing.current_process().daemon:
        yield from map(chart_svg, tables)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(chart_svg, tables)


def annual_report_html(
    *,
    year: ReportingYear,
    sections: list[Section],
    narrative: ReportNarrative | None,
    authority_name: str,
    generated_at: datetime,
    version_label: str,
    on_progress: ProgressCallback | None = None,
) -> str:
    """The HTML that WeasyPrint lays out (progress 0 to 40%: drawing the charts)."""
    progress = on_progress or (lambda percent, message: None)
    progress(0, "Preparing the report")
    parts = report_parts(year=year, sections=sections, narrative=narrative)
    charted = [block for part in parts for block in part.tables if block.table.chart]
    for done, (block, svg) in enumerate(zip(charted, _draw_charts([b.table for b in charted]), strict=True), start=1):
        block.svg = svg
        block.alt_text = chart_alt_text(block.table) if block.svg else ""
        progress(5 + 35 * done // len(charted), f"Drawn chart {done} of {len(charted)}")
    return render_to_string(
        TEMPLATE,
        {
            "title": REPORT_TITLE,
            "authority_name": authority_name,
            "year": year,
            "next_year": ReportingYear(year.start_year + 1),
            "generated_at": generated_at,
            "version_label": version_label,
            "parts": parts,
        },
    )


def report_parts(*, year: ReportingYear, sections: list[Section], narrative: ReportNarrative | None) -> list[Part]:
    """The numbered sections in print order: introduction and independence (the manager's
    words), every figures section, then children's feedback and the objectives."""
    words = narrative or ReportNarrative(start_year=year.start_year)
    next_year = ReportingYear(year.start_year + 1)
    before = [
        ("introduction", "Introduction", words.introduction),
        ("independence", "The independence of the IRO service", words.independence),
    ]
    after = [
        ("childrens-feedback", "Children's feedback", words.childrens_feedback),
        ("objectives-reviewed", f"Review of the objectives for {year.label}", words.last_year_objectives),
        ("objectives", f"Objectives for {next_year.label}", words.next_year_objectives),
    ]
    parts: list[Part] = []

    def add_narrative(key, title, text):
        parts.append(Part(len(parts) + 1, f"section-{key}", title, text=text.strip(), narrative=True))

    for item in before:
        add_narrative(*item)
    # The figures of children's feedback print in the manager's "Children's feedback" part,
    # after the words: one section, as the seeds print it (reporting.figures.voice).
    feedback = next((s for s in sections if s.key == FEEDBACK_SECTION), None)
    for section in sections:
        if section is feedback:
            continue
        number = len(parts) + 1
        part = Part(number, f"section-{section.key}", section.title, headline=list(section.headline))
        part.tables = [_table_block(table, f"{number}.{i}") for i, table in enumerate(section.tables, start=1)]
        parts.append(part)
    for item in after:
        add_narrative(*item)
        if item[0] == "childrens-feedback" and feedback is not None:
            part = parts[-1]
            part.headline = list(feedback.headline)
            part.tables = [_table_block(t, f"{part.number}.{i}") for i, t in enumerate(feedback.tables, start=1)]
            part.quotes = list(feedback.quotes)
    return parts


def _table_block(table: Table, number: str) -> TableBlock:
    label_header, columns = table_header(table)
    width = len(columns) + 1
    cells = [[*row[1:width], *[None] * (width - len(row))] for row in table.rows]
    # A column of figures (blanks allowed) is right-aligned, header included; text stays left.
    numeric = [all(is_number(r[j]) or r[j] is None for r in cells) for j in range(len(columns))]
    rows = [
        {
            "label": str(row[0]) if row else "",
            "cells": [{"text": format_value(v), "number": numeric[j]} for j, v in enumerate(values)],
            "total": bool(row) and is_total(row[0]),
        }
        for row, values in zip(table.rows, cells, strict=True)
    ]
    return TableBlock(
        number=number,
        anchor=f"table-{table.key}",
        table=table,
        label_header=label_header,
        columns=[{"text": c, "number": numeric[j]} for j, c in enumerate(columns)],
        rows=rows,
        short_labels=all(len(r["label"]) <= SHORT_LABEL for r in rows),
    )
