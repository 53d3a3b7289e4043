"""The children list filters, worded as IROs and managers talk. Each delegates to a QuerySet method."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from iro_service.forms import FilterPanelForm

from . import codes
from .forms import IROChoiceField, iro_queryset


class IROFilter(django_filters.ModelChoiceFilter):
    field_class = IROChoiceField


class ChildFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Name or reference",
        method="filter_name",
        help_text="A first, last or preferred name, or both names, a local reference or a UPN",
    )
    iro = IROFilter(
        label="IRO",
        queryset=lambda request: iro_queryset(seen_by=request.user),
        method="filter_iro",
        empty_label="Any IRO",
    )
    legal_status = django_filters.ChoiceFilter(
        label="Legal status", choices=codes.LegalStatus.choices, method="filter_legal_status", empty_label="Any"
    )
    placement_type = django_filters.ChoiceFilter(
        label="Placement type", choices=codes.PlacementType.choices, method="filter_placement_type", empty_label="Any"
    )
    age_band = django_filters.ChoiceFilter(
        label="Age", choices=codes.AgeBand.choices, method="filter_age_band", empty_label="Any age"
    )
    status = django_filters.ChoiceFilter(
        label="Care status",
        choices=[("in_care", "Looked after now"), ("left_care", "Left care")],
        method="filter_status",
        empty_label="Looked after now or left care",
    )
    details = django_filters.ChoiceFilter(
        label="Details",
        choices=[("name_to_be_entered", "Name not entered yet (imported from SSDA903)")],
        method="filter_details",
        empty_label="Any",
    )

    class Meta:
        form = FilterPanelForm

    def filter_name(self, queryset, name, value):
        return queryset.matching(value)

    def filter_iro(self, queryset, name, value):
        return queryset.allocated_to(value)

    def filter_legal_status(self, queryset, name, value):
        return queryset.with_legal_status(value)

    def filter_placement_type(self, queryset, name, value):
        return queryset.with_placement_type(value)

    def filter_age_band(self, queryset, name, value):
        return queryset.aged(value, on=timezone.localdate())

    def filter_details(self, queryset, name, value):
        return queryset.awaiting_name()

    def filter_status(self, queryset, name, value):
        return queryset.in_care() if value == "in_care" else queryset.exclude(pk__in=queryset.in_care().values("pk"))
