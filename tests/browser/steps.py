"""What the browser journeys share: Ruby Ellis, the child they follow; filling a GOV.UK date;
checking an error summary; a Celery worker for the journeys that follow a task."""

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator

from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from iro_service.celery import app as celery_app
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


@contextlib.contextmanager
def worker_for(monkeypatch, name: str, tasks) -> Iterator[None]:
    """Nothing to start where tasks run eagerly; otherwise a worker on a queue of this run's own
    (``test-<name>-<uuid>``) that ``tasks`` are sent to."""
    if celery_app.conf.task_always_eager:
        yield
        return
    queue = f"test-{name}-{uuid.uuid4().hex}"
    for task in tasks:
        monkeypatch.setattr(task, "queue", queue, raising=False)
        monkeypatch.setattr(task, "_exec_options", None)  # Celery caches the options it sends with
    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=60):
        yield
