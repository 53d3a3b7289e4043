"""The IRO asks for views before a review (docs/rules.md#the-childs-voice): the sending page in
Chromium at 375 px, axe-core clean, an email sent to a parent and a letter printed for the child."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from children.codes import ContactRole
from tests.factories import PASSWORD, make_iro
from tests.voice.factories import child_with_booked_review, contact
from voice.models import VoiceLink

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_iro_sends_a_parent_their_link_and_prints_the_childs_at_375_px(
    browser, live_server, sign_in, assert_accessible, mailoutbox
):
    iro = make_iro(username="sender", first_name="Ada", last_name="Okafor")
    child, review = child_with_booked_review(iro, first_name="Tia")
    mother = contact(child, ContactRole.MOTHER, name="Mona Parent", email="mona@example.test")
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport={"width": 375, "height": 800})
    page = context.new_page()
    sign_in(page, "sender", PASSWORD)
    page.goto(f"{live_server.url}{reverse('voice:consultation_send', kwargs={'pk': review.pk})}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for views before the review")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)

    section = page.locator(f"#contact-{mother.pk}")
    section.get_by_label("Email to mona@example.test").check()
    section.get_by_role("button", name="Send to Mona Parent").click()
    expect(page.get_by_text("Sent to Mona Parent.")).to_be_visible()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["mona@example.test"]
    expect(page.locator(f"#contact-{mother.pk}")).to_contain_text("Email sent by Ada Okafor")
    assert_accessible(page)

    child_section = page.locator("#child")
    child_section.get_by_label("Print a letter with a QR code").check()
    with page.expect_download() as download:
        child_section.get_by_role("button", name="Send to Tia").click()
    assert download.value.suggested_filename.startswith("consultation-letter-")
    assert VoiceLink.objects.filter(review=review, contact=None, channel="letter").exists()

    child_section.get_by_label("Email").first.check()
    child_section.get_by_role("button", name="Send to Tia").click()
    assert "Enter the email address or mobile number to send it to" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    context.close()
