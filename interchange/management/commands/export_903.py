"""``python manage.py export_903 --year 2021-22 OUTDIR``

Writes the SSDA903 return for a collection year (docs/rules.md#ssda903) as one CSV per
table: header.csv, episodes.csv, reviews.csv, uasc.csv and previous_permanence.csv. Each
child in the return gets an audit event. Managers download the same files from the
"SSDA903 return" page.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange import services
from iro_service.periods import ReportingYear


class Command(BaseCommand):
    help = "Write the SSDA903 return (Header, Episodes, Reviews, UASC, PrevPerm) for a collection year."

    def add_arguments(self, parser):
        parser.add_argument("outdir", type=Path, help="Directory to write the CSV files into.")
        parser.add_argument("--year", required=True, help="Collection year, written like 2021-22.")

    def handle(self, *args, outdir: Path, year: str, **options):
        try:
            reporting_year = ReportingYear.parse(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        written = services.ssda903_export_files(
            year=reporting_year, directory=outdir, by=None, path="manage.py export_903"
        )
        for path, rows in written:
            self.stdout.write(f"{path}: {rows} rows")
