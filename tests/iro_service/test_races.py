"""Two people doing the same thing at the same moment: one succeeds, the other is told why
in words, never a 500 and never a second record. Proved on PostgreSQL with real threads, each
on its own database connection, for the services and through the views.

How the race is made certain rather than likely: the test holds a SHARE lock on the table
both transactions must write, starts both (lined up with a ``threading.Barrier``), waits until
PostgreSQL reports both blocked on a lock, then releases it. Each transaction has by then done
everything it does before writing, so the two overlap exactly where a race would bite.
SQLite has one writer and no row locks, so these run on PostgreSQL only (CI runs them there).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from children import services as children_services
from children.models import Child, IROAllocation, SignificantChange
from interchange import services as ssda903_services
from iro_service import roles
from iro_service.celery import app as celery_app
from iro_service.models import AuditAction, AuditEvent
from reporting.models import SSDA903Upload, UploadStatus
from reviews import services as review_services
from reviews.models import Review
from tests.factories import UserFactory, make_child_in_care, make_iro
from tests.forms import date_fields
from tests.interchange.helpers import hand_made_texts
from tests.reviews.factories import book_anyway

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (CI runs on PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 20  # seconds: a deadlock or a missed wake-up fails the test instead of hanging it


def _blocked_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the view is read once per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def race(*calls: Callable[[], object], hold: str) -> list:
    """Run ``calls`` at once, each in its own thread and connection, and return each outcome:
    what it returned, or the exception it raised. ``hold`` is the table whose SHARE lock
    this test holds until every call is blocked (see the module docstring)."""
    outcomes: list = [None] * len(calls)
    start = threading.Barrier(len(calls) + 1, timeout=TIMEOUT)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{hold}" IN SHARE MODE')
        for thread in threads:
            thread.start()
        start.wait()
        deadline = time.monotonic() + TIMEOUT
        while _blocked_on_locks() < len(calls):
            assert time.monotonic() < deadline, "the calls never both reached the lock"
            time.sleep(0.02)
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a call is still running: deadlock?"
    return outcomes


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(outcome) -> list[str]:
    assert isinstance(outcome, ValidationError), outcome
    return outcome.messages


@pytest.fixture
def child(iro):
    return make_child_in_care(iro=iro, first_name="Kai", local_reference="R0001", looked_after_on=dt.date(2025, 6, 2))


# --- Two bookings of one child's review --------------------------------------------------------


def test_two_bookings_at_once_one_is_booked_the_other_told_it_is_already_booked(iro, child):
    today = timezone.localdate()

    def book(days: int):
        return lambda: review_services.review_book(child=child, by=iro, booked_for=today + dt.timedelta(days=days))

    outcomes = race(book(10), book(12), hold="reviews_review")

    booked = Review.objects.booked().get(child=child)
    losers = [o for o in outcomes if not isinstance(o, Review)]
    assert len(losers) == 1
    assert _messages(losers[0]) == [
        f"A review is already booked for {booked.booked_for:%-d %B %Y}. Postpone or bring that one forward instead."
    ]
    assert AuditEvent.objects.filter(action=AuditAction.CREATED, object_type="reviews.Review").count() == 1


def test_two_bookings_through_the_pages_a_redirect_and_a_form_with_the_reason(iro, child):
    today = timezone.localdate()
    url = reverse("reviews:book", args=[child.pk])

    def post(days: int):
        day = today + dt.timedelta(days=days)
        data = {**date_fields("booked_for", day), "venue": "", **book_anyway(child, day)}
        return lambda: _client(iro).post(url, data)

    outcomes = race(post(10), post(12), hold="reviews_review")

    assert sorted(response.status_code for response in outcomes) == [200, 302]
    refused = next(response for response in outcomes if response.status_code == 200)
    assert "govuk-error-summary" in refused.text and "A review is already booked for" in refused.text
    assert Review.objects.filter(child=child).count() == 1


# --- Two acknowledgements of one significant change --------------------------------------------


@pytest.fixture
def change(iro, child):
    return children_services.significant_change_record(
        child=child, by=iro, category="exclusion", occurred_on=timezone.localdate(), description="Excluded."
    )


def test_two_acknowledgements_at_once_the_second_is_told_who_acknowledged_it(iro, child, change):
    def acknowledge(words: str):
        return lambda: children_services.significant_change_acknowledge(change=change, by=iro, iro_response=words)

    outcomes = race(acknowledge("First answer."), acknowledge("Second answer."), hold="children_significantchange")

    change.refresh_from_db()
    winner = next(o for o in outcomes if isinstance(o, SignificantChange))
    loser = next(o for o in outcomes if not isinstance(o, SignificantChange))
    assert change.iro_response == winner.iro_response
    assert _messages(loser) == [
        f"This change was already acknowledged by {iro.get_full_name()} on {timezone.localdate():%-d %B %Y}."
    ]
    assert AuditEvent.objects.filter(action=AuditAction.UPDATED, object_type="children.SignificantChange").count() == 1


def test_two_acknowledgements_through_the_pages(iro, child, change):
    url = reverse("children:significant_change_acknowledge", args=[change.pk])

    def post(words: str):
        return lambda: _client(iro).post(url, {"iro_response": words})

    outcomes = race(post("First answer."), post("Second answer."), hold="children_significantchange")

    assert sorted(response.status_code for response in outcomes) == [200, 302]
    refused = next(response for response in outcomes if response.status_code == 200)
    assert "This change was already acknowledged by" in refused.text


# --- Two reallocations of one child ------------------------------------------------------------


def test_two_reallocations_at_once_the_second_is_told_someone_else_changed_the_iro(manager, iro, child):
    ben = make_iro(username="ben", first_name="Ben", last_name="Harris")
    cy = make_iro(username="cy", first_name="Cy", last_name="Jones")
    today = timezone.localdate()

    def reallocate(to):
        return lambda: children_services.allocation_change(
            child=child, by=manager, iro=to, starts_on=today, reason="Caseload balancing"
        )

    outcomes = race(reallocate(ben), reallocate(cy), hold="children_iroallocation")

    current = IROAllocation.objects.get(child=child, ended_on__isnull=True)
    loser = next(o for o in outcomes if not isinstance(o, IROAllocation))
    assert _messages(loser) == [
        f"Someone else changed Kai's IRO to {current.iro.get_full_name()} just now, so your change was not saved. "
        "Check the IRO shown now, then change it again if you still need to."
    ]
    assert IROAllocation.objects.filter(child=child).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.REALLOCATED).count() == 1


def test_two_reallocations_through_the_pages(manager, iro, child):
    other_manager = UserFactory(username="mgr2", role=roles.IRO_MANAGER)
    ben = make_iro(username="ben", first_name="Ben", last_name="Harris")
    cy = make_iro(username="cy", first_name="Cy", last_name="Jones")
    url = reverse("children:reallocate", args=[child.pk])
    today = timezone.localdate()

    def post(by, to):
        return lambda: _client(by).post(url, {"iro": to.pk, **date_fields("starts_on", today), "reason": "Balancing"})

    outcomes = race(post(manager, ben), post(other_manager, cy), hold="children_iroallocation")

    assert sorted(response.status_code for response in outcomes) == [200, 302]
    refused = next(response for response in outcomes if response.status_code == 200)
    assert "Someone else changed Kai&#x27;s IRO to" in refused.text and "just now" in refused.text
    assert IROAllocation.objects.filter(child=child, ended_on__isnull=True).count() == 1


# --- Two imports of the same return ------------------------------------------------------------


def _queued_for_import(manager) -> SSDA903Upload:
    return SSDA903Upload.objects.create(
        uploaded_by=manager,
        files=hand_made_texts(),
        file_names=sorted(hand_made_texts()),
        status=UploadStatus.IMPORTING,
        summary={"changes": 13},
    )


def test_two_uploads_of_one_return_imported_at_once_write_its_children_once(manager):
    first, second = _queued_for_import(manager), _queued_for_import(manager)

    def import_(upload):
        return lambda: ssda903_services.ssda903_upload_import(upload_id=upload.pk, by=manager)

    race(import_(first), import_(second), hold="children_child")

    assert Child.objects.count() == 3
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (UploadStatus.IMPORTED, UploadStatus.IMPORTED)
    done = sorted([first, second], key=lambda u: u.summary["create_child"])
    assert (done[0].summary["create_child"], done[0].summary["unchanged"]) == (0, 13)  # the second found it done
    assert done[1].summary["create_child"] == 3


def test_two_imports_of_one_upload_through_the_pages_the_second_is_told_it_is_being_imported(manager, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    upload = _queued_for_import(manager)
    SSDA903Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.CHECKED)
    url = reverse("interchange:ssda903_upload_import", args=[upload.pk])

    def post():
        return _client(manager).post(url)

    outcomes = race(post, post, hold="reporting_ssda903upload")

    assert sorted(response.status_code for response in outcomes) == [302, 400]
    refused = next(response for response in outcomes if response.status_code == 400)
    assert "This return is already being imported. Wait for the import to finish." in refused.text
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED and Child.objects.count() == 3


# --- Two reviews of one child recorded at once -------------------------------------------------


def test_two_reviews_recorded_at_once_leave_the_whole_chain_right(iro, child):
    """Each recording recomputes the child's whole chain; the child's row is locked first, so
    the second waits for the first and computes from both (docs/rules.md#review-timescales)."""
    from tests.reviews.factories import record_review

    today = timezone.localdate()

    def record(day: dt.date):
        return lambda: record_review(child, iro, day, today=today)

    outcomes = race(record(dt.date(2025, 9, 1)), record(dt.date(2025, 6, 20)), hold="reviews_review")

    assert all(isinstance(o, Review) for o in outcomes), outcomes
    held = list(Review.objects.filter(child=child).order_by("held_on").values_list("review_type", "due_on"))
    assert held == [("first", dt.date(2025, 6, 30)), ("second", dt.date(2025, 9, 20))]
    assert child.review_schedule.__class__.objects.get(child=child).next_due_on == dt.date(2026, 3, 1)
