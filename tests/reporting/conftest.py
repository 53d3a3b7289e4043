"""The reporting tests read the dashboard's figures as the embedded default does: tasks run
eagerly, even where REDIS_URL points Celery at a broker (CI's PostgreSQL run). The worker path
is tested where a test says so (``task_always_eager`` set False, or a real worker)."""

import pytest

from iro_service.celery import app as celery_app


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
