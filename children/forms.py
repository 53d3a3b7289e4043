"""Forms check the shape of input only; rules that span records live in the services."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from iro_service import roles
from iro_service.forms import EARLIEST_BIRTH, GDSForm, SensibleDateField, radio_field, text_field
from iro_service.locked_forms import LockedForm

from . import codes, rules
from .models import Child, CoverArrangement, IROProfile, SiblingGroup
from .querysets import iros_with_load
from .services.common import CHILD_EDITABLE_FIELDS

User = get_user_model()


class IROChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def _children(count: int) -> str:
    return f"{count} {'child' if count == 1 else 'children'}"


class IROLoadChoiceField(IROChoiceField):
    """An IRO with the children they hold and cover now, for choosing whom to give more:
    "Sam Jones: 64 children, covering 12", and "5 on child protection work" when they chair
    conferences (docs/rules.md#caseloads). Its queryset comes from ``iro_queryset_with_load``."""

    def label_from_instance(self, obj):
        label = f"{super().label_from_instance(obj)}: {_children(obj.caseload)}"
        if obj.child_protection:
            label += f", {obj.child_protection} on child protection work"
        label += f", covering {obj.covering}"
        return f"{label} (on leave today)" if obj.on_leave else label


def iro_queryset_with_load(*, on=None):
    """The active IROs by name, each with their caseload, the children they cover and whether
    they are on leave on ``on``: one query (``children.querysets.iros_with_load``)."""
    return iros_with_load(iro_queryset(), on=on)


def iro_queryset(*, seen_by: AbstractBaseUser | None = None):
    """The active IROs, by name. With ``seen_by``, only those whose children that user may see:
    every IRO for a manager; for an IRO, themselves and whom they cover (a filter offering the
    whole service's IROs to an IRO would list people whose children they cannot see)."""
    iros = User.objects.filter(is_active=True, groups__name=roles.IRO).order_by("last_name", "first_name")
    if seen_by is not None and not seen_by.has_perm("children.view_all_children"):
        iros = iros.filter(pk__in=CoverArrangement.objects.iros_of(seen_by))
    return iros


def _date_field(
    label: str, *, help_text: str = "For example, 27 3 2024", required: bool = True, **window
) -> SensibleDateField:
    return SensibleDateField(label=label, help_text=help_text, required=required, **window)


#: Dates of birth: from 1972 (a child looked after in 1990) to today.
BIRTH = {"earliest": EARLIEST_BIRTH, "future_years": 0}


class PostcodeCleaningMixin:
    def clean_placement_postcode(self):
        return self.cleaned_data["placement_postcode"].strip().upper()

    def clean_home_postcode(self):
        return self.cleaned_data["home_postcode"].strip().upper()


class CareFactsForm(PostcodeCleaningMixin, GDSForm, forms.Form):
    """Legal status and placement: the facts a care episode records."""

    legal_status = forms.ChoiceField(choices=[("", "Choose legal status"), *codes.LegalStatus.choices])
    placement_type = forms.ChoiceField(choices=[("", "Choose placement type"), *codes.PlacementType.choices])
    placement_provider = forms.ChoiceField(
        choices=[("", "Choose placement provider"), *codes.PlacementProvider.choices]
    )
    category_of_need = forms.ChoiceField(
        choices=codes.CategoryOfNeed.choices, initial=codes.CategoryOfNeed.N1, label="Category of need"
    )
    placement_postcode = forms.CharField(max_length=8, required=False, label="Placement postcode")
    home_postcode = forms.CharField(max_length=8, required=False, label="Home postcode")
    distance_from_home_miles = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
        label="Distance from home in miles",
        help_text="The annual report counts placements more than 20 miles from home.",
    )


class ChildDetailsForm(LockedForm, GDSForm, forms.ModelForm):
    """Identity details of a child; carries the version it was loaded with (optimistic lock)."""

    submit_text = "Save details"
    conflict_title = "The details as they are saved now"
    date_of_birth = _date_field("Date of birth", help_text="For example, 27 3 2012", **BIRTH)
    is_mother = radio_field(
        "Is she a mother?",
        field_class=forms.TypedChoiceField,
        help_text="Asked of every girl looked after (SSDA903 MOTHER). Leave as not known for a boy.",
        choices=[("True", "Yes"), ("False", "No"), ("", "Not known")],
        coerce=lambda value: value == "True",
        empty_value=None,
        required=False,
    )
    mother_child_dob = _date_field(
        "Date of birth of her child (optional)", help_text="For example, 27 3 2025", required=False, **BIRTH
    )
    previous_permanence = forms.ChoiceField(
        label="Previous permanence option",
        help_text="Before this period of care: adoption, a special guardianship order or a child arrangements "
        "order (SSDA903 PrevPerm, asked of every child who starts to be looked after).",
        choices=[("", "Not recorded"), *codes.PreviousPermanence.choices],
        required=False,
    )
    previous_permanence_la = forms.RegexField(
        label="Authority that arranged it (optional)",
        help_text="Its three-digit DfE number, for example 925",
        regex=r"^\d{3}$",
        max_length=3,
        required=False,
        error_messages={"invalid": "Enter the authority's three-digit DfE number, for example 925"},
    )
    previous_permanence_date = forms.RegexField(
        label="Date of the order (optional)",
        help_text="Written dd/mm/yyyy; write zz for a day or month that is not known, for example zz/06/2015",
        regex=r"^(\d{2}|[zZ]{2})/(\d{2}|[zZ]{2})/\d{4}$",
        max_length=10,
        required=False,
        error_messages={"invalid": "Write the date of the order as dd/mm/yyyy, for example 14/06/2015 or zz/06/2015"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Child
        #: the reference first on the page, then the fields ``child_update`` may change
        fields = ["local_reference", *(name for name in CHILD_EDITABLE_FIELDS if name != "local_reference")]
        labels = {"is_uasc": "Unaccompanied asylum-seeking child", "upn": "Unique pupil number (optional)"}
        widgets = {"sex": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sibling_group"].queryset = SiblingGroup.objects.order_by("name")
        self.fields["sibling_group"].required = False
        self.fields["preferred_name"].required = False
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def clean_upn(self):
        return self.cleaned_data["upn"].strip().upper()

    def clean(self):
        data = super().clean()
        for broken in rules.motherhood_broken(
            sex=data.get("sex"),
            is_mother=data.get("is_mother"),
            mother_child_dob=data.get("mother_child_dob"),
            date_of_birth=data.get("date_of_birth"),
        ):
            if broken.field not in self.errors:
                self.add_error(broken.field, broken.message)
        if data.get("previous_permanence") in ("P1", "P2", "P3"):
            # SSDA903 rule 630: a permanence option needs the authority and the date of the order.
            for name, what in (
                ("previous_permanence_la", "authority"),
                ("previous_permanence_date", "date of the order"),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, f"Enter the {what}: it is needed for this permanence option")
        return data

    def clean_previous_permanence_date(self):
        return self.cleaned_data["previous_permanence_date"].lower()


class ChildCreateForm(PostcodeCleaningMixin, ChildDetailsForm):
    """A child becoming looked after: identity, the start of care, the placement and the IRO."""

    submit_text = "Add child"
    looked_after_on = _date_field("Date the child became looked after")
    iro = IROChoiceField(queryset=User.objects.none(), label="IRO", empty_label="Choose an IRO")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        self.fields["iro"].queryset = iro_queryset()
        self.fields["previous_permanence"].required = True
        self.fields["previous_permanence"].error_messages["required"] = (
            "Choose the child's previous permanence option, or no previous permanence option"
        )
        facts = CareFactsForm()
        for name, field in facts.fields.items():
            self.fields[name] = field


class EpisodeChangeForm(CareFactsForm):
    submit_text = "Record the change"
    page_title = "Record a change of placement or legal status"
    success_message = "Change of placement or legal status recorded"
    changed_on = _date_field("Date of the change")
    reason_new_episode = radio_field("What changed", choices=[c for c in codes.ReasonNewEpisode.choices if c[0] != "S"])

    field_order = ["changed_on", "reason_new_episode"]


class ReturnToCareForm(CareFactsForm):
    submit_text = "Record return to care"
    page_title = "Record that the child became looked after again"
    success_message = "Recorded that the child is looked after again"
    started_on = _date_field("Date the child became looked after again")
    iro = IROChoiceField(queryset=User.objects.none(), label="IRO", empty_label="Choose an IRO")

    field_order = ["started_on", "iro"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iro"].queryset = iro_queryset()


class LeaveCareForm(GDSForm, forms.Form):
    submit_text = "Record that the child left care"
    page_title = "Record that the child left care"
    success_message = "Recorded that the child left care. Their IRO allocation has ended."
    ended_on = _date_field("Date the child stopped being looked after")
    reason_ceased = forms.ChoiceField(label="Reason", choices=[("", "Choose a reason"), *codes.LEAVING_CARE_REASONS])


class AllocationForm(GDSForm, forms.Form):
    submit_text = "Change IRO"
    page_title = "Change IRO"
    success_message = "IRO changed. The previous allocation is kept in the history."
    iro = IROLoadChoiceField(
        queryset=User.objects.none(),
        label="New IRO",
        empty_label="Choose an IRO",
        help_text="Each IRO with the children they hold and the children they cover now.",
    )
    starts_on = _date_field("Date the new IRO takes over")
    reason = forms.CharField(
        max_length=255, label="Reason for the change", help_text="For example, caseload balancing or IRO leaving."
    )

    def __init__(self, *args, exclude_iro=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = iro_queryset_with_load()
        if exclude_iro is not None:
            queryset = queryset.exclude(pk=exclude_iro.pk)
        self.fields["iro"].queryset = queryset


def _caseload_hint(profile: IROProfile | None) -> str:
    if profile is None:
        return "No IRO profile yet, so no caseload band."
    low, high = profile.band
    children = "child" if profile.caseload == 1 else "children"
    held = f"{profile.caseload} {children}"
    if profile.child_protection:
        held += f" and {profile.child_protection} on child protection work (weighted {profile.load.weighted_text})"
    return f"{held} now. Band {low} to {high} ({profile.fte} FTE): {profile.status} band."


class BulkAllocationForm(GDSForm, forms.Form):
    """One IRO for the ticked children. The template draws the children as checkboxes in a table
    and the button under it; crispy renders the IRO and the date."""

    submit_text = ""
    children = forms.ModelMultipleChoiceField(
        queryset=Child.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Children to allocate",
        error_messages={
            "required": "Select at least one child to allocate",
            "invalid_choice": "Select children from the list",
            "invalid_pk_value": "Select children from the list",
        },
    )
    iro = radio_field(
        "IRO to allocate them to",
        message="Choose the IRO to allocate the children to",
        field_class=forms.TypedChoiceField,
        coerce=int,
        help_text="The number of children each IRO holds now, against their caseload band.",
    )
    started_on = _date_field("Date the allocation starts", help_text="Today or earlier. For example, 27 3 2026")

    #: Where each error in the summary links to: an input that is on the page (the template gives
    #: the first child's checkbox ``id_children``; crispy numbers radios from 1 and dates from 0).
    ANCHORS = {"children": "#id_children", "iro": "#id_iro_1", "started_on": "#id_started_on_0"}

    def __init__(self, *args, children, on, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children
        self.fields["started_on"].error_messages.update(
            required="Enter the date the allocation starts", incomplete="Enter the date the allocation starts"
        )
        self._iros = {user.pk: user for user in iro_queryset()}
        profiles = {p.user_id: p for p in IROProfile.objects.with_caseload(on=on).prefetch_related(None)}
        self.fields["iro"].choices = [
            Choice(pk, user.get_full_name() or user.username, hint=_caseload_hint(profiles.get(pk)))
            for pk, user in self._iros.items()
        ]
        # crispy draws only these two; with a layout the helper takes the sizes as names, not classes.
        self.helper.layout = Layout("iro", "started_on")
        self.helper.label_size = self.helper.legend_size = Size.SMALL
        self.helper.disable_csrf = True

    def clean_iro(self):
        return self._iros[self.cleaned_data["iro"]]

    def summary_errors(self) -> list[tuple[str, str]]:
        return [
            (self.ANCHORS.get(name, "#id_children"), message)
            for name, found in self.errors.items()
            for message in found
        ]

    @property
    def ticked(self) -> set[str]:
        """The ids of the children ticked in the submitted form, to tick them again on an error."""
        return {str(pk) for pk in (self["children"].value() or [])}


class CoverForm(GDSForm, forms.Form):
    submit_text = "Arrange cover"
    absent_iro = IROLoadChoiceField(queryset=User.objects.none(), label="IRO who is away", empty_label="Choose an IRO")
    covering_iro = IROLoadChoiceField(
        queryset=User.objects.none(),
        label="IRO who covers",
        empty_label="Choose an IRO",
        help_text="Each IRO with the children they hold and the children they cover now.",
    )
    starts_on = _date_field("Cover starts", what="The date cover starts")
    ends_on = _date_field(
        "Cover ends (optional)",
        help_text="Leave empty if the end is not known.",
        required=False,
        what="The date cover ends",
    )
    reason = forms.CharField(max_length=255, help_text="For example, annual leave or sickness.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absent_iro"].queryset = self.fields["covering_iro"].queryset = iro_queryset_with_load()

    #: How this form words the cover rules (``children.rules.cover_broken``).
    COVER_WORDS = {"own-caseload": "Choose a different IRO to cover"}

    def clean(self):
        cleaned = super().clean()
        absent, covering = cleaned.get("absent_iro"), cleaned.get("covering_iro")
        for broken in rules.cover_broken(
            absent_iro_id=absent.pk if absent else None,
            covering_iro_id=covering.pk if covering else None,
            starts_on=cleaned.get("starts_on"),
            ends_on=cleaned.get("ends_on"),
        ):
            self.add_error(broken.field, self.COVER_WORDS.get(broken.code, broken.message))
        return cleaned


class CoverEndForm(GDSForm, forms.Form):
    submit_text = "End cover"
    ends_on = _date_field("Last day of cover")


class ArchiveForm(GDSForm, forms.Form):
    submit_text = "Archive this record"
    page_title = "Archive this record"
    success_message = "Record archived. It is kept, and no longer shows in the working lists."
    confirm = forms.BooleanField(
        label="I confirm this child is no longer looked after and the record can leave the working lists",
    )


class SignificantChangeForm(GDSForm, forms.Form):
    submit_text = "Record the change"
    category = forms.ChoiceField(
        label="What kind of change is it?",
        choices=[("", "Choose the kind of change"), *codes.SignificantChangeCategory.choices],
        error_messages={"required": "Choose what kind of change this is"},
    )
    occurred_on = _date_field(
        "Date of the change",
        help_text="For a proposed move, the date it is planned for. For example, 27 3 2024",
    )
    description = text_field(
        "What happened",
        rows=5,
        help_text="Say what changed, who decided and what it means for the child.",
        message="Enter what happened",
    )


class AcknowledgeForm(GDSForm, forms.Form):
    submit_text = "Acknowledge the change"
    iro_response = text_field(
        "Your response",
        rows=5,
        help_text="What you will do, for example bring the next review forward or speak to the social worker.",
        message="Enter your response to the change",
    )
