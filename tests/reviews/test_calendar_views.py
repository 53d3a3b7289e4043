"""The calendars of booked reviews: an IRO's own (/reviews/calendar/) and a manager's across the
service (/reviews/service/calendar/), by week and by month."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from children.models import IROAllocation
from iro_service.models import AuditAction, AuditEvent
from reviews.calendar_window import month_of, week_of, window_from
from reviews.models import ClosureDay, Review
from tests.factories import TeamFactory, make_child_in_care, make_cover, make_iro

pytestmark = pytest.mark.django_db

CALENDAR = reverse("reviews:calendar")
SERVICE = reverse("reviews:service_calendar")
#: A week of December 2026 (Monday 7th to Sunday 13th) and the month.
WEEK = "?view=week&week=2026-12-09"
DECEMBER = "?view=month&month=2026-12"


def booked(child, *, on: dt.date, venue: str = "", chair=None) -> Review:
    iro = chair or IROAllocation.objects.get(child=child, ended_on__isnull=True).iro
    return Review.objects.create(child=child, chair=iro, created_by=iro, status="booked", booked_for=on, venue=venue)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_week_lists_the_iros_booked_reviews_of_that_week_only(client_for, iro, other_iro):
    mine = make_child_in_care(iro=iro, first_name="Maisie", last_name="Ng")
    later = make_child_in_care(iro=iro, first_name="Lorcan", last_name="Price")
    cancelled = make_child_in_care(iro=iro, first_name="Cato", last_name="Voss")
    theirs = make_child_in_care(iro=other_iro, first_name="Theo", last_name="Bright")
    review = booked(mine, on=dt.date(2026, 12, 9), venue="Riverside family centre")
    booked(later, on=dt.date(2026, 12, 14))
    booked(theirs, on=dt.date(2026, 12, 9))
    Review.objects.create(
        child=cancelled, chair=iro, created_by=iro, status="cancelled", booked_for=dt.date(2026, 12, 10)
    )

    response = client_for(iro).get(CALENDAR + WEEK)

    assert response.status_code == 200
    text = _text(response)
    assert "Week of 7 December 2026" in text
    assert "Wednesday 9 December" in text and "Sunday 13 December" in text
    assert f'href="{reverse("reviews:detail", args=[review.pk])}">Maisie Ng</a>' in text
    assert "Riverside family centre" in text
    assert "1 booked review" in text
    for absent in ("Lorcan", "Cato", "Theo"):
        assert absent not in text
    assert text.count("No reviews booked") == 6


def test_the_default_week_is_this_week_with_today_marked(client_for, iro, today):
    child = make_child_in_care(iro=iro, first_name="Maisie", last_name="Ng")
    booked(child, on=today)

    text = _text(client_for(iro).get(CALENDAR))

    monday = today - dt.timedelta(days=today.weekday())
    assert f"Week of {monday:%-d %B %Y}" in text
    assert 'aria-current="date"' in text
    assert ">Today</strong>" in text
    assert "Maisie Ng" in text


def test_the_month_marks_weekends_bank_holidays_closures_and_links_on(client_for, iro):
    child = make_child_in_care(iro=iro, first_name="Maisie", last_name="Ng")
    booked(child, on=dt.date(2026, 12, 22), venue="School")
    ClosureDay.objects.create(day=dt.date(2026, 12, 24), reason="Council closed")

    response = client_for(iro).get(CALENDAR + DECEMBER)

    text = _text(response)
    assert '<h2 class="govuk-heading-m">December 2026</h2>' in text
    assert 'role="region" aria-labelledby="month-caption" tabindex="0"' in text
    assert "Reviews booked in December 2026" in text
    # Christmas Day, Boxing Day (a Saturday) and its substitute Monday 28th, and New Year's Day
    # in the last week shown.
    assert text.count(">Bank holiday</strong>") == 4
    assert ">Closed: Council closed</strong>" in text
    # The grid runs Monday 30 November to Sunday 3 January: ten weekend days.
    assert text.count(">Weekend</strong>") == 10
    assert text.count('<tr class="govuk-table__row">') == 6  # the header and five weeks
    assert "Maisie Ng" in text and "School" in text
    assert 'href="?view=month&amp;month=2026-11"' in text
    assert 'href="?view=month&amp;month=2027-01"' in text
    assert 'href="?view=week&amp;week=2026-11-30"' in text


def test_the_week_links_to_the_weeks_either_side(client_for, iro):
    text = _text(client_for(iro).get(CALENDAR + WEEK))

    assert 'href="?view=week&amp;week=2026-11-30"' in text
    assert 'href="?view=week&amp;week=2026-12-14"' in text
    assert 'href="?view=month&amp;month=2026-12"' in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?view=month&month=2026-13", "The month must be a year and month, like 2026-12"),
        ("?view=week&week=not-a-date", "The week must be a date, like 2026-11-30"),
        ("?view=year", "Choose a week or a month"),
    ],
)
def test_a_malformed_address_shows_the_current_week_and_says_what_was_wrong(client_for, iro, today, query, message):
    text = _text(client_for(iro).get(CALENDAR + query))

    assert "There is a problem" in text
    assert f'<a href="#calendar">{message}</a>' in text
    assert f"Week of {week_of(today).first:%-d %B %Y}" in text


def test_the_windows_run_monday_to_sunday_and_cover_whole_months():
    assert week_of(dt.date(2026, 12, 13)) == week_of(dt.date(2026, 12, 7))
    assert (week_of(dt.date(2026, 12, 13)).first, week_of(dt.date(2026, 12, 13)).last) == (
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 13),
    )
    february = month_of(dt.date(2027, 2, 14))
    assert (february.first, february.last) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))
    assert february.following.month == dt.date(2027, 3, 1)
    assert month_of(dt.date(2027, 1, 31)).previous.month == dt.date(2026, 12, 1)
    assert window_from({"view": "month", "month": "2026-12"}, today=dt.date(2026, 1, 1)).window.month == dt.date(
        2026, 12, 1
    )


def test_a_covering_iro_sees_the_reviews_of_the_iro_they_cover(client_for, iro, other_iro, today):
    theirs = make_child_in_care(iro=other_iro, first_name="Theo", last_name="Bright")
    booked(theirs, on=today)
    make_cover(absent_iro=other_iro, covering_iro=iro, starts_on=today - dt.timedelta(days=1))

    assert "Theo Bright" in _text(client_for(iro).get(CALENDAR))


def test_the_iro_calendar_is_refused_to_the_committee_a_manager_and_anyone_signed_out(
    client, client_for, committee, manager
):
    assert client.get(CALENDAR).status_code == 302
    assert client_for(committee).get(CALENDAR).status_code == 403
    assert client_for(manager).get(CALENDAR).status_code == 403


def test_the_service_calendar_is_for_managers_only(client, client_for, iro, committee):
    assert client.get(SERVICE).status_code == 302
    assert client_for(iro).get(SERVICE).status_code == 403
    assert client_for(committee).get(SERVICE).status_code == 403


def test_the_manager_sees_every_iros_reviews_and_filters_by_iro_and_team(client_for, manager, iro, other_iro):
    east = TeamFactory(name="East team")
    eastern = make_iro(username="iro_east", first_name="Esme", last_name="Kaur", team=east)
    children = {
        name: make_child_in_care(iro=holder, first_name=name, last_name="Test")
        for name, holder in (("Maisie", iro), ("Theo", other_iro), ("Eira", eastern))
    }
    for child in children.values():
        booked(child, on=dt.date(2026, 12, 9), venue="Town hall")
    client = client_for(manager)

    everyone = _text(client.get(SERVICE + WEEK))
    assert all(f"{name} Test" in everyone for name in children)
    assert "IRO: Ada Okafor" in everyone

    by_iro = _text(client.get(SERVICE + WEEK + f"&iro={other_iro.pk}"))
    assert "Theo Test" in by_iro and "Maisie Test" not in by_iro and "Eira Test" not in by_iro
    assert "IRO: Ben Harris" in by_iro
    # The window's links keep the filter.
    assert f'href="?view=week&amp;week=2026-12-14&amp;iro={other_iro.pk}"' in by_iro

    by_team = _text(client.get(SERVICE + DECEMBER + f"&team={east.pk}"))
    assert "Eira Test" in by_team and "Maisie Test" not in by_team and "Theo Test" not in by_team


def test_the_page_is_audited_once_naming_the_children_listed(client_for, iro, other_iro):
    mine = make_child_in_care(iro=iro)
    booked(mine, on=dt.date(2026, 12, 9))
    booked(make_child_in_care(iro=other_iro), on=dt.date(2026, 12, 9))
    client = client_for(iro)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client.get(CALENDAR + WEEK)

    (event,) = AuditEvent.objects.filter(pk__gt=before)
    assert (event.actor, event.action, event.changes["child_ids"]) == (iro, AuditAction.LISTED, [mine.pk])
    assert event.summary == "My calendar, Week of 7 December 2026: 1 booked review"


def test_script_in_names_and_venues_is_escaped(client_for, iro, manager):
    child = make_child_in_care(iro=iro, first_name="<script>alert(1)</script>", last_name="Ng")
    booked(child, on=dt.date(2026, 12, 9), venue="<script>alert(2)</script>")
    ClosureDay.objects.create(day=dt.date(2026, 12, 10), reason="<script>alert(3)</script>")

    for response in (
        client_for(iro).get(CALENDAR + WEEK),
        client_for(iro).get(CALENDAR + DECEMBER),
        client_for(manager).get(SERVICE + WEEK),
    ):
        body = response.content.decode()
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body


def test_the_navigation_links_to_the_calendars(client_for, iro, manager):
    assert f'href="{CALENDAR}"' in _text(client_for(iro).get(reverse("reviews:home")))
    assert f'href="{SERVICE}"' in _text(client_for(manager).get(reverse("reviews:service")))
    assert f'href="{CALENDAR}"' not in _text(client_for(manager).get(reverse("reviews:service")))


def _fill(iro, count: int, *, on: dt.date) -> None:
    for n in range(count):
        child = make_child_in_care(iro=iro, first_name=f"Kid{n}")
        booked(child, on=on + dt.timedelta(days=n % 7), venue=f"Venue {n}")


@pytest.mark.parametrize("count", [2, 14])
def test_the_iro_calendar_reads_a_fixed_number_of_queries(client_for, iro, django_assert_max_num_queries, count):
    _fill(iro, count, on=dt.date(2026, 12, 7))
    client = client_for(iro)

    for query in (WEEK, DECEMBER):
        # The session, the user, two for permissions, the reviews, the closures, the header's
        # roles, the audit event and the booked conferences (CALENDAR_SOURCES): however many
        # reviews there are.
        with django_assert_max_num_queries(9):
            response = client.get(CALENDAR + query)
        assert _text(response).count("Kid") >= count


@pytest.mark.parametrize("count", [2, 14])
def test_the_service_calendar_reads_a_fixed_number_of_queries(
    client_for, manager, iro, other_iro, django_assert_max_num_queries, count
):
    _fill(iro, count, on=dt.date(2026, 12, 7))
    _fill(other_iro, count, on=dt.date(2026, 12, 7))
    client = client_for(manager)

    for query in (WEEK, DECEMBER + f"&team={iro.iro_profile.team_id}"):
        # The same, the filter's IROs and teams (one query), the reviews a day (one) and the
        # conferences a day (one).
        with django_assert_max_num_queries(12):
            response = client.get(SERVICE + query)
        assert _text(response).count("Kid") >= 2 * count


def test_the_reviews_read_are_only_the_windows(iro):
    """The page's query is bounded by the window's first and last day (the booked_for index)."""
    child = make_child_in_care(iro=iro)
    inside = booked(child, on=dt.date(2026, 12, 13))
    other = make_child_in_care(iro=iro)
    booked(other, on=dt.date(2026, 12, 14))
    window = week_of(dt.date(2026, 12, 9))

    rows = Review.objects.visible_to(iro).booked_between(window.first, window.last)

    assert list(rows) == [inside]
    sql = str(rows.query)
    assert '"booked_for" >= 2026-12-07' in sql and '"booked_for" <= 2026-12-13' in sql


def test_a_service_calendar_too_busy_to_list_shows_how_many_each_day_and_asks_for_a_filter(
    client_for, manager, iro, other_iro, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("reviews.views.calendar.LISTED_AT_MOST", 3)
    _fill(iro, 2, on=dt.date(2026, 12, 7))
    _fill(other_iro, 2, on=dt.date(2026, 12, 9))
    client = client_for(manager)

    with django_assert_max_num_queries(10):  # the counts alone (and the conferences'): no list is read
        text = _text(client.get(SERVICE + WEEK))

    assert "More than 3 reviews are booked in this week, so each day shows how many." in text
    assert text.count("1 review booked") == 4  # one a day from Monday 7th to Thursday 10th
    assert "Kid" not in text  # no child is named
    event = AuditEvent.objects.filter(action=AuditAction.LISTED).latest("pk")
    assert event.summary.endswith("4 booked reviews (counts by day; no child named)")
    assert event.changes["child_ids"] == []

    one_iro = _text(client.get(SERVICE + WEEK + f"&iro={iro.pk}"))
    assert "More than" not in one_iro and one_iro.count("Kid") >= 2
