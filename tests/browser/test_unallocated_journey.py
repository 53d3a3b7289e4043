"""A manager sees the banner for children in care with no IRO, opens the list, is told what
is missing, then gives two of the three children one IRO. axe-core finds no WCAG 2.2 AA
violations on any page, the error state included."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from children.models import IROAllocation
from iro_service import roles
from tests.browser.steps import assert_summary_links_resolve
from tests.factories import PASSWORD, ChildFactory, UserFactory, make_care_episode, make_iro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service():
    iro1 = make_iro(username="iro1", first_name="Grace", last_name="Adeyemi")
    make_iro(username="iro2", first_name="Tom", last_name="Fletcher", fte="0.60")
    UserFactory(username="manager", first_name="Helen", last_name="Marsh", role=roles.IRO_MANAGER)
    children = []
    for reference, first_name, last_name in [("R1", "Ruby", "Ellis"), ("O1", "Omar", "Haddad"), ("L1", "Lily", "Cho")]:
        child = ChildFactory(local_reference=reference, first_name=first_name, last_name=last_name)
        make_care_episode(child, started_on=dt.date(2025, 9, 1))  # S, C2, U4, PR1
        children.append(child)
    return {"iro1": iro1, "children": children}


def test_manager_allocates_children_with_no_iro(page, live_server, sign_in, assert_accessible, service):
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/children/caseloads/")
    banner = page.get_by_role("region", name="Important")
    assert "3 children are in care with no IRO." in banner.inner_text()
    assert_accessible(page)

    banner.get_by_role("link", name="Allocate an IRO").click()
    expect(page.get_by_role("heading", name="Children in care with no IRO")).to_be_visible()
    assert "3 children are looked after with no IRO." in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Allocate the selected children").click()
    summary = assert_summary_links_resolve(page)
    assert "Select at least one child to allocate" in summary.inner_text()
    assert "Choose the IRO to allocate the children to" in summary.inner_text()
    assert_accessible(page)

    page.get_by_label("Allocate R1").check()
    page.get_by_label("Allocate O1").check()
    page.get_by_label("Grace Adeyemi").check()
    page.get_by_role("button", name="Allocate the selected children").click()

    expect(page.get_by_text("2 children allocated to Grace Adeyemi")).to_be_visible()
    assert "1 child is looked after with no IRO." in page.locator("main").inner_text()
    assert "Lily Cho" in page.locator("main").inner_text()
    assert "Ruby Ellis" not in page.locator("main").inner_text()
    assert_accessible(page)
    assert sorted(
        IROAllocation.objects.filter(iro=service["iro1"]).values_list("child__local_reference", flat=True)
    ) == [
        "O1",
        "R1",
    ]
