"""Administrators manage accounts and reference data here. Children's records are not in the
admin: they are read and changed only through the audited service pages.

Separation of duties (docs/data-protection.md): roles are defined in code, so groups are shown
read-only; a role is asked for here (``RoleGrant``) and approved by a manager in the service;
the audit trail here shows account events only, never an event about a child.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.html import format_html_join

from . import role_grants
from .forms import TextBoundField, name_required_fields
from .models import AuditAction, AuditEvent, RoleGrant, RoleGrantStatus

admin.site.site_header = "IRO service administration"
admin.site.site_title = "IRO service administration"


def _password_change_in_the_service(request, extra_context=None):
    """The admin's "Change password" link leads to the service's own, audited page."""
    return redirect("password_change")


admin.site.password_change = _password_change_in_the_service

#: The audit events the admin shows: accounts, roles, permissions, passwords and sign-in.
ACCOUNT_ACTIONS = (
    AuditAction.SIGNED_IN,
    AuditAction.SIGNED_OUT,
    AuditAction.SIGN_IN_FAILED,
    AuditAction.LOCKED_OUT,
    AuditAction.SECOND_FACTOR,
    AuditAction.USER_CREATED,
    AuditAction.USER_CHANGED,
    AuditAction.PASSWORD_CHANGED,
    AuditAction.PASSWORD_RESET_SENT,
    AuditAction.ROLE_GRANT_REQUESTED,
    AuditAction.ROLE_GRANTED,
    AuditAction.ROLE_GRANT_REFUSED,
    AuditAction.ROLE_REMOVED,
    AuditAction.PERMISSIONS_CHANGED,
    AuditAction.ACCESS_REFUSED,
)


class NoDeleteAdminMixin:
    """Nothing is hard-deleted (docs/rules.md#data-protection)."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ActingUserForm(forms.ModelForm):
    """A form of the admin's whose labels and hints are text wherever they are drawn, and which
    knows who is acting: ``acting_user``, set per request by ``ActingUserAdmin.get_form``."""

    bound_field_class = TextBoundField
    acting_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_fields(self)


class ActingUserAdmin(admin.ModelAdmin):
    """Hands the user of the request to the form (an ``ActingUserForm``) as ``acting_user``."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})


class AccountActionFilter(admin.SimpleListFilter):
    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(action.value, action.label) for action in ACCOUNT_ACTIONS]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    """Account events only (``child_id`` empty): the administrator never sees a child's data.
    A manager reads a child's audit trail on the child's page in the service."""

    list_display = ("occurred_at", "actor", "action", "object_type", "object_id", "summary")
    list_filter = (AccountActionFilter,)
    search_fields = ("actor__username", "summary")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)
    fields = ("occurred_at", "actor", "action", "object_type", "object_id", "summary", "changes", "path")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(child_id__isnull=True, action__in=ACCOUNT_ACTIONS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(admin.ModelAdmin):
    """Roles are defined in code (``iro_service/roles.py``) and applied by ``migrate``: shown
    here read-only, for everyone, superusers included."""

    list_display = ("name", "capability_count")
    fields = ("name", "capabilities")
    readonly_fields = ("name", "capabilities")
    search_fields = ("name",)
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("permissions__content_type")

    @admin.display(description="capabilities")
    def capability_count(self, group):
        return len(group.permissions.all())

    @admin.display(description="capabilities (defined in iro_service/roles.py)")
    def capabilities(self, group):
        perms = sorted(group.permissions.all(), key=lambda p: (p.content_type.app_label, p.codename))
        return format_html_join(
            "\n", "<div>{}.{}: {}</div>", ((p.content_type.app_label, p.codename, p.name) for p in perms)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleRequestForm(ActingUserForm):
    class Meta:
        model = RoleGrant
        fields = ("user", "role", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" not in self.fields:  # the read-only view of a grant already made
            return
        self.fields["user"].queryset = self.fields["user"].queryset.filter(is_active=True).order_by("username")
        self.fields["role"].help_text = (
            "Committee member is given at once. IRO, IRO manager and Administrator wait until an IRO "
            "manager who did not ask for it, and does not receive it, approves it in the service."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("user") and cleaned.get("role"):
            try:
                role_grants.role_grant_check_request(user=cleaned["user"], role=cleaned["role"], by=self.acting_user)
            except PermissionDenied as error:
                raise ValidationError(str(error)) from error
        return cleaned


@admin.register(RoleGrant)
class RoleGrantAdmin(NoDeleteAdminMixin, ActingUserAdmin):
    """Ask for a role here (add only). Decisions are made by managers at /accounts/role-requests/."""

    form = RoleRequestForm
    list_display = ("user", "role", "status", "route", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("status", "role")
    list_select_related = ("user", "requested_by", "decided_by")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    actions = ["remove_roles"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "role", "reason")
        return (
            "user",
            "role",
            "status",
            "route",
            "reason",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "revoked_by",
            "revoked_at",
        )

    def has_add_permission(self, request):
        return request.user.has_perm("iro_service.request_role_grant")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        grant = role_grants.role_grant_request(user=obj.user, role=obj.role, by=request.user, reason=obj.reason)
        obj.pk, obj.status = grant.pk, grant.status
        if grant.status == RoleGrantStatus.PENDING:
            messages.info(request, f"The {grant.role} role for {grant.user} now waits for an IRO manager's approval.")

    @admin.action(description="Remove these roles (takes effect at once)", permissions=["revoke"])
    def remove_roles(self, request, queryset):
        removed = 0
        for grant in queryset.held().select_related("user"):
            role_grants.role_revoke(user=grant.user, role=grant.role, by=request.user)
            removed += 1
        self.message_user(request, f"{removed} role{'s' if removed != 1 else ''} removed.")

    def has_revoke_permission(self, request):
        return request.user.has_perm("iro_service.revoke_role")
