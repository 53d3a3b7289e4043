"""The minutes of a child protection conference as a tagged PDF (docs/rules.md#child-protection).

One document per family conference, with a section per child: the decision, the categories
and the plan's actions. Laid out by ``iro_service.pdf`` (WeasyPrint, PDF/UA-1) as the review
record is (``reviews.documents``); everything user-written reaches the page through Django's
autoescaping, never as markup. Rendered in the request: a conference is a few pages.

Distribution: the date the minutes went out is ``Conference.minutes_distributed_on``; who was
sent a copy, how and when, or why not, is one ``MinutesSent`` row per person
(``conferences.services.distribution``), as ``DocumentSent`` is for a review's record.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.template.loader import render_to_string

from iro_service.pdf import html_to_pdf

from .codes import ConferenceStatus
from .models import Conference, ConferenceChild, PlanAction

MINUTES_TEMPLATE = "conferences/chair/pdf/minutes.html"
STYLESHEET = "reviews/pdf/documents.css"


def held_conference(user, pk: int) -> Conference:
    """The held conference ``pk`` if ``user`` may see one of its children; 404 otherwise, and for
    a conference not held (there are no minutes to print)."""
    found = (
        Conference.objects.visible_to(user).filter(pk=pk, status=ConferenceStatus.HELD).select_related("chair").first()
    )
    if found is None:
        raise Http404
    return found


def _places(conference: Conference) -> list[ConferenceChild]:
    return list(
        ConferenceChild.objects.filter(conference=conference)
        .select_related("child", "plan")
        .prefetch_related(Prefetch("plan__actions", queryset=PlanAction.objects.filter(conference=conference)))
        .order_by("child__date_of_birth", "pk")
    )


def file_name(conference: Conference) -> str:
    """``conference-minutes-<references>-<date held>.pdf``: the children's local references, never
    their names or the family's; only letters, digits and hyphens, so the name is safe in a header."""
    references = ConferenceChild.objects.filter(conference=conference).order_by("child__date_of_birth", "pk")
    joined = "-".join(references.values_list("child__local_reference", flat=True))
    safe = re.sub(r"[^A-Za-z0-9]+", "-", joined).strip("-") or f"conference-{conference.pk}"
    return f"conference-minutes-{safe[:120]}-{conference.held_on:%Y-%m-%d}.pdf"


def minutes_pdf(conference: Conference, *, today: date) -> bytes:
    """The minutes of ``conference`` (from ``held_conference``) as tagged PDF bytes."""
    context = {
        "authority_name": settings.AUTHORITY_NAME,
        "title": f"{conference.get_kind_display()}, {conference.held_on:%-d %B %Y}",
        "conference": conference,
        "places": _places(conference),
        "attendees": conference.attendees.order_by("agency", "name", "pk"),
        "today": today,
    }
    return html_to_pdf(render_to_string(MINUTES_TEMPLATE, context), css=render_to_string(STYLESHEET, context))
