import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iro_service.concurrency import StaleEditError
from iro_service.models import AuditAction, AuditEvent
from reviews import services
from reviews.models import Action, Review, ReviewDateChange, ReviewSchedule
from reviews.schedule import schedule_refresh
from tests.factories import care_facts, make_child_in_care

pytestmark = pytest.mark.django_db(transaction=False)

TODAY = dt.date(2026, 11, 23)
STARTED = dt.date(2026, 6, 1)  # Monday; first review due Tuesday 30 June 2026 (20 working days)


@pytest.fixture
def child(iro):
    child = make_child_in_care(iro=iro, looked_after_on=STARTED, first_name="Sam", date_of_birth=dt.date(2014, 3, 9))
    schedule_refresh([child.pk])
    return child


def record(child, by, **overrides):
    fields = {
        "child": child,
        "by": by,
        "held_on": dt.date(2026, 6, 29),
        "participation_code": "PN1",
        "parents_participation": "attended",
        "wishes_and_feelings": "Sam wants to stay with his carers.",
        "child_friendly_summary": "Dear Sam, we agreed you will stay with Jo and Lee.",
        "actions": [
            services.ActionInput(
                description="Arrange contact with Nan", owner="Social worker", due_on=dt.date(2026, 8, 1)
            ),
            services.ActionInput(
                description="Apply for a school place", owner="Virtual school", due_on=dt.date(2026, 7, 20)
            ),
        ],
        "invited": ["child", "carer", "social_worker"],
        "attended": ["child", "carer"],
        "today": TODAY,
    }
    fields.update(overrides)
    return services.review_record(**fields)


def test_first_review_is_due_20_working_days_after_care_starts(child):
    assert ReviewSchedule.objects.get(child=child).next_due_on == dt.date(2026, 6, 29)


def test_recording_a_review_stores_it_with_actions_and_moves_the_next_due_date(child, iro):
    review = record(child, iro)

    assert (review.status, review.review_type, review.due_on) == ("held", "first", dt.date(2026, 6, 29))
    assert review.held_in_time is True
    assert review.record_due_on == dt.date(2026, 7, 27)  # 20 working days after 29 June 2026
    assert sorted(Action.objects.filter(review=review).values_list("owner", flat=True)) == [
        "Social worker",
        "Virtual school",
    ]
    assert ReviewSchedule.objects.get(child=child).next_due_on == dt.date(2026, 9, 29)  # 3 months after the first
    event = AuditEvent.objects.get(child_id=child.pk, action=AuditAction.CREATED, object_type="reviews.Review")
    assert event.summary == "First review held on 29 June 2026 (PN1); 2 actions; in time"
    assert review.history.first().history_user == iro


def test_reviews_take_their_type_from_the_order_in_the_period_of_care(child, iro):
    first = record(child, iro, held_on=dt.date(2026, 6, 30))  # one day late
    second = record(child, iro, held_on=dt.date(2026, 9, 28), actions=[])
    early = record(child, iro, held_on=dt.date(2026, 11, 2), actions=[], additional=True)

    assert [first.review_type, second.review_type, early.review_type] == ["first", "second", "additional"]
    assert first.held_in_time is False and first.due_on == dt.date(2026, 6, 29)
    assert second.due_on == dt.date(2026, 9, 30)
    assert early.due_on == dt.date(2027, 3, 28)
    assert ReviewSchedule.objects.get(child=child).next_due_on == dt.date(2027, 5, 2)  # 6 months from the early one


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (dt.date(2026, 5, 29), "before Sam became looked after on 1 June 2026"),
        (dt.date(2026, 11, 24), "must be today or in the past"),
    ],
)
def test_review_dates_outside_care_or_in_the_future_are_refused(child, iro, held_on, message):
    with pytest.raises(ValidationError, match=message):
        record(child, iro, held_on=held_on)
    assert not Review.objects.exists()


def test_a_date_between_two_periods_of_care_is_refused(iro, manager):
    from children import services as child_services

    child = make_child_in_care(iro=iro, looked_after_on=dt.date(2025, 1, 6), first_name="Ria")
    child_services.care_period_end(
        child=child, by=manager, ended_on=dt.date(2025, 6, 2), reason_ceased="E4A", today=TODAY
    )
    child_services.care_period_start(
        child=child,
        by=manager,
        started_on=dt.date(2026, 3, 2),
        iro=iro,
        today=TODAY,
        **care_facts(legal_status="V2", placement_type="U6", category_of_need="N4"),
    )
    with pytest.raises(ValidationError, match="Ria was not looked after on that date"):
        record(child, iro, held_on=dt.date(2025, 9, 1))
    # re-entry: the first-review rule applies again from 2 March 2026
    review = record(child, iro, held_on=dt.date(2026, 3, 27))
    assert (review.review_type, review.due_on) == ("first", dt.date(2026, 3, 30))


@pytest.mark.parametrize(
    ("born", "code", "ok"),
    [
        (dt.date(2022, 6, 30), "PN0", True),  # 3 years old on 29 June 2026: the last day before turning 4
        (dt.date(2022, 6, 29), "PN0", False),  # 4th birthday on the review day
        (dt.date(2022, 6, 29), "PN6", True),
        (dt.date(2023, 1, 1), "PN1", False),  # under 4 must be PN0
        (dt.date(2014, 3, 9), "PN0", False),
    ],
)
def test_pn0_only_and_always_for_a_child_under_four(iro, born, code, ok):
    child = make_child_in_care(iro=iro, looked_after_on=STARTED, date_of_birth=born)
    if ok:
        assert record(child, iro, participation_code=code).participation_code == code
    else:
        with pytest.raises(ValidationError, match="PN0|under 4"):
            record(child, iro, participation_code=code)


def test_action_due_before_the_review_is_refused(child, iro):
    bad = [services.ActionInput(description="x", owner="y", due_on=dt.date(2026, 6, 1))]
    with pytest.raises(ValidationError, match="cannot be before the review"):
        record(child, iro, actions=bad)
    assert not Review.objects.exists()


def test_only_the_childs_iro_or_cover_can_record(child, other_iro, manager):
    with pytest.raises(PermissionDenied):
        record(child, other_iro)
    with pytest.raises(PermissionDenied):
        record(child, manager)  # managers oversee; IROs chair


def test_a_booked_review_becomes_the_record(child, iro):
    booked = services.review_book(
        child=child, by=iro, booked_for=dt.date(2026, 11, 30), venue="Carer's home", today=TODAY
    )
    assert ReviewSchedule.objects.get(child=child).booked_for == dt.date(2026, 11, 30)
    with pytest.raises(ValidationError, match="already booked"):
        services.review_book(child=child, by=iro, booked_for=dt.date(2026, 12, 2), today=TODAY)

    review = record(child, iro, held_on=dt.date(2026, 11, 23), actions=[])
    assert review.pk == booked.pk
    assert Review.objects.filter(child=child).count() == 1
    assert ReviewSchedule.objects.get(child=child).booked_for is None


def test_moving_or_cancelling_a_booked_review_needs_a_reason_and_the_iros_consent(child, iro):
    booked = services.review_book(child=child, by=iro, booked_for=dt.date(2026, 12, 1), today=TODAY)
    with pytest.raises(ValidationError, match="must agree"):
        services.review_reschedule(
            review=booked, by=iro, new_date=dt.date(2026, 12, 8), reason="Carer ill", iro_consented=False, today=TODAY
        )
    with pytest.raises(ValidationError, match="Enter the reason"):
        services.review_cancel(review=booked, by=iro, reason=" ", iro_consented=True, today=TODAY)

    services.review_reschedule(
        review=booked, by=iro, new_date=dt.date(2026, 12, 8), reason="Carer ill", iro_consented=True, today=TODAY
    )
    services.review_cancel(
        review=booked, by=iro, reason="Child moved to another authority", iro_consented=True, today=TODAY
    )

    changes = list(ReviewDateChange.objects.filter(review=booked).values_list("kind", "from_date", "to_date", "reason"))
    assert changes == [
        ("postponed", dt.date(2026, 12, 1), dt.date(2026, 12, 8), "Carer ill"),
        ("cancelled", dt.date(2026, 12, 8), None, "Child moved to another authority"),
    ]
    booked.refresh_from_db()
    assert (booked.status, booked.cancelled_on) == ("cancelled", TODAY)


def test_second_editor_of_a_review_is_refused_and_nothing_is_overwritten(child, iro, other_iro, manager):
    from tests.factories import make_cover

    review = record(child, iro)
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=dt.date(2026, 11, 1), by=manager)
    loaded = review.version

    def save_wishes(by, wishes):  # both editors opened the form at version ``loaded``
        services.review_update(
            review=review, by=by, expected_version=loaded, actions=[], wishes_and_feelings=wishes, today=TODAY
        )

    save_wishes(other_iro, "Sam wants more time with his brother.")
    with pytest.raises(StaleEditError) as stale:
        save_wishes(iro, "Sam wants a dog.")
    assert stale.value.current.wishes_and_feelings == "Sam wants more time with his brother."
    assert stale.value.changed_by == other_iro.get_full_name()
    review.refresh_from_db()
    assert review.wishes_and_feelings == "Sam wants more time with his brother."


def test_record_distribution_dates_are_checked_and_kept(child, iro):
    """Sam has no contacts recorded: the record goes to him alone (14 at the review)."""
    review = record(child, iro)

    def distribute(completed_on, sent_on):
        return services.review_distribution_record(
            review=review,
            by=iro,
            expected_version=Review.objects.get(pk=review.pk).version,
            record_completed_on=completed_on,
            sent=[services.SentInput(recipient="child", document="record", method="post", sent_on=sent_on)],
            today=TODAY,
        )

    with pytest.raises(ValidationError, match="before the review"):
        distribute(dt.date(2026, 6, 1), dt.date(2026, 7, 10))
    with pytest.raises(ValidationError, match="cannot be sent before it was completed"):
        distribute(dt.date(2026, 7, 10), dt.date(2026, 7, 9))
    distribute(dt.date(2026, 7, 27), dt.date(2026, 7, 28))
    review.refresh_from_db()
    assert (review.record_distributed_on, review.record_due_on) == (dt.date(2026, 7, 28), dt.date(2026, 7, 27))
    assert "(late)" in AuditEvent.objects.filter(object_type="reviews.Review").order_by("-pk").first().summary


def test_action_status_changes_are_audited(child, iro):
    review = record(child, iro)
    action = review.actions.order_by("due_on").first()
    services.action_update(action=action, by=iro, status="done", today=TODAY)
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("done", TODAY)
    assert AuditEvent.objects.filter(object_type="reviews.Action", changes__status=["open", "done"]).exists()
