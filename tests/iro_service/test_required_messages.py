"""Every required field says what to enter when left empty, in GOV.UK words that name it
("Enter the date the review was held"), never Django's "This field is required." (issue 14)."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from children.models import Child, Contact
from disputes.models import EscalationStage
from iro_service.forms import GDSForm, SensibleDateField, required_message
from iro_service.periods import ReportingYear

pytestmark = pytest.mark.django_db

#: The project's packages whose forms the walk builds.
PACKAGES = ("iro_service", "children", "reviews", "disputes", "reporting", "interchange")
GENERIC = {"This field is required.", "Enter the day, month and year"}


def project_form_classes() -> list[type[forms.BaseForm]]:
    found = set()
    for package in PACKAGES:
        for module in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
            if any(part in module.name for part in (".migrations", ".management", ".settings")):
                continue
            for value in vars(importlib.import_module(module.name)).values():
                if (
                    inspect.isclass(value)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__.split(".")[0] in PACKAGES
                ):
                    found.add(value)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def arguments_for(cls) -> dict:
    """What a form's ``__init__`` needs beyond its data, by the names of its keyword arguments."""
    today = timezone.localdate()
    user, _ = User.objects.get_or_create(username="walker")
    years = [ReportingYear.containing(today)]
    given = {
        "children": Child.objects.none(),
        "on": today,
        "stages": list(EscalationStage.objects.all()),
        "current": 1,
        "years": years,
        "actions": [],
        "user": user,
        "contact": Contact(started_on=today),
        "contacts": Contact.objects.none(),
        "recipients": {},
        "others": [],
        "needs_reason": True,
    }
    wanted = inspect.signature(cls.__init__).parameters
    kwargs = {name: value for name, value in given.items() if name in wanted and name != "user"}
    if "user" in wanted or any(base.__name__ in {"SetPasswordForm", "PasswordChangeForm"} for base in cls.__mro__):
        return {"args": (user,), "kwargs": kwargs}
    return {"args": (), "kwargs": kwargs}


def test_the_walk_finds_the_forms_of_every_app():
    names = {cls.__name__ for cls in project_form_classes()}
    assert {"ReviewRecordForm", "ReviewBookForm", "DistributionForm", "ActionForm", "RaiseForm"} <= names
    assert len(names) > 40


def test_no_required_field_of_any_form_keeps_a_generic_message():
    generic = []
    for cls in project_form_classes():
        if issubclass(cls, forms.ModelForm) and getattr(cls._meta, "model", None) is None:
            continue  # an abstract base (``ActingUserForm``): its subclasses are walked
        call = arguments_for(cls)
        form = cls(*call["args"], **call["kwargs"])
        generic.extend(
            f"{cls.__module__}.{cls.__name__}.{name}"
            for name, field in form.fields.items()
            if field.required and str(field.error_messages.get("required")) in GENERIC
        )
    assert generic == []


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (SensibleDateField(label="Date the review was held"), "Enter the date the review was held"),
        (forms.CharField(label="Who will do it"), "Enter who will do it"),
        (forms.ChoiceField(label="How the child took part"), "Select how the child took part"),
        (forms.ModelChoiceField(queryset=User.objects.none(), label="IRO"), "Select the IRO"),
        (forms.CharField(label="First name"), "Enter the first name"),
        (forms.IntegerField(widget=forms.HiddenInput), "This page is out of date. Go back and try again."),
        (forms.CharField(label="Reason for the change"), "Enter the reason for the change"),
        (forms.BooleanField(label="I have checked the record"), "Select “I have checked the record”"),
    ],
)
def test_the_message_is_derived_from_the_label(field, message):
    assert required_message(field) == message


class Booking(GDSForm, forms.Form):
    booked_for = SensibleDateField(label="Date of the review")
    venue = forms.CharField(label="Venue", error_messages={"required": "Enter where the review will be"})


def test_a_form_uses_the_derived_message_and_keeps_one_it_was_given():
    form = Booking(data={})
    assert form.errors == {"booked_for": ["Enter the date of the review"], "venue": ["Enter where the review will be"]}


def test_31_february_is_not_a_real_date():
    form = Booking(data={"booked_for_0": "31", "booked_for_1": "2", "booked_for_2": "2026", "venue": "Home"})
    assert form.errors == {"booked_for": ["Date of the review must be a real date"]}
