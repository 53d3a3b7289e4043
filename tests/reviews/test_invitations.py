"""Invitations to a booked review: one email per person around the child with the review's .ics
(REQUEST, then updates with a higher SEQUENCE, then CANCEL), never the child's full name, only to
this child's current contacts, and the IRO's own .ics download."""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from iro_service.models import AuditEvent
from reviews import ics, services
from reviews.models import Invitation, Review
from reviews.schedule import schedule_refresh
from tests.factories import ContactFactory, make_child_in_care
from tests.forms import date_fields
from tests.reviews.factories import book_anyway

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def _weekday(after: dt.date) -> dt.date:
    day = after + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def child(iro):
    child = make_child_in_care(
        iro=iro,
        looked_after_on=timezone.localdate() - dt.timedelta(days=10),
        first_name="Amelia",
        last_name="Thornbury",
        local_reference="R0042",
    )
    schedule_refresh([child.pk])
    return child


@pytest.fixture
def carer(child):
    return ContactFactory(child=child, role="carer", name="Pat Carer", email="pat@example.test")


@pytest.fixture
def mother(child):
    return ContactFactory(child=child, role="mother", name="Jo Mother", email="", address="1 High Street")


@pytest.fixture
def review(child, iro):
    return services.review_book(
        child=child,
        by=iro,
        booked_for=_weekday(timezone.localdate() + dt.timedelta(days=3)),
        starts_at=dt.time(10, 0),
        venue="Carer's home",
    )


def _calendar(message) -> icalendar.Calendar:
    (part,) = [a for a in message.attachments if a.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def _event(message):
    return _calendar(message).walk("VEVENT")[0]


def _invite(iro, review, contacts, capture, **kwargs):
    with capture(execute=True):
        return services.review_invite(review=review, contacts=contacts, by=iro, **kwargs)


def test_each_invitee_with_an_email_gets_one_email_with_the_review_as_a_calendar_request(
    iro, review, carer, mother, django_capture_on_commit_callbacks
):
    _invite(iro, review, [carer, mother], django_capture_on_commit_callbacks)

    (message,) = mail.outbox  # the mother has no email address: she is sent hers by post
    assert message.to == ["pat@example.test"]
    assert message.reply_to == [iro.email]
    assert message.subject == "Invitation: Looked-after review: A. T. (R0042)"
    (part,) = message.attachments
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    calendar = _calendar(message)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"review-{review.pk}@iro-service.localhost"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    start = event.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute) == (review.booked_for, 10, 0)
    assert event.decoded("DTEND") - start == dt.timedelta(minutes=90)
    assert str(event["LOCATION"]) == "Carer's home"
    assert str(event["SUMMARY"]) == "Looked-after review: A. T. (R0042)"
    assert "Amelia" in message.body and "Thornbury" not in message.body
    by_post = Invitation.objects.get(contact=mother)
    assert (by_post.email, by_post.sent_at) == ("", None)
    assert Invitation.objects.get(contact=carer).sent_at is not None


def test_the_invited_roles_are_kept_in_step_on_the_review(
    iro, review, carer, mother, django_capture_on_commit_callbacks
):
    _invite(iro, review, [carer, mother], django_capture_on_commit_callbacks, child=True)
    review.refresh_from_db()
    assert review.invited == ["carer", "child", "mother"]
    assert Invitation.objects.get(review=review, to_child=True).name == "Amelia"


def test_a_person_is_invited_once(iro, review, carer, django_capture_on_commit_callbacks):
    _invite(iro, review, [carer], django_capture_on_commit_callbacks)
    _invite(iro, review, [carer], django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert Invitation.objects.filter(review=review).count() == 1


def test_a_move_sends_everyone_an_update_with_the_next_sequence_and_the_same_uid(
    iro, review, carer, django_capture_on_commit_callbacks
):
    _invite(iro, review, [carer], django_capture_on_commit_callbacks)
    first = _event(mail.outbox[0])
    for days in (7, 14):
        with django_capture_on_commit_callbacks(execute=True):
            services.review_reschedule(
                review=review,
                by=iro,
                new_date=_weekday(review.booked_for + dt.timedelta(days=days)),
                reason="Carer ill",
                iro_consented=True,
            )

    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Invitation", "Updated", "Updated"]
    events = [_event(m) for m in mail.outbox]
    assert [e["SEQUENCE"] for e in events] == [0, 1, 2]
    assert {str(e["UID"]) for e in events} == {str(first["UID"])}
    review.refresh_from_db()
    assert events[-1].decoded("DTSTART").date() == review.booked_for
    assert "has moved" in mail.outbox[-1].body
    assert Invitation.objects.get(contact=carer).sequence == 2


def test_a_cancellation_sends_method_cancel(iro, review, carer, mother, django_capture_on_commit_callbacks):
    _invite(iro, review, [carer, mother], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_cancel(review=review, by=iro, reason="Child moved", iro_consented=True)

    message = mail.outbox[-1]
    assert len(mail.outbox) == 2
    assert message.subject.startswith("Cancelled: ")
    assert message.attachments[0].get_param("method") == "CANCEL"
    calendar = _calendar(message)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == f"review-{review.pk}@iro-service.localhost"
    assert Invitation.objects.filter(review=review, cancelled_at__isnull=False).count() == 2


def test_no_email_goes_if_the_booking_fails(iro, child, carer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="today or a later date"):
        services.review_book(
            child=child, by=iro, booked_for=timezone.localdate() - dt.timedelta(days=1), invite=[carer]
        )
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_the_childs_full_name_is_nowhere_in_the_ics_or_the_subject(
    iro, review, carer, django_capture_on_commit_callbacks
):
    _invite(iro, review, [carer], django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    ics_text = _calendar(message).to_ical().decode()
    for text in (ics_text, message.subject):
        assert "Amelia" not in text and "Thornbury" not in text
    assert "Thornbury" not in message.body


def test_script_and_line_breaks_in_the_venue_stay_inside_one_escaped_property(
    iro, child, carer, django_capture_on_commit_callbacks
):
    venue = f"{SCRIPT}\r\nATTENDEE:mailto:evil@example.test\r\nBcc: evil@example.test"
    review = services.review_book(child=child, by=iro, booked_for=_weekday(timezone.localdate()), venue=venue)
    _invite(iro, review, [carer], django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    raw = message.attachments[0].get_payload(decode=True).decode()
    assert "\nATTENDEE:mailto:evil" not in raw.replace("\r\n ", "")  # unfolded, no property of its own
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))  # folded
    event = _event(message)
    assert str(event["LOCATION"]) == venue.strip().replace("\r\n", "\n")
    assert [str(a) for a in event.get("ATTENDEE") if a] == ["mailto:pat@example.test"] or str(
        event["ATTENDEE"]
    ) == "mailto:pat@example.test"
    assert message.recipients() == ["pat@example.test"]
    assert "Bcc" not in str(message.message()["Bcc"] or "")


def test_a_contact_of_another_child_is_refused_and_nothing_is_sent(
    iro, review, carer, django_capture_on_commit_callbacks
):
    stranger = ContactFactory(email="stranger@example.test")  # someone else's child
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="people around this child"):
        services.review_invite(review=review, contacts=[carer, stranger], by=iro)
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_a_contact_no_longer_in_their_role_is_refused(iro, review, child, django_capture_on_commit_callbacks):
    former = ContactFactory(child=child, ended_on=timezone.localdate() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="people around this child"):
        services.review_invite(review=review, contacts=[former], by=iro)
    assert mail.outbox == []


def test_inviting_is_audited(iro, review, carer, mother, django_capture_on_commit_callbacks):
    _invite(iro, review, [carer, mother], django_capture_on_commit_callbacks)
    summaries = set(
        AuditEvent.objects.filter(child_id=review.child_id, object_type="reviews.Invitation").values_list(
            "summary", flat=True
        )
    )
    assert summaries == {"Invited to the review (carer, by email)", "Invited to the review (mother, by post)"}
    assert not any("Pat" in s or "Jo" in s for s in summaries)


# --- Through the pages ------------------------------------------------------------------------------


def test_booking_with_invitees_ticked_sends_their_invitations(
    client_for, iro, child, carer, mother, django_capture_on_commit_callbacks
):
    day = _weekday(timezone.localdate())
    page = client_for(iro).get(reverse("reviews:book", args=[child.pk])).text
    assert "Pat Carer (Carer), by email." in page
    assert "Jo Mother (Mother), no email address: send by post." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(iro).post(
            reverse("reviews:book", args=[child.pk]),
            {
                **date_fields("booked_for", day),
                "starts_at": "09:30",
                "invite": [carer.pk, mother.pk],
                **book_anyway(child, day, starts_at=dt.time(9, 30)),
            },
        )

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["pat@example.test"]]
    review = Review.objects.get(child=child)
    assert sorted(review.invited) == ["carer", "mother"]
    text = client_for(iro).get(reverse("reviews:invitations", args=[review.pk])).text
    assert "No email address: send by post" in text
    assert "Jo Mother" in text


def test_booking_with_another_childs_contact_in_the_post_is_an_error_and_nothing_is_sent(
    client_for, iro, child, carer, django_capture_on_commit_callbacks
):
    stranger = ContactFactory(email="stranger@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(iro).post(
            reverse("reviews:book", args=[child.pk]),
            {**date_fields("booked_for", _weekday(timezone.localdate())), "invite": [carer.pk, stranger.pk]},
        )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_invite_1"' in response.text
    assert "Choose only people around this child who hold their role now" in response.text
    assert mail.outbox == []
    assert not Review.objects.exists()


def test_the_invitations_page_invites_more_people(
    client_for, iro, review, carer, mother, django_capture_on_commit_callbacks
):
    url = reverse("reviews:invitations", args=[review.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(iro).post(url, {"invite": [carer.pk]})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    page = client_for(iro).get(url).text
    # The carer is invited now, so only the mother is left to tick.
    assert f'value="{mother.pk}"' in page and f'value="{carer.pk}"' not in page
    response = client_for(iro).post(url, {})
    assert "Choose who to invite" in response.text


def test_another_iros_review_or_contact_is_refused_and_nothing_is_sent(
    client_for, iro, other_iro, review, carer, django_capture_on_commit_callbacks
):
    theirs = make_child_in_care(iro=other_iro, looked_after_on=timezone.localdate() - dt.timedelta(days=10))
    their_contact = ContactFactory(child=theirs, email="theirs@example.test")
    their_review = services.review_book(child=theirs, by=other_iro, booked_for=_weekday(timezone.localdate()))

    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(iro).get(reverse("reviews:invitations", args=[their_review.pk])).status_code == 404
        assert (
            client_for(iro)
            .post(reverse("reviews:invitations", args=[their_review.pk]), {"invite": [their_contact.pk]})
            .status_code
            == 404
        )
        assert client_for(iro).get(reverse("reviews:calendar_file", args=[their_review.pk])).status_code == 404
        response = client_for(iro).post(
            reverse("reviews:invitations", args=[review.pk]), {"invite": [their_contact.pk]}
        )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_a_committee_member_and_anonymous_cannot_see_invitations_or_the_ics(client_for, client, committee, review):
    for name in ("reviews:invitations", "reviews:calendar_file"):
        assert client_for(committee).get(reverse(name, args=[review.pk])).status_code == 403
    client.logout()
    for name in ("reviews:invitations", "reviews:calendar_file"):
        assert client.get(reverse(name, args=[review.pk])).status_code == 302


def test_the_iro_downloads_the_reviews_ics_and_the_download_is_audited(client_for, iro, review):
    response = client_for(iro).get(reverse("reviews:calendar_file", args=[review.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="review-{review.pk}.ics"' in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == ics.review_uid(review)
    assert "Amelia" not in response.content.decode()
    assert AuditEvent.objects.filter(
        child_id=review.child_id, summary="Review calendar file downloaded", object_id=str(review.pk)
    ).exists()


def test_a_script_in_a_contacts_name_is_escaped_on_the_pages(client_for, iro, review, child):
    ContactFactory(child=child, name=SCRIPT, email="")
    for url in (reverse("reviews:invitations", args=[review.pk]), reverse("reviews:book", args=[child.pk])):
        text = client_for(iro).get(url).text
        assert SCRIPT not in text, url
        assert "&lt;script&gt;" in text, url


def test_the_ticked_invitees_stay_ticked_while_warnings_are_confirmed(
    client_for, iro, child, carer, django_capture_on_commit_callbacks
):
    saturday = timezone.localdate() + dt.timedelta(days=1)
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)
    post = {**date_fields("booked_for", saturday), "invite": [carer.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(iro).post(reverse("reviews:book", args=[child.pk]), post)
    assert "is a Saturday" in response.text
    assert f'value="{carer.pk}"' in response.text and "checked" in response.text.split(f'value="{carer.pk}"')[1][:80]
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        client_for(iro).post(reverse("reviews:book", args=[child.pk]), {**post, **book_anyway(child, saturday)})
    assert [m.to for m in mail.outbox] == [["pat@example.test"]]


def test_moving_keeps_the_start_time_unless_a_new_one_is_given(iro, review):
    later = _weekday(review.booked_for + dt.timedelta(days=7))
    services.review_reschedule(review=review, by=iro, new_date=later, reason="Exams", iro_consented=True)
    review.refresh_from_db()
    assert (review.booked_for, review.starts_at, review.ics_sequence) == (later, dt.time(10, 0), 1)
    services.review_reschedule(
        review=review, by=iro, new_date=later, starts_at=dt.time(15, 0), reason="School day", iro_consented=True
    )
    review.refresh_from_db()
    assert (review.starts_at, review.ics_sequence) == (dt.time(15, 0), 2)
    assert [c.kind for c in review.date_changes.order_by("pk")] == ["postponed", "postponed"]


@pytest.mark.parametrize("size", [2, 12])
def test_the_invitations_page_runs_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, iro, child, review, size, django_capture_on_commit_callbacks
):
    contacts = [ContactFactory(child=child, email="" if n % 2 else f"c{n}@example.test") for n in range(size)]
    _invite(iro, review, contacts[: size // 2], django_capture_on_commit_callbacks)
    client = client_for(iro)
    client.get(reverse("reviews:invitations", args=[review.pk]))
    with django_assert_max_num_queries(11):
        response = client.get(reverse("reviews:invitations", args=[review.pk]))
    assert len(response.context["invitations"]) == size // 2


def test_a_review_without_a_start_time_is_a_whole_day_event(iro, child):
    review = services.review_book(child=child, by=iro, booked_for=_weekday(timezone.localdate()))
    event = icalendar.Calendar.from_ical(ics.review_ics(review)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == review.booked_for
    assert event.decoded("DTEND") == review.booked_for + dt.timedelta(days=1)


@pytest.mark.parametrize(("day", "utc_hour"), [(dt.date(2027, 7, 14), 9), (dt.date(2027, 1, 13), 10)])
def test_a_start_time_is_london_time_in_summer_and_winter(iro, child, day, utc_hour):
    review = Review(child=child, chair=iro, booked_for=day, starts_at=dt.time(10, 0), duration_minutes=60, pk=7)
    calendar = icalendar.Calendar.from_ical(ics.review_ics(review))
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    start = calendar.walk("VEVENT")[0].decoded("DTSTART")
    assert start.astimezone(dt.UTC).hour == utc_hour


def test_family_are_not_emailed_the_venue_and_professionals_are(
    iro, review, carer, child, django_capture_on_commit_callbacks
):
    """The venue is often the child's placement, which a parent may not be allowed to know."""
    father = ContactFactory(child=child, role="father", name="Sam Father", email="sam@example.test")
    _invite(iro, review, [carer, father], django_capture_on_commit_callbacks)

    by_person = {message.to[0]: message for message in mail.outbox}
    to_father, to_carer = by_person["sam@example.test"], by_person["pat@example.test"]
    assert "Carer's home" not in to_father.body
    assert "Where: the IRO will tell you where the review is held" in to_father.body
    assert "LOCATION" not in _event(to_father)
    assert "Carer's home" not in _calendar(to_father).to_ical().decode()
    assert "Where: Carer's home" in to_carer.body
    assert str(_event(to_carer)["LOCATION"]) == "Carer's home"


def test_a_moved_review_still_keeps_the_venue_from_family(
    iro, review, carer, child, django_capture_on_commit_callbacks
):
    father = ContactFactory(child=child, role="father", name="Sam Father", email="sam@example.test")
    _invite(iro, review, [father], django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.review_reschedule(
            review=review,
            by=iro,
            new_date=review.booked_for + dt.timedelta(days=7),
            reason="Exams",
            iro_consented=True,
            venue="14 Foster Lane",
        )

    (update,) = mail.outbox
    assert "14 Foster Lane" not in update.body and "14 Foster Lane" not in _calendar(update).to_ical().decode()
