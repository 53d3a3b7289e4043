"""The GDSForm mixin: every form renders through crispy-forms-gds with a GOV.UK button."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.utils.html import conditional_escape


class TextBoundField(BoundField):
    """A field whose label and hint are text, never markup.

    crispy-forms-gds prints ``field.label`` and ``field.help_text`` with ``|safe`` (labels,
    legends and hints), so a label built from a record, such as an action's description or
    a person's name, would run as HTML. Here both are escaped when the field is bound to its
    form, whenever the field was added; a label that is meant to hold markup is built with
    ``format_html`` (which marks it safe, so it is left alone)."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        self.label = conditional_escape(self.label)
        self.help_text = conditional_escape(self.help_text)


class TextForm(forms.Form):
    """A form drawn by crispy-forms-gds that is not a GDSForm (a django-filter ``Meta.form``, a
    formset's row): its labels and hints are text too."""

    bound_field_class = TextBoundField


class GDSForm:
    submit_text = "Save"
    bound_field_class = TextBoundField

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
