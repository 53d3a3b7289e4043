"""Booking protects the deadline: the page warns, and never refuses, when a date is late, not a
working day, or the chair already has a review then; "Book anyway" confirms."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from children import services as children_services
from iro_service.models import AuditEvent
from reviews import services
from reviews.booking_warnings import OtherBooking, booking_warnings, is_early_after_change
from reviews.deadlines import england_bank_holidays
from reviews.models import ClosureDay, Review
from reviews.schedule import schedule_refresh
from tests.factories import make_child_in_care
from tests.forms import date_fields
from tests.reviews.factories import book_anyway

D = dt.date
T = dt.time
HOLIDAYS = england_bank_holidays(D(2026, 1, 1), D(2027, 12, 31))
CLOSURES = {D(2026, 12, 29): "Christmas closure"}
DUE = D(2026, 12, 31)  # a Thursday


@pytest.mark.parametrize(
    ("day", "kinds"),
    [
        (D(2026, 12, 9), []),  # a Wednesday, before the due date
        (D(2026, 12, 31), []),  # the due date itself is on time
        (D(2027, 1, 4), ["late"]),  # the Monday after
        (D(2026, 12, 12), ["weekend"]),  # a Saturday
        (D(2026, 12, 13), ["weekend"]),  # a Sunday
        (D(2026, 12, 25), ["bank_holiday"]),  # Christmas Day, a Friday
        (D(2026, 12, 28), ["bank_holiday"]),  # Boxing Day falls on a Saturday: the Monday is the holiday
        (D(2026, 12, 29), ["closure"]),  # the council's closure day, not a bank holiday
        (D(2027, 1, 1), ["late", "bank_holiday"]),  # New Year's Day, after the due date
        (D(2027, 1, 2), ["late", "weekend"]),
        (D(2027, 3, 26), ["late", "bank_holiday"]),  # Good Friday 2027
    ],
)
def test_the_warnings_of_a_date(day, kinds):
    warnings = booking_warnings(day, due_on=DUE, bank_holidays=HOLIDAYS, closures=CLOSURES)
    assert [w.kind for w in warnings] == kinds


@pytest.mark.parametrize(
    ("due_on", "day", "text"),
    [
        (
            D(2027, 1, 31),
            D(2027, 2, 1),
            "1 February 2027 is after the review is due (31 January 2027): it would be 1 day late.",
        ),
        (D(2027, 2, 28), D(2027, 3, 3), "it would be 3 days late."),  # month end, not a leap year
        (D(2028, 2, 29), D(2028, 3, 1), "it would be 1 day late."),
    ],
)
def test_a_late_date_says_how_late_across_month_ends(due_on, day, text):
    (warning,) = booking_warnings(day, due_on=due_on, bank_holidays=HOLIDAYS)
    assert text in warning.text


def test_no_due_date_known_gives_no_late_warning():
    assert booking_warnings(D(2030, 1, 8), due_on=None) == []


@pytest.mark.parametrize(
    ("starts_at", "minutes", "other", "clash"),
    [
        (None, 90, OtherBooking(D(2026, 12, 9)), True),  # same day, no times: a clash
        (T(10, 0), 90, OtherBooking(D(2026, 12, 9)), True),  # one time unknown: still the same day
        (None, 90, OtherBooking(D(2026, 12, 9), T(14, 0)), True),
        (T(10, 0), 90, OtherBooking(D(2026, 12, 9), T(11, 0), 60), True),  # overlaps
        (T(11, 0), 60, OtherBooking(D(2026, 12, 9), T(10, 0), 90), True),  # starts inside the other
        (T(10, 0), 90, OtherBooking(D(2026, 12, 9), T(11, 30), 60), False),  # starts as this one ends
        (T(13, 0), 60, OtherBooking(D(2026, 12, 9), T(10, 0), 90), False),
        (T(10, 0), 90, OtherBooking(D(2026, 12, 10), T(10, 0)), False),  # another day
        (None, 90, OtherBooking(D(2026, 12, 10)), False),
    ],
)
def test_the_chairs_other_review_clashes_on_the_same_day_and_overlapping_time(starts_at, minutes, other, clash):
    warnings = booking_warnings(
        D(2026, 12, 9), due_on=DUE, starts_at=starts_at, duration_minutes=minutes, others=[other]
    )
    assert [w.kind for w in warnings] == (["clash"] if clash else [])


def test_a_clash_says_when_the_other_review_is_and_nothing_about_whose():
    (warning,) = booking_warnings(
        D(2026, 12, 9), due_on=DUE, starts_at=T(10, 30), others=[OtherBooking(D(2026, 12, 9), T(10, 0), 90)]
    )
    assert warning.text == "The chair has another review at the same time (10:00 to 11:30)."


@pytest.mark.parametrize(
    ("day", "due_on", "changes", "early"),
    [
        (D(2026, 12, 9), D(2026, 12, 31), 1, True),
        (D(2026, 12, 9), D(2026, 12, 31), 0, False),
        (D(2026, 12, 31), D(2026, 12, 31), 2, False),  # on the due date it is not early
        (D(2027, 1, 4), D(2026, 12, 31), 1, False),
        (D(2026, 12, 9), None, 1, True),
    ],
)
def test_an_early_review_after_a_significant_change(day, due_on, changes, early):
    assert is_early_after_change(day, due_on=due_on, changes_since_last_review=changes) is early


# --- Through the pages -----------------------------------------------------------------------------


def _next(weekday_wanted, *, after: dt.date) -> dt.date:
    """The first day after ``after`` that ``weekday_wanted(day)`` accepts."""
    day = after + dt.timedelta(days=1)
    while not weekday_wanted(day):
        day += dt.timedelta(days=1)
    return day


def _working(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in england_bank_holidays(day, day)


@pytest.fixture
def child(iro):
    today = timezone.localdate()
    child = make_child_in_care(
        iro=iro, looked_after_on=today - dt.timedelta(days=10), first_name="Mia", last_name="Rowe"
    )
    schedule_refresh([child.pk])
    return child


def _book(client, child, day, **extra):
    return client.post(reverse("reviews:book", args=[child.pk]), {**date_fields("booked_for", day), **extra})


def _seen(response) -> str:
    """The key of the warnings a page showed, which its "Book anyway" box confirms."""
    match = re.search(r'name="warnings_seen" value="(\w+)"', response.text)
    assert match, "the page shows no warnings to confirm"
    return match.group(1)


@pytest.mark.django_db
def test_the_booking_page_shows_the_due_date_and_why(client_for, iro, child):
    due = child.review_schedule.next_due_on
    text = client_for(iro).get(reverse("reviews:book", args=[child.pk])).text
    assert f"Next review due by {due:%-d %B %Y}: 20 working days after" in text
    assert "Book anyway" not in text


@pytest.mark.django_db
def test_a_working_day_before_the_due_date_is_booked_at_once(client_for, iro, child):
    day = _next(_working, after=timezone.localdate())
    response = _book(client_for(iro), child, day, starts_at="14:30", duration_minutes="60", venue="School")
    assert response.status_code == 302
    review = Review.objects.get(child=child)
    assert (review.booked_for, review.starts_at, review.duration_minutes) == (day, dt.time(14, 30), 60)
    assert review.after_significant_change is False


@pytest.mark.django_db
def test_a_saturday_is_warned_then_booked_with_book_anyway(client_for, iro, child):
    client = client_for(iro)
    saturday = _next(lambda d: d.weekday() == 5, after=timezone.localdate())

    response = _book(client, child, saturday, venue="Carer's home")

    assert response.status_code == 200
    assert "govuk-warning-text" in response.text
    assert f"{saturday:%-d %B %Y} is a Saturday." in response.text
    assert response.text.count("is a Saturday.") == 1  # said once, in words, not as a Python object
    assert "BookingWarning" not in response.text
    assert 'name="book_anyway"' in response.text and 'type="checkbox"' in response.text
    assert "Book anyway" in response.text
    assert not Review.objects.filter(child=child).exists()

    response = _book(client, child, saturday, venue="Carer's home", book_anyway="on", warnings_seen=_seen(response))

    assert response.status_code == 302
    assert Review.objects.get(child=child).booked_for == saturday


@pytest.mark.django_db
def test_book_anyway_confirms_only_the_warnings_shown(client_for, iro, child):
    """Ticking the box and changing the date in the same submit warns of the new date afresh."""
    client = client_for(iro)
    saturday = _next(lambda d: d.weekday() == 5, after=timezone.localdate())
    sunday = saturday + dt.timedelta(days=1)
    shown = _book(client, child, saturday)

    response = _book(client, child, sunday, book_anyway="on", warnings_seen=_seen(shown))

    assert response.status_code == 200
    assert f"{sunday:%-d %B %Y} is a Sunday." in response.text
    assert not Review.objects.filter(child=child).exists()
    # A box ticked without the warnings ever shown confirms nothing either.
    assert _book(client, child, sunday, book_anyway="on").status_code == 200
    assert not Review.objects.filter(child=child).exists()


@pytest.mark.django_db
def test_a_late_date_and_a_closure_day_are_warned(client_for, iro, child):
    due = child.review_schedule.next_due_on
    late = _next(_working, after=due)
    ClosureDay.objects.create(day=late, reason="Staff training")

    text = _book(client_for(iro), child, late).text

    assert f"is after the review is due ({due:%-d %B %Y})" in text
    assert f"The service is closed on {late:%-d %B %Y}: Staff training." in text
    assert not Review.objects.filter(child=child).exists()


@pytest.mark.django_db
def test_a_clash_with_the_chairs_other_review_is_warned_without_naming_the_other_child(client_for, iro, child):
    day = _next(_working, after=timezone.localdate())
    other = make_child_in_care(iro=iro, looked_after_on=timezone.localdate() - dt.timedelta(days=5), first_name="Zed")
    services.review_book(child=other, by=iro, booked_for=day, starts_at=dt.time(10, 0))

    text = _book(client_for(iro), child, day, starts_at="10:30").text

    assert "The chair has another review at the same time (10:00 to 11:30)." in text
    assert "Zed" not in text
    assert not Review.objects.filter(child=child).exists()
    # At a time that does not overlap, there is nothing to confirm.
    assert _book(client_for(iro), child, day, starts_at="13:00").status_code == 302


@pytest.mark.django_db
def test_moving_to_a_bank_holiday_or_weekend_is_warned_then_moved_anyway(client_for, iro, child):
    client = client_for(iro)
    review = services.review_book(child=child, by=iro, booked_for=_next(_working, after=timezone.localdate()))
    sunday = _next(lambda d: d.weekday() == 6, after=review.booked_for)
    post = {**date_fields("new_date", sunday), "reason": "Carer works weekdays", "iro_consented": "on"}

    response = client.post(reverse("reviews:reschedule", args=[review.pk]), post)

    assert f"{sunday:%-d %B %Y} is a Sunday." in response.text
    assert "Move it anyway" in response.text
    review.refresh_from_db()
    assert review.booked_for != sunday

    response = client.post(
        reverse("reviews:reschedule", args=[review.pk]), {**post, "book_anyway": "on", "warnings_seen": _seen(response)}
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.booked_for == sunday


@pytest.mark.django_db
def test_a_review_booked_early_after_a_significant_change_is_marked_so(client_for, iro, child):
    children_services.significant_change_record(
        child=child, by=iro, category="exclusion", occurred_on=timezone.localdate(), description="Excluded."
    )
    day = _next(_working, after=timezone.localdate())

    page = client_for(iro).get(reverse("reviews:book", args=[child.pk])).text
    assert "There is a significant change" in page and "marked as early after a significant change" in page

    _book(client_for(iro), child, day)

    review = Review.objects.get(child=child)
    assert review.after_significant_change is True
    assert "Early: after a significant change" in client_for(iro).get(reverse("reviews:detail", args=[review.pk])).text


@pytest.mark.django_db
def test_a_start_time_that_is_not_a_time_is_an_error_naming_the_field(client_for, iro, child):
    day = _next(_working, after=timezone.localdate())
    response = _book(client_for(iro), child, day, starts_at="25:99")
    assert "There is a problem" in response.text
    assert 'href="#id_starts_at"' in response.text
    assert "Enter a start time like 14:30" in response.text
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_another_iro_a_committee_member_and_anonymous_cannot_book(client_for, client, other_iro, committee, child):
    day = _next(lambda d: d.weekday() == 5, after=timezone.localdate())
    url = reverse("reviews:book", args=[child.pk])
    assert client_for(other_iro).get(url).status_code == 404
    assert _book(client_for(other_iro), child, day, **book_anyway(child, day)).status_code == 404
    assert _book(client_for(committee), child, day, **book_anyway(child, day)).status_code == 403
    client.logout()
    assert _book(client, child, day, **book_anyway(child, day)).status_code == 302  # to sign in
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_the_booking_page_is_audited(client_for, iro, child):
    client_for(iro).get(reverse("reviews:book", args=[child.pk]))
    assert AuditEvent.objects.filter(child_id=child.pk, summary="Book a review page viewed").exists()
