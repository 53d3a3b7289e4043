"""The child's care: SSDA903 episodes, the IRO who holds them and cover, and the significant
changes their IRO must be told of (docs/rules.md#people, #periods-of-care, #significant-changes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from iro_service.models import UndeletableModel, not_before

from .. import codes
from ..querysets import CareEpisodeQuerySet, CoverArrangementQuerySet, IROAllocationQuerySet, SignificantChangeQuerySet
from .child import Child


def _one_open_period_per_child(kind: str) -> list[models.BaseConstraint]:
    """A period from ``started_on`` to ``ended_on`` (open while empty): one open per child, and
    it cannot end before it starts. Named ``one_open_<kind>_per_child``, ``<kind>_ends_after_start``."""
    return [
        models.UniqueConstraint(
            fields=["child"], condition=Q(ended_on__isnull=True), name=f"one_open_{kind}_per_child"
        ),
        not_before("ended_on", "started_on", name=f"{kind}_ends_after_start"),
    ]


class CareEpisode(UndeletableModel):
    """One SSDA903 episode: a stretch of care with one legal status and one placement.

    A period of care starts with an episode whose reason is S and ends with an episode
    closed for any reason but X1; changes in between close one episode with X1 and open
    the next the same day.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="episodes")
    started_on = models.DateField("date episode started")
    ended_on = models.DateField("date episode ceased", null=True, blank=True)
    reason_new_episode = models.CharField(
        "reason for new episode", max_length=1, choices=codes.ReasonNewEpisode.choices
    )
    legal_status = models.CharField(max_length=2, choices=codes.LegalStatus.choices)
    category_of_need = models.CharField(
        max_length=2, choices=codes.CategoryOfNeed.choices, default=codes.CategoryOfNeed.N1
    )
    placement_type = models.CharField(max_length=3, choices=codes.PlacementType.choices)
    placement_provider = models.CharField(max_length=3, choices=codes.PlacementProvider.choices)
    placement_postcode = models.CharField(max_length=8, blank=True)
    home_postcode = models.CharField(max_length=8, blank=True)
    distance_from_home_miles = models.DecimalField(
        "distance from home (miles)",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    reason_ceased = models.CharField(
        "reason episode ceased", max_length=3, choices=codes.ReasonEpisodeCeased.choices, blank=True
    )
    reason_place_change = models.CharField(
        "reason for placement change", max_length=6, choices=codes.ReasonPlaceChange.choices, blank=True
    )
    urn = models.CharField(
        "Ofsted unique reference number", max_length=8, blank=True, help_text="XXXXXXX when it does not apply."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = CareEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["child", "started_on", "pk"]
        constraints = [
            *_one_open_period_per_child("episode"),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(reason_ceased=""))
                | (Q(ended_on__isnull=False) & ~Q(reason_ceased="")),
                name="episode_reason_ceased_iff_ended",
            ),
        ]

    def __str__(self):
        return f"{self.child_id}: {self.legal_status}/{self.placement_type} from {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def is_far_from_home(self) -> bool:
        """Placements more than 20 miles from home, as the annual report counts them (section 8)."""
        return self.distance_from_home_miles is not None and self.distance_from_home_miles > 20


class IROAllocation(UndeletableModel):
    """Which IRO holds a child, from when to when, for which work. At most one of each kind is
    open per child (database constraint); the services keep exactly one looked-after allocation
    open for every child in care, and one child protection allocation (the conference chair) for
    every child with an open conference or plan."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iro_allocations")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Looked-after reviews or child protection conferences (docs/decisions/0009).
    work = models.CharField(
        max_length=20, choices=codes.AllocationWork.choices, default=codes.AllocationWork.LOOKED_AFTER
    )

    history = HistoricalRecords()
    objects = IROAllocationQuerySet.as_manager()

    class Meta:
        ordering = ["child", "started_on", "pk"]
        verbose_name = "IRO allocation"
        constraints = [
            # One open allocation per child for each kind of work: a child on a child protection
            # plan who comes into care has an IRO and a conference chair (the step-up).
            models.UniqueConstraint(
                fields=["child", "work"], condition=Q(ended_on__isnull=True), name="one_open_allocation_per_child"
            ),
            not_before("ended_on", "started_on", name="allocation_ends_after_start"),
        ]
        indexes = [
            # Who holds whom now: the visibility rule and every caseload read by IRO
            # (docs/decisions/0007-visibility-by-iro-list.md).
            models.Index(fields=["iro", "child"], condition=Q(ended_on__isnull=True), name="open_allocation_by_iro"),
            # Each chair's child protection load (the chair choices, the caseload table).
            models.Index(
                fields=["iro", "child"],
                condition=Q(ended_on__isnull=True, work="child_protection"),
                name="open_cp_allocation_by_iro",
            ),
        ]

    def __str__(self):
        return f"{self.child_id} → {self.iro_id} from {self.started_on}"


class CoverArrangement(UndeletableModel):
    """One IRO covers another's whole caseload for a while (leave, sickness)."""

    absent_iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covers_given")
    covering_iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covers_taken")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty when the end is not known.")
    reason = models.CharField(max_length=255)
    arranged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CoverArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(absent_iro=F("covering_iro")), name="cover_not_self"),
            not_before("ends_on", "starts_on", name="cover_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.covering_iro} covers {self.absent_iro} from {self.starts_on}"

    def is_active_on(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class SignificantChange(UndeletableModel):
    """A significant change in the child's life the IRO must be told of (docs/rules.md#significant-changes).
    The child's IRO is alerted on their home page and in their digest until they acknowledge it,
    and may bring the next review forward."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="significant_changes")
    category = models.CharField(max_length=30, choices=codes.SignificantChangeCategory.choices)
    occurred_on = models.DateField("date of the change")
    description = models.TextField("what happened")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="significant_changes"
    )
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    iro_response = models.TextField("IRO's response", blank=True)
    #: A manager may record that they have read the change. It is not an acknowledgement: the
    #: IRO's alert stays until the IRO (or the IRO covering them) acknowledges it.
    seen_by_manager_at = models.DateTimeField(null=True, blank=True)
    seen_by_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SignificantChangeQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-occurred_on", "-pk"]
        permissions = [("record_significant_change", "Can record a significant change for a child")]

    def __str__(self):
        return f"{self.get_category_display()} on {self.occurred_on}"

    @property
    def needs_review_first(self) -> bool:
        return self.category in codes.NEEDS_REVIEW_FIRST
