"""Booked child protection conferences on the calendars (docs/rules.md#child-protection, issue
15): a chair's own calendar by week and month, with their covered chairs' conferences and never
another chair's; the manager's service calendar with its IRO and team filters and its counts when
too busy to list; the private feed, with initials and references only and no venue; a child
protection chair's calendar and feed; the denials; fixed query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from conferences.models import Conference
from iro_service.models import AuditAction, AuditEvent
from reviews.calendar_window import week_of
from tests.conferences.factories import make_cp_chair, make_cp_children, make_icpc
from tests.factories import TeamFactory, make_cover, make_iro

pytestmark = pytest.mark.django_db

CALENDAR = reverse("reviews:calendar")
SERVICE = reverse("reviews:service_calendar")
FEED_PAGE = reverse("reviews:calendar_feed")


def book(family: str, chair, *, today: dt.date, in_days: int = 2, strategy_days_ago: int = 40, venue: str = ""):
    conference = make_icpc(
        make_cp_children(2, family=family),
        strategy_on=today - dt.timedelta(days=strategy_days_ago),
        chair=chair,
        booked_for=today + dt.timedelta(days=in_days),
    )
    Conference.objects.filter(pk=conference.pk).update(starts_at=dt.time(10, 30), venue=venue)
    conference.refresh_from_db()
    return conference


def week(day: dt.date) -> str:
    return f"?view=week&week={week_of(day).first:%Y-%m-%d}"


def month(day: dt.date) -> str:
    return f"?view=month&month={day:%Y-%m}"


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def chair():
    return make_cp_chair(username="cp_chair", first_name="Cora", last_name="Chair")


def test_the_iros_week_and_month_show_their_conference_with_time_kind_due_date_and_lateness(client_for, iro, today):
    conference = book("Latimer", iro, today=today)
    client = client_for(iro)

    for query in (week(conference.booked_for), month(conference.booked_for)):
        page = text(client.get(CALENDAR + query))
        assert "Latimer family" in page
        assert "10:30" in page
        assert "Initial child protection conference" in page
        assert f"Due by {conference.due_on:%-d %B %Y}" in page
        assert "Late" in page
        assert f'href="{reverse("conferences:chair_detail", args=[conference.pk])}"' in page


def test_a_covered_chairs_conference_shows_and_another_chairs_does_not(client_for, iro, other_iro, today):
    away = make_iro(username="iro_away")
    covered = book("Covered", away, today=today)
    book("Elsewhere", other_iro, today=today)
    make_cover(absent_iro=away, covering_iro=iro, starts_on=today - dt.timedelta(days=1))

    page = text(client_for(iro).get(CALENDAR + week(covered.booked_for)))

    assert "Covered family" in page
    assert "Elsewhere family" not in page


def test_the_page_is_audited_naming_the_familys_children(client_for, iro, today):
    conference = book("Latimer", iro, today=today)
    client = client_for(iro)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client.get(CALENDAR + week(conference.booked_for))

    (event,) = AuditEvent.objects.filter(pk__gt=before)
    assert event.action == AuditAction.LISTED
    assert sorted(event.changes["child_ids"]) == sorted(p.child_id for p in conference.places.all())
    assert event.summary.endswith("0 booked reviews and 1 booked conference")


def test_a_child_protection_chair_opens_their_calendar_and_sees_no_reviews(client_for, chair, today):
    conference = book("Latimer", chair, today=today)

    page = text(client_for(chair).get(CALENDAR + week(conference.booked_for)))

    assert "Latimer family" in page
    assert "1 booked conference" in page
    assert "booked review" not in page
    assert f'href="{CALENDAR}"' in page  # the menu offers it
    assert client_for(chair).get(FEED_PAGE).status_code == 200


def test_the_committee_an_administrator_and_a_manager_have_no_calendar(
    client, client_for, committee, administrator, manager
):
    for user in (committee, administrator, manager):
        assert client_for(user).get(CALENDAR).status_code == 403
        assert client_for(user).get(FEED_PAGE).status_code == 403
    client.logout()
    assert client.get(CALENDAR).status_code == 302


def test_the_family_name_is_escaped(client_for, iro, manager, today):
    conference = book("<script>alert(1)</script>", iro, today=today)
    for response in (
        client_for(iro).get(CALENDAR + week(conference.booked_for)),
        client_for(iro).get(CALENDAR + month(conference.booked_for)),
        client_for(manager).get(SERVICE + week(conference.booked_for)),
    ):
        body = response.content.decode()
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt; family" in body


def test_the_service_calendar_lists_conferences_and_filters_by_chair_and_team(
    client_for, manager, iro, other_iro, today
):
    east = TeamFactory(name="East team")
    eastern = make_iro(username="iro_east", first_name="Esme", last_name="Kaur", team=east)
    day = today + dt.timedelta(days=2)
    for family, holder in (("Ashby", iro), ("Brook", other_iro), ("Crane", eastern)):
        book(family, holder, today=today)
    client = client_for(manager)

    everyone = text(client.get(SERVICE + week(day)))
    assert all(f"{family} family" in everyone for family in ("Ashby", "Brook", "Crane"))
    assert "Chair: Ada Okafor" in everyone

    by_iro = text(client.get(SERVICE + week(day) + f"&iro={other_iro.pk}"))
    assert "Brook family" in by_iro and "Ashby family" not in by_iro and "Crane family" not in by_iro

    by_team = text(client.get(SERVICE + month(day) + f"&team={east.pk}"))
    assert "Crane family" in by_team and "Ashby family" not in by_team and "Brook family" not in by_team


def test_a_service_calendar_too_busy_to_list_counts_the_conferences_each_day(
    client_for, manager, iro, other_iro, today, monkeypatch
):
    monkeypatch.setattr("reviews.views.calendar.LISTED_AT_MOST", 1)
    first = book("Ashby", iro, today=today)
    book("Brook", other_iro, today=today)

    page = text(client_for(manager).get(SERVICE + week(first.booked_for)))

    assert "More than 1 reviews are booked" in page
    assert "2 conferences booked" in page
    assert "Ashby" not in page and "Brook" not in page
    event = AuditEvent.objects.filter(action=AuditAction.LISTED).latest("pk")
    assert event.changes["child_ids"] == []


def _feed(client, client_for, user) -> bytes:
    client_for(user).post(FEED_PAGE, {"action": "create"})
    page = client_for(user).post(FEED_PAGE, {"action": "create"})
    address = re.search(r"https?://[^\s\"<]+/calendar/[^\s\"<]+", page.content.decode())
    assert address is not None
    client.logout()
    response = client.get(address.group(0).split("testserver", 1)[1])
    assert response.status_code == 200
    return response.content


def test_the_feed_has_the_conference_with_its_own_uid_no_venue_and_no_name(client, client_for, chair, today):
    conference = book("Latimer", chair, today=today, venue="12 Acacia Road")
    other = book("Elsewhere", make_cp_chair(username="other_chair"), today=today)
    children = [place.child for place in conference.places.select_related("child")]

    body = _feed(client, client_for, chair)

    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["UID"]) == f"conference-{conference.pk}@{settings.CALENDAR_UID_DOMAIN}"
    assert str(event["SUMMARY"]).startswith("Initial child protection conference: ")
    for child in children:
        assert child.local_reference in str(event["SUMMARY"])
    decoded = body.decode()
    for secret in ["Latimer", "Acacia", "Elsewhere", *(c.first_name for c in children)]:
        assert secret not in decoded
    assert "LOCATION" not in decoded
    assert f"conference-{other.pk}@" not in decoded
    fetched = AuditEvent.objects.filter(action=AuditAction.LISTED).latest("pk")
    assert sorted(fetched.changes["child_ids"]) == sorted(c.pk for c in children)


def test_an_iros_feed_has_their_reviews_and_conferences(client, client_for, iro, today):
    conference = book("Latimer", iro, today=today)

    body = _feed(client, client_for, iro).decode()

    assert f"UID:conference-{conference.pk}@" in body
    assert "Latimer" not in body


@pytest.mark.parametrize("count", [1, 6])
def test_the_calendars_read_a_fixed_number_of_queries(
    client_for, iro, other_iro, manager, today, django_assert_max_num_queries, count
):
    day = today + dt.timedelta(days=2)
    for n in range(count):
        book(f"Fam{n}", iro, today=today)
        book(f"Other{n}", other_iro, today=today)

    client = client_for(iro)
    for query in (week(day), month(day)):
        # The reviews calendar's eight, the conferences and their children (two).
        with django_assert_max_num_queries(10):
            page = text(client.get(CALENDAR + query))
        assert page.count(" family</a>") == count

    client = client_for(manager)
    for query in (week(day), month(day) + f"&team={iro.iro_profile.team_id}"):
        # The service calendar's ten, the conferences a day, the conferences and their children.
        with django_assert_max_num_queries(13):
            page = text(client.get(SERVICE + query))
        assert page.count(" family</a>") == 2 * count
