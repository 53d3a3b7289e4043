"""The IRO manager role gains ``children.manage_retention`` (docs/rules.md#data-protection: retention).

``iro_service.roles.ROLE_PERMISSIONS`` is the single definition and ``ensure_roles`` applies it
after every ``migrate``, but it does so silently. On a database whose roles already exist, this
migration gives the capability here and records it in the audit trail, the way
``iro_service/0005`` recorded the permissions it removed. On a fresh database the group does not
exist yet and nothing is done (``ensure_roles`` creates it after the migrations).
"""

from django.db import migrations

ROLE = "IRO manager"
CODENAME = "manage_retention"
NAME = "Can list records past their retention date and propose or approve anonymising or destroying them"


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("iro_service", "AuditEvent")

    group = Group.objects.filter(name=ROLE).first()
    if group is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="children", model="retentionrequest")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": NAME}
    )
    through = Group.permissions.through
    if through.objects.filter(group=group, permission=permission).exists():
        return
    through.objects.create(group=group, permission=permission)
    AuditEvent.objects.create(
        action="permissions_changed",
        object_type="auth.Group",
        object_id=str(group.pk),
        summary=f"{ROLE} role: permission added by migration (retention of closed records)",
        changes={"added": [f"children.{CODENAME}"]},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("children", "0009_retention"),
        ("iro_service", "0006_audit_retention_actions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
