"""Administrators manage users, roles and reference data here. Children's records are not
in the admin: they are read and changed only through the audited service pages."""

from django.contrib import admin

from .models import AuditEvent

admin.site.site_header = "IRO service administration"
admin.site.site_title = "IRO service administration"


class NoDeleteAdminMixin:
    """Nothing is hard-deleted (IRO-RULES.md section 10)."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(AuditEvent)
class AuditEventAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "actor", "action", "child_id", "summary")
    list_filter = ("action",)
    search_fields = ("actor__username", "summary", "child_id")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
