"""The forms of the people around the child: add, change (under the optimistic lock) and end.
They check the shape of input only; the dates against the record are checked by the services
(``services/contacts.py``)."""

from __future__ import annotations

from django import forms

from iro_service.forms import GDSForm, SensibleDateField, text_field
from iro_service.locked_forms import LockedForm

from .codes import ContactRole
from .models import Contact


def _date(label: str, *, what: str, message: str) -> SensibleDateField:
    field = SensibleDateField(label=label, help_text="For example, 27 3 2025", what=what)
    field.error_messages.update(required=message, incomplete=message)
    return field


class ContactForm(GDSForm, forms.Form):
    """Who the person is to the child, how to reach them, and since when."""

    submit_text = "Add person"
    page_title = "Add a person around the child"
    success_message = "Person added"

    role = forms.ChoiceField(
        label="Who they are to the child",
        choices=[("", "Choose a role"), *ContactRole.choices],
        error_messages={"required": "Choose who the person is to the child"},
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the person's name",
            "max_length": "The person's name must be 200 characters or fewer",
        },
    )
    organisation = forms.CharField(
        label="Organisation (optional)",
        help_text="The team, school, agency or placement they work for or run.",
        max_length=200,
        required=False,
        error_messages={"max_length": "The organisation must be 200 characters or fewer"},
    )
    has_parental_responsibility = forms.BooleanField(
        label="Has parental responsibility for the child",
        required=False,
        help_text="A mother has it; so does a father married to the mother or named on the birth certificate, "
        "and anyone a court order gives it to.",
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.RegexField(
        label="Phone number (optional)",
        regex=r"^\+?[0-9 ()-]{6,30}$",
        max_length=30,
        required=False,
        error_messages={
            "invalid": "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            "max_length": "The phone number must be 30 characters or fewer",
        },
    )
    address = text_field("Postal address (optional)", rows=3, required=False)
    notes = text_field(
        "Notes (optional)",
        rows=3,
        required=False,
        help_text="For example, why they must not be told where the child lives, or not be sent the review record.",
    )
    started_on = _date(
        "Date they took on this role",
        what="The date they took on the role",
        message="Enter the date they took on this role",
    )


class ContactEditForm(LockedForm, ContactForm):
    """A person's details as saved, with the version they were loaded with."""

    submit_text = "Save changes"
    success_message = "Person's details saved"
    conflict_title = "The person's details as they are saved now"
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, contact: Contact, **kwargs):
        initial = {name: getattr(contact, name) for name in self.base_fields if name != "version"}
        initial["version"] = contact.version
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)


class ContactEndForm(GDSForm, forms.Form):
    """The day the person stopped being involved; the record is kept among the former people."""

    submit_text = "Confirm they are no longer involved"
    success_message = "Recorded the date the person stopped being involved. Their record is kept, with its dates."
    ended_on = _date(
        "Date they stopped being involved",
        what="The date they stopped",
        message="Enter the date they stopped being involved",
    )
