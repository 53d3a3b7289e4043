"""iro1 raises a dispute for a child at stage 1; the manager sees it on the dispute dashboard;
iro1 records the stage 1 response, escalates to stage 2, records that response and resolves
the dispute. axe-core finds no WCAG 2.2 AA violations on any page, error states included."""

import datetime as dt
from importlib import import_module

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from disputes.models import Dispute
from iro_service import roles
from tests.browser.steps import assert_summary_links_resolve, fill_date, make_ruby
from tests.factories import PASSWORD, UserFactory, make_iro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def default_ladder(transactional_db):
    """The ladder comes from a data migration, which an earlier browser test's flush removes."""
    from django.apps import apps

    create_ladder = import_module("disputes.migrations.0002_default_ladder").create_ladder
    create_ladder(apps, None)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/?signed-out=you")


def test_iro1_takes_a_dispute_from_stage_1_to_resolved(page, live_server, sign_in, assert_accessible):
    today = timezone.localdate()
    iro1 = make_iro(username="iro1", first_name="Grace", last_name="Adeyemi")
    UserFactory(username="manager", first_name="Helen", last_name="Marsh", role=roles.IRO_MANAGER)
    child = make_ruby(iro1, looked_after_on=today - dt.timedelta(days=200))

    # iro1 raises the dispute from Ruby's record.
    sign_in(page, "iro1", PASSWORD)
    page.wait_for_url("**/reviews/")
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="Raise a dispute about Ruby Ellis").click()
    expect(page.get_by_role("heading", name="Raise a dispute")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Raise the dispute").click()
    summary = page.locator(".govuk-error-summary")
    assert "Choose what the dispute is about" in summary.inner_text()
    assert "Choose the stage the dispute starts at" in summary.inner_text()
    assert_summary_links_resolve(page)
    assert_accessible(page)

    page.get_by_label("Drift in the care plan").check()
    page.get_by_label("The issue", exact=True).fill("The permanence plan has not moved since the last review.")
    page.get_by_label("Impact on the child").fill("Ruby does not know where she will grow up.")
    page.get_by_label("What must change").fill("Family finding to start.")
    page.get_by_label("By whom").fill("Team manager")
    fill_date(page, "id_change_by_when", today + dt.timedelta(days=20))
    page.get_by_label("Stage 1", exact=True).check()
    page.get_by_label("Raised with (name, optional)").fill("Sam Field")
    page.get_by_role("button", name="Raise the dispute").click()

    expect(page.get_by_text("Dispute raised")).to_be_visible()
    expect(page.get_by_role("heading", name="Dispute: Drift in the care plan")).to_be_visible()
    assert "Sam Field, Social worker" in page.locator("main").inner_text()
    assert_accessible(page)
    dispute = Dispute.objects.get(child=child)
    assert dispute.current_stage.number == 1
    sign_out(page)

    # The manager sees it on the dashboard, open at stage 1, and can read it but not act.
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/children/caseloads/")
    page.get_by_role("link", name="Dispute dashboard").click()
    page.wait_for_url("**/disputes/dashboard/")
    expect(page.get_by_role("heading", name="Dispute dashboard")).to_be_visible()
    stage_1 = page.locator("#by-stage tbody tr").filter(has=page.get_by_role("rowheader", name="Stage 1"))
    assert stage_1.locator("td").first.inner_text().split()[0] == "1"  # open now
    assert_accessible(page)

    stage_1.get_by_role("link").click()
    expect(page.get_by_text("1 dispute found")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ruby Ellis").click()
    expect(page.get_by_role("heading", name="Dispute: Drift in the care plan")).to_be_visible()
    expect(page.get_by_role("link", name="Record the response")).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    # iro1 takes it through stage 1 and stage 2 to resolved.
    sign_in(page, "iro1", PASSWORD)
    page.wait_for_url("**/reviews/")
    page.get_by_role("link", name="Disputes", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Ruby Ellis").click()

    page.get_by_role("link", name="Record the response").click()
    assert_accessible(page)
    page.get_by_label("The response").fill("Family finding will start next month.")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_text("Response recorded")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Escalate", exact=True).click()
    expect(page.get_by_role("heading", name="Escalate the dispute")).to_be_visible()
    expect(page.get_by_label("Stage 2", exact=True)).to_be_checked()  # the next stage unless one is bypassed
    assert_accessible(page)
    page.get_by_label("Raised with (name, optional)").fill("Jo Bright")
    page.get_by_role("button", name="Escalate").click()
    expect(page.get_by_text("Dispute escalated to Stage 2")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record the response").click()
    page.get_by_label("The response").fill("Family finding starts on Monday; a worker is allocated.")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_text("Response recorded")).to_be_visible()

    page.get_by_role("link", name="Resolve").click()
    assert_accessible(page)
    page.get_by_role("button", name="Resolve the dispute").click()
    assert "Say how the dispute was resolved" in page.locator(".govuk-error-summary").inner_text()
    assert_summary_links_resolve(page)
    assert_accessible(page)
    page.get_by_label("How it was resolved").fill("Family finding started and a worker is allocated.")
    page.get_by_role("button", name="Resolve the dispute").click()
    expect(page.get_by_text("Dispute resolved")).to_be_visible()
    main = page.locator("main").inner_text()
    assert "Family finding starts on Monday" in main and "Jo Bright, Team manager" in main
    expect(page.get_by_role("link", name="Record the response")).to_have_count(0)
    assert_accessible(page)

    dispute.refresh_from_db()
    assert (dispute.status, dispute.current_stage.number, dispute.steps.count()) == ("resolved", 2, 2)
