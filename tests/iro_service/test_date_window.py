"""Every date a person types falls inside a sensible window (``iro_service.forms``): not
before 1 January 1990 (dates of birth: 1 January 1972) and not more than two years ahead
(dates of birth: not in the future). A booking for 01/01/9999 or a review in 1900 is refused
with the GOV.UK wording; the boundary dates are accepted. Every date field of every form uses
the window, so a form added later without it fails here."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from iro_service.forms import EARLIEST, EARLIEST_BIRTH, SensibleDateField, validate_sensible_date, years_after
from reviews.models import Review
from tests.factories import make_child_in_care
from tests.reviews.factories import book_anyway

APPS = ["iro_service", "children", "reviews", "disputes", "reporting", "interchange"]


def _form_modules():
    """Every ``forms`` module (or ``forms`` package's module) of the project's apps."""
    for app in APPS:
        try:
            package = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            package = None
        if package is not None:
            yield package
            for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
                yield importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.walk_packages(importlib.import_module(app).__path__, prefix=f"{app}."):
            if info.name.endswith(".forms") and info.name != f"{app}.forms":
                yield importlib.import_module(info.name)


def _date_fields():
    """(form, field name, field) for every date input of every form class."""
    seen = set()
    for module in _form_modules():
        for _, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__ or form in seen:
                continue
            seen.add(form)
            for name, field in form.base_fields.items():
                dated = "date" in type(field).__name__.lower()
                if isinstance(field, forms.DateField | forms.MultiValueField) and dated:
                    yield form, name, field


DATE_FIELDS = sorted(_date_fields(), key=lambda entry: (entry[0].__module__, entry[0].__name__, entry[1]))
IDS = [f"{form.__name__}.{name}" for form, name, _ in DATE_FIELDS]


def _typed(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _what(field) -> str:
    return field.what or str(field.label).removesuffix(" (optional)")


def test_the_date_inputs_are_found():
    names = {f"{form.__name__}.{name}" for form, name, _ in DATE_FIELDS}
    assert {"ReviewBookForm.booked_for", "ReviewRecordForm.held_on", "VisitForm.visited_on"} <= names
    assert {"ChildDetailsForm.date_of_birth", "EpisodeChangeForm.changed_on", "RaiseForm.change_by_when"} <= names
    assert len(DATE_FIELDS) >= 25


@pytest.mark.parametrize(("form", "name", "field"), DATE_FIELDS, ids=IDS)
def test_every_date_input_of_every_form_keeps_to_the_window(form, name, field):
    assert isinstance(field, SensibleDateField), f"{form.__name__}.{name} is a date input without the window"
    today = timezone.localdate()
    birth = field.future_years == 0
    earliest = EARLIEST_BIRTH if birth else EARLIEST
    latest = today if birth else years_after(today, 2)
    assert field.earliest == earliest

    for day in (earliest, latest):
        assert field.clean(_typed(day)) == day

    with pytest.raises(ValidationError) as too_early:
        field.clean(["1", "1", "1900"])
    assert too_early.value.messages == [f"{_what(field)} must be the same as or after {earliest:%-d %B %Y}"]
    with pytest.raises(ValidationError) as too_late:
        field.clean(["1", "1", "9999"])
    if birth:
        assert too_late.value.messages == [f"{_what(field)} must be today or in the past"]
    else:
        assert too_late.value.messages == [f"{_what(field)} must be the same as or before {latest:%-d %B %Y}"]
    for outside in (earliest - dt.timedelta(days=1), latest + dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            field.clean(_typed(outside))


@pytest.mark.parametrize(
    ("day", "kwargs", "message"),
    [
        (dt.date(1989, 12, 31), {}, "Date of the review must be the same as or after 1 January 1990"),
        (dt.date(2030, 1, 2), {}, "Date of the review must be the same as or before 1 January 2030"),
        (dt.date(1971, 12, 31), {"earliest": EARLIEST_BIRTH, "future_years": 0}, "1 January 1972"),
        (dt.date(2028, 1, 2), {"earliest": EARLIEST_BIRTH, "future_years": 0}, "must be today or in the past"),
    ],
)
def test_the_window_table(day, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        validate_sensible_date(day, what="Date of the review", today=dt.date(2028, 1, 1), **kwargs)
    for inside in (dt.date(1990, 1, 1), dt.date(2030, 1, 1)):
        validate_sensible_date(inside, what="Date of the review", today=dt.date(2028, 1, 1))


def test_two_years_after_29_february_is_28_february():
    assert years_after(dt.date(2028, 2, 29), 2) == dt.date(2030, 2, 28)


# --- Through the pages ---------------------------------------------------------------------------


def _date(name: str, day: list[str]) -> dict:
    return {f"{name}_0": day[0], f"{name}_1": day[1], f"{name}_2": day[2]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["1", "1", "9999"], "Date of the review must be the same as or before {latest}"),
        (["1", "1", "1900"], "Date of the review must be the same as or after 1 January 1990"),
    ],
)
def test_a_booking_for_9999_or_1900_is_refused_with_a_message_and_nothing_booked(client_for, iro, typed, message):
    child = make_child_in_care(iro=iro, looked_after_on=dt.date(2025, 6, 2))
    latest = f"{years_after(timezone.localdate(), 2):%-d %B %Y}"

    response = client_for(iro).post(reverse("reviews:book", args=[child.pk]), {**_date("booked_for", typed)})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert message.format(latest=latest) in response.text
    assert not Review.objects.filter(child=child).exists()


@pytest.mark.django_db
def test_a_booking_two_years_ahead_is_accepted(client_for, iro):
    child = make_child_in_care(iro=iro, looked_after_on=dt.date(2025, 6, 2))
    latest = years_after(timezone.localdate(), 2)

    response = client_for(iro).post(
        reverse("reviews:book", args=[child.pk]),
        {**_date("booked_for", _typed(latest)), "venue": "", **book_anyway(child, latest)},
    )

    assert response.status_code == 302
    assert Review.objects.get(child=child).booked_for == latest


@pytest.mark.django_db
def test_a_review_recorded_in_1900_is_refused_on_its_page(client_for, iro):
    child = make_child_in_care(iro=iro, looked_after_on=dt.date(2025, 6, 2))

    response = client_for(iro).post(reverse("reviews:record", args=[child.pk]), _date("held_on", ["3", "3", "1900"]))

    assert response.status_code == 200
    assert "Date the review was held must be the same as or after 1 January 1990" in response.text
    assert not Review.objects.filter(child=child).exists()
