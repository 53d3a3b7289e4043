"""Reads about child protection work, answered in SQL (docs/rules.md#child-protection)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce

from children.codes import AllocationWork
from children.querysets import ChildRecordQuerySet, sees_every_child
from iro_service.models import UndeletableQuerySet

from .codes import ConferenceKind, ConferenceStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _model(name: str):
    return apps.get_model("conferences", name)


class ConferenceQuerySet(UndeletableQuerySet):
    """A conference is about a family: it is visible when one of its children is
    (``Child.objects.visible_to``, the one rule), which for a chair means a child whose
    conferences they chair or cover."""

    def visible_to(self, user: User, *, on: date | None = None, work: str | None = None):
        if sees_every_child(user):
            return self.all()
        children = apps.get_model("children", "Child").objects.visible_to(user, on=on, work=work)
        return self.filter(
            Exists(_model("ConferenceChild").objects.filter(conference=OuterRef("pk"), child__in=children))
        )

    def chaired_by_visible(self, user: User, *, on: date | None = None):
        """The conferences of the children ``user`` chairs (or covers the chair of)."""
        return self.visible_to(user, on=on, work=AllocationWork.CHILD_PROTECTION)

    def requested(self):
        return self.filter(status=ConferenceStatus.REQUESTED)

    def booked(self):
        return self.filter(status=ConferenceStatus.BOOKED)

    def held(self):
        return self.filter(status=ConferenceStatus.HELD)

    def open(self):
        """Requested or booked: still to be held."""
        return self.filter(status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.BOOKED])

    def held_between(self, start: date, end: date):
        return self.held().filter(held_on__gte=start, held_on__lte=end)

    def upcoming_for_chair(self, user: User, *, on: date, until: date):
        """The booked conferences from ``on`` to ``until`` chaired by ``user`` or by an IRO they
        cover on ``on``, soonest first, each with ``late`` (booked after its due date) and the chair."""
        iros = apps.get_model("children", "CoverArrangement").objects.iros_of(user, on=on)
        return (
            self.booked()
            .chaired_by_visible(user, on=on)
            .filter(chair__in=iros, booked_for__gte=on, booked_for__lte=until)
            .annotate(
                late=Case(When(due_on__lt=F("booked_for"), then=True), default=False, output_field=BooleanField())
            )
            .select_related("chair")
            .order_by("booked_for", "starts_at", "pk")
        )


class ProtectionPlanQuerySet(ChildRecordQuerySet):
    def open(self, *, on: date | None = None):
        """Plans open now, or on ``on``: started by then and not ended before it."""
        if on is None:
            return self.filter(ended_on__isnull=True)
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)

    def started_between(self, start: date, end: date):
        return self.filter(started_on__gte=start, started_on__lte=end)

    def ended_between(self, start: date, end: date):
        return self.filter(ended_on__gte=start, ended_on__lte=end)


class ConferenceChildQuerySet(ChildRecordQuerySet):
    pass


class ConferenceAttendeeQuerySet(UndeletableQuerySet):
    def visible_to(self, user: User, *, on: date | None = None, work: str | None = None):
        return self.filter(conference__in=_model("Conference").objects.visible_to(user, on=on, work=work))


class CoreGroupMemberQuerySet(ChildRecordQuerySet):
    child_lookup = "plan__child"

    def current(self, *, on: date | None = None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=on), joined_on__lte=on)


class PlanActionQuerySet(ChildRecordQuerySet):
    def overdue(self, *, on: date):
        return self.filter(status="open", due_on__lt=on)


def family_key():
    """The family of a child on child protection work (``OuterRef("child")``), for counting a
    chair's families (``children.querysets.register_family_key``, docs/rules.md#caseloads): the
    initial conference of their open plan, or else their requested or booked initial conference;
    null when they have neither (the child is then a family of their own)."""
    plan = _model("ProtectionPlan").objects.filter(child=OuterRef("child"), ended_on__isnull=True)
    initial = _model("ConferenceChild").objects.filter(
        child=OuterRef("child"),
        conference__kind=ConferenceKind.INITIAL,
        conference__status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.BOOKED],
    )
    return Coalesce(
        Subquery(plan.values("initial_conference")[:1]),
        Subquery(initial.order_by("conference_id").values("conference")[:1]),
    )


class MinutesSentQuerySet(ChildRecordQuerySet):
    """A copy of the minutes is visible when the child whose person it went to is."""
