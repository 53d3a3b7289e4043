"""The manager's caseload table: 50 IROs a page, the service's totals over every IRO, and a
fixed number of queries whatever the number of IROs (a hosted service holds hundreds)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_child_in_care, make_cover, make_iro

URL = reverse("children:caseloads")


def summary(response, key: str) -> str:
    """The value of a row of the page's summary list."""
    match = re.search(rf"<dt[^>]*>{key}</dt>\s*<dd[^>]*>(.*?)</dd>", response.content.decode(), re.S)
    return match.group(1).strip() if match else ""


def iro_rows(response) -> list[str]:
    return [row.username for row in response.context["page"]]


def test_the_table_shows_fifty_iros_a_page_and_the_totals_of_every_iro(client_for, manager, team):
    iros = [make_iro(username=f"iro_{n:03d}", last_name=f"Iro{n:03d}", fte="0.50", team=team) for n in range(55)]
    make_child_in_care(iro=iros[54], looked_after_on=dt.date(2024, 6, 3))
    client = client_for(manager)

    first, second = client.get(URL), client.get(URL, {"page": 2})

    assert iro_rows(first) == [f"iro_{n:03d}" for n in range(50)]
    assert iro_rows(second) == [f"iro_{n:03d}" for n in range(50, 55)]
    for response in (first, second):
        page = response.content.decode()
        assert summary(response, r"IROs \(full-time equivalent\)") == "55 (27.50 FTE)"  # every IRO, not the page's
        assert "IROs 1 to 50 of 55" in page if response is first else "IROs 51 to 55 of 55" in page
    assert 'href="?page=2"' in first.content.decode() and "Pages of IROs" in first.content.decode()
    assert second.context["page"][4].caseload == 1


def test_a_page_past_the_end_shows_the_last_page(client_for, manager, team):
    for n in range(3):
        make_iro(username=f"iro_{n}", team=team)

    response = client_for(manager).get(URL, {"page": 9})

    assert response.status_code == 200 and len(iro_rows(response)) == 3
    assert "Pages of IROs" not in response.content.decode()  # one page: no pagination


@pytest.mark.parametrize("iros", [3, 120])
def test_the_table_runs_a_fixed_number_of_queries_whatever_the_number_of_iros(
    client_for, django_assert_max_num_queries, manager, team, iros, request
):
    for n in range(iros):
        make_child_in_care(iro=make_iro(username=f"iro_{n}", team=team))
    client = client_for(manager)
    client.get(URL)  # warm up anything cached per process
    with django_assert_max_num_queries(13) as captured:
        response = client.get(URL)

    assert response.status_code == 200 and len(iro_rows(response)) == min(iros, 50)
    request.node.user_properties.append(("queries", len(captured)))


def test_children_covered_are_counted_in_their_own_column_not_in_the_caseload(client_for, manager, team):
    today = timezone.localdate()
    away = make_iro(username="iro_away", last_name="Away", team=team)
    covering = make_iro(username="iro_cover", last_name="Cover", team=team)
    for n in range(3):
        make_child_in_care(iro=away, first_name=f"Away{n}")
    make_child_in_care(iro=covering, first_name="Own")
    make_cover(absent_iro=away, covering_iro=covering, starts_on=today - dt.timedelta(days=2))
    back = make_iro(username="iro_back", last_name="Back", team=team)
    make_child_in_care(iro=back, first_name="Back")
    make_cover(
        absent_iro=back,
        covering_iro=covering,
        starts_on=today - dt.timedelta(days=9),
        ends_on=today - dt.timedelta(days=1),
    )

    response = client_for(manager).get(URL)

    rows = {row.username: (row.caseload, row.covering) for row in response.context["page"]}
    assert rows == {"iro_away": (3, 0), "iro_back": (1, 0), "iro_cover": (1, 3)}
    assert ">Covering</th>" in response.content.decode()
    assert re.search(
        r'app-numeric">1</td>\s*<td[^>]*>.*?</td>\s*<td class="govuk-table__cell app-numeric">3</td>',
        response.content.decode(),
        re.S,
    )


@pytest.mark.parametrize("iros", [4, 60])
def test_the_covering_column_adds_no_query_per_iro(client_for, django_assert_max_num_queries, manager, team, iros):
    today = timezone.localdate()
    for n in range(iros // 2):
        away, covering = make_iro(username=f"away_{n}", team=team), make_iro(username=f"cover_{n}", team=team)
        make_child_in_care(iro=away)
        make_cover(absent_iro=away, covering_iro=covering, starts_on=today)
    client = client_for(manager)
    client.get(URL)
    with django_assert_max_num_queries(13):
        response = client.get(URL)

    rows = [(row.username, row.covering) for row in response.context["page"]]
    assert len(rows) == min(iros, 50)
    assert all(covering == (1 if name.startswith("cover_") else 0) for name, covering in rows)
