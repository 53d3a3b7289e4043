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
  ``audit_permission_change`` is infrastructure: an ``m2m_changed`` receiver that records a
  change to anyone's groups or permissions, or a group's permissions, made any other way.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import roles
from .audit import audit_record, diff_fields
from .models import AuditAction, RoleGrant, RoleGrantRoute, RoleGrantStatus, RoleName

User = get_user_model()

#: The account fields an administrator may change. Never ``password``, ``is_superuser``,
#: ``is_staff`` (it follows the Administrator role), ``groups`` or ``user_permissions``.
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active")


# --- reads ---------------------------------------------------------------------------------


def roles_held(user) -> list[str]:
    names = set(User.groups.through.objects.filter(user=user).values_list("group__name", flat=True))
    return [role for role in roles.ROLE_ORDER if role in names]


def holds_role(user, role: str) -> bool:
    return User.groups.through.objects.filter(user=user, group__name=role).exists()


def is_privileged(user) -> bool:
    """A superuser, or someone holding a role that needs a second person's approval."""
    return (
        user.is_superuser
        or User.groups.through.objects.filter(user=user, group__name__in=roles.APPROVAL_ROLES).exists()
    )


def email_change_refusal(*, user, by) -> str:
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


def approver_refusal(*, grant: RoleGrant, by) -> str:
    """Why ``by`` may not approve ``grant``, or "" if they may (the same rule as the service)."""
    if not (by.is_active and holds_role(by, roles.APPROVER_ROLE) and by.has_perm("iro_service.approve_role_grant")):
        return "Only an IRO manager can approve a role request."
    if by.pk == grant.user_id:
        return "You cannot approve a role for yourself: another manager must decide."
    if by.pk == grant.requested_by_id:
        return "You asked for this role: another manager must decide."
    return ""


# --- accounts --------------------------------------------------------------------------------


def _account_values(user) -> dict:
    return {name: getattr(user, name) for name in ACCOUNT_FIELDS}


@transaction.atomic
def user_create(*, user, by, domain: str, use_https: bool = True):
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
def user_change(*, user, by):
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
def account_detail_save(*, instance: models.Model, user, by, fields: tuple[str, ...], label: str) -> models.Model:
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
def password_change(*, user, by, new_password: str, via: str):
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
def password_reset_send(*, user, by, domain: str, use_https: bool = True, new_account: bool = False) -> None:
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


# --- roles -----------------------------------------------------------------------------------


def _add_role(user, role: str) -> None:
    User.groups.through.objects.get_or_create(user=user, group=Group.objects.get(name=role))
    if role == roles.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True  # the Django admin is the administrator's workplace
        user.save(update_fields=["is_staff"])


def _remove_role(user, role: str) -> None:
    User.groups.through.objects.filter(user=user, group__name=role).delete()
    if role == roles.ADMINISTRATOR and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])


def _check_role_can_be_given(*, user, role: str) -> None:
    if role not in RoleName.values:
        raise ValidationError({"role": f"{role!r} is not a role. Choose one of: {', '.join(RoleName.values)}."})
    if not user.is_active:
        raise ValidationError({"user": f"{user.username}'s account is deactivated."})
    if holds_role(user, role):
        raise ValidationError({"role": f"{user.username} already holds the {role} role."})
    if RoleGrant.objects.pending().filter(user=user, role=role).exists():
        raise ValidationError({"role": f"The {role} role for {user.username} is already waiting for a manager."})


def role_grant_check_request(*, user, role: str, by) -> None:
    """Raise PermissionDenied or ValidationError if ``by`` cannot ask for ``role`` for ``user``."""
    if not by.has_perm("iro_service.request_role_grant"):
        raise PermissionDenied("You cannot ask for roles.")
    _check_role_can_be_given(user=user, role=role)


@transaction.atomic
def role_grant_request(*, user, role: str, by, reason: str = "") -> RoleGrant:
    """Ask for ``user`` to hold ``role``. The Committee member role is given at once; any
    other role waits for an IRO manager who is neither ``by`` nor ``user`` to approve it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    role_grant_check_request(user=user, role=role, by=by)
    now = timezone.now()
    if role in roles.DIRECT_ROLES:
        grant = RoleGrant(
            user=user,
            role=role,
            status=RoleGrantStatus.APPROVED,
            route=RoleGrantRoute.DIRECT,
            reason=reason,
            requested_by=by,
            requested_at=now,
            decided_by=by,
            decided_at=now,
        )
        grant.full_clean()
        grant.save()
        _add_role(user, role)
        audit_record(
            actor=by,
            action=AuditAction.ROLE_GRANTED,
            child_id=None,
            obj=user,
            summary=f"{role} role given to {user.username} directly (it reads no child's record)",
            changes={"role": role, "grant": grant.pk, "reason": reason},
        )
        return grant
    grant = RoleGrant(user=user, role=role, reason=reason, requested_by=by, requested_at=now)
    grant.full_clean()
    grant.save()
    audit_record(
        actor=by,
        action=AuditAction.ROLE_GRANT_REQUESTED,
        child_id=None,
        obj=user,
        summary=f"{role} role requested for {user.username}: waiting for a manager's approval",
        changes={"role": role, "grant": grant.pk, "reason": reason},
    )
    return grant


def _pending_for_decision(grant: RoleGrant) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update(of=("self",)).select_related("user", "requested_by").get(pk=grant.pk)
    if grant.status != RoleGrantStatus.PENDING:
        raise ValidationError(f"This request has already been {grant.get_status_display().lower()}.")
    return grant


@transaction.atomic
def role_grant_approve(*, grant: RoleGrant, by, note: str = "") -> RoleGrant:
    """An IRO manager other than the requester and the grantee approves: the role takes effect."""
    grant = _pending_for_decision(grant)
    if refusal := approver_refusal(grant=grant, by=by):
        raise PermissionDenied(refusal)
    if not grant.user.is_active:
        raise ValidationError(f"{grant.user.username}'s account is deactivated.")
    if holds_role(grant.user, grant.role):
        raise ValidationError(f"{grant.user.username} already holds the {grant.role} role.")
    grant.status = RoleGrantStatus.APPROVED
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.decision_note = note
    grant.full_clean()
    grant.save()
    _add_role(grant.user, grant.role)
    audit_record(
        actor=by,
        action=AuditAction.ROLE_GRANTED,
        child_id=None,
        obj=grant.user,
        summary=f"{grant.role} role given to {grant.user.username}, approved by {by.username}",
        changes={
            "role": grant.role,
            "grant": grant.pk,
            "requested_by": grant.requested_by.username,
            "approved_by": by.username,
            "note": note,
        },
    )
    return grant


@transaction.atomic
def role_grant_refuse(*, grant: RoleGrant, by, note: str = "") -> RoleGrant:
    """An IRO manager refuses a pending request: nothing changes for the user."""
    grant = _pending_for_decision(grant)
    if not (by.is_active and holds_role(by, roles.APPROVER_ROLE) and by.has_perm("iro_service.approve_role_grant")):
        raise PermissionDenied("Only an IRO manager can refuse a role request.")
    grant.status = RoleGrantStatus.REFUSED
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.decision_note = note
    grant.full_clean()
    grant.save()
    audit_record(
        actor=by,
        action=AuditAction.ROLE_GRANT_REFUSED,
        child_id=None,
        obj=grant.user,
        summary=f"{grant.role} role for {grant.user.username} refused by {by.username}",
        changes={"role": grant.role, "grant": grant.pk, "note": note},
    )
    return grant


@transaction.atomic
def role_revoke(*, user, role: str, by, reason: str = ""):
    """Remove a role (removing access needs no second person). Administrators and managers."""
    if not by.has_perm("iro_service.revoke_role"):
        raise PermissionDenied("You cannot remove roles.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not holds_role(user, role):
        raise ValidationError(f"{user.username} does not hold the {role} role.")
    _remove_role(user, role)
    now = timezone.now()
    grant_ids = list(RoleGrant.objects.held().filter(user=user, role=role).values_list("pk", flat=True))
    for grant in RoleGrant.objects.filter(pk__in=grant_ids):
        grant.status = RoleGrantStatus.REVOKED
        grant.revoked_by = by
        grant.revoked_at = now
        grant.save(update_fields=["status", "revoked_by", "revoked_at", "updated_at"])
    audit_record(
        actor=by,
        action=AuditAction.ROLE_REMOVED,
        child_id=None,
        obj=user,
        summary=f"{role} role removed from {user.username}",
        changes={"role": role, "grants": grant_ids, "reason": reason},
    )
    return user


@transaction.atomic
def role_grant_bootstrap(*, user, role: str, reason: str) -> RoleGrant:
    """The server operator gives a role (``manage.py grant_role``, the demo). Shell access is
    infrastructure trust; this path is never reachable from the browser. Audited with no actor."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_role_can_be_given(user=user, role=role)
    now = timezone.now()
    grant = RoleGrant(
        user=user,
        role=role,
        status=RoleGrantStatus.APPROVED,
        route=RoleGrantRoute.OPERATOR,
        reason=reason,
        requested_at=now,
        decided_at=now,
    )
    grant.full_clean()
    grant.save()
    _add_role(user, role)
    audit_record(
        actor=None,
        action=AuditAction.ROLE_GRANTED,
        child_id=None,
        obj=user,
        summary=f"{role} role given to {user.username} by the server operator",
        changes={"role": role, "grant": grant.pk, "reason": reason},
    )
    return grant


# --- infrastructure: any other change to groups or permissions --------------------------------


def _name(obj) -> str:
    if isinstance(obj, Permission):
        return f"{obj.content_type.app_label}.{obj.codename}"
    if isinstance(obj, Group):
        return obj.name
    return obj.get_username()


def _through_fields(sender, instance):
    links = [f for f in sender._meta.fields if f.is_relation]
    source = next(f for f in links if isinstance(instance, f.related_model))
    target = next(f for f in links if f is not source)
    return source, target


def audit_permission_change(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """``m2m_changed`` receiver on User.groups, User.user_permissions and Group.permissions.

    Records a change made any way other than the services above (which write the join table
    themselves and audit it): the shell, a script, a future form. The actor is unknown here.
    """
    source, target = _through_fields(sender, instance)
    if action == "pre_clear":
        instance._audit_cleared_pks = set(
            sender.objects.filter(**{source.name: instance}).values_list(target.attname, flat=True)
        )
        return
    if action == "post_clear":
        pk_set, verb = instance.__dict__.pop("_audit_cleared_pks", set()), "removed"
    elif action in ("post_add", "post_remove"):
        verb = "added" if action == "post_add" else "removed"
    else:
        return
    if not pk_set:
        return
    owner_field = sender._meta.get_field("group" if sender is Group.permissions.through else "user")
    item_field = next(f for f in (source, target) if f is not owner_field)
    if isinstance(instance, owner_field.related_model):
        owners = [instance]
        items = item_field.related_model.objects.filter(pk__in=pk_set)
        items = list(items.select_related("content_type") if items.model is Permission else items)
    else:
        owners = list(owner_field.related_model.objects.filter(pk__in=pk_set))
        items = [instance]
    names = sorted(_name(item) for item in items)
    what = {
        Group.permissions.through: "permissions of group",
        User.groups.through: "roles (groups) of user",
        User.user_permissions.through: "individual permissions of user",
    }[sender]
    for owner in owners:
        audit_record(
            actor=None,
            action=AuditAction.PERMISSIONS_CHANGED,
            child_id=None,
            obj=owner,
            summary=f"The {what} {_name(owner)} changed outside the role services: {verb} {', '.join(names)}",
            changes={verb: names},
        )


def connect_permission_audit() -> None:
    from django.db.models.signals import m2m_changed

    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            audit_permission_change, sender=through, dispatch_uid=f"iro_service.audit_m2m.{through._meta.label}"
        )
