"""The child protection chair's start page (docs/rules.md#child-protection): a chair who holds
no looked-after work has no reviews page, so the front door sends them here. It draws the same
``HOME_SECTIONS`` an IRO's start page draws beside their reviews."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone

from iro_service.audit import audited, note_listing
from iro_service.models import AuditAction
from iro_service.page_access import permission_page
from iro_service.sections import page_sections


@audited(action=AuditAction.LISTED)
@permission_page("conferences.chair_conference")
def home(request):
    """The chair's conferences of the coming weeks and their open child protection deadlines."""
    if request.user.has_perm("reviews.chair_review"):
        # An IRO's start page is their reviews page, which draws the same panels beside them.
        return redirect("reviews:home")
    sections = page_sections("HOME_SECTIONS", user=request.user, today=timezone.localdate())
    child_ids = [pk for section in sections for pk in section.get("child_ids", [])]
    note_listing(request, child_ids=child_ids, summary="My conferences")
    return render(request, "conferences/home.html", {"title": "My caseload", "sections": sections})
