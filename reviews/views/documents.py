"""The review record and the letter to the child as PDF downloads (``reviews.documents``).

Rendered in the request, not queued: see ``reviews.documents`` for why. Scoped and audited like
the review's own page (``review_detail``): the review is fetched through ``visible_to``, and
only a held review has a record (a booked or cancelled one is a 404).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from iro_service.audit import object_in_url

from .. import documents
from ..models import Review
from .pages import CASELOAD, page


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page(CASELOAD, child=object_in_url(Review), summary="Review record PDF downloaded")
def review_record_pdf(request, pk):
    """``?for=contact:<id>``: the copy for one of the people around the child (other apps may add
    what is theirs alone, such as their own feedback link: ``REVIEW_DOCUMENT_EXTRAS``)."""
    review = documents.held_review(request.user, pk)
    extras = documents.document_extras(
        review, document="record", user=request.user, request=request, recipient=request.GET.get("for", "")
    )
    pdf = documents.review_record_pdf(review, today=timezone.localdate(), extras=extras)
    return _pdf(pdf, documents.file_name(review, "review-record"))


@page(CASELOAD, child=object_in_url(Review), summary="Letter to the child PDF downloaded")
def review_letter_pdf(request, pk):
    """``?layout=younger`` or ``young_person``; otherwise chosen by the child's age at the review."""
    review = documents.held_review(request.user, pk)
    layout = documents.letter_layout(review, request.GET.get("layout"))
    extras = documents.document_extras(review, document="letter", user=request.user, request=request)
    pdf = documents.letter_pdf(review, layout=layout, today=timezone.localdate(), extras=extras)
    return _pdf(pdf, documents.file_name(review, f"review-letter-{layout.value.replace('_', '-')}"))
