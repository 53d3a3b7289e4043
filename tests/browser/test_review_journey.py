"""iro1 records a full review with two actions and sees the next due date move; axe-core
finds no WCAG 2.2 AA violations on the form, in its error state too."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import ReviewSchedule
from reviews.schedule import schedule_refresh
from tests.browser.steps import assert_summary_links_resolve, fill_date, make_ruby
from tests.factories import PASSWORD, make_iro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_iro1_records_a_full_review(page, live_server, sign_in, assert_accessible):
    today = timezone.localdate()
    iro1 = make_iro(username="iro1", first_name="Grace", last_name="Adeyemi")
    child = make_ruby(iro1, looked_after_on=today - dt.timedelta(days=14))
    schedule_refresh([child.pk])
    first_due = ReviewSchedule.objects.get(child=child).next_due_on

    sign_in(page, "iro1", PASSWORD)
    page.wait_for_url("**/reviews/")
    page.get_by_role("link", name="Ruby Ellis").first.click()
    expect(page.get_by_text(f"{first_due:%-d %B %Y}").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a review").click()
    expect(page.get_by_role("heading", name="Record a review")).to_be_visible()
    assert_accessible(page)

    # Submit with gaps: one error summary, every field error linked, the form still accessible.
    page.get_by_role("button", name="Save review").click()
    summary = assert_summary_links_resolve(page)
    assert "Choose how the child took part in the review" in summary.inner_text()
    assert_accessible(page)

    fill_date(page, "id_held_on", today)
    page.get_by_label("Venue").fill("Foster carers' home")
    page.locator("#id_invited_1").check()  # child
    page.locator("#id_attended_1").check()
    page.get_by_label("PN1: Child physically attends and speaks for themselves").check()
    page.get_by_label("Attended and gave their views").check()
    page.get_by_label("The child's wishes and feelings").fill("Ruby wants to stay at her school.")
    page.get_by_label("What we agreed we will do").fill("Dear Ruby, we agreed you will stay at your school.")
    page.locator("#id_actions-0-description").fill("Apply for school transport")
    page.locator("#id_actions-0-owner").fill("Social worker")
    fill_date(page, "id_actions-0-due_on", today + dt.timedelta(days=21))
    page.locator("#id_actions-1-description").fill("Arrange contact with grandmother")
    page.locator("#id_actions-1-owner").fill("Foster carer")
    fill_date(page, "id_actions-1-due_on", today + dt.timedelta(days=35))
    page.get_by_role("button", name="Save review").click()

    expect(page.get_by_text("Review recorded. The next review date has been updated.")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Apply for school transport" in body and "Arrange contact with grandmother" in body
    assert_accessible(page)

    new_due = ReviewSchedule.objects.get(child=child).next_due_on
    assert new_due > first_due
    page.get_by_role("link", name="Back to Ruby Ellis's reviews").click()
    expect(page.get_by_text(f"{new_due:%-d %B %Y}").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Timeline of visits, midway reviews, notes and changes").click()
    expect(page.locator("main")).to_contain_text("First review", use_inner_text=True)
    assert_accessible(page)
    page.get_by_role("button", name="Record a visit").click()
    page.get_by_role("button", name="Record the visit").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
