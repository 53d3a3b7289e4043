"""The annual report's versions and narrative (reporting.services and reporting.tasks):
numbering per year, generation with progress, immutability once ready, publishing, and the
manager's narrative with its optimistic lock."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError

from iro_service.concurrency import StaleEditError
from iro_service.models import AuditAction, AuditEvent
from iro_service.periods import ReportingYear
from reporting import services
from reporting.models import ReportNarrative, ReportStatus, ReportVersion
from reporting.tasks import generate_report
from tests.factories import make_child_in_care
from tests.reporting.factories import YEAR, publishable_version, queued_version, ready_version
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def reviewed_children(iro, *, count: int = 2) -> list:
    """Children in care since June 2024, each with a review held in 2025-26."""
    children = []
    for n in range(count):
        child = make_child_in_care(iro=iro, looked_after_on=dt.date(2024, 6, 3), first_name=f"Report{n}")
        held_review(
            child,
            iro=iro,
            held_on=dt.date(2025, 5, 12 + n),
            due_on=dt.date(2025, 5, 13),
            code="PN1" if n % 2 else "PN6",
            review_type="subsequent",
            record_due_on=dt.date(2025, 6, 9),
            record_distributed_on=dt.date(2025, 6, 2 + 10 * n),
        )
        children.append(child)
    return children


# --- Requesting: numbering per year -----------------------------------------------------------


def test_versions_are_numbered_from_1_within_each_year(manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        first = services.report_request(year=YEAR, by=manager)
        second = services.report_request(year=YEAR, by=manager)
        other_year = services.report_request(year=ReportingYear(2024), by=manager)

    assert [(v.start_year, v.number, v.status) for v in (first, second, other_year)] == [
        (2025, 1, "queued"),
        (2025, 2, "queued"),
        (2024, 1, "queued"),
    ]
    assert len(queued) == 3  # one generation task each, sent once the request commits
    assert AuditEvent.objects.filter(action=AuditAction.CREATED, actor=manager, object_id=str(first.pk)).exists()


def test_a_year_that_has_not_started_cannot_be_requested(manager):
    with pytest.raises(ValidationError, match="has not started yet"):
        services.report_request(year=ReportingYear(2027), by=manager, today=dt.date(2027, 3, 31))
    assert not ReportVersion.objects.exists()


@pytest.mark.parametrize("who", ["iro", "committee"])
def test_only_the_manager_requests_publishes_and_writes(request, who, manager):
    user = request.getfixturevalue(who)
    ready = ready_version(manager)
    with pytest.raises(PermissionDenied):
        services.report_request(year=YEAR, by=user)
    with pytest.raises(PermissionDenied):
        services.report_publish(version=ready, by=user)
    with pytest.raises(PermissionDenied):
        services.narrative_save(start_year=2025, by=user, expected_version=0, introduction="Hello")
    ready.refresh_from_db()
    assert ready.published_at is None and ReportVersion.objects.count() == 1


# --- Generating ---------------------------------------------------------------------------------


def test_generating_stores_the_pdf_its_sha256_and_marks_it_ready(iro, manager, media):
    reviewed_children(iro)
    services.narrative_save(start_year=2025, by=manager, expected_version=0, introduction="A year of steady work.")
    version = queued_version(manager)

    result = generate_report.apply(args=[version.pk]).get()

    version.refresh_from_db()
    assert result == {"version_id": version.pk, "status": "ready"}
    assert (version.status, version.progress, version.error) == ("ready", 100, "")
    assert version.pdf.name == "reports/iro-annual-report-2025-26-v1.pdf"
    stored = (media / version.pdf.name).read_bytes()
    assert stored.startswith(b"%PDF")
    assert version.sha256 == hashlib.sha256(stored).hexdigest()
    assert version.generated_at is not None


def test_progress_is_saved_as_the_pdf_is_rendered(manager, monkeypatch):
    """Each step commits on its own, so the progress page sees it while rendering goes on."""
    version = queued_version(manager)
    seen = []

    def render(*, on_progress, **kwargs):
        for percent, message in [(0, "Preparing"), (50, "Drawing the charts"), (100, "Done")]:
            on_progress(percent, message)
            seen.append(ReportVersion.objects.values_list("status", "progress", "progress_message").get(pk=version.pk))
        return b"%PDF-1.7 rendered"

    monkeypatch.setattr("reporting.pdf.render_annual_report_pdf", render)
    services.report_generate(version_id=version.pk)

    assert seen == [("running", 20, "Preparing"), ("running", 60, "Drawing the charts"), ("running", 99, "Done")]
    version.refresh_from_db()
    assert (version.status, version.progress, version.progress_message) == ("ready", 100, "Ready")


def test_an_error_while_rendering_marks_the_version_failed_with_the_message(manager, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("The fonts are missing")

    monkeypatch.setattr("reporting.pdf.render_annual_report_pdf", broken)
    version = queued_version(manager)

    result = generate_report.apply(args=[version.pk]).get()

    version.refresh_from_db()
    assert result["status"] == "failed"
    assert version.status == ReportStatus.FAILED
    assert version.error == "RuntimeError: The fonts are missing"
    assert (version.pdf.name, version.sha256) == ("", "")


# --- A ready version is immutable --------------------------------------------------------------


def test_a_ready_version_is_never_generated_again(manager, media, monkeypatch):
    version = ready_version(manager, content=b"%PDF-1.7 the original")
    before = ReportVersion.objects.values().get(pk=version.pk)
    monkeypatch.setattr("reporting.pdf.render_annual_report_pdf", lambda **kwargs: b"%PDF-1.7 different")

    with pytest.raises(services.ReportVersionImmutable, match="cannot be generated again or changed"):
        services.report_generate(version_id=version.pk)
    # The task, delivered twice by the broker, leaves it alone.
    assert generate_report.apply(args=[version.pk]).get() == {
        "version_id": version.pk,
        "status": "ready",
        "already_ready": True,
    }

    assert ReportVersion.objects.values().get(pk=version.pk) == before
    stored = (media / version.pdf.name).read_bytes()
    assert stored == b"%PDF-1.7 the original"
    assert hashlib.sha256(stored).hexdigest() == version.sha256
    assert sorted(p.name for p in (media / "reports").iterdir()) == ["iro-annual-report-2025-26-v1.pdf"]


def test_publishing_changes_nothing_but_who_published_it_and_when(manager):
    version = publishable_version(manager)
    before = ReportVersion.objects.values().get(pk=version.pk)

    services.report_publish(version=version, by=manager)

    after = ReportVersion.objects.values().get(pk=version.pk)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"published_at", "published_by_id", "updated_at"}


def _project_python_files():
    root = Path(django_settings.BASE_DIR)
    for package in ("iro_service", "children", "reviews", "disputes", "reporting", "interchange"):
        for path in (root / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_code_rewrites_a_versions_file_or_hash_behind_the_services_back():
    """QuerySet.update() and bulk_update() skip the services' checks: neither may touch a
    version's pdf or sha256 anywhere in the project."""
    offenders = []
    for path in _project_python_files():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr == "update":
                names = {keyword.arg for keyword in node.keywords}
            elif node.func.attr == "bulk_update":
                names = {elt.value for arg in node.args for elt in getattr(arg, "elts", []) if hasattr(elt, "value")}
            else:
                continue
            if names & {"pdf", "sha256"}:
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == []


# --- Publishing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.FAILED])
def test_only_a_ready_version_can_be_published(manager, status):
    version = queued_version(manager)
    ReportVersion.objects.filter(pk=version.pk).update(status=status)

    with pytest.raises(ValidationError, match="is not ready"):
        services.report_publish(version=version, by=manager)

    version.refresh_from_db()
    assert version.published_at is None


def test_publishing_stamps_who_and_when_and_is_audited(manager):
    version = publishable_version(manager)

    services.report_publish(version=version, by=manager)

    version.refresh_from_db()
    assert version.published_by == manager and version.published_at is not None
    event = AuditEvent.objects.get(action=AuditAction.UPDATED, object_id=str(version.pk))
    assert event.summary == "Annual IRO report 2025-26, version 1 published"
    with pytest.raises(ValidationError, match="already published"):
        services.report_publish(version=version, by=manager)


def test_a_newer_version_becomes_current_and_older_published_ones_stay_published(manager):
    first, second, third = publishable_version(manager), ready_version(manager), ready_version(manager)
    services.report_publish(version=first, by=manager)
    services.report_publish(version=third, by=manager)

    with pytest.raises(ValidationError, match="newer version of the 2025-26 report is already published"):
        services.report_publish(version=second, by=manager)

    assert list(ReportVersion.objects.published().values_list("number", flat=True)) == [3, 1]


# --- The narrative ---------------------------------------------------------------------------------


def test_the_first_save_creates_the_narrative_and_later_saves_change_it(manager):
    narrative = services.narrative_save(
        start_year=2025, by=manager, expected_version=0, introduction="  Our year.  ", independence="Independent."
    )
    assert (narrative.version, narrative.introduction, narrative.changed_by) == (1, "Our year.", manager)

    services.narrative_save(start_year=2025, by=manager, expected_version=1, introduction="Our busy year.")

    narrative.refresh_from_db()
    assert (narrative.version, narrative.introduction, narrative.independence) == (2, "Our busy year.", "Independent.")
    assert narrative.history.count() == 2
    events = AuditEvent.objects.filter(object_id=str(narrative.pk)).order_by("pk")
    assert [e.action for e in events] == [AuditAction.CREATED, AuditAction.UPDATED]
    assert events[1].changes == {"introduction": ["Our year.", "Our busy year."]}


def test_a_stale_narrative_save_is_refused_and_writes_nothing(manager):
    services.narrative_save(start_year=2025, by=manager, expected_version=0, introduction="First words.")
    services.narrative_save(start_year=2025, by=manager, expected_version=1, introduction="Second words.")

    with pytest.raises(StaleEditError) as refused:
        services.narrative_save(start_year=2025, by=manager, expected_version=1, introduction="Overwritten?")

    assert refused.value.current.introduction == "Second words."
    narrative = ReportNarrative.objects.get(start_year=2025)
    assert (narrative.version, narrative.introduction) == (2, "Second words.")


def test_two_first_saves_the_second_is_stale(manager):
    services.narrative_save(start_year=2025, by=manager, expected_version=0, introduction="Mine.")

    with pytest.raises(StaleEditError):
        services.narrative_save(start_year=2025, by=manager, expected_version=0, introduction="Also mine.")

    assert ReportNarrative.objects.get(start_year=2025).introduction == "Mine."


def test_the_narrative_takes_only_its_five_fields(manager):
    with pytest.raises(TypeError, match="unexpected fields: version_label"):
        services.narrative_save(start_year=2025, by=manager, expected_version=0, version_label="x")
