"""Forms for passwords and role decisions (GOV.UK, through crispy-forms-gds). Saving a password
goes through ``accounts.password_change``, which audits it; the validators in
``AUTH_PASSWORD_VALIDATORS`` (at least 12 characters, not common) apply to every form."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm

from . import accounts
from .forms import GDSForm

User = get_user_model()


class _PasswordFields:
    via = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = (
            "At least 12 characters. Not a common password, and not like your name or username. "
            "A few unrelated words together are easy to remember."
        )
        self.fields["new_password2"].label = "Confirm your new password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"

    def save(self, commit=True):
        return accounts.password_change(
            user=self.user, by=self.user, new_password=self.cleaned_data["new_password1"], via=self.via
        )


class ChangePasswordForm(_PasswordFields, GDSForm, PasswordChangeForm):
    submit_text = "Change password"
    via = "by the account holder, signed in"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Your current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"


class SetNewPasswordForm(_PasswordFields, GDSForm, SetPasswordForm):
    submit_text = "Set password"
    via = "by the account holder, with a link sent to their email"


class ForgottenPasswordForm(GDSForm, PasswordResetForm):
    """Anyone can ask for a link; it goes only to the address on the account, and the page says
    the same whether or not an account has that address."""

    submit_text = "Send me a link"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "The address your IRO service has for you."
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = "Enter an email address in the correct format"

    def get_users(self, email):
        # New accounts have no usable password yet: they may ask for a link too.
        return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")

    def save(self, *, request=None, use_https=False, domain_override=None, **kwargs):
        domain = domain_override or request.get_host()
        for user in self.get_users(self.cleaned_data["email"]):
            accounts.password_reset_send(user=user, by=None, domain=domain, use_https=use_https)


class RoleDecisionForm(GDSForm, forms.Form):
    submit_text = ""
    note = forms.CharField(label="Note (optional)", max_length=255, required=False)
