"""Forms of the retention pages: a manager proposes to anonymise or destroy a record past its
retention date, and a second manager decides (docs/rules.md#retention)."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from django import forms

from iro_service.forms import GDSForm, radio_field, text_field


class RetentionProposalForm(GDSForm, forms.Form):
    submit_text = "Propose it to a second manager"
    action = radio_field(
        "What should happen to the record?",
        message="Choose whether to anonymise or destroy the record",
        choices=[
            Choice(
                "anonymise",
                "Anonymise it",
                hint="Names, reference, pupil number, postcodes and everything typed are removed; the date of "
                "birth becomes the 1st of its month. Dates and codes stay for the statistics.",
            ),
            Choice(
                "destroy", "Destroy it", hint="Every row about the child is deleted, with its history and audit trail."
            ),
        ],
    )
    reason = text_field(
        "Why now",
        rows=4,
        help_text="Say what you checked, for example that no complaint, claim or inquiry needs the record kept. "
        "Do not name the child: this is removed when it is carried out.",
        message="Say why the record should be anonymised or destroyed now",
    )


class RetentionDecisionForm(GDSForm, forms.Form):
    submit_text = "Confirm the decision"
    decision = radio_field(
        "Your decision",
        message="Choose whether to approve or refuse the proposal",
        choices=[
            Choice("approve", "Approve: carry it out now", hint="This cannot be undone."),
            Choice("refuse", "Refuse: keep the record", hint="The proposer can withdraw it this way too."),
        ],
    )
    confirm = forms.BooleanField(
        required=False,
        label="I have checked that nothing needs this record kept: no complaint, claim, inquiry or request for it",
    )

    def __init__(self, *args, can_approve: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_approve:  # the proposer: another manager must approve, but they may withdraw
            self.fields["decision"].choices = [Choice("refuse", "Withdraw the proposal: keep the record")]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve" and not cleaned.get("confirm"):
            self.add_error("confirm", "Confirm that nothing needs the record kept before you approve")
        return cleaned
