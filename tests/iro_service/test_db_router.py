"""The read replica router (iro_service/db_router.py, docs/scaling.md#the-read-replica).

A second database on the same server stands in for the replica (settings/test.py; on SQLite a
second in-memory database). Nothing copies rows into it, so it behaves as a replica that is
infinitely far behind: a read that wrongly goes there finds nothing, and a read that rightly
goes there finds the stand-in's own empty tables. The tests are transactional (committed
writes, then both databases flushed) because the router keeps every read inside a transaction
on the primary, and a test wrapped in one could never reach the replica.
"""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.models import Child, Team
from iro_service import db_router
from iro_service.celery import app as celery_app
from iro_service.db_router import PIN_COOKIE, PrimaryPinMiddleware, reads_from_replica
from reporting.models import ReportNarrative, ReportStatus, ReportVersion
from reporting.tasks import generate_report
from tests.factories import ChildFactory, make_child_in_care

#: Committed writes on the primary and the stand-in replica, both emptied after each test.
both_databases = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

ROUTER = "iro_service.db_router.PrimaryReplicaRouter"
PIN_MIDDLEWARE = "iro_service.db_router.PrimaryPinMiddleware"


@pytest.fixture
def routed(settings):
    """The router and the pin middleware on, as REPLICA_DATABASE_URL turns them on."""
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, PIN_MIDDLEWARE]
    settings.REPLICA_PIN_SECONDS = 10


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def queries_on(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def writes(captured: CaptureQueriesContext) -> list[str]:
    """The statements that changed something (reads are SELECTs, or on PostgreSQL the
    DECLARE of a server-side cursor for ``.iterator()``)."""
    return [query["sql"] for query in captured.captured_queries if not query["sql"].startswith(("SELECT", "DECLARE"))]


@reads_from_replica()
def count_children(request):
    """A reporting page in miniature: it counts children from the replica when it may."""
    return HttpResponse(str(Child.objects.count()))


# --- The rules -------------------------------------------------------------------------------


@both_databases
def test_reporting_reads_go_to_the_replica(routed):
    ChildFactory()

    with reads_from_replica(), queries_on("replica") as on_replica:
        assert Child.objects.count() == 0  # the stand-in replica has not got it

    assert Child.objects.count() == 1  # outside the reporting context: the primary
    assert Child.objects.using("default").count() == 1
    assert any("children_child" in query["sql"] for query in on_replica.captured_queries)


@both_databases
def test_writes_go_to_default_and_what_was_written_is_read_back_from_there(routed):
    ChildFactory()

    with reads_from_replica(), queries_on("replica") as on_replica:
        Team.objects.create(name="East team")
        assert Team.objects.filter(name="East team").exists()  # just written: read from the primary
        assert Child.objects.count() == 0  # nothing written to children here: still the replica

    assert Team.objects.using("default").filter(name="East team").exists()
    assert not Team.objects.using("replica").filter(name="East team").exists()
    assert all("children_team" not in query["sql"] for query in on_replica.captured_queries)


@both_databases
def test_reads_inside_a_transaction_on_the_primary_stay_there(routed):
    ChildFactory()

    with reads_from_replica(), transaction.atomic(), queries_on("replica") as on_replica:
        assert Child.objects.count() == 1

    assert on_replica.captured_queries == []


@both_databases
def test_the_reports_own_records_are_read_from_the_primary(routed, manager):
    ReportNarrative.objects.create(start_year=2025, introduction="Our year.", changed_by=manager)

    with reads_from_replica():
        assert ReportNarrative.objects.get(start_year=2025).introduction == "Our year."


@both_databases
def test_a_replica_behind_the_primary_is_not_read(routed, monkeypatch):
    ChildFactory()
    monkeypatch.setattr(db_router, "replica_has_caught_up", lambda: False)

    with reads_from_replica(), queries_on("replica") as on_replica:
        assert Child.objects.count() == 1

    assert on_replica.captured_queries == []


@both_databases
def test_a_replica_that_cannot_be_reached_is_not_read(routed, monkeypatch):
    if connections["replica"].vendor != "postgresql":
        pytest.skip("SQLite has no write-ahead log to compare, so the check never asks the replica")
    ChildFactory()

    def unreachable():
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connections["replica"], "cursor", unreachable)
    # The warning is read from the router's own logger; the logger is set to warn whatever
    # earlier tests did to the root logger's level (a Celery worker set-up sets it to ERROR).
    warned: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = warned.append  # type: ignore[method-assign]
    router_logger = logging.getLogger("iro_service.db_router")
    monkeypatch.setattr(router_logger, "disabled", False)
    previous_level = router_logger.level
    router_logger.setLevel(logging.WARNING)
    router_logger.addHandler(handler)
    try:
        with reads_from_replica():
            assert Child.objects.count() == 1  # the row is on the primary only: not read from the replica
    finally:
        router_logger.removeHandler(handler)
        router_logger.setLevel(previous_level)

    assert any("Read replica unavailable" in record.getMessage() for record in warned)


@both_databases
def test_the_stand_in_replica_counts_as_caught_up(routed):
    """It is no standby (PostgreSQL: not in recovery; SQLite: no log to compare), so there is
    nothing to wait for; a real standby is compared by write-ahead log position."""
    assert db_router.replica_has_caught_up() is True


@both_databases
def test_without_a_replica_every_read_goes_to_default():
    ChildFactory()

    with reads_from_replica(), queries_on("replica") as on_replica:
        assert Child.objects.count() == 1

    assert on_replica.captured_queries == []


# --- Pinning a browser to the primary after a write -------------------------------------------------


@both_databases
def test_a_write_pins_the_request_and_the_next_seconds_of_that_browser_to_the_primary(routed):
    ChildFactory()
    page = PrimaryPinMiddleware(count_children)
    requests = RequestFactory()

    assert page(requests.get("/")).content == b"0"  # no pin: the replica

    posted = page(requests.post("/"))
    assert posted.content == b"1"  # a POST reads from the primary throughout
    pin = posted.cookies[PIN_COOKIE]
    assert pin["max-age"] == 10 and pin["httponly"]

    pinned = requests.get("/")
    pinned.COOKIES[PIN_COOKIE] = pin.value
    assert page(pinned).content == b"1"
    assert PIN_COOKIE not in page(pinned).cookies  # a read does not extend the pin

    expired = requests.get("/")
    expired.COOKIES[PIN_COOKIE] = str(int(pin.value) - 11)
    assert page(expired).content == b"0"


@both_databases
def test_the_dashboard_reads_its_figures_from_the_replica_until_the_manager_saves(
    routed, client_for, manager, iro, monkeypatch
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the first look computes the figures
    make_child_in_care(iro=iro)
    client = client_for(manager)

    with queries_on("replica") as on_replica:
        assert client.get(reverse("reporting:dashboard")).status_code == 200
    assert any("children_child" in query["sql"] for query in on_replica.captured_queries)
    assert not writes(on_replica)

    saved = client.post(reverse("reporting:narrative", args=["2025-26"]), {"introduction": "Ours.", "version": 0})
    assert saved.status_code == 302 and PIN_COOKIE in saved.cookies

    with queries_on("replica") as on_replica:
        assert client.get(reverse("reporting:dashboard")).status_code == 200
    assert on_replica.captured_queries == []


# --- The report generation task ----------------------------------------------------------------


@both_databases
def test_the_report_task_reads_the_figures_from_the_replica_and_writes_the_version_to_default(
    routed, media, manager, iro
):
    make_child_in_care(iro=iro)
    version = ReportVersion.objects.create(start_year=2025, number=1, requested_by=manager)

    with queries_on("replica") as on_replica:
        generate_report(version.pk)

    version.refresh_from_db()
    assert version.status == ReportStatus.READY and version.pdf
    assert not ReportVersion.objects.using("replica").exists()
    sql = [query["sql"] for query in on_replica.captured_queries]
    assert any("children_child" in statement for statement in sql)
    assert not writes(on_replica)
    assert all("reporting_" not in statement for statement in sql)
