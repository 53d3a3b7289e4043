"""Issue 16's public forms in a browser with JavaScript off, on a 375 px phone screen: a child
opens the link they were sent, sends an answer that is too long, reads the error summary, puts
it right and sends it, and sees the thank-you page; their link then shows the closed page. A
parent gives feedback after a review and says the IRO may know it is theirs. axe-core finds no
WCAG 2.2 AA violations on the form, its error state and the thank-you page.

axe-core needs JavaScript, so each page is checked in a second, JavaScript-enabled page that is
served the very HTML the JavaScript-free browser was shown, at the same address (so the styles
load as they did): the error state comes from a POST, which a fresh request could not repeat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from children.codes import ContactRole
from tests.browser.steps import assert_summary_links_resolve
from tests.factories import make_iro
from tests.voice.factories import child_link, child_with_booked_review, child_with_held_review, contact, parent_link
from voice.codes import FormKind
from voice.models import VoiceResponse
from voice.questions import TEXT_LIMIT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375


@pytest.fixture(autouse=True)
def empty_cache():
    """The rate limit counts in the cache (shared with the live server's thread)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def phone(browser):
    """A phone-sized page with JavaScript switched off."""
    context = browser.new_context(
        locale="en-GB",
        timezone_id="Europe/London",
        java_script_enabled=False,
        viewport={"width": WIDTH, "height": 800},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def check_what_was_shown(browser, page, assert_accessible) -> None:
    """axe-core, and no sideways scrolling at 375 px, on the HTML ``page`` shows, served again
    at its own address to a page that runs JavaScript."""
    html = page.content()
    address = page.url
    context = browser.new_context(locale="en-GB", viewport={"width": WIDTH, "height": 800})
    checker = context.new_page()
    checker.route(
        address,
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
    )
    checker.goto(address)
    width = checker.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{address} is {width} px wide at {WIDTH} px"
    assert_accessible(checker)
    context.close()


def test_a_child_answers_their_form_without_javascript_on_a_phone(browser, phone, live_server, assert_accessible):
    iro = make_iro(username="iro", first_name="Grace", last_name="Adeyemi")
    child, review = child_with_booked_review(iro, first_name="Ruby", born=dt.date(2018, 5, 1))
    made = child_link(review, by=iro)
    assert made.link.form_kind == FormKind.CONSULT_CHILD
    form_url = f"{live_server.url}/v/{made.raw}/"

    phone.goto(form_url)
    expect(phone.get_by_role("heading", name="Your meeting is coming up", level=1)).to_be_visible()
    expect(phone.get_by_text("Hello Ruby.")).to_be_visible()
    expect(phone.get_by_text("If you are in danger now, call 999.")).to_be_visible()
    expect(phone.get_by_text(f"You can enter up to {TEXT_LIMIT} characters").first).to_be_visible()
    content = phone.content()
    assert child.last_name not in content and "Adeyemi" not in content
    check_what_was_shown(browser, phone, assert_accessible)

    # Too long an answer: the error summary names it and links to it, and nothing is lost.
    phone.get_by_role("group", name="How are things where you live?").get_by_label("Good", exact=True).check()
    talk = phone.get_by_label("What do you want to talk about at your meeting?")
    too_long = "I want to see my brother more. " * 70
    assert len(too_long.strip()) > TEXT_LIMIT
    talk.fill(too_long)
    phone.get_by_role("button", name="Send my answers").click()
    summary = assert_summary_links_resolve(phone)
    expect(summary).to_contain_text(f"Your answer must be {TEXT_LIMIT:,} characters or fewer.")
    assert phone.title().startswith("Your meeting is coming up (error)")
    expect(talk).to_have_value(too_long)
    expect(
        phone.get_by_role("group", name="How are things where you live?").get_by_label("Good", exact=True)
    ).to_be_checked()
    assert not VoiceResponse.objects.exists()
    check_what_was_shown(browser, phone, assert_accessible)

    # Put right and sent: the thank-you page carries no token and no name.
    summary.get_by_role("link").first.click()
    talk.fill("I want to see my brother more.")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
    assert phone.url.split("#")[0] == f"{live_server.url}/v/thank-you/"  # a fragment followed from the summary stays
    assert "Ruby" not in phone.content() and made.raw not in phone.content()
    check_what_was_shown(browser, phone, assert_accessible)
    answer = VoiceResponse.objects.get()
    assert (answer.child_id, answer.review_id) == (child.pk, review.pk)
    assert answer.answers == {"home": "good", "talk_about": "I want to see my brother more."}

    # The link has been used: it shows the closed page, with nothing about Ruby.
    response = phone.goto(form_url)
    assert response.status == 404
    expect(phone.get_by_role("heading", name="This link has closed", level=1)).to_be_visible()
    assert "Ruby" not in phone.content()
    check_what_was_shown(browser, phone, assert_accessible)


def test_a_parent_gives_feedback_and_lets_the_iro_know_it_is_theirs(browser, phone, live_server, assert_accessible):
    iro = make_iro(username="iro")
    child, review = child_with_held_review(iro, first_name="Ruby", born=dt.date(2018, 5, 1))
    mother = contact(child, ContactRole.MOTHER, name="Jo Ellis")
    made = parent_link(review, mother, by=iro)

    phone.goto(f"{live_server.url}/v/{made.raw}/")
    expect(phone.get_by_role("heading", name="How was the review?", level=1)).to_be_visible()
    expect(phone.get_by_text("This is about Ruby’s review")).to_be_visible()
    expect(phone.get_by_text("0808 800 5000")).to_be_visible()
    check_what_was_shown(browser, phone, assert_accessible)

    phone.get_by_role("group", name="Did you feel listened to as a parent?").get_by_label("Sort of").check()
    phone.get_by_role("group", name="Do you know what is in the child's plan?").get_by_label("Yes", exact=True).check()
    phone.get_by_label("Is there anything else you want to tell us?").fill("The meeting was <b>too</b> short.")
    phone.get_by_label("Can the IRO know this is from you?").check()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you", level=1)).to_be_visible()

    answer = VoiceResponse.objects.get()
    assert answer.identified is True
    assert answer.answers == {
        "listened": "sort_of",
        "know_plan": "yes",
        "comment": "The meeting was <b>too</b> short.",
        "share_name": True,
    }
