"""The manager writes the narrative of the annual IRO report (meeting a stale edit on the way),
generates the report, publishes it and looks at the service dashboard; a committee member,
in a browser of their own, downloads the published PDF. axe-core finds no WCAG 2.2 AA
violations on any of these pages, the narrative's error state included.

Locally Celery runs the generation inside the request (no REDIS_URL); where REDIS_URL is set
(CI's PostgreSQL run) a worker started here consumes it from the broker and the progress
page follows it until it says "Ready"."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iro_service import roles
from iro_service.periods import ReportingYear
from reporting import services
from reporting.models import ReportNarrative, ReportVersion
from reporting.tasks import generate_report, refresh_dashboard
from tests.browser.steps import assert_a_dashboard_chart_loads, worker_for
from tests.factories import PASSWORD, UserFactory, make_child_in_care, make_iro
from tests.reviews.factories import held_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Rendering the PDF (figures, a dozen charts, WeasyPrint) and the dashboard's charts take seconds.
SLOW = 120_000


@pytest.fixture
def report_worker(monkeypatch):
    with worker_for(monkeypatch, "report", (generate_report, refresh_dashboard)):
        yield


def build_service(today: dt.date):
    """Two IROs and six children in care, with reviews last year and this year."""
    this_year = ReportingYear.containing(today)
    iros = [
        make_iro(username="iro1", first_name="Grace", last_name="Adeyemi"),
        make_iro(username="iro2", first_name="Tom", last_name="Price"),
    ]
    for n in range(6):
        iro = iros[n % 2]
        child = make_child_in_care(
            iro=iro, first_name=f"Child{n}", looked_after_on=this_year.start - dt.timedelta(days=400 + 20 * n)
        )
        held_on = this_year.start - dt.timedelta(days=200 - 10 * n)
        held_review(
            child,
            iro=iro,
            held_on=held_on,
            due_on=this_year.start - dt.timedelta(days=185),
            code=("PN1", "PN6", "PN7")[n % 3],
            review_type="subsequent",
            record_due_on=held_on + dt.timedelta(days=28),
            record_distributed_on=held_on + dt.timedelta(days=20 + 4 * n),
        )
        held_review(
            child,
            iro=iro,
            held_on=max(this_year.start, today - dt.timedelta(days=5 + n)),
            due_on=today,
            code=("PN1", "PN5")[n % 2],
            review_type="subsequent",
        )
    return this_year.previous()[0]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/?signed-out=you")


def test_the_manager_publishes_the_annual_report_and_the_committee_downloads_it(
    page, browser, live_server, sign_in, assert_accessible, settings, tmp_path, report_worker
):
    settings.MEDIA_ROOT = tmp_path
    year = build_service(timezone.localdate())
    label = year.label
    manager = UserFactory(username="manager", first_name="Helen", last_name="Marsh", role=roles.IRO_MANAGER)
    colleague = UserFactory(username="manager2", first_name="Dev", last_name="Shah", role=roles.IRO_MANAGER)
    UserFactory(username="cllr", first_name="Colin", last_name="Reed", role=roles.COMMITTEE)

    # The manager opens the annual report page and the narrative for last year.
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/children/caseloads/")
    page.get_by_role("link", name="Annual report").click()
    page.wait_for_url("**/reporting/annual/")
    expect(page.get_by_role("heading", name="Annual IRO report")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=f"Write the narrative for {label}").click()
    expect(page.get_by_role("heading", name=f"Narrative for the {label} report")).to_be_visible()
    assert_accessible(page)

    # A colleague saves first: the manager's save is refused and their words are kept.
    services.narrative_save(
        start_year=year.start_year, by=colleague, expected_version=0, introduction="Dev's introduction."
    )
    page.get_by_label("Introduction", exact=True).fill("A year of steady, independent work.")
    page.get_by_label("Children's feedback").fill("Children told us reviews felt like theirs.")
    page.get_by_role("button", name="Save the narrative").click()
    summary = page.locator(".govuk-error-summary")
    assert "was changed by Dev Shah while you were editing it" in summary.inner_text()
    assert page.get_by_label("Introduction", exact=True).input_value() == "A year of steady, independent work."
    assert "Dev's introduction." in page.locator("#edit-conflict").inner_text()
    assert_accessible(page)

    # Both wrote an introduction: saving again is refused until the manager chooses.
    page.get_by_role("button", name="Save the narrative").click()
    # The page already had an error summary: wait for the new one's words.
    expect(summary).to_contain_text("both changed “Introduction”: choose which to keep", use_inner_text=True)
    assert ReportNarrative.objects.get(start_year=year.start_year).introduction == "Dev's introduction."
    page.get_by_label("Use yours, as it is in the form now").check()
    page.get_by_role("button", name="Save the narrative").click()
    page.wait_for_url("**/reporting/annual/")
    expect(page.get_by_text(f"Narrative for {label} saved")).to_be_visible()
    narrative = ReportNarrative.objects.get(start_year=year.start_year)
    assert (narrative.introduction, narrative.version) == ("A year of steady, independent work.", 2)

    # Generating: eagerly the redirect lands on "Ready"; with a worker the page follows along.
    with page.expect_navigation(url="**/reporting/versions/*/", timeout=SLOW):
        page.get_by_role("button", name=f"Generate the report for {label}").click(timeout=SLOW)
    page.get_by_text("Ready", exact=True).wait_for(timeout=SLOW)
    expect(page.get_by_role("heading", name="Version 1")).to_be_visible()
    expect(page.get_by_role("link", name="Download the PDF of version 1")).to_be_visible()
    assert_accessible(page)
    version = ReportVersion.objects.get(start_year=year.start_year)
    assert (version.status, len(version.sha256)) == ("ready", 64)

    page.get_by_role("link", name="annual report page").click()
    page.get_by_role("button", name=f"Publish version 1 of the {label} report").click()
    # The confirmation page: three narrative sections are unwritten, so publishing needs a reason.
    expect(page.get_by_role("heading", name=f"Publish the annual report for {year.start_year} to")).to_be_visible()
    expect(page.get_by_text("These sections of the narrative are not written")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reason for publishing anyway").fill("The committee meets before the objectives are agreed.")
    page.get_by_role("button", name="Publish the report").click()
    expect(page.get_by_text(f"Annual IRO report {label}, version 1 published for the committee")).to_be_visible()
    expect(page.get_by_text(version.sha256)).to_be_visible()
    assert_accessible(page)
    version.refresh_from_db()
    assert (version.requested_by, version.published_by) == (manager, manager)

    # The live dashboard for this year so far.
    # The click waits for the navigation it starts; the first look computes the figures (no worker).
    page.get_by_role("link", name="Service dashboard").click(timeout=SLOW)
    page.wait_for_url("**/reporting/dashboard/", timeout=SLOW)
    expect(page.get_by_role("heading", name="Service dashboard")).to_be_visible()
    # With a worker, the first look queues the figures and says so: reload, as it asks, until they are in.
    for _ in range(30):
        if not page.get_by_text("are being worked out for the first time").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    assert_a_dashboard_chart_loads(page, timeout=SLOW)
    assert_accessible(page)
    sign_out(page)

    # A committee member, in a browser of their own, downloads the published report.
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", accept_downloads=True)
    with contextlib.closing(context):
        committee_page = context.new_page()
        committee_page.set_default_timeout(15_000)
        sign_in(committee_page, "cllr", PASSWORD)
        committee_page.wait_for_url(f"{live_server.url}/")
        expect(committee_page.get_by_role("heading", name="Published annual IRO reports")).to_be_visible()
        assert_accessible(committee_page)

        with committee_page.expect_download() as download_info:
            committee_page.get_by_role("link", name=f"Download the {label} report, version 1 (PDF)").click()
        download = download_info.value
        assert download.suggested_filename == f"iro-annual-report-{label}-v1.pdf"
        with open(download.path(), "rb") as pdf:
            assert pdf.read(4) == b"%PDF"
