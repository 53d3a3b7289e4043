"""Reads about disputes, answered in SQL."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from children.querysets import ChildRecordQuerySet


class DisputeStepQuerySet(ChildRecordQuerySet):
    child_lookup = "dispute__child"


class CafcassReferralQuerySet(ChildRecordQuerySet):
    child_lookup = "dispute__child"


class EscalationStageQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True).order_by("number")


class DisputeQuerySet(ChildRecordQuerySet):
    """``visible_to(user)``: the disputes about children ``user`` may see now (managers every
    one), and nothing else. Raising a dispute gives no lasting sight of it: once the child is
    reallocated, the IRO who raised it no longer sees it (docs/rules.md#data-protection)."""

    def open(self):
        return self.filter(status="open")

    def open_at_stage(self, number: int):
        return self.open().filter(current_stage__number=number)

    def responses_overdue(self, *, on: date):
        """Open disputes whose current step is waiting for a response past its due date."""
        step = apps.get_model("disputes", "DisputeStep")
        return self.open().filter(
            Exists(
                step.objects.filter(
                    dispute=OuterRef("pk"), ended_on__isnull=True, responded_on__isnull=True, response_due_on__lt=on
                )
            )
        )

    def since(self, day: date):
        """Raised, escalated or closed on or after ``day`` (for the review: since the last one)."""
        step = apps.get_model("disputes", "DisputeStep")
        return self.filter(
            Q(opened_on__gte=day)
            | Q(closed_on__gte=day)
            | Exists(step.objects.filter(dispute=OuterRef("pk"), raised_on__gte=day))
        )
