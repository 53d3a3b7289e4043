"""The GDSForm mixin: every form renders through crispy-forms-gds with a GOV.UK button."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.forms.utils import ErrorDict
from django.utils import timezone
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


#: The messages a required field has until it is given one that names it.
GENERIC_REQUIRED = {
    str(forms.Field.default_error_messages["required"]),
    str(DateInputField(required=False).error_messages["required"]),
}
#: Labels that read on without "the": a question ("How the child took part"), or one that
#: already has its article or owner ("The child's wishes", "Your response").
_READS_ON = ("how ", "what ", "who ", "why ", "when ", "where ", "whether ", "which ", "the ", "a ", "an ", "your ")
#: The message of a hidden field left empty: the page was changed or is out of date.
HIDDEN_REQUIRED = "This page is out of date. Go back and try again."


def required_message(field: forms.Field, name: str = "") -> str:
    """The GOV.UK message for ``field`` left empty, from its label: "Enter the date the review
    was held", "Select how the child took part", "Select the IRO"; a tick box that must be
    ticked: "Select “<label>”"; a hidden field: ``HIDDEN_REQUIRED``."""
    if field.widget.is_hidden:
        return HIDDEN_REQUIRED
    label = str(field.label or name.replace("_", " ")).removesuffix(" (optional)").strip()
    if isinstance(field, forms.BooleanField):
        return f"Select “{label}”"
    text = label if label[1:2].isupper() else label[:1].lower() + label[1:]  # "IRO" stays
    if not text.lower().startswith(_READS_ON):
        text = f"the {text}"
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.ModelMultipleChoiceField)):
        return f"Select {text}"
    return f"Enter {text}"


def name_required_fields(form: forms.BaseForm) -> None:
    """Give each required field still carrying a generic message ("This field is required.")
    one that names it (``required_message``). Applied by ``GDSForm`` and ``TextForm``."""
    for name, field in form.fields.items():
        if field.required and str(field.error_messages.get("required", "")) in GENERIC_REQUIRED:
            field.error_messages = {**field.error_messages, "required": required_message(field, name)}


class TextForm(forms.Form):
    """A form drawn by crispy-forms-gds that is not a GDSForm (a django-filter ``Meta.form``, a
    formset's row): its labels and hints are text too."""

    bound_field_class: type[BoundField] | None = TextBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_fields(self)


class GDSForm:
    submit_text = "Save"
    bound_field_class: type[BoundField] | None = TextBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_fields(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.for_label(Size.SMALL)
        self.helper.legend_size = Size.for_legend(Size.SMALL)
        if self.submit_text:
            self.helper.add_input(Submit("submit", self.submit_text))


def filter_panel_helper(form: forms.Form) -> FormHelper:
    """The helper of a GET form in the grey filter panel (the report dashboard, the records
    behind a figure, the dispute dashboard): no form tag, no CSRF token in the address, small
    labels (through the layout, which takes sizes, not classes) and an "Apply filters" button."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.layout = Layout(*form.fields)
    helper.add_input(Submit("apply", "Apply filters", css_class="govuk-button--secondary"))
    return helper


class FilterPanelForm(TextForm):
    """A django-filter ``Meta.form`` drawn in the grey filter panel (``filter_panel_helper``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = filter_panel_helper(self)


def text_field(label: str, *, rows: int = 4, required: bool = True, message: str = "", **kwargs) -> forms.CharField:
    """A box of free text ``rows`` lines high; ``message`` is the error when a required box is left
    empty. Any other argument of ``CharField`` (``help_text``, ``validators``) passes through."""
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message} if message else {},
        **kwargs,
    )


def radio_field(
    label: str, *, message: str = "", field_class: type[forms.ChoiceField] = forms.ChoiceField, **kwargs
) -> forms.ChoiceField:
    """A set of radios to choose one of; ``message`` is the error when none is chosen.
    ``field_class`` may be a ``TypedChoiceField`` (with its ``coerce``); any other argument
    (``choices``, ``help_text``, ``required``) passes through."""
    return field_class(
        label=label,
        widget=forms.RadioSelect,
        error_messages={"required": message} if message else {},
        **kwargs,
    )


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


def show_unchecked(*forms_: forms.BaseForm) -> None:
    """Show bound forms again as typed without checking them: no error messages (the "Add
    another" button of a list of rows asks for more room, not for a save)."""
    for form in forms_:
        form._errors = ErrorDict()  # type: ignore[attr-defined]  # Django's own cache of errors
        form.cleaned_data = {}


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


# --- Dates inside a sensible window ------------------------------------------------------------
#
# Every date a person types goes through ``SensibleDateField``: a GOV.UK day/month/year input
# that refuses dates no record of this service can have (a booking for 01/01/9999, a review
# in 1900), with the design system's wording. Rules that depend on the record (a review is
# not in the future, cover ends after it starts) stay in the forms' and services' own checks.

#: Care episodes, reviews, visits and disputes this service holds began in 1990 or later.
EARLIEST = date(1990, 1, 1)
#: A child looked after in 1990 was born in 1972 or later (under 18).
EARLIEST_BIRTH = date(1972, 1, 1)
#: Plans (bookings, due dates, cover) reach at most this many years ahead.
FUTURE_YEARS = 2


def years_after(day: date, years: int) -> date:
    """``day`` moved ``years`` years on; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validate_sensible_date(
    value: date, *, what: str, earliest: date = EARLIEST, future_years: int = FUTURE_YEARS, today: date | None = None
) -> None:
    """Refuse ``value`` before ``earliest`` or more than ``future_years`` years after today
    (``future_years=0``: after today). ``what`` names the date, as its label does."""
    today = today or timezone.localdate()
    if value < earliest:
        raise ValidationError(f"{what} must be the same as or after {earliest:%-d %B %Y}", code="too_early")
    if future_years == 0 and value > today:
        raise ValidationError(f"{what} must be today or in the past", code="future")
    latest = years_after(today, future_years)
    if value > latest:
        raise ValidationError(f"{what} must be the same as or before {latest:%-d %B %Y}", code="too_late")


class SensibleDateField(DateInputField):
    """``crispy_forms_gds`` ``DateInputField`` whose date must fall inside a sensible window
    (``validate_sensible_date``): from ``earliest`` (1 January 1990) to ``future_years`` (2)
    years ahead. Dates of birth: ``earliest=EARLIEST_BIRTH, future_years=0``. ``what`` names
    the date in messages when the label does not read well there (default: the label)."""

    def __init__(self, *, earliest: date = EARLIEST, future_years: int = FUTURE_YEARS, what: str = "", **kwargs):
        super().__init__(**kwargs)
        self.earliest = earliest
        self.future_years = future_years
        self.what = what

    def compress(self, data_list):
        """The date typed, or "<what> must be a real date" for one the calendar lacks (31 February),
        not Python's "day is out of range for month"."""
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError(f"{self._what()} must be a real date", code="invalid") from None

    def _what(self) -> str:
        return self.what or str(self.label or "The date").removesuffix(" (optional)")

    def clean(self, value):
        day = super().clean(value)
        if day is not None:
            validate_sensible_date(day, what=self._what(), earliest=self.earliest, future_years=self.future_years)
        return day
