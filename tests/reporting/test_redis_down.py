"""With Redis down (REDIS_URL pointing at a closed port) the service keeps working: the
dashboard is drawn without its cache, a report that cannot be queued is refused with a clear
message and is never left "queued", and the manager tries it again once Redis is back.

The settings are the production ones for a Redis at 127.0.0.1:1: the cache as base settings
build it (``iro_service.cache.redis_caches``), and the Celery app pointed at that broker and
result store with eager running off, keeping the timeouts of ``settings/celery.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from contextlib import contextmanager

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from iro_service.cache import ResilientRedisCache, redis_caches
from iro_service.celery import app as celery_app
from iro_service.models import AuditAction, AuditEvent
from reporting import services
from reporting.models import NOT_QUEUED, ReportStatus, ReportVersion
from tests.reporting.test_service_dashboard import build_service

pytestmark = pytest.mark.django_db

DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1
LABEL = "2025-26"


def _forget_celery_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@contextmanager
def redis_down():
    """Production's Redis settings, with Redis at a closed port."""
    conf = celery_app.conf
    names = ("broker_url", "result_backend", "task_always_eager")
    saved = {name: conf[name] for name in names}
    with override_settings(CACHES=redis_caches(DEAD)):
        conf.update(broker_url=DEAD, result_backend=DEAD, task_always_eager=False)
        _forget_celery_connections()
        try:
            yield
        finally:
            conf.update(saved)
            _forget_celery_connections()


@pytest.fixture
def eager_celery(monkeypatch):
    """Redis is back: tasks run (eagerly, in the request) as in the embedded default."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def _queued_version(manager, *, minutes_ago: int) -> ReportVersion:
    version = ReportVersion.objects.create(start_year=2025, number=1, requested_by=manager)
    then = timezone.now() - dt.timedelta(minutes=minutes_ago)
    ReportVersion.objects.filter(pk=version.pk).update(updated_at=then)
    version.refresh_from_db()
    return version


# --- The cache --------------------------------------------------------------------------------


def test_the_cache_answers_as_an_empty_cache_while_redis_is_down():
    with redis_down():
        assert isinstance(caches["default"], ResilientRedisCache)
        assert cache.get("chart", "missing") == "missing"
        cache.set("chart", "<svg/>")
        assert cache.get_or_set("chart", lambda: "<svg>drawn</svg>", 60) == "<svg>drawn</svg>"
        assert cache.add("chart", "x") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("chart") is False
        cache.delete("chart")
        with pytest.raises(ValueError, match="not found"):
            cache.incr("counter")


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a live Redis: set REDIS_URL (CI does)")
def test_the_resilient_cache_is_a_real_cache_when_redis_is_up():
    live = ResilientRedisCache(os.environ["REDIS_URL"], redis_caches(os.environ["REDIS_URL"])["default"]["OPTIONS"])
    key = f"test-resilient-{os.getpid()}"
    try:
        live.set(key, "<svg/>", 30)
        assert live.get(key) == "<svg/>"
        assert live.get_or_set(key, lambda: "recomputed", 30) == "<svg/>"
    finally:
        live.delete(key)


def test_the_dashboard_shows_its_figures_and_charts_with_redis_down(client_for, manager, iro):
    build_service(iro, children=3)

    with redis_down():
        response = client_for(manager).get(reverse("reporting:dashboard"))
        chart_url = re.search(r'<img src="([^"]+\.svg)"', response.text).group(1)
        chart = client_for(manager).get(chart_url)

    assert response.status_code == 200
    assert "Reviews held" in response.text
    assert chart.status_code == 200
    assert re.search(r'<svg[^>]*role="img"', chart.text), "no chart drawn"
    assert response.context["sections"]


# --- Generating the annual report -------------------------------------------------------------


def test_a_report_that_cannot_be_queued_is_failed_with_the_reason_never_left_queued(
    client_for, manager, iro, django_capture_on_commit_callbacks
):
    build_service(iro, children=1)
    client = client_for(manager)
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:generate", args=[LABEL]))

    version = ReportVersion.objects.get()
    assert (response.status_code, response.url) == (302, reverse("reporting:progress", args=[version.pk]))
    assert (version.status, version.error) == (ReportStatus.FAILED, NOT_QUEUED)
    assert not ReportVersion.objects.filter(status=ReportStatus.QUEUED).exists()
    page = client.get(response.url)
    assert page.status_code == 200
    assert "The report could not be started." in page.text
    assert "It could not be queued: the service that runs it is unavailable. Try again in a few minutes." in page.text
    assert reverse("reporting:retry", args=[version.pk]) in page.text and "Try again" in page.text
    assert 'http-equiv="refresh"' not in page.text  # nothing is running, so nothing to follow


def test_once_redis_is_back_the_manager_tries_again_and_the_same_version_is_generated(
    client_for, manager, iro, django_capture_on_commit_callbacks, eager_celery
):
    build_service(iro, children=1)
    client = client_for(manager)
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:generate", args=[LABEL]))
    version = ReportVersion.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:retry", args=[version.pk]))

    assert (response.status_code, response.url) == (302, reverse("reporting:progress", args=[version.pk]))
    version.refresh_from_db()
    assert (version.number, version.status, version.error) == (1, ReportStatus.READY, "")
    assert ReportVersion.objects.count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATED, object_id=str(version.pk), summary__contains="queued again (it failed)"
    ).exists()
    page = client.get(response.url)
    assert "Ready" in page.text and "Try again" not in page.text


def test_a_retry_while_redis_is_still_down_fails_again_with_the_reason(manager, django_capture_on_commit_callbacks):
    version = _queued_version(manager, minutes_ago=0)
    ReportVersion.objects.filter(pk=version.pk).update(status=ReportStatus.FAILED, error=NOT_QUEUED)

    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        services.report_retry(version=version, by=manager)

    version.refresh_from_db()
    assert (version.status, version.error) == (ReportStatus.FAILED, NOT_QUEUED)


def test_a_version_stuck_in_the_queue_can_be_tried_again_and_a_fresh_one_cannot(
    client_for, manager, settings, django_capture_on_commit_callbacks
):
    settings.TASK_STUCK_AFTER_MINUTES = 15
    client = client_for(manager)
    stuck = _queued_version(manager, minutes_ago=16)
    fresh = ReportVersion.objects.create(start_year=2025, number=2, requested_by=manager)

    assert "Try again" in client.get(reverse("reporting:progress", args=[stuck.pk])).text
    assert "Try again" not in client.get(reverse("reporting:progress", args=[fresh.pk])).text

    refused = client.post(reverse("reporting:retry", args=[fresh.pk]))
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    assert "Version 2 is being generated. If it has not moved on in 15 minutes, you can try again." in refused.text

    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("reporting:retry", args=[stuck.pk]))
        again = client.post(reverse("reporting:retry", args=[stuck.pk]))  # a double click

    assert len(queued) == 1  # queued again once; the second click is refused
    assert again.status_code == 400
    stuck.refresh_from_db()
    assert (stuck.status, stuck.number) == (ReportStatus.QUEUED, 1)
    assert ReportVersion.objects.count() == 2


def test_only_the_manager_may_try_again(client_for, iro, manager):
    version = _queued_version(manager, minutes_ago=60)

    assert client_for(iro).post(reverse("reporting:retry", args=[version.pk])).status_code == 403
    version.refresh_from_db()
    assert version.updated_at < timezone.now() - dt.timedelta(minutes=59)


def test_a_ready_version_is_never_tried_again(manager):
    version = _queued_version(manager, minutes_ago=60)
    ReportVersion.objects.filter(pk=version.pk).update(status=ReportStatus.READY)

    with pytest.raises(services.ValidationError, match="Version 1 is ready: there is nothing to try again."):
        services.report_retry(version=version, by=manager)
