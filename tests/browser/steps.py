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


def assert_a_dashboard_chart_loads(page, *, timeout: float) -> None:
    """The dashboard links its charts as images (drawn by their own URL, not in the page's
    request): there is at least one, and the first, scrolled into view, loads."""
    charts = page.locator(".app-chart img")
    expect(charts).not_to_have_count(0)
    first = charts.first
    first.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.element_handle(), timeout=timeout)
