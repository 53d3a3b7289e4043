"""``manage.py annual_report``: the report from the records, written to files, with its hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reporting.models import ReportNarrative, ReportVersion
from tests.factories import make_child_in_care
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(iro):
    child = make_child_in_care(iro=iro, looked_after_on=dt.date(2024, 6, 3), first_name="Report")
    held_review(
        child,
        iro=iro,
        held_on=dt.date(2025, 5, 12),
        due_on=dt.date(2025, 5, 13),
        code="PN1",
        review_type="subsequent",
        record_due_on=dt.date(2025, 6, 9),
        record_distributed_on=dt.date(2025, 6, 2),
    )
    ReportNarrative.objects.create(start_year=2025, introduction="Our year in one sentence.")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("annual_report", *args, stdout=out)
    return out.getvalue()


def test_it_writes_the_pdf_and_tables_and_prints_the_time_and_hashes(records, tmp_path):
    pdf_path, zip_path = tmp_path / "report.pdf", tmp_path / "tables.zip"
    output = run("--year", "2025-26", "--out", str(pdf_path), "--csv", str(zip_path), "--authority", "Testshire")

    pdf, archive = pdf_path.read_bytes(), zip_path.read_bytes()
    assert pdf.startswith(b"%PDF-1.7")
    assert re.search(
        rf"^Wrote {re.escape(str(pdf_path))} \(.* in \d+\.\d s: figures \d+\.\d s, PDF \d+\.\d s$", output, re.M
    )
    assert f"SHA-256 {hashlib.sha256(pdf).hexdigest()}  {pdf_path}" in output
    assert f"SHA-256 {hashlib.sha256(archive).hexdigest()}  {zip_path}" in output
    with zipfile.ZipFile(io.BytesIO(archive)) as tables:
        assert "index.csv" in tables.namelist()
        assert "reviews_by_month.csv" in tables.namelist()
    assert ReportVersion.objects.count() == 0  # not a published version: the web flow makes those


def test_the_help_says_it_creates_no_report_version(capsys):
    with pytest.raises(SystemExit):
        call_command("annual_report", "--help")
    assert "Creates no report version" in " ".join(capsys.readouterr().out.split())


def test_a_year_not_written_like_2021_22_is_refused(tmp_path):
    with pytest.raises(CommandError, match="2021-22"):
        run("--year", "2021-23", "--out", str(tmp_path / "report.pdf"))
    assert not (tmp_path / "report.pdf").exists()
