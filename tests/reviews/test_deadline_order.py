"""``DeadlineOrder`` reads a page of the deadline order in two parts, each from an index (the
dated children, then the rest by name): the same rows in the same order as one ordered query
over every child (``in_one_query``), for any slice, across the point where one part meets the other."""

import datetime as dt

import pytest
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from children.models import Child
from reviews.models import ReviewSchedule
from reviews.selectors import DeadlineOrder, deadline_conditions, deadline_counts
from tests.factories import ChildFactory


def schedule(child, *, due=None, unknown=False):
    ReviewSchedule.objects.create(child=child, next_due_on=due, first_due_unknown=unknown)
    return child


@pytest.fixture
def every_kind_of_child(db):
    """Due dates shared and not, unknown first dates (with and without a date), no date, and no
    schedule at all, with names out of the order of their keys."""
    day = dt.date(2026, 3, 2)
    schedule(ChildFactory(last_name="Zed"), due=day)
    schedule(ChildFactory(last_name="Abe"), due=day)
    schedule(ChildFactory(last_name="Moss"), due=day - dt.timedelta(days=3))
    schedule(ChildFactory(last_name="Young"), unknown=True)
    schedule(ChildFactory(last_name="Bell"), due=day + dt.timedelta(days=30), unknown=True)
    schedule(ChildFactory(last_name="Cole"), due=day + dt.timedelta(days=60))
    schedule(ChildFactory(last_name="Kerr"))  # a schedule without a date
    ChildFactory(last_name="Adams")  # no schedule yet
    ChildFactory(last_name="Adams")  # the same name: the primary key decides
    schedule(ChildFactory(last_name="Nash"))


def in_one_query():
    """The deadline order as one query sorting every child: unknown first dates first, then by
    due date with no date last, then by name and primary key."""
    return list(
        Child.objects.order_by(
            Coalesce("review_schedule__first_due_unknown", Value(False)).desc(),
            F("review_schedule__next_due_on").asc(nulls_last=True),
            "last_name",
            "first_name",
            "pk",
        )
    )


def two_part(children=None):
    children = children if children is not None else Child.objects.all()
    counts = deadline_counts(
        children, conditions=deadline_conditions(today=dt.date(2026, 3, 1), due_soon_until=dt.date(2026, 3, 20))
    )
    return DeadlineOrder(children, count=counts.children, dated=counts.dated), counts


def test_the_dated_children_are_counted_apart_from_the_rest(every_kind_of_child):
    _, counts = two_part()

    assert (counts.children, counts.dated) == (10, 6)


def test_the_whole_order_is_the_one_query_order(every_kind_of_child):
    order, _ = two_part()

    assert [child.pk for child in order[0:10]] == [child.pk for child in in_one_query()]
    assert [child.last_name for child in order[0:10]] == [
        "Bell", "Young", "Moss", "Abe", "Zed", "Cole", "Adams", "Adams", "Kerr", "Nash",
    ]  # fmt: skip


@pytest.mark.parametrize("start,stop", [(0, 3), (3, 6), (4, 8), (5, 7), (6, 10), (8, 10), (0, 1), (9, 10), (2, 50)])
def test_any_slice_is_the_same_slice_of_the_one_query_order(every_kind_of_child, start, stop):
    order, _ = two_part()

    assert [child.pk for child in order[start:stop]] == [child.pk for child in in_one_query()[start:stop]]


def test_a_row_carries_what_the_page_shows(every_kind_of_child):
    order, _ = two_part()
    first, last = order[0:1][0], order[9:10][0]

    assert first.review_schedule.first_due_unknown is True
    assert hasattr(first, "iro_name") and hasattr(last, "open_legal_status") and hasattr(last, "looked_after_since")


def test_a_narrowed_list_orders_only_its_own_children(every_kind_of_child):
    narrowed = Child.objects.exclude(last_name__in=["Abe", "Adams"])
    order, counts = two_part(narrowed)

    assert (counts.children, counts.dated) == (7, 5)
    assert [child.last_name for child in order[0:7]] == ["Bell", "Young", "Moss", "Zed", "Cole", "Kerr", "Nash"]
