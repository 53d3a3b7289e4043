"""Roles are Django groups carrying capabilities (``Meta.permissions`` on the domain models).

docs/rules.md#people names the people; section 10 asks for least privilege:
a committee member gets no capability on any child record, and the administrator
manages users and reference data but cannot read children's records.

``ROLE_PERMISSIONS`` is the single definition of what each role can do: ``ensure_roles`` applies
it after every ``migrate``, and nobody edits a group's permissions in the browser. Who holds a
role is decided through ``iro_service/role_grants.py`` (separation of duties: a role that reads
children's records, or the Administrator role, needs a second person's approval).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission

from .models import RoleName

if TYPE_CHECKING:
    from django.contrib.auth.models import User

IRO = RoleName.IRO.value
CP_CHAIR = RoleName.CP_CHAIR.value
IRO_MANAGER = RoleName.IRO_MANAGER.value
COMMITTEE = RoleName.COMMITTEE.value
ADMINISTRATOR = RoleName.ADMINISTRATOR.value

#: Shown in the header, most senior first.
ROLE_ORDER = (IRO_MANAGER, IRO, CP_CHAIR, COMMITTEE, ADMINISTRATOR)

#: Roles that read children's records.
CHILD_READING_ROLES = (IRO, CP_CHAIR, IRO_MANAGER)
#: Roles that take effect only when an IRO manager other than the requester and the grantee
#: approves: the child-reading roles, and Administrator (it manages accounts, so an
#: administrator could otherwise chain grants).
APPROVAL_ROLES = (IRO, CP_CHAIR, IRO_MANAGER, ADMINISTRATOR)
#: Roles an administrator gives directly (still audited): they read no child's record.
DIRECT_ROLES = (COMMITTEE,)
#: The role whose holders decide on pending role requests.
APPROVER_ROLE = IRO_MANAGER

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    IRO: (
        "children.view_caseload",
        "children.record_significant_change",
        "children.manage_contacts",
        "reviews.chair_review",
        "conferences.chair_conference",
        "disputes.raise_dispute",
    ),
    # A chair of child protection conferences who is not an IRO: the same rights as an IRO over
    # child protection work only (issue 15). They see the children whose conferences they chair
    # or cover, and never chair a looked-after review.
    CP_CHAIR: (
        "children.view_caseload",
        "children.manage_contacts",
        "conferences.chair_conference",
        "disputes.raise_dispute",
    ),
    IRO_MANAGER: (
        "children.view_caseload",
        "children.view_all_children",
        "children.manage_child_record",
        "children.allocate_iro",
        "children.view_audit_trail",
        "children.record_significant_change",
        "children.manage_contacts",
        "children.manage_retention",
        "reviews.view_service_reviews",
        "conferences.chair_conference",
        "conferences.manage_conferences",
        "disputes.view_dispute_dashboard",
        "reporting.generate_annual_report",
        "reporting.view_published_reports",
        "reporting.view_service_dashboard",
        "reporting.exchange_ssda903",
        "iro_service.view_rolegrant",
        "iro_service.approve_role_grant",
        "iro_service.revoke_role",
    ),
    COMMITTEE: ("reporting.view_published_reports",),
    ADMINISTRATOR: (
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "children.view_team",
        "children.add_team",
        "children.change_team",
        "children.view_iroprofile",
        "children.add_iroprofile",
        "children.change_iroprofile",
        "iro_service.view_auditevent",
        "iro_service.view_rolegrant",
        "iro_service.request_role_grant",
        "iro_service.revoke_role",
        "reviews.view_closureday",
        "reviews.add_closureday",
        "reviews.change_closureday",
        "disputes.view_escalationstage",
        "disputes.add_escalationstage",
        "disputes.change_escalationstage",
        "disputes.view_disputesettings",
        "disputes.change_disputesettings",
        "reporting.view_childpopulation",
        "reporting.add_childpopulation",
        "reporting.change_childpopulation",
    ),
}


def ensure_roles(**kwargs) -> None:
    """Create the role groups and give each exactly its capabilities. Idempotent.

    Connected to ``post_migrate``: the code is the single source of each role's permissions.
    It writes the join table directly, so applying the code's definition is not reported as
    a permission change by the audit receiver (``permission_audit.audit_permission_change``), which
    records changes made any other way (the shell included).
    """
    through = Group.permissions.through
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = set()
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.update(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename).values_list(
                    "pk", flat=True
                )
            )
        held = set(through.objects.filter(group=group).values_list("permission_id", flat=True))
        if held - wanted:
            through.objects.filter(group=group, permission_id__in=held - wanted).delete()
        through.objects.bulk_create([through(group=group, permission_id=pk) for pk in sorted(wanted - held)])


def role_of(user: User) -> str:
    """The user's role for display: the most senior group they belong to."""
    if not user.is_authenticated:
        return ""
    names = {g.name for g in user.groups.all()}
    for role in ROLE_ORDER:
        if role in names:
            return role
    if user.is_superuser:
        return ADMINISTRATOR
    return "No role"
