"""Issue 15's journey: a manager records a request for an initial child protection conference for
two brothers, allocates a chair and books it; the chair records it with a plan for one child and
not the other; the first review conference of the plan falls due 3 months after the conference.
axe-core finds no WCAG 2.2 AA violations on any page, the error states included."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from children.models import IROAllocation
from conferences.codes import Outcome
from conferences.deadlines import first_review_conference_due
from conferences.models import Conference, ConferenceChild, ProtectionPlan
from iro_service import roles
from reviews.calendar import statutory_non_working_days
from reviews.deadlines import is_working_day
from tests.browser.steps import assert_summary_links_resolve, fill_date
from tests.factories import PASSWORD, ChildFactory, UserFactory, make_iro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service():
    make_iro(username="chair", first_name="Grace", last_name="Adeyemi")
    UserFactory(username="manager", first_name="Helen", last_name="Marsh", role=roles.IRO_MANAGER)
    older = ChildFactory(
        local_reference="OK1", first_name="Daniel", last_name="Okafor", date_of_birth=dt.date(2016, 2, 3)
    )
    younger = ChildFactory(
        local_reference="OK2", first_name="Sam", last_name="Okafor", date_of_birth=dt.date(2019, 8, 9)
    )
    return {"older": older, "younger": younger}


def test_a_manager_requests_and_books_a_conference_and_the_chair_records_a_plan_for_one_child(
    page, live_server, sign_in, assert_accessible, service
):
    strategy_on = timezone.localdate() - dt.timedelta(days=10)

    # The manager records the request.
    sign_in(page, "manager", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Conferences", exact=True).click()
    expect(page.get_by_role("heading", name="Child protection conferences", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a request for an initial conference").click()
    page.get_by_role("button", name="Record the request").click()
    summary = assert_summary_links_resolve(page)
    assert "Enter the local references of the children" in summary.inner_text()
    assert_accessible(page)

    page.get_by_label("Local references of the children").fill("OK1, OK2")
    page.get_by_label("Family name").fill("Okafor")
    fill_date(page, "id_requested_on", strategy_on)
    fill_date(page, "id_strategy_discussion_on", strategy_on)
    fill_date(page, "id_section_47_started_on", strategy_on)
    page.get_by_label("Social worker", exact=True).fill("Priya Shah")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", name="Child protection conferences", level=1)).to_be_visible()
    assert_accessible(page)

    # ... allocates a chair ...
    page.get_by_role("link", name="Allocate a chair for the Okafor family").click()
    assert_accessible(page)
    page.get_by_label("Chair", exact=True).select_option(label="Grace Adeyemi: 0 children on child protection work")
    page.get_by_label("Reason").fill("New request")
    page.get_by_role("button", name="Allocate").click()
    assert sorted(
        IROAllocation.objects.child_protection().open().values_list("child__local_reference", "iro__username")
    ) == [("OK1", "chair"), ("OK2", "chair")]

    # ... and books it.
    page.get_by_role("link", name="Book the conference of the Okafor family").click()
    assert "15 working days after the strategy discussion" in page.locator("main").inner_text()
    assert_accessible(page)
    # Booked for today, read as late as possible (a conference cannot be booked in the past, nor
    # recorded as held in the future); on a weekend or bank holiday the manager books anyway.
    held_on = timezone.localdate()
    fill_date(page, "id_booked_for", held_on)
    page.get_by_role("button", name="Book the conference").click()
    if not is_working_day(held_on, non_working=statutory_non_working_days(held_on, held_on)):
        page.get_by_label("Book anyway").check()
        page.get_by_role("button", name="Book the conference").click()
    expect(page.get_by_role("heading", name="Child protection conferences", level=1)).to_be_visible()
    conference = Conference.objects.get()
    assert (conference.status, conference.booked_for, conference.chair.username) == ("booked", held_on, "chair")

    # The chair records the conference: a plan for Daniel, none for Sam.
    page.context.clear_cookies()
    sign_in(page, "chair", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My conferences").click()
    assert_accessible(page)
    page.get_by_role("link", name="Okafor").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Record the conference").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save the conference record").click()
    assert_summary_links_resolve(page)
    assert_accessible(page)

    places = {p.child_id: p.pk for p in ConferenceChild.objects.filter(conference=conference)}
    older, younger = places[service["older"].pk], places[service["younger"].pk]
    fill_date(page, "id_held_on", held_on)
    page.locator("#id_attendees-0-name").fill("Priya Shah")
    page.locator("#id_attendees-0-agency").select_option("social_care")
    page.locator("#id_attendees-0-attended").check()
    for place, outcome in ((older, Outcome.PLAN), (younger, Outcome.NO_PLAN)):
        page.locator(f"input[name='child-{place}-child_participation'][value='views_conveyed']").check()
        page.locator(f"input[name='child-{place}-parents_participation'][value='attended']").check()
        page.locator(f"input[name='child-{place}-outcome'][value='{outcome}']").check()
    page.locator(f"input[name='child-{older}-categories'][value='NEG']").check()
    page.locator(f"#id_actions-{older}-0-description").fill("Health visitor to visit Daniel every week")
    page.locator(f"#id_actions-{older}-0-owner").fill("Health visitor")
    fill_date(page, f"id_actions-{older}-0-due_on", held_on + dt.timedelta(days=28))
    page.get_by_role("button", name="Save the conference record").click()
    expect(page.get_by_text("Conference recorded.")).to_be_visible()
    assert_accessible(page)

    # The first review conference falls due 3 months after the conference, and the page says so.
    due = first_review_conference_due(held_on)
    plan = ProtectionPlan.objects.get()
    assert (plan.child_id, plan.started_on, plan.next_review_due_on) == (service["older"].pk, held_on, due)
    assert not ProtectionPlan.objects.filter(child=service["younger"]).exists()
    main = page.locator("main").inner_text()
    assert f"next review conference due by {due.day} {due:%B %Y}" in main
    assert f"3 months after the initial conference on {held_on.day} {held_on:%B %Y}" in main
    # Sam has no plan: the chair no longer holds him.
    assert list(IROAllocation.objects.child_protection().open().values_list("child__local_reference", flat=True)) == [
        "OK1"
    ]
