"""The chair's pages (docs/rules.md#child-protection): "My conferences", a conference, recording
it (each child's section on one page), the minutes (and their PDF), and a child's plan (its
actions and core group). Thin views over ``conferences.services.record``; every record is
fetched through ``visible_to`` (404 for another chair's), and the services refuse anyone who
does not chair or cover the children's conferences (403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from children.selectors import visible_record_or_404
from iro_service.audit import audited_by_service, note_listing, object_in_url
from iro_service.concurrency import StaleEditError
from iro_service.forms import add_service_errors, save_with_service, show_unchecked
from iro_service.page_access import permission_page
from reviews.codes import ActionStatus
from reviews.views.pages import page

from .. import documents
from ..codes import ConferenceStatus
from ..forms_chair import (
    NOT_SENT,
    AttendeeFormSet,
    ChildDecisionForm,
    ConferenceRecordForm,
    CoreGroupLeaveForm,
    CoreGroupMemberForm,
    MinutesForm,
    MinutesSentForm,
    PlanActionFormSet,
    PlanActionStatusForm,
)
from ..models import Conference, ConferenceChild, CoreGroupMember, PlanAction, ProtectionPlan
from ..services import distribution as distribution_services
from ..services import record as services
from .shown import conference_in_url

CHAIR = "conferences.chair_conference"


def _conference(request, pk) -> Conference:
    found = Conference.objects.visible_to(request.user).filter(pk=pk).select_related("chair").first()
    if found is None:
        raise Http404
    return found


def _places(conference: Conference):
    return (
        ConferenceChild.objects.filter(conference=conference)
        .select_related("child", "plan")
        .prefetch_related(Prefetch("plan__actions", queryset=PlanAction.objects.filter(conference=conference)))
        .order_by("child__date_of_birth", "pk")
    )


@page(CHAIR)
def my_conferences(request):
    """The chair's conferences: booked, and held with minutes still to send; their own and those
    of the chairs they cover."""
    conferences = list(
        Conference.objects.chaired_by_visible(request.user)
        .filter(status__in=[ConferenceStatus.BOOKED, ConferenceStatus.HELD], minutes_distributed_on__isnull=True)
        .select_related("chair")
        .prefetch_related(Prefetch("places", queryset=ConferenceChild.objects.select_related("child")))
        .order_by("status", "booked_for", "pk")
    )
    today = timezone.localdate()
    booked = [c for c in conferences if c.status == ConferenceStatus.BOOKED and c.booked_for >= today]
    to_record = [c for c in conferences if c.status == ConferenceStatus.BOOKED and c.booked_for < today]
    minutes = [c for c in conferences if c.status == ConferenceStatus.HELD]
    note_listing(
        request,
        child_ids=[place.child_id for c in conferences for place in c.places.all()],
        summary=f"My conferences: {len(conferences)} conferences",
    )
    context = {"booked": booked, "to_record": to_record, "minutes": minutes, "today": today}
    return render(request, "conferences/chair/my_conferences.html", context)


@page(CHAIR, child=conference_in_url, summary="Conference viewed")
def conference_detail(request, pk):
    conference = _conference(request, pk)
    attendees = conference.attendees.order_by("agency", "name", "pk")
    context = {"conference": conference, "places": _places(conference), "attendees": attendees}
    return render(request, "conferences/chair/detail.html", context)


#: The buttons that ask for one more empty row, without JavaScript.
ADD_ATTENDEE, ADD_ACTION = "add_attendee", "add_action"


def _grow(data, prefix: str, max_num: int):
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    rows = int(data[key]) if data.get(key, "").isdigit() else 0
    data[key] = str(min(rows + 1, max_num))
    return data


def _record_forms(request, conference, places):
    post = request.POST if request.method == "POST" else None
    initial = {"held_on": conference.held_on or conference.booked_for, "minutes": conference.minutes}
    form = ConferenceRecordForm(post, initial={**initial, "version": conference.version})
    people = [
        {
            "id": a.pk,
            "name": a.name,
            "agency": a.agency,
            "role": a.role,
            "attended": a.attended,
            "sent_report": a.sent_report,
        }
        for a in conference.attendees.order_by("pk")
    ]
    attendee_data = _grow(post, "attendees", AttendeeFormSet.max_num) if post and ADD_ATTENDEE in post else post
    attendees = AttendeeFormSet(attendee_data, prefix="attendees", initial=people)
    sections = []
    for place in places:
        categories = [c.value for c in place.categories]
        child_initial = {
            "outcome": place.outcome,
            "categories": categories,
            "child_participation": place.child_participation,
            "parents_participation": place.parents_participation,
            "childs_views": place.childs_views,
            "end_reason": place.end_reason,
            "end_reason_detail": place.plan.end_reason_detail if place.plan else "",
        }
        decision = ChildDecisionForm(
            post, prefix=f"child-{place.pk}", initial=child_initial, kind=conference.kind, child_id=place.child_id
        )
        prefix = f"actions-{place.pk}"
        actions_initial = [
            {"id": a.pk, "description": a.description, "owner": a.owner, "due_on": a.due_on}
            for a in (place.plan.actions.all() if place.plan else [])
        ]
        adding = post is not None and post.get(ADD_ACTION) == str(place.pk)
        action_data = _grow(post, prefix, PlanActionFormSet.max_num) if adding else post
        actions = PlanActionFormSet(action_data, prefix=prefix, initial=actions_initial)
        sections.append({"place": place, "form": decision, "actions": actions})
    return form, attendees, sections


def _anchor(form, name: str) -> str:
    from reviews.views.reviews import _anchor as review_anchor

    return review_anchor(form, name)


def _errors(form, attendees, sections) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the one error summary, each naming the field and its child."""
    errors = [(_anchor(form, n), m) for n, found in form.errors.items() for m in found]
    for index, row in enumerate(attendees.forms, start=1):
        errors.extend((_anchor(row, n), f"Person {index}: {m}") for n, found in row.errors.items() for m in found)
    for section in sections:
        who = section["place"].child.first_name
        errors.extend(
            (_anchor(section["form"], n), f"{who}: {m}") for n, found in section["form"].errors.items() for m in found
        )
        for index, row in enumerate(section["actions"].forms, start=1):
            errors.extend(
                (_anchor(row, n), f"{who}, action {index}: {m}") for n, found in row.errors.items() for m in found
            )
    return errors


def _save_record(request, conference, form, attendees, sections) -> bool:
    places = [s["form"].place(s["actions"].actions()) for s in sections]
    try:
        services.conference_record(
            conference=conference,
            held_on=form.cleaned_data["held_on"],
            minutes=form.cleaned_data["minutes"],
            version=form.cleaned_data["version"],
            attendees=attendees.attendees(),
            places=places,
            by=request.user,
        )
    except services.PlaceRefused as refused:
        section = next(s for s in sections if s["form"].child_id == refused.child_id)
        target = section["form"]
        target.add_error(refused.field_name if refused.field_name in target.fields else None, refused.messages)
        return False
    except StaleEditError as stale:
        form.add_error(None, stale.messages)
        data = form.data.copy()
        data["version"] = str(stale.current.version)  # saving again overwrites, knowingly
        form.data = data
        return False
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@page(CHAIR, child=conference_in_url, summary="Record a conference page viewed", form=True)
def conference_record(request, pk):
    """Record a booked conference, or correct a held one: each child's section on one page."""
    conference = _conference(request, pk)
    services.require_can_chair(conference, request.user, on=timezone.localdate())
    if conference.status not in (ConferenceStatus.BOOKED, ConferenceStatus.HELD):
        return redirect("conferences:chair_detail", pk=conference.pk)
    places = list(_places(conference))
    form, attendees, sections = _record_forms(request, conference, places)
    adding = request.method == "POST" and (ADD_ATTENDEE in request.POST or ADD_ACTION in request.POST)
    every = [form, attendees, *(s["form"] for s in sections), *(s["actions"] for s in sections)]
    if request.method == "POST" and not adding and all(f.is_valid() for f in every):  # noqa: SIM102
        if _save_record(request, conference, form, attendees, sections):
            messages.success(request, "Conference recorded. The plans and their review dates have been updated.")
            return redirect("conferences:chair_detail", pk=conference.pk)
    if adding:
        show_unchecked(
            form, *attendees.forms, *(s["form"] for s in sections), *(f for s in sections for f in s["actions"].forms)
        )
    context = {
        "conference": conference,
        "form": form,
        "attendees": attendees,
        "sections": sections,
        "errors": _errors(form, attendees, sections) if request.method == "POST" and not adding else [],
        "title": "Correct the conference record"
        if conference.status == ConferenceStatus.HELD
        else "Record the conference",
    }
    return render(request, "conferences/chair/record.html", context)


@page(CHAIR, child=conference_in_url, summary="Conference minutes page viewed", form=True)
def conference_minutes(request, pk):
    conference = _conference(request, pk)
    services.require_can_chair(conference, request.user, on=timezone.localdate())
    if conference.status != ConferenceStatus.HELD:
        return redirect("conferences:chair_detail", pk=conference.pk)
    initial = {
        "completed_on": conference.minutes_completed_on,
        "distributed_on": conference.minutes_distributed_on,
        "version": conference.version,
    }
    form = MinutesForm(request.POST or None, initial=initial)

    def save(data):
        version = data["version"]
        if data.get("completed_on"):
            services.conference_minutes_complete(
                conference=conference, completed_on=data["completed_on"], by=request.user, version=version
            )
            version += 1
        if data.get("distributed_on"):
            services.conference_minutes_distribute(
                conference=conference, distributed_on=data["distributed_on"], by=request.user, version=version
            )

    if save_with_service(request, form, save, success="Minutes saved"):
        return redirect("conferences:chair_detail", pk=conference.pk)
    return render(request, "conferences/chair/minutes.html", {"conference": conference, "form": form})


def _prefix(key: str) -> str:
    return key.replace(":", "-")


def _copy_initial(line, version: int) -> dict:
    copy = line.copy
    initial = {"recipient": line.recipient.key, "version": version}
    if copy is not None:
        initial |= {
            "method": copy.method or NOT_SENT,
            "sent_on": copy.sent_on,
            "not_sent_reason": copy.not_sent_reason,
        }
    return initial


@page(CHAIR, child=conference_in_url, summary="Conference minutes distribution page viewed", form=True)
def conference_minutes_sent(request, pk):
    """Who should be sent the minutes, who still waits, and a form per person
    (``conferences.services.distribution``). A POST carries one person's form (their key in
    ``person``); a refusal shows on that person's form."""
    conference = _conference(request, pk)
    today = timezone.localdate()
    services.require_can_chair(conference, request.user, on=today)
    if conference.status != ConferenceStatus.HELD:
        return redirect("conferences:chair_detail", pk=conference.pk)
    listing = distribution_services.minutes_distribution_list(conference, today=today)
    posted = request.POST.get("person", "") if request.method == "POST" else ""
    if request.method == "POST" and posted not in {line.recipient.key for line in listing.lines}:
        messages.error(request, "That person is not on the distribution list. Nothing has been saved.")
        return redirect("conferences:minutes_sent", pk=conference.pk)
    rows = []
    for line in listing.lines:
        bound = request.POST if line.recipient.key == posted else None
        form = MinutesSentForm(
            bound,
            prefix=_prefix(line.recipient.key),
            initial=_copy_initial(line, conference.version),
            who=line.recipient.name,
        )
        rows.append((line, form))
        if bound is None:
            continue

        def save(data, form=form):
            if data["recipient"] != posted:
                raise ValidationError("This page is out of date. Go back and try again.")
            try:
                distribution_services.conference_minutes_sent_record(
                    conference=conference, by=request.user, version=data["version"], sent=[form.as_input()], today=today
                )
            except StaleEditError as stale:
                fresh = form.data.copy()
                fresh[form.add_prefix("version")] = str(stale.current.version)  # saving again is knowing
                form.data = fresh
                raise ValidationError(
                    "Someone else recorded part of this list meanwhile: check the list, then save again."
                ) from stale

        if save_with_service(request, form, save, success=f"Saved for {line.recipient.name}"):
            return redirect("conferences:minutes_sent", pk=conference.pk)
    context = {"conference": conference, "listing": listing, "rows": rows, "posted": posted}
    return render(request, "conferences/chair/minutes_sent.html", context)


@page(CHAIR, child=conference_in_url, summary="Conference minutes PDF downloaded")
def conference_minutes_pdf(request, pk):
    conference = documents.held_conference(request.user, pk)
    pdf = documents.minutes_pdf(conference, today=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.file_name(conference)}"'
    return response


@page(CHAIR, child=object_in_url(ProtectionPlan), summary="Child protection plan viewed", form=True)
def plan_detail(request, pk):
    """A child's plan: its actions (with their status) and its core group (add a member)."""
    plan = visible_record_or_404(
        request.user, ProtectionPlan.objects.select_related("child", "initial_conference", "ending_conference"), pk
    )
    form = CoreGroupMemberForm(request.POST or None)
    if save_with_service(
        request,
        form,
        lambda data: services.core_group_member_add(plan=plan, by=request.user, **data),
        success="Core group member added",
    ):
        return redirect("conferences:plan", pk=plan.pk)
    context = {
        "plan": plan,
        "child": plan.child,
        "actions": plan.actions.select_related("conference").order_by("due_on", "pk"),
        "members": plan.core_group.order_by("left_on", "agency", "name", "pk"),
        "form": form,
        "action_statuses": ActionStatus.choices,
    }
    return render(request, "conferences/chair/plan.html", context)


@audited_by_service("POST only: core_group_member_leave audits the change, then it redirects")
@permission_page(CHAIR, methods=["POST"])
def core_group_leave(request, pk):
    member = CoreGroupMember.objects.visible_to(request.user).filter(pk=pk).select_related("plan").first()
    if member is None:
        raise Http404
    form = CoreGroupLeaveForm(request.POST)
    if not save_with_service(
        request,
        form,
        lambda data: services.core_group_member_leave(member=member, by=request.user, **data),
        success="Core group member left",
    ):
        messages.error(request, "Enter the date they left, today or earlier, and not before they joined")
    return redirect("conferences:plan", pk=member.plan_id)


@audited_by_service("POST only: plan_action_update audits the change, then it redirects")
@permission_page(CHAIR, methods=["POST"])
def plan_action_update(request, pk):
    action = visible_record_or_404(request.user, PlanAction.objects.all(), pk)
    form = PlanActionStatusForm(request.POST)
    if not save_with_service(
        request,
        form,
        lambda data: services.plan_action_update(action=action, by=request.user, **data),
        success="Action updated",
    ):
        messages.error(request, "Choose the action's status")
    return redirect("conferences:plan", pk=action.plan_id)
