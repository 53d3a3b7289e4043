"""Middleware: no caching of pages with children's data, security headers, session time limits and the second factor."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect, resolve_url
from django.urls import reverse


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


# --- Authentication: session time limits and the second factor -------------------------------------

SIGNED_IN_AT = "iro_signed_in_at"
LAST_SEEN_AT = "iro_last_seen_at"
#: Activity is written to the session at most once a minute, not on every request.
LAST_SEEN_RESOLUTION = 60


def session_clock_start(session) -> None:
    """Called at sign-in: the absolute and the idle clock both start now."""
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now


def _minutes(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


#: The ``signed-out`` value the sign-out view sends, when the person chose to sign out.
SIGNED_OUT_BY_CHOICE = "you"


def signed_out_notice(reason: str) -> str:
    """The sentence the sign-in page shows after the person signed out, or after the middleware
    below signed them out."""
    if reason == SIGNED_OUT_BY_CHOICE:
        return "You have been signed out."
    if reason == "idle":
        return f"You were signed out after {_minutes(settings.SESSION_IDLE_TIMEOUT)} without activity."
    if reason == "expired":
        return f"You were signed out because you signed in more than {_minutes(settings.SESSION_COOKIE_AGE)} ago."
    return ""


class SessionTimeoutMiddleware:
    """Signs a session out after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and
    ``SESSION_COOKIE_AGE`` seconds after signing in however active it has been; the sign-in page
    then says why. Activity is recorded in the session at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)  # a session from before this check
            last_seen_at = session.setdefault(LAST_SEEN_AT, now)
            reason = ""
            if now - signed_in_at >= settings.SESSION_COOKIE_AGE:
                reason = "expired"
            elif now - last_seen_at >= settings.SESSION_IDLE_TIMEOUT:
                reason = "idle"
            if reason:
                return self._sign_out(request, reason)
            if now - last_seen_at >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request, reason: str):
        request.signed_out_because = "idle timeout" if reason == "idle" else "session time limit"
        logout(request)
        query = {"signed-out": reason}
        if request.method == "GET":
            query["next"] = request.get_full_path()
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode(query)}")


class SecondFactorMiddleware:
    """Holds a signed-in session that still owes its second factor (iro_service/otp.py) on the
    page where it is entered or set up: every other URL, the admin included, redirects there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            from .otp import ENROL, SECOND_FACTOR_SESSION_KEY, second_factor_needed

            if SECOND_FACTOR_SESSION_KEY not in session:  # a session from before two-factor sign-in
                session[SECOND_FACTOR_SESSION_KEY] = second_factor_needed(request.user)
            owed = session[SECOND_FACTOR_SESSION_KEY]
            if owed:
                target = reverse("two_factor_setup" if owed == ENROL else "two_factor_verify")
                open_paths = {target, reverse("logout"), reverse("accessibility")}
                if request.path not in open_paths:
                    query = f"?{urlencode({'next': request.get_full_path()})}" if request.method == "GET" else ""
                    return redirect(target + query)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Permissions-Policy on every response: the service uses no camera, microphone,
    location, payment or USB device and takes part in no interest-based advertising, so a
    page (or a script injected into one) may ask for none of them. The Content-Security-Policy
    comes from django-csp (settings ``CONTENT_SECURITY_POLICY``); X-Frame-Options, HSTS,
    nosniff and Cross-Origin-Opener-Policy from Django's own middleware."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response
