import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Action, Review, ReviewSchedule
from reviews.schedule import schedule_refresh
from tests.factories import make_child_in_care, make_cover
from tests.forms import date_fields
from tests.reviews.factories import book_anyway, held_review, mia_in_care

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro):
    return mia_in_care(iro)


def review_post(day, actions=()):
    data = {
        **date_fields("held_on", day),
        "venue": "Carer's home",
        "invited": ["child", "carer", "social_worker"],
        "attended": ["child", "carer"],
        "participation_code": "PN1",
        "parents_participation": "views_given",
        "wishes_and_feelings": "Mia wants to keep her hamster.",
        "child_friendly_summary": "Dear Mia, we agreed your hamster stays.",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "30",
    }
    for index, (what, who, when) in enumerate(actions):
        data[f"actions-{index}-description"] = what
        data[f"actions-{index}-owner"] = who
        data.update(date_fields(f"actions-{index}-due_on", when))
    return data


def test_iro_records_a_review_with_two_actions_and_the_next_due_date_moves(client_for, iro, child):
    today = timezone.localdate()
    later = today + dt.timedelta(days=30)
    response = client_for(iro).post(
        reverse("reviews:record", args=[child.pk]),
        review_post(today, [("Book dentist", "Carer", later), ("Life story work", "Social worker", later)]),
    )
    review = Review.objects.get(child=child)
    assert response.status_code == 302
    assert response.url == reverse("reviews:detail", args=[review.pk])
    assert Action.objects.filter(review=review).count() == 2
    schedule = ReviewSchedule.objects.get(child=child)
    assert schedule.next_due_on > today  # three months on
    page = client_for(iro).get(response.url).text
    assert "Review recorded. The next review date has been updated." in page
    assert "Dear Mia, we agreed your hamster stays." in page


def test_an_invalid_review_shows_every_error_in_one_summary_and_keeps_the_input(client_for, iro, child):
    today = timezone.localdate()
    data = review_post(today, [("Half an action", "", today)])
    data.pop("participation_code")
    data["wishes_and_feelings"] = ""
    data["child_friendly_summary"] = "Kept text"
    response = client_for(iro).post(reverse("reviews:record", args=[child.pk]), data)
    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text
    assert 'href="#id_participation_code_1"' in text
    assert "Enter the child&#x27;s wishes and feelings" in text
    assert "Action 1: Enter who will do it" in text
    assert "Kept text" in text
    assert not Review.objects.exists()


def test_a_service_rule_error_shows_on_the_form(client_for, iro, child):
    data = review_post(timezone.localdate() - dt.timedelta(days=40))  # before care started
    response = client_for(iro).post(reverse("reviews:record", args=[child.pk]), data)
    assert response.status_code == 200
    assert "before Mia became looked after" in response.text
    assert not Review.objects.exists()


def test_an_iro_cannot_record_for_a_child_they_neither_hold_nor_cover(client_for, other_iro, child):
    url = reverse("reviews:record", args=[child.pk])
    assert client_for(other_iro).get(url).status_code == 404
    assert client_for(other_iro).post(url, review_post(timezone.localdate())).status_code == 404
    assert not Review.objects.exists()


def test_a_covering_iro_can_record(client_for, iro, other_iro, manager, child):
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=timezone.localdate(), by=manager)
    response = client_for(other_iro).post(reverse("reviews:record", args=[child.pk]), review_post(timezone.localdate()))
    assert response.status_code == 302
    assert Review.objects.get(child=child).chair == iro  # chaired for the child's own IRO's caseload


@pytest.mark.parametrize("role", ["manager", "committee", "administrator"])
def test_only_iros_open_the_record_form(client_for, request, role, child):
    assert client_for(request.getfixturevalue(role)).get(reverse("reviews:record", args=[child.pk])).status_code == 403


@pytest.mark.parametrize("role", ["committee", "administrator"])
def test_committee_and_administrator_cannot_read_reviews(client_for, request, role, iro, child):
    review = held_review(child, iro=iro, held_on=timezone.localdate())
    client = client_for(request.getfixturevalue(role))
    for url in [
        reverse("reviews:detail", args=[review.pk]),
        reverse("reviews:child", args=[child.pk]),
        reverse("reviews:timeline", args=[child.pk]),
    ]:
        assert client.get(url).status_code == 403


def test_manager_reads_a_review_but_another_iro_gets_404(client_for, manager, other_iro, iro, child):
    review = held_review(child, iro=iro, held_on=timezone.localdate(), wishes_and_feelings="Private words")
    url = reverse("reviews:detail", args=[review.pk])
    assert "Private words" in client_for(manager).get(url).text
    assert client_for(other_iro).get(url).status_code == 404


def test_child_record_shows_next_review_due_booked_date_and_status(client_for, iro, child):
    schedule = ReviewSchedule.objects.get(child=child)
    text = client_for(iro).get(reverse("children:detail", args=[child.pk])).text
    assert "Next review due" in text
    assert f"{schedule.next_due_on:%-d %B %Y}" in text
    assert "Due within 15 working days" in text
    assert "Not booked" in text


def test_iro_home_lists_overdue_and_due_soon_reviews_late_records_and_actions(client_for, iro, other_iro, child):
    today = timezone.localdate()
    overdue = make_child_in_care(iro=iro, looked_after_on=today - dt.timedelta(days=90), first_name="Olu")
    held = held_review(
        overdue,
        iro=iro,
        held_on=today - dt.timedelta(days=60),
        review_type="first",
        record_due_on=today - dt.timedelta(days=30),
    )
    Action.objects.create(
        review=held, child=overdue, description="Call Nan", owner="SW", due_on=today - dt.timedelta(days=3)
    )
    # a second period of care: overdue because no review since it began
    not_mine = make_child_in_care(iro=other_iro, looked_after_on=today - dt.timedelta(days=90), first_name="Zoe")
    schedule_refresh([overdue.pk, not_mine.pk])
    ReviewSchedule.objects.filter(child=overdue).update(next_due_on=today - dt.timedelta(days=1))

    response = client_for(iro).get(reverse("reviews:home"))
    context = response.context
    assert [r.child.first_name for r in context["overdue"]] == ["Olu"]
    assert [r.child.first_name for r in context["due_soon"]] == ["Mia"]
    assert [r.child.first_name for r in context["records_overdue"]] == ["Olu"]
    assert [a.description for a in context["actions_overdue"]] == ["Call Nan"]
    assert "Zoe" not in response.text


def test_manager_sees_deadlines_across_the_service(client_for, manager, iro, other_iro, child):
    make_child_in_care(iro=other_iro, first_name="Zoe")
    response = client_for(manager).get(reverse("reviews:service"))
    assert sorted(r.child.first_name for r in response.context["rows"]) == ["Mia", "Zoe"]


def test_second_editor_of_a_review_keeps_their_input(client_for, iro, other_iro, manager, child):
    today = timezone.localdate()
    review = held_review(
        child,
        iro=iro,
        held_on=today,
        parents_participation="attended",
        wishes_and_feelings="First words",
        child_friendly_summary="Summary",
    )
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today, by=manager)
    url = reverse("reviews:edit", args=[review.pk])
    version = client_for(iro).get(url).context["form"].initial["version"]
    data = review_post(today)
    data.update({"version": version, "wishes_and_feelings": "Cover IRO's words"})
    assert client_for(other_iro).post(url, data).status_code == 302
    data["wishes_and_feelings"] = "My own words"
    response = client_for(iro).post(url, data)
    assert response.status_code == 200
    assert "while you were editing it" in response.text
    assert "My own words" in response.text
    assert "The record as it is saved now" in response.text
    review.refresh_from_db()
    assert review.wishes_and_feelings == "Cover IRO's words"


def test_booking_moving_and_cancelling_through_the_browser(client_for, iro, child):
    client = client_for(iro)
    today = timezone.localdate()
    client.post(
        reverse("reviews:book", args=[child.pk]),
        {
            **date_fields("booked_for", today + dt.timedelta(days=5)),
            "venue": "School",
            **book_anyway(child, today + dt.timedelta(days=5)),
        },
    )
    booked = Review.objects.get(child=child, status="booked")
    response = client.post(
        reverse("reviews:reschedule", args=[booked.pk]),
        {**date_fields("new_date", today + dt.timedelta(days=9)), "reason": "Exams"},
    )
    assert "The IRO must agree" in response.text
    client.post(
        reverse("reviews:reschedule", args=[booked.pk]),
        {
            **date_fields("new_date", today + dt.timedelta(days=9)),
            "reason": "Exams",
            "iro_consented": "on",
            **book_anyway(child, today + dt.timedelta(days=9), review=booked),
        },
    )
    client.post(reverse("reviews:cancel", args=[booked.pk]), {"reason": "Moved away", "iro_consented": "on"})
    booked.refresh_from_db()
    assert booked.status == "cancelled"
    assert [c.kind for c in booked.date_changes.order_by("pk")] == ["postponed", "cancelled"]


@pytest.mark.parametrize("size", [5, 60])
def test_iro_home_runs_a_fixed_number_of_queries(client_for, django_assert_max_num_queries, iro, size):
    today = timezone.localdate()
    children = [make_child_in_care(iro=iro, looked_after_on=today - dt.timedelta(days=200)) for _ in range(size)]
    for child in children[::2]:
        review = held_review(
            child, iro=iro, held_on=today - dt.timedelta(days=100), record_due_on=today - dt.timedelta(days=70)
        )
        Action.objects.create(review=review, child=child, description="x", owner="y", due_on=today - dt.timedelta(1))
    schedule_refresh([c.pk for c in children])
    client = client_for(iro)
    client.get(reverse("reviews:home"))
    # 14, and the conferences panel (HOME_SECTIONS): the chair's conferences and CP flags; and
    # the unread answers at the top (HOME_TOP_SECTIONS, voice.sections.home_unread): one.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("reviews:home"))
    assert len(response.context["rows"]) == size
