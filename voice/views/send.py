"""The IRO's pages to ask for views before a review and feedback after it
(docs/rules.md#the-childs-voice): who can be asked, the state of each person's link, a form per
person to send a new one (email, text message, a printed letter with a QR code, or a letter
posted through GOV.UK Notify), and a button to revoke a live one.

Only the IRO who holds or covers the child (``require_chair``): the review is fetched through
``visible_to`` (another IRO gets a 404), the services refuse anyone else (403), and the pages
need ``reviews.chair_review`` (a manager, the committee and administrators get a 403).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from children.selectors import visible_record_or_404
from iro_service.audit import audited_by_service, object_in_url
from iro_service.forms import add_service_errors
from iro_service.page_access import permission_page
from reviews.models import Review
from reviews.views.pages import CHAIR, page

from .. import letters
from ..codes import Purpose
from ..forms_send import SendForm
from ..models import VoiceLink
from ..services import invitation_send, link_revoke, link_state, people_to_ask, purpose_fits
from ..services.links import require_chair
from ..services.sending import LETTER

PAGE_NAMES: dict[str, str] = {Purpose.CONSULTATION: "voice:consultation_send", Purpose.FEEDBACK: "voice:feedback_send"}


@page(CHAIR, child=object_in_url(Review), summary="Consultation invitations page viewed", form=True)
def consultation_send(request, pk):
    return _send_page(request, pk, Purpose.CONSULTATION)


@page(CHAIR, child=object_in_url(Review), summary="Feedback requests page viewed", form=True)
def feedback_send(request, pk):
    return _send_page(request, pk, Purpose.FEEDBACK)


def _prefix(key: str) -> str:
    return key.replace(":", "-")


def _send_page(request, pk, purpose: str):
    review = visible_record_or_404(request.user, Review.objects.select_related("child"), pk)
    require_chair(review.child, request.user)
    if not purpose_fits(review, purpose):
        messages.info(
            request,
            "Views are asked for before a booked review."
            if purpose == Purpose.CONSULTATION
            else "Feedback is asked for after a review has been held.",
        )
        return redirect("reviews:detail", pk=review.pk)
    now = timezone.now()
    people = people_to_ask(review, purpose, now=now)
    posted = request.POST.get("person", "") if request.method == "POST" else ""
    if request.method == "POST" and posted not in {person.key for person in people}:
        messages.error(request, "That person is not on this list. Nothing has been sent.")
        return redirect(PAGE_NAMES[purpose], pk=review.pk)
    rows = []
    for person in people:
        bound = request.POST if person.key == posted else None
        form = SendForm(bound, prefix=_prefix(person.key), person=person)
        rows.append((person, link_state(person.link, now=now), form))
        if bound is not None and form.is_valid():
            sent = _send(request, review, purpose, form)
            if sent is not None:
                return sent
    context = {
        "review": review,
        "child": review.child,
        "purpose": purpose,
        "consultation": purpose == Purpose.CONSULTATION,
        "rows": rows,
        "posted": posted,
        "now": now,
        "link_days": settings.VOICE_LINK_DAYS,
    }
    return render(request, "voice/send/page.html", context)


def _send(request, review, purpose, form):
    """Send (or print) one person's link; the response to return, or None to show the form's errors."""
    data, person = form.cleaned_data, form.person_row
    try:
        sent = invitation_send(
            review=review,
            purpose=purpose,
            person_key=person.key,
            way=data["way"],
            to=data.get("to", ""),
            by=request.user,
            url_for=request.build_absolute_uri,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    if sent.way == LETTER:
        response = HttpResponse(letters.letter_pdf(link=sent.link, url=sent.url), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{letters.file_name(sent.link)}"'
        return response
    delivery = sent.delivery
    if delivery is not None and delivery.sent:
        messages.success(request, f"Sent to {person.name}.")
    else:
        reason = delivery.error if delivery is not None else "It was not handed over."
        messages.error(
            request,
            f"The link for {person.name} could not be sent. {reason} The link still works: "
            "print it as a letter, or try again.",
        )
    return redirect(PAGE_NAMES[purpose], pk=review.pk)


@audited_by_service("POST only: link_revoke audits the change, then it redirects")
@permission_page(CHAIR, methods=["POST"])
@require_POST
def link_revoke_view(request, pk):
    link = visible_record_or_404(request.user, VoiceLink.objects.select_related("child", "review"), pk)
    try:
        link_revoke(link=link, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The link for {link.name} no longer works.")
    return redirect(PAGE_NAMES[link.purpose], pk=link.review_id)
