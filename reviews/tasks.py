"""Celery tasks of the reviews app. Thin: each parses its arguments and calls one service
(STYLE.md rule 14). The beat schedule is in ``iro_service/settings/celery.py``."""

from __future__ import annotations

import smtplib
from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .flags import deadlines_daily

#: Errors worth another try a minute or more later: the database or the mail server was
#: unreachable or busy. Anything else is a bug and fails loudly. The job is idempotent (flags
#: are keyed, digests recorded per person per day), so a retry repeats nothing already done.
TRANSIENT_ERRORS = (OperationalError, smtplib.SMTPException, ConnectionError)


@shared_task(
    acks_late=True,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=60,
    retry_jitter=True,
    max_retries=3,
)
def sweep_deadlines(today_iso: str | None = None, send_digests: bool = True) -> dict:
    """Flag review, record, action and dispute deadlines across the service (every sweep in
    ``DEADLINE_SWEEPS``), then send the day's digests (docs/rules.md#review-timescales, 3 and 5).
    ``today_iso`` defaults to today in London."""
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return deadlines_daily(today=today, send_digests=send_digests).as_dict()
