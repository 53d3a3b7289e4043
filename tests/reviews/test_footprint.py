"""The IRO's footprint between reviews (visits, midway reviews, case notes) and the child's timeline."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from children.models import CareEpisode, IROAllocation, SignificantChange
from iro_service.models import AuditAction, AuditEvent
from reviews.models import (
    Action,
    ActionProgress,
    CaseNote,
    MidwayReview,
    Review,
    ReviewDateChange,
    ReviewSchedule,
    Visit,
)
from reviews.services import ProgressInput, case_note_add, midway_review_record, visit_record
from reviews.timeline import child_timeline
from tests.factories import make_care_episode, make_child_in_care, make_cover
from tests.forms import date_fields
from tests.reviews.factories import cancelled_review, date_change

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
LOOKED_AFTER_ON = dt.date(2024, 6, 3)
FIRST_REVIEW_ON = dt.date(2024, 7, 1)

CREATE_PAGES = ["reviews:visit_create", "reviews:midway_create", "reviews:case_note_create"]


@pytest.fixture
def child(iro):
    return make_child_in_care(
        iro=iro, first_name="Kai", last_name="Morgan", local_reference="K0001", looked_after_on=LOOKED_AFTER_ON
    )


def held_review(child, iro, *, held_on=FIRST_REVIEW_ON, review_type="first"):
    return Review.objects.create(
        child=child,
        chair=iro,
        status="held",
        held_on=held_on,
        participation_code="PN1",
        created_by=iro,
        review_type=review_type,
    )


def make_action(review, description, *, due_on=dt.date(2024, 9, 1), status="open"):
    return Action.objects.create(
        review=review, child=review.child, description=description, owner="Social worker", due_on=due_on, status=status
    )


@pytest.fixture
def actions(child, iro):
    review = held_review(child, iro)
    return [
        make_action(review, "Arrange a dental check"),
        make_action(review, "Start life story work"),
        make_action(review, "Find a football club"),
    ]


def record_visit(child, by, **overrides):
    fields = {"visited_on": dt.date(2026, 11, 2), "seen_alone": True, "notes": "Kai showed me his room."}
    fields.update(overrides)
    return visit_record(child=child, by=by, today=TODAY, **fields)


def record_midway(child, by, progress=(), **overrides):
    fields = {"held_on": dt.date(2026, 11, 9), "notes": "Plan on track."}
    fields.update(overrides)
    return midway_review_record(child=child, by=by, progress=list(progress), today=TODAY, **fields)


def add_case_note(child, by, **overrides):
    fields = {"written_on": dt.date(2026, 11, 16), "text": "Spoke to the social worker about school."}
    fields.update(overrides)
    return case_note_add(child=child, by=by, today=TODAY, **fields)


#: (service, its date argument, the model it writes)
SERVICES = [
    (record_visit, "visited_on", Visit),
    (record_midway, "held_on", MidwayReview),
    (add_case_note, "written_on", CaseNote),
]


# Services ------------------------------------------------------------------------------------


def test_visit_record_writes_the_visit_and_an_audit_event(child, iro):
    visit = record_visit(child, iro)

    assert (visit.child, visit.iro, visit.visited_on, visit.seen_alone) == (child, iro, dt.date(2026, 11, 2), True)
    event = AuditEvent.objects.get(child_id=child.pk, object_type="reviews.Visit")
    assert (event.action, event.actor, event.object_id) == (AuditAction.CREATED, iro, str(visit.pk))
    assert event.summary == "Visit on 2 November 2026 recorded (seen alone)"


def test_case_note_add_writes_the_note_and_an_audit_event(child, iro):
    note = add_case_note(child, iro, text="  Spoke to the school.  ")

    assert (note.author, note.written_on, note.text) == (iro, dt.date(2026, 11, 16), "Spoke to the school.")
    event = AuditEvent.objects.get(child_id=child.pk, object_type="reviews.CaseNote")
    assert (event.action, event.actor, event.summary) == (
        AuditAction.CREATED,
        iro,
        "Case note for 16 November 2026 added",
    )


def test_midway_review_records_progress_per_action_and_updates_each_action(child, iro, actions):
    dental, life_story, football = actions
    progress = [
        ProgressInput(action_id=dental.pk, status="done", note="Seen in October."),
        ProgressInput(action_id=life_story.pk, status="open", note="Worker starts next month."),
        ProgressInput(action_id=football.pk, status="no_longer_needed"),
    ]
    ReviewSchedule.objects.filter(child=child).delete()  # a cache: the refresh rebuilds it
    midway = record_midway(child, iro, progress)

    rows = {p.action_id: (p.status, p.note) for p in ActionProgress.objects.filter(midway_review=midway)}
    assert rows == {
        dental.pk: ("done", "Seen in October."),
        life_story.pk: ("open", "Worker starts next month."),
        football.pk: ("no_longer_needed", ""),
    }
    statuses = {a.pk: (a.status, a.completed_on) for a in Action.objects.filter(child=child)}
    assert statuses == {
        dental.pk: ("done", dt.date(2026, 11, 9)),
        life_story.pk: ("open", None),
        football.pk: ("no_longer_needed", None),
    }
    assert Action.objects.get(pk=dental.pk).history.first().history_user == iro
    assert ReviewSchedule.objects.filter(child=child).exists()  # schedule and flags refreshed
    created = AuditEvent.objects.get(object_type="reviews.MidwayReview")
    assert created.summary == "Midway review on 9 November 2026: 3 actions checked, 2 changed"
    assert AuditEvent.objects.filter(object_type="reviews.Action", action=AuditAction.UPDATED).count() == 2


def test_midway_review_that_changes_no_action_does_not_refresh_flags(child, iro, actions):
    ReviewSchedule.objects.filter(child=child).delete()  # a cache: a refresh would rebuild it
    record_midway(child, iro, [ProgressInput(action_id=a.pk, status="open") for a in actions])

    assert ActionProgress.objects.count() == 3
    assert not ReviewSchedule.objects.filter(child=child).exists()


def test_midway_review_only_checks_open_actions(child, iro):
    review = held_review(child, iro)
    done = make_action(review, "Already done", status="done")
    still_open = make_action(review, "Still open")

    record_midway(child, iro, [ProgressInput(action_id=still_open.pk, status="not_done")])

    assert list(ActionProgress.objects.values_list("action_id", flat=True)) == [still_open.pk]
    assert Action.objects.get(pk=done.pk).status == "done"


def test_midway_review_refuses_progress_that_leaves_out_an_open_action(child, iro, actions):
    with pytest.raises(ValidationError) as error:
        record_midway(child, iro, [ProgressInput(action_id=actions[0].pk, status="done")])

    assert "progress" in error.value.message_dict
    assert not MidwayReview.objects.exists()
    assert Action.objects.get(pk=actions[0].pk).status == "open"


def test_midway_review_refuses_a_date_before_the_review_that_set_the_actions(child, iro, actions):
    with pytest.raises(ValidationError) as error:
        record_midway(
            child, iro, [ProgressInput(action_id=a.pk, status="open") for a in actions], held_on=dt.date(2024, 6, 20)
        )

    assert error.value.message_dict == {
        "held_on": ["A midway review cannot be before the review of 1 July 2024 that set the actions."]
    }


@pytest.mark.parametrize(("service", "field", "model"), SERVICES)
def test_a_future_date_is_refused_on_its_field(child, iro, service, field, model):
    with pytest.raises(ValidationError) as error:
        service(child, iro, **{field: TODAY + dt.timedelta(days=1)})

    assert list(error.value.message_dict) == [field]
    assert "must be today or in the past" in error.value.message_dict[field][0]
    assert not model.objects.exists()


@pytest.mark.parametrize(("service", "field", "model"), SERVICES)
def test_a_date_before_the_child_became_looked_after_is_refused_on_its_field(child, iro, service, field, model):
    with pytest.raises(ValidationError) as error:
        service(child, iro, **{field: LOOKED_AFTER_ON - dt.timedelta(days=1)})

    assert list(error.value.message_dict) == [field]
    assert "before Kai became looked after on 3 June 2024." in error.value.message_dict[field][0]
    assert not model.objects.exists()
    assert not AuditEvent.objects.filter(child_id=child.pk).exists()


@pytest.mark.parametrize(("service", "field", "model"), SERVICES)
def test_the_day_the_child_became_looked_after_is_accepted(child, iro, service, field, model):
    service(child, iro, **{field: LOOKED_AFTER_ON})

    assert model.objects.count() == 1


@pytest.mark.parametrize(("service", "field", "model"), SERVICES)
def test_an_iro_who_neither_holds_nor_covers_the_child_is_refused(child, other_iro, service, field, model):
    with pytest.raises(PermissionDenied):
        service(child, other_iro)

    assert not model.objects.exists()


@pytest.mark.parametrize(("service", "field", "model"), SERVICES)
def test_a_manager_cannot_record_the_iros_footprint(child, manager, service, field, model):
    with pytest.raises(PermissionDenied):
        service(child, manager)


@pytest.mark.parametrize(("service", "field", "model"), SERVICES)
def test_an_iro_covering_the_childs_iro_may_record(child, iro, other_iro, service, field, model):
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=dt.date(2026, 11, 1))

    written = service(child, other_iro)

    assert model.objects.get() == written
    assert AuditEvent.objects.filter(actor=other_iro, action=AuditAction.CREATED).exists()


# Views ---------------------------------------------------------------------------------------


def test_iro_records_a_visit_and_returns_to_the_timeline(client_for, iro, child):
    client = client_for(iro)
    response = client.post(
        reverse("reviews:visit_create", args=[child.pk]),
        {
            **date_fields("visited_on", dt.date(2026, 11, 2)),
            "seen_alone": "yes",
            "notes": "Kai showed me his room.",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("reviews:timeline", args=[child.pk]), 302)]
    assert "Visit recorded" in response.text
    assert "IRO visited the child and saw them alone" in response.text
    visit = Visit.objects.get()
    assert (visit.iro, visit.visited_on, visit.seen_alone) == (iro, dt.date(2026, 11, 2), True)


def test_iro_records_a_midway_review_through_the_form(client_for, iro, child, actions):
    dental, life_story, football = actions
    client = client_for(iro)
    page = client.get(reverse("reviews:midway_create", args=[child.pk]))
    assert "Action 1: Arrange a dental check" in page.text

    response = client.post(
        reverse("reviews:midway_create", args=[child.pk]),
        {
            **date_fields("held_on", dt.date(2026, 11, 9)),
            "notes": "",
            f"action_{dental.pk}_status": "done",
            f"action_{dental.pk}_note": "Seen.",
            f"action_{life_story.pk}_status": "open",
            f"action_{football.pk}_status": "not_done",
        },
    )

    assert response.status_code == 302
    assert set(Action.objects.values_list("description", "status")) == {
        ("Arrange a dental check", "done"),
        ("Start life story work", "open"),
        ("Find a football club", "not_done"),
    }
    assert ActionProgress.objects.count() == 3


def test_iro_adds_a_case_note(client_for, iro, child):
    response = client_for(iro).post(
        reverse("reviews:case_note_create", args=[child.pk]),
        {**date_fields("written_on", dt.date(2026, 11, 16)), "text": "Called school."},
        follow=True,
    )

    assert "Case note added" in response.text
    assert CaseNote.objects.get().text == "Called school."


@pytest.mark.parametrize("name", CREATE_PAGES)
def test_an_empty_form_shows_the_error_summary(client_for, iro, child, actions, name):
    response = client_for(iro).post(reverse(name, args=[child.pk]), {})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter the date " in response.text  # the date the form names: "Enter the date of the visit"
    assert "Enter the day, month and year" not in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.CREATED).exists()


def test_a_future_visit_date_is_shown_on_its_field(client_for, iro, child):
    response = client_for(iro).post(
        reverse("reviews:visit_create", args=[child.pk]),
        {
            "visited_on_0": "1",
            "visited_on_1": "1",
            # Next year: in the future, yet inside the two years any date may be (iro_service.forms).
            "visited_on_2": str(timezone.localdate().year + 1),
            "seen_alone": "no",
            "notes": "Planned.",
        },
    )

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The visit date must be today or in the past." in response.text
    assert not Visit.objects.exists()


@pytest.mark.parametrize("name", ["reviews:timeline", *CREATE_PAGES])
def test_another_iro_gets_404_for_a_child_they_neither_hold_nor_cover(client_for, other_iro, child, name):
    response = client_for(other_iro).get(reverse(name, args=[child.pk]))

    assert response.status_code == 404
    assert "Kai Morgan" not in response.text


@pytest.mark.parametrize("role", ["committee", "administrator"])
@pytest.mark.parametrize("name", ["reviews:timeline", *CREATE_PAGES])
def test_committee_and_administrator_get_403(client_for, request, role, name, child):
    response = client_for(request.getfixturevalue(role)).get(reverse(name, args=[child.pk]))

    assert response.status_code == 403
    assert "Kai Morgan" not in response.text


def test_manager_views_the_timeline_without_the_iros_buttons(client_for, manager, child):
    response = client_for(manager).get(reverse("reviews:timeline", args=[child.pk]))

    assert response.status_code == 200
    assert "Kai Morgan" in response.text
    assert "Record a visit" not in response.text
    assert "Record a significant change" in response.text


@pytest.mark.parametrize("name", CREATE_PAGES)
def test_manager_cannot_record_the_iros_footprint(client_for, manager, child, name):
    client = client_for(manager)
    assert client.get(reverse(name, args=[child.pk])).status_code == 403
    assert client.post(reverse(name, args=[child.pk]), {}).status_code == 403


def test_iro_sees_buttons_to_record_on_the_timeline(client_for, iro, child):
    response = client_for(iro).get(reverse("reviews:timeline", args=[child.pk]))

    for label, name in [
        ("Record a visit", "reviews:visit_create"),
        ("Record a midway review", "reviews:midway_create"),
        ("Add a case note", "reviews:case_note_create"),
        ("Record a significant change", "children:significant_change_create"),
    ]:
        assert label in response.text
        assert reverse(name, args=[child.pk]) in response.text


def test_viewing_the_timeline_is_audited(client_for, iro, child):
    url = reverse("reviews:timeline", args=[child.pk])
    client_for(iro).get(url)

    event = AuditEvent.objects.get(action=AuditAction.VIEWED)
    assert (event.actor, event.child_id, event.summary, event.path) == (iro, child.pk, "Timeline viewed", url)


# The timeline --------------------------------------------------------------------------------


def fill_history(child, iro, manager, n):
    """``n`` entries of every kind for ``child``, on distinct dates after they became looked after."""
    base = dt.date(2024, 7, 1)
    for i in range(n):
        day = base + dt.timedelta(days=7 * i)
        review = Review.objects.create(
            child=child,
            chair=iro,
            status="held" if i % 2 else "cancelled",
            held_on=day if i % 2 else None,
            booked_for=day,
            cancelled_on=None if i % 2 else day,
            participation_code="PN1" if i % 2 else "",
            created_by=iro,
            review_type="subsequent" if i % 2 else "",
        )
        date_change(
            review, kind="postponed", from_date=day, to_date=day + dt.timedelta(days=3), reason="Carer ill", by=iro
        )
        action = make_action(review, f"Action {i}")
        midway = MidwayReview.objects.create(child=child, iro=iro, held_on=day + dt.timedelta(days=1))
        ActionProgress.objects.create(midway_review=midway, action=action, status="open", note="On track")
        ActionProgress.objects.create(
            midway_review=midway, action=make_action(review, f"Second action {i}"), status="done"
        )
        Visit.objects.create(child=child, iro=iro, visited_on=day + dt.timedelta(days=2), notes="Visited")
        CaseNote.objects.create(child=child, author=iro, written_on=day + dt.timedelta(days=3), text="Note")
        SignificantChange.objects.create(
            child=child,
            category="missing",
            occurred_on=day + dt.timedelta(days=4),
            description="Missing for four days",
            recorded_by=manager,
            iro=iro,
            acknowledged_on=day + dt.timedelta(days=5) if i % 2 else None,
            acknowledged_by=iro if i % 2 else None,
            iro_response="Will bring the review forward" if i % 2 else "",
        )
        IROAllocation.objects.create(child=child, iro=iro, started_on=day, ended_on=day, reason="Cover")
        make_care_episode(child, started_on=day, ended_on=day, reason_new_episode="P", reason_ceased="E8")


def test_the_timeline_merges_every_kind_newest_first(child, iro, manager):
    CareEpisode.objects.filter(child=child).update(ended_on=dt.date(2026, 11, 20), reason_ceased="E4A")
    review = held_review(child, iro)
    cancelled_review(
        child,
        iro=iro,
        booked_for=dt.date(2024, 12, 1),
        cancelled_on=dt.date(2024, 11, 20),
        reason="Child in hospital",
    )
    booked = Review.objects.create(
        child=child, chair=iro, status="booked", booked_for=dt.date(2026, 12, 1), created_by=iro
    )
    moved = date_change(
        booked,
        kind="brought_forward",
        from_date=dt.date(2027, 1, 5),
        to_date=dt.date(2026, 12, 1),
        reason="Significant change",
        by=iro,
    )
    ReviewDateChange.objects.filter(pk=moved.pk).update(created_at=dt.datetime(2026, 11, 10, 9, 30, tzinfo=dt.UTC))
    action = make_action(review, "Arrange a dental check")
    midway = MidwayReview.objects.create(child=child, iro=iro, held_on=dt.date(2024, 10, 1), notes="Going well")
    ActionProgress.objects.create(midway_review=midway, action=action, status="done", note="Seen")
    Visit.objects.create(child=child, iro=iro, visited_on=dt.date(2024, 9, 1), notes="Met Kai at school")
    CaseNote.objects.create(child=child, author=iro, written_on=dt.date(2024, 8, 1), text="Called carer")
    SignificantChange.objects.create(
        child=child,
        category="exclusion",
        occurred_on=dt.date(2025, 2, 1),
        description="Excluded for six days",
        recorded_by=manager,
        iro=iro,
    )

    entries = child_timeline(child)

    assert [(e.date, e.kind, e.title) for e in entries] == [
        (dt.date(2026, 12, 1), "review", "Review booked"),
        (dt.date(2026, 11, 20), "care_ended", "Left care"),
        (dt.date(2026, 11, 10), "date_change", "Review brought forward"),
        (dt.date(2025, 2, 1), "significant_change", "School exclusion of more than five days"),
        (dt.date(2024, 11, 20), "review", "Review cancelled"),
        (dt.date(2024, 10, 1), "midway_review", "Held by Ada Okafor"),
        (dt.date(2024, 9, 1), "visit", "IRO visited the child"),
        (dt.date(2024, 8, 1), "case_note", "Written by Ada Okafor"),
        (dt.date(2024, 7, 1), "review", "First review held"),
        (dt.date(2024, 6, 3), "allocation", "Ada Okafor became the IRO"),
        (dt.date(2024, 6, 3), "care_started", "Became looked after"),
    ]
    by_kind = {e.kind: e for e in entries}
    assert by_kind["midway_review"].lines == (
        "Arrange a dental check (Social worker, by 1 September 2024): Done. Seen",
    )
    assert by_kind["significant_change"].tag == "Not acknowledged"
    assert entries[4].detail == "It was booked for 1 December 2024. Reason: Child in hospital"
    assert entries[0].url == reverse("reviews:detail", args=[booked.pk])
    assert "Participation PN1" in entries[8].detail


def test_the_timeline_page_shows_the_entries(client_for, iro, manager, child):
    held_review(child, iro)
    SignificantChange.objects.create(
        child=child,
        category="court",
        occurred_on=dt.date(2025, 1, 6),
        description="Final care order made",
        recorded_by=manager,
        iro=iro,
    )

    response = client_for(iro).get(reverse("reviews:timeline", args=[child.pk]))

    text = response.text
    assert "<caption" in text
    assert text.index("Court order or direction") < text.index("First review held") < text.index("Became looked after")
    assert "Not acknowledged" in text
    assert reverse("reviews:detail", args=[Review.objects.get().pk]) in text


def count_timeline_queries(django_assert_num_queries, child, expected):
    with django_assert_num_queries(expected):
        return child_timeline(child)


@pytest.mark.parametrize("n", [2, 30])
def test_the_timeline_runs_a_fixed_number_of_queries(child, iro, manager, n, django_assert_num_queries):
    fill_history(child, iro, manager, n)

    # Reviews, date changes, visits, midway reviews and their progress, case notes,
    # significant changes, care episodes, IRO allocations; child protection conferences and plans
    # (CHILD_TIMELINE_ENTRIES).
    entries = count_timeline_queries(django_assert_num_queries, child, 11)

    # Per round: a review, a date change, a midway, a visit, a case note, a change, an
    # allocation, an episode started and one ended.
    assert len(entries) == 9 * n + 2


@pytest.mark.parametrize("n", [2, 30])
def test_the_timeline_page_runs_a_fixed_number_of_queries(
    client_for, child, iro, manager, n, django_assert_max_num_queries
):
    fill_history(child, iro, manager, n)
    client = client_for(iro)

    # Session, user, the user's permissions (2), the child, the timeline's 11, the audit
    # event and the role shown in the header.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("reviews:timeline", args=[child.pk]))

    assert response.status_code == 200
    assert response.text.count('<tr class="govuk-table__row">') == 9 * n + 2 + 1  # plus the header row
