"""Administrators keep the escalation ladder and the dispute settings. Disputes themselves are
not in the admin: they change only through the audited service pages."""

from django.contrib import admin

from iro_service.admin import NoDeleteAdminMixin

from .models import DisputeSettings, EscalationStage


@admin.register(EscalationStage)
class EscalationStageAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "name",
        "raised_with",
        "response_kind",
        "response_working_days",
        "is_direct_entry",
        "active",
    )
    list_display_links = ("number", "name")
    list_filter = ("active", "response_kind")
    ordering = ("number",)


@admin.register(DisputeSettings)
class DisputeSettingsAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "max_open_working_days")

    def has_add_permission(self, request):
        """One row: an administrator who may change the settings creates it if it is missing."""
        if DisputeSettings.objects.exists():
            return False
        return super().has_add_permission(request) or request.user.has_perm("disputes.change_disputesettings")
