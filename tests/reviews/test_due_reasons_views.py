"""Every page that shows a review due date says why it is due then (issue 11, "Why is it due
then?"), from the same function that computed the date; the child's name in the reason is
escaped like any user-written text."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from children.models import CareEpisode
from reviews.deadlines import DueState, DueStatus
from reviews.models import Review
from reviews.schedule import schedule_refresh
from tests.factories import make_child_in_care
from tests.reviews.factories import record_review

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def child(iro):
    today = timezone.localdate()
    return make_child_in_care(
        iro=iro, looked_after_on=today - dt.timedelta(days=3), first_name="Amira", date_of_birth=dt.date(2015, 2, 2)
    )


def test_the_child_record_reviews_page_and_booking_page_say_why_the_next_review_is_due_then(client_for, iro, child):
    client = client_for(iro)
    start = child.episodes.get().started_on
    why = f"20 working days after {start.day} {start:%B %Y}, when Amira became looked after"

    for url in (
        reverse("children:detail", args=[child.pk]),
        reverse("reviews:child", args=[child.pk]),
        reverse("reviews:book", args=[child.pk]),
        reverse("reviews:home"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert why in response.text, url


def test_a_held_review_says_why_it_was_due_then_on_its_page_and_in_the_list(client_for, iro, child):
    review = record_review(child, iro, timezone.localdate(), today=timezone.localdate())
    client = client_for(iro)
    for url in (reverse("reviews:detail", args=[review.pk]), reverse("reviews:child", args=[child.pk])):
        assert "when Amira became looked after" in client.get(url).text
    assert "3 months after the first review on" in client.get(reverse("reviews:child", args=[child.pk])).text


def test_a_child_whose_first_review_date_is_not_known_is_listed_with_the_reason(client_for, iro, child):
    CareEpisode.objects.filter(child=child).update(reason_new_episode="P")  # records begin part-way through
    schedule_refresh([child.pk])

    text = client_for(iro).get(reverse("reviews:home")).text

    assert "First review date not known" in text
    assert "the first review&#x27;s due date, are not known" in text


def test_the_name_in_a_reason_is_escaped(client_for, iro, child):
    type(child).objects.filter(pk=child.pk).update(first_name=SCRIPT)

    for url in (
        reverse("reviews:child", args=[child.pk]),
        reverse("reviews:home"),
        reverse("reviews:book", args=[child.pk]),
    ):
        text = client_for(iro).get(url).text
        assert SCRIPT not in text, url
        assert "when &lt;script&gt;alert(1)&lt;/script&gt; became looked after" in text, url
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("status", "tag"),
    [
        (None, '<strong class="govuk-tag govuk-tag--grey">No date</strong>'),
        (DueStatus.OVERDUE, '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'),
        (DueStatus.DUE_SOON, '<strong class="govuk-tag govuk-tag--yellow">Due within 15 working days</strong>'),
        (DueStatus.ON_TRACK, '<strong class="govuk-tag govuk-tag--green">On track</strong>'),
    ],
)
def test_the_due_tag_says_where_a_due_date_stands(status, tag):
    state = None if status is None else DueState(dt.date(2026, 12, 1), status, 3)
    assert Template("{% load review_dates %}{% due_tag state %}").render(Context({"state": state})) == tag
