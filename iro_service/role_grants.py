"""Role grants, with separation of duties (docs/data-protection.md).

A role that reads children's records (IRO, IRO manager), and the Administrator role, takes effect
only when an IRO manager who is neither the requester nor the grantee approves the request
(``role_grant_request`` then ``role_grant_approve``). The Committee member role reads no child
and an administrator gives it directly. Removing a role is done directly. The server operator
(shell access is infrastructure trust) bootstraps roles with ``manage.py grant_role``
(``role_grant_bootstrap``); the demo uses the same path. Every change writes an AuditEvent with
``child_id`` empty and the user as the object.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import roles
from .accounts import holds_role
from .audit import audit_record
from .models import AuditAction, RoleGrant, RoleGrantRoute, RoleGrantStatus, RoleName


def approver_refusal(*, grant: RoleGrant, by: User) -> str:
    """Why ``by`` may not approve ``grant``, or "" if they may (the same rule as the service)."""
    if not (by.is_active and holds_role(by, roles.APPROVER_ROLE) and by.has_perm("iro_service.approve_role_grant")):
        return "Only an IRO manager can approve a role request."
    if by.pk == grant.user_id:
        return "You cannot approve a role for yourself: another manager must decide."
    if by.pk == grant.requested_by_id:
        return "You asked for this role: another manager must decide."
    return ""


# --- roles -----------------------------------------------------------------------------------


def _add_role(user: User, role: str) -> None:
    User.groups.through.objects.get_or_create(user=user, group=Group.objects.get(name=role))
    if role == roles.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True  # the Django admin is the administrator's workplace
        user.save(update_fields=["is_staff"])


def _remove_role(user: User, role: str) -> None:
    User.groups.through.objects.filter(user=user, group__name=role).delete()
    if role == roles.ADMINISTRATOR and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])


def _check_role_can_be_given(*, user: User, role: str) -> None:
    if role not in RoleName.values:
        raise ValidationError({"role": f"{role!r} is not a role. Choose one of: {', '.join(RoleName.values)}."})
    if not user.is_active:
        raise ValidationError({"user": f"{user.username}'s account is deactivated."})
    if holds_role(user, role):
        raise ValidationError({"role": f"{user.username} already holds the {role} role."})
    if RoleGrant.objects.pending().filter(user=user, role=role).exists():
        raise ValidationError({"role": f"The {role} role for {user.username} is already waiting for a manager."})


def role_grant_check_request(*, user: User, role: str, by: User) -> None:
    """Raise PermissionDenied or ValidationError if ``by`` cannot ask for ``role`` for ``user``."""
    if not by.has_perm("iro_service.request_role_grant"):
        raise PermissionDenied("You cannot ask for roles.")
    _check_role_can_be_given(user=user, role=role)


@transaction.atomic
def role_grant_request(*, user: User, role: str, by: User, reason: str = "") -> RoleGrant:
    """Ask for ``user`` to hold ``role``. The Committee member role is given at once; any
    other role waits for an IRO manager who is neither ``by`` nor ``user`` to approve it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    role_grant_check_request(user=user, role=role, by=by)
    if role in roles.DIRECT_ROLES:
        summary = f"{role} role given to {user.username} directly (it reads no child's record)"
        return _give_at_once(user=user, role=role, route=RoleGrantRoute.DIRECT, reason=reason, by=by, summary=summary)
    grant = RoleGrant(user=user, role=role, reason=reason, requested_by=by, requested_at=timezone.now())
    summary = f"{role} role requested for {user.username}: waiting for a manager's approval"
    return _save_and_audit(grant, by=by, action=AuditAction.ROLE_GRANT_REQUESTED, summary=summary, reason=reason)


def _save_and_audit(grant: RoleGrant, *, by: User | None, action: str, summary: str, **changes) -> RoleGrant:
    """Validate and save ``grant``; an approved one gives the role. Audited with no child and the
    user as the object; ``changes`` follow the role and the grant in the event."""
    grant.full_clean()
    grant.save()
    if grant.status == RoleGrantStatus.APPROVED:
        _add_role(grant.user, grant.role)
    audit_record(
        actor=by,
        action=action,
        child_id=None,
        obj=grant.user,
        summary=summary,
        changes={"role": grant.role, "grant": grant.pk, **changes},
    )
    return grant


def _give_at_once(*, user: User, role: str, route: str, reason: str, by: User | None, summary: str) -> RoleGrant:
    """A grant approved as it is made (no second person decides): ``by`` both asks and decides."""
    now = timezone.now()
    grant = RoleGrant(
        user=user,
        role=role,
        status=RoleGrantStatus.APPROVED,
        route=route,
        reason=reason,
        requested_by=by,
        requested_at=now,
        decided_by=by,
        decided_at=now,
    )
    return _save_and_audit(grant, by=by, action=AuditAction.ROLE_GRANTED, summary=summary, reason=reason)


def _decide(grant: RoleGrant, *, status: str, by: User, note: str) -> None:
    grant.status = status
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.decision_note = note


def _pending_for_decision(grant: RoleGrant) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update(of=("self",)).select_related("user", "requested_by").get(pk=grant.pk)
    if grant.status != RoleGrantStatus.PENDING:
        raise ValidationError(f"This request has already been {grant.get_status_display().lower()}.")
    return grant


@transaction.atomic
def role_grant_approve(*, grant: RoleGrant, by: User, note: str = "") -> RoleGrant:
    """An IRO manager other than the requester and the grantee approves: the role takes effect."""
    grant = _pending_for_decision(grant)
    if refusal := approver_refusal(grant=grant, by=by):
        raise PermissionDenied(refusal)
    if not grant.user.is_active:
        raise ValidationError(f"{grant.user.username}'s account is deactivated.")
    if holds_role(grant.user, grant.role):
        raise ValidationError(f"{grant.user.username} already holds the {grant.role} role.")
    _decide(grant, status=RoleGrantStatus.APPROVED, by=by, note=note)
    return _save_and_audit(
        grant,
        by=by,
        action=AuditAction.ROLE_GRANTED,
        summary=f"{grant.role} role given to {grant.user.username}, approved by {by.username}",
        requested_by=grant.requested_by.username,
        approved_by=by.username,
        note=note,
    )


@transaction.atomic
def role_grant_refuse(*, grant: RoleGrant, by: User, note: str = "") -> RoleGrant:
    """An IRO manager refuses a pending request: nothing changes for the user."""
    grant = _pending_for_decision(grant)
    if not (by.is_active and holds_role(by, roles.APPROVER_ROLE) and by.has_perm("iro_service.approve_role_grant")):
        raise PermissionDenied("Only an IRO manager can refuse a role request.")
    _decide(grant, status=RoleGrantStatus.REFUSED, by=by, note=note)
    summary = f"{grant.role} role for {grant.user.username} refused by {by.username}"
    return _save_and_audit(grant, by=by, action=AuditAction.ROLE_GRANT_REFUSED, summary=summary, note=note)


@transaction.atomic
def role_revoke(*, user: User, role: str, by: User, reason: str = "") -> User:
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
def role_grant_bootstrap(*, user: User, role: str, reason: str) -> RoleGrant:
    """The server operator gives a role (``manage.py grant_role``, the demo). Shell access is
    infrastructure trust; this path is never reachable from the browser. Audited with no actor."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_role_can_be_given(user=user, role=role)
    summary = f"{role} role given to {user.username} by the server operator"
    return _give_at_once(user=user, role=role, route=RoleGrantRoute.OPERATOR, reason=reason, by=None, summary=summary)
