"""Cross-cutting models: the timestamped base, the no-hard-delete rule, the audit trail, and the
constraint that one date is not before another."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q


class HardDeleteForbidden(Exception):
    """Raised when code tries to hard-delete a record that must be kept (docs/rules.md#data-protection)."""


def _deletion_refused(model: type[models.Model]) -> str:
    """Why ``model``'s records cannot be deleted: its own ``kept_because``, or the general rule."""
    return getattr(model, "kept_because", "") or f"{model.__name__} records are never deleted; archive or close them."


class UndeletableQuerySet(models.QuerySet):
    def delete(self):
        raise HardDeleteForbidden(_deletion_refused(self.model))


class SanctionedErasure:
    """The one way past the no-delete rule: the retention service (children/retention_services.py,
    docs/rules.md#data-protection) destroys or anonymises a record past its retention date once a second
    manager has approved. Nothing else may use it (tests/children/test_retention_erasure.py checks
    which modules do).

    ``delete`` removes the rows in SQL: no ``delete()`` override runs, no signal is sent (so
    simple-history writes no "deleted" copy of the data) and nothing cascades, so the caller
    removes the rows that refer to them too. ``update`` changes rows whose queryset refuses
    updates (the append-only audit trail). Both must run inside the caller's transaction.
    """

    @staticmethod
    def _require_transaction(queryset) -> None:
        if not transaction.get_connection(queryset.db).in_atomic_block:
            raise HardDeleteForbidden("Sanctioned erasure runs only inside the retention service's transaction.")

    @classmethod
    def delete(cls, queryset: models.QuerySet) -> int:
        cls._require_transaction(queryset)
        return queryset._raw_delete(queryset.db)

    @classmethod
    def update(cls, queryset: models.QuerySet, **values) -> int:
        cls._require_transaction(queryset)
        return models.QuerySet.update(queryset, **values)


def not_before(later: str, earlier: str, *, name: str) -> models.CheckConstraint:
    """The date field ``later``, once set, is not before the date field ``earlier`` (a period
    does not end before it starts, a record is not sent before the review it records)."""
    return models.CheckConstraint(
        condition=Q(**{f"{later}__isnull": True}) | Q(**{f"{later}__gte": F(earlier)}), name=name
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UndeletableModel(TimeStampedModel):
    """Children's records are special-category data kept until retention ends: no hard deletes.

    docs/rules.md#data-protection: "least privilege, an access log, no hard deletes". A model
    kept for another reason (a generated report, an uploaded return) says why in
    ``kept_because``; the refusal of ``delete()``, here and on ``UndeletableQuerySet``, quotes it.
    """

    #: Why these records are kept, when it is not the general rule above.
    kept_because = ""

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise HardDeleteForbidden(_deletion_refused(type(self)))


class AuditAction(models.TextChoices):
    VIEWED = "viewed", "Viewed"
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    ARCHIVED = "archived", "Archived"
    ALLOCATED = "allocated", "IRO allocated"
    REALLOCATED = "reallocated", "IRO changed"
    EPISODE_STARTED = "episode_started", "Care episode started"
    EPISODE_ENDED = "episode_ended", "Care episode ended"
    COVER_GRANTED = "cover_granted", "Cover arranged"
    COVER_ENDED = "cover_ended", "Cover ended"
    VIEWED_AUDIT = "viewed_audit", "Viewed audit trail"
    LISTED = "listed", "Listed children"
    EXPORTED = "exported", "Included in an export"
    IMPORTED = "imported", "Created or updated by an import"
    # Accounts, roles and sign-in: child_id is empty, object_type/object_id name the user or group.
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_OUT = "signed_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    SECOND_FACTOR = "second_factor", "Two-factor sign-in set up or changed"
    USER_CREATED = "user_created", "User account created"
    USER_CHANGED = "user_changed", "User account changed"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_SENT = "password_reset_sent", "Password reset sent"
    ROLE_GRANT_REQUESTED = "role_grant_requested", "Role requested for a user"
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_GRANT_REFUSED = "role_grant_refused", "Role request refused"
    ROLE_REMOVED = "role_removed", "Role removed"
    PERMISSIONS_CHANGED = "permissions_changed", "Permissions changed"
    ACCESS_REFUSED = "access_refused", "Access refused"
    # Retention (docs/rules.md#data-protection): the one sanctioned deletion.
    RETENTION_PROPOSED = "retention_proposed", "Anonymising or destroying proposed"
    RETENTION_REFUSED = "retention_refused", "Anonymising or destroying refused"
    RECORD_ANONYMISED = "record_anonymised", "Record anonymised (retention)"
    RECORD_DESTROYED = "record_destroyed", "Record destroyed (retention)"


class AuditEventQuerySet(UndeletableQuerySet):
    def for_child(self, child_id: int):
        return self.filter(child_id=child_id).select_related("actor").order_by("-occurred_at", "-pk")

    def update(self, **kwargs):
        raise HardDeleteForbidden("Audit events are append-only.")


class AuditEvent(models.Model):
    """One access to or change of personal data: who, when, which child, what action, what changed.

    Append-only: the queryset refuses update() and delete(), and the admin shows it read-only.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=32, choices=AuditAction)
    # A plain id, not a foreign key: iro_service depends on no domain app.
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    path = models.CharField(max_length=255, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["child_id", "-occurred_at"], name="audit_child_recent")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor} {self.action} child={self.child_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise HardDeleteForbidden("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HardDeleteForbidden("Audit events are append-only.")


class RoleName(models.TextChoices):
    """The roles (``iro_service/roles.py`` gives each its capabilities)."""

    IRO = "IRO", "IRO"
    CP_CHAIR = "Child protection chair", "Child protection chair"
    IRO_MANAGER = "IRO manager", "IRO manager"
    COMMITTEE = "Committee member", "Committee member"
    ADMINISTRATOR = "Administrator", "Administrator"


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a manager"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    REVOKED = "revoked", "Removed"


class RoleGrantRoute(models.TextChoices):
    #: A second person, an IRO manager who neither asked for it nor receives it, approved it.
    APPROVAL = "approval", "Approved by a second person"
    #: The Committee member role reads no child's record: an administrator gives it directly.
    DIRECT = "direct", "Given directly (reads no child's record)"
    #: The server operator (``manage.py grant_role``, the demo, a migration): shell access is
    #: infrastructure trust.
    OPERATOR = "operator", "Given by the server operator"


class RoleGrantQuerySet(UndeletableQuerySet):
    def pending(self):
        return self.filter(status=RoleGrantStatus.PENDING)

    def held(self):
        return self.filter(status=RoleGrantStatus.APPROVED)

    def for_review(self):
        return self.select_related("user", "requested_by", "decided_by", "revoked_by").order_by("requested_at", "pk")


class RoleGrant(UndeletableModel):
    """A request for a user to hold a role, and its decision (separation of duties).

    A role that reads children's records (IRO, IRO manager), and the Administrator role (which
    manages accounts), takes effect only when an IRO manager who is neither the requester nor
    the grantee approves it. The database enforces the second person; the services in
    ``iro_service/role_grants.py`` enforce that the approver is an active IRO manager.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(max_length=32, choices=RoleName)
    status = models.CharField(max_length=16, choices=RoleGrantStatus, default=RoleGrantStatus.PENDING)
    route = models.CharField(max_length=16, choices=RoleGrantRoute, default=RoleGrantRoute.APPROVAL)
    reason = models.CharField("why this person needs the role", max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=255, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        permissions = [
            ("request_role_grant", "Can ask for a role to be given to a user"),
            ("approve_role_grant", "Can approve or refuse a role request made by someone else"),
            ("revoke_role", "Can remove a role from a user"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(status="pending"), name="rolegrant_one_pending_per_role"
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(status="approved"), name="rolegrant_one_held_per_role"
            ),
            # A grant that needed approval was requested by someone, and if it took effect it
            # was decided by a second person who is neither the requester nor the grantee.
            models.CheckConstraint(
                condition=~Q(route="approval")
                | (
                    Q(requested_by__isnull=False)
                    & (
                        ~Q(status__in=["approved", "revoked"])
                        | (Q(decided_by__isnull=False) & ~Q(decided_by=F("requested_by")) & ~Q(decided_by=F("user")))
                    )
                ),
                name="rolegrant_second_person",
            ),
            # Only the Committee member role (it reads no child) is given directly.
            models.CheckConstraint(
                condition=~Q(route="direct") | Q(role="Committee member", requested_by__isnull=False),
                name="rolegrant_direct_only_committee",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False), name="rolegrant_decided_when"
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False), name="rolegrant_revoked_when"
            ),
        ]

    def __str__(self):
        return f"{self.role} for {self.user} ({self.get_status_display().lower()})"
