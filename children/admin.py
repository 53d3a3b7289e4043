from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from iro_service.admin import NoDeleteAdminMixin

from .models import IROProfile, Team

User = get_user_model()


@admin.register(Team)
class TeamAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(IROProfile)
class IROProfileAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("user", "fte", "team")
    list_filter = ("team",)
    list_select_related = ("user", "team")
    autocomplete_fields = ("user",)


class IROProfileInline(admin.StackedInline):
    model = IROProfile
    can_delete = False
    extra = 0
    max_num = 1


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(NoDeleteAdminMixin, UserAdmin):
    """Users are deactivated, never deleted: their names stay on the records they made."""

    inlines = [IROProfileInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups")
