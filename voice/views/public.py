"""The forms a link opens, for people with no account (docs/rules.md#the-childs-voice).

``form`` (``/v/<token>/``) shows the questions of the link's form and takes one answer; a link
that does not open (unknown, malformed, expired, revoked, replaced or answered) gets one page,
"This link has closed", the same whatever the reason, so the page tells nobody anything about a
token. The form shows the child's first name and the review's date and nothing else about the
child. Sending redirects to ``thanks``, which carries no token and no child's data.

Every response here is kept out of caches, search engines and the ``Referer`` of any link
to another site followed from it (the token is in the address). Requests are limited per link and per address
(``voice.ratelimit``, which fails open) and a body over ``MAX_BODY_BYTES`` is refused with 413
before it is read. The CSRF check runs after those two (``csrf_protect`` on the inner view), so
a huge body is never parsed to look for the CSRF token.

The service writes the audit events (no actor: nobody signs in): ``link_opened`` for each
look, ``response_submit`` for the answer.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from iro_service.audit import audited_by_service, no_child_data

from .. import ratelimit, services
from ..codes import Purpose, Respondent
from ..forms import VoiceForm
from ..models import VoiceLink

#: The largest form body taken (bytes): the longest answers of any form fit many times over.
MAX_BODY_BYTES = 64 * 1024

CLOSED_TEMPLATE = "voice/public/closed.html"


#: ``same-origin``: the address (and so the token) is never sent to another site, by a link or
#: anything else. Not ``no-referrer``: under it a browser posts the form with ``Origin: null``,
#: which Django's CSRF check refuses (403), so nobody could send their answers.
REFERRER_POLICY = "same-origin"


def public_headers(view):
    """No caching, no ``Referer`` carrying the token to another site, no indexing: on every
    response of ``view``."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = REFERRER_POLICY
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _closed(request):
    return render(request, CLOSED_TEMPLATE, status=404)


def _too_many(request):
    response = render(request, "voice/public/too_many.html", status=429)
    response["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
    return response


def _too_big(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_BODY_BYTES


def _is_child(link: VoiceLink) -> bool:
    return link.respondent == Respondent.CHILD


def _page(request, link: VoiceLink, form: VoiceForm):
    review = link.review
    consultation = link.purpose == Purpose.CONSULTATION
    return render(
        request,
        "voice/public/form.html",
        {
            "form": form,
            "questions": form.questions,
            "first_name": link.child.first_name,
            "review_day": review.booked_for if consultation else review.held_on,
            "consultation": consultation,
            "for_child": _is_child(link),
            "respondent": link.respondent,
        },
    )


def _without_token(path: str, token: str) -> str:
    """The page's path for the audit trail, with the token left out: the token is kept nowhere
    but in the message or letter that carries it (docs/rules.md#the-childs-voice)."""
    return path.replace(token, "…")


@csrf_protect
def _form(request, token: str):
    link = services.link_for_token(token)
    if link is None:
        return _closed(request)
    if request.method == "GET":
        services.link_opened(link, path=_without_token(request.path, token))
        return _page(request, link, VoiceForm(link.form_kind))
    data = {key: request.POST.get(key) for key in request.POST}
    form = VoiceForm(link.form_kind, data=data)
    if not form.is_valid():
        return _page(request, link, form)
    try:
        services.response_submit(raw=token, data=data, path=_without_token(request.path, token))
    except services.LinkClosed:
        return _closed(request)
    except ValidationError as error:
        form.add_service_errors(error.message_dict if hasattr(error, "error_dict") else {"": error.messages})
        return _page(request, link, form)
    return redirect("voice:thanks")


@audited_by_service("voice.services writes the open (link_opened) and the answer (response_submit) events")
@public_headers
@csrf_exempt  # checked by _form (csrf_protect) once the limit and the body's size have passed
@require_http_methods(["GET", "POST"])
def form(request, token: str):
    """The form ``token``'s link opens, or the closed page (404) whatever the reason."""
    if ratelimit.over_limit(request, token):
        return _too_many(request)
    if request.method == "POST" and _too_big(request):
        return render(request, "voice/public/too_big.html", status=413)
    return _form(request, token)


@no_child_data("The thank-you page after sending answers: no token, no child's data")
@public_headers
@require_http_methods(["GET"])
def thanks(request):
    return render(request, "voice/public/thanks.html")
