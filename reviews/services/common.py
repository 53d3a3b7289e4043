"""Checks shared by the review services."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from children.models import CareEpisode, Child


def require_can_chair(child: Child, user, *, on: date | None = None) -> None:
    """Only an IRO who holds or covers the child may book or record their reviews."""
    if not (
        user.has_perm("reviews.chair_review") and Child.objects.visible_to(user, on=on).filter(pk=child.pk).exists()
    ):
        raise PermissionDenied("You can only record reviews for children you hold or cover.")


def period_start_on(child: Child, day: date) -> date:
    """The start of the period of care that includes ``day``.

    Refuses a date before the child first became looked after or outside every care episode
    (IRO-RULES.md section 2: reviews are of a child who is looked after).
    """
    episodes = CareEpisode.objects.filter(child=child)
    first = episodes.order_by("started_on").values_list("started_on", flat=True).first()
    if first is None or day < first:
        since = f" on {first:%-d %B %Y}" if first else ""
        raise ValidationError({"held_on": f"The review date is before {child.first_name} became looked after{since}."})
    if not episodes.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day).exists():
        raise ValidationError({"held_on": f"{child.first_name} was not looked after on that date."})
    return (
        episodes.filter(reason_new_episode="S", started_on__lte=day)
        .order_by("-started_on")
        .values_list("started_on", flat=True)
        .first()
    )


def require_not_future(day: date, *, today: date, field: str, what: str) -> None:
    if day > today:
        raise ValidationError({field: f"{what} cannot be in the future."})
