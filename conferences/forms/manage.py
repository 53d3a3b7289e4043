"""The manager's forms (docs/rules.md#child-protection): the request for an initial conference,
the chair, booking, moving and cancelling. The shape of input only: the services check the rules
across records and the views attach them to these forms."""

from __future__ import annotations

import re

from django import forms

from iro_service.forms import FilterPanelForm, GDSForm, SensibleDateField, text_field
from reviews.forms.reviews import _TimeFields, _warnings_field, _warnings_seen_field

DATE_HINT = "For example, 27 3 2026"
#: Local references typed in one box: separated by commas, spaces or new lines.
_SEPARATORS = re.compile(r"[\s,;]+")


def _past_date(label: str, hint: str = DATE_HINT, **kwargs) -> SensibleDateField:
    return SensibleDateField(label=label, help_text=hint, future_years=0, **kwargs)


class ConferenceRequestForm(GDSForm, forms.Form):
    """The social work team's request. ``children`` is the queryset the references are looked up
    in (the children the manager may see); the cleaned value is the list of those children."""

    submit_text = "Record the request"
    children = forms.CharField(
        label="Local references of the children",
        max_length=500,
        help_text="One child, or all the brothers and sisters the conference is for, separated by commas. "
        "A child not on the system yet must be added first.",
    )
    family_name = forms.CharField(
        label="Family name", max_length=100, help_text="Shown on lists and calendars, for example, Smith."
    )
    requested_on = _past_date("Date the request was received")
    strategy_discussion_on = _past_date(
        "Date of the strategy discussion", "The initial conference is due within 15 working days of it. " + DATE_HINT
    )
    section_47_started_on = _past_date("Date the section 47 enquiry started")
    social_worker = forms.CharField(label="Social worker", max_length=200)
    social_work_team = forms.CharField(label="Social work team (optional)", max_length=200, required=False)

    def __init__(self, *args, children_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.children_queryset = children_queryset

    def clean_children(self):
        references = [r for r in _SEPARATORS.split(self.cleaned_data["children"]) if r]
        if not references:
            raise forms.ValidationError("Enter the local references of the children")
        found = {
            child.local_reference: child for child in self.children_queryset.filter(local_reference__in=references)
        }
        missing = [r for r in dict.fromkeys(references) if r not in found]
        if missing:
            raise forms.ValidationError(
                f"No child has the local reference {', '.join(missing)}. Check the reference, or add the child first."
            )
        return list({child.pk: child for child in found.values()}.values())


class ChairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        count = obj.cp_children
        children = "child" if count == 1 else "children"
        return f"{obj.get_full_name() or obj.username}: {count} {children} on child protection work"


class VersionForm(GDSForm, forms.Form):
    """A form of a conference: the version it was loaded with, for the optimistic lock."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ChairForm(VersionForm):
    submit_text = "Allocate the chair"
    chair = ChairChoiceField(
        queryset=None,
        label="Chair",
        empty_label="Choose a chair",
        help_text="IROs and child protection chairs, each with the children they chair conferences for now.",
    )
    reason = forms.CharField(
        label="Reason", max_length=255, help_text="For example, new request, or caseload balancing."
    )

    def __init__(self, *args, chairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs


class _Booking(_TimeFields):
    """The date, time, length and venue of a conference (120 minutes unless given)."""

    booked_for = SensibleDateField(label="Date of the conference", help_text=DATE_HINT)
    venue = forms.CharField(max_length=200, required=False, label="Venue (optional)")
    book_anyway = _warnings_field("Book anyway")
    warnings_seen = _warnings_seen_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        length = self.fields["duration_minutes"]
        length.initial = 120
        length.help_text = "If you leave it empty, 120 minutes"
        length.error_messages = {
            **length.error_messages,
            "min_value": "The conference must last at least 15 minutes",
            "max_value": "The conference must last 480 minutes (8 hours) or less",
        }

    def clean_duration_minutes(self):
        return self.cleaned_data["duration_minutes"] or 120


class BookForm(GDSForm, _Booking):
    submit_text = "Book the conference"
    field_order = ["booked_for", "starts_at", "duration_minutes", "venue"]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MoveForm(GDSForm, _Booking):
    submit_text = "Move the conference"
    field_order = ["booked_for", "starts_at", "duration_minutes", "venue", "reason"]
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = text_field("Reason for the change", rows=3)
    book_anyway = _warnings_field("Move it anyway")


class CancelForm(VersionForm):
    submit_text = "Cancel the conference"
    reason = text_field("Reason for cancelling", rows=3)


class ChairFilterForm(FilterPanelForm):
    """The list's filter: one chair's conferences."""

    chair = ChairChoiceField(queryset=None, required=False, label="Chair", empty_label="Every chair")

    def __init__(self, *args, chairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs
