"""Property-based tests: whatever sequence of reviews is recorded, corrected and cancelled, in
any order, the stored due dates equal the pure function's answer on the final facts.

The oracle is ``reviews.deadlines.review_due_dates`` (reg 33 from the dates alone), which does
not share the chain code in ``reviews.chain`` that the services' refresh uses."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from children.ages import born_18_years_before, eighteenth_birthday
from reviews import deadlines, services
from reviews.codes import ReviewStatus
from reviews.deadlines import england_bank_holidays
from reviews.models import Review, ReviewDue, ReviewSchedule
from tests.factories import make_child_in_care
from tests.reviews.factories import record_review

pytestmark = pytest.mark.django_db

D = dt.date
STARTED = D(2023, 3, 1)
TODAY = D(2026, 11, 23)
CALENDAR = england_bank_holidays(D(2023, 1, 1), D(2028, 1, 1))

days = st.integers(min_value=0, max_value=1000).map(lambda n: STARTED + dt.timedelta(days=n))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("record"), days),
        st.tuples(st.just("correct"), st.integers(min_value=0, max_value=20), days),
        st.tuples(st.just("book_and_cancel"), days),
    ),
    min_size=1,
    max_size=8,
)


class _Rollback(Exception):
    pass


def _apply(child, iro, operation) -> None:
    kind = operation[0]
    try:
        if kind == "record":
            record_review(child, iro, operation[1], today=TODAY)
        elif kind == "correct":
            held = list(Review.objects.filter(child=child, status=ReviewStatus.HELD).order_by("pk"))
            if held:
                review = held[operation[1] % len(held)]
                services.review_update(
                    review=review,
                    by=iro,
                    expected_version=review.version,
                    actions=[],
                    today=TODAY,
                    held_on=operation[2],
                )
        else:
            booked = services.review_book(child=child, by=iro, booked_for=TODAY, today=TODAY)
            services.review_cancel(review=booked, by=iro, reason="Carer ill", iro_consented=True, today=TODAY)
    except ValidationError:
        pass  # a refused change (two reviews on one day) writes nothing, which is part of the property


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_stored_due_dates_equal_the_rule_on_the_final_facts_after_any_sequence(iro, ops):
    try:
        with transaction.atomic():
            child = make_child_in_care(iro=iro, looked_after_on=STARTED, date_of_birth=D(2012, 5, 5))
            for operation in ops:
                with transaction.atomic():
                    _apply(child, iro, operation)

            held = list(
                Review.objects.filter(child=child, status=ReviewStatus.HELD)
                .order_by("held_on")
                .values_list("held_on", "due_on", "review_type")
            )
            dates = [h for h, _, _ in held]
            expected = deadlines.review_due_dates(looked_after_on=STARTED, reviews_held=dates, non_working=CALENDAR)
            assert [due for _, due, _ in held] == expected
            assert [t for _, _, t in held] == ["first", "second", *["subsequent"] * (len(held) - 2)][: len(held)]
            next_due = deadlines.next_review_due(looked_after_on=STARTED, reviews_held=dates, non_working=CALENDAR)
            assert ReviewSchedule.objects.get(child=child).next_due_on == next_due
            assert list(ReviewDue.objects.filter(child=child).values_list("due_on", flat=True)) == [*expected, next_due]
            raise _Rollback
    except _Rollback:
        pass


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2030, 12, 31)), st.dates(min_value=D(2008, 1, 1)))
def test_a_person_is_under_18_exactly_when_born_after_the_cut_off(born, today):
    assert (eighteenth_birthday(born) > today) == (born > born_18_years_before(today))


@pytest.mark.parametrize(
    ("born", "eighteen"),
    [
        (D(2008, 2, 29), D(2026, 3, 1)),  # no 29 February in 2026
        (D(2006, 2, 28), D(2024, 2, 28)),
        (D(2010, 12, 31), D(2028, 12, 31)),
    ],
)
def test_the_18th_birthday(born, eighteen):
    assert eighteenth_birthday(born) == eighteen
