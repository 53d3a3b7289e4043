"""Forms of the SSDA903 page: choose a collection year to export; upload a return's CSVs."""

from __future__ import annotations

from django import forms

from iro_service.forms import GDSForm
from iro_service.periods import ReportingYear

from .services import max_upload_bytes, too_large_message


class ExportForm(GDSForm, forms.Form):
    submit_text = "Download the return"
    year = forms.ChoiceField(
        label="Collection year",
        help_text="1 April to 31 March. The return holds every child looked after at any time in the year.",
        error_messages={"required": "Choose the collection year", "invalid_choice": "Choose a year from the list"},
    )

    def __init__(self, *args, years: list[ReportingYear], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.label, y.label) for y in years]
        self.helper.form_method = "get"

    def clean_year(self):
        return ReportingYear.parse(self.cleaned_data["year"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "govuk-file-upload", "accept": ".csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(GDSForm, forms.Form):
    submit_text = "Check the return"
    files = MultipleFileField(
        label="The return's CSV files",
        help_text="Select Header and Episodes, and Reviews, UASC and PrevPerm if you have them. "
        "Files are recognised by their column headers; dates are written dd/mm/yyyy.",
        error_messages={"required": "Select the return's CSV files"},
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            if not upload.name.lower().endswith(".csv"):
                raise forms.ValidationError(f"{upload.name} is not a CSV file: save each table as CSV")
        if sum(upload.size for upload in files) > max_upload_bytes():
            raise forms.ValidationError(too_large_message())
        return files


class CensusForm(GDSForm, forms.Form):
    """The CIN census page: a census year and the file to download."""

    submit_text = "Download the return"
    year = forms.ChoiceField(
        label="Census year",
        help_text="1 April to 31 March; the reference date is the 31 March.",
        error_messages={"required": "Choose the census year", "invalid_choice": "Choose a year from the list"},
    )
    file_format = forms.ChoiceField(
        label="File",
        choices=[("xml", "XML, as the DfE's COLLECT system takes it"), ("csv", "CSV, the same fields in one table")],
        initial="xml",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose XML or CSV", "invalid_choice": "Choose XML or CSV"},
    )

    def __init__(self, *args, years: list[ReportingYear], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.label, y.label) for y in years]
        self.helper.form_method = "get"

    def clean_year(self):
        return ReportingYear.parse(self.cleaned_data["year"])
