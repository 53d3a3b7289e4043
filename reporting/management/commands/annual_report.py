"""``python manage.py annual_report --year 2021-22 --out report.pdf [--csv tables.zip]``

Renders the annual IRO report from the records with the same code as the web flow
(``annual_report_sections`` then ``render_annual_report_pdf``; ``tables_csv`` for the CSV),
then prints how long it took and each file's SHA-256. For checking the report, timing it
and building it offline: it creates no ``ReportVersion``, so nothing it writes is a
published version; managers generate and publish versions on the annual report page.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from iro_service.periods import ReportingYear
from reporting.csv_export import tables_csv
from reporting.figures import Scope
from reporting.figures.report import annual_report_sections
from reporting.models import ReportNarrative


def _year(text: str) -> ReportingYear:
    try:
        return ReportingYear.parse(text)
    except ValueError as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Write the annual IRO report for a reporting year as PDF (and its tables as a zip of CSV "
        "files), print the time taken and SHA-256. Creates no report version: to publish a version "
        "for the committee, generate it on the annual report page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Reporting year, written like 2021-22.")
        parser.add_argument("--out", required=True, type=Path, help="Where to write the PDF.")
        parser.add_argument("--csv", type=Path, default=None, help="Also write the tables as a zip of CSV files.")
        parser.add_argument(
            "--authority",
            default=None,
            help="Local authority named on the cover (default: the AUTHORITY_NAME setting).",
        )
        parser.add_argument(
            "--version-label",
            default="Working copy: not a published version",
            help="What the cover and footer print as the version (default: %(default)r).",
        )

    def handle(self, *args, year: str, out: Path, csv: Path | None, authority, version_label: str, **options):
        from reporting.pdf import render_annual_report_pdf  # WeasyPrint loads only when a report is made

        reporting_year = _year(year)
        verbose = options["verbosity"] >= 2

        def progress(percent: int, message: str) -> None:
            if verbose:
                self.stderr.write(f"{percent:3d}% {message}")

        started = time.perf_counter()
        sections = annual_report_sections(reporting_year, scope=Scope())
        counted = time.perf_counter()
        pdf = render_annual_report_pdf(
            year=reporting_year,
            sections=sections,
            narrative=ReportNarrative.objects.filter(start_year=reporting_year.start_year).first(),
            authority_name=authority or settings.AUTHORITY_NAME,
            generated_at=timezone.now(),
            version_label=version_label,
            on_progress=progress,
        )
        rendered = time.perf_counter()
        self._write(out, pdf)
        tables = sum(len(section.tables) for section in sections)
        self.stdout.write(
            f"Wrote {out} ({len(pdf):,} bytes; {len(sections)} sections, {tables} tables) in "
            f"{rendered - started:.1f} s: figures {counted - started:.1f} s, PDF {rendered - counted:.1f} s"
        )
        self.stdout.write(f"SHA-256 {hashlib.sha256(pdf).hexdigest()}  {out}")
        if csv is not None:
            archive = tables_csv(sections)
            self._write(csv, archive)
            self.stdout.write(f"Wrote {csv} ({len(archive):,} bytes)")
            self.stdout.write(f"SHA-256 {hashlib.sha256(archive).hexdigest()}  {csv}")

    def _write(self, path: Path, content: bytes) -> None:
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from error
