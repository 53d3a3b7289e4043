"""The chair's forms (docs/rules.md#child-protection): the shape of input only. The rules across
records (a plan needs a category, an action is due after the conference, the held date is not
before the strategy discussion) are the services' (``conferences.services.record``), attached to
these forms by the views."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.conf import settings

from iro_service.forms import GDSForm, SensibleDateField, TextForm, radio_field, text_field
from reviews.codes import ActionStatus, DistributionMethod

from .codes import (
    AbuseCategory,
    Agency,
    ChildParticipation,
    ConferenceKind,
    Outcome,
    ParentParticipation,
    PlanEndReason,
)
from .services import AttendeeInput, MinutesSentInput, PlaceInput, PlanActionInput

DATE_HINT = "For example, 27 3 2026"


def _row_helper(form) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.for_label(Size.SMALL)
    helper.legend_size = Size.for_legend(Size.SMALL)
    return helper


class ConferenceRecordForm(GDSForm, forms.Form):
    """The conference's own answers; the people and each child's section are their own forms."""

    submit_text = ""
    held_on = SensibleDateField(label="Date the conference was held", help_text=DATE_HINT)
    minutes = text_field(
        "Summary of the discussion and the reasons for the decisions",
        rows=8,
        required=False,
        help_text="The minutes that go to the family and the agencies.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttendeeForm(TextForm):
    """One person invited: name, agency, role, and whether they came or sent a report."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(max_length=200, required=False, label="Name")
    agency = forms.ChoiceField(choices=[("", "Choose an agency"), *Agency.choices], required=False, label="Agency")
    role = forms.CharField(max_length=200, required=False, label="Role (optional)")
    attended = forms.BooleanField(required=False, label="Attended")
    sent_report = forms.BooleanField(required=False, label="Sent a report")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _row_helper(self)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("name") or data.get("agency") or data.get("role"))

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        if not cleaned.get("name", "").strip():
            self.add_error("name", "Enter their name")
        if not cleaned.get("agency"):
            self.add_error("agency", "Choose their agency")
        return cleaned


class BaseAttendeeFormSet(forms.BaseFormSet):
    def attendees(self) -> list[AttendeeInput]:
        return [
            AttendeeInput(
                id=f.cleaned_data.get("id"),
                name=f.cleaned_data["name"],
                agency=f.cleaned_data["agency"],
                role=f.cleaned_data.get("role", ""),
                attended=f.cleaned_data.get("attended", False),
                sent_report=f.cleaned_data.get("sent_report", False),
            )
            for f in self.forms
            if f.cleaned_data and not f.is_blank()
        ]


AttendeeFormSet = forms.formset_factory(AttendeeForm, formset=BaseAttendeeFormSet, extra=2, max_num=60)


class PlanActionForm(TextForm):
    """One SMART action of a child's plan."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = text_field("What will be done", rows=2, required=False)
    owner = forms.CharField(max_length=200, label="Who will do it", required=False)
    due_on = SensibleDateField(label="By when", help_text=DATE_HINT, required=False, what="The date it is due by")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _row_helper(self)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("description") or data.get("owner") or data.get("due_on"))

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        if not cleaned.get("description"):
            self.add_error("description", "Enter what will be done")
        if not cleaned.get("owner"):
            self.add_error("owner", "Enter who will do it")
        if not cleaned.get("due_on") and "due_on" not in self.errors:
            self.add_error("due_on", "Enter the date it will be done by")
        return cleaned


class BasePlanActionFormSet(forms.BaseFormSet):
    def actions(self) -> list[PlanActionInput]:
        return [
            PlanActionInput(
                id=f.cleaned_data.get("id"),
                description=f.cleaned_data["description"],
                owner=f.cleaned_data["owner"],
                due_on=f.cleaned_data["due_on"],
            )
            for f in self.forms
            if f.cleaned_data and not f.is_blank()
        ]


PlanActionFormSet = forms.formset_factory(PlanActionForm, formset=BasePlanActionFormSet, extra=2, max_num=30)


class ChildDecisionForm(TextForm):
    """One child's section: participation, views, the decision and its categories (radios for one
    category when ``CP_MULTIPLE_CATEGORIES`` is off, tick boxes otherwise), and why a plan ends."""

    child_participation = radio_field(
        "How the child took part", message="Choose how the child took part", choices=ChildParticipation.choices
    )
    parents_participation = radio_field(
        "How the parents took part", message="Choose how the parents took part", choices=ParentParticipation.choices
    )
    childs_views = text_field("The child's wishes and feelings", rows=4, required=False)
    outcome = radio_field("The decision", message="Choose the conference's decision", choices=())
    categories = forms.MultipleChoiceField(
        label="Categories of abuse",
        choices=AbuseCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Needed for a plan.",
    )
    end_reason = radio_field(
        "Why the plan ends", choices=PlanEndReason.choices, required=False, help_text="Only if the plan ends."
    )
    end_reason_detail = forms.CharField(
        max_length=400, required=False, label="The reason (if other)", help_text="Only if you chose Other."
    )

    def __init__(self, *args, kind: str, child_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.child_id = child_id
        outcomes = (
            (Outcome.PLAN, Outcome.NO_PLAN) if kind == ConferenceKind.INITIAL else (Outcome.CONTINUES, Outcome.ENDS)
        )
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]
        if not settings.CP_MULTIPLE_CATEGORIES:
            self.fields["categories"] = forms.ChoiceField(
                label="Category of abuse",
                choices=AbuseCategory.choices,
                widget=forms.RadioSelect,
                required=False,
                help_text="Needed for a plan.",
            )
        if kind == ConferenceKind.INITIAL:
            del self.fields["end_reason"]
            del self.fields["end_reason_detail"]
        self.helper = _row_helper(self)

    def place(self, actions: list[PlanActionInput]) -> PlaceInput:
        data = self.cleaned_data
        categories = data.get("categories") or []
        if isinstance(categories, str):
            categories = [categories]
        return PlaceInput(
            child_id=self.child_id,
            outcome=data["outcome"],
            categories=tuple(categories),
            child_participation=data["child_participation"],
            parents_participation=data["parents_participation"],
            childs_views=data.get("childs_views", ""),
            end_reason=data.get("end_reason", "") or "",
            end_reason_detail=data.get("end_reason_detail", "") or "",
            actions=tuple(actions),
        )


class PlanActionStatusForm(GDSForm, forms.Form):
    submit_text = "Update"
    status = forms.ChoiceField(choices=ActionStatus.choices, label="Status")


class CoreGroupMemberForm(GDSForm, forms.Form):
    submit_text = "Add to the core group"
    name = forms.CharField(max_length=200, label="Name")
    agency = forms.ChoiceField(choices=[("", "Choose an agency"), *Agency.choices], label="Agency")
    role = forms.CharField(max_length=200, required=False, label="Role (optional)")
    joined_on = SensibleDateField(label="Date they joined", help_text=DATE_HINT)


class CoreGroupLeaveForm(GDSForm, forms.Form):
    submit_text = "Record that they left"
    left_on = SensibleDateField(label="Date they left", help_text=DATE_HINT)


class MinutesForm(GDSForm, forms.Form):
    """The minutes completed, and when they were sent to the family and the agencies."""

    submit_text = "Save"
    completed_on = SensibleDateField(label="Date the minutes were completed", help_text=DATE_HINT, required=False)
    distributed_on = SensibleDateField(label="Date the minutes were sent", help_text=DATE_HINT, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


#: The choice for minutes deliberately not sent to a person.
NOT_SENT = "not_sent"


class MinutesSentForm(GDSForm, forms.Form):
    """One person's copy of the minutes: how and when they were sent, or why not. Each person
    on the page has their own form (``prefix``: their key); ``recipient`` says whose was sent."""

    submit_text = "Save"
    recipient = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    method = radio_field(
        "How the minutes were sent",
        choices=[*DistributionMethod.choices, (NOT_SENT, "Not sent (say why)")],
        message="Select how the minutes were sent, or that they were not sent",
    )
    sent_on = SensibleDateField(label="Date sent", help_text=DATE_HINT, required=False)
    not_sent_reason = forms.CharField(
        label="Reason not sent (if not sent)",
        max_length=1000,
        required=False,
        help_text="For example, sending them would tell a parent where the child lives.",
    )

    def __init__(self, *args, who: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if who:
            self.fields["method"].label = f"How the minutes were sent to {who}"

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        if method == NOT_SENT:
            cleaned["sent_on"] = None
            if not cleaned.get("not_sent_reason", "").strip():
                self.add_error("not_sent_reason", "Enter why the minutes were not sent")
        elif method:
            cleaned["not_sent_reason"] = ""
            if not cleaned.get("sent_on") and "sent_on" not in self.errors:
                self.add_error("sent_on", "Enter the date the minutes were sent")
        return cleaned

    def as_input(self) -> MinutesSentInput:
        data = self.cleaned_data
        sent = data["method"] != NOT_SENT
        return MinutesSentInput(
            recipient=data["recipient"],
            method=data["method"] if sent else "",
            sent_on=data.get("sent_on") if sent else None,
            not_sent_reason="" if sent else data.get("not_sent_reason", ""),
        )
