"""``text_field`` and ``radio_field``: the free-text box and the radios that every form builds the same way."""

from django import forms

from iro_service.forms import radio_field, text_field


class NoteForm(forms.Form):
    note = text_field("Note", rows=6, message="Enter the note", help_text="In plain words.")
    aside = text_field("Aside (optional)", rows=2, required=False, max_length=10)


def test_a_required_box_left_empty_says_the_message_given():
    form = NoteForm(data={"note": "", "aside": ""})

    assert form.errors == {"note": ["Enter the note"]}


def test_the_box_is_as_many_rows_high_as_asked_and_keeps_its_other_arguments():
    form = NoteForm()

    assert 'rows="6"' in str(form["note"])
    assert 'rows="2"' in str(form["aside"])
    assert form.fields["note"].help_text == "In plain words."
    assert form.fields["aside"].max_length == 10


def test_an_optional_box_may_be_left_empty():
    form = NoteForm(data={"note": "Seen at home", "aside": ""})

    assert form.is_valid()
    assert form.cleaned_data == {"note": "Seen at home", "aside": ""}


class ChoiceForm(forms.Form):
    kind = radio_field("Kind", message="Choose the kind", choices=[("a", "A"), ("b", "B")])
    number = radio_field(
        "Number", field_class=forms.TypedChoiceField, coerce=int, choices=[("1", "One")], required=False
    )


def test_radios_left_unchosen_say_the_message_given():
    form = ChoiceForm(data={})

    assert form.errors == {"kind": ["Choose the kind"]}


def test_radios_are_radios_of_the_field_class_asked_for():
    form = ChoiceForm(data={"kind": "b", "number": "1"})

    assert isinstance(form.fields["kind"].widget, forms.RadioSelect)
    assert isinstance(form.fields["number"], forms.TypedChoiceField)
    assert form.is_valid()
    assert form.cleaned_data == {"kind": "b", "number": 1}
