"""Links that need no account, and what people answered through them
(docs/rules.md#the-childs-voice).

A ``VoiceLink`` is one form for one person about one review: its token is long and random, shown
once (in the message or letter that carries it) and kept only as its SHA-256 hash. A link is
live until it is submitted, revoked, replaced or past ``expires_at``; its ``VoiceResponse`` is the
one submission it takes. Written only by ``voice.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from children.models import Child, Contact
from iro_service.models import UndeletableModel
from reviews.models import Review

from .codes import Channel, FormKind, Purpose, Respondent
from .querysets import VoiceLinkQuerySet, VoiceResponseQuerySet


class VoiceLink(UndeletableModel):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="voice_links")
    #: The review's child, kept on the link so every read scopes by the child without a join.
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="voice_links")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    form_kind = models.CharField(max_length=20, choices=FormKind.choices)
    respondent = models.CharField(max_length=20, choices=Respondent.choices)
    #: The person (empty for the child themselves).
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="voice_links")
    #: Copied when the link is made, so later edits to the contact do not rewrite who was asked.
    name = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    #: The email address or phone number it went to (empty for a letter).
    sent_to = models.CharField(max_length=254, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    #: The message's id at GOV.UK Notify, or the email's Message-ID.
    delivery_reference = models.CharField(max_length=100, blank=True)
    #: Why sending failed (the link stays live: the IRO can print it or send it again).
    delivery_error = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: "Revoked by the IRO", or "Replaced by a new link".
    revoked_reason = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(excluded_fields=["token_hash", "open_count", "opened_at"])
    objects = VoiceLinkQuerySet.as_manager()

    class Meta:
        ordering = ["review", "purpose", "-respondent", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(respondent=Respondent.CHILD, contact__isnull=True)
                | (~Q(respondent=Respondent.CHILD) & Q(contact__isnull=False)),
                name="voice_link_child_or_contact",
            ),
            # One live link per person and purpose: a new one replaces (revokes) the old.
            models.UniqueConstraint(
                fields=["review", "purpose", "contact"],
                condition=Q(contact__isnull=False, revoked_at__isnull=True, submitted_at__isnull=True),
                name="one_live_voice_link_per_contact",
            ),
            models.UniqueConstraint(
                fields=["review", "purpose"],
                condition=Q(contact__isnull=True, revoked_at__isnull=True, submitted_at__isnull=True),
                name="one_live_voice_link_to_child",
            ),
            # One answer per person and purpose.
            models.UniqueConstraint(
                fields=["review", "purpose", "contact"],
                condition=Q(contact__isnull=False, submitted_at__isnull=False),
                name="one_voice_answer_per_contact",
            ),
            models.UniqueConstraint(
                fields=["review", "purpose"],
                condition=Q(contact__isnull=True, submitted_at__isnull=False),
                name="one_voice_answer_from_child",
            ),
        ]
        indexes = [models.Index(fields=["child", "purpose"], name="voice_link_child")]

    def __str__(self):
        return f"{self.get_form_kind_display()} link {self.pk} for review {self.review_id}"

    @property
    def recipient_key(self) -> str:
        return "child" if self.contact_id is None else f"contact:{self.contact_id}"

    def state(self, now) -> str:
        """ "submitted", "revoked", "expired" or "live" (never opened) / "opened"."""
        if self.submitted_at is not None:
            return "submitted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "opened" if self.opened_at is not None else "live"


class VoiceResponse(UndeletableModel):
    """What one person answered through one link. ``answers`` holds only what
    ``voice.questions.clean_answers`` kept. Feedback is anonymous to the IRO unless
    ``identified`` (the person ticked "share_name"); it stays tied to the review for counting."""

    link = models.OneToOneField(VoiceLink, on_delete=models.PROTECT, related_name="response")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="voice_responses")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="voice_responses")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    form_kind = models.CharField(max_length=20, choices=FormKind.choices)
    respondent = models.CharField(max_length=20, choices=Respondent.choices)
    answers = models.JSONField(default=dict, blank=True)
    identified = models.BooleanField(default=True)
    #: The child's age on the review date (the booked or held date) when the answer came.
    child_age = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: When the IRO copied the answers into the review record.
    copied_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = VoiceResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "-submitted_at"], name="voice_response_child"),
            models.Index(
                fields=["child", "submitted_at"], condition=Q(read_at__isnull=True), name="voice_response_unread"
            ),
            models.Index(fields=["purpose", "submitted_at"], name="voice_response_purpose"),
        ]

    def __str__(self):
        return f"{self.get_form_kind_display()} answer {self.pk} for review {self.review_id}"


class FeedbackQuote(UndeletableModel):
    """A comment the manager chose to quote in an annual report's narrative: the words (which the
    manager may shorten, and must strip of anything identifying) and the reporting year."""

    response = models.ForeignKey(VoiceResponse, on_delete=models.PROTECT, related_name="quotes")
    #: The reporting year's label (``iro_service.periods.ReportingYear.label``, "2025-26").
    year_label = models.CharField(max_length=7)
    text = models.TextField()
    #: Who said it, in words that identify nobody ("A young person aged 15").
    attribution = models.CharField(max_length=100)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year_label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "year_label"], condition=Q(withdrawn_at__isnull=True), name="one_quote_per_answer"
            )
        ]

    def __str__(self):
        return f"Quote {self.pk} for {self.year_label}"
