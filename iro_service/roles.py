"""Roles are Django groups carrying capabilities (``Meta.permissions`` on the domain models).

IRO-RULES.md section 1 names the people; section 10 asks for least privilege:
a committee member gets no capability on any child record, and the administrator
manages users and reference data but cannot read children's records.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

IRO = "IRO"
IRO_MANAGER = "IRO manager"
COMMITTEE = "Committee member"
ADMINISTRATOR = "Administrator"

#: Shown in the header, most senior first.
ROLE_ORDER = (IRO_MANAGER, IRO, COMMITTEE, ADMINISTRATOR)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    IRO: (
        "children.view_caseload",
        "children.record_significant_change",
        "reviews.chair_review",
        "disputes.raise_dispute",
    ),
    IRO_MANAGER: (
        "children.view_caseload",
        "children.view_all_children",
        "children.manage_child_record",
        "children.allocate_iro",
        "children.view_audit_trail",
        "children.record_significant_change",
        "reviews.view_service_reviews",
        "disputes.view_dispute_dashboard",
        "reporting.generate_annual_report",
        "reporting.view_published_reports",
        "reporting.view_service_dashboard",
        "reporting.exchange_ssda903",
    ),
    COMMITTEE: ("reporting.view_published_reports",),
    ADMINISTRATOR: (
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "auth.change_group",
        "children.view_team",
        "children.add_team",
        "children.change_team",
        "children.view_iroprofile",
        "children.add_iroprofile",
        "children.change_iroprofile",
        "iro_service.view_auditevent",
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
    """Create the role groups and give each exactly its capabilities. Idempotent."""
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def role_of(user) -> str:
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
