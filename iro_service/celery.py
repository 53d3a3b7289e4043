"""The Celery application, and ``enqueue``: sending a task from a request without a 500.

With ``REDIS_URL`` set, Redis is the broker and result backend; without it the
settings make every task run eagerly in the calling process (the embedded default).
"""

from __future__ import annotations

import logging
import os

from celery import Celery, shared_task
from kombu.exceptions import OperationalError as BrokerUnavailable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro_service.settings.local")

app = Celery("iro_service")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

#: What sending a task raises when the broker cannot be reached (kombu wraps the socket
#: and Redis errors in its OperationalError). settings/celery.py keeps that fast.
BROKER_ERRORS = (BrokerUnavailable,)


def enqueue(task, *args) -> bool:
    """Send ``task(*args)`` to the workers (or, eagerly, run it); False if the broker is down.

    The caller records that the task was not queued, so that nothing waits for ever for a
    task that was never sent; the error is logged. Errors of an eager task itself propagate.
    """
    try:
        task.apply_async(args=args)
    except BROKER_ERRORS as error:
        logger.warning("Could not queue %s%r: %s", task.name, args, error)
        return False
    return True


def retrying_task(*, minutes: int, transient: tuple[type[BaseException], ...], backoff: int = 30, **options):
    """``shared_task`` for a task whose outcome is stored on a record: acknowledged late (a
    worker that dies mid-task leaves it queued), a soft time limit of ``minutes`` and a hard one
    a minute later, and up to three more tries, ``backoff`` seconds apart and growing, on the
    ``transient`` errors. ``options`` go to ``shared_task`` as they are (``name=``,
    ``ignore_result=``)."""
    return shared_task(
        acks_late=True,
        soft_time_limit=minutes * 60,
        time_limit=(minutes + 1) * 60,
        autoretry_for=transient,
        retry_backoff=backoff,
        retry_jitter=True,
        max_retries=3,
        **options,
    )
