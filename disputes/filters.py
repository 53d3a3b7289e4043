"""The dispute dashboard's filters, worded as managers talk (STYLE.md 13).

The period is the reporting window: the dashboard shows disputes raised, open or closed in it
(``dashboard.active_between``), and counts what was raised and closed within it. The other
filters narrow which disputes count. Choices come from callables, never from module import.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

import django_filters
from django import forms
from django.http import QueryDict

from children.codes import AllocationWork
from children.forms import IROChoiceField, iro_queryset
from iro_service.forms import FilterPanelForm

from . import dashboard
from .codes import DisputeCategory, DisputeStatus
from .models import EscalationStage

THIS_MONTH, THIS_YEAR, LAST_YEAR, CUSTOM = "this_month", "this_year", "last_year", "custom"
PERIOD_CHOICES = [
    (THIS_MONTH, "This month"),
    (THIS_YEAR, "This reporting year"),
    (LAST_YEAR, "Last reporting year"),
    (CUSTOM, "Between two dates"),
]
DEFAULT_PERIOD = THIS_YEAR


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return dashboard.stage_label(obj.name, obj.raised_with)


class StageFilter(django_filters.ModelChoiceFilter):
    field_class = StageChoiceField


class IROFilter(django_filters.ModelChoiceFilter):
    field_class = IROChoiceField


def _date_widget():
    return forms.DateInput(attrs={"type": "date", "class": "govuk-input"}, format="%Y-%m-%d")


class DashboardFilterForm(FilterPanelForm):
    """Checks the shape of the period only: two dates, in order, when the period is custom."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") != CUSTOM:
            return cleaned
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start is None and "from_date" not in self.errors:
            self.add_error("from_date", "Enter the first day of the period")
        if end is None and "to_date" not in self.errors:
            self.add_error("to_date", "Enter the last day of the period")
        if start and end and start > end:
            self.add_error("to_date", "The last day must be the same as or after the first day")
        return cleaned


class DisputeDashboardFilter(django_filters.FilterSet):
    period = django_filters.ChoiceFilter(
        label="Period", choices=PERIOD_CHOICES, method="filter_through_period", empty_label=None
    )
    from_date = django_filters.DateFilter(
        label="From", method="filter_through_period", widget=_date_widget(), help_text="Used with ‘Between two dates’"
    )
    to_date = django_filters.DateFilter(label="To", method="filter_through_period", widget=_date_widget())
    stage = StageFilter(
        label="Stage now or at closing",
        field_name="current_stage",
        queryset=lambda request: EscalationStage.objects.order_by("number"),
        empty_label="Any stage",
    )
    category = django_filters.ChoiceFilter(label="About", choices=DisputeCategory.choices, empty_label="Any")
    work = django_filters.ChoiceFilter(label="Work", choices=AllocationWork.choices, empty_label="Both kinds of work")
    iro = IROFilter(
        label="IRO who raised it",
        field_name="raised_by",
        queryset=lambda request: iro_queryset(),
        empty_label="Any IRO",
    )
    status = django_filters.ChoiceFilter(label="Outcome", choices=DisputeStatus.choices, empty_label="Any outcome")

    class Meta:
        form = DashboardFilterForm

    def __init__(self, data=None, *args, today: date, **kwargs):
        """The dashboard always has a period: this reporting year unless one is chosen."""
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("period"):
            data["period"] = DEFAULT_PERIOD
        self.today = today
        super().__init__(data, *args, **kwargs)

    @cached_property
    def reporting_period(self) -> dashboard.Period:
        """The chosen period; this reporting year while a custom period has errors."""
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        choice = cleaned.get("period") or DEFAULT_PERIOD
        if choice == THIS_MONTH:
            return dashboard.calendar_month(self.today)
        if choice == LAST_YEAR:
            return dashboard.reporting_year(self.today, years_back=1)
        if choice == CUSTOM and cleaned.get("from_date") and cleaned.get("to_date"):
            return dashboard.between(cleaned["from_date"], cleaned["to_date"])
        return dashboard.reporting_year(self.today)

    @property
    def chosen_iro(self):
        self.form.is_valid()
        return self.form.cleaned_data.get("iro")

    @property
    def chosen_category(self) -> str:
        self.form.is_valid()
        return self.form.cleaned_data.get("category") or ""

    @property
    def query_string(self) -> str:
        """The filters as a query string, for links that keep them (the CSV download, the pages
        of the per-IRO table)."""
        data = self.data.copy()
        data.pop("apply", None)
        data.pop("iros_page", None)
        return data.urlencode()

    @property
    def iros(self):
        """Whose rows the per-IRO table shows, even with no disputes: the chosen IRO, or every IRO."""
        return [self.chosen_iro] if self.chosen_iro else iro_queryset()

    @property
    def qs_any_period(self):
        """The disputes every filter but the period lets through."""
        self.form.is_valid()
        return self.filter_queryset(self.queryset.all(), with_period=False)

    def filter_queryset(self, queryset, *, with_period=True):
        """Every filter, then the period (applied even when the period field had an error)."""
        for name, value in self.form.cleaned_data.items():
            queryset = self.filters[name].filter(queryset, value)
        return dashboard.active_between(queryset, self.reporting_period) if with_period else queryset

    def filter_through_period(self, queryset, name, value):
        return queryset  # the period and its dates act through ``reporting_period`` in ``filter_queryset``
