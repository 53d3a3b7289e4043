"""The IRO's form to ask one person for their views or feedback (``voice.views.send``): how to
send their link, and, for the child (whose record holds no address), where to."""

from __future__ import annotations

from typing import cast

from django import forms

from iro_service.forms import GDSForm, radio_field

from .services.sending import EMAIL, SMS, WAYS, Person, uk_mobile


class SendForm(GDSForm, forms.Form):
    """One person's form (``prefix``: their key; the page's own ``person`` field says whose
    form was posted)."""

    submit_text = "Send"
    way = radio_field("How to send it", message="Select how to send the link")
    to = forms.CharField(
        label="Email address or mobile number (for an email or a text message)",
        max_length=254,
        required=False,
        help_text="The child's record holds no address: type the one they asked us to use.",
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person_row = person
        way_field = cast(forms.ChoiceField, self.fields["way"])
        way_field.choices = [(way, self._way_label(person, way)) for way in person.ways]
        self.fields["way"].label = f"How to send it to {person.name}"
        self.helper.inputs[0].value = f"Send to {person.name}"
        if not person.is_child:
            del self.fields["to"]

    @staticmethod
    def _way_label(person: Person, way: str) -> str:
        if way == EMAIL and person.email:
            return f"{WAYS[way]} to {person.email}"
        if way == SMS and person.mobile:
            return f"{WAYS[way]} to {person.mobile}"
        return WAYS[way]

    def clean(self):
        cleaned = super().clean()
        way, to = cleaned.get("way"), (cleaned.get("to") or "").strip()
        if not self.person_row.is_child or way not in (EMAIL, SMS):
            cleaned["to"] = ""
            return cleaned
        if not to:
            self.add_error("to", "Enter the email address or mobile number to send it to")
        elif way == EMAIL:
            try:
                forms.EmailField().clean(to)
            except forms.ValidationError:
                self.add_error("to", "Enter an email address in the correct format, like name@example.com")
        elif not uk_mobile(to):
            self.add_error("to", "Enter a UK mobile number, like 07700 900 982")
        cleaned["to"] = to
        return cleaned
