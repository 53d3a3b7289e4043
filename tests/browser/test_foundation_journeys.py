"""iro1 signs in and sees their caseload; manager opens the caseload table and a child's
record; every page passes axe-core's WCAG 2.2 AA rules."""

import pytest
from playwright.sync_api import expect

from iro_service import roles
from tests.browser.steps import make_ruby
from tests.factories import PASSWORD, UserFactory, make_child_in_care, make_iro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service():
    iro1 = make_iro(username="iro1", first_name="Grace", last_name="Adeyemi")
    iro2 = make_iro(username="iro2", first_name="Tom", last_name="Fletcher", fte="0.60")
    manager = UserFactory(username="manager", first_name="Helen", last_name="Marsh", role=roles.IRO_MANAGER)
    mine = [
        make_ruby(iro1),
        make_child_in_care(iro=iro1, first_name="Omar", last_name="Haddad", legal_status="V2", placement_type="K2"),
    ]
    theirs = make_child_in_care(iro=iro2, first_name="Lily", last_name="Cho")
    return {"iro1": iro1, "manager": manager, "mine": mine, "theirs": theirs}


def test_iro1_signs_in_and_sees_their_caseload(page, live_server, sign_in, assert_accessible, service):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)

    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    sign_in(page, "iro1", PASSWORD)
    page.wait_for_url("**/reviews/")
    expect(page.get_by_role("heading", name="My caseload and reviews")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Ruby Ellis" in body and "Omar Haddad" in body
    assert "Lily Cho" not in body
    assert "Grace Adeyemi" in page.locator("header").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Ruby Ellis", exact=True).first.click()
    expect(page.get_by_role("heading", name="Ruby Ellis")).to_be_visible()
    assert "IRO allocation history" in page.locator("main").inner_text()
    assert_accessible(page)

    response = page.goto(f"{live_server.url}/children/{service['theirs'].pk}/")
    assert response.status == 404


def test_manager_opens_the_caseload_table(page, live_server, sign_in, assert_accessible, service):
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/children/caseloads/")
    table = page.get_by_role("table", name="Caseload of each IRO")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert "Grace Adeyemi" in rows.nth(0).inner_text() or "Grace Adeyemi" in rows.nth(1).inner_text()
    text = table.inner_text()
    assert "30 to 42" in text  # the 0.6 FTE IRO's band
    assert "Under band" in text
    assert_accessible(page)

    page.get_by_role("link", name="Children", exact=True).click()
    expect(page.get_by_text("3 children found")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Legal status").select_option("V2")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 child found")).to_be_visible()

    page.get_by_role("link", name="Omar Haddad").click()
    page.get_by_role("link", name="Change IRO").click()
    page.get_by_role("button", name="Change IRO").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
