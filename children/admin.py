from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path, reverse
from django.utils.html import format_html

from iro_service import accounts
from iro_service.admin import ActingUserAdmin, ActingUserForm, NoDeleteAdminMixin
from iro_service.models import RoleGrant

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

    def save_model(self, request, obj, form, change):
        accounts.account_detail_save(
            instance=obj, user=obj.user, by=request.user, fields=("fte", "team"), label="IRO profile"
        )


class IROProfileInline(admin.StackedInline):
    model = IROProfile
    can_delete = False
    extra = 0
    max_num = 1


class AccountCreationForm(ActingUserForm):
    """A new account: no password (the person sets one with the link emailed to them), no role."""

    class Meta:
        model = User
        fields = accounts.ACCOUNT_FIELDS[:4]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].error_messages["required"] = "Enter an email address"
        self.fields["email"].help_text = "The link to set a password is sent here."

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("An account with that username already exists.")
        return username


class AccountChangeForm(ActingUserForm):
    """Only the account fields: never the password, superuser status, groups or permissions."""

    class Meta:
        model = User
        fields = accounts.ACCOUNT_FIELDS

    def clean_email(self):
        email = self.cleaned_data["email"]
        if "email" in self.changed_data and (
            refusal := accounts.email_change_refusal(user=self.instance, by=self.acting_user)
        ):
            raise ValidationError(refusal)
        return email


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(NoDeleteAdminMixin, ActingUserAdmin):
    """Users are deactivated, never deleted: their names stay on the records they made.

    Separation of duties (docs/data-protection.md): an administrator creates and changes
    accounts, sends password resets and asks for roles; nobody sets another person's password,
    superuser status, groups or permissions here.
    """

    form = AccountChangeForm
    add_form = AccountCreationForm
    inlines = [IROProfileInline]
    list_display = ("username", "first_name", "last_name", "email", "role_names", "is_active")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("username",)
    readonly_fields = ("roles", "is_staff", "is_superuser", "password_note", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username",)}),
        ("Personal details", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "roles", "password_note", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": AccountCreationForm.Meta.fields}),)
    actions = ["send_password_reset"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def lookup_allowed(self, lookup, value, request=None):
        # Never filter on password hashes.
        return not lookup.startswith("password") and super().lookup_allowed(lookup, value, request)

    def get_urls(self):
        return [
            path(
                "<id>/password/",
                self.admin_site.admin_view(self.password_refused),
                name="auth_user_password_change",
            ),
            *super().get_urls(),
        ]

    def password_refused(self, request, id):
        raise PermissionDenied("Nobody sets another person's password: send a password reset email instead.")

    @admin.display(description="roles")
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all()) or "–"

    @admin.display(description="roles")
    def roles(self, user):
        held = [group.name for group in user.groups.all()]
        pending = RoleGrant.objects.pending().filter(user=user).values_list("role", flat=True)
        return format_html(
            "{}{} <a href='{}?user={}'>Ask for a role</a>",
            ", ".join(held) or "No role",
            f" (waiting for a manager: {', '.join(pending)})" if pending else "",
            reverse("admin:iro_service_rolegrant_add"),
            user.pk,
        )

    @admin.display(description="password")
    def password_note(self, user):
        return (
            "Not shown and not set here. To let this person set a new password, choose "
            "'Send a password reset email' in the list of users."
        )

    def save_model(self, request, obj, form, change):
        if change:
            accounts.user_change(user=obj, by=request.user)
        else:
            accounts.user_create(user=obj, by=request.user, domain=request.get_host(), use_https=request.is_secure())
            messages.info(request, f"An email to set a password was sent to {obj.email}.")

    def save_formset(self, request, form, formset, change):
        for profile in formset.save(commit=False):
            accounts.account_detail_save(
                instance=profile, user=form.instance, by=request.user, fields=("fte", "team"), label="IRO profile"
            )

    @admin.action(description="Send a password reset email", permissions=["change"])
    def send_password_reset(self, request, queryset):
        for user in queryset:
            try:
                accounts.password_reset_send(
                    user=user, by=request.user, domain=request.get_host(), use_https=request.is_secure()
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"A password reset email was sent to {user.username}.")
