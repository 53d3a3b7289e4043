"""Looked-after reviews, their participants and SMART actions, the IRO's footprint between
reviews (visits, midway reviews, case notes), the working-day calendar's closure days, the
cached review schedule of each child and the deadline flags the daily sweep raises.

docs/rules.md#review-timescales (timescales), 3 (the record and its distribution), 4 (participation).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from children.codes import ContactRole
from children.models import Child, Contact
from children.querysets import ChildRecordQuerySet
from iro_service.models import TimeStampedModel, UndeletableModel, not_before

from .codes import (
    ActionStatus,
    DateChangeKind,
    DistributedDocument,
    DistributionMethod,
    FlagKind,
    ParentParticipation,
    ParticipantRole,
    Participation,
    ReviewSource,
    ReviewStatus,
    ReviewType,
    role_labels,
)
from .querysets import (
    ActionProgressQuerySet,
    ActionQuerySet,
    CalendarFeedTokenQuerySet,
    DeadlineFlagQuerySet,
    ReviewDateChangeQuerySet,
    ReviewDueQuerySet,
    ReviewQuerySet,
    ReviewScheduleQuerySet,
    ThroughReviewQuerySet,
)


def _latest_change_index(name: str) -> models.Index:
    """The index on ``updated_at`` of a table without history: the dashboard's data version
    reads its latest change (``reporting.dashboard``)."""
    return models.Index(fields=["updated_at"], name=name)


class ClosureDay(TimeStampedModel):
    """A day the local authority is closed besides weekends and England's bank holidays
    (reg 2 lets the authority's own closures count as non-working days)."""

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=100)

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%-d %B %Y}: {self.reason}"


class Review(UndeletableModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="reviews")
    #: Empty only for reviews imported from SSDA903, which does not say who chaired.
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="chaired_reviews"
    )
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.BOOKED)
    review_type = models.CharField(max_length=10, choices=ReviewType.choices, blank=True)
    booked_for = models.DateField(null=True, blank=True)
    held_on = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    #: When the booked review starts (optional) and how long it is expected to last.
    starts_at = models.TimeField("start time", null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField("length in minutes", default=90)
    #: Booked before its due date after a significant change since the last review
    #: (docs/rules.md#review-timescales: a review may be held early).
    after_significant_change = models.BooleanField(default=False)
    #: The iCalendar SEQUENCE of the review's invitation: 0 when booked, one more at each move
    #: or cancellation (``reviews.ics``).
    ics_sequence = models.PositiveIntegerField(default=0)
    #: The statutory date this review was due by when it was held (cache of reviews.deadlines).
    due_on = models.DateField(null=True, blank=True)

    #: Roles (``ParticipantRole`` values) invited to and present at the review.
    invited = models.JSONField(default=list, blank=True)
    attended = models.JSONField(default=list, blank=True)
    others_present = models.CharField("others present (names and roles)", max_length=500, blank=True)
    participation_code = models.CharField(max_length=3, choices=Participation.choices, blank=True)
    parents_participation = models.CharField(max_length=20, choices=ParentParticipation.choices, blank=True)
    #: Why the parents were not invited, when ``parents_participation`` is ``NOT_INVITED``.
    parents_not_invited_reason = models.TextField("why the parents were not invited", blank=True)
    wishes_and_feelings = models.TextField("the child's wishes and feelings", blank=True)
    child_friendly_summary = models.TextField(
        "what we agreed we will do", blank=True, help_text="Written to the child, in words they will understand."
    )
    discussion = models.TextField("summary of the discussion", blank=True)

    record_due_on = models.DateField("record due to be distributed by", null=True, blank=True)
    record_completed_on = models.DateField(null=True, blank=True)
    record_distributed_on = models.DateField(null=True, blank=True)

    cancelled_on = models.DateField(null=True, blank=True)
    #: Empty only when a management command imported the review with no user named.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=ReviewSource.choices, default=ReviewSource.RECORDED)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = ReviewQuerySet.as_manager()

    #: The labels of the codes in the fields that hold lists of them (the audit trail shows labels).
    AUDIT_CHOICES = {"invited": ParticipantRole.choices, "attended": ParticipantRole.choices}

    class Meta:
        ordering = ["-held_on", "-booked_for", "-pk"]
        permissions = [
            ("chair_review", "Can book and record reviews for children they hold or cover"),
            ("view_service_reviews", "Can see review deadlines across the service"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(status="booked"), name="one_booked_review_per_child"),
            models.CheckConstraint(
                condition=~Q(status="held") | (Q(held_on__isnull=False) & ~Q(participation_code="")),
                name="held_review_has_date_and_participation",
            ),
            models.CheckConstraint(
                condition=~Q(status="booked") | Q(booked_for__isnull=False), name="booked_review_has_date"
            ),
            not_before("record_distributed_on", "held_on", name="record_distributed_after_review"),
            not_before("record_completed_on", "held_on", name="record_completed_after_review"),
        ]
        indexes = [
            models.Index(fields=["status", "held_on"], name="review_status_held"),
            # The records still to go out, by due date: the deadlines pages' late records read
            # these few rows, not every review the service has held.
            models.Index(
                fields=["record_due_on", "id"],
                condition=Q(status="held", record_distributed_on__isnull=True),
                name="review_record_outstanding",
            ),
            # The calendars read the booked reviews of one week or month (reviews.views.calendar).
            models.Index(fields=["booked_for"], condition=Q(status="booked"), name="review_booked_for"),
        ]

    def __str__(self):
        when = self.held_on or self.booked_for
        return f"{self.get_review_type_display() or 'Review'} for {self.child_id} on {when}"

    @property
    def date(self):
        return self.held_on or self.booked_for

    @property
    def invited_labels(self) -> list[str]:
        """Who was invited, as the form names them ("Social worker", not ``social_worker``)."""
        return role_labels(self.invited)

    @property
    def attended_labels(self) -> list[str]:
        return role_labels(self.attended)

    @property
    def held_in_time(self) -> bool | None:
        if self.held_on is None or self.due_on is None:
            return None
        return self.held_on <= self.due_on

    @property
    def record_distributed_in_time(self) -> bool:
        """The record went out by the date it was due (False while either date is missing)."""
        if self.record_distributed_on is None or self.record_due_on is None:
            return False
        return self.record_distributed_on <= self.record_due_on


class Action(UndeletableModel):
    """A SMART decision of a review: what, who owns it, by when, and how it stands."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="actions")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="review_actions")
    description = models.TextField("what will be done")
    owner = models.CharField("who will do it", max_length=200)
    due_on = models.DateField("by when")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        # The open actions by due date: the deadlines pages' overdue actions read these alone.
        indexes = [models.Index(fields=["due_on", "id"], condition=Q(status="open"), name="action_open_due")]

    def __str__(self):
        return f"{self.description[:60]} ({self.owner}, by {self.due_on})"


class ReviewDateChange(UndeletableModel):
    """Cancelling, postponing or bringing forward a booked review: the reason and the IRO's
    consent are kept on the record (docs/rules.md#review-timescales; docs/sources.md#southwark-2008)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="date_changes")
    kind = models.CharField(max_length=20, choices=DateChangeKind.choices)
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)
    reason = models.TextField()
    iro_consented = models.BooleanField(default=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ReviewDateChangeQuerySet.as_manager()

    class Meta:
        ordering = ["review", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(iro_consented=True), name="date_change_needs_iro_consent"),
            models.CheckConstraint(condition=~Q(reason=""), name="date_change_needs_reason"),
        ]


class Visit(UndeletableModel):
    """The IRO seeing the child between or before reviews (the IRO's footprint, section 3)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="iro_visits")
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField()
    seen_alone = models.BooleanField("child seen alone", default=False)
    notes = models.TextField()

    objects = ChildRecordQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-visited_on", "-pk"]
        indexes = [_latest_change_index("visit_updated_at")]


class MidwayReview(UndeletableModel):
    """The IRO's check between reviews on how each action is progressing (docs/sources.md#kirklees-2016-17)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="midway_reviews")
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    notes = models.TextField(blank=True)

    objects = ChildRecordQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-held_on", "-pk"]
        indexes = [_latest_change_index("midway_updated_at")]


class ActionProgress(UndeletableModel):
    midway_review = models.ForeignKey(MidwayReview, on_delete=models.PROTECT, related_name="progress")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(blank=True)

    objects = ActionProgressQuerySet.as_manager()

    class Meta:
        ordering = ["midway_review", "pk"]
        indexes = [_latest_change_index("progress_updated_at")]
        constraints = [
            models.UniqueConstraint(fields=["midway_review", "action"], name="one_progress_per_action_per_midway")
        ]


class CaseNote(UndeletableModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="iro_case_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField()
    text = models.TextField()

    objects = ChildRecordQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-written_on", "-pk"]
        indexes = [_latest_change_index("case_note_updated_at")]


class ReviewSchedule(TimeStampedModel):
    """A cache of ``reviews.deadlines.next_review_due`` for one child, refreshed by the review
    services whenever the facts change and by the daily sweep. The function is the truth."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="review_schedule")
    period_start = models.DateField(null=True, blank=True)
    reviews_in_period = models.PositiveIntegerField(default=0)
    last_review_on = models.DateField(null=True, blank=True)
    next_due_on = models.DateField(null=True, blank=True, db_index=True)
    #: The rule that gave ``next_due_on`` (``reviews.chain.Rule``) and why, in words; the
    #: reason says ``{name}`` where the child's name goes (``next_reason_for``).
    next_rule = models.CharField(max_length=30, blank=True)
    next_reason = models.CharField(max_length=400, blank=True)
    #: In care, but the records begin part-way through the period (an import), so the first
    #: review's due date is not known: the child stays on the deadline lists, marked so.
    first_due_unknown = models.BooleanField(default=False)
    booked_for = models.DateField(null=True, blank=True)

    objects = ReviewScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["next_due_on"]
        indexes = [
            _latest_change_index("schedule_updated_at"),
            # The deadlines pages read the dated children in this order (reviews.selectors.DeadlineOrder).
            models.Index(F("first_due_unknown").desc(), "next_due_on", name="schedule_deadline_order"),
        ]

    def next_reason_for(self, name: str) -> str:
        return self.next_reason.replace("{name}", name)


class ReviewDue(TimeStampedModel):
    """Each review that fell due, or falls due, in a period of care: the reviews held (with
    ``review``) and the one outstanding after the last of them (``review`` empty), when it fell
    due before care ended and before the 18th birthday. A cache of ``reviews.chain.review_chain``
    written by ``schedule_refresh`` with the other caches; the annual report counts missed
    reviews from it (docs/rules.md#review-timescales)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="reviews_due")
    period_start = models.DateField()
    #: 1 for the first review of the period, and so on; the outstanding one is last.
    number = models.PositiveIntegerField()
    #: Empty when not known (imported data beginning part-way through a period of care).
    due_on = models.DateField(null=True, blank=True)
    rule = models.CharField(max_length=30)
    reason = models.CharField(max_length=400)
    review = models.OneToOneField(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="due")
    held_on = models.DateField(null=True, blank=True)
    #: The day the period stops counting: care ended, or the 18th birthday.
    stops_on = models.DateField()

    objects = ReviewDueQuerySet.as_manager()

    class Meta:
        ordering = ["child", "period_start", "number"]
        constraints = [
            models.UniqueConstraint(fields=["child", "period_start", "number"], name="one_review_due_per_place")
        ]
        indexes = [
            models.Index(fields=["due_on"], name="review_due_on"),
            _latest_change_index("review_due_updated_at"),
        ]

    def reason_for(self, name: str) -> str:
        return self.reason.replace("{name}", name)


class DeadlineFlag(TimeStampedModel):
    """One missed or approaching deadline, stored once (``key`` is unique) and resolved when
    the review is held, the record distributed or the action closed."""

    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    key = models.CharField(max_length=100, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="deadline_flags")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="deadline_flags"
    )
    due_on = models.DateField()
    raised_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)

    objects = DeadlineFlagQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["resolved_on", "kind"], name="flag_open_kind"),
            _latest_change_index("flag_updated_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: child {self.child_id}, due {self.due_on}"


class DigestSent(TimeStampedModel):
    """One daily digest per person per day: the unique constraint makes sending idempotent."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    flag_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "sent_on"], name="one_digest_per_day")]


class CalendarFeedToken(TimeStampedModel):
    """The key to one IRO's private calendar feed (``reviews.feeds``): a bearer URL that a
    calendar client fetches without signing in. Only the SHA-256 hash of the token is kept; the
    token itself is shown once, when it is made. Revoking sets ``revoked_at`` (nothing is
    deleted: the audit trail names the token); a user has at most one token not revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feed_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_active_calendar_feed_per_user"
            )
        ]

    def __str__(self):
        state = f"revoked {self.revoked_at:%Y-%m-%d}" if self.revoked_at else "active"
        return f"Calendar feed {self.pk} of user {self.user_id} ({state})"


class DocumentSent(UndeletableModel):
    """One person's copy of a review's record or letter: sent (how, when), or deliberately not
    sent and why (docs/rules.md#after-the-review). ``name`` and ``role`` are copied from the
    contact when the row is first written, so later edits to the contact do not rewrite who was
    sent what. Written only by ``reviews.services.distribution``, which keeps
    ``Review.record_distributed_on`` as the cache of these rows."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="documents_sent")
    document = models.CharField(max_length=10, choices=DistributedDocument.choices)
    #: Empty only for the child themselves (``to_child``).
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_child = models.BooleanField("sent to the child themselves", default=False)
    name = models.CharField(max_length=200)
    #: The contact's role when recorded; empty for the child.
    role = models.CharField(max_length=20, choices=ContactRole.choices, blank=True)
    method = models.CharField(max_length=10, choices=DistributionMethod.choices, blank=True)
    sent_on = models.DateField(null=True, blank=True)
    not_sent_reason = models.TextField("reason not sent", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()
    objects = ThroughReviewQuerySet.as_manager()

    class Meta:
        ordering = ["review", "-to_child", "document", "name", "pk"]
        constraints = [
            # Sent (with how), or deliberately not sent with a reason: never both, never neither.
            models.CheckConstraint(
                condition=(Q(sent_on__isnull=False) & Q(not_sent_reason="") & ~Q(method=""))
                | (Q(sent_on__isnull=True) & ~Q(not_sent_reason="") & Q(method="")),
                name="document_sent_or_reason",
            ),
            # A contact, or the child themselves.
            models.CheckConstraint(
                condition=Q(contact__isnull=False, to_child=False) | Q(contact__isnull=True, to_child=True),
                name="document_sent_to_contact_or_child",
            ),
            models.UniqueConstraint(
                fields=["review", "document", "contact"],
                condition=Q(contact__isnull=False),
                name="one_document_sent_per_contact",
            ),
            models.UniqueConstraint(
                fields=["review", "document"], condition=Q(to_child=True), name="one_document_sent_to_child"
            ),
        ]

    def __str__(self):
        return f"{self.get_document_display()} to {self.name}"

    @property
    def recipient_key(self) -> str:
        """``reviews.distribution``'s key of the person: the child, or their contact."""
        return "child" if self.to_child else f"contact:{self.contact_id}"


class Invitation(UndeletableModel):
    """One person invited to a booked review: one of the people around the child (``contact``)
    or the child themselves (``to_child``). The name and email are copied when the invitation is
    first sent; ``sequence`` is the iCalendar SEQUENCE last sent and ``cancelled_at`` when the
    cancellation went out. Without an email address the invitation goes by post."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="invitations")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations")
    to_child = models.BooleanField("the child themselves", default=False)
    #: The ``ParticipantRole`` the invitee takes part in, kept in step with ``Review.invited``.
    role = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    sequence = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ThroughReviewQuerySet.as_manager()

    class Meta:
        ordering = ["review", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_child=True, contact__isnull=True) | Q(to_child=False, contact__isnull=False),
                name="invitation_to_child_or_contact",
            ),
            models.UniqueConstraint(
                fields=["review", "contact"], condition=Q(contact__isnull=False), name="one_invitation_per_contact"
            ),
            models.UniqueConstraint(fields=["review"], condition=Q(to_child=True), name="one_invitation_to_child"),
        ]

    def __str__(self):
        return f"Invitation {self.pk} to review {self.review_id}"

    @property
    def by_post(self) -> bool:
        return not self.email
