"""The Celery application.

With ``REDIS_URL`` set, Redis is the broker and result backend; without it the
settings make every task run eagerly in the calling process (the embedded default).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro_service.settings.local")

app = Celery("iro_service")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
