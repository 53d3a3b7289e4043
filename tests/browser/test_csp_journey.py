"""With the Content-Security-Policy enforced (as in every journey: axe-core is evaluated, not
injected), an IRO and a manager walk the main pages: Chromium reports no policy violation, no
console error and no script error, and GOV.UK Frontend's JavaScript still runs (``js-enabled``
on the body, the error summary takes focus, the report's progress page polls). A script stored
in an action's description stays text on the midway-review page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iro_service import roles
from iro_service.celery import app as celery_app
from reporting.models import ReportVersion
from reviews.models import Action
from reviews.services import ActionInput
from tests.browser.steps import assert_a_dashboard_chart_loads
from tests.factories import PASSWORD, UserFactory, make_child_in_care, make_iro
from tests.reviews.factories import record_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOW = 90_000
PAYLOAD = '<img src=x onerror="window.__xss = 1">XSS-1234<script>window.__xss = 2</script>'

#: Reports every violation to Python: init scripts and bindings are not subject to the page's CSP.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${location.pathname}`);
});
"""


def record_console(message, problems: list[str]) -> None:
    """Errors and warnings, less the admin's request for /favicon.ico (its pages link none)."""
    url = message.location.get("url", "")
    if message.type in ("error", "warning") and not url.endswith("/favicon.ico"):
        problems.append(f"console {message.type}: {message.text} ({url}, on {message.page.url})")


@pytest.fixture
def enforced(browser):
    """A browser page with the policy enforced, and what went wrong on it."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    problems: list[str] = []
    context.expose_binding("reportViolation", lambda source, text: problems.append(f"CSP: {text}"))
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda message: record_console(message, problems))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    yield page, problems
    context.close()


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_govuk_javascript_ran(page):
    classes = page.evaluate("document.body.className").split()
    assert "js-enabled" in classes and "govuk-frontend-supported" in classes, classes
    expect(page.locator("[data-module='govuk-skip-link'][data-govuk-skip-link-init]")).to_have_count(1)


def test_the_main_pages_run_under_the_policy_without_a_violation(enforced, live_server, monkeypatch):
    # The dashboard's first look computes its figures in the request where tasks run eagerly;
    # this journey is about the policy, so it runs them eagerly even with a broker (CI's second run).
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    page, problems = enforced
    today = timezone.localdate()
    iro = make_iro(username="iro1", first_name="Grace", last_name="Adeyemi")
    UserFactory(username="manager", first_name="Helen", last_name="Marsh", role=roles.IRO_MANAGER)
    UserFactory(username="admin1", role=roles.ADMINISTRATOR, is_staff=True)
    child = make_child_in_care(
        iro=iro, first_name="Ruby", last_name="Ellis", looked_after_on=today - dt.timedelta(days=200)
    )
    review = record_review(
        child,
        iro,
        today - dt.timedelta(days=60),
        wishes_and_feelings="To stay at her school.",
        child_friendly_summary="Dear Ruby.",
        actions=[ActionInput(description="Apply for school transport", owner="Social worker", due_on=today)],
        today=today,
    )
    Action.objects.filter(review=review).update(description=PAYLOAD, owner=PAYLOAD)
    version = ReportVersion.objects.create(start_year=2025, number=1, status="running", progress=10, requested_by=iro)
    base = live_server.url

    sign_in(page, live_server, "iro1")
    page.wait_for_url("**/reviews/")
    assert_govuk_javascript_ran(page)
    page.goto(f"{base}/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Ruby Ellis")).to_be_visible()
    assert_govuk_javascript_ran(page)

    page.goto(f"{base}/reviews/child/{child.pk}/record/")
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    # GOV.UK Frontend's error summary moves focus to itself when it initialises.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")

    page.goto(f"{base}/reviews/child/{child.pk}/midway-reviews/new/")
    assert "XSS-1234" in page.locator("main").inner_text()
    assert f"Action 1: {PAYLOAD}" in page.locator("main").inner_text()  # shown as text, tags and all
    assert page.evaluate("window.__xss") is None
    assert_govuk_javascript_ran(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/?signed-out=you")

    sign_in(page, live_server, "manager")
    for path in ("/disputes/dashboard/", f"/children/{child.pk}/", "/children/caseloads/"):
        page.goto(f"{base}{path}")
        assert_govuk_javascript_ran(page)
    page.goto(f"{base}/reporting/dashboard/", timeout=SLOW)  # the first look computes the figures (no worker)
    assert_govuk_javascript_ran(page)
    assert_a_dashboard_chart_loads(page, timeout=SLOW)  # an SVG image from the chart's own URL, under the policy
    # The progress page's poller is a static module now: 2 seconds after loading, it fetches the
    # page again (a fetch, not a navigation) to update it in place.
    progress = f"{base}/reporting/versions/{version.pk}/"
    page.goto(progress)
    with page.expect_request(lambda request: request.url == progress and request.resource_type == "fetch"):
        pass
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/?signed-out=you")

    sign_in(page, live_server, "admin1")
    page.goto(f"{base}/admin/")
    expect(page.locator("#site-name")).to_be_visible()

    assert problems == []
