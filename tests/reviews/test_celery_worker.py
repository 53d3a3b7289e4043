"""The Celery side of the deadline sweep: the task, its beat entry and, when Redis is there
(REDIS_URL, as on CI's PostgreSQL run), a real worker consuming the task from the broker."""

from __future__ import annotations

import json
import os
import uuid
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from iro_service.celery import app
from reviews.codes import FlagKind
from reviews.models import DeadlineFlag
from reviews.schedule import schedule_refresh
from reviews.tasks import sweep_deadlines
from tests.factories import make_child_in_care


def flagged_children(iro, other_iro):
    """Ada: a child overdue (due 2 April 2024); Ben: a child due soon (due 10 June 2024)."""
    children = [
        make_child_in_care(iro=iro, looked_after_on=date(2024, 3, 1)),
        make_child_in_care(iro=other_iro, looked_after_on=date(2024, 5, 10)),
    ]
    schedule_refresh([child.pk for child in children])
    return children


def test_the_sweep_runs_daily_at_half_past_six_london_time():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-deadlines-daily"]
    assert entry["task"] == "reviews.tasks.sweep_deadlines"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {30})
    assert app.conf.timezone == "Europe/London"
    assert "reviews.tasks.sweep_deadlines" in app.tasks


@pytest.mark.django_db
def test_the_task_returns_its_counts_as_json(iro, other_iro, manager):
    flagged_children(iro, other_iro)

    result = sweep_deadlines.apply(kwargs={"today_iso": "2024-05-17"}).get()

    assert json.loads(json.dumps(result)) == result
    assert result["today"] == "2024-05-17"
    assert result["raised"] == {
        "review_due_soon": 1,
        "review_overdue": 1,
        "record_overdue": 0,
        "action_overdue": 0,
        "dispute_resp_overdue": 0,
        "dispute_too_long": 0,
        "cp_icpc_overdue": 0,
        "cp_rcpc_overdue": 0,
        "cp_minutes_late": 0,
        "cp_plan_15_months": 0,
        "cp_plan_repeat": 0,
    }
    assert result["open"] == result["raised"]
    assert result["digests_sent"] == 3


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis broker: set REDIS_URL (CI does)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_consumes_the_task_from_redis_and_flags_the_deadlines(iro, other_iro, manager):
    assert app.conf.task_always_eager is False
    overdue, due_soon = flagged_children(iro, other_iro)
    # A queue of this run's own, so that messages left in the broker by other runs are not
    # consumed by this worker and this task is not consumed by another one.
    queue = f"test-sweep-{uuid.uuid4().hex}"

    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30):
        result = sweep_deadlines.s(today_iso="2024-05-17", send_digests=False).set(queue=queue).delay()
        counts = result.get(timeout=60)

    assert result.status == "SUCCESS"
    assert counts["open"]["review_overdue"] == 1 and counts["open"]["review_due_soon"] == 1
    assert DeadlineFlag.objects.get(child=overdue).kind == FlagKind.REVIEW_OVERDUE
    assert DeadlineFlag.objects.get(child=due_soon).kind == FlagKind.REVIEW_DUE_SOON
    assert set(DeadlineFlag.objects.values_list("iro__username", flat=True)) == {"iro_a", "iro_b"}
