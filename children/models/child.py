"""The child: who they are, their SSDA903 details, and brothers and sisters in care.

docs/rules.md#ssda903: codes are stored as the SSDA903 national codes; #retention: nothing is
hard-deleted except by the one sanctioned erasure.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from iro_service.models import UndeletableModel

from .. import codes, rules, search
from ..ages import age_on
from ..querysets import ChildQuerySet
from ..retention import Retention, retention_date

if TYPE_CHECKING:
    from .care import CareEpisode, IROAllocation


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
    #: The names and references folded for the children search (children/search.py), written
    #: by ``save()`` from the fields; the few bulk writes of names compute it themselves.
    search_text = models.TextField(blank=True, default="", editable=False)

    history = HistoricalRecords()
    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name_plural = "children"
        indexes = [
            # The children list's order, so a page of it is read from the index, not sorted.
            models.Index(
                fields=["last_name", "first_name", "id"], condition=Q(archived_at__isnull=True), name="child_list_order"
            ),
        ]
        permissions = [
            ("view_caseload", "Can view the children on their own and covered caseloads"),
            ("view_all_children", "Can view every child in the service"),
            ("manage_child_record", "Can add and update children and their care episodes"),
            ("allocate_iro", "Can allocate and reallocate IROs and arrange cover"),
            ("view_audit_trail", "Can read a child's audit trail"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep ``search_text`` in step with the names and references (no I/O: a fold of the fields)."""
        self.search_text = search.search_text(**{name: getattr(self, name) for name in search.SEARCHED_FIELDS})
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(search.SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

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
        """The open looked-after allocation: the child's IRO."""
        allocations = getattr(self, "_open_allocations", None)
        if allocations is None:
            allocations = [
                a
                for a in self._allocations_latest_first
                if a.ended_on is None and a.work == codes.AllocationWork.LOOKED_AFTER
            ]
        return allocations[0] if allocations else None

    @property
    def current_chair_allocation(self) -> IROAllocation | None:
        """The open child protection allocation: the chair of the child's conferences (needs
        ``ChildQuerySet.for_record()``)."""
        chairs = [
            a
            for a in self._allocations_latest_first
            if a.ended_on is None and a.work == codes.AllocationWork.CHILD_PROTECTION
        ]
        return chairs[0] if chairs else None

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
