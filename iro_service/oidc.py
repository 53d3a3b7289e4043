"""Single sign-on through OpenID Connect (e.g. the council's Microsoft Entra ID).

The identity provider says who someone is; what they may do is still decided here. A sign-in
is matched by email address to an existing, active account, whose roles an administrator
granted in this system. When ``OIDC_CREATE_USER`` is on, someone with no account yet gets one
with no role, no staff status and no usable password, and sees "Your account has no role yet"
until a role is granted here. Nothing the identity provider sends (groups, app roles) grants a
role. Turned on by setting ``OIDC_RP_CLIENT_ID`` (docs/authentication.md).
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db.models import Q
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

log = logging.getLogger(__name__)


def _email(claims: dict) -> str:
    return (claims.get("email") or "").strip()


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        return bool(_email(claims)) and super().verify_claims(claims)

    def filter_users_by_claims(self, claims):
        """The active account with this email address (none if there is no email)."""
        email = _email(claims)
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):
        """An account with no role, not staff, no usable password. Refused (None) when any
        account, even an inactive one, already has this email: a deactivated person must not
        come back through single sign-on with a fresh account."""
        email = _email(claims)
        username = self.get_username(claims)
        User = get_user_model()
        if not email or User.objects.filter(Q(email__iexact=email) | Q(username=username)).exists():
            log.warning("Single sign-on refused: an inactive account already has this email address.")
            return None
        user = User(
            username=username,
            email=email,
            first_name=(claims.get("given_name") or "")[:150],
            last_name=(claims.get("family_name") or "")[:150],
            is_staff=False,
            is_superuser=False,
        )
        user.set_unusable_password()
        user.save()
        return user

    def get_username(self, claims) -> str:
        """The email address, so that administrators recognise the new account."""
        return _email(claims).lower()[:150]

    def update_user(self, user, claims):
        """Claims never change roles, staff status or permissions."""
        return user
