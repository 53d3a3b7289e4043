"""Review forms: the shape of input only. Rules across records (dates within care, PN0 and age,
the order of reviews) are checked by the services and attached to these forms by the views."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Layout, Size
from django import forms

from iro_service.forms import GDSForm, SensibleDateField, TextForm, radio_field, text_field
from iro_service.locked_forms import LockedForm, LockedRows

from ..codes import ActionStatus, ParentParticipation, ParticipantRole, Participation, ReviewType
from ..services import ActionInput
from ..services.reviews import REVIEW_FIELDS

DATE_HINT = "For example, 27 3 2026"


class ReviewBookForm(GDSForm, forms.Form):
    submit_text = "Book review"
    booked_for = SensibleDateField(label="Date of the review", help_text=DATE_HINT)
    venue = forms.CharField(max_length=200, required=False, help_text="For example, the carer's home or online.")


class ReviewRecordForm(LockedForm, GDSForm, forms.Form):
    """What happened at the review. The actions come in ``ActionFormSet``; when the record is
    changed, they are merged row by row with anyone else's changes (``LockedForm``)."""

    submit_text = "Save review"
    conflict_title = "The record as it is saved now"
    locked_rows = {
        "actions": LockedRows(
            related_name="actions",
            noun="Action",
            fields=("description", "owner", "due_on", "status"),
            order_by=("due_on", "pk"),
        )
    }

    held_on = SensibleDateField(label="Date the review was held", help_text=DATE_HINT)
    additional = forms.BooleanField(
        required=False,
        label="This was an additional or early review",
        help_text="For example, brought forward after a significant change. The next review is due from this date.",
    )
    venue = forms.CharField(max_length=200, required=False)
    invited = forms.MultipleChoiceField(
        choices=ParticipantRole.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Who was invited"
    )
    attended = forms.MultipleChoiceField(
        choices=ParticipantRole.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Who took part"
    )
    others_present = forms.CharField(
        max_length=500, required=False, label="Names and roles of others who took part (optional)"
    )
    participation_code = radio_field(
        "How the child took part",
        message="Choose how the child took part in the review",
        choices=[(code, f"{code}: {label}") for code, label in Participation.choices],
        help_text="The SSDA903 participation code. PN0 is for a child under 4 on the review date, and only for them.",
    )
    parents_participation = radio_field(
        "How the parents took part", message="Choose how the parents took part", choices=ParentParticipation.choices
    )
    parents_not_invited_reason = text_field(
        "Why the parents were not invited",
        rows=3,
        required=False,
        help_text="Only when the parents were not invited.",
    )
    wishes_and_feelings = text_field(
        "The child's wishes and feelings",
        rows=5,
        help_text="In the child's own words where you can.",
        message="Enter the child's wishes and feelings",
    )
    discussion = text_field("Summary of the discussion (optional)", rows=5, required=False)
    child_friendly_summary = text_field(
        "What we agreed we will do",
        rows=5,
        help_text="Written to the child, for example: 'Dear Sam, at your review we agreed...'",
        message="Enter the summary for the child",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    #: Radios drawn with ``ConditionalRadios``, whose inputs are numbered from 0 (the error summary's links).
    conditional_radios = ("parents_participation",)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["version"]
        self.helper.inputs = []  # the page puts the button after the actions
        # The reason box is revealed under "Not invited" (GOV.UK conditional reveal). Without
        # JavaScript the box is always shown, and the form asks for it only with that answer.
        parents = ConditionalRadios(
            "parents_participation",
            *[
                ConditionalQuestion(label, "parents_not_invited_reason")
                if value == ParentParticipation.NOT_INVITED
                else label
                for value, label in ParentParticipation.choices
            ],
        )
        self.helper.label_size, self.helper.legend_size = Size.SMALL, Size.SMALL  # a layout takes sizes
        self.helper.layout = Layout(
            *[
                parents if name == "parents_participation" else name
                for name in self.fields
                if name != "parents_not_invited_reason"
            ]
        )

    def record_values(self, review):
        values = {name: getattr(review, name) if review else None for name in REVIEW_FIELDS}
        values["additional"] = review.review_type == ReviewType.ADDITIONAL if review else False
        return values

    def change_sources(self, review):
        return [(review, {**{name: name for name in REVIEW_FIELDS}, "review_type": "additional"})]

    def clean(self):
        cleaned = super().clean()
        invited, attended = set(cleaned.get("invited", [])), set(cleaned.get("attended", []))
        if attended - invited:
            cleaned["invited"] = sorted(invited | attended)  # whoever took part was, in effect, invited
        reason = cleaned.get("parents_not_invited_reason", "").strip()
        if cleaned.get("parents_participation") == ParentParticipation.NOT_INVITED and not reason:
            self.add_error("parents_not_invited_reason", "Enter why the parents were not invited")
        return cleaned


class ActionForm(TextForm):
    """One SMART action: what, who, by when (and its status when editing)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = text_field("What will be done", rows=2, required=False)
    owner = forms.CharField(max_length=200, label="Who will do it", required=False)
    due_on = SensibleDateField(label="By when", help_text=DATE_HINT, required=False, what="The date it is due by")
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.for_label(Size.SMALL)

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
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


class BaseActionFormSet(forms.BaseFormSet):
    def actions(self) -> list[ActionInput]:
        """The filled-in actions as service input; blank rows are ignored."""
        return [
            ActionInput(
                id=form.cleaned_data.get("id"),
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
                status=form.cleaned_data.get("status") or ActionStatus.OPEN,
            )
            for form in self.forms
            if form.cleaned_data and not form.is_blank()
        ]


ActionFormSet = forms.formset_factory(ActionForm, formset=BaseActionFormSet, extra=3, max_num=30)


class DistributionForm(LockedForm, GDSForm, forms.Form):
    submit_text = "Save record dates"
    record_completed_on = SensibleDateField(label="Date the record was completed", help_text=DATE_HINT, required=False)
    record_distributed_on = SensibleDateField(
        label="Date the record was sent to the child, parents and professionals", help_text=DATE_HINT, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def _reason_and_consent(reason: str, *, change: str, done: str) -> tuple[forms.CharField, forms.BooleanField]:
    """The reason for moving or cancelling a review, and the IRO's consent to ``change``."""
    return (
        text_field(reason, rows=3),
        forms.BooleanField(
            label=f"The IRO agrees to {change}",
            required=False,
            help_text=f"A review can only be {done} with the IRO's consent.",
        ),
    )


class RescheduleForm(GDSForm, forms.Form):
    submit_text = "Move the review"
    new_date = SensibleDateField(label="New date", help_text=DATE_HINT, what="The new date")
    reason, iro_consented = _reason_and_consent("Reason for the change", change="the change", done="moved")


class CancelForm(GDSForm, forms.Form):
    submit_text = "Cancel the review"
    reason, iro_consented = _reason_and_consent("Reason for cancelling", change="the cancellation", done="cancelled")


class ActionStatusForm(GDSForm, forms.Form):
    submit_text = "Update"
    status = forms.ChoiceField(choices=ActionStatus.choices, label="Status")
