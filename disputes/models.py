"""The escalation ladder, disputes and their steps, and CAFCASS referrals.

IRO Handbook 2010 ch. 6 (docs/rules.md#disputes): the IRO raises a dispute about a child's
care plan, escalates it stage by stage up the local authority to the chief executive, and as a
last resort refers the case to CAFCASS (s25B(3)(a) Children Act 1989).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from children.codes import AllocationWork
from children.models import Child
from iro_service.models import TimeStampedModel, UndeletableModel, not_before

from .codes import CafcassOutcome, DisputeCategory, DisputeStatus, ResponseKind
from .querysets import CafcassReferralQuerySet, DisputeQuerySet, DisputeStepQuerySet, EscalationStageQuerySet


class EscalationStage(TimeStampedModel):
    """One rung of the local authority's ladder, kept by an administrator. ``number`` is the
    stage as councils write it (0 informal, 1 social worker ... 7 CAFCASS)."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    raised_with = models.CharField("raised with (role)", max_length=100)
    response_kind = models.CharField(max_length=10, choices=ResponseKind.choices)
    response_working_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a written response: working days allowed."
    )
    is_direct_entry = models.BooleanField(
        "can start here in serious or urgent cases",
        default=False,
        help_text="The Handbook lets the IRO go straight to this stage with a recorded reason (stage 3 by default).",
    )
    active = models.BooleanField(default=True)

    objects = EscalationStageQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(response_kind="written") | Q(response_working_days__gte=1),
                name="written_stage_has_working_days",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """'Stage 2: Team manager'; the informal and CAFCASS rungs by their names."""
        if self.number == 0 or self.is_cafcass:
            return self.name
        return f"Stage {self.number}: {self.raised_with}"

    @property
    def is_cafcass(self) -> bool:
        return self.response_kind == ResponseKind.REFERRAL


class Dispute(UndeletableModel):
    """A SMART challenge (docs/sources.md#kirklees-2016-17): the issue, its impact on the child, what must change, by
    whom and by when."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="disputes")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_raised")
    category = models.CharField(max_length=30, choices=DisputeCategory.choices)
    #: About the child's looked-after care plan or their child protection plan: the annual
    #: report counts disputes of each kind of work apart (docs/rules.md#child-protection).
    work = models.CharField("about", max_length=20, choices=AllocationWork.choices, default=AllocationWork.LOOKED_AFTER)
    issue = models.TextField("the issue")
    impact_on_child = models.TextField("impact on the child")
    what_must_change = models.TextField("what must change")
    change_by_whom = models.CharField("by whom", max_length=200)
    change_by_when = models.DateField("by when")
    opened_on = models.DateField()
    urgent_reason = models.TextField("why it starts at a later stage", blank=True)
    current_stage = models.ForeignKey(EscalationStage, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        permissions = [
            ("raise_dispute", "Can raise and escalate disputes for children they hold or cover"),
            ("view_dispute_dashboard", "Can see the dispute dashboard across the service"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_on__isnull=True))
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="dispute_closed_iff_not_open",
            ),
            not_before("closed_on", "opened_on", name="dispute_closes_after_opening"),
        ]
        indexes = [
            models.Index(fields=["status", "opened_on"], name="dispute_status_opened"),
            # The disputes list's order (newest first), read from the index rather than sorted.
            models.Index(fields=["-opened_on", "-id"], name="dispute_list_order"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ({self.child_id}, {self.opened_on})"


class DisputeStep(UndeletableModel):
    """One stage of one dispute: raised with whom, the response due and received, or the
    meeting. Stage transitions are their own rows because they are the domain (STYLE.md 7)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="steps")
    stage = models.ForeignKey(EscalationStage, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField("raised with (name)", max_length=200, blank=True)
    recipient_role = models.CharField("their role", max_length=100)
    bypass_reason = models.TextField(
        "why stages were skipped",
        blank=True,
        help_text="Escalating past one or more stages needs a recorded reason (Handbook para 6.2).",
    )
    response_due_on = models.DateField(null=True, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    response = models.TextField(blank=True)
    meeting_on = models.DateField(null=True, blank=True)
    attendees = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True, help_text="When the dispute left this stage.")

    history = HistoricalRecords()
    objects = DisputeStepQuerySet.as_manager()

    class Meta:
        ordering = ["dispute", "raised_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute"], condition=Q(ended_on__isnull=True), name="one_current_step_per_dispute"
            ),
            not_before("responded_on", "raised_on", name="step_response_after_raising"),
        ]

    def __str__(self):
        return f"{self.stage} raised {self.raised_on}"


class CafcassReferral(UndeletableModel):
    """A referral to CAFCASS, the last resort: recorded only with evidence for each precondition
    of docs/rules.md#disputes (docs/sources.md#thurrock-2011 section 3)."""

    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="cafcass_referral")
    referred_on = models.DateField()
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stages_exhausted_evidence = models.TextField(
        "every stage up to the chief executive tried, or the delay has become unreasonable"
    )
    human_rights_risk_evidence = models.TextField("a continuing risk that the child's human rights are breached")
    no_other_adult_evidence = models.TextField("no other suitable adult able and willing to act")
    outcome = models.CharField(max_length=20, choices=CafcassOutcome.choices, default=CafcassOutcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = CafcassReferralQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(stages_exhausted_evidence="")
                & ~Q(human_rights_risk_evidence="")
                & ~Q(no_other_adult_evidence=""),
                name="cafcass_referral_has_all_evidence",
            )
        ]


class DisputeSettings(TimeStampedModel):
    """Service-wide settings for disputes, one row (an administrator edits it)."""

    max_open_working_days = models.PositiveSmallIntegerField(
        default=20,
        help_text="Flag a dispute open longer than this (Handbook para 6.2: the whole process should take "
        "no more than 20 working days).",
    )

    class Meta:
        verbose_name_plural = "dispute settings"

    def __str__(self):
        return f"Flag disputes open more than {self.max_open_working_days} working days"

    @classmethod
    def current(cls) -> DisputeSettings:
        return cls.objects.order_by("pk").first() or cls()
