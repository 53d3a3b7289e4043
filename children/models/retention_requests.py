"""Proposals to anonymise or destroy a record past its retention date, and their decisions
(docs/rules.md#retention)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from iro_service.models import UndeletableModel

from ..querysets import RetentionRequestQuerySet
from .child import Child


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", "Anonymise"
    DESTROY = "destroy", "Destroy"


class RetentionRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second manager"
    CARRIED_OUT = "carried_out", "Carried out"
    REFUSED = "refused", "Refused or withdrawn"


class RetentionRequest(UndeletableModel):
    """A manager's proposal to anonymise or destroy a record past its retention date, and its
    decision (docs/rules.md#data-protection: the one sanctioned deletion).

    A second manager approves, never the proposer: the database refuses a request carried out
    without a decider other than its proposer (the pattern of ``RoleGrant``), and
    ``children/retention_services.py`` checks that the decider is an active manager. Once
    carried out, the request keeps no personal data: no link to the child, no reason, only who
    proposed and approved it, when, and how many rows of each kind were changed (``outcome``).
    """

    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="retention_requests")
    action = models.CharField(max_length=10, choices=RetentionAction)
    reason = models.TextField("why", blank=True)
    status = models.CharField(max_length=12, choices=RetentionRequestStatus, default=RetentionRequestStatus.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: Rows changed, by model label: ``{"reviews.Review": 4, ...}``. Counts only.
    outcome = models.JSONField(default=dict, blank=True)

    objects = RetentionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        permissions = [
            (
                "manage_retention",
                "Can list records past their retention date and propose or approve anonymising or destroying them",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(status="pending"), name="retention_one_pending_per_child"
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(child__isnull=False, decided_at__isnull=True),
                name="retention_pending_names_child",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="retention_decided_by_when",
            ),
            # Carried out only with a second person's approval, and then nothing personal is kept.
            models.CheckConstraint(
                condition=~Q(status="carried_out")
                | (~Q(decided_by=F("proposed_by")) & Q(child__isnull=True, reason="")),
                name="retention_second_person_no_personal_data",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.get_status_display().lower()})"
