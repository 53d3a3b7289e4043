"""What the review pages have in common: sign-in, one permission (403 without it), and the
audit event of what the page showed."""

from __future__ import annotations

from iro_service.audit import audited
from iro_service.models import AuditAction
from iro_service.page_access import permission_page

CHAIR = "reviews.chair_review"
CASELOAD = "children.view_caseload"


def page(permission: str, *, child=None, summary: str = "", form: bool = False):
    """A page for users with ``permission``, audited against the child that ``child``
    (``child_in_url``, ``object_in_url``) finds as ``summary``, or as a listing without ``child``;
    a ``form`` page takes GET or POST only."""

    def decorate(view):
        view = permission_page(permission, methods=["GET", "POST"] if form else ())(view)
        return (audited(child=child, summary=summary) if child else audited(action=AuditAction.LISTED))(view)

    return decorate


def chair_form_page(summary: str, *, child):
    """A form page for chairs (``reviews.chair_review``)."""
    return page(CHAIR, child=child, summary=summary, form=True)
