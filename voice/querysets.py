"""Reads of links and answers, scoped like every record about a child (``visible_to`` through
the child, docs/decisions/0007-visibility-by-iro-list.md)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q

from children.querysets import ChildRecordQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class VoiceLinkQuerySet(ChildRecordQuerySet):
    def live(self, *, now: datetime):
        """Links that still open a form: not submitted, not revoked, not expired."""
        return self.filter(submitted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)

    def unsubmitted(self):
        return self.filter(submitted_at__isnull=True, revoked_at__isnull=True)


class VoiceResponseQuerySet(ChildRecordQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_chair(self, user: User, *, on=None):
        """Answers about the children whose looked-after IRO ``user`` is, or covers: the answers
        that are theirs to read (a manager's wider view is ``visible_to``)."""
        from children.codes import AllocationWork  # noqa: PLC0415
        from children.models import Child  # noqa: PLC0415

        return self.filter(child__in=Child.objects.held_or_covered_by(user, on=on, work=AllocationWork.LOOKED_AFTER))

    def with_comment(self):
        """Answers with a free-text comment (feedback): the manager's list of comments."""
        return self.filter(Q(answers__has_key="comment"))
