"""An IRO's private calendar feed: made and revoked on /reviews/calendar/feed/, fetched without
signing in at /reviews/calendar/feed/<token>.ics (reviews.feeds)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from icalendar import Calendar

from children import services as children_services
from children.models import CoverArrangement
from iro_service.models import AuditAction, AuditEvent
from reviews import feeds, ics
from reviews.models import CalendarFeedToken, Review
from tests.factories import make_child_in_care, make_cover

pytestmark = pytest.mark.django_db

PAGE = reverse("reviews:calendar_feed")


def booked(child, *, iro, on: dt.date, venue: str = "") -> Review:
    return Review.objects.create(child=child, chair=iro, created_by=iro, status="booked", booked_for=on, venue=venue)


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _create(client) -> str:
    """Make a feed address through the page; return the address shown."""
    response = client.post(PAGE, {"action": "create"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    (address,) = re.findall(r'<code id="feed-address">([^<]+)</code>', response.content.decode())
    return address


def _path(address: str) -> str:
    return address.removeprefix("http://testserver")


def _summaries(client, address: str) -> set[str]:
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(client.get(_path(address)).content).walk("VEVENT")}


@pytest.fixture
def children(iro, other_iro, today):
    """Two children the IRO holds with reviews booked, and one of the other IRO's."""
    maisie = make_child_in_care(iro=iro, first_name="Maisie", last_name="Ngata", local_reference="LR-0001")
    lorcan = make_child_in_care(iro=iro, first_name="Lorcan", last_name="Price", local_reference="LR-0002")
    theo = make_child_in_care(iro=other_iro, first_name="Theo", last_name="Bright", local_reference="LR-0003")
    booked(maisie, iro=iro, on=today + dt.timedelta(days=3), venue="14 Acacia Avenue, foster home")
    booked(lorcan, iro=iro, on=today + dt.timedelta(days=20), venue="Oak House children's home")
    booked(theo, iro=other_iro, on=today + dt.timedelta(days=3), venue="Town hall")
    return maisie, lorcan, theo


def test_the_feed_lists_the_iros_booked_reviews_as_all_day_events_with_initials_only(
    client, client_for, iro, children, today
):
    address = _create(client_for(iro))
    client.logout()

    response = client.get(_path(address))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: str(e["SUMMARY"]))
    assert [str(e["SUMMARY"]) for e in events] == [
        "Looked-after review: L. P. (LR-0002)",
        "Looked-after review: M. N. (LR-0001)",
    ]
    assert [e.decoded("DTSTART") for e in events] == [today + dt.timedelta(days=20), today + dt.timedelta(days=3)]
    assert all(type(e.decoded("DTSTART")) is dt.date for e in events)
    assert b"DTSTART;VALUE=DATE:" in response.content
    body = response.content.decode()
    for secret in ("Maisie", "Ngata", "Lorcan", "Price", "Acacia", "Oak House", "Theo", "LR-0003", "Town hall"):
        assert secret not in body
    assert "LOCATION" not in body


def test_each_fetch_is_audited_once_naming_the_user_and_the_children_listed(client, client_for, iro, children):
    address = _create(client_for(iro))
    client.logout()
    before = _last_event_id()

    client.get(_path(address))

    (event,) = AuditEvent.objects.filter(pk__gt=before)
    token = CalendarFeedToken.objects.get(user=iro)
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        iro,
        AuditAction.LISTED,
        "reviews.CalendarFeedToken",
        str(token.pk),
    )
    assert sorted(event.changes["child_ids"]) == sorted(c.pk for c in children[:2])
    assert event.summary == "Calendar feed fetched: 2 booked reviews"
    assert event.path == PAGE  # never the feed's own URL: it holds the secret
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_token_is_stored_only_as_its_hash(client_for, iro, children):
    address = _create(client_for(iro))
    raw = address.rsplit("/", 1)[1].removesuffix(".ics")

    token = CalendarFeedToken.objects.get(user=iro)
    assert len(raw) >= 43
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not CalendarFeedToken.objects.filter(token_hash__contains=raw).exists()
    for event in AuditEvent.objects.all():
        assert raw not in f"{event.summary}{event.changes}{event.path}{event.object_id}"
    # The page shown later never repeats it.
    assert raw not in client_for(iro).get(PAGE).content.decode()


def test_a_wrong_or_revoked_token_gets_404(client, client_for, iro, children):
    signed_in = client_for(iro)
    address = _create(signed_in)
    assert client.get(_path(address)[:-10] + "xxxxxx.ics").status_code == 404

    before = _last_event_id()
    response = signed_in.post(PAGE, {"action": "revoke"})
    assert response.status_code == 302
    (event,) = AuditEvent.objects.filter(pk__gt=before)
    assert (event.actor, event.action, event.summary) == (iro, AuditAction.UPDATED, "Calendar feed address revoked")
    assert CalendarFeedToken.objects.get(user=iro).revoked_at is not None

    client.logout()
    before = _last_event_id()
    assert client.get(_path(address)).status_code == 404
    assert not AuditEvent.objects.filter(pk__gt=before, action=AuditAction.LISTED).exists()


def test_a_replaced_address_stops_working_and_the_new_one_works(client, client_for, iro, children):
    signed_in = client_for(iro)
    old = _create(signed_in)
    before = _last_event_id()
    new = _create(signed_in)

    assert old != new
    assert [(e.action, e.summary) for e in AuditEvent.objects.filter(pk__gt=before).order_by("pk")] == [
        (AuditAction.UPDATED, "Calendar feed address replaced"),
        (AuditAction.CREATED, "Calendar feed address created"),
    ]
    assert CalendarFeedToken.objects.filter(user=iro).count() == 2
    assert CalendarFeedToken.objects.active().filter(user=iro).count() == 1
    client.logout()
    assert client.get(_path(old)).status_code == 404
    assert client.get(_path(new)).status_code == 200


def test_a_user_has_at_most_one_active_token(iro):
    CalendarFeedToken.objects.create(user=iro, token_hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeedToken.objects.create(user=iro, token_hash="b" * 64)


def test_a_user_no_longer_active_or_no_longer_an_iro_gets_404(client, client_for, iro, children):
    address = _create(client_for(iro))
    client.logout()

    iro.is_active = False
    iro.save()
    assert client.get(_path(address)).status_code == 404

    iro.is_active = True
    iro.save()
    assert client.get(_path(address)).status_code == 200

    iro.groups.remove(Group.objects.get(name="IRO"))
    assert client.get(_path(address)).status_code == 404


def test_a_child_reallocated_to_another_iro_drops_out_and_covered_children_come_in(
    client, client_for, iro, other_iro, manager, children, today
):
    maisie, _, theo = children
    address = _create(client_for(iro))
    client.logout()
    children_services.allocation_change(
        child=maisie, by=manager, iro=other_iro, starts_on=today, reason="Caseload balance"
    )
    make_cover(absent_iro=other_iro, covering_iro=iro, starts_on=today, ends_on=today + dt.timedelta(days=7))

    summaries = _summaries(client, address)

    # Covering the other IRO, this IRO sees their children (Maisie included) while the cover lasts.
    assert summaries == {
        "Looked-after review: L. P. (LR-0002)",
        "Looked-after review: M. N. (LR-0001)",
        "Looked-after review: T. B. (LR-0003)",
    }

    CoverArrangement.objects.update(ends_on=today - dt.timedelta(days=1), starts_on=today - dt.timedelta(days=2))
    summaries = _summaries(client, address)
    assert summaries == {"Looked-after review: L. P. (LR-0002)"}


def test_the_committee_and_a_manager_cannot_make_a_feed(client, client_for, committee, manager):
    for user in (committee, manager):
        assert client_for(user).post(PAGE, {"action": "create"}).status_code == 403
        assert client_for(user).get(PAGE).status_code == 403
    client.logout()
    assert client.post(PAGE, {"action": "create"}).status_code == 302
    assert not CalendarFeedToken.objects.exists()


def test_an_unknown_action_is_refused_with_an_error_and_writes_nothing(client_for, iro):
    response = client_for(iro).post(PAGE, {"action": "delete-everything"})

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert 'href="#feed-actions"' in response.content.decode()
    assert not CalendarFeedToken.objects.exists()


def test_the_page_offers_to_create_then_to_replace_or_revoke(client_for, iro):
    client = client_for(iro)
    assert "Create a feed address" in client.get(PAGE).content.decode()

    _create(client)

    page = client.get(PAGE).content.decode()
    assert "Replace the feed address" in page and "Revoke the feed address" in page
    assert "Create a feed address" not in page
    assert 'href="' + PAGE + '"' in client.get(reverse("reviews:calendar")).content.decode()


def test_script_and_separators_in_the_reference_are_escaped_in_the_feed(iro, today):
    child = make_child_in_care(iro=iro, first_name="<script>", last_name="Ng", local_reference="A;B,C\\D")
    booked(child, iro=iro, on=today)
    token = feeds.calendar_feed_token_create(by=iro).token

    body = feeds.feed_calendar(token=token, base_url="https://iro.example/")

    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Looked-after review: S. N. (A;B,C\\D)"
    assert b"A\\;B\\,C\\\\D" in body
    assert "script" not in body.decode()


def test_a_review_with_a_time_is_a_timed_event_with_the_uid_and_title_of_its_invitation(iro, today):
    """A calendar holding both the feed and an emailed invitation shows the review once."""
    child = make_child_in_care(iro=iro, first_name="Maisie", last_name="Ngata", local_reference="LR-0001")
    review = booked(child, iro=iro, on=today + dt.timedelta(days=7))
    review.starts_at, review.duration_minutes = dt.time(14, 30), 60
    review.save(update_fields=["starts_at", "duration_minutes"])
    token = feeds.calendar_feed_token_create(by=iro).token

    (event,) = Calendar.from_ical(feeds.feed_calendar(token=token, base_url="https://iro.example/")).walk("VEVENT")

    (invited,) = Calendar.from_ical(ics.review_ics(review, method=ics.REQUEST)).walk("VEVENT")
    assert str(event["UID"]) == str(invited["UID"])
    assert str(event["SUMMARY"]) == str(invited["SUMMARY"]) == "Looked-after review: M. N. (LR-0001)"
    start = event.decoded("DTSTART")
    assert (start.date(), start.time(), str(start.tzinfo)) == (
        today + dt.timedelta(days=7),
        dt.time(14, 30),
        "Europe/London",
    )
    assert event.decoded("DTEND") - start == dt.timedelta(minutes=60)
    assert "LOCATION" not in event
