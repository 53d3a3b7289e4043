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

# Sending a task from a web request fails fast when Redis is down (``iro_service.celery.enqueue``
# then records why and the page says so), instead of holding the request for the default
# 20 reconnection attempts (19 s). A worker reconnects on its own once Redis is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}

#: A generation or SSDA903 check that has been queued or running this long without any
#: progress is stuck (its worker died, or it was never delivered): the manager may try it
#: again. Longer than any task's time limit (CELERY_TASK_TIME_LIMIT), so never a live one.
TASK_STUCK_AFTER_MINUTES = _env.int("TASK_STUCK_AFTER_MINUTES", default=15)

#: The most an SSDA903 upload's files may add up to, in MB (checked by a task; a return of
#: 10,000 children is about 3 MB). Refused before the request body is read when larger.
SSDA903_MAX_UPLOAD_MB = _env.int("SSDA903_MAX_UPLOAD_MB", default=100)
CELERY_BEAT_SCHEDULE: dict = {
    # Deadline flags and the daily digests (reviews/flags.py), before the working day starts.
    # crontab times are in CELERY_TIMEZONE (Europe/London), so 06:30 all year round.
    "sweep-deadlines-daily": {
        "task": "reviews.tasks.sweep_deadlines",
        "schedule": crontab(hour=6, minute=30),
    },
    # The service dashboard's stored figures (reporting/dashboard.py), recomputed for the new day.
    "refresh-dashboards-daily": {
        "task": "reporting.tasks.refresh_dashboards",
        "schedule": crontab(hour=6, minute=45),
    },
}
