"""Child protection conferences, the plans they make, and what each plan asks of whom
(docs/rules.md#child-protection).

A conference is held for a family: one ``Conference`` and a ``ConferenceChild`` row per child,
each with their own decision, categories and participation. A child's plan
(``ProtectionPlan``) starts at the initial conference that decides on it and ends at the review
conference that ends it (or when the child comes into care, moves away or turns 18). The plans
started at one initial conference are one family: their review conferences are held together.

Who chairs a child's conferences is an ``IROAllocation`` of kind child protection
(docs/decisions/0009-child-protection-work.md), so the one visibility rule of
``children.querysets.ChildQuerySet.visible_to`` covers this work too; every record here is
visible exactly when its child is (``VisibleThroughChild``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from children.models import CareEpisode, Child, Contact
from iro_service.models import UndeletableModel, not_before
from reviews.codes import ActionStatus, DistributionMethod

from .codes import (
    AbuseCategory,
    Agency,
    ChildParticipation,
    ConferenceKind,
    ConferenceStatus,
    Outcome,
    ParentParticipation,
    PlanEndReason,
)
from .querysets import (
    ConferenceAttendeeQuerySet,
    ConferenceChildQuerySet,
    ConferenceQuerySet,
    CoreGroupMemberQuerySet,
    MinutesSentQuerySet,
    PlanActionQuerySet,
    ProtectionPlanQuerySet,
)


class Conference(UndeletableModel):
    """One conference for one family (one or more children)."""

    kind = models.CharField(max_length=10, choices=ConferenceKind.choices)
    status = models.CharField(max_length=10, choices=ConferenceStatus.choices, default=ConferenceStatus.REQUESTED)
    #: A short name for the family, such as the surname, shown on lists and calendars.
    family_name = models.CharField("family", max_length=100)

    # The request for an initial conference, from the social work team.
    requested_on = models.DateField("date the request was received", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    strategy_discussion_on = models.DateField("date of the strategy discussion", null=True, blank=True)
    section_47_started_on = models.DateField("date the section 47 enquiry started", null=True, blank=True)
    social_worker = models.CharField("social worker", max_length=200, blank=True)
    social_work_team = models.CharField("social work team", max_length=200, blank=True)

    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="conferences_chaired"
    )
    booked_for = models.DateField(null=True, blank=True)
    starts_at = models.TimeField("start time", null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField("length in minutes", default=120)
    venue = models.CharField(max_length=200, blank=True)
    held_on = models.DateField(null=True, blank=True)

    #: The statutory due date, a cache of ``conferences.deadlines`` over the facts
    #: (``conferences.schedule.conference_due_refresh``): for an initial conference, 15 working
    #: days from the strategy discussion; for a review conference, the family's plans' next due date.
    due_on = models.DateField(null=True, blank=True)
    due_rule = models.CharField(max_length=30, blank=True)
    due_reason = models.CharField(max_length=400, blank=True)

    minutes = models.TextField("summary of the discussion and the reasons for the decisions", blank=True)
    minutes_due_on = models.DateField("minutes due to be distributed by", null=True, blank=True)
    minutes_completed_on = models.DateField(null=True, blank=True)
    minutes_distributed_on = models.DateField(null=True, blank=True)

    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    #: Optimistic lock: every change increments it; a save with an older version is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-booked_for", "-pk"]
        constraints = [
            not_before("held_on", "strategy_discussion_on", name="conference_held_after_strategy"),
            not_before("minutes_distributed_on", "held_on", name="conference_minutes_after_held"),
            models.CheckConstraint(
                condition=~Q(status=ConferenceStatus.HELD) | Q(held_on__isnull=False), name="conference_held_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ConferenceKind.INITIAL) | Q(strategy_discussion_on__isnull=False),
                name="initial_conference_has_strategy_date",
            ),
        ]
        indexes = [
            # A chair's upcoming conferences (their home page and calendar).
            models.Index(
                fields=["chair", "booked_for"], condition=Q(status="booked"), name="conference_booked_by_chair"
            ),
            # The service's conferences by date (manager lists, the annual report's year).
            models.Index(fields=["held_on"], condition=Q(status="held"), name="conference_held_on"),
            # The manager's lists: requested ones by due date, booked ones by date (and their counts).
            models.Index(
                fields=["status", "due_on", "id"],
                condition=Q(status__in=["requested", "booked"]),
                name="conference_open_due",
            ),
            models.Index(
                fields=["booked_for", "starts_at", "id"], condition=Q(status="booked"), name="conference_booked_order"
            ),
        ]
        permissions = [
            ("chair_conference", "Can chair and record child protection conferences of children they hold"),
            ("manage_conferences", "Can record conference requests, allocate chairs and book conferences"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for the {self.family_name} family"

    @property
    def date(self):
        """The day it was held, or else the day it is booked for."""
        return self.held_on or self.booked_for


class ProtectionPlan(UndeletableModel):
    """One child's child protection plan, from the initial conference that made it to the
    conference (or event) that ended it."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="protection_plans")
    initial_conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="plans_started")
    started_on = models.DateField()
    #: 1 for the child's first plan, 2 for a second... (earlier plans held elsewhere included).
    sequence = models.PositiveSmallIntegerField(default=1)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=PlanEndReason.choices, blank=True)
    end_reason_detail = models.CharField("reason the plan ended (details)", max_length=400, blank=True)
    ending_conference = models.ForeignKey(
        Conference, null=True, blank=True, on_delete=models.PROTECT, related_name="plans_ended"
    )
    #: The step-up: the care episode the child started while on this plan (``INTO_CARE``).
    care_episode = models.ForeignKey(
        CareEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="protection_plans"
    )
    #: The category at the start and the latest, as the CIN census reports them
    #: (``AbuseCategory`` or ``MUL``).
    initial_category = models.CharField(max_length=3)
    latest_category = models.CharField(max_length=3)

    # The cache of ``conferences.schedule.plan_refresh``: the last conference held for the plan
    # and when the next review conference is due, with the rule and the reason in words.
    last_conference_on = models.DateField(null=True, blank=True)
    review_conferences_held = models.PositiveSmallIntegerField(default=0)
    next_review_due_on = models.DateField(null=True, blank=True)
    next_review_rule = models.CharField(max_length=30, blank=True)
    next_review_reason = models.CharField(max_length=400, blank=True)

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = ProtectionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["child", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="one_open_plan_per_child"
            ),
            not_before("ended_on", "started_on", name="plan_ends_after_start"),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason=""))
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="plan_end_reason_iff_ended",
            ),
        ]
        indexes = [
            models.Index(fields=["next_review_due_on"], condition=Q(ended_on__isnull=True), name="plan_open_due"),
            models.Index(fields=["started_on"], name="plan_started_on"),
            models.Index(fields=["ended_on"], condition=Q(ended_on__isnull=False), name="plan_ended_on"),
        ]

    def __str__(self):
        return f"Plan {self.sequence} of {self.child_id} from {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class ConferenceChild(UndeletableModel):
    """One child at one conference: their decision, categories and participation."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="places")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="conference_places")
    #: The plan this conference made (initial, ``PLAN``) or reviewed (review conference).
    plan = models.ForeignKey(
        ProtectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="conference_places"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    category_emotional = models.BooleanField(AbuseCategory.EMOTIONAL.label, default=False)
    category_neglect = models.BooleanField(AbuseCategory.NEGLECT.label, default=False)
    category_physical = models.BooleanField(AbuseCategory.PHYSICAL.label, default=False)
    category_sexual = models.BooleanField(AbuseCategory.SEXUAL.label, default=False)
    end_reason = models.CharField("why the plan ends", max_length=20, choices=PlanEndReason.choices, blank=True)
    child_participation = models.CharField(max_length=20, choices=ChildParticipation.choices, blank=True)
    parents_participation = models.CharField(max_length=20, choices=ParentParticipation.choices, blank=True)
    childs_views = models.TextField("the child's wishes and feelings", blank=True)

    history = HistoricalRecords()
    objects = ConferenceChildQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "child__date_of_birth", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "child"], name="one_place_per_child_per_conference"),
        ]

    def __str__(self):
        return f"{self.child_id} at conference {self.conference_id}"

    @property
    def categories(self) -> list[AbuseCategory]:
        from .codes import CATEGORY_FIELDS

        return [category for category, field in CATEGORY_FIELDS.items() if getattr(self, field)]


class ConferenceAttendee(UndeletableModel):
    """Who was invited to a conference, from which agency, and whether they came or sent a report."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="attendees")
    name = models.CharField(max_length=200)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    role = models.CharField("role (for example, health visitor)", max_length=200, blank=True)
    attended = models.BooleanField(default=False)
    sent_report = models.BooleanField("sent a report", default=False)

    objects = ConferenceAttendeeQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "agency", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.get_agency_display()})"


class CoreGroupMember(UndeletableModel):
    """A member of the core group that carries out a child's plan between conferences."""

    plan = models.ForeignKey(ProtectionPlan, on_delete=models.PROTECT, related_name="core_group")
    name = models.CharField(max_length=200)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    role = models.CharField(max_length=200, blank=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    objects = CoreGroupMemberQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "agency", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.get_agency_display()})"


class PlanAction(UndeletableModel):
    """A SMART outcome of a child's plan, set at a conference: what, who, by when, how it stands."""

    plan = models.ForeignKey(ProtectionPlan, on_delete=models.PROTECT, related_name="actions")
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="actions")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plan_actions")
    description = models.TextField("what will be done")
    owner = models.CharField("who will do it", max_length=200)
    due_on = models.DateField("by when")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = PlanActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on", "id"], condition=Q(status="open"), name="plan_action_open_due")]

    def __str__(self):
        return f"{self.description[:60]} ({self.owner}, by {self.due_on})"


class MinutesSent(UndeletableModel):
    """One person's copy of a conference's minutes: sent (how, when), or deliberately not sent
    and why (docs/rules.md#child-protection: the minutes go to the family and the agencies).

    The person is one of a child's current contacts (``contact``), the child themselves
    (``to_child``, from ``reviews.distribution.RECORD_TO_CHILD_FROM_AGE``) or a professional who
    came or sent a report (``attendee``). ``child`` is the child whose person it is (a family
    conference covers several children; for a professional, the conference's eldest child), so
    the row is visible exactly when that child is. ``name`` and ``role`` are copied when the row
    is first written. Written only by ``conferences.services.distribution``, which keeps
    ``Conference.minutes_distributed_on`` as the cache of these rows."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="minutes_sent")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="conference_minutes_sent")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attendee = models.ForeignKey(
        ConferenceAttendee, null=True, blank=True, on_delete=models.PROTECT, related_name="minutes_sent"
    )
    to_child = models.BooleanField("sent to the child themselves", default=False)
    name = models.CharField(max_length=200)
    #: Who the person is, in words, when recorded ("Mother", "Health visitor (Health)").
    role = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10, choices=DistributionMethod.choices, blank=True)
    sent_on = models.DateField(null=True, blank=True)
    not_sent_reason = models.TextField("reason not sent", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()
    objects = MinutesSentQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "name", "pk"]
        constraints = [
            # Sent (with how), or deliberately not sent with a reason: never both, never neither.
            models.CheckConstraint(
                condition=(Q(sent_on__isnull=False) & Q(not_sent_reason="") & ~Q(method=""))
                | (Q(sent_on__isnull=True) & ~Q(not_sent_reason="") & Q(method="")),
                name="minutes_sent_or_reason",
            ),
            # A contact, a professional who came, or the child themselves: exactly one.
            models.CheckConstraint(
                condition=Q(contact__isnull=False, attendee__isnull=True, to_child=False)
                | Q(contact__isnull=True, attendee__isnull=False, to_child=False)
                | Q(contact__isnull=True, attendee__isnull=True, to_child=True),
                name="minutes_sent_to_one_person",
            ),
            models.UniqueConstraint(
                fields=["conference", "contact"], condition=Q(contact__isnull=False), name="one_minutes_per_contact"
            ),
            models.UniqueConstraint(
                fields=["conference", "attendee"], condition=Q(attendee__isnull=False), name="one_minutes_per_attendee"
            ),
            models.UniqueConstraint(
                fields=["conference", "child"], condition=Q(to_child=True), name="one_minutes_per_child"
            ),
        ]

    def __str__(self):
        return f"Minutes to {self.name}"

    @property
    def recipient_key(self) -> str:
        """``conferences.distribution``'s key of the person."""
        if self.to_child:
            return f"child:{self.child_id}"
        if self.attendee_id:
            return f"attendee:{self.attendee_id}"
        return f"contact:{self.contact_id}"
