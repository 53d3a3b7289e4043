"""The IRO staff: teams and each IRO's contract, against which caseload bands are counted."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from iro_service.models import TimeStampedModel

from ..caseload import Caseload, CaseloadStatus, caseload_band
from ..querysets import IROProfileQuerySet


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
    def load(self) -> Caseload:
        """Needs the annotations of ``IROProfile.objects.with_caseload()``."""
        return load_of(self)

    @property
    def status(self) -> CaseloadStatus:
        """Against the band: looked-after children plus the weighted child protection children
        (docs/rules.md#caseloads). Needs the annotations of ``IROProfile.objects.with_caseload()``."""
        return self.load.status


def load_of(row) -> Caseload:
    """The ``Caseload`` of a row annotated by ``with_caseload()`` or ``staff_with_caseload()``,
    weighed with ``CP_CASE_WEIGHT``. No query."""
    return Caseload(
        looked_after=row.caseload,
        child_protection=getattr(row, "child_protection", 0),
        families=getattr(row, "families", 0),
        fte=Decimal(str(row.fte)),
        weight=settings.CP_CASE_WEIGHT,
    )
