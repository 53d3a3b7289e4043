"""The annual report's pages: the manager's annual page, narrative, generate, progress and
publish; downloads of the PDF and its tables; the committee's published list. Committee
members reach published versions only; IROs reach none of it."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from iro_service.celery import app as celery_app
from iro_service.models import AuditAction, AuditEvent
from reporting import services
from reporting.models import ReportNarrative, ReportStatus, ReportVersion
from tests.reporting.factories import YEAR, publishable_version, queued_version, ready_version
from tests.reporting.test_versions import reviewed_children

pytestmark = pytest.mark.django_db

LABEL = YEAR.label  # "2025-26"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def eager_celery(monkeypatch):
    """Run the generation task in the request even where REDIS_URL points Celery at a broker
    (CI's PostgreSQL run), as the embedded default does."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def data(iro):
    return reviewed_children(iro)


@pytest.fixture
def published(manager):
    version = publishable_version(manager, content=b"%PDF-1.7 published report")
    return services.report_publish(version=version, by=manager)


@pytest.fixture
def unpublished(manager, published):
    return ready_version(manager, content=b"%PDF-1.7 draft report")


# --- Who may see what ------------------------------------------------------------------------------


def manager_only_pages(version) -> list[tuple[str, str]]:
    return [
        ("get", reverse("reporting:annual")),
        ("get", reverse("reporting:narrative", args=[LABEL])),
        ("post", reverse("reporting:narrative", args=[LABEL])),
        ("post", reverse("reporting:generate", args=[LABEL])),
        ("get", reverse("reporting:progress", args=[version.pk])),
        ("post", reverse("reporting:publish", args=[version.pk])),
        ("get", reverse("reporting:dashboard")),
        ("get", reverse("reporting:records")),
    ]


def test_committee_members_get_403_on_every_manager_page(client_for, committee, data, unpublished):
    client = client_for(committee)
    narrative = ReportNarrative.objects.values().get()  # written by the fixture, to publish version 1
    for method, url in manager_only_pages(unpublished):
        assert getattr(client, method)(url).status_code == 403, url
    assert not ReportVersion.objects.filter(number=3).exists()
    assert ReportNarrative.objects.values().get() == narrative


def test_committee_members_get_404_for_a_version_not_published(client_for, committee, unpublished):
    client = client_for(committee)
    assert client.get(reverse("reporting:download", args=[unpublished.pk])).status_code == 404
    assert client.get(reverse("reporting:tables_csv", args=[unpublished.pk])).status_code == 404


def test_iros_get_403_on_every_reporting_page(client_for, iro, data, published):
    client = client_for(iro)
    pages = [
        *manager_only_pages(published),
        ("get", reverse("reporting:published")),
        ("get", reverse("reporting:download", args=[published.pk])),
        ("get", reverse("reporting:tables_csv", args=[published.pk])),
    ]
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 403, url


def test_signed_out_visitors_are_sent_to_sign_in(client, published):
    response = client.get(reverse("reporting:download", args=[published.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- The committee --------------------------------------------------------------------------------


def test_the_committee_home_page_lists_published_versions_only(client_for, committee, unpublished, published):
    response = client_for(committee).get("/")

    assert response.status_code == 200
    assert "Corporate parenting committee" in response.text
    assert f"Download the {LABEL} report, version 1 (PDF)" in response.text
    assert reverse("reporting:download", args=[published.pk]) in response.text
    assert reverse("reporting:download", args=[unpublished.pk]) not in response.text
    assert ">Current</strong>" in response.text


def test_the_published_list_takes_a_fixed_number_of_queries(
    client_for, committee, manager, published, django_assert_max_num_queries
):
    client = client_for(committee)
    with django_assert_max_num_queries(6) as one:
        client.get(reverse("reporting:published"))
    for _ in range(3):
        services.report_publish(version=ready_version(manager), by=manager)
    with django_assert_max_num_queries(6) as four:
        response = client.get(reverse("reporting:published"))
    assert len(response.context["versions"]) == 4
    assert len(one) == len(four)


def test_the_committee_list_says_when_nothing_is_published(client_for, committee, manager):
    ready_version(manager)
    response = client_for(committee).get(reverse("reporting:published"))
    assert "No annual report has been published yet" in response.text


def test_older_published_versions_stay_listed_and_the_newest_is_current(client_for, committee, manager, published):
    newer = services.report_publish(version=ready_version(manager), by=manager)

    response = client_for(committee).get(reverse("reporting:published"))

    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert [v.is_current for v in response.context["versions"]] == [True, False]
    assert reverse("reporting:download", args=[newer.pk]) in response.text
    assert reverse("reporting:download", args=[published.pk]) in response.text
    assert "Earlier version" in response.text


def test_a_committee_member_downloads_a_published_version_and_it_is_audited(client_for, committee, published):
    response = client_for(committee).get(reverse("reporting:download", args=[published.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="iro-annual-report-{LABEL}-v1.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.7 published report"
    event = AuditEvent.objects.get(actor=committee, action=AuditAction.VIEWED)
    assert (event.object_id, event.child_id, event.summary) == (
        str(published.pk),
        None,
        f"Annual IRO report {LABEL}, version 1 downloaded (PDF)",
    )


def test_a_committee_member_downloads_the_tables_of_a_published_version(client_for, committee, data, published):
    response = client_for(committee).get(reverse("reporting:tables_csv", args=[published.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="iro-annual-report-{LABEL}-v1-tables.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names and all(name.endswith(".csv") for name in names)
    assert AuditEvent.objects.filter(actor=committee, summary__endswith="tables downloaded (CSV)").exists()


# --- The manager ----------------------------------------------------------------------------------


def test_the_nav_offers_the_report_and_dashboard_to_managers_and_the_report_to_the_committee(
    client_for, manager, committee, iro
):
    manager_page = client_for(manager).get(reverse("reporting:annual")).text
    assert f'href="{reverse("reporting:annual")}" aria-current="page">Annual report</a>' in manager_page
    assert f'href="{reverse("reporting:dashboard")}">Service dashboard</a>' in manager_page
    committee_page = client_for(committee).get("/").text
    assert f'href="{reverse("reporting:published")}">Annual report</a>' in committee_page
    assert "Service dashboard" not in committee_page
    iro_page = client_for(iro).get(reverse("reviews:home")).text
    assert "Annual report" not in iro_page and "Service dashboard" not in iro_page


def test_the_annual_page_lists_years_from_the_first_care_episode_with_their_versions(
    client_for, manager, data, unpublished, django_assert_max_num_queries
):
    failed = queued_version(manager)
    ReportVersion.objects.filter(pk=failed.pk).update(status=ReportStatus.FAILED, error="Boom")
    client = client_for(manager)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("reporting:annual"))

    years = [entry["year"].label for entry in response.context["years"]]
    assert years == ["2026-27", "2025-26", "2024-25"]
    text = response.text
    assert unpublished.sha256 in text
    assert reverse("reporting:publish", args=[unpublished.pk]) in text
    assert reverse("reporting:download", args=[unpublished.pk]) in text
    assert reverse("reporting:progress", args=[failed.pk]) in text
    assert "Published " in text and "Failed" in text
    assert reverse("reporting:narrative", args=["2024-25"]) in text


def test_the_manager_writes_the_narrative(client_for, manager, data):
    client = client_for(manager)
    url = reverse("reporting:narrative", args=[LABEL])
    page = client.get(url)
    assert page.status_code == 200 and 'name="version" value="0"' in page.text

    response = client.post(url, {"introduction": "Our year.", "childrens_feedback": "They liked it.", "version": 0})

    assert (response.status_code, response.url) == (302, reverse("reporting:annual"))
    narrative = ReportNarrative.objects.get(start_year=YEAR.start_year)
    assert (narrative.introduction, narrative.childrens_feedback, narrative.version) == (
        "Our year.",
        "They liked it.",
        1,
    )
    assert "Our year." in client.get(url).text


def test_a_stale_narrative_is_refused_and_the_managers_words_are_kept(client_for, manager, data):
    services.narrative_save(start_year=YEAR.start_year, by=manager, expected_version=0, introduction="Theirs.")
    services.narrative_save(start_year=YEAR.start_year, by=manager, expected_version=1, introduction="Theirs again.")

    response = client_for(manager).post(
        reverse("reporting:narrative", args=[LABEL]), {"introduction": "Mine, typed meanwhile.", "version": 1}
    )

    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text and "was changed by Maria Lopez while you were editing it" in text
    assert "Mine, typed meanwhile.</textarea>" in text  # the input is kept
    assert "Theirs again." in text  # beside what is saved now
    assert 'name="version" value="2"' in text  # saving again overwrites knowingly
    assert ReportNarrative.objects.get(start_year=YEAR.start_year).introduction == "Theirs again."


def test_a_year_outside_the_records_is_not_found(client_for, manager, data):
    client = client_for(manager)
    assert client.get(reverse("reporting:narrative", args=["2023-24"])).status_code == 404
    assert client.get(reverse("reporting:narrative", args=["2025-27"])).status_code == 404
    assert client.post(reverse("reporting:generate", args=["2027-28"])).status_code == 404


def test_generate_queues_a_version_and_the_progress_page_shows_it_ready(
    client_for, manager, data, eager_celery, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:generate", args=[LABEL]))

    version = ReportVersion.objects.get()
    assert (response.status_code, response.url) == (302, reverse("reporting:progress", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == ReportStatus.READY
    page = client.get(response.url)
    assert "Ready" in page.text and version.sha256 in page.text
    assert reverse("reporting:download", args=[version.pk]) in page.text
    assert 'http-equiv="refresh"' not in page.text


def test_generate_is_post_only(client_for, manager, data):
    assert client_for(manager).get(reverse("reporting:generate", args=[LABEL])).status_code == 405


def test_the_progress_page_refreshes_while_queued_or_running(client_for, manager):
    version = queued_version(manager)
    client = client_for(manager)
    url = reverse("reporting:progress", args=[version.pk])

    queued = client.get(url).text
    assert "Waiting to start" in queued and "0% done" in queued
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in queued
    assert "reporting:download" not in queued and reverse("reporting:download", args=[version.pk]) not in queued

    ReportVersion.objects.filter(pk=version.pk).update(
        status=ReportStatus.RUNNING, progress=45, progress_message="Drawing the charts"
    )
    running = client.get(url).text
    assert "Being generated" in running and "45% done: Drawing the charts" in running
    assert 'http-equiv="refresh"' in running


def test_the_progress_page_shows_the_error_when_generation_failed(client_for, manager):
    version = queued_version(manager)
    ReportVersion.objects.filter(pk=version.pk).update(status=ReportStatus.FAILED, error="RuntimeError: no fonts")

    text = client_for(manager).get(reverse("reporting:progress", args=[version.pk])).text

    assert "The report could not be generated" in text and "RuntimeError: no fonts" in text
    assert 'http-equiv="refresh"' not in text


def test_the_manager_downloads_an_unpublished_ready_version(client_for, manager, unpublished):
    response = client_for(manager).get(reverse("reporting:download", args=[unpublished.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 draft report"


def test_a_version_not_ready_cannot_be_downloaded_even_by_the_manager(client_for, manager):
    version = queued_version(manager)
    assert client_for(manager).get(reverse("reporting:download", args=[version.pk])).status_code == 404


def test_the_manager_publishes_a_ready_version(client_for, manager, unpublished):
    response = client_for(manager).post(reverse("reporting:publish", args=[unpublished.pk]), follow=True)

    assert f"Annual IRO report {LABEL}, version 2 published for the committee" in response.text
    unpublished.refresh_from_db()
    assert unpublished.published_by == manager


def test_publishing_a_version_not_ready_shows_the_problem(client_for, manager, data):
    version = queued_version(manager)

    response = client_for(manager).post(reverse("reporting:publish", args=[version.pk]))

    assert response.status_code == 400
    assert "There is a problem" in response.text and "is not ready, so it cannot be published" in response.text
    version.refresh_from_db()
    assert version.published_at is None
