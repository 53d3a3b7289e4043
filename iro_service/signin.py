"""Signing in: the lockout after failed sign-ins (django-axes) and the audit of every sign-in.

Infrastructure, not domain: the receivers below are connected in ``IroServiceConfig.ready`` to
Django's ``user_logged_in``, ``user_logged_out`` and ``user_login_failed`` signals and to axes'
``user_locked_out``, so that every way in (the sign-in page, the admin's sign-in page, single
sign-on, the test client) is audited and starts its session in the same way.
Passwords are never recorded: only the username that was tried and the client's address.
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_ip_address,
    get_client_username,
    get_cool_off,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.models import AccessBase
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from .audit import audit_record
from .models import AuditAction, AuditEvent
from .otp import SECOND_FACTOR_SESSION_KEY, second_factor_needed

USERNAME_KEPT = 150  # the longest username Django accepts; anything longer is cut in the trail


# --- Lockout -------------------------------------------------------------------------------------


def lockout_parameters(request_or_attempt, credentials=None) -> list[list[str]]:
    """Count failures for the username tried and, separately, for the client's address.

    A sign-in with no username (single sign-on) is counted by address only, so that all such
    failures do not share one "no username" account and lock out everyone's single sign-on.
    """
    if isinstance(request_or_attempt, AccessBase):
        username = request_or_attempt.username
    else:
        username = get_client_username(request_or_attempt, credentials)
    return [["username"], ["ip_address"]] if username else [["ip_address"]]


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit for each thing counted.

    Axes compares the largest failure count with one limit (``AXES_FAILURE_LIMIT``, here the
    limit for one username). An address gets its own, higher limit
    (``SIGN_IN_ADDRESS_FAILURE_LIMIT``: everyone in a council office shares one address), so
    its count is reported scaled to the username limit: it reaches that limit exactly when the
    address reaches its own.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        scaled = []
        for counted, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            own_limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT if list(counted) == ["ip_address"] else limit
            scaled.append(failures * limit // own_limit)
        return max(scaled, default=0)


def lockout_minutes() -> int:
    return int(get_cool_off().total_seconds() // 60)


def lockout_message() -> str:
    minutes = lockout_minutes()
    return (
        "There have been too many failed attempts to sign in to this account or from your network. "
        f"Wait {minutes} minutes, then try again. If you need to sign in sooner, "
        "ask your IRO service administrator to unlock your account."
    )


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page with the lockout message in its error summary (axes' AXES_LOCKOUT_CALLABLE).

    The form is unbound, so showing it authenticates nothing and counts no further attempt.
    """
    from .forms import LoginForm

    form = LoginForm(request, initial={"username": get_client_username(request, credentials) or ""})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "lockout_errors": [(f"#{form['username'].auto_id}", lockout_message())],
            "next": request.POST.get("next", ""),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


# --- Receivers -----------------------------------------------------------------------------------


def client_address(request) -> str | None:
    """The client's address as axes reads it (settings CLIENT_IP_*)."""
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request)


def _path(request) -> str:
    return getattr(request, "path", "") or ""


def on_signed_in(sender, request, user, **kwargs):
    """Start the session's clocks, note whether a second factor is still owed, and audit."""
    from .middleware import session_clock_start

    session = getattr(request, "session", None)
    backend = session.get(BACKEND_SESSION_KEY, "") if session is not None else ""
    single_sign_on = backend == "iro_service.oidc.CouncilOIDCBackend"
    owed = second_factor_needed(user, single_sign_on=single_sign_on)
    if session is not None:
        session_clock_start(session)
        session[SECOND_FACTOR_SESSION_KEY] = owed
    summary = {
        "verify": "Signed in: password accepted, security code still to be entered",
        "enrol": "Signed in: password accepted, two-factor sign-in still to be set up",
    }.get(owed, "Signed in")
    audit_record(
        actor=user,
        action=AuditAction.SIGNED_IN,
        child_id=None,
        obj=user,
        summary=summary,
        changes={
            "username": user.get_username(),
            "address": client_address(request),
            "method": "single sign-on" if single_sign_on else "password",
        },
        path=_path(request),
    )


def on_signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "signed_out_because", "signed out")
    audit_record(
        actor=user,
        action=AuditAction.SIGNED_OUT,
        child_id=None,
        obj=user,
        summary=f"Signed out ({reason})",
        changes={"username": user.get_username(), "address": client_address(request), "reason": reason},
        path=_path(request),
    )


def _audit_refused(request, *, action: str, username: str, address: str | None, summary: str) -> None:
    """A refused sign-in, about the account the username names (if any): nobody is signed in."""
    account = get_user_model().objects.filter(username=username).first() if username else None
    audit_record(
        actor=None,
        action=action,
        child_id=None,
        obj=account,
        summary=summary,
        changes={"username": username, "address": address},
        path=_path(request),
    )


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    username = (credentials.get("username") or "")[:USERNAME_KEPT] if credentials else ""
    locked = ": locked after repeated failures" if getattr(request, "axes_locked_out", False) else ""
    _audit_refused(
        request,
        action=AuditAction.SIGN_IN_FAILED,
        username=username,
        address=client_address(request),
        summary=f"Sign-in failed{locked}",
    )


def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    """One LOCKED_OUT event when a lockout starts, and again each cool-off period while attempts
    go on (axes signals on every refused attempt; each is also audited as a failed sign-in)."""
    username = (username or "")[:USERNAME_KEPT]
    since = timezone.now() - (get_cool_off(request) or timedelta(0))
    already = AuditEvent.objects.filter(
        action=AuditAction.LOCKED_OUT,
        occurred_at__gte=since,
        changes__username=username,
        changes__address=ip_address,
    ).exists()
    if already:
        return
    _audit_refused(
        request,
        action=AuditAction.LOCKED_OUT,
        username=username,
        address=ip_address,
        summary=f"Sign-in locked for {lockout_minutes()} minutes after repeated failures",
    )


def connect_receivers() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(on_signed_in, dispatch_uid="iro_service.signin.signed_in")
    user_logged_out.connect(on_signed_out, dispatch_uid="iro_service.signin.signed_out")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="iro_service.signin.sign_in_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="iro_service.signin.locked_out")
