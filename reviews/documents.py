"""The review record (the minutes) and the letter to the child, as tagged PDFs.

The record goes to the child, the parents and the professionals within 20 working days of the
review, with its decisions as SMART actions (docs/rules.md#after-the-review); the letter tells
the child, in plain words, what was agreed. Both are laid out from templates by
``iro_service.pdf`` (WeasyPrint, PDF/UA-1), the step the annual report uses. Everything
user-written reaches the page through Django's autoescaping, never as markup.

Each is rendered in the request that asks for it, not in a Celery task like the annual report:
one review is a page or two (well under a second to lay out), so a download needs no Redis or
worker, and every download is a fresh copy of the record as it stands, never a stale stored file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import TextChoices
from django.template.loader import render_to_string

from children.models import IROAllocation
from children.selectors import visible_record_or_404
from iro_service.pdf import html_to_pdf
from iro_service.sections import page_sections

from .codes import ReviewStatus, role_labels
from .models import Review, ReviewDue, ReviewSchedule

RECORD_TEMPLATE = "reviews/pdf/record.html"
LETTER_TEMPLATE = "reviews/pdf/letter.html"
STYLESHEET = "reviews/pdf/documents.css"

#: The letter's default layout: a child under this age on the review date gets the ``younger``
#: layout (larger type, simpler headings, more space); from this age, ``young_person``. Eleven is
#: the end of primary school (Year 6), where councils' children's guides usually split; the IRO
#: can choose either layout for any child with ``?layout=``.
YOUNGER_LAYOUT_UNDER_AGE = 11


class LetterLayout(TextChoices):
    YOUNGER = "younger", "For a younger child"
    YOUNG_PERSON = "young_person", "For a young person"


@dataclass(frozen=True)
class NextReview:
    """When the review after this one is due, and why (the reason names the child)."""

    due_on: date | None
    reason: str
    booked_for: date | None = None


def held_review(user, pk: int) -> Review:
    """The held review ``pk`` with its child, chair and actions, if ``user`` may see its child;
    404 otherwise, and for a review booked or cancelled (there is no record to print)."""
    reviews = (
        Review.objects.filter(status=ReviewStatus.HELD)
        .select_related("child__review_schedule", "chair", "due")
        .prefetch_related("actions")  # in Action's order: by due date
    )
    return visible_record_or_404(user, reviews, pk)


def next_review(review: Review) -> NextReview:
    """The next review after ``review``. For the child's latest review this is the child's
    ``ReviewSchedule`` (the date due now, with its reason and any booking); for an earlier one,
    the review that fell due after it in the same period (``ReviewDue``), so an old record
    still says what it said when it was written (docs/rules.md#review-timescales)."""
    child = review.child
    schedule = _schedule(review)
    later = Review.objects.filter(child=child, status=ReviewStatus.HELD, held_on__gt=review.held_on).exists()
    if schedule is not None and not later:
        return NextReview(schedule.next_due_on, schedule.next_reason_for(child.first_name), schedule.booked_for)
    due = getattr(review, "due", None)
    following = (
        ReviewDue.objects.filter(child=child, period_start=due.period_start, number=due.number + 1).first()
        if due is not None
        else None
    )
    if following is None:
        return NextReview(None, "")
    return NextReview(following.due_on, following.reason_for(child.first_name))


def _schedule(review: Review) -> ReviewSchedule | None:
    try:
        return review.child.review_schedule
    except ReviewSchedule.DoesNotExist:
        return None


def letter_layout(review: Review, chosen: str | None = None) -> LetterLayout:
    """``chosen`` when it names a layout; otherwise by the child's age on the review date."""
    if chosen in LetterLayout.values:
        return LetterLayout(chosen)
    young = review.child.age_on(review.date) < YOUNGER_LAYOUT_UNDER_AGE  # held_on, for a held review
    return LetterLayout.YOUNGER if young else LetterLayout.YOUNG_PERSON


def childs_iro(review: Review):
    """The IRO the child can contact now: the one allocated to them, else the review's chair."""
    allocation = (
        IROAllocation.objects.looked_after()
        .filter(child=review.child, ended_on__isnull=True)
        .select_related("iro")
        .first()
    )
    return allocation.iro if allocation is not None else review.chair


def file_name(review: Review, kind: str) -> str:
    """``<kind>-<local reference>-<date held>.pdf``: never the child's name, which a downloads
    folder or an email attachment would show to anyone looking; only letters, digits and
    hyphens, so the name is safe in a header."""
    reference = re.sub(r"[^A-Za-z0-9]+", "-", review.child.local_reference).strip("-") or "child"
    return f"{kind}-{reference}-{review.held_on:%Y-%m-%d}.pdf"


def _common(review: Review, *, today: date) -> dict:
    actions = list(review.actions.all())
    return {
        "authority_name": settings.AUTHORITY_NAME,
        "review": review,
        "child": review.child,
        "actions": actions,
        "next_review": next_review(review),
        "today": today,
    }


def review_record_pdf(review: Review, *, today: date, extras: Sequence[dict] = ()) -> bytes:
    """The record of ``review`` (a held review from ``held_review``) as tagged PDF bytes;
    ``extras`` are the blocks other apps add (``document_extras``)."""
    context = _common(review, today=today) | {
        "extras": list(extras),
        "title": f"Review record, {review.held_on:%-d %B %Y}",
        "invited": role_labels(review.invited),
        "attended": role_labels(review.attended),
    }
    return _pdf(RECORD_TEMPLATE, context)


def letter_pdf(review: Review, *, layout: LetterLayout, today: date, extras: Sequence[dict] = ()) -> bytes:
    """The letter to the child about ``review`` in ``layout``, as tagged PDF bytes; ``extras``
    are the blocks other apps add (``document_extras``)."""
    child = review.child
    context = _common(review, today=today) | {
        "extras": list(extras),
        "title": "What we agreed we will do",
        "layout": layout,
        "younger": layout == LetterLayout.YOUNGER,
        "name": child.preferred_name or child.first_name,
        "iro": childs_iro(review),
    }
    return _pdf(LETTER_TEMPLATE, context)


def document_extras(review: Review, *, document: str, user, request, recipient: str = "") -> list[dict]:
    """The blocks other apps add to ``document`` ("letter" or "record") of ``review``
    (``REVIEW_DOCUMENT_EXTRAS``: the child's voice adds a feedback link and its QR code), each
    a template's context with the template under "template"; a callable may add none."""
    found = page_sections(
        "REVIEW_DOCUMENT_EXTRAS", review=review, document=document, user=user, request=request, recipient=recipient
    )
    return [extra for extra in found if extra]


def _pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context), css=render_to_string(STYLESHEET, context))
