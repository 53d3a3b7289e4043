"""Review pages: thin views over reviews.services and reviews.selectors."""

from __future__ import annotations

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string

from children.ages import age_on
from children.models import Child, Contact
from children.selectors import visible_child_or_404, visible_record_or_404
from iro_service.audit import audited_by_service, child_in_url, note_listing, object_in_url, record_export
from iro_service.concurrency import save_or_merge
from iro_service.csv import EXPORT_CHUNK, streamed_csv
from iro_service.forms import add_service_errors, save_with_service, show_unchecked
from iro_service.page_access import permission_page
from iro_service.sections import page_sections

from .. import deadlines, exports, ics, selectors, services
from ..calendar import local_non_working_days
from ..codes import PN0_AGE_LIMIT, ActionStatus, Participation, ReviewStatus
from ..filters import DeadlineFilter
from ..forms.reviews import (
    NOT_SENT,
    ActionFormSet,
    ActionStatusForm,
    CancelForm,
    CopyFormSet,
    DistributionForm,
    InvitationsForm,
    RescheduleForm,
    ReviewBookForm,
    ReviewRecordForm,
    show_warnings,
    warnings_key,
)
from ..models import Action, Review
from ..sections import review_section
from .pages import CASELOAD, CHAIR, chair_form_page, page


def _child(request, pk) -> Child:
    return visible_child_or_404(request.user, pk)


def _review(request, pk) -> Review:
    return visible_record_or_404(request.user, Review.objects.select_related("child", "chair"), pk)


#: Rows per section of the service deadlines page; an IRO's own page lists their whole caseload.
PAGE_SIZE = 50


def _deadlines_page(request, *, title: str, scope: str):
    """The deadlines of the active children in care whom the user may see: every one of them on
    an IRO's page; a page at a time, filtered, on the service page."""
    today = timezone.localdate()
    due_soon_until = deadlines.due_soon_until(today, non_working=local_non_working_days(today, today))
    children = Child.objects.visible_to(request.user).active().in_care()
    service = scope == "service"
    deadline_filter = (
        DeadlineFilter(request.GET, queryset=children, today=today, due_soon_until=due_soon_until) if service else None
    )
    if deadline_filter is not None:
        children = deadline_filter.qs
    listing = selectors.deadline_listing(
        children,
        user=request.user,
        today=today,
        due_soon_until=due_soon_until,
        per_page=PAGE_SIZE if service else None,
        pages=request.GET,
    )
    due_so_far = selectors.reviews_due_so_far(request.user, today=today)
    # Other apps' panels on the IRO's own page (HOME_SECTIONS: the conferences they chair).
    sections = [] if service else page_sections("HOME_SECTIONS", user=request.user, today=today)
    # Panels at the top of the IRO's own page (HOME_TOP_SECTIONS: the answers not yet read).
    top_sections = [] if service else page_sections("HOME_TOP_SECTIONS", user=request.user, today=today)
    # The records behind "not held" are another app's page (NOT_HELD_REVIEWS_URL).
    not_held_url = import_string(settings.NOT_HELD_REVIEWS_URL)(user=request.user, year_label=due_so_far.year_label)
    rows = listing.rows
    context = {
        "title": title,
        "scope": scope,
        "today": today,
        "listing": listing,
        "filter": deadline_filter,
        "query": deadline_filter.query_string if deadline_filter else "",
        "rows": rows,
        "overdue": [r for r in rows if r.state and r.state.status == "overdue"],
        "due_soon": [r for r in rows if r.state and r.state.status == "due_soon"],
        "unknown": [r for r in rows if r.first_due_unknown],
        "records_overdue": listing.records_overdue.object_list,
        "actions_overdue": listing.actions_overdue.object_list,
        "changes": listing.changes.object_list,
        "due_so_far": due_so_far,
        "not_held_url": not_held_url,
        "sections": sections,
        "top_sections": top_sections,
    }
    described = deadline_filter.described if deadline_filter else ""
    summary = f"{title}: {len(rows)} of {listing.counts.children} children"
    if service:
        summary += f", page {listing.children.number} of {listing.children.paginator.num_pages}"
    note_listing(
        request,
        child_ids=[r.child.pk for r in rows]
        + [pk for s in [*top_sections, *sections] for pk in s.get("child_ids", [])],
        summary=f"{summary}; {described}"[:255] if described else summary,
        **({"filters": deadline_filter.chosen} if deadline_filter else {}),
    )
    return render(request, "reviews/home.html", context)


@page(CHAIR)
def home(request):
    """The IRO's start page: their caseload with deadlines, overdue minutes and actions."""
    return _deadlines_page(request, title="My caseload and reviews", scope="mine")


@page("reviews.view_service_reviews")
def service_home(request):
    """The same across the service, for managers."""
    return _deadlines_page(request, title="Reviews across the service", scope="service")


@audited_by_service("record_export writes one EXPORTED event: the filters and the number of rows")
@permission_page("reviews.view_service_reviews")
def service_csv(request):
    """The service deadlines page's children, with its filters, as CSV: every one, in the page's order."""
    today = timezone.localdate()
    due_soon_until = deadlines.due_soon_until(today, non_working=local_non_working_days(today, today))
    children = Child.objects.visible_to(request.user).active().in_care()
    deadline_filter = DeadlineFilter(request.GET, queryset=children, today=today, due_soon_until=due_soon_until)
    children = deadline_filter.qs
    record_export(
        request,
        summary="Reviews across the service exported (CSV)",
        rows=children.count(),
        filters=deadline_filter.chosen,
    )
    rows = selectors.deadline_rows_streamed(children, today=today, chunk_size=EXPORT_CHUNK)
    return streamed_csv(
        exports.HEADER, exports.deadline_csv_rows(rows, today=today), filename=f"reviews-due-{today.isoformat()}.csv"
    )


@page(CASELOAD, child=child_in_url("child_pk"), summary="Reviews viewed")
def child_reviews(request, child_pk):
    child = _child(request, child_pk)
    section = review_section(child=child, user=request.user, today=timezone.localdate())
    return render(
        request,
        "reviews/child_reviews.html",
        {"child": child, "section": section, "reviews": selectors.child_reviews(child)},
    )


def _unconfirmed_warnings(request, form, warnings_of) -> list:
    """On a valid POST, the booking warnings (``warnings_of(cleaned_data)``) the IRO has not yet
    confirmed with "Book anyway"; the form then shows that box, unticked. The box confirms the
    warnings it was shown with: a date or time changed in the same submit is warned of afresh."""
    if request.method != "POST" or not form.is_valid():
        return []
    warnings = warnings_of(form.cleaned_data)
    ticked = form.cleaned_data.pop("book_anyway")
    seen = form.cleaned_data.pop("warnings_seen")
    if not warnings or (ticked and seen == warnings_key(warnings)):
        return []
    show_warnings(form, warnings)
    return warnings


def _booking_page(request, *, form, child, title: str, warnings, intro: str):
    context = {
        "form": form,
        "child": child,
        "title": title,
        "booking_warnings": warnings,
        "intro": intro,
        "changes": services.booking.changes_since_last_review(child.pk),
    }
    return render(request, "reviews/booking_form.html", context)


@chair_form_page("Book a review page viewed", child=child_in_url("child_pk"))
def review_book(request, child_pk):
    """Book the next review: warned, never refused, when the date is late, not a working day or
    the chair is busy; "Book anyway" confirms (docs/rules.md#review-timescales)."""
    child = _child(request, child_pk)
    contacts = Contact.objects.filter(child=child).current(on=timezone.localdate())
    form = ReviewBookForm(request.POST or None, contacts=contacts)
    warnings = _unconfirmed_warnings(
        request,
        form,
        lambda d: services.booking_warnings_for(
            child, d["booked_for"], starts_at=d["starts_at"], duration_minutes=d["duration_minutes"]
        ),
    )
    if not warnings and save_with_service(
        request, form, lambda data: services.review_book(child=child, by=request.user, **data), success="Review booked"
    ):
        return redirect("reviews:child", child_pk=child.pk)
    intro = selectors.next_due_text(child)
    return _booking_page(request, form=form, child=child, title="Book a review", warnings=warnings, intro=intro)


def _anchor(form, name: str) -> str:
    """The id the error summary links to: the first input of a date, radio or checkbox group."""
    if name not in form.fields:
        name = next(iter(form.fields))
    bound = form[name]
    widget = bound.field.widget
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"#{bound.auto_id}_1"  # crispy-forms-gds numbers choices from 1
    if isinstance(widget, forms.MultiWidget):
        return f"#{bound.auto_id}_0"
    return f"#{bound.auto_id}"


def _summary_errors(form, formset) -> list[tuple[str, str]]:
    """(anchor, message) pairs for one GOV.UK error summary over a form and its action rows."""
    errors = [(_anchor(form, name), message) for name, found in form.errors.items() for message in found]
    for index, action_form in enumerate(formset.forms):
        errors.extend(
            (_anchor(action_form, name), f"Action {index + 1}: {message}")
            for name, found in action_form.errors.items()
            for message in found
        )
    errors.extend(("#actions", message) for message in formset.non_form_errors())
    return errors


#: The name of the "Add another action" button: the form comes back with one more empty row.
ADD_ACTION = "add_action"


def _adding_action(request) -> bool:
    return request.method == "POST" and ADD_ACTION in request.POST


def _action_formset(request, *, initial=None):
    """The action rows as typed; after "Add another action", one more empty row (up to the
    formset's ``max_num``), so any number of actions can be entered without JavaScript."""
    data = request.POST if request.method == "POST" else None
    if data is not None and _adding_action(request):
        data = data.copy()
        key = "actions-TOTAL_FORMS"
        rows = int(data[key]) if data.get(key, "").isdigit() else 0
        data[key] = str(min(rows + 1, ActionFormSet.max_num))
    return ActionFormSet(data, prefix="actions", initial=initial)


def _record_page(request, *, child, review, form, formset, title, conflict=None):
    adding = _adding_action(request)
    if adding:  # shown again as typed, unchecked: no errors for what is still to be filled in
        show_unchecked(form, *formset.forms)
    # Panels other apps add to the form (REVIEW_FORM_SECTIONS): reviews never imports them.
    sections = page_sections("REVIEW_FORM_SECTIONS", child=child, user=request.user, today=timezone.localdate())
    return render(
        request,
        "reviews/record.html",
        {
            "child": child,
            "review": review,
            "form": form,
            "formset": formset,
            "title": title,
            "conflict": conflict,
            "errors": _summary_errors(form, formset) if request.method == "POST" and not adding else [],
            "sections": sections,
            "can_add_action": formset.total_form_count() < ActionFormSet.max_num,
        },
    )


def _record_initial(booked: Review | None) -> dict:
    """What the record form starts from: the booking, and what was added to it before the
    review (answers copied into it, docs/rules.md#the-childs-voice)."""
    if booked is None:
        return {}
    initial = {"held_on": booked.booked_for, "venue": booked.venue, "invited": booked.invited}
    initial.update({name: getattr(booked, name) for name in services.reviews.NOTE_FIELDS if getattr(booked, name)})
    return initial


def _views_conveyed(child: Child, booked: Review | None) -> str:
    """How the child conveyed their views before the booked review (REVIEW_VIEWS_CONVEYED: the
    consultation form they answered), or "": the form then offers PN6, unless the child is under
    4 on the booked date (PN0 only)."""
    if booked is None or not settings.REVIEW_VIEWS_CONVEYED:
        return ""
    if booked.booked_for and age_on(child.date_of_birth, booked.booked_for) < PN0_AGE_LIMIT:
        return ""
    return import_string(settings.REVIEW_VIEWS_CONVEYED)(review=booked) or ""


@chair_form_page("Record a review page viewed", child=child_in_url("child_pk"))
def review_record(request, child_pk):
    child = _child(request, child_pk)
    booked = Review.objects.booked().filter(child=child).first()
    initial = _record_initial(booked)
    conveyed = _views_conveyed(child, booked)
    if conveyed:
        initial["participation_code"] = Participation.PN6
    form = ReviewRecordForm(request.POST or None, initial=initial, conveyed=conveyed, child_name=child.first_name)
    formset = _action_formset(request)
    if request.method == "POST" and not _adding_action(request) and form.is_valid() and formset.is_valid():
        try:
            review = services.review_record(
                child=child, by=request.user, actions=formset.actions(), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Review recorded. The next review date has been updated.")
            return redirect("reviews:detail", pk=review.pk)
    return _record_page(request, child=child, review=booked, form=form, formset=formset, title="Record a review")


@chair_form_page("Change the review record page viewed", child=object_in_url(Review))
def review_edit(request, pk):
    review = _review(request, pk)
    if review.status != ReviewStatus.HELD:
        return redirect("reviews:detail", pk=review.pk)
    initial = {name: getattr(review, name) for name in services.reviews.REVIEW_FIELDS}
    initial.update(version=review.version, additional=review.review_type == "additional")
    form = ReviewRecordForm(request.POST or None, initial=initial, editing=True)
    actions = [
        {"id": a.pk, "description": a.description, "owner": a.owner, "due_on": a.due_on, "status": a.status}
        for a in review.actions.order_by("due_on", "pk")
    ]
    formset = _action_formset(request, initial=actions)
    form.lock(review, formsets={"actions": formset})
    if request.method == "POST" and not _adding_action(request) and form.is_valid() and formset.is_valid():
        update = partial(services.review_update, review=review, actions=formset.actions())
        if save_or_merge(request, form, update, success="Review record saved").saved:
            return redirect("reviews:detail", pk=review.pk)
    return _record_page(
        request,
        child=review.child,
        review=review,
        form=form,
        formset=formset,
        title="Change the review record",
        conflict=form.conflict,
    )


@page(CASELOAD, child=object_in_url(Review), summary="Review record viewed")
def review_detail(request, pk):
    review = visible_record_or_404(request.user, selectors.child_reviews_queryset(), pk)
    today = timezone.localdate()
    distribution = selectors.distribution_list(review, today=today) if review.status == ReviewStatus.HELD else None
    # Panels other apps add to the review's page (REVIEW_DETAIL_SECTIONS): reviews never imports them.
    sections = page_sections("REVIEW_DETAIL_SECTIONS", review=review, user=request.user, today=today)
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "child": review.child,
            "today": today,
            "action_statuses": ActionStatus.choices,
            "distribution": distribution,
            "sections": sections,
        },
    )


def _copy_errors(form, formset, lines) -> list[tuple[str, str]]:
    """(anchor, message) pairs for one GOV.UK error summary over the page's fields and its
    rows, each row's message naming the person and the document."""
    errors = [(_anchor(form, name), message) for name, found in form.errors.items() for message in found]
    for index, row in enumerate(formset.forms):
        if index < len(lines):
            recipient = lines[index].recipient
            who = f"{recipient.document_label} to {recipient.name}"
        else:
            who = "Someone else"
        errors.extend(
            (_anchor(row, name), f"{who}: {message}") for name, found in row.errors.items() for message in found
        )
    errors.extend(("#copies", message) for message in formset.non_form_errors())
    return errors


def _distribute(formset, *, review, **data):
    """Call the service with the rows; a rule it refuses about one row lands on that row."""
    try:
        return services.review_distribution_record(review=review, sent=formset.copies(), **data)
    except services.RecipientRefused as refused:
        formset.forms[refused.row].add_error(refused.field, refused.messages)
        raise ValidationError({}) from refused


@chair_form_page("Review record distribution page viewed", child=object_in_url(Review))
def review_distribution(request, pk):
    review = _review(request, pk)
    if review.status != ReviewStatus.HELD:
        return redirect("reviews:detail", pk=review.pk)
    listing = selectors.distribution_list(review, today=timezone.localdate())
    initial = [_copy_initial(line) for line in listing.lines]
    form = DistributionForm(
        request.POST or None, initial={"record_completed_on": review.record_completed_on, "version": review.version}
    )
    formset = CopyFormSet(
        request.POST or None, prefix="copies", initial=initial, recipients=listing.recipients, others=listing.others
    )
    form.lock(review)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        save = partial(_distribute, formset, review=review)
        if save_or_merge(request, form, save, success="Distribution list saved").saved:
            return redirect("reviews:detail", pk=review.pk)
    return render(
        request,
        "reviews/distribution.html",
        {
            "review": review,
            "child": review.child,
            "form": form,
            "rows": list(zip(listing.lines, formset.forms, strict=False)),
            "other_form": formset.forms[-1],
            "formset": formset,
            "listing": listing,
            "conflict": form.conflict,
            "errors": _copy_errors(form, formset, listing.lines) if request.method == "POST" else [],
        },
    )


def _copy_initial(line) -> dict:
    copy = line.copy
    initial = {"recipient": line.recipient.key, "document": line.recipient.document}
    if copy is not None:
        initial.update(
            method=copy.method or NOT_SENT,
            sent_on=copy.sent_on,
            not_sent_reason=copy.not_sent_reason,
        )
    return initial


def _change_booking(request, review, form_class, call, *, success: str, title: str):
    """Move or cancel a booked review with ``call``; back to the child's reviews once done."""
    form = form_class(request.POST or None)
    if save_with_service(request, form, lambda data: call(review=review, by=request.user, **data), success=success):
        return redirect("reviews:child", child_pk=review.child_id)
    return render(request, "children/form.html", {"form": form, "child": review.child, "title": title})


@chair_form_page("Move the review page viewed", child=object_in_url(Review))
def review_reschedule(request, pk):
    review = _review(request, pk)
    initial = {"starts_at": review.starts_at, "duration_minutes": review.duration_minutes, "venue": review.venue}
    form = RescheduleForm(request.POST or None, initial=initial)
    warnings = _unconfirmed_warnings(
        request,
        form,
        lambda d: services.booking_warnings_for(
            review.child, d["new_date"], starts_at=d["starts_at"], duration_minutes=d["duration_minutes"], review=review
        ),
    )
    success = "Review moved. The reason is kept on the record, and everyone invited is sent the new date."
    call = partial(services.review_reschedule, review=review, by=request.user)
    if not warnings and save_with_service(request, form, lambda data: call(**data), success=success):
        return redirect("reviews:child", child_pk=review.child_id)
    title = f"Move the review booked for {review.booked_for:%-d %B %Y}" if review.booked_for else "Move the review"
    intro = selectors.next_due_text(review.child)
    return _booking_page(request, form=form, child=review.child, title=title, warnings=warnings, intro=intro)


@chair_form_page("Review invitations page viewed", child=object_in_url(Review))
def review_invitations(request, pk):
    """Who is invited to a review, by email or by post, and inviting more of the people around
    the child while it is booked."""
    review = _review(request, pk)
    contacts = Contact.objects.filter(child=review.child).current(on=timezone.localdate())
    contacts = contacts.exclude(invitations__review=review)
    data = request.POST if request.method == "POST" else None  # an empty POST is a POST too
    form = InvitationsForm(data, contacts=contacts) if review.status == ReviewStatus.BOOKED else None
    if form is not None and save_with_service(
        request,
        form,
        lambda d: services.review_invite(
            review=review, contacts=list(d.get("invite", ())), child=d["invite_child"], by=request.user
        ),
        success="Invitations sent. Anyone without an email address is listed to send by post.",
    ):
        return redirect("reviews:invitations", pk=review.pk)
    invitations = review.invitations.select_related("contact").order_by("pk")
    context = {"review": review, "child": review.child, "form": form, "invitations": invitations}
    return render(request, "reviews/invitations.html", context)


@page(CASELOAD, child=object_in_url(Review), summary="Review calendar file downloaded")
def review_calendar_file(request, pk):
    """The booked review as an .ics for the IRO's own calendar: initials and reference, no name."""
    review = visible_record_or_404(
        request.user, Review.objects.exclude(booked_for=None).select_related("child", "chair"), pk
    )
    cancelled = review.status == ReviewStatus.CANCELLED
    calendar = ics.calendar_of([ics.review_event(review, cancelled=cancelled)])
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="review-{review.pk}.ics"'
    return response


@chair_form_page("Cancel the review page viewed", child=object_in_url(Review))
def review_cancel(request, pk):
    review = _review(request, pk)
    success = "Review cancelled. The reason is kept on the record."
    return _change_booking(
        request, review, CancelForm, services.review_cancel, success=success, title="Cancel the review"
    )


@audited_by_service("POST only: action_update audits the change, then it redirects")
@permission_page("reviews.chair_review", methods=["POST"])
def action_update(request, pk):
    action = visible_record_or_404(request.user, Action.objects.all(), pk)
    form = ActionStatusForm(request.POST)
    if save_with_service(
        request,
        form,
        lambda data: services.action_update(action=action, by=request.user, **data),
        success="Action updated",
    ):
        return redirect("reviews:detail", pk=action.review_id)
    messages.error(request, "Choose the action's status")
    return redirect("reviews:detail", pk=action.review_id)
