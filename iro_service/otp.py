"""Two-factor sign-in with an authenticator app (TOTP, django-otp).

After the password, a person who has set up an app enters the 6-digit code it shows. When
``OTP_REQUIRED_FOR_PRIVILEGED`` is on (production's default), IRO managers, administrators and
staff who have not set one up are held on the set-up page until they have.

What is still owed is decided once, at sign-in (``second_factor_needed``), and kept in the
session under ``SECOND_FACTOR_SESSION_KEY``: "verify", "enrol" or "" (nothing owed). The
``SecondFactorMiddleware`` reads only that key, so a signed-in request costs no extra query.
"""

from __future__ import annotations

import time
from binascii import unhexlify
from dataclasses import dataclass
from typing import TYPE_CHECKING

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from . import roles
from .audit import audit_record
from .models import AuditAction

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SECOND_FACTOR_SESSION_KEY = "iro_second_factor"
VERIFY = "verify"
ENROL = "enrol"
#: The secret shown on the set-up page, kept in the session until a code from it is confirmed.
PENDING_KEY_SESSION_KEY = "iro_totp_pending_key"
DEVICE_NAME = "Authenticator app"


def is_privileged(user: User) -> bool:
    """IRO managers and administrators (and any staff or superuser) can do the most damage."""
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=[roles.IRO_MANAGER, roles.ADMINISTRATOR]).exists()


def second_factor_needed(user: User, *, single_sign_on: bool = False) -> str:
    """What ``user`` still owes after their password: VERIFY, ENROL or "" (nothing)."""
    if single_sign_on and settings.OIDC_SATISFIES_SECOND_FACTOR:
        return ""
    if user_has_device(user):
        return VERIFY
    if settings.OTP_REQUIRED_FOR_PRIVILEGED and is_privileged(user):
        return ENROL
    return ""


def totp_device_of(user: User) -> TOTPDevice | None:
    return next((d for d in devices_for_user(user) if isinstance(d, TOTPDevice)), None)


# --- Setting up ----------------------------------------------------------------------------------


def pending_key(session) -> str:
    """The secret offered on the set-up page: the same one until it is confirmed."""
    if PENDING_KEY_SESSION_KEY not in session:
        session[PENDING_KEY_SESSION_KEY] = default_key()
    return session[PENDING_KEY_SESSION_KEY]


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, to type into the app
    qr_svg: str  # inline SVG of the otpauth:// URL


def enrolment_for(user: User, key: str) -> Enrolment:
    device = TOTPDevice(user=user, key=key, name=DEVICE_NAME)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code to set up two-factor sign-in in your authenticator app"
    )
    svg = svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)
    return Enrolment(secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)), qr_svg=svg)


def _code_matches(key: str, code: str) -> int | None:
    """The time step at which ``code`` is valid for ``key`` (allowing one step of clock drift)."""
    if not code.isdigit():
        return None
    totp = TOTP(unhexlify(key.encode()), step=30, digits=6)
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def second_factor_enrol(*, user: User, key: str, code: str, request=None) -> TOTPDevice | None:
    """Set up ``user``'s authenticator app from the secret they were shown, once they have typed
    a code from it; any app set up before is replaced. Returns None (nothing written) when the
    code does not match."""
    step = _code_matches(key, code)
    if step is None:
        return None
    replaced, _ = TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=step, last_used_at=timezone.now()
    )
    audit_record(
        actor=user,
        action=AuditAction.SECOND_FACTOR,
        child_id=None,
        obj=user,
        summary="Two-factor sign-in set up" + (" (replacing the previous app)" if replaced else ""),
        changes={"username": user.get_username(), "device": DEVICE_NAME, "replaced": bool(replaced)},
        path=getattr(request, "path", ""),
    )
    return device


# --- Entering a code -----------------------------------------------------------------------------


def seconds_until_allowed(device: TOTPDevice) -> int:
    """0 when a code may be tried now; otherwise how long django-otp's throttle still holds."""
    allowed, info = device.verify_is_allowed()
    if allowed or not info or "locked_until" not in info:
        return 0
    return max(1, int((info["locked_until"] - timezone.now()).total_seconds()) + 1)


def second_factor_passed(request, device: TOTPDevice) -> None:
    """Mark the session as having passed its second factor."""
    otp_login(request, device)
    request.session[SECOND_FACTOR_SESSION_KEY] = ""
    request.session.pop(PENDING_KEY_SESSION_KEY, None)


def second_factor_verify(*, request, user: User, code: str) -> bool:
    """Check a code from ``user``'s app; on success the session has passed its second factor.
    Both outcomes are audited (a wrong code is a failed sign-in)."""
    from .signin import client_address

    device = totp_device_of(user)
    verified = verify_token(user, device.persistent_id, code.strip()) if device is not None else None
    changes = {"username": user.get_username(), "address": client_address(request), "step": "security code"}
    passed = verified is not None
    if passed:
        second_factor_passed(request, verified)
    audit_record(
        actor=user if passed else None,
        action=AuditAction.SIGNED_IN if passed else AuditAction.SIGN_IN_FAILED,
        child_id=None,
        obj=user,
        summary="Signed in: security code accepted" if passed else "Sign-in failed: wrong security code",
        changes=changes,
        path=request.path,
    )
    return passed
