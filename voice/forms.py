"""The public form a link opens, built from the questions of its ``voice.questions.FORMS`` entry
(docs/rules.md#the-childs-voice).

One GOV.UK form per form kind: small radios for a choice, a text box whose hint states its
character limit for free text (the limit is in the words, so it works without JavaScript, and
the box has no ``maxlength``: a longer answer is refused with a message, never cut off
silently), a one-line box for a short answer, a tick box for consent. Every answer is
optional. This form only checks and redraws what was typed: ``voice.services.response_submit``
checks the answers again (``questions.clean_answers``) and is the only thing that keeps them.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.validators import MaxLengthValidator

from iro_service.forms import TextBoundField

from .questions import CHOICE, CONSENT, FORMS, TEXT, Question

SUBMIT_TEXT = "Send my answers"
#: The error when nothing at all was answered (the link stays open for a real answer).
NOTHING_ANSWERED = "Answer at least one question before you send your answers."


def _limit_message(question: Question) -> str:
    return f"Your answer must be {question.limit:,} characters or fewer."


def _field(question: Question) -> forms.Field:
    if question.kind == CHOICE:
        return forms.ChoiceField(
            label=question.label,
            help_text=question.hint,
            required=False,
            choices=list(question.choices),
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": f"Choose one of the answers to: {question.label}"},
        )
    if question.kind == CONSENT:
        return forms.BooleanField(label=question.label, help_text=question.hint, required=False)
    # crispy-forms-gds adds the character count's message to ``aria-describedby`` and expects the key.
    widget = forms.Textarea(attrs={"rows": 5, "aria-describedby": ""}) if question.kind == TEXT else forms.TextInput()
    return forms.CharField(
        label=question.label,
        help_text=question.hint,
        required=False,
        widget=widget,
        validators=[MaxLengthValidator(question.limit, message=_limit_message(question))],
    )


def _layout_item(question: Question):
    if question.kind == CHOICE:
        return Field.radios(question.id, legend_size=Size.SMALL, small=True)
    if question.kind == CONSENT:
        return Field.checkbox(question.id, small=True)
    if question.kind == TEXT:
        return Field.textarea(question.id, label_size=Size.SMALL, max_characters=question.limit)
    return Field.text(question.id, label_size=Size.SMALL)


class VoiceForm(forms.Form):
    """The questions of ``form_kind``, drawn with crispy-forms-gds; labels and hints are text."""

    bound_field_class = TextBoundField

    def __init__(self, form_kind: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = FORMS[form_kind]
        for question in self.questions.questions:
            self.fields[question.id] = _field(question)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(*(_layout_item(question) for question in self.questions.questions))
        self.helper.add_input(Submit("send", SUBMIT_TEXT))

    def clean(self):
        cleaned = super().clean()
        answered = [
            name
            for name, value in cleaned.items()
            if self.questions.question(name).kind != CONSENT and isinstance(value, str) and value.strip()
        ]
        if not answered and not self.errors:
            first = self.questions.questions[0].id
            self.add_error(first, NOTHING_ANSWERED)
        return cleaned

    def add_service_errors(self, error_dict: dict[str, list[str]]) -> None:
        """Show the errors ``response_submit`` found, each on its own question."""
        for name, messages in error_dict.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
