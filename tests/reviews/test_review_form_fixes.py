"""Issue 14's smaller fixes on the review pages and forms: labels, not stored codes; the reason
the parents were not invited; any number of actions without JavaScript; the timeline's
captions; GOV.UK date and required messages; a former IRO's page; links only to pages the
user may open."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from children.models import SignificantChange
from children.services import allocation_change
from iro_service.models import AuditEvent
from reviews.models import Action, CaseNote, MidwayReview, Review
from reviews.services import action_update
from tests.reviews.factories import held_review, mia_in_care
from tests.reviews.test_footprint import make_action
from tests.reviews.test_review_views import review_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro):
    return mia_in_care(iro)


def record(client, child, data):
    return client.post(reverse("reviews:record", args=[child.pk]), data)


# --- 1. Labels, not codes -------------------------------------------------------------------


def test_the_saved_review_names_who_was_invited_and_took_part_by_their_labels(client_for, iro, child):
    response = record(client_for(iro), child, review_post(timezone.localdate()))
    text = client_for(iro).get(response.url).text

    assert "Carer, Child, Social worker" in text  # invited, as the form names them
    assert "Child, Carer" in text or "Carer, Child" in text
    assert "social_worker" not in text


def test_the_audit_trail_shows_labels_of_the_codes_it_recorded(client_for, iro, manager, child):
    review = held_review(child, iro=iro, held_on=timezone.localdate())
    action = make_action(review, "Book a dentist")
    action_update(action=action, by=iro, status="no_longer_needed")

    text = " ".join(client_for(manager).get(reverse("children:audit", args=[child.pk])).text.split())

    assert "Status: Not yet done → No longer needed" in text
    assert "no_longer_needed" not in text


def test_an_audit_change_of_who_was_invited_lists_labels(client_for, iro, manager, child):
    review = held_review(child, iro=iro, held_on=timezone.localdate())
    data = review_post(timezone.localdate())
    data.update(version=str(review.version), **{"actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0"})
    response = client_for(iro).post(reverse("reviews:edit", args=[review.pk]), data)
    assert response.status_code == 302

    text = " ".join(client_for(manager).get(reverse("children:audit", args=[child.pk])).text.split())

    assert "Review record changed: venue, invited, attended, parents participation," in text  # words, not names
    assert "Invited: – → Child, Carer, Social worker" in text
    assert "Parents participation: – → Did not attend but gave their views" in text
    assert "social_worker" not in text


# --- 2. Why the parents were not invited ------------------------------------------------------


def test_not_invited_asks_for_the_reason_and_saves_nothing_without_it(client_for, iro, child):
    data = {**review_post(timezone.localdate()), "parents_participation": "not_invited"}

    response = record(client_for(iro), child, data)

    assert response.status_code == 200
    assert 'href="#id_parents_not_invited_reason"' in response.text
    assert "Enter why the parents were not invited" in response.text
    assert "Enter why the parents were not invited" in response.text
    assert not Review.objects.exists()


def test_no_answer_for_the_parents_links_to_the_first_radio(client_for, iro, child):
    data = review_post(timezone.localdate())
    data.pop("parents_participation")

    text = record(client_for(iro), child, data).text

    assert 'href="#id_parents_participation_1"' in text
    assert 'id="id_parents_participation_1"' in text
    assert "Choose how the parents took part" in text


def test_the_reason_box_is_in_the_page_under_the_parents_radios_and_never_hidden(client_for, iro, child):
    """Shown with or without JavaScript: a conditional reveal would mark a radio aria-expanded,
    which axe-core refuses (aria-allowed-attr)."""
    text = client_for(iro).get(reverse("reviews:record", args=[child.pk])).text

    assert 'name="parents_not_invited_reason"' in text
    assert text.index("Not invited (reason recorded)") < text.index('name="parents_not_invited_reason"')
    assert "govuk-radios__conditional" not in text
    form = text[text.index("<main") :]  # the header's Menu button controls the navigation
    assert "aria-controls=" not in form


def test_the_reason_is_saved_and_shown_escaped_on_the_review(client_for, iro, manager, child):
    reason = "<script>alert(1)</script> Court order restricts contact"
    data = {**review_post(timezone.localdate()), "parents_participation": "not_invited"}
    data["parents_not_invited_reason"] = reason

    response = record(client_for(iro), child, data)

    review = Review.objects.get()
    assert review.parents_not_invited_reason == reason
    text = client_for(manager).get(response.url).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Court order restricts contact" in text
    assert "<script>alert(1)" not in text


def test_a_reason_typed_for_another_answer_is_not_kept(client_for, iro, child):
    data = {**review_post(timezone.localdate()), "parents_not_invited_reason": "Typed, then changed my mind"}

    record(client_for(iro), child, data)

    assert Review.objects.get().parents_not_invited_reason == ""


# --- 3. Any number of actions -----------------------------------------------------------------


def test_add_another_action_shows_one_more_row_keeps_the_input_and_saves_nothing(client_for, iro, child):
    today = timezone.localdate()
    later = today + dt.timedelta(days=30)
    actions = [("Book dentist", "Carer", later), ("Life story", "Social worker", later), ("Visit gran", "Carer", later)]
    data = {**review_post(today, actions), "wishes_and_feelings": "", "add_action": "1"}

    response = record(client_for(iro), child, data)

    text = response.text
    assert response.status_code == 200
    assert not Review.objects.exists()
    assert 'name="actions-TOTAL_FORMS" value="4"' in text
    assert 'name="actions-3-description"' in text
    assert 'id="action-3"' in text
    assert 'formaction="#action-4"' in text  # the next press lands on the row it adds
    assert "Visit gran" in text
    assert "Dear Mia, we agreed your hamster stays." in text
    assert "There is a problem" not in text
    assert "Enter the child" not in text  # the empty wishes box is not an error yet


def test_no_row_is_added_past_the_most_actions_a_review_holds(client_for, iro, child):
    data = {**review_post(timezone.localdate()), "actions-TOTAL_FORMS": "30", "add_action": "1"}

    text = record(client_for(iro), child, data).text

    assert 'name="actions-TOTAL_FORMS" value="30"' in text
    assert "Add another action" not in text


def test_a_fourth_action_added_without_javascript_is_saved(client_for, iro, child):
    today = timezone.localdate()
    later = today + dt.timedelta(days=30)
    actions = [(f"Action {n}", "Carer", later) for n in range(4)]
    data = {**review_post(today, actions), "actions-TOTAL_FORMS": "4"}

    response = record(client_for(iro), child, data)

    assert response.status_code == 302
    assert Action.objects.filter(review__child=child).count() == 4


def test_the_change_form_adds_a_row_after_the_saved_actions(client_for, iro, child):
    review = held_review(child, iro=iro, held_on=timezone.localdate())
    make_action(review, "Book a dentist")
    page = client_for(iro).get(reverse("reviews:edit", args=[review.pk])).text
    assert "Add another action" in page

    data = review_post(timezone.localdate())
    data.update(
        version=str(review.version),
        add_action="1",
        **{"actions-TOTAL_FORMS": "4", "actions-INITIAL_FORMS": "1", "actions-0-description": "Book a dentist"},
    )
    response = client_for(iro).post(reverse("reviews:edit", args=[review.pk]), data)

    assert response.status_code == 200
    assert 'name="actions-TOTAL_FORMS" value="5"' in response.text
    assert "There is a problem" not in response.text


def test_another_iro_cannot_add_rows_to_a_review_they_do_not_hold(client_for, other_iro, child):
    data = {**review_post(timezone.localdate()), "add_action": "1"}
    assert record(client_for(other_iro), child, data).status_code == 404


# --- 4. The timeline names each entry once ----------------------------------------------------


def test_the_timeline_does_not_repeat_the_kind_of_an_entry(client_for, iro, child):
    MidwayReview.objects.create(child=child, iro=iro, held_on=timezone.localdate(), notes="Going well")
    CaseNote.objects.create(child=child, author=iro, written_on=timezone.localdate(), text="Called carer")

    text = " ".join(client_for(iro).get(reverse("reviews:timeline", args=[child.pk])).text.split())

    assert "Case note Case note" not in text
    assert "Midway review Midway review" not in text
    assert "Written by Ada Okafor" in text
    assert "Held by Ada Okafor" in text


# --- 5. GOV.UK messages for dates and empty fields --------------------------------------------


def test_31_february_is_not_a_real_date(client_for, iro, child):
    data = {**review_post(timezone.localdate()), "held_on_0": "31", "held_on_1": "2", "held_on_2": "2026"}

    response = record(client_for(iro), child, data)

    assert "Date the review was held must be a real date" in response.text
    assert "day is out of range" not in response.text
    assert not Review.objects.exists()


def test_an_empty_review_date_names_the_field(client_for, iro, child):
    data = {**review_post(timezone.localdate()), "held_on_0": "", "held_on_1": "", "held_on_2": ""}

    response = record(client_for(iro), child, data)

    assert "Enter the date the review was held" in response.text
    assert "This field is required." not in response.text


def test_the_booking_form_names_its_empty_date(client_for, iro, child):
    response = client_for(iro).post(reverse("reviews:book", args=[child.pk]), {"venue": "Carer's home"})
    assert "Enter the date of the review" in response.text
    assert "This field is required." not in response.text


# --- 6. A former IRO ------------------------------------------------------------------------


@pytest.fixture
def reallocated(child, iro, other_iro, manager):
    allocation_change(child=child, by=manager, iro=other_iro, starts_on=timezone.localdate(), reason="Caseload")
    return child


@pytest.mark.parametrize("name", ["children:detail", "reviews:child", "reviews:timeline", "reviews:record"])
def test_a_former_iro_is_told_the_child_is_no_longer_on_their_caseload(client_for, iro, reallocated, name):
    response = client_for(iro).get(reverse(name, args=[reallocated.pk]))

    assert response.status_code == 403
    assert "This child is no longer on your caseload. Ask your manager if you need access." in response.text
    assert "Mia" not in response.text
    assert "Rowe" not in response.text


def test_a_former_iro_opening_a_review_is_told_too(client_for, iro, reallocated):
    review = held_review(reallocated, iro=iro, held_on=timezone.localdate(), wishes_and_feelings="Private words")
    response = client_for(iro).get(reverse("reviews:detail", args=[review.pk]))
    assert response.status_code == 403
    assert "no longer on your caseload" in response.text
    assert "Private words" not in response.text


def test_an_iro_who_never_held_the_child_gets_the_ordinary_404(client_for, part_time_iro, child):
    response = client_for(part_time_iro).get(reverse("children:detail", args=[child.pk]))
    assert response.status_code == 404
    assert "no longer on your caseload" not in response.text


def test_the_new_iro_opens_the_child(client_for, other_iro, reallocated):
    assert client_for(other_iro).get(reverse("children:detail", args=[reallocated.pk])).status_code == 200


def test_a_former_iro_opening_a_significant_change_is_told_too(client_for, iro, manager, reallocated):
    change = SignificantChange.objects.create(
        child=reallocated,
        category="exclusion",
        occurred_on=timezone.localdate(),
        description="Excluded for six days",
        recorded_by=manager,
    )
    response = client_for(iro).get(reverse("children:significant_change_acknowledge", args=[change.pk]))
    assert response.status_code == 403
    assert "Excluded for six days" not in response.text


def test_the_refusal_writes_no_read_to_the_audit_trail(client_for, iro, reallocated):
    before = AuditEvent.objects.filter(child_id=reallocated.pk).count()
    client_for(iro).get(reverse("children:detail", args=[reallocated.pk]))
    assert AuditEvent.objects.filter(child_id=reallocated.pk).count() == before


# --- 7. Only links the user can follow --------------------------------------------------------


@pytest.fixture
def change(child, iro, manager):
    return SignificantChange.objects.create(
        child=child,
        category="exclusion",
        occurred_on=timezone.localdate(),
        description="Excluded for six days",
        recorded_by=manager,
        iro=iro,
    )


def test_the_manager_is_not_offered_to_book_an_earlier_review(client_for, manager, change):
    text = client_for(manager).get(reverse("children:significant_change_acknowledge", args=[change.pk])).text
    assert "Book an earlier review" not in text
    assert reverse("reviews:book", args=[change.child_id]) not in text
    assert "The child's IRO can book an earlier review." in text
    assert client_for(manager).get(reverse("reviews:book", args=[change.child_id])).status_code == 403


def test_the_iro_is_offered_the_link_and_can_follow_it(client_for, iro, change):
    text = client_for(iro).get(reverse("children:significant_change_acknowledge", args=[change.pk])).text
    url = reverse("reviews:book", args=[change.child_id])
    assert "Book an earlier review" in text
    assert url in text
    assert client_for(iro).get(url).status_code == 200


@pytest.mark.parametrize("changes", [2, 25])
def test_the_audit_trail_labels_its_changes_in_a_fixed_number_of_queries(
    client_for, iro, manager, child, changes, django_assert_max_num_queries
):
    review = held_review(child, iro=iro, held_on=timezone.localdate())
    for n in range(changes):
        action_update(action=make_action(review, f"Action {n}"), by=iro, status="no_longer_needed")
    client = client_for(manager)

    with django_assert_max_num_queries(9):
        text = " ".join(client.get(reverse("children:audit", args=[child.pk])).text.split())

    assert text.count("Status: Not yet done → No longer needed") == changes
