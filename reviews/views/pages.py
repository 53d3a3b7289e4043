"""What the review pages have in common: sign-in, one permission (403 without it), and the
audit event of what the page showed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.views.decorators.http import require_http_methods

from iro_service.audit import audited
from iro_service.models import AuditAction

CHAIR = "reviews.chair_review"
CASELOAD = "children.view_caseload"


def page(permission: str, *, child=None, summary: str = "", form: bool = False):
    """A page for users with ``permission``, audited against the child that ``child``
    (``child_in_url``, ``object_in_url``) finds as ``summary``, or as a listing without ``child``;
    a ``form`` page takes GET or POST only."""

    def decorate(view):
        if form:
            view = require_http_methods(["GET", "POST"])(view)
        view = login_required(permission_required(permission, raise_exception=True)(view))
        return (audited(child=child, summary=summary) if child else audited(action=AuditAction.LISTED))(view)

    return decorate


def chair_form_page(summary: str, *, child):
    """A form page for chairs (``reviews.chair_review``)."""
    return page(CHAIR, child=child, summary=summary, form=True)
