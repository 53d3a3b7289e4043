"""At 375 px wide (a small phone) the busiest pages fit the screen on the demo data: wide tables
scroll inside their own focusable region, and the header's navigation collapses into a Menu
button (GOV.UK Frontend's service navigation), which shows the links when JavaScript is off.
Every page passes axe-core's WCAG 2.2 AA rules."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.people import DEMO_PASSWORD
from iro_service import roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375

#: (who signs in, the page) for the pages an IRO and a manager open most.
PAGES = [
    ("iro1", "/reviews/"),  # the IRO's home: their caseload and reviews
    ("manager", "/reviews/service/"),  # the service's review deadlines
    ("manager", "/children/caseloads/"),
    ("manager", "/disputes/dashboard/"),
]


@pytest.fixture
def demo(transactional_db):
    """A small demo authority (seed 7, as the demo tests use)."""
    call_command("seed_demo", "--seed=7", "--today=2026-11-23", "--children=60", stdout=StringIO())


@pytest.fixture
def manager_only(transactional_db):
    """The demo's manager and nothing else: enough for the header."""
    return UserFactory(
        username="manager", first_name="Helen", last_name="Trialsworth", role=roles.IRO_MANAGER, password=DEMO_PASSWORD
    )


@pytest.fixture
def narrow(browser):
    def open_page(*, javascript: bool = True):
        context = browser.new_context(
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": WIDTH, "height": 800},
            java_script_enabled=javascript,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        opened.append(context)
        return page

    opened = []
    yield open_page
    for context in opened:
        context.close()


def sign_in_as(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


#: The elements that reach past the screen's right edge and have no child that does: what to fix.
OVERFLOWING = """(width) => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > width + 1 && !el.closest('.app-table-scroll'))
  .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > width + 1))
  .slice(0, 8)
  .map(el => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`)"""


def assert_fits(page, path: str) -> int:
    """The page is no wider than the screen, and each table scrolls in a named, focusable region."""
    width = page_width(page)
    assert width <= WIDTH, f"{path} is {width} px wide at {WIDTH} px: {page.evaluate(OVERFLOWING, WIDTH)}"
    tables = page.locator("table.govuk-table").all()
    for table in tables:
        region = table.locator("xpath=ancestor::div[contains(@class, 'app-table-scroll')][1]")
        expect(region).to_have_attribute("role", "region")
        expect(region).to_have_attribute("tabindex", "0")
        label = region.get_attribute("aria-labelledby")
        assert page.locator(f"[id='{label}']").count() == 1, f"{path}: the scroll region's label {label}"
        assert region.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    return len(tables)


def test_the_busiest_pages_fit_a_375_px_screen(narrow, live_server, demo, assert_accessible):
    """One demo authority for the four pages (seeding it is the slow part)."""
    pages = {username: narrow() for username in {username for username, _ in PAGES}}
    for username, page in pages.items():
        sign_in_as(page, live_server, username)
    tables = 0
    for username, path in PAGES:
        page = pages[username]
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        tables += assert_fits(page, path)
        assert_accessible(page)
    assert tables >= 6  # the IRO's tables, the deadlines, the caseloads and the dashboard's four


def test_the_navigation_collapses_into_a_menu_button(narrow, live_server, manager_only, assert_accessible):
    page = narrow()
    sign_in_as(page, live_server, "manager")
    links = page.locator("#navigation")
    menu = page.get_by_role("button", name="Menu")

    expect(menu).to_be_visible()
    expect(links).to_be_hidden()
    menu.click()
    expect(links).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Dispute dashboard")).to_be_visible()
    assert page_width(page) <= WIDTH
    assert_accessible(page)


def test_without_javascript_the_navigation_links_show_and_there_is_no_menu_button(narrow, live_server, manager_only):
    page = narrow(javascript=False)
    sign_in_as(page, live_server, "manager")

    expect(page.locator("#navigation")).to_be_visible()
    expect(page.get_by_role("link", name="Dispute dashboard")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    assert page_width(page) <= WIDTH


def _issue_14_pages() -> list[tuple[str, str]]:
    """The pages issue 14 added, on the demo's data: a child of iro1 with people around them,
    a held review of theirs and a booked one."""
    from django.contrib.auth import get_user_model

    from children.models import Child, Contact
    from reviews.models import Review

    iro1 = get_user_model().objects.get(username="iro1")
    children = Child.objects.held_or_covered_by(iro1).filter(episodes__ended_on__isnull=True)
    contact = Contact.objects.filter(child__in=children, ended_on__isnull=True).order_by("pk").first()
    child = contact.child_id
    held = Review.objects.filter(child__in=children, status="held").order_by("-held_on", "pk").first()
    booked = Review.objects.filter(child__in=children, status="booked").order_by("pk").first()
    return [
        ("iro1", f"/children/{child}/people/"),
        ("iro1", f"/children/{child}/people/add/"),
        ("iro1", f"/children/people/{contact.pk}/edit/"),
        ("iro1", f"/children/people/{contact.pk}/end/"),
        ("iro1", f"/reviews/child/{child}/book/"),
        ("iro1", f"/reviews/{booked.pk}/invitations/"),
        ("iro1", f"/reviews/{held.pk}/record-distribution/"),
        ("iro1", "/reviews/calendar/"),
        ("iro1", "/reviews/calendar/?view=month"),
        ("iro1", "/reviews/calendar/feed/"),
        ("manager", "/reviews/service/calendar/?view=month"),
        ("manager", f"/children/{child}/iro/"),
        ("manager", "/children/cover/new/"),
        ("manager", "/children/?q=" + contact.child.first_name),
    ]


def test_the_pages_of_the_iros_day_fit_a_375_px_screen_and_pass_axe(browser, live_server, demo, assert_accessible):
    """Each new page at 375 px and at a desktop width: no sideways scroll, axe-core clean."""
    paths = _issue_14_pages()
    for width in (WIDTH, 1280):
        contexts = {
            username: browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
            for username in ("iro1", "manager")
        }
        pages = {username: context.new_page() for username, context in contexts.items()}
        for username, page in pages.items():
            sign_in_as(page, live_server, username)
        for username, path in paths:
            page = pages[username]
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            if width == WIDTH:
                assert_fits(page, path)
            assert_accessible(page)
        for context in contexts.values():
            context.close()
