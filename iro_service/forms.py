"""The GDSForm mixin: every form renders through crispy-forms-gds with a GOV.UK button."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


class GDSForm:
    submit_text = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.for_label(Size.SMALL)
        self.helper.legend_size = Size.for_legend(Size.SMALL)
        if self.submit_text:
            self.helper.add_input(Submit("submit", self.submit_text))


class LoginForm(GDSForm, AuthenticationForm):
    submit_text = "Sign in"

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Ask an administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


def add_service_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to ``form``: errors for fields the form has go on
    those fields, anything else becomes a non-field error shown at the top of the summary."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def save_with_service(request, form, call, *, success: str) -> bool:
    """On a valid POST, call the service with the cleaned data; return True once it saved.

    A ValidationError from the service lands on the form (GOV.UK error summary) and
    nothing is written, because every service runs in one transaction.
    """
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, success)
    return True
