"""Two IROs edit the same review record at once, in two browser contexts: the child's IRO and
the IRO covering for her. The second save is refused with every difference listed; saving
again keeps the first IRO's venue; when both change the venue, nothing is saved until the
second IRO chooses. axe-core finds no WCAG 2.2 AA violations on the conflict pages."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import Review
from tests.browser.steps import assert_summary_links_resolve
from tests.factories import PASSWORD, make_child_in_care, make_cover, make_iro
from tests.reviews.factories import held_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_page(browser):
    """A second person's browser: its own context (cookies, session), made as ``page`` is."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def save(page):
    page.get_by_role("button", name="Save review").click()


def both_open_then_a_saves_the_venue(a, b, url, venue):
    """A and B open the same form; A changes the venue and saves before B does anything."""
    a.goto(url)
    b.goto(url)
    a.locator("#id_venue").fill(venue)
    save(a)
    expect(a.get_by_text("Review record saved")).to_be_visible()


def test_two_iros_edit_one_review_and_neither_loses_a_change(
    page, second_page, live_server, sign_in, assert_accessible
):
    today = timezone.localdate()
    grace = make_iro(username="iro1", first_name="Grace", last_name="Adeyemi")
    omar = make_iro(username="iro2", first_name="Omar", last_name="Haddad")
    child = make_child_in_care(
        iro=grace, first_name="Ruby", last_name="Ellis", looked_after_on=today - dt.timedelta(days=200)
    )
    make_cover(absent_iro=grace, covering_iro=omar, starts_on=today)
    review = held_review(
        child,
        iro=grace,
        held_on=today - dt.timedelta(days=10),
        venue="Foster carers' home",
        invited=["child", "carer"],
        attended=["child"],
        parents_participation="views_given",
        wishes_and_feelings="Ruby wants to stay at her school.",
        child_friendly_summary="Dear Ruby, we agreed you will stay at your school.",
    )
    url = f"{live_server.url}/reviews/{review.pk}/edit/"
    a, b = page, second_page
    sign_in(a, "iro1", PASSWORD)
    sign_in(b, "iro2", PASSWORD)

    # 1. Grace changes the venue while Omar, who opened the form at the same time, adds the discussion.
    both_open_then_a_saves_the_venue(a, b, url, "Town hall")

    b.locator("#id_discussion").fill("Contact with her brother was discussed.")
    save(b)
    summary = b.locator(".govuk-error-summary")
    assert "This record was changed by Grace Adeyemi while you were editing it" in summary.inner_text()
    panel = b.locator("#edit-conflict")
    expect(panel.get_by_role("heading", name="The record as it is saved now")).to_be_visible()
    venue = b.locator("#conflict-venue")
    assert "Foster carers' home" in venue.inner_text() and "Town hall" in venue.inner_text()
    assert "Only Grace Adeyemi changed this. Their version is now in the form." in venue.inner_text()
    assert "Only you changed this" in b.locator("#conflict-discussion").inner_text()
    assert b.locator("#id_venue").input_value() == "Town hall"  # Grace's venue, not Omar's stale one
    assert b.locator("#id_discussion").input_value() == "Contact with her brother was discussed."
    assert_summary_links_resolve(b)
    assert_accessible(b)

    save(b)
    expect(b.get_by_text("Review record saved")).to_be_visible()
    review.refresh_from_db()
    assert (review.venue, review.discussion) == ("Town hall", "Contact with her brother was discussed.")

    # 2. Both change the venue: Omar must choose before anything of his is saved.
    both_open_then_a_saves_the_venue(a, b, url, "Library")

    b.locator("#id_venue").fill("Community centre")
    save(b)
    assert "Choose" in b.locator("#conflict-venue").inner_text()
    choice = b.get_by_role("group", name="You and Grace Adeyemi both changed “Venue”. Which do you want to keep?")
    expect(choice).to_be_visible()
    assert b.locator("#id_venue").input_value() == "Community centre"
    assert_accessible(b)

    save(b)  # without choosing
    summary = b.locator(".govuk-error-summary")
    # The conflict page already had an error summary: wait for the new one's words.
    expect(summary).to_contain_text(
        "You and Grace Adeyemi both changed “Venue”: choose which to keep", use_inner_text=True
    )
    assert_summary_links_resolve(b)
    assert_accessible(b)
    assert Review.objects.get(pk=review.pk).venue == "Library"

    b.get_by_label("Use yours, as it is in the form now").check()
    save(b)
    expect(b.get_by_text("Review record saved")).to_be_visible()
    review.refresh_from_db()
    assert (review.venue, review.discussion) == ("Community centre", "Contact with her brother was discussed.")
