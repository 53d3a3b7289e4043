"""The step-up: a child on a child protection plan who becomes looked after
(docs/rules.md#child-protection). The plan keeps the care episode that started while it was open
(``ProtectionPlan.care_episode``), so the child's record shows both histories as one story.

``plan_care_period_started`` is listed in the ``CARE_PERIOD_STARTED_STEPS`` setting and called by
``children.services.care_period_start`` inside its transaction (children never imports
conferences). ``plan_link_care_episode`` is for the service that ends a plan with the reason
``INTO_CARE``: it links the period of care that started while the plan was open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from children.codes import ReasonNewEpisode
from children.models import CareEpisode
from iro_service.models import AuditAction
from iro_service.services import save_audited

from ..models import ProtectionPlan

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _link(plan: ProtectionPlan, episode: CareEpisode, *, by: User) -> ProtectionPlan:
    plan.care_episode = episode
    plan.version += 1
    return save_audited(
        plan,
        by=by,
        action=AuditAction.UPDATED,
        summary=f"Became looked after on {episode.started_on:%-d %B %Y} while on a child protection plan",
        changes={"care_episode": [None, episode.pk]},
        update_fields=["care_episode", "version"],
    )


def plan_care_period_started(*, episode: CareEpisode, by: User) -> ProtectionPlan | None:
    """A period of care started (``episode``): the child's open plan, if they have one that
    started on or before it, is linked to it. Returns the plan linked, or None."""
    plan = (
        ProtectionPlan.objects.select_for_update()
        .filter(child_id=episode.child_id, ended_on__isnull=True, started_on__lte=episode.started_on)
        .filter(care_episode__isnull=True)
        .first()
    )
    return _link(plan, episode, by=by) if plan is not None else None


def plan_link_care_episode(*, plan: ProtectionPlan, by: User) -> ProtectionPlan:
    """For a plan ended because the child became looked after: link the period of care that
    started while the plan was open (the latest such start), unless one is linked already."""
    if plan.care_episode_id is not None:
        return plan
    episodes = CareEpisode.objects.filter(
        child_id=plan.child_id, reason_new_episode=ReasonNewEpisode.S, started_on__gte=plan.started_on
    )
    if plan.ended_on is not None:
        episodes = episodes.filter(started_on__lte=plan.ended_on)
    episode = episodes.order_by("-started_on", "-pk").first()
    return _link(plan, episode, by=by) if episode is not None else plan
