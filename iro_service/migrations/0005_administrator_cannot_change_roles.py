"""Separation of duties: the Administrator role no longer changes groups (roles are defined in
code, ``iro_service.roles.ensure_roles``), and everyone who holds a role today is recorded as
holding it through a grant by the server operator, so that later removals close that grant.

Both steps are recorded in the audit trail when they change anything (on a fresh database the
groups do not exist yet: ``ensure_roles`` creates them after the migrations).
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

ROLES = ("IRO", "IRO manager", "Committee member", "Administrator")
REMOVED_FROM_ADMINISTRATOR = ("auth.change_group", "auth.add_group", "auth.delete_group")


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    AuditEvent = apps.get_model("iro_service", "AuditEvent")
    RoleGrant = apps.get_model("iro_service", "RoleGrant")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    now = timezone.now()

    administrator = Group.objects.filter(name="Administrator").first()
    if administrator is not None:
        through = Group.permissions.through
        removed = []
        for dotted in REMOVED_FROM_ADMINISTRATOR:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None and through.objects.filter(group=administrator, permission=perm).exists():
                through.objects.filter(group=administrator, permission=perm).delete()
                removed.append(dotted)
        if removed:
            AuditEvent.objects.create(
                action="permissions_changed",
                object_type="auth.Group",
                object_id=str(administrator.pk),
                summary="Administrator role: permissions removed by migration (roles are defined in code)",
                changes={"removed": removed},
            )

    memberships = (
        User.groups.through.objects.filter(group__name__in=ROLES)
        .select_related("group")
        .order_by("user_id", "group__name")
    )
    for membership in memberships:
        role = membership.group.name
        if RoleGrant.objects.filter(user_id=membership.user_id, role=role, status="approved").exists():
            continue
        grant = RoleGrant.objects.create(
            user_id=membership.user_id,
            role=role,
            status="approved",
            route="operator",
            reason="Held before role grants were recorded",
            requested_at=now,
            decided_at=now,
        )
        AuditEvent.objects.create(
            action="role_granted",
            object_type="auth.User",
            object_id=str(membership.user_id),
            summary=f"{role} role recorded as held (it was given before role grants were recorded)",
            changes={"role": role, "grant": grant.pk},
        )


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("iro_service", "0004_role_grants"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
