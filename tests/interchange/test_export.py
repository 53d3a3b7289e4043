"""The export: the DfE's columns and codes, dates dd/mm/yyyy, the year's children, episodes
and reviews only, and the round trip through an import giving back the same files."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import pytest

from children.models import CareEpisode, Child
from interchange import exporter, services, spec
from iro_service.models import AuditAction, AuditEvent
from iro_service.periods import ReportingYear
from reviews.models import Review

from .helpers import hand_made_files, hand_made_texts, synthetic_files

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)
Y2023 = ReportingYear(2023)
DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
DATE_COLUMNS = {"DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC"}


@pytest.fixture
def imported(manager):
    services.ssda903_import(files=hand_made_files(), by=manager, commit=True, today=TODAY)


def _csv(tables, name):
    return exporter.table_csv(tables[name]).decode("utf-8")


def test_export_of_an_imported_return_gives_back_the_same_files(imported, manager):
    tables = services.ssda903_export(year=Y2023, by=manager)

    exported = {spec.FILE_NAMES[name]: _csv(tables, name) for name in tables}
    assert exported == hand_made_texts()


def test_every_table_has_the_dfe_columns_and_dates_written_dd_mm_yyyy(imported):
    tables = exporter.build_return(Y2023)

    assert list(tables) == ["Header", "Episodes", "Reviews", "UASC", "PrevPerm"]
    for name, rows in tables.items():
        assert rows[0] == spec.COLUMNS[name]
        for row in rows[1:]:
            for column, value in zip(rows[0], row, strict=True):
                if column in DATE_COLUMNS and value:
                    assert DATE.match(value), (name, column, value)


def test_sex_is_1_or_2_up_to_2023_24_and_a_letter_from_2024_25(imported):
    old = exporter.build_return(ReportingYear(2023))["Header"]
    new = exporter.build_return(ReportingYear(2024))["Header"]

    assert [(r[0], r[1]) for r in old[1:]] == [("HM001", "2"), ("HM002", "1"), ("HM003", "2")]
    # HM002 left care on 1 January 2024, so is not in the 2024-25 return.
    assert [(r[0], r[1]) for r in new[1:]] == [("HM001", "F"), ("HM003", "F")]


def test_an_episode_open_at_the_year_end_is_returned_open_and_reviews_outside_the_year_are_left_out(imported):
    tables = exporter.build_return(ReportingYear(2022))

    assert [r[0] for r in tables["Header"][1:]] == ["HM003"]
    assert [(r[0], r[1], r[7], r[8]) for r in tables["Episodes"][1:]] == [("HM003", "15/11/2022", "", "")]
    assert tables["Reviews"][1:] == []  # HM003's reviews in the file are in 2023-24
    assert tables["PrevPerm"][1:] == [["HM003", "01/06/2021", "", "", ""]]  # started in 2022-23
    assert tables["UASC"] == [spec.COLUMNS["UASC"]]  # written even when empty


def test_an_episode_that_ended_after_the_year_end_has_no_dec_in_that_year(imported):
    episode = CareEpisode.objects.get(child__local_reference="HM001", started_on=date(2023, 9, 1))
    CareEpisode.objects.filter(pk=episode.pk).update(ended_on=date(2024, 5, 1), reason_ceased="E4A")

    in_year = exporter.build_return(ReportingYear(2023))["Episodes"]
    next_year = exporter.build_return(ReportingYear(2024))["Episodes"]

    assert [r[7:9] for r in in_year[1:] if r[:2] == ["HM001", "01/09/2023"]] == [["", ""]]
    assert [r[7:9] for r in next_year[1:] if r[:2] == ["HM001", "01/09/2023"]] == [["01/05/2024", "E4A"]]


def test_a_child_with_sex_not_known_has_no_code_before_2024_25(imported):
    Child.objects.filter(local_reference="HM003").update(sex="U")

    assert [r[1] for r in exporter.build_return(ReportingYear(2023))["Header"] if r[0] == "HM003"] == [""]
    assert [r[1] for r in exporter.build_return(ReportingYear(2024))["Header"] if r[0] == "HM003"] == ["U"]


def test_booked_and_cancelled_reviews_are_not_returned(imported, manager):
    child = Child.objects.get(local_reference="HM001")
    Review.objects.create(child=child, status="booked", booked_for=date(2024, 3, 20), created_by=manager)

    rows = exporter.build_return(Y2023)["Reviews"]

    assert [r[2] for r in rows[1:] if r[0] == "HM001"] == ["06/06/2023", "05/09/2023", "01/03/2024"]


def test_every_child_in_the_return_gets_an_audit_event(imported, manager):
    services.ssda903_export(year=Y2023, by=manager)

    events = AuditEvent.objects.filter(action=AuditAction.EXPORTED, actor=manager)
    assert sorted(Child.objects.get(pk=e.child_id).local_reference for e in events) == ["HM001", "HM002", "HM003"]
    assert {e.summary for e in events} == {"Included in the SSDA903 return for 2023-24"}


def test_the_export_is_three_queries_whatever_the_number_of_children(manager, django_assert_num_queries, tmp_path):
    for size in (3, 40):
        files = synthetic_files(size, tmp_path / str(size), seed=size)
        services.ssda903_import(files=files, by=manager, commit=True, today=TODAY)
        with django_assert_num_queries(3):
            tables = exporter.build_return(ReportingYear(2024))
        assert len(tables["Header"]) > 1


def test_the_zip_holds_the_five_tables_in_a_folder_named_for_the_year(imported):
    data = exporter.return_zip(exporter.build_return(Y2023), Y2023)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        header = list(csv.reader(io.StringIO(archive.read("ssda903-2023-24/header.csv").decode())))
    assert names == [f"ssda903-2023-24/{spec.FILE_NAMES[n]}" for n in spec.COLUMNS]
    assert header[0] == spec.COLUMNS["Header"]
    assert exporter.return_zip(exporter.build_return(Y2023), Y2023) == data  # reproducible


def test_the_reason_for_a_move_is_returned_only_once_the_episode_has_ended(imported):
    episode = CareEpisode.objects.get(child__local_reference="HM001", started_on=date(2023, 9, 1))
    CareEpisode.objects.filter(pk=episode.pk).update(
        ended_on=date(2024, 5, 1), reason_ceased="X1", reason_place_change="CHILD"
    )

    in_year = exporter.build_return(ReportingYear(2023))["Episodes"]
    next_year = exporter.build_return(ReportingYear(2024))["Episodes"]

    assert [r[7:10] for r in in_year[1:] if r[:2] == ["HM001", "01/09/2023"]] == [["", "", ""]]
    assert [r[7:10] for r in next_year[1:] if r[:2] == ["HM001", "01/09/2023"]] == [["01/05/2024", "X1", "CHILD"]]
