"""What a conference's page shows, for its audit events: a conference is about a family, so the
page writes one event for each of its children (``iro_service.audit.Shown.child_ids``), and each
child's access log finds it (docs/data-protection.md: every read of a child's record is logged)."""

from __future__ import annotations

from iro_service.audit import Shown

from ..models import Conference, ConferenceChild


def conference_in_url(request, kwargs) -> Shown:
    """The page is about the conference ``pk`` and every child at it."""
    pk = kwargs["pk"]
    return Shown(
        child_id=None,
        object_type=Conference._meta.label,
        object_id=str(pk),
        child_ids=ConferenceChild.objects.filter(conference_id=pk).order_by("pk").values_list("child_id", flat=True),
    )
