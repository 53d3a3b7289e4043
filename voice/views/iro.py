"""The IRO's pages of answers (docs/rules.md#the-childs-voice): their list, one answer (read
marks it read), and copying a consultation answer into the booked review's record.

Who reads what:

* the list is the IRO's: the answers about the children whose looked-after IRO they are or
  cover (``VoiceResponse.objects.for_chair``). A manager has no list here (403): the feedback
  comments across the service are the manager's own page;
* one answer: its IRO (or cover) reads every answer, the private ones too, and reading it marks
  it read; a manager reads the answers that are not private, and reading marks nothing; anyone
  else gets 404;
* anonymous feedback names no child and links to no record, for anyone.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from iro_service.audit import audited, audited_by_service, note_listing, object_in_url
from iro_service.concurrency import StaleEditError
from iro_service.models import AuditAction
from iro_service.page_access import permission_page
from iro_service.pagination import CappedPaginator

from .. import selectors
from ..models import VoiceResponse
from ..services import response_mark_read
from ..services.copying import AlreadyCopied, response_copy_to_review

CHAIR = "reviews.chair_review"
CASELOAD = "children.view_caseload"
#: A manager reads an answer's words that are not private (never the private ones).
MANAGER = "reviews.view_service_reviews"
PAGE_SIZE = 50


@audited(action=AuditAction.LISTED)
@permission_page(CHAIR, methods=["GET"])
def answers(request):
    """The IRO's answers, unread first, then newest: a page at a time, in a fixed number of queries."""
    page = CappedPaginator(selectors.answers_for_chair(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.answer_rows(page.object_list)
    note_listing(
        request,
        child_ids=sorted({row.response.child_id for row in rows if not row.anonymous}),
        summary=f"Answers to consultation and feedback: {len(rows)} listed, page {page.number}",
    )
    return render(request, "voice/iro/answers.html", {"page": page, "rows": rows, "anonymous": selectors.ANONYMOUS})


def _readable(request, pk) -> tuple[VoiceResponse, bool]:
    """The answer and whether ``request.user`` reads its private words (its IRO or cover); a
    manager reads the rest; 404 for anyone else."""
    response = get_object_or_404(
        VoiceResponse.objects.visible_to(request.user).select_related("child", "review", "link"), pk=pk
    )
    private = selectors.may_read_private(request.user, response)
    if not private and not request.user.has_perm(MANAGER):
        raise Http404("No such answer")
    return response, private


@audited(child=object_in_url(VoiceResponse), summary="Answer to consultation or feedback read")
@permission_page(CASELOAD, methods=["GET"])
def answer(request, pk):
    """One answer; its IRO's reading marks it read (``response_mark_read`` audits that)."""
    response, private = _readable(request, pk)
    if private:
        response = response_mark_read(response=response, by=request.user)
    context = {
        "response": response,
        "row": selectors.answer_rows([response])[0],
        "shown": selectors.answers_shown(response, private=private),
        "private": private,
        "copyable": private and selectors.copyable(response),
        "copy_field": selectors.copy_field(response),
        "anonymous": selectors.ANONYMOUS,
    }
    return render(request, "voice/iro/answer.html", context)


@audited_by_service("POST only: response_copy_to_review and review_notes_append audit the change, then it redirects")
@permission_page(CHAIR, methods=["POST"])
def answer_copy(request, pk):
    """Copy a consultation answer into the booked review's record, once."""
    response = get_object_or_404(selectors.answers_for_chair(request.user), pk=pk)
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, "Open the answer again, then copy it into the review record.")
        return redirect("voice:answer", pk=response.pk)
    try:
        response_copy_to_review(response=response, by=request.user, expected_version=int(version))
    except AlreadyCopied as refused:
        messages.error(request, refused.messages[0])
    except StaleEditError:
        messages.error(
            request,
            "The review record was changed while you were reading this answer. Copy it again if you still want to.",
        )
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        field = "wishes and feelings" if selectors.copy_field(response) == "wishes_and_feelings" else "discussion"
        messages.success(request, f"Answers copied into the review record ({field}).")
    return redirect("voice:answer", pk=response.pk)
