"""Forms of the reporting pages. They check the shape of input only (STYLE.md 10)."""

from __future__ import annotations

from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.core.validators import MaxLengthValidator

from children.forms import IROChoiceField, iro_queryset
from children.models import Team
from iro_service.forms import GDSForm, filter_panel_helper, text_field
from iro_service.locked_forms import LockedForm
from iro_service.periods import ReportingYear
from reviews.codes import Participation


def _text(label: str, hint: str, *, rows: int = 8) -> forms.CharField:
    return text_field(
        label,
        rows=rows,
        help_text=hint,
        required=False,
        # A validator, not max_length: no maxlength attribute silently cutting off a paste.
        validators=[MaxLengthValidator(20_000, f"{label} must be 20,000 characters or fewer")],
    )


class NarrativeForm(LockedForm, GDSForm, forms.Form):
    """The manager's words for the report (IRO Handbook para 7.11; NAIRO, docs/sources.md#nairo-2019). Every
    section may be left empty and filled in later; the report prints what is there."""

    submit_text = "Save the narrative"
    conflict_title = "The narrative as it is saved now"

    introduction = _text("Introduction", "The service, its purpose and the year in brief.")
    independence = _text(
        "Independence of the service and any barriers",
        "How independent the IRO service is, any barriers IROs met, the arrangements for "
        "independent legal advice, and the service-wide themes IROs raised.",
    )
    childrens_feedback = _text(
        "Children's feedback", "What children and young people told the service about their reviews and their IROs."
    )
    last_year_objectives = _text(
        "Last year's objectives reviewed", "Each objective set a year ago and what came of it."
    )
    next_year_objectives = _text("Next year's objectives", "What the service will do in the coming year.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Through a layout, a stale edit's message shows once, in the error summary, and not
        # again above the first field as an unstyled list.
        self.helper.layout = Layout(*self.fields)
        self.helper.label_size = self.helper.legend_size = Size.SMALL  # a layout takes sizes, not classes

    @staticmethod
    def initial_for(narrative) -> dict:
        """The saved words and version, or an empty form at version 0 before the first save."""
        if narrative is None:
            return {"version": 0}
        names = [name for name in NarrativeForm.base_fields if name != "version"]
        return {**{name: getattr(narrative, name) for name in names}, "version": narrative.version}


class _FilterForm(GDSForm, forms.Form):
    """A GET form in the grey filter panel (``iro_service.forms.filter_panel_helper``)."""

    submit_text = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = filter_panel_helper(self)


class DashboardFilterForm(_FilterForm):
    iro = IROChoiceField(queryset=Team.objects.none(), label="IRO", required=False, empty_label="All IROs")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team", required=False, empty_label="All teams")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iro"].queryset = iro_queryset()
        self.fields["team"].queryset = Team.objects.order_by("name")

    def scope_filters(self) -> dict:
        """``iro_id``/``team_id`` for ``reporting.figures.Scope``: none while the form has errors."""
        if not self.is_valid():
            return {}
        iro, team = self.cleaned_data.get("iro"), self.cleaned_data.get("team")
        return {"iro_id": iro.pk if iro else None, "team_id": team.pk if team else None}


RECORD_KINDS = [
    ("reviews", "Reviews held"),
    ("late_reviews", "Reviews held late"),
    ("records_late", "Records not distributed in time"),
    ("participation", "Reviews by participation"),
    ("not_held", "Reviews due but not held"),
]

#: Months of a reporting year, April first, as the figures print them.
MONTHS = [
    (4, "April"),
    (5, "May"),
    (6, "June"),
    (7, "July"),
    (8, "August"),
    (9, "September"),
    (10, "October"),
    (11, "November"),
    (12, "December"),
    (1, "January"),
    (2, "February"),
    (3, "March"),
]


class RecordsForm(_FilterForm):
    """The reviews behind a figure: the query string the dashboard's links carry."""

    kind = forms.ChoiceField(label="Reviews", choices=RECORD_KINDS, error_messages={"required": "Choose which reviews"})
    year = forms.ChoiceField(label="Reporting year", error_messages={"invalid_choice": "Choose a reporting year"})
    month = forms.TypedChoiceField(
        label="Month",
        help_text="The month held; for reviews not held, the month due",
        choices=[("", "The whole year"), *MONTHS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    code = forms.ChoiceField(
        label="Participation",
        choices=[("", "Any participation"), *[(c.value, f"{c.value}: {c.label}") for c in Participation]],
        required=False,
    )
    in_time = forms.TypedChoiceField(
        label="Held within timescale",
        choices=[("", "In time or late"), ("1", "In time"), ("0", "Late")],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    iro = IROChoiceField(queryset=Team.objects.none(), label="IRO", required=False, empty_label="Any IRO")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team", required=False, empty_label="Any team")

    def __init__(self, *args, years: list[ReportingYear], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year.label, year.label) for year in reversed(years)]
        self.fields["iro"].queryset = iro_queryset()
        self.fields["team"].queryset = Team.objects.order_by("name")

    def clean_year(self) -> ReportingYear:
        return ReportingYear.parse(self.cleaned_data["year"])


class PublishForm(GDSForm, forms.Form):
    """Confirming that a version goes to the committee. ``needs_reason``: the page has said why
    it should wait (``services.publish_concerns``), so the manager may give a reason to publish
    anyway; the service refuses it without one."""

    submit_text = "Publish the report"

    reason = text_field(
        "Reason for publishing anyway",
        required=False,
        help_text="The committee and the service see this with the report.",
        validators=[MaxLengthValidator(2_000, "The reason must be 2,000 characters or fewer")],
    )

    def __init__(self, *args, needs_reason: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_reason:
            del self.fields["reason"]


class WithdrawForm(GDSForm, forms.Form):
    """Taking a published version away from the committee: the reason is required and kept."""

    submit_text = "Withdraw the report"

    reason = text_field(
        "Why are you withdrawing it?",
        message="Enter why you are withdrawing the report",
        help_text="For example, a figure was wrong. This is kept with the version.",
        validators=[MaxLengthValidator(2_000, "The reason must be 2,000 characters or fewer")],
    )
