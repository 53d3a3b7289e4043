"""The manager's page of feedback comments for a reporting year, and the quotes chosen from them
for the annual report (docs/rules.md#the-childs-voice).

The committee never sees a comment: this page is the manager's (``reporting.generate_annual_report``).
It shows each comment with only who gave it (a child in an age band, a parent, a carer), never a
name; the manager edits the words to quote, so the report carries only what they chose.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxLengthValidator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from iro_service.audit import audited, audited_by_service, note_listing, object_in_url
from iro_service.forms import GDSForm, text_field
from iro_service.models import AuditAction
from iro_service.page_access import permission_page
from reviews.codes import ReviewStatus
from voice.codes import Purpose
from voice.models import FeedbackQuote, VoiceResponse
from voice.services.quotes import QUOTE_LIMIT, feedback_quote_choose, feedback_quote_withdraw, quote_attribution

from .views import MANAGE, _year

PAGE_SIZE = 25


class QuoteForm(GDSForm, forms.Form):
    submit_text = "Use as a quote"

    text = text_field(
        "Words to quote",
        rows=5,
        help_text=f"Remove anything that could identify the child, their family or anyone else: names, places, "
        f"schools, dates. At most {QUOTE_LIMIT} characters.",
        validators=[MaxLengthValidator(QUOTE_LIMIT, f"The quote must be {QUOTE_LIMIT} characters or fewer")],
    )


def _comments(user, year):
    """The feedback comments of ``year`` (by the day the review was held), newest first."""
    return (
        VoiceResponse.objects.visible_to(user)
        .with_comment()
        .filter(
            purpose=Purpose.FEEDBACK,
            review__status=ReviewStatus.HELD,
            review__held_on__gte=year.start,
            review__held_on__lte=year.end,
        )
        .only("pk", "child_id", "respondent", "child_age", "answers", "submitted_at")
        .order_by("-submitted_at", "-pk")
    )


@audited(action=AuditAction.LISTED)
@permission_page(MANAGE, methods=["GET"])
def comments(request, year):
    year = _year(year, today=timezone.localdate())
    page = Paginator(_comments(request.user, year), PAGE_SIZE).get_page(request.GET.get("page"))
    quoted = set(
        FeedbackQuote.objects.filter(
            response_id__in=[r.pk for r in page.object_list], year_label=year.label, withdrawn_at__isnull=True
        ).values_list("response_id", flat=True)
    )
    rows = [
        {"response": r, "who": quote_attribution(r), "comment": r.answers.get("comment", ""), "quoted": r.pk in quoted}
        for r in page.object_list
    ]
    chosen = FeedbackQuote.objects.filter(year_label=year.label, withdrawn_at__isnull=True).order_by("pk")
    note_listing(
        request,
        child_ids=[r.child_id for r in page.object_list],
        summary=f"Feedback comments for the annual report {year.label}: {page.paginator.count} found",
    )
    context = {"year": year, "page": page, "rows": rows, "chosen": list(chosen), "query": ""}
    return render(request, "reporting/feedback/comments.html", context)


@audited(child=object_in_url(VoiceResponse, summary="A feedback comment opened to quote"))
@permission_page(MANAGE, methods=["GET", "POST"])
def quote(request, year, pk):
    year = _year(year, today=timezone.localdate())
    response = get_object_or_404(_comments(request.user, year), pk=pk)
    comment = response.answers.get("comment", "")
    form = QuoteForm(request.POST if request.method == "POST" else None, initial={"text": comment[:QUOTE_LIMIT]})
    if request.method == "POST" and form.is_valid():
        try:
            feedback_quote_choose(response=response, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Quote saved for the {year.label} report")
            return redirect("reporting:feedback_comments", year=year.label)
    context = {"year": year, "form": form, "comment": comment, "who": quote_attribution(response)}
    return render(request, "reporting/feedback/quote.html", context, status=400 if form.errors else 200)


@audited_by_service("feedback_quote_withdraw audits the withdrawal; the page redirects")
@permission_page(MANAGE, methods=["POST"])
def quote_withdraw(request, pk):
    chosen = get_object_or_404(FeedbackQuote.objects.select_related("response"), pk=pk, withdrawn_at__isnull=True)
    feedback_quote_withdraw(quote=chosen, by=request.user)
    messages.success(request, "Quote withdrawn from the report")
    return redirect("reporting:feedback_comments", year=chosen.year_label)
