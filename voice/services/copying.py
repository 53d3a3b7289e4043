"""Copying a consultation answer into the booked review's record (docs/rules.md#the-childs-voice).

The answers that are not private go, as plain text, at the end of the review's wishes and
feelings (the child's answers) or its discussion (the adults'), through
``reviews.services.review_notes_append``, which audits the change to the review and checks its
version. The answer is then marked copied, once: a second copy is refused."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.models import AuditAction
from iro_service.services import save_audited
from reviews.services import review_notes_append

from ..codes import Purpose
from ..models import VoiceResponse
from ..selectors import copy_field, plain_text
from .links import require_chair

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AlreadyCopied(ValidationError):
    """The answer was copied into the review record before."""


@transaction.atomic
def response_copy_to_review(
    *, response: VoiceResponse, by: User, expected_version: int, now: datetime | None = None
) -> VoiceResponse:
    """Copy ``response`` into its booked review's record and mark it copied. Raises
    ``AlreadyCopied`` the second time, ``ValidationError`` for feedback or a review no longer
    booked, ``StaleEditError`` when the review changed since ``expected_version`` was read."""
    require_chair(response.child, by)
    response = (
        VoiceResponse.objects.select_for_update(of=("self",))
        .select_related("review", "link", "child")
        .get(pk=response.pk)
    )
    if response.copied_at is not None:
        when = timezone.localtime(response.copied_at)
        raise AlreadyCopied(f"These answers were copied into the review record on {when:%-d %B %Y}.")
    if response.purpose != Purpose.CONSULTATION:
        raise ValidationError("Only answers given before a review are copied into its record.")
    review_notes_append(
        review=response.review,
        by=by,
        field=copy_field(response),
        text=plain_text(response),
        expected_version=expected_version,
    )
    response.copied_at = now or timezone.now()
    return save_audited(
        response,
        by=by,
        action=AuditAction.UPDATED,
        summary=f"{response.get_form_kind_display()} answer copied into the review record",
        update_fields=["copied_at", "updated_at"],
    )
