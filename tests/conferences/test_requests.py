"""The manager's conference services: a request, the chair, booking, moving and cancelling
(docs/rules.md#child-protection)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from children.codes import AllocationWork
from children.models import IROAllocation
from conferences import services
from conferences.codes import ConferenceKind, ConferenceStatus, Outcome
from conferences.models import Conference, ConferenceChild, ProtectionPlan
from iro_service.concurrency import StaleEditError
from iro_service.models import AuditAction, AuditEvent
from reviews.models import ClosureDay
from tests.conferences.factories import make_cp_chair, make_cp_children, make_icpc, make_iro, make_rcpc

pytestmark = pytest.mark.django_db

#: A Monday; the strategy discussion the Monday before.
TODAY = dt.date(2026, 3, 9)
STRATEGY = dt.date(2026, 3, 2)


def _request(children, by, **overrides):
    fields = {
        "children": children,
        "family_name": "Fox",
        "requested_on": STRATEGY + dt.timedelta(days=2),
        "strategy_discussion_on": STRATEGY,
        "section_47_started_on": STRATEGY,
        "social_worker": "Sam Social",
        "social_work_team": "Assessment North",
        "by": by,
        "today": TODAY,
    }
    return services.conference_request(**(fields | overrides))


def _open_cp(child):
    return IROAllocation.objects.child_protection().filter(child=child, ended_on__isnull=True)


def test_a_request_for_two_siblings_is_one_initial_conference_due_15_working_days_after_the_strategy_discussion(
    manager,
):
    older, younger = make_cp_children(2)
    conference = _request([older, younger], manager)
    assert conference.kind == ConferenceKind.INITIAL and conference.status == ConferenceStatus.REQUESTED
    assert set(conference.places.values_list("child_id", flat=True)) == {older.pk, younger.pk}
    conference.refresh_from_db()
    # 15 working days from Monday 2 March 2026: Monday 23 March (Good Friday is 3 April).
    assert conference.due_on == dt.date(2026, 3, 23)
    assert "15 working days after the strategy discussion" in conference.due_reason
    events = AuditEvent.objects.filter(object_type="conferences.Conference", action=AuditAction.CREATED)
    assert sorted(events.values_list("child_id", flat=True)) == sorted([older.pk, younger.pk])


def test_a_request_may_have_the_section_47_enquiry_start_before_the_strategy_discussion(manager):
    (child,) = make_cp_children(1)
    conference = _request([child], manager, section_47_started_on=STRATEGY - dt.timedelta(days=1))
    assert conference.section_47_started_on == dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"strategy_discussion_on": TODAY + dt.timedelta(days=1)}, "strategy_discussion_on", "today or in the past"),
        ({"requested_on": TODAY + dt.timedelta(days=1)}, "requested_on", "today or in the past"),
        ({"requested_on": STRATEGY - dt.timedelta(days=1)}, "requested_on", "after the strategy discussion"),
        (
            {"section_47_started_on": STRATEGY + dt.timedelta(days=3)},
            "requested_on",
            "after the start of the section 47 enquiry",
        ),
        ({"family_name": "  "}, "family_name", "Enter the family's name"),
        ({"children": []}, "children", "at least one child"),
    ],
)
def test_a_request_with_impossible_facts_is_refused_naming_the_field(manager, overrides, field, words):
    overrides = {"children": make_cp_children(1), **overrides}
    with pytest.raises(ValidationError) as refused:
        _request(overrides.pop("children"), manager, **overrides)
    assert words in " ".join(refused.value.message_dict[field])
    assert not Conference.objects.exists()


def test_a_child_on_a_plan_or_awaiting_an_initial_conference_is_refused_by_reference(manager):
    chair = make_iro()
    on_plan, waiting, new = make_cp_children(3)
    make_icpc([on_plan], strategy_on=dt.date(2025, 10, 1), chair=chair, held_on=dt.date(2025, 10, 20))
    make_icpc([waiting], strategy_on=dt.date(2026, 2, 20))
    with pytest.raises(ValidationError) as refused:
        _request([on_plan, waiting, new], manager)
    message = refused.value.message_dict["children"][0]
    assert f"{on_plan.local_reference} already has a plan" in message
    assert f"{waiting.local_reference} already has an initial conference requested or booked" in message
    assert new.local_reference not in message
    assert Conference.objects.count() == 2


@pytest.mark.parametrize("who", ["iro", "cp_chair", "committee", "administrator"])
def test_only_a_manager_may_request_allocate_book_move_or_cancel(who, request, manager):
    user = make_cp_chair() if who == "cp_chair" else request.getfixturevalue(who)
    children = make_cp_children(1)
    with pytest.raises(PermissionDenied):
        _request(children, user)
    conference = _request(children, manager)
    with pytest.raises(PermissionDenied):
        services.conference_allocate_chair(conference=conference, chair=make_iro(), by=user, reason="New", today=TODAY)
    with pytest.raises(PermissionDenied):
        services.conference_cancel(conference=conference, reason="x", by=user, version=1, today=TODAY)


def test_allocating_a_chair_opens_a_child_protection_allocation_for_each_child(manager):
    chair = make_cp_chair(first_name="Chris", last_name="Chair")
    children = make_cp_children(2)
    conference = _request(children, manager)
    services.conference_allocate_chair(
        conference=conference, chair=chair, by=manager, reason="New request", version=1, today=TODAY
    )
    conference.refresh_from_db()
    assert conference.chair == chair and conference.version == 2
    for child in children:
        allocation = _open_cp(child).get()
        assert (allocation.iro, allocation.started_on, allocation.work) == (
            chair,
            TODAY,
            AllocationWork.CHILD_PROTECTION,
        )
    assert AuditEvent.objects.filter(action=AuditAction.ALLOCATED, object_type="children.IROAllocation").count() == 2


def test_changing_the_chair_ends_the_old_allocation_and_keeps_the_looked_after_one(manager):
    first, second = make_iro(), make_iro(first_name="Second")
    (child,) = make_cp_children(1)
    looked_after = IROAllocation.objects.create(child=child, iro=first, started_on=dt.date(2025, 1, 1))
    conference = _request([child], manager)
    services.conference_allocate_chair(conference=conference, chair=first, by=manager, reason="New", today=TODAY)
    later = TODAY + dt.timedelta(days=3)
    services.conference_allocate_chair(
        conference=conference, chair=second, by=manager, reason="Balancing", version=2, today=later
    )
    old = IROAllocation.objects.child_protection().get(child=child, iro=first)
    assert old.ended_on == later
    assert _open_cp(child).get().iro == second
    looked_after.refresh_from_db()
    assert looked_after.ended_on is None
    event = AuditEvent.objects.get(action=AuditAction.REALLOCATED)
    assert event.changes["reason"] == [None, "Balancing"]


def test_a_chair_must_be_an_active_iro_or_cp_chair_and_not_the_same_one(manager, committee):
    children = make_cp_children(1)
    conference = _request(children, manager)
    inactive = make_iro(is_active=False)
    for chair in (committee, inactive, manager):
        with pytest.raises(ValidationError) as refused:
            services.conference_allocate_chair(conference=conference, chair=chair, by=manager, reason="x", today=TODAY)
        assert "is not an active IRO or child protection chair" in refused.value.message_dict["chair"][0]
    chair = make_iro()
    services.conference_allocate_chair(conference=conference, chair=chair, by=manager, reason="x", today=TODAY)
    with pytest.raises(ValidationError, match="already chairs"):
        services.conference_allocate_chair(conference=conference, chair=chair, by=manager, reason="y", today=TODAY)


def test_a_form_loaded_before_someone_elses_change_is_refused_as_stale(manager):
    conference = _request(make_cp_children(1), manager)
    services.conference_allocate_chair(
        conference=conference, chair=make_iro(), by=manager, reason="x", version=1, today=TODAY
    )
    with pytest.raises(StaleEditError):
        services.conference_cancel(conference=conference, reason="Duplicate", by=manager, version=1, today=TODAY)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.REQUESTED


def _allocated(manager, chair=None):
    conference = _request(make_cp_children(2), manager)
    return services.conference_allocate_chair(
        conference=conference, chair=chair or make_iro(), by=manager, reason="x", version=1, today=TODAY
    )


def test_booking_needs_a_chair_and_a_date_not_past(manager):
    conference = _request(make_cp_children(1), manager)
    with pytest.raises(ValidationError, match="Allocate a chair"):
        services.conference_book(conference=conference, booked_for=TODAY, by=manager, version=1, today=TODAY)
    conference = _allocated(manager)
    with pytest.raises(ValidationError) as refused:
        services.conference_book(
            conference=conference, booked_for=TODAY - dt.timedelta(days=1), by=manager, version=2, today=TODAY
        )
    assert "today or a later date" in refused.value.message_dict["booked_for"][0]


def test_booking_an_initial_conference_keeps_its_due_date_and_audits_each_child(manager):
    conference = _allocated(manager)
    booked = services.conference_book(
        conference=conference,
        booked_for=dt.date(2026, 3, 20),
        starts_at=dt.time(10, 0),
        duration_minutes=90,
        venue="Civic Centre <b>room</b>",
        by=manager,
        version=2,
        today=TODAY,
    )
    booked.refresh_from_db()
    assert booked.status == ConferenceStatus.BOOKED and booked.booked_for == dt.date(2026, 3, 20)
    assert booked.due_on == dt.date(2026, 3, 23) and booked.version == 3
    assert AuditEvent.objects.filter(summary__startswith="Initial conference booked for 20 March 2026").count() == 2


def test_booking_warnings_late_weekend_bank_holiday_closure_and_a_busy_chair_never_refuse(manager):
    chair = make_iro()
    conference = _allocated(manager, chair)
    other = _allocated(manager, chair)
    services.conference_book(
        conference=other, booked_for=dt.date(2026, 4, 6), starts_at=dt.time(10), by=manager, version=2, today=TODAY
    )
    ClosureDay.objects.create(day=dt.date(2026, 3, 27), reason="Staff training")
    kinds = {
        day: {w.kind for w in services.conference_booking_warnings(conference, day, starts_at=dt.time(11))}
        for day in (dt.date(2026, 3, 20), dt.date(2026, 3, 28), dt.date(2026, 3, 27), dt.date(2026, 4, 6))
    }
    assert kinds[dt.date(2026, 3, 20)] == set()
    assert kinds[dt.date(2026, 3, 28)] == {"late", "weekend"}
    assert kinds[dt.date(2026, 3, 27)] == {"late", "closure"}
    # Easter Monday, and the chair's other conference from 10:00 to 12:00.
    assert kinds[dt.date(2026, 4, 6)] == {"late", "bank_holiday", "clash"}
    late = services.conference_booking_warnings(conference, dt.date(2026, 3, 28))[0]
    assert late.text == "28 March 2026 is after the conference is due (23 March 2026): it would be 5 days late."
    services.conference_book(conference=conference, booked_for=dt.date(2026, 3, 28), by=manager, version=2, today=TODAY)


def test_moving_a_booked_conference_needs_a_reason_and_records_it(manager):
    conference = _allocated(manager)
    services.conference_book(conference=conference, booked_for=dt.date(2026, 3, 20), by=manager, version=2, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.conference_move(
            conference=conference, booked_for=dt.date(2026, 3, 19), reason=" ", by=manager, version=3, today=TODAY
        )
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError, match="same as the booked date"):
        services.conference_move(
            conference=conference, booked_for=dt.date(2026, 3, 20), reason="x", by=manager, version=3, today=TODAY
        )
    moved = services.conference_move(
        conference=conference,
        booked_for=dt.date(2026, 3, 19),
        reason="Police unavailable",
        by=manager,
        version=3,
        today=TODAY,
    )
    moved.refresh_from_db()
    assert moved.booked_for == dt.date(2026, 3, 19) and moved.due_on == dt.date(2026, 3, 23)
    event = AuditEvent.objects.filter(summary__startswith="Conference moved").first()
    assert event.changes["reason"] == [None, "Police unavailable"]


def test_cancelling_a_request_ends_the_chair_allocation_of_a_child_with_nothing_else_open(manager):
    conference = _allocated(manager)
    with pytest.raises(ValidationError) as refused:
        services.conference_cancel(conference=conference, reason="", by=manager, version=2, today=TODAY)
    assert "reason" in refused.value.message_dict
    services.conference_cancel(
        conference=conference, reason="Enquiry ended: no risk found", by=manager, version=2, today=TODAY
    )
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.CANCELLED
    assert (conference.cancelled_on, conference.cancel_reason) == (TODAY, "Enquiry ended: no risk found")
    assert not IROAllocation.objects.child_protection().filter(ended_on__isnull=True).exists()
    with pytest.raises(ValidationError, match="Only a requested or booked"):
        services.conference_cancel(conference=conference, reason="again", by=manager, version=3, today=TODAY)


def _family_on_plans(chair, *, held_on=dt.date(2026, 1, 7)):
    older, younger = make_cp_children(2)
    initial = make_icpc(
        [older, younger], strategy_on=held_on - dt.timedelta(days=20), chair=chair, held_on=held_on, family_name="Wren"
    )
    return initial, older, younger


def test_a_review_conference_for_the_family_has_a_place_per_open_plan_and_the_earliest_due_date(manager):
    chair = make_iro()
    initial, older, younger = _family_on_plans(chair)
    review = services.review_conference_book(
        initial_conference=initial, booked_for=dt.date(2026, 4, 1), by=manager, today=TODAY
    )
    review.refresh_from_db()
    assert (review.kind, review.status, review.chair, review.family_name) == (
        ConferenceKind.REVIEW,
        ConferenceStatus.BOOKED,
        chair,
        "Wren",
    )
    places = ConferenceChild.objects.filter(conference=review)
    assert {(p.child_id, p.plan.child_id) for p in places} == {(older.pk, older.pk), (younger.pk, younger.pk)}
    # 3 months after the initial conference of 7 January 2026.
    assert review.due_on == dt.date(2026, 4, 7)
    assert "3 months after the initial conference" in review.due_reason
    with pytest.raises(ValidationError, match="already booked"):
        services.review_conference_book(
            initial_conference=initial, booked_for=dt.date(2026, 4, 2), by=manager, today=TODAY
        )


def test_a_later_review_conference_is_due_6_months_after_the_last_and_leaves_out_ended_plans(manager):
    chair = make_iro()
    initial, older, younger = _family_on_plans(chair, held_on=dt.date(2025, 6, 2))
    plans = list(ProtectionPlan.objects.order_by("child__date_of_birth"))
    make_rcpc(plans, held_on=dt.date(2025, 9, 1), ends={plans[1]: "step_down"})
    review = services.review_conference_book(
        initial_conference=initial, booked_for=dt.date(2026, 3, 2), by=manager, today=dt.date(2026, 2, 2)
    )
    review.refresh_from_db()
    assert list(review.places.values_list("child_id", flat=True)) == [older.pk]
    assert review.due_on == dt.date(2026, 3, 1)


def test_no_review_conference_without_an_open_plan(manager):
    chair = make_iro()
    (child,) = make_cp_children(1)
    initial = make_icpc(
        [child],
        strategy_on=dt.date(2025, 12, 15),
        chair=chair,
        held_on=dt.date(2026, 1, 7),
        outcomes={child: Outcome.NO_PLAN},
    )
    with pytest.raises(ValidationError, match="No child of this family is on a plan"):
        services.review_conference_book(
            initial_conference=initial, booked_for=dt.date(2026, 4, 1), by=manager, today=TODAY
        )


def test_chairs_lists_iros_and_cp_chairs_with_their_child_protection_load(manager, committee):
    iro, cp_chair = make_iro(), make_cp_chair()
    make_iro(is_active=False)
    make_icpc(make_cp_children(2), strategy_on=STRATEGY, chair=cp_chair)
    loads = {user.pk: user.cp_children for user in services.chairs()}
    assert loads == {iro.pk: 0, cp_chair.pk: 2}
