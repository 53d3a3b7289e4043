"""The access a page starts with: sign-in, then one permission (403 without it), and the HTTP
methods it takes. Views put their audit decorator (``iro_service.audit``) above it."""

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_http_methods


def permission_page(permission: str, *, methods: Sequence[str] = ()) -> Callable[[Any], Any]:
    """Sign in, then ``permission`` or 403; with ``methods`` (``["POST"]``), any other method gets 405."""

    def decorate(view):
        if methods:
            view = require_http_methods(list(methods))(view)
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorate


class DeniedWithPage(PermissionDenied):
    """A 403 that says why on its own GOV.UK page (``template_name``), drawn by the 403 handler
    (``iro_service.views.permission_denied``) with no context: the page names no record."""

    template_name = "403.html"
