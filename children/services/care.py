"""Periods of care and their episodes (SSDA903): a child becomes looked after, their placement or
legal status changes, and they leave care (docs/rules.md#periods-of-care, #turning-18)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NotRequired, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from iro_service.audit import audit_record, diff_fields
from iro_service.models import AuditAction
from iro_service.services import require_not_future, save_audited, save_validated

from .. import rules
from ..ages import eighteenth_birthday
from ..codes import ReasonEpisodeCeased, ReasonNewEpisode
from ..models import CareEpisode, Child, IROAllocation
from .allocation import allocate
from .common import EPISODE_FIELDS, called, field_values, open_episode, require_iro

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class CareFacts(TypedDict):
    """The facts of a placement and legal status an episode records (``EPISODE_FIELDS``)."""

    legal_status: str
    placement_type: str
    placement_provider: str
    category_of_need: str
    placement_postcode: NotRequired[str]
    home_postcode: NotRequired[str]
    distance_from_home_miles: NotRequired[Decimal | None]


#: Which facts must change for each reason for a new episode (SSDA903 RNE guidance).
_RNE_LEGAL_STATUS_CHANGES = {"L": True, "P": False, "T": False, "U": True, "B": True}


def _refuse_new_period(child: Child, started_on: date) -> None:
    """A new period starts in childhood (DfE rule 352), while the child is not looked after, and
    after the last period ended, not the same day (DfE rule 431): see ``children.rules``."""
    for broken in rules.episode_start_broken(date_of_birth=child.date_of_birth, started_on=started_on):
        if broken.code == "before-birth":
            raise ValidationError({"started_on": "The child cannot become looked after before their date of birth."})
        birthday = eighteenth_birthday(child.date_of_birth)
        raise ValidationError(
            {
                "started_on": f"{called(child)} turned 18 on {birthday:%-d %B %Y}, so cannot start to be looked "
                "after on or after that date (a person stops being looked after at 18)."
            }
        )
    if open_episode(child) is not None:
        raise ValidationError(
            "This child is already looked after. Record a change of placement or legal status instead."
        )
    last = CareEpisode.objects.filter(child=child, ended_on__isnull=False).order_by("-ended_on").first()
    ended = last.ended_on if last is not None else None
    for broken in rules.new_period_broken(started_on=started_on, previous_ended_on=ended):
        if broken.code == "before-previous-end":
            raise ValidationError(
                {
                    "started_on": f"The child's last period of care ended on {ended:%-d %B %Y}; "
                    "the new one cannot start before it."
                }
            )
        raise ValidationError(
            {
                "started_on": f"{called(child)}'s last episode of care ended on {ended:%-d %B %Y}. "
                "Starting again the same day is continuous care, not a new period of care (DfE rule 431): "
                "record a change of placement or legal status instead."
            }
        )


@transaction.atomic
def care_period_start(
    *,
    child: Child,
    by: User,
    started_on: date,
    iro: User,
    today: date | None = None,
    **care: Unpack[CareFacts],
) -> CareEpisode:
    """The child becomes looked after on ``started_on``: an episode with reason S (with the facts
    of ``care``) and an IRO.

    A child who left care and returns starts a new period (docs/rules.md#review-timescales: the
    first-review rule applies again from the new start date). Refused on or after the 18th
    birthday (DfE rule 352), and on the day the last episode ended: that is continuous care,
    not a new period (DfE rule 431), so the review clock does not restart.
    """
    today = today or timezone.localdate()
    require_not_future(started_on, today=today, field="started_on")
    _refuse_new_period(child, started_on)
    require_iro(iro)
    episode = CareEpisode(
        child=child, started_on=started_on, reason_new_episode=ReasonNewEpisode.S, recorded_by=by, **care
    )
    save_audited(
        episode,
        by=by,
        action=AuditAction.EPISODE_STARTED,
        summary=f"Became looked after on {started_on:%-d %B %Y}",
        changes={name: [None, value] for name, value in field_values(episode, ("started_on", *EPISODE_FIELDS)).items()},
    )
    allocate(child=child, iro=iro, started_on=started_on, reason="Became looked after", by=by)
    # What other apps record when a period of care starts, in this transaction (the step-up of a
    # child on a child protection plan, docs/rules.md#child-protection); children never imports them.
    for path in settings.CARE_PERIOD_STARTED_STEPS:
        import_string(path)(episode=episode, by=by)
    return episode


def _refuse_episode_change(
    child: Child,
    current: CareEpisode,
    *,
    changed_on: date,
    reason_new_episode: str,
    legal_status: str,
    placement_type: str,
) -> None:
    """A change within a period: after the current episode began, before the 18th birthday, and
    with the facts the reason says changed (SSDA903 RNE guidance)."""
    if reason_new_episode not in _RNE_LEGAL_STATUS_CHANGES:
        raise ValidationError({"reason_new_episode": "Choose why the episode changed."})
    if changed_on < current.started_on:
        raise ValidationError(
            {
                "changed_on": f"The current episode started on {current.started_on:%-d %B %Y}; "
                "the change cannot be before it."
            }
        )
    if rules.episode_start_broken(date_of_birth=child.date_of_birth, started_on=changed_on):
        birthday = eighteenth_birthday(child.date_of_birth)
        raise ValidationError(
            {
                "changed_on": f"{called(child)} turned 18 on {birthday:%-d %B %Y} and stopped being looked after "
                "then (a person stops being looked after at 18), so no change can be recorded on or after that "
                f"date. Record that {called(child, start=False)} left care instead, "
                f"on {birthday:%-d %B %Y} at the latest."
            }
        )
    status_changes = legal_status != current.legal_status
    if status_changes != _RNE_LEGAL_STATUS_CHANGES[reason_new_episode]:
        label = ReasonNewEpisode(reason_new_episode).label.lower()
        raise ValidationError(
            {
                "legal_status": f"The reason given is '{label}', but the legal status "
                + ("changed." if status_changes else "is the same as before.")
            }
        )
    if reason_new_episode == "L" and placement_type != current.placement_type:
        raise ValidationError(
            {"placement_type": "For a change of legal status only, the placement must stay the same."}
        )


@transaction.atomic
def episode_change(
    *,
    child: Child,
    by: User,
    changed_on: date,
    reason_new_episode: str,
    today: date | None = None,
    **care: Unpack[CareFacts],
) -> CareEpisode:
    """A change of legal status and/or placement within a period of care: the open episode
    ceases with X1 and a new one begins the same day (SSDA903). ``care`` holds the facts of the
    new episode."""
    today = today or timezone.localdate()
    require_not_future(changed_on, today=today, field="changed_on")
    current = open_episode(child)
    if current is None:
        raise ValidationError("This child is not looked after, so there is no placement to change.")
    _refuse_episode_change(
        child,
        current,
        changed_on=changed_on,
        reason_new_episode=reason_new_episode,
        legal_status=care["legal_status"],
        placement_type=care["placement_type"],
    )
    current.ended_on = changed_on
    current.reason_ceased = ReasonEpisodeCeased.X1
    save_validated(current, by=by)
    episode = CareEpisode(
        child=child, started_on=changed_on, reason_new_episode=reason_new_episode, recorded_by=by, **care
    )
    save_audited(
        episode,
        by=by,
        action=AuditAction.EPISODE_STARTED,
        summary=f"{ReasonNewEpisode(reason_new_episode).label} on {changed_on:%-d %B %Y}",
        changes=diff_fields(field_values(current, EPISODE_FIELDS), field_values(episode, EPISODE_FIELDS)),
    )
    return episode


@transaction.atomic
def care_period_end(
    *, child: Child, by: User, ended_on: date, reason_ceased: str, today: date | None = None
) -> CareEpisode:
    """The child stops being looked after: the episode closes with its reason and the IRO
    allocation ends the same day. Nothing is deleted. Care ends on the 18th birthday at the
    latest (docs/rules.md#review-timescales)."""
    today = today or timezone.localdate()
    require_not_future(ended_on, today=today, field="ended_on")
    if reason_ceased == ReasonEpisodeCeased.X1 or reason_ceased not in ReasonEpisodeCeased.values:
        raise ValidationError({"reason_ceased": "Choose why the child stopped being looked after."})
    current = open_episode(child)
    if current is None:
        raise ValidationError("This child is not looked after.")
    if ended_on < current.started_on:
        raise ValidationError(
            {"ended_on": f"The current episode started on {current.started_on:%-d %B %Y}; care cannot end before it."}
        )
    if rules.episode_end_broken(date_of_birth=child.date_of_birth, ended_on=ended_on):
        birthday = eighteenth_birthday(child.date_of_birth)
        raise ValidationError(
            {
                "ended_on": f"{called(child)} turned 18 on {birthday:%-d %B %Y}, and care ends on the 18th birthday "
                f"at the latest: enter {birthday:%-d %B %Y} or an earlier date."
            }
        )
    current.ended_on = ended_on
    current.reason_ceased = reason_ceased
    save_validated(current, by=by)
    allocation = (
        IROAllocation.objects.looked_after().select_for_update().filter(child=child, ended_on__isnull=True).first()
    )
    if allocation is not None:
        allocation.ended_on = max(ended_on, allocation.started_on)
        allocation.reason = allocation.reason or "Child left care"
        save_validated(allocation, by=by)
    audit_record(
        actor=by,
        action=AuditAction.EPISODE_ENDED,
        child_id=child.pk,
        obj=current,
        summary=f"Left care on {ended_on:%-d %B %Y}: {ReasonEpisodeCeased(reason_ceased).label}",
        changes={"ended_on": [None, ended_on], "reason_ceased": ["", reason_ceased]},
    )
    return current
