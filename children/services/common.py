"""What the children services share: the fields they record, how a message names the child, and
the checks several of them start with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

from iro_service import roles

from ..models import CareEpisode, Child

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Fields of the child a manager may edit through ``child_update``.
CHILD_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "upn",
    "is_uasc",
    "is_mother",
    "mother_child_dob",
    "previous_permanence",
    "previous_permanence_la",
    "previous_permanence_date",
    "sibling_group",
    "local_reference",
)

#: Facts of a placement and legal status that an episode records.
EPISODE_FIELDS = (
    "legal_status",
    "placement_type",
    "placement_provider",
    "category_of_need",
    "placement_postcode",
    "home_postcode",
    "distance_from_home_miles",
)


def field_values(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def require_iro(user: User) -> None:
    if not (user.is_active and user.groups.filter(name=roles.IRO).exists()):
        raise ValidationError({"iro": f"{user.get_full_name() or user.username} is not an active IRO."})


def called(child: Child, *, start: bool = True) -> str:
    """How a message names the child: their first name, or "the child" before a name is entered
    (children imported from SSDA903); ``start`` capitalises it to begin a sentence."""
    if not child.name_to_be_entered:
        return child.first_name
    return "The child" if start else "the child"


def open_episode(child: Child) -> CareEpisode | None:
    """The child's open episode, locked for the rest of the transaction."""
    return CareEpisode.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
