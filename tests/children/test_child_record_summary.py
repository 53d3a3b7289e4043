"""The child's record on one screen (issue 14): open significant changes flagged at the top, the
next review and why, the last review and how its actions stand, the visits and midway reviews
since it, open disputes and the people around the child, together, in a fixed number of queries
whatever the number of reviews, actions, visits, changes, disputes or people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children import services as children_services
from reviews.models import Action, MidwayReview, Visit
from reviews.sections import review_section
from tests.disputes.factories import raise_dispute
from tests.factories import ContactFactory, make_child_in_care
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db

#: The queries the record page takes at any size: the session and user, the child with their
#: episodes and allocations, siblings, open significant changes, the people now, the reviews panel
#: (schedule, booked review, last review and its actions, visits, midway reviews, holidays), the
#: child protection panel (plans, with their core group and open actions, and conferences: two
#: queries for a child never on a plan, four for one on a plan), the disputes panel and the audit
#: event.
MAX_QUERIES = 23


@pytest.fixture
def day():
    return timezone.localdate()


@pytest.fixture
def child(iro, day):
    return make_child_in_care(
        iro=iro, first_name="Kai", last_name="Morgan", looked_after_on=day - dt.timedelta(days=400)
    )


def _fill(child, *, iro, manager, day, size: int):
    """``size`` of everything the record shows: held reviews (the last with ``size`` actions),
    visits and midway reviews since it, significant changes, open disputes and people."""
    last = None
    for n in range(size):
        last = held_review(
            child,
            iro=iro,
            held_on=day - dt.timedelta(days=100 + 20 * (size - 1 - n)),
            review_type="first" if n == 0 else "subsequent",
        )
    for n in range(size):
        Action.objects.create(
            review=last,
            child=child,
            description=f"Action {n}",
            owner="Social worker",
            due_on=last.held_on + dt.timedelta(days=10 + n),
            status="done" if n % 2 else "open",
        )
        Visit.objects.create(child=child, iro=iro, visited_on=day - dt.timedelta(days=50 + n), notes="Saw Kai")
        MidwayReview.objects.create(child=child, iro=iro, held_on=day - dt.timedelta(days=40 + n), notes="")
        children_services.significant_change_record(
            child=child,
            by=manager,
            category="missing",
            occurred_on=day - dt.timedelta(days=5 + n),
            description=f"Change {n}",
            today=day,
        )
        raise_dispute(child, iro, category="drift" if n == 0 else "health", raised_on=day - dt.timedelta(days=30 + n))
        ContactFactory(child=child, role="carer", name=f"Carer {n}", created_by=iro)
    return last


def test_every_part_of_the_record_is_on_one_screen(client_for, child, iro, manager, day):
    last = _fill(child, iro=iro, manager=manager, day=day, size=1)
    before = Visit.objects.create(child=child, iro=iro, visited_on=last.held_on - dt.timedelta(days=3), notes="x")
    ContactFactory(
        child=child, role="carer", name="Former Carer", ended_on=day - dt.timedelta(days=200), created_by=iro
    )

    page = client_for(iro).get(reverse("children:detail", args=[child.pk])).text

    # the next review, and why it is due then
    assert "Next review due" in page and "Why:" in page
    # the last review, its action and how it stands
    assert f'href="{reverse("reviews:detail", args=[last.pk])}">{last.held_on:%-d %B %Y}</a>' in page
    assert "Action 0" in page and 'govuk-tag--red">Overdue</strong>' in page
    # visits and midway reviews since it, not before
    assert f"Visit on {day - dt.timedelta(days=50):%-d %B %Y}" in page
    assert f"Midway review on {day - dt.timedelta(days=40):%-d %B %Y}" in page
    assert f"Visit on {before.visited_on:%-d %B %Y}" not in page
    # open disputes
    assert "1 open, 0 closed." in page
    # the people around the child now, with the link to all of them
    assert "Carer 0" in page and "Former Carer" not in page
    assert reverse("children:contacts", args=[child.pk]) in page


def test_open_significant_changes_are_flagged_at_the_top_until_acknowledged(client_for, child, iro, manager, day):
    change = children_services.significant_change_record(
        child=child, by=manager, category="exclusion", occurred_on=day, description="Excluded from school", today=day
    )
    client = client_for(iro)
    url = reverse("children:detail", args=[child.pk])

    page = client.get(url).text

    banner = page.index('class="govuk-notification-banner"')
    assert banner < page.index('<h2 class="govuk-heading-m">Child</h2>')
    assert banner < page.index('<h2 class="govuk-heading-m">Reviews</h2>')
    assert "1 significant change not yet acknowledged by the IRO" in page
    assert "Excluded from school" in page
    assert f'href="{reverse("children:significant_change_acknowledge", args=[change.pk])}"' in page

    children_services.significant_change_acknowledge(change=change, by=iro, iro_response="Spoke to school", today=day)
    assert 'class="govuk-notification-banner"' not in client.get(url).text


def test_before_the_first_review_the_record_says_so_and_counts_from_the_start_of_care(client_for, child, iro, day):
    Visit.objects.create(child=child, iro=iro, visited_on=day - dt.timedelta(days=3), notes="Saw Kai")

    page = client_for(iro).get(reverse("children:detail", args=[child.pk])).text

    assert "No review has been held yet." in page
    assert "Visits and midway reviews since the start of this period of care" in page
    assert f"Visit on {day - dt.timedelta(days=3):%-d %B %Y}" in page
    assert "No one is recorded now." in page


@pytest.mark.parametrize("who", ["iro", "manager"])
def test_the_record_takes_the_same_number_of_queries_at_one_and_at_ten_of_everything(
    client_for, django_assert_max_num_queries, request, iro, manager, day, who
):
    small = make_child_in_care(iro=iro, looked_after_on=day - dt.timedelta(days=400))
    large = make_child_in_care(iro=iro, looked_after_on=day - dt.timedelta(days=400))
    _fill(small, iro=iro, manager=manager, day=day, size=1)
    _fill(large, iro=iro, manager=manager, day=day, size=10)
    client = client_for(request.getfixturevalue(who))
    client.get(reverse("children:detail", args=[small.pk]))  # warm up what is cached per process

    counted = {}
    for name, child in (("one", small), ("ten", large)):
        with django_assert_max_num_queries(MAX_QUERIES), CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("children:detail", args=[child.pk])).text
        counted[name] = len(queries)
        assert "Action 0" in page and "Carer 0" in page

    assert "Action 9" in page and "Carer 9" in page and "10 significant changes not yet acknowledged" in page
    assert "10 open, 0 closed." in page
    assert counted["one"] == counted["ten"]


def test_the_reviews_part_takes_six_queries_at_one_and_at_ten(child, iro, manager, day):
    """The schedule, the booked review, the last review and its actions, visits and midway reviews
    (bank holidays come from code; with closure days moving local targets, one more)."""
    small = make_child_in_care(iro=iro, looked_after_on=day - dt.timedelta(days=400))
    _fill(small, iro=iro, manager=manager, day=day, size=1)
    _fill(child, iro=iro, manager=manager, day=day, size=10)
    for who, size in ((small, 1), (child, 10)):
        with CaptureQueriesContext(connection) as queries:
            section = review_section(child=who, user=iro, today=day)
        assert (len(section["actions"]), len(section["visits"]), len(section["midways"])) == (size, size, size)
        assert len(queries) == 6
