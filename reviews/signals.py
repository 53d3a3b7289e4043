"""Cache busting only (STYLE.md rule 19): when a child's care episodes change, their cached
review schedule is refreshed once the transaction commits. No domain decision is made here.

Changes inside one transaction are batched: every save registers a cheap on-commit callback,
the first one to run refreshes every child changed so far and the rest find nothing to do.
"""

import threading

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from children.models import CareEpisode

_local = threading.local()


def _pending() -> set[int]:
    if not hasattr(_local, "ids"):
        _local.ids = set()
    return _local.ids


def _flush() -> None:
    from .schedule import schedule_refresh

    pending = _pending()
    if pending:
        ids = set(pending)
        pending.clear()
        schedule_refresh(ids)


@receiver(post_save, sender=CareEpisode, dispatch_uid="reviews.refresh_schedule_on_episode")
def refresh_schedule_on_episode_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _pending().add(instance.child_id)
    transaction.on_commit(_flush)
