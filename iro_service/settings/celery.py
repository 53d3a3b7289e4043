"""Celery settings: JSON only, explicit time limits, Redis when REDIS_URL is set.

Without REDIS_URL every task runs eagerly in the caller (the embedded default).
Beat schedules live here, in code.
"""

import environ
from celery.schedules import crontab

_env = environ.Env()
_redis = _env("REDIS_URL", default="")

CELERY_BROKER_URL = _redis or "memory://"
CELERY_RESULT_BACKEND = _redis or None
CELERY_TASK_ALWAYS_EAGER = not _redis
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/London"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Deadline flags and the daily digests (reviews/flags.py), before the working day starts.
    # crontab times are in CELERY_TIMEZONE (Europe/London), so 06:30 all year round.
    "sweep-deadlines-daily": {
        "task": "reviews.tasks.sweep_deadlines",
        "schedule": crontab(hour=6, minute=30),
    },
}
