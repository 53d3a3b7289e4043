"""Every kind of bad row is reported with its file, line and column, and with any problem
nothing at all is written, even when the rest of the return is good."""

from __future__ import annotations

from datetime import date

import pytest

from children.models import CareEpisode, Child
from interchange import services
from iro_service.models import AuditEvent
from reviews.models import Review

from .helpers import as_files, hand_made_texts, with_cell, with_line

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def _commit(texts, by):
    return services.ssda903_import(files=as_files(texts), by=by, commit=True, today=TODAY)


def _nothing_written():
    return (Child.objects.count(), CareEpisode.objects.count(), Review.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        0,
        0,
    )


CELL_PROBLEMS = [
    # (file, line, column, bad value, words of the reason)
    ("header.csv", 2, "SEX", "9", "is not a SEX code"),
    ("header.csv", 3, "ETHNIC", "WXYZ", "is not a ETHNIC code"),
    ("header.csv", 2, "DOB", "31/02/2012", "is not a real date"),
    ("header.csv", 2, "DOB", "2012-02-14", "is not a date written dd/mm/yyyy"),
    ("header.csv", 2, "DOB", "14/02/2030", "is in the future"),
    ("header.csv", 2, "UPN", "12345", "UPN must be 13 characters"),
    ("header.csv", 3, "MOTHER", "1", "MOTHER is completed for a boy"),
    ("header.csv", 2, "MOTHER", "Y", "is not a MOTHER code"),
    ("episodes.csv", 2, "RNE", "Q", "is not a RNE code"),
    ("episodes.csv", 2, "LS", "C9", "is not a LS code"),
    ("episodes.csv", 3, "PLACE", "U9", "is not a PLACE code"),
    ("episodes.csv", 3, "PLACE_PROVIDER", "PR9", "is not a PLACE_PROVIDER code"),
    ("episodes.csv", 4, "REC", "E99", "is not a REC code"),
    ("episodes.csv", 4, "DEC", "30/02/2024", "is not a real date"),
    ("episodes.csv", 4, "DEC", "01/01/2023", "ceases before it starts"),
    ("episodes.csv", 4, "REC", "", "REC (why the episode ceased) is needed"),
    ("episodes.csv", 2, "DECOM", "", "DECOM is missing"),
    ("episodes.csv", 3, "REASON_PLACE_CHANGE", "BORED", "is not a REASON_PLACE_CHANGE code"),
    ("reviews.csv", 2, "REVIEW", "06/13/2023", "is not a real date"),
    ("reviews.csv", 2, "REVIEW_CODE", "PN9", "is not a REVIEW_CODE code"),
    ("reviews.csv", 2, "REVIEW_CODE", "PN0", "PN0 is only for a child under 4"),
    ("reviews.csv", 6, "REVIEW_CODE", "PN1", "must be PN0"),
    ("reviews.csv", 2, "REVIEW", "01/05/2023", "outside every episode of care"),
    ("reviews.csv", 2, "DOB", "15/02/2012", "DOB differs from the child's DOB in the Header"),
    ("uasc.csv", 2, "DUC", "1/1/2024", "is not a date written dd/mm/yyyy"),
    ("uasc.csv", 2, "SEX", "2", "SEX differs from the child's SEX in the Header"),
    ("previous_permanence.csv", 2, "PREV_PERM", "P9", "is not a PREV_PERM code"),
    ("previous_permanence.csv", 3, "DATE_PERM", "2015-06", "DATE_PERM is written dd/mm/yyyy"),
    ("previous_permanence.csv", 3, "LA_PERM", "31", "three-digit code"),
]


@pytest.mark.parametrize(("file", "line", "column", "value", "reason"), CELL_PROBLEMS)
def test_a_bad_value_is_reported_by_file_line_and_column_and_nothing_is_written(
    manager, file, line, column, value, reason
):
    plan = _commit(with_cell(hand_made_texts(), file, line, column, value), manager)

    assert not plan.is_valid
    located = [(p.file, p.line, p.column) for p in plan.problems if reason in p.reason]
    assert located == [(file, line, column)], plan.problems
    assert _nothing_written()


ROW_PROBLEMS = [
    ("episodes.csv", "HM999,01/01/2024,S,C2,N1,U4,PR1,,,,,,", 6, "CHILD", "HM999 is not in the Header table"),
    ("reviews.csv", "HM999,01/01/2010,01/02/2024,PN1", 8, "CHILD", "HM999 is not in the Header table"),
    ("uasc.csv", "HM999,1,01/01/2006,", 3, "CHILD", "HM999 is not in the Header table"),
    (
        "header.csv",
        "HM001,2,14/02/2012,WBRI,A123456789012,0,",
        5,
        "CHILD",
        "Duplicate row: the same CHILD repeats line 2",
    ),
    (
        "episodes.csv",
        "HM003,15/11/2022,S,C1,N1,U3,PR1,,,,TW2 5NX,TW2 6LP,",
        6,
        "CHILD",
        "Duplicate row: the same CHILD and DECOM repeats line 5",
    ),
    ("reviews.csv", "HM001,14/02/2012,06/06/2023,PN6", 8, "CHILD", "the same CHILD and REVIEW repeats line 2"),
    ("episodes.csv", "HM003,01/03/2023,P,C2,N1,U4,PR1,,,CARPL,,,", 6, "DECOM", "Episodes overlap"),
    ("episodes.csv", "HM001,01/01/2011,S,C2,N1,U4,PR1,01/02/2011,E4A,,,,", 6, "DECOM", "starts before the child's DOB"),
    ("reviews.csv", "HM001,14/02/2012,01/03/2024", 8, "", "The row has 3 values; the header has 4"),
]


@pytest.mark.parametrize(("file", "row", "line", "column", "reason"), ROW_PROBLEMS)
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(manager, file, row, line, column, reason):
    plan = _commit(with_line(hand_made_texts(), file, row), manager)

    located = [(p.file, p.line, p.column) for p in plan.problems if reason in p.reason]
    assert located == [(file, line, column)], plan.problems
    assert _nothing_written()


def test_every_problem_in_a_return_is_reported_not_only_the_first(manager):
    texts = with_cell(hand_made_texts(), "header.csv", 2, "SEX", "9")
    texts = with_cell(texts, "episodes.csv", 3, "PLACE", "U9")
    texts = with_cell(texts, "reviews.csv", 4, "REVIEW", "32/01/2024")

    plan = _commit(texts, manager)

    assert [(p.file, p.line, p.column) for p in plan.problems] == [
        ("episodes.csv", 3, "PLACE"),
        ("header.csv", 2, "SEX"),
        ("reviews.csv", 4, "REVIEW"),
    ]
    assert _nothing_written()


def test_a_return_without_a_header_table_is_refused(manager):
    texts = {k: v for k, v in hand_made_texts().items() if k != "header.csv"}

    plan = _commit(texts, manager)

    assert [p.reason for p in plan.problems] == ["The Header table is missing: a return must include it."]
    assert _nothing_written()


def test_a_file_whose_columns_match_no_table_is_reported(manager):
    texts = {**hand_made_texts(), "notes.csv": "CHILD,NOTE\nHM001,hello\n"}

    plan = _commit(texts, manager)

    assert [(p.file, p.line) for p in plan.problems] == [("notes.csv", 1)]
    assert "do not match any SSDA903 table" in plan.problems[0].reason
    assert _nothing_written()


def test_an_episode_that_would_overlap_one_already_held_is_refused_and_the_old_data_kept(manager):
    services.ssda903_import(files=as_files(hand_made_texts()), by=manager, commit=True, today=TODAY)
    before = list(CareEpisode.objects.order_by("pk").values_list("pk", "started_on", "ended_on", "placement_type"))
    texts = with_line(hand_made_texts(), "episodes.csv", "HM001,01/12/2023,P,C2,N1,U4,PR1,,,CARPL,,,")
    texts = with_cell(texts, "episodes.csv", 3, "PLACE", "U5")  # a good change in the same return

    plan = _commit(texts, manager)

    assert [(p.file, p.line, p.column) for p in plan.problems] == [("episodes.csv", 6, "DECOM")]
    assert (
        list(CareEpisode.objects.order_by("pk").values_list("pk", "started_on", "ended_on", "placement_type")) == before
    )


def test_only_managers_may_import(iro):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ssda903_import(files=as_files(hand_made_texts()), by=iro, commit=True, today=TODAY)
    assert _nothing_written()
