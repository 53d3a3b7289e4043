"""Cache busting only (STYLE.md rule 19): when a fact a child's review dates depend on is saved
(a care episode, or the child's date of birth, which fixes the 18th birthday), their cached
review dates are recomputed at once, inside the same transaction, so that nothing commits a
fact with a stale date (docs/rules.md#review-timescales). No domain decision is made here.

Bulk writes that send no signals (the SSDA903 import) call ``schedule_refresh`` themselves.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from children.models import CareEpisode, Child


@receiver(post_save, sender=CareEpisode, dispatch_uid="reviews.refresh_schedule_on_episode")
def refresh_schedule_on_episode_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .schedule import schedule_refresh

    schedule_refresh([instance.child_id])


@receiver(post_save, sender=Child, dispatch_uid="reviews.refresh_schedule_on_birth_date")
def refresh_schedule_on_child_change(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    if raw or created or (update_fields is not None and "date_of_birth" not in update_fields):
        return
    from .schedule import schedule_refresh

    schedule_refresh([instance.pk])
