"""Review forms: the shape of input only. Rules across records (dates within care, PN0 and age,
the order of reviews) are checked by the services and attached to these forms by the views."""

from __future__ import annotations

import hashlib
from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.http import QueryDict

from iro_service.forms import GDSForm, SensibleDateField, TextForm, radio_field, text_field
from iro_service.locked_forms import LockedForm, LockedRows

from ..codes import (
    ActionStatus,
    DistributedDocument,
    DistributionMethod,
    ParentParticipation,
    ParticipantRole,
    Participation,
    ReviewType,
)
from ..services import ActionInput, SentInput
from ..services.reviews import REVIEW_FIELDS

DATE_HINT = "For example, 27 3 2026"


class ContactChoiceField(forms.ModelMultipleChoiceField):
    """The people around the child to tick: each with their role, and whether they get the
    invitation by email or by post, and any reason to take care (``Contact.notes``)."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "invalid_choice": "Choose only people around this child who hold their role now",
        "invalid_pk_value": "Choose only people around this child who hold their role now",
    }

    def label_from_instance(self, obj):
        how = "by email" if obj.email else "no email address: send by post"
        note = f" Note: {obj.notes}" if obj.notes else ""
        return f"{obj.name} ({obj.get_role_display()}), {how}.{note}"


def _invite_child_field() -> forms.BooleanField:
    return forms.BooleanField(
        required=False,
        label="Invite the child too",
        help_text="The child has no email address here: their invitation is listed to give in person or send by post.",
    )


def _warnings_field(label: str) -> forms.BooleanField:
    """Ticked to go ahead despite the warnings shown; hidden until there are any."""
    return forms.BooleanField(required=False, label=label, widget=forms.HiddenInput)


def _warnings_seen_field() -> forms.CharField:
    """The key of the warnings the IRO was shown (``warnings_key``) when they ticked the box."""
    return forms.CharField(required=False, widget=forms.HiddenInput, max_length=16)


class _TimeFields(TextForm):
    starts_at = forms.TimeField(
        label="Start time (optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text="Use the 24-hour clock, for example, 14:30",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={"invalid": "Enter a start time like 14:30"},
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=15,
        max_value=480,
        initial=90,
        required=False,
        help_text="If you leave it empty, 90 minutes",
        error_messages={
            "invalid": "Enter the length in minutes as a number, like 90",
            "min_value": "The review must last at least 15 minutes",
            "max_value": "The review must last 480 minutes (8 hours) or less",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
    )

    def clean_duration_minutes(self):
        return self.cleaned_data["duration_minutes"] or 90


def warnings_key(warnings) -> str:
    """A short digest of the warnings shown: "Book anyway" confirms these warnings, and only these."""
    return hashlib.sha256("\n".join(w.text for w in warnings).encode()).hexdigest()[:16]


def show_warnings(form: forms.Form, warnings) -> None:
    """Show the form's ``book_anyway`` box, unticked, with the key of the warnings it would
    confirm: each new set of warnings (a changed date or time) is confirmed afresh."""
    form.fields["book_anyway"].widget = forms.CheckboxInput()
    data = QueryDict(mutable=True)
    data.update(form.data)
    data.pop(form.add_prefix("book_anyway"), None)
    data[form.add_prefix("warnings_seen")] = warnings_key(warnings)
    form.data = data


class ReviewBookForm(GDSForm, _TimeFields):
    submit_text = "Book review"
    field_order = ["booked_for", "starts_at", "duration_minutes", "venue", "invite", "invite_child"]
    booked_for = SensibleDateField(label="Date of the review", help_text=DATE_HINT)
    venue = forms.CharField(max_length=200, required=False, help_text="For example, the carer's home or online.")
    invite = ContactChoiceField(
        queryset=None,
        required=False,
        label="Who to invite",
        help_text="Parents, family and others are not emailed the venue: it is often where the child lives.",
    )
    invite_child = _invite_child_field()
    book_anyway = _warnings_field("Book anyway")
    warnings_seen = _warnings_seen_field()

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invite"].queryset = contacts
        if not contacts.exists():
            del self.fields["invite"]


class InvitationsForm(GDSForm, forms.Form):
    submit_text = "Send invitations"
    invite = ContactChoiceField(
        queryset=None,
        required=False,
        label="Who to invite",
        help_text="Parents, family and others are not emailed the venue: it is often where the child lives.",
    )
    invite_child = _invite_child_field()

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invite"].queryset = contacts
        if not contacts.exists():
            del self.fields["invite"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("invite") and not cleaned.get("invite_child") and not self.errors:
            self.add_error("invite" if "invite" in self.fields else "invite_child", "Choose who to invite")
        return cleaned


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
        help_text='Only if you chose "Not invited (reason recorded)" above.',
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

    def __init__(self, *args, editing: bool = False, conveyed: str = "", child_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["version"]
        if conveyed:  # the child conveyed their views before the review (REVIEW_VIEWS_CONVEYED)
            field = self.fields["participation_code"]
            field.help_text = (
                f"PN6 because {conveyed}; choose another code if {child_name or 'the child'} attended. "
                f"{field.help_text}"
            )
        self.helper.inputs = []  # the page puts the button after the actions
        # The reason box always shows, under the radios, and is asked for only with "Not
        # invited". GOV.UK's conditional reveal would mark the radio aria-expanded, which a
        # radio may not have (axe-core's aria-allowed-attr), so the box is not hidden.

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
    """The distribution page's own fields; the people come in ``CopyFormSet``. The lock is the
    review's version: a copy someone else recorded meanwhile shows in the conflict panel."""

    submit_text = ""
    conflict_title = "The distribution as it is saved now"
    record_completed_on = SensibleDateField(label="Date the record was completed", help_text=DATE_HINT, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def record_facts(self, record) -> dict[str, tuple[str, str]]:
        copies = record.documents_sent.order_by("pk")
        lines = [f"{c.get_document_display()} to {c.name}: {_copy_words(c)}" for c in copies]
        return {"copies": ("Who was sent what", "\n".join(lines) or "Nobody recorded yet")}


def _copy_words(copy) -> str:
    if copy.sent_on is None:
        return f"not sent: {copy.not_sent_reason}"
    return f"{copy.get_method_display().lower()}, {copy.sent_on:%-d %B %Y}"


#: The method chosen when a person was deliberately not sent a document.
NOT_SENT = "not_sent"


class CopyForm(TextForm):
    """One person and one document: how and when it was sent, or why it was not. The last row
    of the list names "someone else" from a select of the child's other current contacts."""

    recipient = forms.ChoiceField(widget=forms.HiddenInput)
    document = forms.ChoiceField(choices=DistributedDocument.choices, widget=forms.HiddenInput)
    method = forms.ChoiceField(
        choices=[("", "Not recorded yet"), *DistributionMethod.choices, (NOT_SENT, "Not sent (say why)")],
        required=False,
    )
    sent_on = SensibleDateField(help_text=DATE_HINT, required=False, what="The date it was sent")
    not_sent_reason = forms.CharField(max_length=1000, required=False)

    def __init__(self, *args, recipients: dict[str, str], others: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.other = others is not None
        self.recipients = recipients
        field = cast(forms.ChoiceField, self.fields["recipient"])
        if others is not None:
            field.choices = [("", "Choose a person"), *others]
            field.widget = forms.Select(choices=field.choices)
            field.required = False
            field.label = "Someone else"
            self.initial.setdefault("document", DistributedDocument.RECORD)
        else:
            field.choices = list(recipients.items())
        document = DistributedDocument(self.initial.get("document", DistributedDocument.RECORD)).label.lower()
        self.fields["method"].label = f"How {document} was sent to {self.who}" if not self.other else "How it was sent"
        self.fields["sent_on"].label = "Date sent"
        self.fields["not_sent_reason"].label = "Reason not sent"
        self.fields["not_sent_reason"].help_text = "For example, contact would put the child at risk."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.for_label(Size.SMALL)
        self.helper.legend_size = Size.for_legend(Size.SMALL)

    @property
    def who(self) -> str:
        key = self.initial.get("recipient", "")
        return self.recipients.get(key, "this person")

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        filled = ("method", "sent_on", "not_sent_reason") + (("recipient",) if self.other else ())
        return not any(data.get(name) for name in filled)

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        if self.other and not cleaned.get("recipient") and "recipient" not in self.errors:
            self.add_error("recipient", "Choose who else the record went to")
        method = cleaned.get("method")
        if not method:
            self.add_error("method", "Choose how it was sent, or that it was not sent")
        elif method == NOT_SENT:
            cleaned["sent_on"] = None
            if not cleaned.get("not_sent_reason", "").strip():
                self.add_error("not_sent_reason", "Enter why it was not sent")
        else:
            cleaned["not_sent_reason"] = ""
            if not cleaned.get("sent_on") and "sent_on" not in self.errors:
                self.add_error("sent_on", "Enter the date it was sent")
        return cleaned

    def as_input(self, row: int) -> SentInput:
        data = self.cleaned_data
        sent = data["method"] != NOT_SENT
        return SentInput(
            recipient=data["recipient"],
            document=data["document"],
            method=data["method"] if sent else "",
            sent_on=data.get("sent_on") if sent else None,
            not_sent_reason=data.get("not_sent_reason", "") if not sent else "",
            row=row,
        )


class BaseCopyFormSet(forms.BaseFormSet):
    """The distribution list: a row per person and document the page lists (``initial``), then
    one for someone else. ``recipients``: every person a row may name (key to label)."""

    def __init__(self, *args, recipients: dict[str, str], others: list[tuple[str, str]], **kwargs):
        self.recipients = recipients
        self.others = others
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        listed = index is not None and index < len(self.initial or [])
        return {"recipients": self.recipients, "others": None if listed else self.others}

    def clean(self):
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.is_blank() or not data.get("recipient"):
                continue
            key = (data["recipient"], data.get("document"))
            if key in seen:
                raise forms.ValidationError("A person is in the list twice for the same document.")
            seen.add(key)

    def copies(self) -> list[SentInput]:
        """The rows filled in, as service input; blank rows are left as they are."""
        return [form.as_input(index) for index, form in enumerate(self.forms) if not form.is_blank()]


CopyFormSet = forms.formset_factory(CopyForm, formset=BaseCopyFormSet, extra=1, max_num=200)


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


class RescheduleForm(GDSForm, _TimeFields):
    submit_text = "Move the review"
    field_order = ["new_date", "starts_at", "duration_minutes", "venue", "reason", "iro_consented"]
    new_date = SensibleDateField(label="New date", help_text=DATE_HINT, what="The new date")
    venue = forms.CharField(max_length=200, required=False)
    reason, iro_consented = _reason_and_consent("Reason for the change", change="the change", done="moved")
    book_anyway = _warnings_field("Move it anyway")
    warnings_seen = _warnings_seen_field()

    def clean_iro_consented(self):
        # The service refuses too; checked here as well, so the page asks for it before any warnings.
        if not self.cleaned_data["iro_consented"]:
            raise forms.ValidationError("The IRO must agree before a review is moved or cancelled.")
        return True


class CancelForm(GDSForm, forms.Form):
    submit_text = "Cancel the review"
    reason, iro_consented = _reason_and_consent("Reason for cancelling", change="the cancellation", done="cancelled")


class ActionStatusForm(GDSForm, forms.Form):
    submit_text = "Update"
    status = forms.ChoiceField(choices=ActionStatus.choices, label="Status")
