"""Reads about reviews and their deadlines, answered in SQL."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from children.querysets import ChildRecordQuerySet, VisibleThroughChild


class ReviewQuerySet(ChildRecordQuerySet):
    def held(self):
        return self.filter(status="held")

    def booked(self):
        return self.filter(status="booked")

    def held_between(self, start: date, end: date):
        return self.held().filter(held_on__gte=start, held_on__lte=end)

    def records_overdue(self, *, on: date):
        """Held reviews whose record was not distributed by its due date (as of ``on``)."""
        return self.held().filter(record_distributed_on__isnull=True, record_due_on__lt=on)


class ActionQuerySet(ChildRecordQuerySet):
    def open(self):
        return self.filter(status="open")

    def overdue(self, *, on: date):
        return self.open().filter(due_on__lt=on)


class ReviewDateChangeQuerySet(ChildRecordQuerySet):
    child_lookup = "review__child"


class ActionProgressQuerySet(ChildRecordQuerySet):
    child_lookup = "action__child"


class ReviewScheduleQuerySet(VisibleThroughChild, models.QuerySet):
    def in_care(self):
        return self.filter(next_due_on__isnull=False)

    def overdue(self, *, on: date):
        """No review held by the due date and none held since (the due date is in the past)."""
        return self.in_care().filter(next_due_on__lt=on)

    def due_by(self, *, on: date, by: date):
        """Due between ``on`` and ``by`` inclusive (``by`` = ``on`` + 15 working days)."""
        return self.in_care().filter(next_due_on__gte=on, next_due_on__lte=by)


class ReviewDueQuerySet(VisibleThroughChild, models.QuerySet):
    def due_between(self, start: date, end: date):
        return self.filter(due_on__gte=start, due_on__lte=end)


class DeadlineFlagQuerySet(VisibleThroughChild, models.QuerySet):
    def open(self):
        return self.filter(resolved_on__isnull=True)

    def for_iro(self, user):
        return self.filter(Q(iro=user))
