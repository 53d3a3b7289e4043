"""The project's select widget template (templates/django/forms/widgets/select.html) writes each
option in place instead of including a template an option: the HTML must be Django's own."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting


class EverySelect(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any IRO"), ("1", "Ada <b>Okafor</b> & co"), ("2", "Bo")], initial="2")
    grouped = forms.ChoiceField(choices=[("North", [("x", "X"), ("y", "Y")]), ("z", "Z")], initial="y")
    several = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")], initial=["1", "3"])
    yes_no = forms.NullBooleanField(initial=True)
    typed = forms.TypedChoiceField(choices=[(1, "One"), (2, "Two")], coerce=int, initial=2)
    with_attrs = forms.ChoiceField(
        choices=[("a", "A")], widget=forms.Select(attrs={"class": "govuk-select", "aria-describedby": "hint"})
    )


@pytest.mark.parametrize("name", list(EverySelect.base_fields))
def test_the_select_renders_the_html_django_renders(name):
    ours = EverySelect(renderer=TemplatesSetting())[name].as_widget()
    djangos = EverySelect(renderer=DjangoTemplates())[name].as_widget()

    assert ours == djangos


def test_the_forms_render_through_the_project_templates(settings):
    assert settings.FORM_RENDERER == "django.forms.renderers.TemplatesSetting"
    html = EverySelect()["plain"].as_widget()

    assert '<option value="2" selected>Bo</option>' in html
    assert "Ada &lt;b&gt;Okafor&lt;/b&gt; &amp; co" in html  # a user-written label stays text
