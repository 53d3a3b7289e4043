"""Forms for the IRO's footprint between reviews. They check the shape of input only; the
services refuse dates in the future or before the child became looked after."""

from __future__ import annotations

from django import forms

from iro_service.forms import GDSForm, SensibleDateField, radio_field, text_field

from ..codes import ActionStatus
from ..models import Action
from ..services.footprint import ProgressInput

YES_NO = [("yes", "Yes"), ("no", "No")]


def _date_field(label: str, *, help_text: str = "For example, 27 3 2025") -> SensibleDateField:
    return SensibleDateField(label=label, help_text=help_text)


class VisitForm(GDSForm, forms.Form):
    submit_text = "Record the visit"
    visited_on = _date_field("Date of the visit")
    seen_alone = radio_field(
        "Did you see the child alone?",
        message="Say whether you saw the child alone",
        field_class=forms.TypedChoiceField,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
    )
    notes = text_field(
        "What you saw and heard",
        rows=6,
        help_text="Include the child's wishes and feelings in their own words where you can.",
        message="Enter what you saw and heard",
    )


class MidwayReviewForm(GDSForm, forms.Form):
    """The date and notes of a midway review, and for each open action of the child how it
    stands and an optional note. The actions are passed in; their fields are built here."""

    submit_text = "Record the midway review"
    held_on = _date_field("Date of the midway review")
    notes = text_field(
        "Notes (optional)", rows=4, required=False, help_text="How the care plan is progressing overall."
    )

    def __init__(self, *args, actions: list[Action], **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for number, action in enumerate(self.actions, start=1):
            self.fields[self._status_name(action)] = radio_field(
                f"Action {number}: {action.description}",
                message=f"Choose how action {number} stands",
                help_text=f"{action.owner}, due by {action.due_on:%-d %B %Y}.",
                choices=ActionStatus.choices,
                initial=action.status,
            )
            self.fields[self._note_name(action)] = text_field(
                f"Progress note on action {number} (optional)", rows=2, required=False
            )

    @staticmethod
    def _status_name(action: Action) -> str:
        return f"action_{action.pk}_status"

    @staticmethod
    def _note_name(action: Action) -> str:
        return f"action_{action.pk}_note"

    def progress(self) -> list[ProgressInput]:
        """The progress of each action as the service takes it (call once the form is valid)."""
        return [
            ProgressInput(
                action_id=action.pk,
                status=self.cleaned_data[self._status_name(action)],
                note=self.cleaned_data[self._note_name(action)],
            )
            for action in self.actions
        ]


class CaseNoteForm(GDSForm, forms.Form):
    submit_text = "Add the case note"
    written_on = _date_field("Date the note is about")
    text = text_field("Case note", rows=8, message="Enter the case note")
