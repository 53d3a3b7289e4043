"""Reads about disputes, answered in SQL."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from iro_service.models import UndeletableQuerySet


class EscalationStageQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True).order_by("number")


class DisputeQuerySet(UndeletableQuerySet):
    def visible_to(self, user, *, on: date | None = None):
        """Managers see every dispute; an IRO the disputes they raised and those about children
        they hold or cover; anyone else none."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.has_perm("disputes.view_dispute_dashboard"):
            return self
        if not user.has_perm("disputes.raise_dispute"):
            return self.none()
        child_model = apps.get_model("children", "Child")
        return self.filter(Q(raised_by=user) | Q(child__in=child_model.objects.visible_to(user, on=on)))

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
