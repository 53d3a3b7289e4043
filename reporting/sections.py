"""What the reporting app adds to the pages of the apps below it, which never import
``reporting``: the link from the reviews not held on the deadlines pages to the records behind
that figure (``NOT_HELD_REVIEWS_URL``, docs/rules.md#annual-report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.http import urlencode

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def not_held_reviews_url(*, user: User, year_label: str) -> str:
    """The records page listing the reviews not held in the reporting year ``year_label``, or
    ``""`` for a user who may not see it (the records page is for managers)."""
    if not user.has_perm("reporting.view_service_dashboard"):
        return ""
    return f"{reverse('reporting:records')}?{urlencode({'kind': 'not_held', 'year': year_label})}"
