"""What every page an IRO fills in as chair has in common."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.views.decorators.http import require_http_methods

from iro_service.audit import audited

CHAIR = "reviews.chair_review"


def chair_form_page(summary: str, *, child):
    """A form page for chairs (``reviews.chair_review``), GET or POST, audited as ``summary``
    against the child that ``child`` (``child_in_url``, ``object_in_url``) finds."""

    def decorate(view):
        view = permission_required(CHAIR, raise_exception=True)(require_http_methods(["GET", "POST"])(view))
        return audited(child=child, summary=summary)(login_required(view))

    return decorate
