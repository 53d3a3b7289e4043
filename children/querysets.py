"""Reads about children, answered in SQL. One method per question, in domain words."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from iro_service.models import UndeletableQuerySet

from .codes import AGE_BAND_YEARS, AgeBand


def years_before(on: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February becomes 28 February in a common year."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def _model(name: str):
    return apps.get_model("children", name)


class ChildQuerySet(UndeletableQuerySet):
    def visible_to(self, user, *, on: date | None = None):
        """The children ``user`` may see: a manager sees all; an IRO the children allocated to
        them and to any IRO they cover on ``on``; anyone else (committee, administrator) none.

        Every record about a child is visible exactly when the child is: their querysets
        answer ``visible_to`` through this method (``VisibleThroughChild``)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.has_perm("children.view_all_children"):
            return self
        if not user.has_perm("children.view_caseload"):
            return self.none()
        return self.held_or_covered_by(user, on=on)

    def held_or_covered_by(self, user, *, on: date | None = None):
        """The children allocated now to ``user``, or to an IRO ``user`` covers on ``on``: the
        children whose IRO ``user`` is, whatever else they may see."""
        return self.filter(
            Exists(
                _model("IROAllocation").objects.filter(
                    Q(iro=user) | Q(iro__in=_model("CoverArrangement").objects.active(on=on).covered_by(user)),
                    child=OuterRef("pk"),
                    ended_on__isnull=True,
                )
            )
        )

    def active(self):
        """Not archived."""
        return self.filter(archived_at__isnull=True)

    def awaiting_name(self):
        """Children imported from SSDA903 (which holds no names) whose names are still to enter."""
        return self.filter(name_to_be_entered=True)

    def in_care(self):
        """Looked after now: the child has an open care episode."""
        return self.filter(Exists(_model("CareEpisode").objects.filter(child=OuterRef("pk"), ended_on__isnull=True)))

    def without_iro(self):
        """No open IRO allocation, including children never allocated one (an
        ``exclude(allocations__ended_on__isnull=True)`` would drop those)."""
        return self.filter(~Exists(_model("IROAllocation").objects.filter(child=OuterRef("pk"), ended_on__isnull=True)))

    def allocated_to(self, iro):
        return self.filter(
            Exists(_model("IROAllocation").objects.filter(child=OuterRef("pk"), ended_on__isnull=True, iro=iro))
        )

    def with_legal_status(self, code: str):
        return self.filter(
            Exists(_model("CareEpisode").objects.filter(child=OuterRef("pk"), ended_on__isnull=True, legal_status=code))
        )

    def with_placement_type(self, code: str):
        return self.filter(
            Exists(
                _model("CareEpisode").objects.filter(child=OuterRef("pk"), ended_on__isnull=True, placement_type=code)
            )
        )

    def aged(self, band: str, *, on: date | None = None):
        """Children whose age on ``on`` falls in the SSDA903 age ``band``."""
        on = on or timezone.localdate()
        youngest, oldest = AGE_BAND_YEARS[AgeBand(band)]
        return self.filter(
            date_of_birth__lte=years_before(on, youngest), date_of_birth__gt=years_before(on, oldest + 1)
        )

    def with_looked_after_since(self):
        """Annotate ``looked_after_since``: the start of the child's latest period of care."""
        starts = _model("CareEpisode").objects.filter(child=OuterRef("pk"), reason_new_episode="S")
        return self.annotate(looked_after_since=Subquery(starts.order_by("-started_on").values("started_on")[:1]))

    def for_list(self):
        """Everything a list of children shows, in three queries whatever the number of rows:
        the children, their latest episode, their open allocation with its IRO."""
        episode = _model("CareEpisode").objects.order_by("child_id", "-started_on", "-pk")
        allocation = _model("IROAllocation").objects.filter(ended_on__isnull=True).select_related("iro")
        return self.with_looked_after_since().prefetch_related(
            Prefetch("episodes", queryset=episode, to_attr="_episodes_latest_first"),
            Prefetch("allocations", queryset=allocation, to_attr="_open_allocations"),
        )

    def for_record(self):
        """Everything the child's record page shows, in a fixed number of queries."""
        allocations = (
            _model("IROAllocation").objects.select_related("iro", "allocated_by").order_by("-started_on", "-pk")
        )
        return (
            self.with_looked_after_since()
            .select_related("sibling_group", "archived_by")
            .prefetch_related(
                Prefetch(
                    "episodes",
                    queryset=_model("CareEpisode").objects.order_by("child_id", "-started_on", "-pk"),
                    to_attr="_episodes_latest_first",
                ),
                Prefetch("allocations", queryset=allocations, to_attr="_allocations_latest_first"),
            )
        )


class VisibleThroughChild:
    """For the QuerySet of any record about one child (reviews, actions, visits, notes,
    disputes, significant changes, episodes...): ``visible_to(user)`` is exactly the records
    whose child ``Child.objects.visible_to(user)`` holds. Nothing else (who wrote or raised the
    record, who chaired it) makes a record visible: an IRO who no longer holds the child no
    longer sees anything about them."""

    #: The lookup from the record to its child, e.g. ``"dispute__child"``.
    child_lookup = "child"

    def visible_to(self, user, *, on: date | None = None):
        return self.filter(**{f"{self.child_lookup}__in": _model("Child").objects.visible_to(user, on=on)})


class ChildRecordQuerySet(VisibleThroughChild, UndeletableQuerySet):
    """The QuerySet of a kept (never deleted) record about one child."""


class CareEpisodeQuerySet(ChildRecordQuerySet):
    def open(self):
        return self.filter(ended_on__isnull=True)


class SignificantChangeQuerySet(ChildRecordQuerySet):
    def unacknowledged(self):
        return self.filter(acknowledged_on__isnull=True)


class IROAllocationQuerySet(ChildRecordQuerySet):
    def open(self):
        return self.filter(ended_on__isnull=True)


class CoverArrangementQuerySet(UndeletableQuerySet):
    def active(self, *, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def covered_by(self, user):
        """The absent IROs whose children ``user`` covers (a values queryset for ``__in``)."""
        return self.filter(covering_iro=user).values("absent_iro")


class IROProfileQuerySet(models.QuerySet):
    def with_caseload(self, *, on: date | None = None):
        """Each active IRO with ``caseload`` (children allocated now), their team, and the cover
        they give and receive on ``on``: three queries whatever the number of IROs or children."""
        cover = _model("CoverArrangement").objects.active(on=on)
        return (
            self.filter(user__is_active=True)
            .select_related("user", "team")
            .annotate(caseload=Count("user__iro_allocations", filter=Q(user__iro_allocations__ended_on__isnull=True)))
            .prefetch_related(
                Prefetch(
                    "user__covers_given", queryset=cover.select_related("covering_iro"), to_attr="active_cover_given"
                ),
                Prefetch(
                    "user__covers_taken", queryset=cover.select_related("absent_iro"), to_attr="active_cover_taken"
                ),
            )
            .order_by("team__name", "user__last_name", "user__first_name")
        )
