"""Each case of issue 11 through the services, with the dates the issue gives (docs/rules.md
section 2). The stored dates are caches of ``reviews.chain.review_chain``: every change to the
facts (a review recorded, corrected, entered out of order; an episode; a date of birth)
recomputes the whole chain in the same transaction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from children import services as child_services
from children.models import CareEpisode
from reviews import services
from reviews.codes import FlagKind
from reviews.flags import flags_sweep
from reviews.models import ClosureDay, DeadlineFlag, Review, ReviewDue, ReviewSchedule
from tests.factories import care_facts, make_care_episode, make_child_in_care
from tests.reviews.factories import correct_review, record_review

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 11, 23)


def record(child, by, held_on, **overrides):
    return record_review(child, by, held_on, today=TODAY, **overrides)


def correct(review, by, **fields):
    return correct_review(review, by, today=TODAY, **fields)


def dues(review):
    review.refresh_from_db()
    return review.review_type, review.due_on, review.held_in_time


def schedule(child) -> ReviewSchedule:
    return ReviewSchedule.objects.get(child=child)


# --- 1. stale due dates after a correction --------------------------------------------------------


def test_correcting_the_first_review_moves_the_second_reviews_due_date(iro):
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2014, 1, 1))
    first = record(child, iro, D(2024, 7, 1))
    second = record(child, iro, D(2024, 10, 1))
    assert dues(second) == ("second", D(2024, 10, 1), True)  # 3 months after 1 July

    correct(first, iro, held_on=D(2024, 6, 20))

    assert dues(first) == ("first", D(2024, 7, 1), True)
    assert dues(second) == ("second", D(2024, 9, 20), False)  # due 3 months after 20 June: late
    assert schedule(child).next_due_on == D(2025, 4, 1)  # 6 months after 1 October


def test_a_review_entered_after_a_later_one_takes_its_place_in_the_chain(iro):
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2014, 1, 1))
    september = record(child, iro, D(2024, 9, 20))
    assert dues(september) == ("first", D(2024, 7, 1), False)

    june = record(child, iro, D(2024, 6, 28))

    assert dues(june) == ("first", D(2024, 7, 1), True)
    assert dues(september) == ("second", D(2024, 9, 28), True)  # 3 months after 28 June
    assert schedule(child).next_due_on == D(2025, 3, 20)
    assert list(ReviewDue.objects.filter(child=child).values_list("number", "due_on", "review_id")) == [
        (1, D(2024, 7, 1), june.pk),
        (2, D(2024, 9, 28), september.pk),
        (3, D(2025, 3, 20), None),
    ]


def test_an_earlier_start_of_care_recorded_by_correcting_the_episode_moves_the_whole_chain(iro):
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2014, 1, 1))
    first = record(child, iro, D(2024, 6, 28))
    episode = CareEpisode.objects.get(child=child)
    episode.started_on = D(2024, 5, 1)  # a correction of the fact, saved in one transaction
    episode.save()

    assert dues(first) == ("first", D(2024, 5, 31), False)  # 20 working days after 1 May (6 and 27 May are holidays)


def test_a_new_period_of_care_restarts_the_clock_and_ends_the_old_one(iro, manager):
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2014, 1, 1))
    record(child, iro, D(2024, 6, 28))
    child_services.care_period_end(child=child, by=manager, ended_on=D(2024, 8, 1), reason_ceased="E13", today=TODAY)
    assert schedule(child).next_due_on is None

    child_services.care_period_start(
        child=child,
        by=manager,
        started_on=D(2025, 2, 3),
        iro=iro,
        today=TODAY,
        **care_facts(),
    )

    assert (schedule(child).period_start, schedule(child).next_due_on) == (D(2025, 2, 3), D(2025, 3, 3))
    assert schedule(child).next_rule == "reg33-first"


def test_a_failed_correction_leaves_every_date_as_it_was(iro):
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2014, 1, 1))
    first = record(child, iro, D(2024, 7, 1))
    second = record(child, iro, D(2024, 10, 1))
    with pytest.raises(ValidationError):
        correct(first, iro, held_on=D(2024, 10, 1))  # the same day as the second: refused
    assert dues(first) == ("first", D(2024, 7, 1), True)
    assert dues(second) == ("second", D(2024, 10, 1), True)


# --- 3. short breaks under reg 48 -----------------------------------------------------------------


def test_a_child_on_short_breaks_is_due_a_first_review_three_months_from_the_first_placement(iro):
    child = make_child_in_care(iro=iro, looked_after_on=D(2025, 4, 7), legal_status="V3", date_of_birth=D(2015, 1, 1))
    assert (schedule(child).next_due_on, schedule(child).next_rule) == (D(2025, 7, 7), "reg48-first")
    assert "3 months from the first placement on 7 April 2025 (reg 48)" in schedule(child).next_reason

    review = record(child, iro, D(2025, 7, 1))
    assert dues(review) == ("first", D(2025, 7, 7), True)
    assert (schedule(child).next_due_on, schedule(child).next_rule) == (D(2026, 1, 1), "reg48-later")


def test_short_breaks_are_one_series_across_the_days_at_home_between_them(iro):
    child = make_child_in_care(iro=iro, looked_after_on=D(2025, 4, 7), legal_status="V3", date_of_birth=D(2015, 1, 1))
    CareEpisode.objects.filter(child=child).update(ended_on=D(2025, 4, 9), reason_ceased="E8")
    make_care_episode(child, started_on=D(2025, 5, 12), legal_status="V3")
    assert schedule(child).next_due_on == D(2025, 7, 7)  # from the first break, not the second


def test_with_reg48_turned_off_short_break_children_get_reg33_dates(iro, settings):
    settings.SHORT_BREAKS_REG48 = False
    child = make_child_in_care(iro=iro, looked_after_on=D(2025, 4, 7), legal_status="V3", date_of_birth=D(2015, 1, 1))
    assert (schedule(child).next_due_on, schedule(child).next_rule) == (
        D(2025, 5, 8),
        "reg33-first",
    )  # Easter and 5 May skipped


# --- 4. turning 18 ---------------------------------------------------------------------------------


def test_no_review_falls_due_on_or_after_the_18th_birthday(iro):
    # Looked after from 3 June 2024, first review held 28 June; the second would be due
    # 28 September 2024, but they turn 18 on 1 September 2024.
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2006, 9, 1))
    record(child, iro, D(2024, 6, 28))
    assert schedule(child).next_due_on is None
    assert list(ReviewDue.objects.filter(child=child, review__isnull=True)) == []


def test_no_overdue_flag_is_raised_for_an_adult(iro):
    # Due 1 July 2024; turned 18 on 1 August 2024 with the review never held.
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2006, 8, 1))
    assert schedule(child).next_due_on == D(2024, 7, 1)
    flags_sweep(today=D(2024, 7, 15), child_ids=[child.pk])
    assert DeadlineFlag.objects.open().filter(child=child, kind=FlagKind.REVIEW_OVERDUE).exists()

    flags_sweep(today=D(2024, 8, 1), child_ids=[child.pk])
    assert not DeadlineFlag.objects.open().filter(child=child).exists()


def test_a_review_on_or_after_the_18th_birthday_is_refused_and_the_day_before_is_not(iro):
    child = make_child_in_care(
        iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2006, 6, 20), first_name="Jordan"
    )
    with pytest.raises(ValidationError) as refused:
        record(child, iro, D(2024, 6, 20))
    assert "Jordan turned 18 on 20 June 2024" in str(refused.value.message_dict["held_on"])
    assert not Review.objects.filter(child=child).exists()
    assert record(child, iro, D(2024, 6, 19)).status == "held"


def test_a_review_cannot_be_booked_on_or_after_the_18th_birthday(iro):
    child = make_child_in_care(iro=iro, looked_after_on=D(2026, 11, 2), date_of_birth=D(2008, 12, 10))
    with pytest.raises(ValidationError) as refused:
        services.review_book(child=child, by=iro, booked_for=D(2026, 12, 10), today=TODAY)
    assert "turns 18 on 10 December 2026" in str(refused.value.message_dict["booked_for"])
    assert services.review_book(child=child, by=iro, booked_for=D(2026, 12, 9), today=TODAY).booked_for


def test_correcting_a_date_of_birth_recomputes_the_dates(iro, manager):
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2010, 1, 1))
    assert schedule(child).next_due_on == D(2024, 7, 1)
    child_services.child_update(child=child, by=manager, expected_version=child.version, date_of_birth=D(2006, 6, 20))
    assert schedule(child).next_due_on is None  # 18 on 20 June 2024, before the first review fell due


# --- 5. same-day return is continuous care ---------------------------------------------------------


def test_an_episode_with_reason_s_on_the_day_the_last_ended_does_not_restart_the_clock(iro):
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2014, 1, 1))
    record(child, iro, D(2024, 6, 28))
    CareEpisode.objects.filter(child=child).update(ended_on=D(2024, 8, 1), reason_ceased="E13")
    make_care_episode(child, started_on=D(2024, 8, 1))  # as old or imported data may hold it (the services refuse it)
    assert (schedule(child).period_start, schedule(child).next_due_on) == (D(2024, 6, 3), D(2024, 9, 28))


# --- 6. imported children whose data begins part-way through care -----------------------------------


def test_a_child_whose_records_begin_with_a_change_of_placement_keeps_a_deadline(iro):
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 4, 1), date_of_birth=D(2012, 1, 1))
    CareEpisode.objects.filter(child=child).update(reason_new_episode="P")
    from reviews.schedule import schedule_refresh

    schedule_refresh([child.pk])
    row = schedule(child)
    assert (row.period_start, row.next_due_on, row.first_due_unknown) == (D(2024, 4, 1), None, True)
    assert "not known" in row.next_reason

    Review.objects.create(
        child=child, status="held", held_on=D(2024, 5, 10), participation_code="PN1", source="ssda903"
    )
    Review.objects.create(child=child, status="held", held_on=D(2024, 9, 2), participation_code="PN1", source="ssda903")
    schedule_refresh([child.pk])
    row = schedule(child)
    assert (row.next_due_on, row.next_rule, row.first_due_unknown) == (D(2025, 3, 2), "reg33-later", False)
    first, second = Review.objects.filter(child=child).order_by("held_on")
    # 10 May: its place is not known. 2 September: more than 3 months (10 August) but within 6
    # (10 November) after it, so on time unless 10 May was the first review: not known either.
    assert (first.due_on, second.due_on, first.review_type, second.review_type) == (None, None, "", "")
    Review.objects.create(child=child, status="held", held_on=D(2025, 4, 1), participation_code="PN1", source="ssda903")
    schedule_refresh([child.pk])
    assert Review.objects.get(child=child, held_on=D(2025, 4, 1)).due_on == D(2025, 3, 2)  # late: 6 months after


def test_reviews_before_an_imports_year_are_not_known_so_the_first_one_held_is_not_typed_first(iro):
    from reviews.schedule import schedule_refresh

    child = make_child_in_care(iro=iro, looked_after_on=D(2022, 11, 7), date_of_birth=D(2012, 1, 1))
    type(child).objects.filter(pk=child.pk).update(reviews_known_from=D(2023, 4, 1))
    held = Review.objects.create(
        child=child, status="held", held_on=D(2023, 5, 10), participation_code="PN1", source="ssda903"
    )
    schedule_refresh([child.pk])
    held.refresh_from_db()
    assert (held.due_on, held.review_type) == (None, "")
    assert schedule(child).next_due_on == D(2023, 8, 10)  # the earlier possible date: 3 months
    assert "records held list reviews only from 1 April 2023" in ReviewDue.objects.get(review=held).reason


# --- 7. closure days never move a statutory date ---------------------------------------------------


def test_closure_days_do_not_move_the_first_review_and_a_review_after_the_due_date_is_late(iro):
    for day in (29, 30, 31):
        ClosureDay.objects.create(day=D(2025, 12, day), reason="Council closure")
    child = make_child_in_care(iro=iro, looked_after_on=D(2025, 12, 1), date_of_birth=D(2014, 1, 1), first_name="Amira")
    row = schedule(child)
    assert row.next_due_on == D(2025, 12, 31)
    assert row.next_reason_for("Amira") == (
        "20 working days after 1 December 2025, when Amira became looked after (25 and 26 December are bank holidays)"
    )
    review = record(child, iro, D(2026, 1, 5))
    assert dues(review) == ("first", D(2025, 12, 31), False)


def test_closure_days_move_the_record_distribution_date_only_when_the_setting_says_so(iro, settings):
    ClosureDay.objects.create(day=D(2024, 7, 2), reason="Office move")
    child = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2014, 1, 1))
    assert record(child, iro, D(2024, 6, 28)).record_due_on == D(2024, 7, 26)

    settings.CLOSURE_DAYS_MOVE_LOCAL_TARGETS = True
    other = make_child_in_care(iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2014, 1, 1))
    assert record(other, iro, D(2024, 6, 28)).record_due_on == D(2024, 7, 29)
