"""The SSDA903 page: managers only; download a year; upload, see the dry run (every problem by
file, line and column), import; a second upload of the same return changes nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from children.models import Child
from reporting.models import SSDA903Upload, UploadStatus
from reviews.models import Review

from .helpers import HAND_MADE, hand_made_texts, with_cell

pytestmark = pytest.mark.django_db


def _uploads(texts: dict[str, str]):
    return [SimpleUploadedFile(name, text.encode(), content_type="text/csv") for name, text in texts.items()]


def _urls(upload_pk: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("interchange:ssda903")),
        ("get", reverse("interchange:ssda903_export") + "?year=2023-24"),
        ("post", reverse("interchange:ssda903_upload_create")),
        ("get", reverse("interchange:ssda903_upload", args=[upload_pk])),
        ("get", reverse("interchange:ssda903_upload_report", args=[upload_pk])),
        ("post", reverse("interchange:ssda903_upload_import", args=[upload_pk])),
    ]


@pytest.fixture
def checked(manager):
    return SSDA903Upload.objects.create(uploaded_by=manager, files=hand_made_texts())


@pytest.mark.parametrize("role", ["iro", "committee", "administrator"])
def test_only_managers_reach_any_ssda903_page(request, client_for, checked, role):
    client = client_for(request.getfixturevalue(role))

    for method, url in _urls(checked.pk):
        assert getattr(client, method)(url).status_code == 403, url
    assert Child.objects.count() == 0
    assert SSDA903Upload.objects.count() == 1


def test_signed_out_users_are_sent_to_sign_in(client, checked):
    for method, url in _urls(checked.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_manager_uploads_checks_and_imports_a_return(client_for, manager, tasks):
    client = client_for(manager)
    page = client.get(reverse("interchange:ssda903"))
    assert page.status_code == 200
    assert "Upload a return" in page.content.decode()

    with tasks():
        response = client.post(reverse("interchange:ssda903_upload_create"), {"files": _uploads(hand_made_texts())})

    upload = SSDA903Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "interchange:ssda903_upload", args=[upload.pk]
    )
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED and Child.objects.count() == 0
    dry_run = client.get(response["Location"]).content.decode()
    assert "3 new, 0 updated" in dry_run and "6 new, 0 updated" in dry_run
    assert "HM001" in dry_run and "Import the return" in dry_run

    with tasks():
        imported = client.post(reverse("interchange:ssda903_upload_import", args=[upload.pk]))
    done = client.get(imported["Location"]).content.decode()

    assert "Imported: 3 new and 0 updated children, 4 episodes, 6 reviews" in done
    assert Child.objects.count() == 3 and Review.objects.filter(source="ssda903").count() == 6
    upload.refresh_from_db()
    assert (upload.status, upload.imported_by) == (UploadStatus.IMPORTED, manager)

    with tasks():
        client.post(reverse("interchange:ssda903_upload_create"), {"files": _uploads(hand_made_texts())})
    again = client.get(reverse("interchange:ssda903_upload", args=[SSDA903Upload.objects.first().pk])).content.decode()
    assert "0 new, 0 updated" in again and "13 records" in again and "Import the return" not in again


def test_a_return_with_problems_lists_each_by_line_and_cannot_be_imported(client_for, manager, tasks):
    client = client_for(manager)
    texts = with_cell(hand_made_texts(), "reviews.csv", 3, "REVIEW_CODE", "PN9")

    with tasks():
        response = client.post(reverse("interchange:ssda903_upload_create"), {"files": _uploads(texts)})

    page = client.get(response["Location"]).content.decode()
    assert "There is a problem with the return: nothing can be imported" in page
    assert "&#x27;PN9&#x27; is not a REVIEW_CODE code." in page
    assert '<td class="govuk-table__cell">reviews.csv</td>' in page and ">3</td>" in page
    assert "Import the return" not in page
    upload = SSDA903Upload.objects.get()
    assert upload.status == UploadStatus.REFUSED
    assert upload.problem_rows() == [["reviews.csv", 3, "REVIEW_CODE", "'PN9' is not a REVIEW_CODE code.", "PN9"]]

    with tasks():
        refused = client.post(reverse("interchange:ssda903_upload_import", args=[upload.pk]))
    assert refused.status_code == 400
    assert "Only a return that has been checked and has no problems can be imported." in refused.text
    assert Child.objects.count() == 0

    report = client.get(reverse("interchange:ssda903_upload_report", args=[upload.pk])).content.decode()
    assert "problem,reviews.csv,3,REVIEW_CODE,PN9,'PN9' is not a REVIEW_CODE code." in report


def test_uploading_nothing_or_not_csv_shows_a_gov_uk_error_summary(client_for, manager):
    client = client_for(manager)

    empty = client.post(reverse("interchange:ssda903_upload_create"), {})
    wrong = client.post(
        reverse("interchange:ssda903_upload_create"), {"files": [SimpleUploadedFile("return.xlsx", b"PK")]}
    )

    assert empty.status_code == 400 and "Select the return&#x27;s CSV files" in empty.content.decode()
    assert "govuk-error-summary" in empty.content.decode()
    assert wrong.status_code == 400 and "return.xlsx is not a CSV file" in wrong.content.decode()
    assert SSDA903Upload.objects.count() == 0


def test_the_manager_downloads_a_year_as_a_zip_of_five_tables(client_for, manager, tasks):
    client = client_for(manager)
    with tasks():
        client.post(reverse("interchange:ssda903_upload_create"), {"files": _uploads(hand_made_texts())})
    with tasks():
        client.post(reverse("interchange:ssda903_upload_import", args=[SSDA903Upload.objects.get().pk]))

    response = client.get(reverse("interchange:ssda903_export"), {"year": "2023-24"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ssda903-2023-24.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        header = archive.read("ssda903-2023-24/header.csv")
    assert header == (HAND_MADE / "header.csv").read_bytes()


def test_an_unknown_year_is_an_error_not_a_download(client_for, manager):
    response = client_for(manager).get(reverse("interchange:ssda903_export"), {"year": "1990-91"})

    assert response.status_code == 400
    assert "Choose a year from the list" in response.content.decode()


def test_after_an_import_the_manager_finds_the_children_whose_names_are_to_enter(client_for, manager, tasks):
    client = client_for(manager)
    with tasks():
        client.post(reverse("interchange:ssda903_upload_create"), {"files": _uploads(hand_made_texts())})
    with tasks():
        imported = client.post(reverse("interchange:ssda903_upload_import", args=[SSDA903Upload.objects.get().pk]))
    done = client.get(imported["Location"])
    assert "?details=name_to_be_entered" in done.text
    named = Child.objects.get(local_reference="HM002")
    Child.objects.filter(pk=named.pk).update(first_name="Samir", last_name="Haddad", name_to_be_entered=False)

    listed = client.get(reverse("children:list"), {"details": "name_to_be_entered", "status": ""})

    assert sorted(c.local_reference for c in listed.context["page"]) == ["HM001", "HM003"]
