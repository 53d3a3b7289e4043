"""The manager's conference pages (docs/rules.md#child-protection): the list of conferences
requested, booked and due, the request for an initial conference, the chair, booking, moving and
cancelling. Managers only (``conferences.manage_conferences``; 403 for anyone else), and only
where the service chairs conferences (``CHAIRS_CHILD_PROTECTION_CONFERENCES``; 404 otherwise)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, Min, OuterRef, Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from children.models import Child, IROAllocation
from iro_service.audit import audited, no_child_data, note_listing
from iro_service.concurrency import StaleEditError
from iro_service.forms import add_service_errors
from iro_service.models import AuditAction
from iro_service.page_access import permission_page
from reviews.forms.reviews import show_warnings, warnings_key

from .. import services
from ..codes import ConferenceKind, ConferenceStatus
from ..forms.manage import BookForm, CancelForm, ChairFilterForm, ChairForm, ConferenceRequestForm, MoveForm
from ..models import Conference, ConferenceChild, ProtectionPlan
from .shown import conference_in_url

MANAGE = "conferences.manage_conferences"
#: Rows per section of the list.
PAGE_SIZE = 25


def _switched_on(view):
    """404 unless the service chairs child protection conferences."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not settings.CHAIRS_CHILD_PROTECTION_CONFERENCES:
            raise Http404("This service does not chair child protection conferences.")
        return view(request, *args, **kwargs)

    return checked


def manager_page(*, form: bool = False, child=None, reason: str = ""):
    """Sign-in, ``conferences.manage_conferences`` (403), switched on (404); the audit event of
    a conference's page (``child``: ``object_in_url``), a listing, or no child data (``reason``)."""

    def decorate(view):
        view = permission_page(MANAGE, methods=["GET", "POST"] if form else ())(_switched_on(view))
        if reason:
            return no_child_data(reason)(view)
        if child is not None:
            return audited(child=child, summary="Conference page viewed")(view)
        return audited(action=AuditAction.LISTED)(view)

    return decorate


# --------------------------------------------------------------------------- the list


def _places():
    return Prefetch("places", queryset=ConferenceChild.objects.select_related("child").order_by("child__date_of_birth"))


def requested_conferences(chair=None):
    """Initial conferences requested, not booked yet: awaiting a chair, then a date. Soonest due first."""
    rows = Conference.objects.requested().select_related("chair").prefetch_related(_places())
    return (rows.filter(chair=chair) if chair else rows).order_by("due_on", "pk")


def booked_conferences(chair=None):
    """Conferences booked and not held yet, soonest first."""
    rows = Conference.objects.booked().select_related("chair").prefetch_related(_places())
    return (rows.filter(chair=chair) if chair else rows).order_by("booked_for", "starts_at", "pk")


def review_conferences_due(chair=None):
    """The families (their initial conference) with open plans and no review conference booked,
    by the earliest next due date: rows of ``initial_conference_id`` and ``next_due``
    (``due_families`` turns a page of them into conferences, with the reason).

    Read from the open plans alone (the index ``plan_open_due``), grouped by family: the page
    costs the plans open now, not every conference the service has ever held."""
    booked = ConferenceChild.objects.filter(
        conference__kind=ConferenceKind.REVIEW, conference__status=ConferenceStatus.BOOKED, plan__isnull=False
    ).values("plan__initial_conference_id")
    plans = ProtectionPlan.objects.filter(ended_on__isnull=True).exclude(initial_conference_id__in=booked)
    if chair:
        plans = plans.filter(
            Exists(
                IROAllocation.objects.child_protection().filter(
                    ended_on__isnull=True, iro=chair, child=OuterRef("child")
                )
            )
        )
    return (
        plans.values("initial_conference_id")
        .annotate(next_due=Min("next_review_due_on"))
        .order_by("next_due", "initial_conference_id")
    )


def due_families(rows) -> list[Conference]:
    """A page of ``review_conferences_due``: each family's initial conference, with ``next_due``,
    ``next_reason`` (the reason of the plan due soonest) and ``open_plans``. Two queries."""
    rows = list(rows)
    open_plans = ProtectionPlan.objects.filter(ended_on__isnull=True).select_related("child")
    found = Conference.objects.filter(pk__in=[row["initial_conference_id"] for row in rows]).prefetch_related(
        Prefetch("plans_started", queryset=open_plans.order_by("next_review_due_on", "pk"), to_attr="open_plans")
    )
    by_id = {conference.pk: conference for conference in found}
    families = []
    for row in rows:
        conference = by_id[row["initial_conference_id"]]
        conference.next_due = row["next_due"]
        conference.next_reason = conference.open_plans[0].next_review_reason if conference.open_plans else ""
        families.append(conference)
    return families


def _page(rows, request, param: str):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


@manager_page()
def conference_list(request):
    """Child protection conferences: requested (awaiting a chair or a date), booked, and the
    review conferences due but not booked; each with its due date and why; filtered by chair."""
    chairs = services.chairs()
    filter_form = ChairFilterForm(request.GET or None, chairs=chairs)
    chair = filter_form.cleaned_data.get("chair") if filter_form.is_valid() else None
    query = f"chair={chair.pk}" if chair else ""
    sections = {
        "requested": _page(requested_conferences(chair), request, "requested_page"),
        "booked": _page(booked_conferences(chair), request, "booked_page"),
        "due": _page(review_conferences_due(chair), request, "due_page"),
    }
    sections["due"].object_list = due_families(sections["due"].object_list)
    child_ids = [place.child_id for key in ("requested", "booked") for c in sections[key] for place in c.places.all()]
    child_ids += [plan.child_id for c in sections["due"] for plan in c.open_plans]
    note_listing(request, child_ids=child_ids, summary="Child protection conferences listed")
    context = {"filter_form": filter_form, "query": query, "today": timezone.localdate(), **sections}
    return render(request, "conferences/manage/list.html", context)


# --------------------------------------------------------------------------- the forms


def _conference(request, pk, queryset=None) -> Conference:
    queryset = queryset if queryset is not None else Conference.objects.all()
    return get_object_or_404(queryset.visible_to(request.user).select_related("chair"), pk=pk)


def _with_version(form, version: int) -> None:
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[form.add_prefix("version")] = str(version)
    form.data = data


def _save(request, form, call, *, success: str) -> bool:
    """Call the service with the valid form's data; a refusal lands on the form, and a change
    made meanwhile by someone else is said, with the form ready to save again on the new version."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except StaleEditError as stale:
        form.add_error(None, stale.messages)
        _with_version(form, stale.current.version)
        return False
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, success)
    return True


def _unconfirmed_warnings(request, form, warnings_of) -> list:
    """The booking warnings not yet confirmed with "Book anyway" (as the review booking page)."""
    if request.method != "POST" or not form.is_valid():
        return []
    warnings = warnings_of(form.cleaned_data)
    ticked = form.cleaned_data.pop("book_anyway")
    seen = form.cleaned_data.pop("warnings_seen")
    if not warnings or (ticked and seen == warnings_key(warnings)):
        return []
    show_warnings(form, warnings)
    return warnings


def _form_page(request, form, *, title: str, conference=None, intro: str = "", warnings=(), add_child=False):
    context = {
        "form": form,
        "title": title,
        "conference": conference,
        "intro": intro,
        "booking_warnings": warnings,
        "add_child": add_child,
    }
    return render(request, "conferences/manage/form.html", context)


def _due_text(conference: Conference) -> str:
    if conference.due_on is None:
        return ""
    return f"Due by {conference.due_on:%-d %B %Y}: {conference.due_reason}."


@manager_page(form=True, reason="a blank request form; conference_request audits what it records")
def conference_request(request):
    """Record the social work team's request for an initial conference for one or more children."""
    form = ConferenceRequestForm(request.POST or None, children_queryset=Child.objects.visible_to(request.user))
    if _save(
        request,
        form,
        lambda data: services.conference_request(by=request.user, **data),
        success="Conference request recorded. Allocate a chair next.",
    ):
        return redirect("conferences:manage")
    return _form_page(request, form, title="Record a request for an initial conference", add_child=True)


@manager_page(form=True, child=conference_in_url)
def conference_allocate_chair(request, pk):
    """Choose the chair, each listed with their child protection load."""
    conference = _conference(request, pk)
    form = ChairForm(request.POST or None, chairs=services.chairs(), initial={"version": conference.version})
    if _save(
        request,
        form,
        lambda data: services.conference_allocate_chair(conference=conference, by=request.user, **data),
        success="Chair allocated",
    ):
        return redirect("conferences:manage")
    return _form_page(request, form, title="Allocate a chair", conference=conference, intro=_due_text(conference))


@manager_page(form=True, child=conference_in_url)
def conference_book(request, pk):
    """Book a requested initial conference: the due date and why; warned, never refused, when late,
    not a working day or the chair is busy ("Book anyway")."""
    conference = _conference(request, pk)
    form = BookForm(request.POST or None, initial={"version": conference.version})
    return _date_page(
        request,
        conference,
        form,
        services.conference_book,
        success="Conference booked",
        title="Book the initial conference",
    )


def _date_page(request, conference, form, service, *, success: str, title: str):
    """Booking or moving a conference: the warnings of the date chosen (late, not a working day,
    the chair busy) until "Book anyway" confirms exactly those, then ``service``."""
    warnings = _unconfirmed_warnings(
        request,
        form,
        lambda d: services.conference_booking_warnings(
            conference, d["booked_for"], starts_at=d["starts_at"], duration_minutes=d["duration_minutes"]
        ),
    )
    if not warnings and _save(
        request, form, lambda data: service(conference=conference, by=request.user, **data), success=success
    ):
        return redirect("conferences:manage")
    return _form_page(request, form, title=title, conference=conference, intro=_due_text(conference), warnings=warnings)


@manager_page(form=True, child=conference_in_url)
def review_conference_book(request, pk):
    """Book the family's next review conference (``pk``: their initial conference), for every
    child still on a plan, due on the earliest of their plans' next review dates."""
    initial = _conference(request, pk, Conference.objects.filter(kind=ConferenceKind.INITIAL))
    plans = list(services.family_plans(initial).order_by("next_review_due_on", "pk"))
    if not plans:
        raise Http404("No child of this family is on a plan.")
    due = plans[0]
    chair = services.family_chair(plans, initial)
    form = BookForm(request.POST or None)
    warnings = _unconfirmed_warnings(
        request,
        form,
        lambda d: services.conference_booking_warnings(
            initial,
            d["booked_for"],
            starts_at=d["starts_at"],
            duration_minutes=d["duration_minutes"],
            due_on=due.next_review_due_on,
            chair=chair,
        ),
    )
    if not warnings and _save(
        request,
        form,
        lambda data: services.review_conference_book(
            initial_conference=initial, by=request.user, **{k: v for k, v in data.items() if k != "version"}
        ),
        success="Review conference booked",
    ):
        return redirect("conferences:manage")
    intro = f"Due by {due.next_review_due_on:%-d %B %Y}: {due.next_review_reason}." if due.next_review_due_on else ""
    return _form_page(
        request,
        form,
        title=f"Book the review conference of the {initial.family_name} family",
        conference=initial,
        intro=intro,
        warnings=warnings,
    )


@manager_page(form=True, child=conference_in_url)
def conference_move(request, pk):
    """Move a booked conference, with the reason."""
    conference = _conference(request, pk)
    initial = {
        "version": conference.version,
        "booked_for": conference.booked_for,
        "starts_at": conference.starts_at,
        "duration_minutes": conference.duration_minutes,
        "venue": conference.venue,
    }
    form = MoveForm(request.POST or None, initial=initial)
    return _date_page(
        request, conference, form, services.conference_move, success="Conference moved", title="Move the conference"
    )


@manager_page(form=True, child=conference_in_url)
def conference_cancel(request, pk):
    """Cancel a requested or booked conference, with the reason."""
    conference = _conference(request, pk)
    form = CancelForm(request.POST or None, initial={"version": conference.version})
    if _save(
        request,
        form,
        lambda data: services.conference_cancel(conference=conference, by=request.user, **data),
        success="Conference cancelled",
    ):
        return redirect("conferences:manage")
    return _form_page(request, form, title="Cancel the conference", conference=conference)
