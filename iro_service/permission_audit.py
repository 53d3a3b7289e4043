"""Infrastructure: an ``m2m_changed`` receiver that records a change to anyone's groups or
permissions, or a group's permissions, made other than through the role services
(``role_grants.py``), which write the join table themselves and audit it.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User

from .audit import audit_record
from .models import AuditAction

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
