"""The manager's choice of feedback comments to quote in the annual report
(docs/rules.md#the-childs-voice).

- ``feedback_quote_choose``: the manager (``reporting.generate_annual_report``) quotes one
  feedback comment in the report of the reporting year in which its review was held. The text is
  theirs to shorten and must be stripped of anything that identifies anyone; the attribution is
  made here from the respondent and the child's age band, never typed, so it names nobody.
- ``feedback_quote_withdraw``: takes a chosen quote out of the report (kept, with its history).

Both write an audit event naming the child the comment is about.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from iro_service.models import AuditAction
from iro_service.periods import ReportingYear
from iro_service.services import save_audited

from ..codes import FeedbackAgeBand, Purpose, Respondent, feedback_age_band
from ..models import FeedbackQuote, VoiceResponse

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Only the manager of the service chooses what the report quotes.
MANAGE = "reporting.generate_annual_report"
#: The longest quote (characters): a sentence or two, not a whole comment.
QUOTE_LIMIT = 500

_CHILD_WORDS: dict[str, str] = {
    FeedbackAgeBand.UNDER_11: "A child aged under 11",
    FeedbackAgeBand.FROM_11_TO_15: "A young person aged 11 to 15",
    FeedbackAgeBand.FROM_16: "A young person aged 16 or over",
}
_ADULT_WORDS: dict[str, str] = {
    Respondent.PARENT: "A parent",
    Respondent.CARER: "A carer",
}


def quote_attribution(response: VoiceResponse) -> str:
    """Who said it, in words that identify nobody: "A young person aged 11 to 15", "A parent"."""
    if response.respondent == Respondent.CHILD:
        return _CHILD_WORDS.get(feedback_age_band(response.child_age), "A child or young person")
    return _ADULT_WORDS.get(response.respondent, "Someone who took part in a review")


def quote_year(response: VoiceResponse) -> ReportingYear:
    """The reporting year the comment belongs to: the year its review was held."""
    day = response.review.held_on or response.submitted_at.date()
    return ReportingYear.containing(day)


def _require_manager(by: User) -> None:
    if not by.has_perm(MANAGE):
        raise PermissionDenied("Only the service manager chooses quotes for the annual report.")


def feedback_quote_choose(*, response: VoiceResponse, text: str, by: User) -> FeedbackQuote:
    """Quote ``text`` (the manager's edit of the comment) from ``response`` in the report of the
    year its review was held. Refused: not the manager; not a feedback comment; empty or over
    ``QUOTE_LIMIT``; the comment already quoted that year (withdraw the quote first)."""
    _require_manager(by)
    if response.purpose != Purpose.FEEDBACK or not response.answers.get("comment"):
        raise ValidationError({"text": "Only a feedback comment can be quoted."})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the words to quote."})
    if len(text) > QUOTE_LIMIT:
        raise ValidationError({"text": f"The quote must be {QUOTE_LIMIT} characters or fewer."})
    year = quote_year(response)
    with transaction.atomic():
        VoiceResponse.objects.select_for_update().filter(pk=response.pk).first()
        taken = FeedbackQuote.objects.filter(response=response, year_label=year.label, withdrawn_at__isnull=True)
        if taken.exists():
            raise ValidationError({"text": "This comment is already quoted: withdraw that quote first."})
        quote = FeedbackQuote(
            response=response, year_label=year.label, text=text, attribution=quote_attribution(response), chosen_by=by
        )
        return save_audited(
            quote,
            by=by,
            action=AuditAction.CREATED,
            summary=f"Feedback comment quoted in the annual report {year.label}",
            child_id=response.child_id,
        )


def feedback_quote_withdraw(*, quote: FeedbackQuote, by: User, now: datetime | None = None) -> FeedbackQuote:
    """Take ``quote`` out of the report (the manager only); withdrawing twice changes nothing."""
    _require_manager(by)
    if quote.withdrawn_at is not None:
        return quote
    quote.withdrawn_at = now or timezone.now()
    return save_audited(
        quote,
        by=by,
        action=AuditAction.UPDATED,
        summary=f"Feedback quote withdrawn from the annual report {quote.year_label}",
        update_fields=["withdrawn_at", "updated_at"],
        child_id=quote.response.child_id,
    )
