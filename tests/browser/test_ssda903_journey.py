"""The manager uploads an SSDA903 return with a bad row, sees the problem by file, line and
column (once the check task has run: eagerly, or by a worker whose page follows along),
uploads the corrected return, imports it, finds the new children on the bulk
allocation screen and downloads a year's return. axe-core finds no WCAG 2.2 AA violations
on the SSDA903 page (with and without its error summary) or the dry-run pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from children.models import Child
from interchange.tasks import check_ssda903_upload, import_ssda903_upload
from iro_service import roles
from tests.browser.steps import worker_for
from tests.factories import PASSWORD, UserFactory
from tests.interchange.helpers import hand_made_texts, with_cell

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def upload_worker(monkeypatch):
    with worker_for(monkeypatch, "ssda903", (check_ssda903_upload, import_ssda903_upload)):
        yield


def _write(directory, texts):
    directory.mkdir()
    paths = []
    for name, text in texts.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def test_manager_imports_a_return_after_correcting_it(
    page, live_server, sign_in, assert_accessible, tmp_path, upload_worker
):
    UserFactory(username="mgr", first_name="Maria", last_name="Lopez", role=roles.IRO_MANAGER)
    bad = _write(tmp_path / "bad", with_cell(hand_made_texts(), "episodes.csv", 3, "PLACE", "U9"))
    good = _write(tmp_path / "good", hand_made_texts())

    sign_in(page, "mgr", PASSWORD)
    page.get_by_role("link", name="SSDA903").click()
    page.get_by_role("heading", name="SSDA903 return", level=1).wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Check the return").click()  # nothing chosen
    page.locator(".govuk-error-summary").get_by_text("Select the return's CSV files").wait_for()
    assert_accessible(page)

    page.get_by_label("The return's CSV files").set_input_files(bad)
    page.get_by_role("button", name="Check the return").click()
    page.get_by_text("There is a problem with the return: nothing can be imported").wait_for()
    row = page.locator("#problems ~ .app-table-scroll table tbody tr").first
    assert row.locator("td").all_inner_texts() == ["episodes.csv", "3", "PLACE", "U9", "'U9' is not a PLACE code."]
    expect(page.get_by_role("button", name="Import the return")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Back to the SSDA903 return").click()
    page.get_by_label("The return's CSV files").set_input_files(good)
    page.get_by_role("button", name="Check the return").click()
    page.get_by_text("3 new, 0 updated").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Import the return").click()
    page.get_by_text("Imported: 3 new and 0 updated children, 4 episodes, 6 reviews").wait_for()
    assert_accessible(page)
    assert Child.objects.filter(name_to_be_entered=True).count() == 3

    page.goto(f"{live_server.url}/children/unallocated/")
    page.get_by_text("HM001").first.wait_for()

    page.goto(f"{live_server.url}/reporting/ssda903/")
    page.get_by_label("Collection year").select_option("2023-24")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the return").click()
    assert download.value.suggested_filename == "ssda903-2023-24.zip"
