"""Accounts, roles and passwords, with separation of duties (docs/data-protection.md).

- An administrator manages accounts (create, deactivate, names, email) but never sets a
  password: they send a reset email, and each person sets and changes their own.
- A role that reads children's records (IRO, IRO manager), and the Administrator role, takes
  effect only when an IRO manager who is neither the requester nor the grantee approves the
  request (``role_grant_request`` then ``role_grant_approve``). The Committee member role reads
  no child and an administrator gives it directly. Removing a role is done directly.
- The server operator (shell access is infrastructure trust) bootstraps roles with
  ``manage.py grant_role`` (``role_grant_bootstrap``); the demo uses the same path.
- Every change writes an AuditEvent with ``child_id`` empty and the user or group as the object.

This module holds the accounts and passwords, and what a role a person holds; the role grants
are ``role_grants.py``, and ``permission_audit.py`` records a change to groups or permissions
made any other way.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import roles
from .audit import audit_record, diff_fields
from .models import AuditAction

#: The account fields an administrator may change. Never ``password``, ``is_superuser``,
#: ``is_staff`` (it follows the Administrator role), ``groups`` or ``user_permissions``.
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active")


# --- reads ---------------------------------------------------------------------------------


def roles_held(user: User) -> list[str]:
    names = set(User.groups.through.objects.filter(user=user).values_list("group__name", flat=True))
    return [role for role in roles.ROLE_ORDER if role in names]


def holds_role(user: User, role: str) -> bool:
    return User.groups.through.objects.filter(user=user, group__name=role).exists()


def is_privileged(user: User) -> bool:
    """A superuser, or someone holding a role that needs a second person's approval."""
    return (
        user.is_superuser
        or User.groups.through.objects.filter(user=user, group__name__in=roles.APPROVAL_ROLES).exists()
    )


def email_change_refusal(*, user: User, by: User) -> str:
    """Why ``by`` may not change ``user``'s email address, or "" if they may.

    The email address is where password resets go: if an administrator could change the
    address of a manager and then send a reset, they could sign in as the manager.
    """
    if user.pk is None or by.pk == user.pk or not is_privileged(user):
        return ""
    held = ", ".join(roles_held(user)) or "superuser"
    return (
        f"This account holds the {held} role, and password resets go to its email address, so an "
        "administrator cannot change it. Remove the role first (giving it back needs a manager's "
        "approval), or ask the server operator."
    )


# --- accounts --------------------------------------------------------------------------------


def _account_values(user: User) -> dict:
    return {name: getattr(user, name) for name in ACCOUNT_FIELDS}


@transaction.atomic
def user_create(*, user: User, by: User, domain: str, use_https: bool = True) -> User:
    """Create ``user`` (an unsaved User with the account fields set) with no usable password,
    and email them a link to set one. They hold no role until one is granted."""
    if not by.has_perm("auth.add_user"):
        raise PermissionDenied("You cannot create accounts.")
    if not user.email:
        raise ValidationError({"email": "Enter an email address: the link to set a password is sent there."})
    user.is_superuser = False
    user.is_staff = False
    user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(
        actor=by,
        action=AuditAction.USER_CREATED,
        child_id=None,
        obj=user,
        summary=f"Account {user.username} created",
        changes=diff_fields({}, _account_values(user)),
    )
    password_reset_send(user=user, by=by, domain=domain, use_https=use_https, new_account=True)
    return user


@transaction.atomic
def user_change(*, user: User, by: User) -> User:
    """Save the account fields an administrator may change from ``user`` (an edited instance).

    Anything else set on the instance (password, superuser, staff status) is not saved.
    """
    if not by.has_perm("auth.change_user"):
        raise PermissionDenied("You cannot change accounts.")
    saved = User.objects.select_for_update().get(pk=user.pk)
    changes = diff_fields(_account_values(saved), _account_values(user))
    if not changes:
        return saved
    if "email" in changes and (refusal := email_change_refusal(user=saved, by=by)):
        raise ValidationError({"email": refusal})
    for name in changes:
        setattr(saved, name, getattr(user, name))
    saved.full_clean()
    saved.save(update_fields=list(changes))
    if changes.get("is_active") == [True, False]:
        summary = f"Account {saved.username} deactivated"
    elif changes.get("is_active") == [False, True]:
        summary = f"Account {saved.username} reactivated"
    else:
        summary = f"Account {saved.username} changed: {', '.join(changes)}"
    audit_record(actor=by, action=AuditAction.USER_CHANGED, child_id=None, obj=saved, summary=summary, changes=changes)
    return saved


@transaction.atomic
def account_detail_save(
    *, instance: models.Model, user: User, by: User, fields: tuple[str, ...], label: str
) -> models.Model:
    """Save a record that belongs to an account (an IRO's profile: FTE and team) and audit
    what changed as a change to that account."""
    if not by.has_perm("auth.change_user"):
        raise PermissionDenied("You cannot change accounts.")
    model = type(instance)
    before = model.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance.full_clean()
    instance.save()
    changes = diff_fields(
        {f"{label} {name}": getattr(before, name) for name in fields} if before else {},
        {f"{label} {name}": getattr(instance, name) for name in fields},
    )
    if changes:
        audit_record(
            actor=by,
            action=AuditAction.USER_CHANGED,
            child_id=None,
            obj=user,
            summary=f"Account {user.username}: {label} {'changed' if before else 'added'}",
            changes=changes,
        )
    return instance


# --- passwords -------------------------------------------------------------------------------


@transaction.atomic
def password_change(*, user: User, by: User | None, new_password: str, via: str) -> User:
    """Set ``user``'s password. Only the account holder does this (after signing in, or with a
    reset link sent to their email): nobody sets another person's password."""
    if by is None or by.pk != user.pk:
        raise PermissionDenied("Only the account holder sets their password: send them a reset email instead.")
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(
        actor=user, action=AuditAction.PASSWORD_CHANGED, child_id=None, obj=user, summary=f"Password changed ({via})"
    )
    return user


@transaction.atomic
def password_reset_send(
    *, user: User, by: User, domain: str, use_https: bool = True, new_account: bool = False
) -> None:
    """Email ``user`` a single-use link to set their password (Django's reset tokens).

    ``by`` is the administrator who sent it, or None when the person asked for it themselves
    on the "forgotten your password" page.
    """
    if by is not None and by.pk != user.pk and not by.has_perm("auth.change_user"):
        raise PermissionDenied("You cannot send password resets.")
    if not user.is_active:
        raise ValidationError(f"{user.username}'s account is deactivated: reactivate it before sending a reset.")
    if not user.email:
        raise ValidationError(f"{user.username} has no email address to send a reset to.")
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": settings.SERVICE_NAME,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
        "new_account": new_account,
        "valid_for_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
    }
    audit_record(
        actor=by,
        action=AuditAction.PASSWORD_RESET_SENT,
        child_id=None,
        obj=user,
        summary="Email to set a password sent (new account)" if new_account else "Password reset email sent",
    )
    PasswordResetForm().send_mail(
        "registration/password_reset_subject.txt",
        "registration/password_reset_email.txt",
        context,
        None,
        user.email,
    )
