"""The whole annual report: every section, in the order the seeds' reports print them."""

from __future__ import annotations

from importlib import import_module

from iro_service.periods import ReportingYear

from . import Scope, Section

#: Modules of reporting.figures, each with ``sections(years, *, scope) -> list[Section]``.
#: "voice" (children's feedback) last, where Thurrock prints it (section 11): the PDF joins it to
#: the manager's words on children's feedback (reporting.pdf.report_parts).
SECTION_MODULES = ("service", "reviews", "cohort", "child_protection", "disputes", "voice")

#: Earlier years printed beside the report's year where the data has them (seeds print 4-5).
TREND_YEARS = 4


def report_years(year: ReportingYear) -> list[ReportingYear]:
    """The report's year with up to four earlier years, oldest first; each section drops the
    earlier years for which the records hold no data."""
    return [*year.previous(TREND_YEARS), year]


def annual_report_sections(year: ReportingYear, *, scope: Scope | None = None) -> list[Section]:
    scope = scope or Scope()
    years = report_years(year)
    sections: list[Section] = []
    for name in SECTION_MODULES:
        sections.extend(import_module(f"{__package__}.{name}").sections(years, scope=scope))
    return sections
