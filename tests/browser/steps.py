"""What the browser journeys share: Ruby Ellis, the child they follow; filling a GOV.UK date;
checking an error summary."""

import datetime as dt

from playwright.sync_api import expect

from tests.factories import make_child_in_care


def make_ruby(iro, **fields):
    """Ruby Ellis, born 2 April 2013, in care with ``iro``."""
    return make_child_in_care(
        iro=iro, first_name="Ruby", last_name="Ellis", date_of_birth=dt.date(2013, 4, 2), **fields
    )


def fill_date(page, field_id, day):
    page.locator(f"#{field_id}_0").fill(str(day.day))
    page.locator(f"#{field_id}_1").fill(str(day.month))
    page.locator(f"#{field_id}_2").fill(str(day.year))


def assert_summary_links_resolve(page):
    """The error summary shows and each of its links lands on something on the page; returns the summary."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        expect(page.locator(href), f"the error summary links to {href}, which is not on the page").to_have_count(1)
    return summary
