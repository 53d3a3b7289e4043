"""The chair's start page (docs/rules.md#child-protection): the conferences booked in the next
8 weeks that they chair or cover, with the due date and whether each is late, and their open
child protection deadlines; an IRO sees them beside their reviews, a child protection chair has a
page of their own; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conferences.flags import conference_flags_sweep
from tests.conferences.factories import make_cp_chair, make_cp_children, make_icpc
from tests.factories import make_cover

pytestmark = pytest.mark.django_db

HOME = reverse("conferences:home")
IRO_HOME = reverse("reviews:home")


@pytest.fixture
def chair():
    return make_cp_chair(username="cp_chair", first_name="Cora", last_name="Chair")


@pytest.fixture
def away():
    return make_cp_chair(username="away_chair", first_name="Alma", last_name="Away")


def book(family: str, chair, *, today: dt.date, strategy_days_ago: int, in_days: int):
    return make_icpc(
        make_cp_children(2, family=family),
        strategy_on=today - dt.timedelta(days=strategy_days_ago),
        chair=chair,
        booked_for=today + dt.timedelta(days=in_days),
    )


def text(response) -> str:
    return response.content.decode()


def test_a_child_protection_chair_is_sent_to_their_own_start_page(client_for, chair):
    response = client_for(chair).get(reverse("home"))
    assert response.status_code == 302 and response.url == HOME
    page = client_for(chair).get(HOME)
    assert page.status_code == 200
    assert "My conferences" in text(page)
    assert f'href="{HOME}"' in text(page)  # the menu links to it
    assert "No conferences are booked for you in the next 8 weeks." in text(page)


def test_the_chair_sees_their_own_and_covered_conferences_with_due_dates_and_lateness(client_for, chair, away, today):
    other = make_cp_chair(username="other_chair")
    late = book("Latimer", chair, today=today, strategy_days_ago=40, in_days=3)
    book("Ontime", chair, today=today, strategy_days_ago=0, in_days=5)
    book("Covered", away, today=today, strategy_days_ago=2, in_days=10)
    book("Stranger", other, today=today, strategy_days_ago=2, in_days=10)
    book("Faraway", chair, today=today, strategy_days_ago=0, in_days=57)
    make_cover(absent_iro=away, covering_iro=chair, starts_on=today - dt.timedelta(days=1))

    page = text(client_for(chair).get(HOME))

    assert page.index("Latimer") < page.index("Ontime") < page.index("Covered")
    assert "Stranger" not in page and "Faraway" not in page
    assert page.count("Late</strong>") == 1
    assert f"{late.due_on.day} {late.due_on:%B %Y}" in page
    assert "Alma Away (covering)" in page


def test_the_chair_sees_their_open_child_protection_deadlines_and_not_anothers(client_for, chair, today):
    other = make_cp_chair(username="other_chair")
    mine = book("Latimer", chair, today=today, strategy_days_ago=40, in_days=3)
    book("Stranger", other, today=today, strategy_days_ago=40, in_days=3)
    conference_flags_sweep(today=today)

    page = text(client_for(chair).get(HOME))

    assert page.count("Initial CP conference overdue") == 2  # both children
    assert f"Initial conference due {mine.due_on.day} {mine.due_on:%B %Y}" in page
    assert "Stranger" not in page


def test_an_iro_sees_the_conferences_they_chair_beside_their_reviews(client_for, iro, today):
    book("Latimer", iro, today=today, strategy_days_ago=0, in_days=3)
    page = text(client_for(iro).get(IRO_HOME))
    assert "My caseload and reviews" in page
    assert "Child protection conferences in the next 8 weeks" in page
    assert "Latimer" in page


def test_the_family_name_is_escaped(client_for, chair, today):
    book("<script>alert(1)</script>", chair, today=today, strategy_days_ago=0, in_days=3)
    page = text(client_for(chair).get(HOME))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_iro_is_sent_from_the_chairs_page_to_their_own_start_page(client_for, iro):
    response = client_for(iro).get(HOME)
    assert response.status_code == 302 and response.url == IRO_HOME


def test_who_may_not_see_the_chairs_start_page(client_for, committee, chair):
    assert client_for(committee).get(HOME).status_code == 403
    # A child protection chair chairs no looked-after reviews.
    assert client_for(chair).get(IRO_HOME).status_code == 403


@pytest.mark.parametrize("count", [2, 12])
def test_the_chairs_start_page_reads_a_fixed_number_of_queries(
    client_for, chair, away, today, django_assert_max_num_queries, count
):
    make_cover(absent_iro=away, covering_iro=chair, starts_on=today - dt.timedelta(days=1))
    for n in range(count):
        book(f"Fam{n}", chair if n % 2 else away, today=today, strategy_days_ago=40, in_days=n % 50)
    conference_flags_sweep(today=today)
    client = client_for(chair)
    # The session, the user, the permissions, the conferences, the flags, the header's roles
    # and the audit event: however many conferences there are.
    with django_assert_max_num_queries(8):
        response = client.get(HOME)
    assert text(response).count("Fam") >= count


@pytest.mark.parametrize("count", [2, 12])
def test_the_iro_start_page_with_conferences_reads_a_fixed_number_of_queries(
    client_for, iro, today, django_assert_max_num_queries, count
):
    for n in range(count):
        book(f"Fam{n}", iro, today=today, strategy_days_ago=40, in_days=n % 50)
    conference_flags_sweep(today=today)
    client = client_for(iro)
    # The reviews page's own queries and two more: the conferences and the flags; and one for
    # the unread answers at the top (HOME_TOP_SECTIONS, voice).
    with django_assert_max_num_queries(14):
        response = client.get(IRO_HOME)
    assert text(response).count("Fam") >= count
