"""Long lists count at most ``LIST_COUNT_CAP`` rows, so their cost does not grow with the service."""

import pytest
from django.test import override_settings
from django.urls import reverse

from children.models import Child
from iro_service.pagination import CappedPaginator
from tests.factories import make_child_in_care

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_children(iro):
    return [make_child_in_care(iro=iro, first_name=f"Child{n}") for n in range(5)]


def test_a_list_under_the_cap_counts_exactly(five_children):
    paginator = CappedPaginator(Child.objects.all(), 2, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, False, 3)


def test_a_list_over_the_cap_counts_to_the_cap_and_says_so(five_children):
    paginator = CappedPaginator(Child.objects.all(), 2, cap=3)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
    assert [c.first_name for c in paginator.page(2).object_list] == [c.first_name for c in Child.objects.all()][2:3]


def test_the_count_is_one_query_of_at_most_cap_plus_one_rows(five_children, django_assert_num_queries):
    paginator = CappedPaginator(Child.objects.all(), 2, cap=3)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 3
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]


@override_settings(LIST_COUNT_CAP=3)
def test_the_managers_children_list_says_more_than_the_cap_and_asks_for_a_filter(client_for, manager, five_children):
    response = client_for(manager).get(reverse("children:list"))
    assert "More than 3 children found: use the filters to narrow the list" in response.text


@override_settings(LIST_COUNT_CAP=3)
def test_the_disputes_list_counts_exactly_under_the_cap(client_for, manager):
    response = client_for(manager).get(reverse("disputes:list"))
    assert "0 disputes found" in response.text
