"""The calendar feed page's one form: which button was pressed."""

from __future__ import annotations

from django import forms

from iro_service.forms import GDSForm


class FeedActionForm(GDSForm, forms.Form):
    CREATE = "create"
    REVOKE = "revoke"

    submit_text = ""
    action = forms.ChoiceField(
        choices=[(CREATE, "Create or replace the feed address"), (REVOKE, "Revoke the feed address")],
        error_messages={"required": "Choose whether to create or revoke the feed address"},
    )
