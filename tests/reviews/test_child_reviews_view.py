"""The child's reviews page (``reviews:child``): the IRO sees the next review due, the booking
and every review, and the visit is audited; an IRO who neither holds nor covers the
child gets a 404 and nothing is audited for them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from iro_service.models import AuditAction, AuditEvent
from reviews import services
from reviews.models import ReviewSchedule
from tests.factories import make_child_in_care
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro):
    today = timezone.localdate()
    return make_child_in_care(
        iro=iro,
        looked_after_on=today - dt.timedelta(days=120),
        first_name="Mia",
        last_name="Rowe",
        date_of_birth=dt.date(2013, 5, 5),
    )


def row_of(text: str, review) -> str:
    """The table row that links to ``review``."""
    start = text.rindex("<tr", 0, text.index(f'href="{reverse("reviews:detail", args=[review.pk])}"'))
    return text[start : text.index("</tr>", start)]


def url(child):
    return reverse("reviews:child", args=[child.pk])


def test_the_iro_sees_the_next_review_due_the_booking_and_each_review(client_for, iro, child):
    today = timezone.localdate()
    held = held_review(child, iro=iro, held_on=today - dt.timedelta(days=100), code="PN3")
    booked = services.review_book(child=child, by=iro, booked_for=today + dt.timedelta(days=10), venue="School")
    schedule = ReviewSchedule.objects.get(child=child)

    response = client_for(iro).get(url(child))

    assert response.status_code == 200
    text = response.text
    assert "Reviews for Mia Rowe" in text
    assert f"{schedule.next_due_on:%-d %B %Y}" in text  # next review due
    assert f"{booked.booked_for:%-d %B %Y}" in text  # booked for
    # The booking (no held_on yet) comes first on every database, then the reviews held.
    assert [review.pk for review in response.context["reviews"]] == [booked.pk, held.pk]
    booked_cells = row_of(text, booked)
    assert f"{booked.booked_for:%-d %b %Y}" in booked_cells and "Booked" in booked_cells
    held_cells = row_of(text, held)
    assert f"{held.held_on:%-d %b %Y}" in held_cells
    assert "First review" in held_cells and "Held" in held_cells and "PN3" in held_cells
    assert "No reviews recorded yet." not in text
    event = AuditEvent.objects.filter(action=AuditAction.VIEWED).latest("pk")
    assert (event.actor, event.child_id, event.summary) == (iro, child.pk, "Reviews viewed")


def test_a_child_with_no_reviews_says_so(client_for, iro, child):
    response = client_for(iro).get(url(child))

    assert response.status_code == 200
    assert "Reviews for Mia Rowe" in response.text
    assert "No reviews recorded yet." in response.text


def test_another_iro_gets_404_for_a_child_they_neither_hold_nor_cover(client_for, other_iro, iro, child):
    held_review(child, iro=iro, held_on=timezone.localdate() - dt.timedelta(days=100))

    response = client_for(other_iro).get(url(child))

    assert response.status_code == 404
    assert "Mia Rowe" not in response.text
    assert not AuditEvent.objects.filter(actor=other_iro, child_id=child.pk).exists()
