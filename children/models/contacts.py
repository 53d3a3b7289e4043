"""The people around the child: their social worker and team manager, carers, parents and others
with parental responsibility, school, advocate and health contact. The IRO invites them to the
review and sends them its record (docs/rules.md#after-the-review), so each is kept with the dates they
held the role and with history. Their details are personal data: every read and change is
audited with the child's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from iro_service.models import UndeletableModel, not_before

from .. import codes
from ..querysets import ContactQuerySet
from .child import Child


class Contact(UndeletableModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contacts")
    role = models.CharField(max_length=20, choices=codes.ContactRole.choices)
    name = models.CharField(max_length=200)
    #: The team, school, agency or placement the person works for or runs.
    organisation = models.CharField(max_length=200, blank=True)
    has_parental_responsibility = models.BooleanField("has parental responsibility", default=False)
    email = models.EmailField("email address", blank=True)
    phone = models.CharField("phone number", max_length=30, blank=True)
    address = models.TextField("postal address", blank=True)
    #: Why the person is not to be told where the child lives, or not to receive documents.
    notes = models.TextField(blank=True)
    started_on = models.DateField("from")
    ended_on = models.DateField("until", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: Optimistic lock: every change increments it; a save with an older version is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["child", "role", "name", "pk"]
        permissions = [("manage_contacts", "Can add and update the people around a child they can see")]
        constraints = [not_before("ended_on", "started_on", name="contact_ends_after_start")]
        indexes = [
            models.Index(fields=["child", "role"], condition=Q(ended_on__isnull=True), name="contact_current"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
