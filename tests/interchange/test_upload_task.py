"""An upload is checked by a Celery task and its result stored once: its page reads the stored
result (it never plans the import again), a page of 100 changes or problems at a time; the
import runs as a task too. A file that is not text, or files too large, are refused with a
message naming the problem and nothing kept; a check that cannot be queued is never left
waiting, and a failed or stuck check is tried again."""

from __future__ import annotations

import codecs
import datetime as dt
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from children.models import Child
from interchange import importer, services
from reporting.models import NOT_QUEUED, SSDA903PlanLine, SSDA903Upload, UploadStatus
from tests.factories import ChildFactory, make_care_episode
from tests.reporting.test_redis_down import redis_down

from .helpers import hand_made_texts, synthetic_files, with_cell, with_line

pytestmark = pytest.mark.django_db

PAGE = reverse("interchange:ssda903")


def _files(texts: dict[str, str], *, encoding: str = "utf-8") -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv") for name, text in texts.items()]


def _upload(client, files) -> object:
    return client.post(reverse("interchange:ssda903_upload_create"), {"files": files})


def _checked_upload(client, tasks) -> SSDA903Upload:
    """The hand-made return uploaded, and checked by the task run at once."""
    with tasks():
        _upload(client, _files(hand_made_texts()))
    return SSDA903Upload.objects.get()


def _page(upload_pk: int) -> str:
    return reverse("interchange:ssda903_upload", args=[upload_pk])


# --- Checked by a task, stored once -------------------------------------------------------------


def test_uploading_queues_the_check_and_the_page_follows_it_without_script(client_for, manager, tasks):
    client = client_for(manager)

    with tasks() as queued:
        response = _upload(client, _files(hand_made_texts()))
        upload = SSDA903Upload.objects.get()
        waiting = client.get(_page(upload.pk))  # before the task has run

    assert len(queued) == 1
    assert (response.status_code, response["Location"]) == (302, _page(upload.pk))
    assert waiting.status_code == 200
    assert "Checking the SSDA903 return" in waiting.text and "Waiting to be checked" in waiting.text
    assert '<meta http-equiv="refresh" content="5">' in waiting.text
    assert f'href="{_page(upload.pk)}">refresh it</a>' in waiting.text
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED and upload.summary["create_child"] == 3
    done = client.get(_page(upload.pk))
    assert "http-equiv" not in done.text and "3 new, 0 updated" in done.text


def test_the_page_shows_the_stored_check_and_never_plans_the_import_again(
    client_for, manager, tasks, django_assert_num_queries
):
    client = client_for(manager)
    upload = _checked_upload(client, tasks)
    client.get(_page(upload.pk))  # the session and permissions are cached
    # A child of the return is added after the check: planning again would now update HM001.
    ChildFactory(local_reference="HM001", date_of_birth=date(2012, 2, 14))

    # The session, the user, their permissions (2) and groups, the upload, its changes counted
    # and one page of them, then the audit of the read (the upload it names, and the event):
    # no child, episode or review is read.
    with django_assert_num_queries(10) as queries:
        page = client.get(_page(upload.pk))

    assert not [q for q in queries.captured_queries if "children_" in q["sql"] or "reviews_" in q["sql"]]

    assert "3 new, 0 updated" in page.text and "0 records" in page.text
    assert page.text.count('<tr class="govuk-table__row">') == 1 + upload.summary["changes"]


def test_long_problem_lists_are_shown_100_a_page_with_gov_uk_pagination(client_for, manager, tasks):
    client = client_for(manager)
    texts = hand_made_texts()
    for _ in range(150):
        texts = with_line(texts, "reviews.csv", "HM001,14/02/2012,07/07/2023,PN9")
    with tasks():
        _upload(client, _files(texts))
    upload = SSDA903Upload.objects.get()
    assert upload.status == UploadStatus.REFUSED and upload.summary["problems"] == 150

    first = client.get(_page(upload.pk))
    second = client.get(_page(upload.pk), {"page": 2})

    assert first.text.count("&#x27;PN9&#x27; is not a REVIEW_CODE code.") == 100
    assert "Problems 1 to 100 of 150; the CSV has them all" in first.text
    assert 'class="govuk-pagination"' in first.text and "Page 1 of 2" in first.text and "?page=2" in first.text
    assert second.text.count("&#x27;PN9&#x27; is not a REVIEW_CODE code.") == 50
    assert ">8</td>" in first.text and ">157</td>" in second.text  # lines 8 to 157 of reviews.csv
    report = client.get(reverse("interchange:ssda903_upload_report", args=[upload.pk])).content.decode()
    assert report.count("'PN9' is not a REVIEW_CODE code.") == 150


def test_long_change_lists_are_paged_too(client_for, manager, tasks, tmp_path):
    client = client_for(manager)
    files = synthetic_files(40, tmp_path, seed=3)
    with tasks():
        _upload(client, [SimpleUploadedFile(name, content) for name, content in files])
    upload = SSDA903Upload.objects.get()
    changes = upload.summary["changes"]
    assert upload.status == UploadStatus.CHECKED and changes > 100

    pages = [client.get(_page(upload.pk), {"page": n}).text for n in (1, 2)]

    assert f"Changes 1 to 100 of {changes}; the CSV has them all" in pages[0]
    assert f"Changes 101 to {min(200, changes)} of {changes}" in pages[1]
    assert SSDA903PlanLine.objects.filter(upload=upload).count() == changes


# --- Importing as a task, from the stored upload -------------------------------------------------


def test_the_import_runs_as_a_task_and_the_page_then_shows_what_it_did(client_for, manager, tasks):
    client = client_for(manager)
    upload = _checked_upload(client, tasks)

    with tasks() as queued:
        response = client.post(reverse("interchange:ssda903_upload_import", args=[upload.pk]))
        importing = client.get(_page(upload.pk))
        assert Child.objects.count() == 0

    assert len(queued) == 1
    assert response.status_code == 302
    assert "Importing the SSDA903 return" in importing.text and "Being imported" in importing.text
    upload.refresh_from_db()
    assert (upload.status, upload.imported_by) == (UploadStatus.IMPORTED, manager)
    assert Child.objects.count() == 3
    page = client.get(_page(upload.pk)).text
    assert "Imported: 3 new and 0 updated children, 4 episodes, 6 reviews" in page
    assert "What the import changed" in page and "Import the return" not in page


def test_the_import_checks_again_and_writes_nothing_when_records_changed_since_the_check(client_for, manager, tasks):
    client = client_for(manager)
    upload = _checked_upload(client, tasks)
    # Since the check, HM003 was added by hand, in care from before the return's episode.
    child = ChildFactory(local_reference="HM003", date_of_birth=date(2021, 6, 1))
    make_care_episode(child, started_on=date(2022, 1, 10))

    with tasks():
        client.post(reverse("interchange:ssda903_upload_import", args=[upload.pk]))

    upload.refresh_from_db()
    assert upload.status == UploadStatus.REFUSED
    assert Child.objects.count() == 1
    page = client.get(_page(upload.pk)).text
    assert "Not imported: the return now has 1 problem. Nothing was written." in page
    assert "Episodes overlap" in page


def test_a_second_import_of_the_same_upload_is_refused_while_the_first_runs(client_for, manager, tasks):
    client = client_for(manager)
    upload = _checked_upload(client, tasks)

    with tasks():
        client.post(reverse("interchange:ssda903_upload_import", args=[upload.pk]))
        second = client.post(reverse("interchange:ssda903_upload_import", args=[upload.pk]))  # before it ran

    assert second.status_code == 400
    assert "This return is already being imported. Wait for the import to finish." in second.text
    assert Child.objects.count() == 3
    with tasks():
        third = client.post(reverse("interchange:ssda903_upload_import", args=[upload.pk]))
    assert third.status_code == 400 and "This return has already been imported." in third.text


# --- Files that are not text, and files too large --------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nHM001,2,14/02/2012,WB\x00RI,,0,\n", "line 2 holds a NUL byte"),
        ("CHILD,SEX\n".encode("utf-16-le"), "line 1 holds a NUL byte"),  # UTF-16 without its byte order mark
        (b"CHILD,SEX\n\x81\x8d,2\n", "byte 11 is not UTF-8, UTF-16 or Windows-1252 text"),
    ],
)
def test_a_file_that_is_not_text_is_refused_naming_it_and_nothing_is_kept(client_for, manager, content, message):
    texts = hand_made_texts()
    files = [*_files({k: v for k, v in texts.items() if k != "header.csv"}), SimpleUploadedFile("header.csv", content)]

    response = _upload(client_for(manager), files)

    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert f"header.csv cannot be read: {message}" in response.text
    assert "Save it again as CSV UTF-8" in response.text
    assert SSDA903Upload.objects.count() == 0


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8])
def test_utf16_and_utf8_with_a_byte_order_mark_are_read(client_for, manager, tasks, bom):
    encoding = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be", codecs.BOM_UTF8: "utf-8"}[bom]
    files = [SimpleUploadedFile(name, bom + text.encode(encoding)) for name, text in hand_made_texts().items()]

    with tasks():
        _upload(client_for(manager), files)

    upload = SSDA903Upload.objects.get()
    assert upload.status == UploadStatus.CHECKED
    assert (upload.summary["create_child"], upload.summary["create_review"], upload.summary["problems"]) == (3, 6, 0)


def test_the_command_and_the_services_report_an_unreadable_file_as_a_problem(manager):
    files = [*((n, t.encode()) for n, t in hand_made_texts().items() if n != "reviews.csv"), ("reviews.csv", b"\x00")]

    plan = services.ssda903_import(files=files, by=manager, commit=True)

    assert [(p.file, p.line) for p in plan.problems] == [("reviews.csv", 1)]
    assert plan.problems[0].reason.startswith("reviews.csv cannot be read: line 1 holds a NUL byte")
    assert Child.objects.count() == 0


def test_decoding_keeps_windows_1252_for_excel_csv():
    assert importer.decode("Zoë,£5\n".encode("cp1252"), name="a.csv") == "Zoë,£5\n"


def test_files_over_the_maximum_are_refused_with_the_limit_in_the_message(client_for, manager, settings):
    settings.SSDA903_MAX_UPLOAD_MB = 1
    client = client_for(manager)
    texts = hand_made_texts()
    padded = {**texts, "header.csv": texts["header.csv"] + "\n" * (1024 * 1024)}  # blank lines: 1 MB more

    over = _upload(client, _files(padded))
    far_over = _upload(client, _files({**padded, "header.csv": padded["header.csv"] * 3}))

    for response, status in ((over, 400), (far_over, 413)):
        assert response.status_code == status
        assert "govuk-error-summary" in response.text
        assert "The files must add up to 1 MB or less" in response.text
    assert SSDA903Upload.objects.count() == 0


# --- The task service is down; a failed or stuck check ---------------------------------------------


def test_a_check_that_cannot_be_queued_fails_at_once_and_is_tried_again_once_redis_is_back(
    client_for, manager, tasks, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, _files(hand_made_texts()))

    upload = SSDA903Upload.objects.get()
    assert (upload.status, upload.error) == (UploadStatus.FAILED, NOT_QUEUED)
    page = client.get(response["Location"])
    assert page.status_code == 200 and "The check could not be started." in page.text
    assert NOT_QUEUED in page.text and "http-equiv" not in page.text
    assert reverse("interchange:ssda903_upload_retry", args=[upload.pk]) in page.text

    with tasks():
        client.post(reverse("interchange:ssda903_upload_retry", args=[upload.pk]))

    upload.refresh_from_db()
    assert (upload.status, upload.error, upload.summary["create_child"]) == (UploadStatus.CHECKED, "", 3)


def test_an_import_that_cannot_be_queued_goes_back_to_checked_with_the_reason(
    client_for, manager, tasks, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    upload = _checked_upload(client, tasks)

    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interchange:ssda903_upload_import", args=[upload.pk]))

    upload.refresh_from_db()
    assert (upload.status, upload.error) == (UploadStatus.CHECKED, NOT_QUEUED)
    page = client.get(_page(upload.pk)).text
    assert f"The import did not run. {NOT_QUEUED}" in page and "Import the return" in page
    assert Child.objects.count() == 0


def test_a_check_stuck_in_the_queue_can_be_tried_again_and_a_fresh_one_cannot(client_for, manager, tasks, settings):
    settings.TASK_STUCK_AFTER_MINUTES = 15
    client = client_for(manager)
    stuck = SSDA903Upload.objects.create(uploaded_by=manager, files=hand_made_texts(), file_names=["header.csv"])
    SSDA903Upload.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=16))
    fresh = SSDA903Upload.objects.create(uploaded_by=manager, files=hand_made_texts())

    assert "Try again" in client.get(_page(stuck.pk)).text
    assert "Try again" not in client.get(_page(fresh.pk)).text
    refused = client.post(reverse("interchange:ssda903_upload_retry", args=[fresh.pk]))
    assert refused.status_code == 400
    assert "This return is waiting to be checked. If it has not moved on in 15 minutes" in refused.text

    with tasks():
        client.post(reverse("interchange:ssda903_upload_retry", args=[stuck.pk]))

    stuck.refresh_from_db()
    assert stuck.status == UploadStatus.CHECKED
    fresh.refresh_from_db()
    assert fresh.status == UploadStatus.QUEUED


def test_an_error_while_checking_fails_the_upload_with_the_message(manager):
    upload = SSDA903Upload.objects.create(uploaded_by=manager, files={"header.csv": "CHILD\n"})
    SSDA903Upload.objects.filter(pk=upload.pk).update(files=["not", "a", "dict"])  # files it cannot read

    services.ssda903_upload_check(upload_id=upload.pk)

    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and upload.error.startswith("AttributeError")


def test_changing_one_cell_changes_the_stored_problem(client_for, manager, tasks):
    with tasks():
        _upload(client_for(manager), _files(with_cell(hand_made_texts(), "episodes.csv", 3, "PLACE", "U9")))

    stored = SSDA903Upload.objects.get().problem_rows()
    assert stored == [["episodes.csv", 3, "PLACE", "'U9' is not a PLACE code.", "U9"]]


@pytest.mark.parametrize(
    ("file", "column", "value", "reason"),
    [
        ("reviews.csv", "REVIEW", "06/06/1900", "06/06/1900 is before 1 January 1990: no record this service holds"),
        ("episodes.csv", "DECOM", "31/12/1989", "31/12/1989 is before 1 January 1990"),
        ("header.csv", "DOB", "31/12/1971", "31/12/1971 is before 1 January 1972"),
    ],
)
def test_imported_dates_keep_to_the_same_window_as_typed_ones(manager, file, column, value, reason):
    texts = with_cell(hand_made_texts(), file, 2, column, value)

    plan = services.ssda903_import(files=[(n, t.encode()) for n, t in texts.items()], by=manager, commit=False)

    assert any(p.file == file and p.column == column and p.reason.startswith(reason) for p in plan.problems)
