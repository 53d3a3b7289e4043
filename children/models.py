"""The child, their care episodes, IRO allocations, cover and the IRO staff profile.

docs/rules.md#people: each child in care has one IRO at a time (s25A Children Act 1989);
section 9: codes are stored as the SSDA903 national codes; section 10: nothing is hard-deleted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from iro_service.models import TimeStampedModel, UndeletableModel

from . import codes, rules
from .ages import age_on
from .caseload import CaseloadStatus, caseload_band, caseload_status
from .querysets import (
    CareEpisodeQuerySet,
    ChildQuerySet,
    CoverArrangementQuerySet,
    IROAllocationQuerySet,
    IROProfileQuerySet,
    RetentionRequestQuerySet,
    SignificantChangeQuerySet,
)
from .retention import Retention, retention_date


class Team(TimeStampedModel):
    """Reference data an administrator keeps: the IRO teams of the service."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class IROProfile(TimeStampedModel):
    """An IRO's contract: full-time equivalent and team. The caseload band is pro rata to FTE."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iro_profile")
    fte = models.DecimalField(
        "full-time equivalent",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("1.00"))],
        help_text="1.00 is full time (37 hours a week); 0.60 is 22.2 hours.",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="iros")

    objects = IROProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = "IRO profile"
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gte=Decimal("0.10"), fte__lte=Decimal("1.00")), name="iroprofile_fte_range"
            )
        ]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} ({self.fte} FTE)"

    @property
    def contracted_hours(self) -> Decimal:
        return (self.fte * 37).quantize(Decimal("0.1"))

    @property
    def band(self) -> tuple[int, int]:
        return caseload_band(self.fte)

    @property
    def status(self) -> CaseloadStatus:
        """Needs the ``caseload`` annotation from ``IROProfile.objects.with_caseload()``."""
        return caseload_status(self.caseload, self.fte)


class SiblingGroup(UndeletableModel):
    """Brothers and sisters in care, kept with the same IRO where possible (docs/rules.md#people)."""

    name = models.CharField(max_length=100, help_text="For example the family surname.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


upn_validator = RegexValidator(
    r"^([A-Z]\d{11}[0-9A-Z]|UN[1-5])$",
    "Enter a 13-character unique pupil number, or UN1 to UN5 when it is not known",
)


class Child(UndeletableModel):
    local_reference = models.CharField(
        "local reference",
        max_length=20,
        unique=True,
        help_text="The child's reference in the local authority's case system; used as CHILD in SSDA903.",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=codes.Sex.choices)
    ethnicity = models.CharField(max_length=4, choices=codes.Ethnicity.choices, default=codes.Ethnicity.NOBT)
    upn = models.CharField("unique pupil number", max_length=13, blank=True, validators=[upn_validator])
    is_uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    uasc_ceased_on = models.DateField(
        "date UASC status ceased", null=True, blank=True, help_text="SSDA903 DUC, usually the 18th birthday."
    )
    #: SSDA903 MOTHER: whether the child is a mother (asked of every girl); unknown is empty.
    is_mother = models.BooleanField("is a mother", null=True, blank=True)
    mother_child_dob = models.DateField("date of birth of the mother's child", null=True, blank=True)
    #: SSDA903 PrevPerm, asked of children who start to be looked after.
    previous_permanence = models.CharField(
        "previous permanence option", max_length=2, choices=codes.PreviousPermanence.choices, blank=True
    )
    previous_permanence_la = models.CharField(
        "authority that arranged the previous permanence", max_length=3, blank=True
    )
    previous_permanence_date = models.CharField(
        "date of the previous permanence order",
        max_length=10,
        blank=True,
        help_text="dd/mm/yyyy; the day or month may be zz when not known.",
    )
    #: Children imported from SSDA903 arrive without names; the manager enters them later.
    name_to_be_entered = models.BooleanField(default=False)
    #: For a child whose records came from an SSDA903 import: the first day their reviews are
    #: known from (a return lists only its own year's reviews). Empty: every review is held here.
    reviews_known_from = models.DateField(null=True, blank=True, editable=False)
    sibling_group = models.ForeignKey(
        SiblingGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Set when the record was anonymised under the retention rule (children/erasure.py).
    anonymised_at = models.DateTimeField(null=True, blank=True)
    #: Optimistic lock: every change increments it; a save with an older version is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name_plural = "children"
        permissions = [
            ("view_caseload", "Can view the children on their own and covered caseloads"),
            ("view_all_children", "Can view every child in the service"),
            ("manage_child_record", "Can add and update children and their care episodes"),
            ("allocate_iro", "Can allocate and reallocate IROs and arrange cover"),
            ("view_audit_trail", "Can read a child's audit trail"),
        ]

    def __str__(self):
        return self.full_name

    def clean(self):
        broken = rules.motherhood_broken(
            sex=self.sex,
            is_mother=self.is_mother,
            mother_child_dob=self.mother_child_dob,
            date_of_birth=self.date_of_birth,
        )
        errors: dict[str, list[str]] = {}
        for b in broken:
            errors.setdefault(b.field, []).append(b.message)
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.first_name:
            return f"{self.full_name} ({self.preferred_name})"
        return self.full_name

    def age_on(self, on: date) -> int:
        return age_on(self.date_of_birth, on)

    # The properties below read what ``ChildQuerySet.for_list()``/``for_record()`` prefetched;
    # they never query, so a template cannot cause an N+1.
    @property
    def episodes_latest_first(self) -> list[CareEpisode]:
        return self._episodes_latest_first

    @property
    def latest_episode(self) -> CareEpisode | None:
        return self._episodes_latest_first[0] if self._episodes_latest_first else None

    @property
    def current_episode(self) -> CareEpisode | None:
        latest = self.latest_episode
        return latest if latest is not None and latest.ended_on is None else None

    @property
    def is_in_care(self) -> bool:
        return self.current_episode is not None

    @property
    def current_allocation(self) -> IROAllocation | None:
        allocations = getattr(self, "_open_allocations", None)
        if allocations is None:
            allocations = [a for a in self._allocations_latest_first if a.ended_on is None]
        return allocations[0] if allocations else None

    @property
    def allocations_latest_first(self) -> list[IROAllocation]:
        return self._allocations_latest_first

    @property
    def retention(self) -> Retention | None:
        """When the record may be anonymised or destroyed (children/retention.py), or None while
        the child is looked after. Reads what ``ChildQuerySet.with_retention()`` annotated."""
        if self.has_open_episode:
            return None
        return retention_date(
            date_of_birth=self.date_of_birth,
            died_on=self.died_on,
            years_after_birth=settings.RETENTION_YEARS_AFTER_BIRTH,
            years_after_death=settings.RETENTION_YEARS_AFTER_DEATH,
        )


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
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="one_open_episode_per_child"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="episode_ends_after_start",
            ),
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
    """Which IRO holds a child, from when to when. At most one is open per child (database
    constraint); the services keep exactly one open for every child in care."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iro_allocations")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = IROAllocationQuerySet.as_manager()

    class Meta:
        ordering = ["child", "started_on", "pk"]
        verbose_name = "IRO allocation"
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="one_open_allocation_per_child"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="allocation_ends_after_start",
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
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="cover_ends_after_start"
            ),
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
