"""Every link of a GOV.UK error summary lands on an input of the page: a radio or checkbox
group's error links to its first input (crispy-forms-gds numbers them from 1), a date to its day."""

import re

from django import forms
from django.template import Context, Template

from iro_service.forms import GDSForm, SensibleDateField


class Everything(GDSForm, forms.Form):
    name = forms.CharField(label="Name")
    colour = forms.ChoiceField(label="Colour", choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
    people = forms.MultipleChoiceField(
        label="People", choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple
    )
    day = SensibleDateField(label="Day")


def _page(form) -> str:
    return Template("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}").render(
        Context({"form": form})
    )


def test_each_error_summary_link_lands_on_an_element_of_the_page():
    html = _page(Everything(data={}))

    targets = re.findall(r'<a href="#([^"]+)">', html)
    assert len(targets) == 4
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert [t for t in targets if t not in ids] == []
    assert {"id_colour_1", "id_people_1"} <= set(targets)


def test_a_group_links_its_errors_to_its_first_input_only_when_it_has_errors():
    html = _page(Everything(data={"colour": "r", "people": ["2"], "name": "x"}))
    assert "id_colour_1" not in re.findall(r'<a href="#([^"]+)">', html)
