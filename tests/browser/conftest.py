"""Browser journeys in Debian's headless Chromium, driven by Playwright (no downloaded browser)."""

import os
from pathlib import Path

import pytest

from demo.disputes import restore_migrated_rows

# Playwright's sync API runs an event loop in this thread; the live server's ORM work is
# in its own thread, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).with_name("axe.min.js")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session", autouse=True)
def expect_waits_as_long_as_the_page():
    """``expect()`` retries for 5 seconds by default; give it the pages' own 15 (set below)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `apt-get install chromium chromium-driver` (make test tries).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def migrated_rows(transactional_db):
    """Every journey runs in a transactional test, which flushes the database when it ends and
    so empties the rows migrations create (the escalation ladder, the dispute settings row):
    put them back first, so no journey depends on running before another."""
    restore_migrated_rows()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """Run axe-core on the page for WCAG 2.2 A and AA; return one readable line per violation."""
    # Evaluated through the DevTools protocol, not added as a <script>: the page's
    # Content-Security-Policy forbids inline scripts, and the journeys run with it enforced.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        assert violations == [], f"axe-core found WCAG 2.2 AA violations on {page.url}:\n" + "\n".join(violations)

    return check


@pytest.fixture
def sign_in(live_server):
    def do(page, username, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return do
