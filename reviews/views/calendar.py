"""The calendars of booked reviews: an IRO's own, a manager's across the service, and the IRO's
private calendar feed (``reviews.feeds``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from iro_service.audit import audited, audited_by_service, note_listing
from iro_service.models import AuditAction

from .. import feeds
from ..calendar_sources import calendar_owner_page, calendar_sources
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
    ``LISTED_AT_MOST`` shows how many each day instead, read in one aggregate query.

    What other apps add (``CALENDAR_SOURCES``: a chair's booked child protection conferences)
    is listed beside the reviews, and counted into the day's counts the same way. A user who
    is not an IRO (a child protection chair) has no reviews on their calendar."""
    today = timezone.localdate()
    choice = window_from(request.GET, today=today)
    window = choice.window
    own_reviews = service or request.user.has_perm(CHAIR)
    reviews = Review.objects.visible_to(request.user) if own_reviews else Review.objects.none()
    calendar_filter = CalendarFilter(request.GET, queryset=reviews) if service else None
    if calendar_filter is not None:
        reviews = calendar_filter.qs
    chosen = calendar_filter.chosen if calendar_filter else {}
    sources = calendar_sources()
    per_day = reviews.booked_per_day(window.first, window.last) if service else None
    other_per_day: dict = {}
    if service:
        for source in sources:
            for day, number in source.per_day(
                user=request.user, first=window.first, last=window.last, filters=chosen
            ).items():
                other_per_day[day] = other_per_day.get(day, 0) + number
    total = sum(per_day.values()) + sum(other_per_day.values()) if per_day is not None else None
    counts_only = total is not None and total > LISTED_AT_MOST
    booked = [] if counts_only else list(reviews.booked_between(window.first, window.last))
    others = []
    if not counts_only:
        for source in sources:
            others += source.entries(
                user=request.user, first=window.first, last=window.last, today=today, service=service, filters=chosen
            )
    closures = dict(ClosureDay.objects.filter(day__gte=window.first, day__lte=window.last).values_list("day", "reason"))
    shown = days(
        window,
        booked + others,
        today=today,
        bank_holidays=england_bank_holidays(window.first, window.last),
        closures=closures,
        counts=per_day if counts_only else None,
        other_counts=other_per_day if counts_only else None,
    )
    count = sum(per_day.values()) if counts_only and per_day is not None else len(booked)
    other_count = sum(other_per_day.values()) if counts_only else len(others)
    query = calendar_filter.query_string if calendar_filter else ""
    described = calendar_filter.described if calendar_filter else ""
    summary = f"{title}, {window.title}: {count} booked {'review' if count == 1 else 'reviews'}"
    one, many = sources[0].nouns if len(sources) == 1 else ("other entry", "other entries")
    other_words = f"{other_count} booked {one if other_count == 1 else many}"
    if other_count:
        summary += f" and {other_words}"
    if counts_only:
        summary += " (counts by day; no child named)"
    child_ids = [review.child_id for review in booked]
    for entry in others:
        child_ids += [pk for pk in entry.child_ids if pk not in child_ids]
    note_listing(
        request,
        child_ids=child_ids,
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
        "other_count": other_count,
        "other_words": other_words,
        "other_nouns": (one, many),
        "own_reviews": own_reviews,
        "counts_only": counts_only,
        "listed_at_most": LISTED_AT_MOST,
        "filter": calendar_filter,
        "query": f"&{query}" if query else "",
        "errors": [("#calendar", message) for message in choice.errors.values()],
        "url_name": "reviews:service_calendar" if service else "reviews:calendar",
    }
    return render(request, "reviews/calendar.html", context)


@audited(action=AuditAction.LISTED)
@calendar_owner_page()
def calendar(request):
    """The user's booked reviews (an IRO's) and what ``CALENDAR_SOURCES`` add (a chair's
    booked conferences), a week (by default this one) or a month at a time."""
    return _calendar_page(request, title="My calendar", service=False)


@page(SERVICE)
def service_calendar(request):
    """The booked reviews across the service, for managers, by IRO or team."""
    return _calendar_page(request, title="Reviews booked across the service", service=True)


@audited_by_service(
    "reviews.feeds.calendar_feed_token_create and _revoke audit each change; the page shows the "
    "user's own feed address, no child's data"
)
@calendar_owner_page(methods=("GET", "POST"))
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
