"""Dispute forms: the shape of input only. The ladder's rules (where a dispute may start, which
stage comes next, what a CAFCASS referral needs) are checked by ``disputes.services`` and
attached to these forms by the views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import django_filters
from crispy_forms_gds.choices import Choice
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from children.codes import AllocationWork
from iro_service.forms import FilterPanelForm, GDSForm, SensibleDateField, radio_field, text_field
from iro_service.locked_forms import LockedForm

from . import ladder
from .codes import CafcassOutcome, DisputeCategory, DisputeStatus, ResponseKind
from .models import CafcassReferral, EscalationStage

DATE_HINT = "For example, 27 3 2026"
STALE_FORM = "This page is out of date. Go back to the dispute and try again."


def _date(label: str, *, required: bool = True, what: str = "") -> SensibleDateField:
    return SensibleDateField(label=label, help_text=DATE_HINT, required=required, what=what)


def _kept_reason(label: str, *, only_if: str) -> forms.CharField:
    """The optional reason for a step off the usual path, kept on the record."""
    return text_field(label, rows=3, required=False, help_text=f"Only if {only_if}: the reason is kept on the record.")


def _recipient() -> tuple[forms.CharField, forms.CharField]:
    """The name and role a stage is raised with, both optional (declared together, in that order)."""
    name = forms.CharField(max_length=200, required=False, label="Raised with (name, optional)")
    role = forms.CharField(
        max_length=100,
        required=False,
        label="Their role (optional)",
        help_text="Leave blank for the role the stage is raised with.",
    )
    return name, role


class DisputeForm(GDSForm, forms.Form):
    """Lists every error once, each linked to an input that is on the page (the first radio of
    a group, the day of a date; errors on hidden fields link to the first visible input)."""

    def anchor(self, name: str | None) -> str:
        visible = [field.name for field in self.visible_fields()]
        if name not in visible:
            name = visible[0]
        bound = self[name]
        widget = bound.field.widget
        if isinstance(widget, forms.RadioSelect):
            return f"#{bound.auto_id}_1"  # crispy-forms-gds numbers radios from 1
        if isinstance(widget, forms.MultiWidget):
            return f"#{bound.auto_id}_0"
        return f"#{bound.auto_id}"

    def summary_errors(self) -> list[tuple[str, str]]:
        return [
            (self.anchor(None if name == NON_FIELD_ERRORS else name), message)
            for name, found in self.errors.items()
            for message in found
        ]


def _open_step(dispute):
    """The dispute's current step (None once it is closed), read once per dispute object."""
    if not hasattr(dispute, "_open_step"):
        dispute._open_step = dispute.steps.filter(ended_on__isnull=True).select_related("stage").first()
    return dispute._open_step


class VersionedForm(LockedForm, DisputeForm):
    """Carries the dispute's ``version`` so two people cannot overwrite each other. If someone
    moved the dispute meanwhile, the form merges with what they saved (``LockedForm``): the
    fields it edits on the current step (``step_fields``) or on the dispute
    (``dispute_fields``), and the stage, status and response as facts."""

    conflict_title = "The dispute as it is saved now"
    #: form field name: the attribute of the dispute's open step that it edits
    step_fields: dict[str, str] = {}
    #: form field name: the attribute of the dispute that it edits
    dispute_fields: dict[str, str] = {}
    #: The page's title (``{stage}`` names the dispute's current stage), the message once saved,
    #: and the date field that starts as today (``disputes.views._action_page`` reads them).
    page_title = ""
    success_message = ""
    dated = ""

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": STALE_FORM})

    def record_values(self, dispute):
        step = _open_step(dispute)
        values = {name: getattr(step, attr, None) for name, attr in self.step_fields.items()}
        values.update({name: getattr(dispute, attr) for name, attr in self.dispute_fields.items()})
        return values

    def record_facts(self, dispute):
        step = _open_step(dispute)
        status = dispute.get_status_display() + (f" on {dispute.closed_on:%-d %B %Y}" if dispute.closed_on else "")
        stage = dispute.current_stage.name
        if step is not None:
            stage += f", raised with {step.recipient_role} on {step.raised_on:%-d %B %Y}"
        facts = {"status": ("Status", status), "stage": ("Current stage", stage)}
        if step is not None and not self.step_fields:
            answer = step.response or step.minutes
            facts["response"] = (
                "Response",
                f"Received {step.responded_on:%-d %B %Y}: {answer}" if step.responded_on else "None yet",
            )
        return facts

    def change_sources(self, dispute):
        step = _open_step(dispute)
        on_dispute = {"status": "status", "current_stage": "stage"}
        on_dispute.update({attr: name for name, attr in self.dispute_fields.items()})
        on_step = {attr: name for name, attr in self.step_fields.items()}
        if not self.step_fields:
            on_step.update(responded_on="response", response="response", minutes="response")
        return [(dispute, on_dispute), (step, on_step)]


class RaiseForm(DisputeForm):
    """``works``: the kinds of work the raiser may raise about for the child
    (``disputes.services.raisable_work``); the form asks which only when there are two."""

    submit_text = "Raise the dispute"

    work = radio_field(
        "Which work is the dispute about?",
        message="Choose which work the dispute is about",
        choices=AllocationWork.choices,
        help_text="You hold this child's looked-after reviews and chair their child protection conferences.",
    )
    category = radio_field(
        "What is the dispute about?", message="Choose what the dispute is about", choices=DisputeCategory.choices
    )
    issue = text_field("The issue", message="Enter the issue", help_text="What is wrong, in plain words.")
    impact_on_child = text_field("Impact on the child", message="Enter the impact on the child")
    what_must_change = text_field("What must change", message="Enter what must change")
    change_by_whom = forms.CharField(
        max_length=200,
        label="By whom",
        help_text="The person or role who must make the change.",
        error_messages={"required": "Enter who must make the change"},
    )
    change_by_when = _date("By when", what="The date the change is needed by")
    start_stage = radio_field(
        "Start at",
        message="Choose the stage the dispute starts at",
        field_class=forms.TypedChoiceField,
        coerce=int,
        help_text="Start with informal resolution where you can.",
    )
    urgent_reason = _kept_reason("Why the case is serious or urgent", only_if="you start at a later stage")
    recipient_name, recipient_role = _recipient()

    def __init__(self, *args, works: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if len(works) < 2:
            del self.fields["work"]  # the service infers the one kind of work
        else:
            cast("forms.ChoiceField", self.fields["work"]).choices = [(w, AllocationWork(w).label) for w in works]
        self.fields["change_by_when"].error_messages.update(
            required="Enter the date the change is needed by", incomplete="Enter the date the change is needed by"
        )
        stages = list(EscalationStage.objects.active())
        starting = {rung.number for rung in ladder.starting_rungs(ladder.rungs_of(stages))}
        choices = []
        for stage in stages:
            if stage.number in starting:
                choices.append(Choice(stage.number, stage.name, hint=f"Raised with: {stage.raised_with}."))
            elif stage.is_direct_entry and not stage.is_cafcass:
                choices.append(
                    Choice(
                        stage.number,
                        stage.name,
                        hint=f"Raised with: {stage.raised_with}. Only in serious or urgent cases: "
                        "give the reason below.",
                    )
                )
        cast("forms.ChoiceField", self.fields["start_stage"]).choices = choices


class ResponseForm(VersionedForm):
    submit_text = "Save the response"
    page_title = "Record the response at {stage}"
    success_message = "Response recorded"
    dated = "responded_on"
    step_fields = {"responded_on": "responded_on", "response": "response"}

    responded_on = _date("Date of the response")
    response = text_field("The response", rows=6, message="Enter the response")


class MeetingForm(VersionedForm):
    submit_text = "Save the meeting"
    page_title = "Record the meeting at {stage}"
    success_message = "Meeting saved"
    step_fields = {"meeting_on": "meeting_on", "attendees": "attendees", "minutes": "minutes"}

    meeting_on = _date("Date of the meeting")
    attendees = text_field("Who attended (or is invited)", rows=3, required=False)
    minutes = text_field(
        "Minutes (optional)",
        rows=8,
        required=False,
        help_text="Leave blank to book the meeting. Add the minutes once it has been held.",
    )


class StageField(forms.TypedChoiceField):
    """The stage to escalate to. The radios offer the stages the dispute can move to; any stage
    on the ladder is accepted as input, so that the service says why a move is refused (going
    back, skipping without a reason, CAFCASS) and a form loaded before someone else moved the
    dispute reaches the version check."""

    on_ladder: frozenset[str] = frozenset()

    def valid_value(self, value) -> bool:
        return str(value) in self.on_ladder or super().valid_value(value)


def escalation_choice(stage: EscalationStage, skipped: list[EscalationStage]) -> Choice:
    if stage.response_kind == ResponseKind.WRITTEN:
        answer = f"A written response within {stage.response_working_days} working days."
    else:
        answer = "A minuted meeting."
    hint = f"Raised with: {stage.raised_with}. {answer}"
    if skipped:
        hint += f" Skips {ladder.stages_words(ladder.rungs_of(skipped))}: give the reason below."
    return Choice(stage.number, stage.name, hint=hint)


class EscalateForm(VersionedForm):
    """Escalate to the next stage, or past stages with a reason (docs/rules.md#disputes). Built
    with the ladder's active stages and the dispute's current stage number."""

    submit_text = "Escalate"

    to_stage = radio_field(
        "Escalate to",
        message="Choose the stage to escalate to",
        field_class=StageField,
        coerce=int,
        help_text="Normally the next stage. You may bypass stages when the case needs it: give the reason.",
    )
    bypass_reason = _kept_reason(
        "Why you are skipping stages", only_if="you escalate past the next stage (IRO Handbook para 6.2)"
    )
    recipient_name, recipient_role = _recipient()
    raised_on = _date("Date escalated")

    def __init__(self, *args, stages: list[EscalationStage], current: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_stage"]
        field.on_ladder = frozenset(str(stage.number) for stage in stages)
        later = [stage for stage in stages if stage.number > current]
        field.choices = [
            escalation_choice(stage, skipped=[s for s in later if s.number < stage.number])
            for stage in later
            if not stage.is_cafcass
        ]
        if not field.choices:  # nothing left but a CAFCASS referral: no radios to link an error to
            field.widget = forms.HiddenInput()


class ResolveForm(VersionedForm):
    submit_text = "Resolve the dispute"
    page_title = "Resolve the dispute"
    success_message = "Dispute resolved"
    dated = "closed_on"
    dispute_fields = {"closed_on": "closed_on", "outcome_note": "outcome_note"}

    closed_on = _date("Date resolved")
    outcome_note = text_field("How it was resolved", message="Say how the dispute was resolved")


class WithdrawForm(VersionedForm):
    submit_text = "Withdraw the dispute"
    page_title = "Withdraw the dispute"
    success_message = "Dispute withdrawn"
    dated = "closed_on"
    dispute_fields = {"closed_on": "closed_on", "reason": "outcome_note"}

    closed_on = _date("Date withdrawn")
    reason = text_field("Why the dispute is withdrawn", message="Enter why the dispute is withdrawn")


def _evidence(name: str) -> forms.CharField:
    """A precondition of docs/rules.md#disputes as the label. Left to the service to require, so
    the message for a missing one names the precondition."""
    return text_field(CafcassReferral._meta.get_field(name).verbose_name.capitalize(), rows=5, required=False)


class ReferForm(VersionedForm):
    submit_text = "Refer to CAFCASS"
    page_title = "Refer to CAFCASS"
    success_message = "Referred to CAFCASS"
    dated = "referred_on"

    referred_on = _date("Date of the referral")
    stages_exhausted_evidence = _evidence("stages_exhausted_evidence")
    human_rights_risk_evidence = _evidence("human_rights_risk_evidence")
    no_other_adult_evidence = _evidence("no_other_adult_evidence")


class CafcassOutcomeForm(DisputeForm):
    submit_text = "Save CAFCASS's outcome"

    outcome = radio_field(
        "What did CAFCASS do?",
        message="Choose CAFCASS's outcome",
        choices=[choice for choice in CafcassOutcome.choices if choice[0] != CafcassOutcome.PENDING],
    )
    outcome_on = _date("Date of the outcome")
    note = text_field("Notes (optional)", rows=4, required=False)


class DisputeListFilter(django_filters.FilterSet):
    """Filters for the disputes list. Stage choices come from the ladder when the form is built."""

    status = django_filters.ChoiceFilter(label="Status", choices=DisputeStatus.choices, empty_label="Any status")
    stage = django_filters.ModelChoiceFilter(
        label="Current stage",
        field_name="current_stage",
        queryset=lambda request: EscalationStage.objects.order_by("number"),
        empty_label="Any stage",
    )
    category = django_filters.ChoiceFilter(label="About", choices=DisputeCategory.choices, empty_label="Any")
    work = django_filters.ChoiceFilter(label="Work", choices=AllocationWork.choices, empty_label="Both kinds of work")

    class Meta:
        form = FilterPanelForm

    @property
    def form(self):
        form = super().form
        form.fields["stage"].label_from_instance = lambda stage: stage.name
        return form
