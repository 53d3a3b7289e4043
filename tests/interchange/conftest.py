"""Uploads are checked and imported by Celery tasks, sent once the request commits."""

import pytest

from iro_service.celery import app as celery_app


@pytest.fixture
def tasks(monkeypatch, django_capture_on_commit_callbacks):
    """``with tasks(): client.post(...)`` runs the tasks the request queued, eagerly (as the
    embedded default does, and even where REDIS_URL points Celery at a broker), before the
    ``with`` block ends. Pages are then read after it."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    return lambda: django_capture_on_commit_callbacks(execute=True)
