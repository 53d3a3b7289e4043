"""The IRO's day, in Chromium: iro1 finds Ruby from the header search, adds her carer, books her
review on a Saturday (and is warned), invites the people around her, records the review,
downloads the record and the letter (read back as text), and records who was sent them. Every
page on the way is axe-core clean, and the new ones fit a 375 px screen."""

import datetime as dt
import subprocess

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from children.codes import ContactRole
from reviews.models import DocumentSent, Review
from reviews.schedule import schedule_refresh
from tests.browser.steps import fill_date, make_ruby
from tests.factories import PASSWORD, ContactFactory, make_iro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _next_saturday(after: dt.date) -> dt.date:
    day = after + dt.timedelta(days=1)
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    return day


def _pdf_text(download, tmp_path) -> str:
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    command = ["/usr/bin/pdftotext", "-layout", str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603 (our own file)


def _fits_375(browser, live_server, page, url: str, assert_accessible) -> None:
    """The page at 375 px in a context sharing the signed-in session: no sideways scroll, axe clean."""
    context = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 800})
    context.add_cookies(page.context.cookies())
    narrow = context.new_page()
    narrow.goto(f"{live_server.url}{url}")
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{url} is {width} px wide at 375 px"
    assert_accessible(narrow)
    context.close()


def test_an_iro_books_invites_records_prints_and_distributes(
    browser, page, live_server, sign_in, assert_accessible, tmp_path
):
    today = timezone.localdate()
    iro1 = make_iro(username="iro1", first_name="Grace", last_name="Adeyemi")
    ruby = make_ruby(iro1, looked_after_on=today - dt.timedelta(days=14))
    schedule_refresh([ruby.pk])
    ContactFactory(child=ruby, role=ContactRole.SOCIAL_WORKER, name="Sam Worker", email="sam@example.org")
    ContactFactory(child=ruby, role=ContactRole.MOTHER, name="Jo Ellis", email="", has_parental_responsibility=True)

    sign_in(page, "iro1", PASSWORD)
    page.wait_for_url("**/reviews/")

    # Finding Ruby from the header search, by her full name in any case.
    page.get_by_label("Search children").fill("ruby ELLIS")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ruby Ellis").first.click()
    expect(page.get_by_role("heading", name="People around the child")).to_be_visible()
    assert_accessible(page)

    # Her carer is not on the record yet: the IRO adds them.
    page.get_by_role("link", name="The people around Ruby Ellis").click()
    assert_accessible(page)
    people_url = page.url.removeprefix(live_server.url)
    page.get_by_role("link", name="Add a person").first.click()
    page.get_by_label("Who they are to the child").select_option(label="Carer")
    page.get_by_label("Name", exact=True).fill("Pat Carer")
    page.get_by_label("Email address (optional)").fill("pat@example.org")
    fill_date(page, "id_started_on", today - dt.timedelta(days=14))
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Pat Carer").first).to_be_visible()
    assert_accessible(page)

    # Booking on a Saturday: warned, then booked with the invitations ticked.
    page.goto(f"{live_server.url}/reviews/child/{ruby.pk}/")
    page.get_by_role("link", name="Book the next review").click()
    expect(page.get_by_text("Next review due by")).to_be_visible()
    saturday = _next_saturday(today)
    fill_date(page, "id_booked_for", saturday)
    page.get_by_label("Start time (optional)").fill("10:30")
    page.get_by_label("Venue").fill("Foster carer's home")
    page.get_by_label("Pat Carer (Carer), by email.").check()
    page.get_by_label("Sam Worker (Social worker), by email.").check()
    page.get_by_label("Jo Ellis (Mother), no email address: send by post.").check()
    page.get_by_role("button", name="Book review").click()
    expect(page.get_by_text(f"{saturday:%-d %B %Y} is a Saturday.")).to_be_visible()
    assert_accessible(page)
    assert not Review.objects.filter(child=ruby).exists()
    _fits_375(browser, live_server, page, page.url.removeprefix(live_server.url), assert_accessible)
    page.get_by_label("Book anyway").check()
    page.get_by_role("button", name="Book review").click()
    expect(page.get_by_text("Review booked")).to_be_visible()

    booked = Review.objects.get(child=ruby, status="booked")
    assert booked.booked_for == saturday and booked.starts_at == dt.time(10, 30)
    assert sorted(m.to[0] for m in mail.outbox) == ["pat@example.org", "sam@example.org"]
    (attachment,) = mail.outbox[0].attachments
    assert attachment.get_param("method") == "REQUEST"
    event = icalendar.Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")[0]
    assert "Ruby" not in str(event["SUMMARY"]) and "Ellis" not in str(event["SUMMARY"])

    # The invitations page lists the mother to send by post; the calendar shows the review.
    page.goto(f"{live_server.url}/reviews/{booked.pk}/invitations/")
    expect(page.get_by_text("Jo Ellis")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reviews/calendar/?view=month&month={saturday:%Y-%m}")
    expect(page.get_by_role("link", name="Ruby Ellis").first).to_be_visible()
    assert_accessible(page)
    _fits_375(browser, live_server, page, f"/reviews/calendar/?view=month&month={saturday:%Y-%m}", assert_accessible)

    # Recording the review (held today, before the booked day).
    page.goto(f"{live_server.url}/reviews/child/{ruby.pk}/record/")
    fill_date(page, "id_held_on", today)
    page.get_by_label("PN1: Child physically attends and speaks for themselves").check()
    page.get_by_label("Attended and gave their views").check()
    page.get_by_label("The child's wishes and feelings").fill("Ruby wants to stay at her school.")
    page.get_by_label("What we agreed we will do").fill("Dear Ruby, we agreed you will stay at your school.")
    page.locator("#id_actions-0-description").fill("Apply for school transport")
    page.locator("#id_actions-0-owner").fill("Social worker")
    fill_date(page, "id_actions-0-due_on", today + dt.timedelta(days=21))
    # Enter in a field saves the review: "Add another action" comes first in the form, but the
    # page presses its main button.
    page.locator("#id_actions-0-due_on_2").press("Enter")
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    held = Review.objects.get(child=ruby, status="held")
    assert_accessible(page)

    # The record and the letter, downloaded and read back.
    with page.expect_download() as record:
        page.get_by_role("link", name="Review record (PDF)").click()
    text = _pdf_text(record.value, tmp_path)
    assert "Ruby wants to stay at her school." in text and "Apply for school transport" in text
    with page.expect_download() as letter:
        page.get_by_role("link", name="Letter to the child, for a young person (PDF)").click()
    text = _pdf_text(letter.value, tmp_path)
    assert "we agreed you will stay at your school" in text and "Grace Adeyemi" in text

    # Who was sent what: everyone by email today, the mother by post.
    page.get_by_role("link", name="Record who was sent it").click()
    assert_accessible(page)
    distribution_url = page.url.removeprefix(live_server.url)
    fill_date(page, "id_record_completed_on", today)
    selects = page.locator("select[name$='-method']")
    rows = selects.count()
    assert rows == 5  # the letter and the record to Ruby (13), the record to Pat, Jo and Sam
    for i in range(rows):
        selects.nth(i).select_option(label="Post")
    for prefix in page.locator("input[name$='-sent_on_0']").evaluate_all("els => els.map(e => e.id)"):
        fill_date(page, prefix.removesuffix("_0"), today)
    page.get_by_role("button", name="Save the distribution list").click()
    page.wait_for_url(f"**/reviews/{held.pk}/")
    expect(page.get_by_text("Sent by post on").first).to_be_visible()
    held.refresh_from_db()
    assert held.record_distributed_on == today
    assert DocumentSent.objects.filter(review=held, sent_on=today).count() == rows
    assert_accessible(page)
    for url in (people_url, distribution_url):
        _fits_375(browser, live_server, page, url, assert_accessible)
