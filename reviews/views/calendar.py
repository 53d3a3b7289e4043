"""The calendars of booked reviews: an IRO's own, a manager's across the service, and the IRO's
private calendar feed (``reviews.feeds``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from iro_service.audit import audited_by_service, note_listing
from iro_service.page_access import permission_page

from .. import feeds
from ..calendar_window import days, weeks, window_from
from ..deadlines import england_bank_holidays
from ..filters import CalendarFilter
from ..forms.calendar import FeedActionForm
from ..models import CalendarFeedToken, ClosureDay, Review
from .pages import CHAIR, page

SERVICE = "reviews.view_service_reviews"
#: The most reviews a calendar lists one by one. Beyond it (a large service's month: about
#: 15,000 at 100,000 children) it shows how many each day, and asks for an IRO or a team.
LISTED_AT_MOST = 300


def _calendar_page(request, *, title: str, service: bool):
    """The booked reviews of one week or month that the user may see (a manager's filtered by
    IRO or team): only the window's rows are read. A manager's calendar holding more than
    ``LISTED_AT_MOST`` shows how many each day instead, read in one aggregate query."""
    today = timezone.localdate()
    choice = window_from(request.GET, today=today)
    window = choice.window
    reviews = Review.objects.visible_to(request.user)
    calendar_filter = CalendarFilter(request.GET, queryset=reviews) if service else None
    if calendar_filter is not None:
        reviews = calendar_filter.qs
    per_day = reviews.booked_per_day(window.first, window.last) if service else None
    total = sum(per_day.values()) if per_day is not None else None
    counts_only = total is not None and total > LISTED_AT_MOST
    booked = [] if counts_only else list(reviews.booked_between(window.first, window.last))
    closures = dict(ClosureDay.objects.filter(day__gte=window.first, day__lte=window.last).values_list("day", "reason"))
    shown = days(
        window,
        booked,
        today=today,
        bank_holidays=england_bank_holidays(window.first, window.last),
        closures=closures,
        counts=per_day if counts_only else None,
    )
    count = total if total is not None else len(booked)
    query = calendar_filter.query_string if calendar_filter else ""
    described = calendar_filter.described if calendar_filter else ""
    summary = f"{title}, {window.title}: {count} booked {'review' if count == 1 else 'reviews'}"
    if counts_only:
        summary += " (counts by day; no child named)"
    note_listing(
        request,
        child_ids=[review.child_id for review in booked],
        summary=f"{summary}; {described}"[:255] if described else summary,
        **({"filters": calendar_filter.chosen} if calendar_filter else {}),
    )
    context = {
        "title": title,
        "service": service,
        "window": window,
        "days": shown,
        "weeks": weeks(shown),
        "count": count,
        "counts_only": counts_only,
        "listed_at_most": LISTED_AT_MOST,
        "filter": calendar_filter,
        "query": f"&{query}" if query else "",
        "errors": [("#calendar", message) for message in choice.errors.values()],
        "url_name": "reviews:service_calendar" if service else "reviews:calendar",
    }
    return render(request, "reviews/calendar.html", context)


@page(CHAIR)
def calendar(request):
    """The IRO's booked reviews, a week (by default this one) or a month at a time."""
    return _calendar_page(request, title="My calendar", service=False)


@page(SERVICE)
def service_calendar(request):
    """The booked reviews across the service, for managers, by IRO or team."""
    return _calendar_page(request, title="Reviews booked across the service", service=True)


@audited_by_service(
    "reviews.feeds.calendar_feed_token_create and _revoke audit each change; the page shows the "
    "user's own feed address, no child's data"
)
@permission_page(CHAIR, methods=["GET", "POST"])
def calendar_feed(request):
    """Create, replace or revoke the IRO's calendar feed address. A new address is shown on the
    response to the POST that made it, once; it is never stored, so it cannot be shown again."""
    form = FeedActionForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["action"] == FeedActionForm.REVOKE:
            feeds.calendar_feed_token_revoke(by=request.user)
            messages.success(request, "Feed address revoked. Calendars using it will stop updating.")
            return redirect("reviews:calendar_feed")
        new = feeds.calendar_feed_token_create(by=request.user)
        created = request.build_absolute_uri(reverse("reviews:calendar_feed_ics", kwargs={"token": new.raw}))
    context = {
        "form": form,
        "token": CalendarFeedToken.objects.active().filter(user=request.user).first(),
        "created": created,
        "errors": [("#feed-actions", message) for message in form.errors.get("action", [])],
    }
    response = render(request, "reviews/calendar_feed.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response


@audited_by_service("reviews.feeds.feed_calendar writes one event per fetch, naming the token's user")
@require_GET
def calendar_feed_ics(request, token):
    """The feed itself: no sign-in (calendar clients cannot sign in); an unknown, revoked or
    wrong token, or a user who is no longer an active IRO, gets 404."""
    found = feeds.active_token(token)
    if found is None:
        raise Http404("No such calendar feed")
    body = feeds.feed_calendar(token=found, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
