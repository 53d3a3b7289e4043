"""Thin views: scope the object to the user, bind the form, call one service, redirect."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from iro_service.audit import (
    audited,
    audited_by_service,
    changes_shown,
    child_in_url,
    no_child_data,
    note_listing,
    object_in_url,
    record_export,
)
from iro_service.concurrency import save_or_merge
from iro_service.csv import streamed_csv
from iro_service.forms import add_service_errors, save_with_service
from iro_service.models import AuditAction, AuditEvent
from iro_service.page_access import permission_page
from iro_service.pagination import CappedPaginator
from iro_service.sections import page_sections

from . import exports, forms, selectors, services
from .filters import ChildFilter
from .models import Child, Contact, CoverArrangement, SignificantChange
from .querysets import caseload_staff, staff_with_caseload

PAGE_SIZE = 50
_MANAGE = "children.manage_child_record"


def _visible_child(request, pk, queryset=None):
    """The child, if this user may see them: 404 otherwise (an IRO cannot probe other caseloads),
    or the page saying the child is no longer on their caseload for an IRO who once held them."""
    return selectors.visible_child_or_404(request.user, pk, queryset)


def _log_listing(request, children) -> None:
    note_listing(
        request,
        child_ids=[c.pk for c in children],
        summary=f"Listed {len(children)} children",
        query=request.GET.urlencode()[:200],
    )


def _child_filter(request) -> ChildFilter:
    return ChildFilter(
        request.GET or None, queryset=Child.objects.visible_to(request.user).active().for_list(), request=request
    )


def _chosen_filters(form) -> dict[str, str]:
    """The filters applied, by name, as the export's audit event records them."""
    return {name: str(value) for name, value in form.cleaned_data.items() if value}


@audited(action=AuditAction.LISTED)
@permission_page("children.view_caseload")
def child_list(request):
    child_filter = _child_filter(request)
    rows = child_filter.qs if not child_filter.is_bound or child_filter.is_valid() else Child.objects.none()
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _log_listing(request, page.object_list)
    return render(
        request, "children/child_list.html", {"filter": child_filter, "page": page, "today": timezone.localdate()}
    )


@audited_by_service("record_export writes one EXPORTED event: the filters and the number of rows")
@permission_page("children.view_caseload")
def child_list_csv(request):
    """The children list, with the filters it was showing, as CSV (every matching child, not a page)."""
    child_filter = _child_filter(request)
    if child_filter.is_bound and not child_filter.is_valid():
        return redirect(f"{reverse('children:list')}?{request.GET.urlencode()}")  # the page names the error
    children = child_filter.qs
    filters = _chosen_filters(child_filter.form) if child_filter.is_bound else {}
    record_export(request, summary="Children list exported (CSV)", rows=children.count(), filters=filters)
    today = timezone.localdate()
    rows = exports.child_rows(children, today=today)
    return streamed_csv(exports.CHILD_HEADER, rows, filename=f"children-{today.isoformat()}.csv")


def _in_care_without_iro():
    """Children looked after now (not archived) with no open IRO allocation."""
    return Child.objects.active().in_care().without_iro()


@no_child_data("Each IRO's caseload as counts and cover between IROs: no child is named")
@permission_page("children.view_all_children")
def caseloads(request):
    """Every active IRO's and child protection chair's caseload, 50 a page (a hosted service holds
    hundreds), with the service's totals from one aggregate (docs/rules.md#caseloads)."""
    today = timezone.localdate()
    rows = staff_with_caseload(caseload_staff(), on=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": today,
        "cp_weight": settings.CP_CASE_WEIGHT,
        "children_in_care": Child.objects.active().in_care().count(),
        "unallocated": _in_care_without_iro().count(),
        **caseload_staff().aggregate(iros=Count("pk"), total_fte=Sum("fte")),
    }
    return render(request, "children/caseloads.html", context)


@audited_by_service("record_export writes one EXPORTED event: the number of IROs (no child is named)")
@permission_page("children.view_all_children")
def caseloads_csv(request):
    """The caseload table, every active IRO and child protection chair, as CSV."""
    today = timezone.localdate()
    profiles = staff_with_caseload(caseload_staff(), on=today)
    record_export(request, summary="IRO caseloads exported (CSV)", rows=profiles.count(), filters={})
    return streamed_csv(
        exports.CASELOAD_HEADER, exports.caseload_rows(profiles), filename=f"iro-caseloads-{today.isoformat()}.csv"
    )


def _children_allocated(count: int, iro) -> str:
    return f"{count} {'child' if count == 1 else 'children'} allocated to {iro.get_full_name() or iro.username}"


@audited(action=AuditAction.LISTED)
@permission_page("children.allocate_iro", methods=["GET", "POST"])
def unallocated(request):
    """Children in care with no IRO, longest looked after first; tick some and give them one IRO."""
    today = timezone.localdate()
    children = (
        _in_care_without_iro()
        .for_list()
        .order_by(F("looked_after_since").asc(nulls_last=True), "last_name", "first_name", "pk")
    )
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    form = forms.BulkAllocationForm(
        request.POST or None, children=Child.objects.visible_to(request.user), on=today, initial={"started_on": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            allocations = services.allocation_bulk_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _children_allocated(len(allocations), form.cleaned_data["iro"]))
            return redirect("children:unallocated")
    _log_listing(request, page.object_list)
    return render(request, "children/unallocated.html", {"form": form, "page": page, "today": today})


@audited(child=child_in_url("pk"), summary="Record viewed")
@permission_page("children.view_caseload")
def child_detail(request, pk):
    child = _visible_child(request, pk, Child.objects.for_record())
    siblings = []
    if child.sibling_group_id:
        siblings = Child.objects.visible_to(request.user).filter(sibling_group_id=child.sibling_group_id).exclude(pk=pk)
    today = timezone.localdate()
    sections = page_sections("CHILD_RECORD_SECTIONS", child=child, user=request.user, today=today)
    context = {
        "child": child,
        "siblings": siblings,
        "today": today,
        "sections": sections,
        # Shown at the top of the record until the IRO acknowledges each (docs/rules.md#significant-changes).
        "open_changes": list(
            SignificantChange.objects.filter(child=child).unacknowledged().order_by("occurred_on", "pk")
        ),
        "people": list(Contact.objects.filter(child=child).current(on=today).in_role_order()),
    }
    return render(request, "children/child_detail.html", context)


@audited(action=AuditAction.VIEWED_AUDIT, child=child_in_url("pk"), summary="Audit trail viewed")
@permission_page("children.view_audit_trail")
def child_audit(request, pk):
    child = _visible_child(request, pk)
    page = Paginator(AuditEvent.objects.for_child(child.pk), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(event, changes_shown(event)) for event in page.object_list]
    return render(request, "children/child_audit.html", {"child": child, "page": page, "rows": rows})


@no_child_data("A blank form for a new child; child_create audits what is saved")
@permission_page("children.manage_child_record", methods=["GET", "POST"])
def child_create(request):
    form = forms.ChildCreateForm(request.POST or None)
    created = {}

    def call(data):
        created["child"] = services.child_create(by=request.user, **data)

    if save_with_service(request, form, call, success="Child added and IRO allocated"):
        return redirect("children:detail", pk=created["child"].pk)
    return render(request, "children/form.html", {"form": form, "title": "Add a child who is looked after"})


@audited(child=child_in_url("pk"), summary="Change details page viewed")
@permission_page("children.manage_child_record", methods=["GET", "POST"])
def child_edit(request, pk):
    child = _visible_child(request, pk)
    form = forms.ChildDetailsForm(request.POST or None, instance=child)
    form.lock(child)
    update = partial(services.child_update, child=child)
    if request.method == "POST" and form.is_valid() and save_or_merge(request, form, update).saved:
        return redirect("children:detail", pk=child.pk)
    return render(request, "children/child_edit.html", {"form": form, "child": child, "conflict": form.conflict})


def _child_action_view(name, form_class, service, *, summary, permission=_MANAGE, form_kwargs=None):
    """A manager's change to a visible child: bind ``form_class``, call ``service(child, by, **data)``,
    redirect to the record. The form class carries the page title and the success message."""

    def view(request, pk):
        child = _visible_child(request, pk, Child.objects.for_record())
        form = form_class(request.POST or None, **(form_kwargs(child) if form_kwargs else {}))
        call = partial(service, child=child, by=request.user)
        if save_with_service(request, form, lambda data: call(**data), success=form_class.success_message):
            return redirect("children:detail", pk=child.pk)
        return render(request, "children/form.html", {"form": form, "child": child, "title": form_class.page_title})

    view.__name__ = view.__qualname__ = name
    view = permission_page(permission, methods=["GET", "POST"])(view)
    return audited(child=child_in_url("pk"), summary=summary)(view)


def _archive(*, child, by, confirm):
    return services.child_archive(child=child, by=by)


episode_change = _child_action_view(
    "episode_change",
    forms.EpisodeChangeForm,
    services.episode_change,
    summary="Change of placement or legal status page viewed",
)
leave_care = _child_action_view(
    "leave_care", forms.LeaveCareForm, services.care_period_end, summary="Left care page viewed"
)
return_to_care = _child_action_view(
    "return_to_care", forms.ReturnToCareForm, services.care_period_start, summary="Return to care page viewed"
)
child_archive = _child_action_view("child_archive", forms.ArchiveForm, _archive, summary="Archive page viewed")


def _name(user) -> str:
    return user.get_full_name() or user.username


def _on_leave_warning(iro, *, on, covered: str) -> str:
    """The warning when ``iro`` is on leave on ``on`` (``""`` when not): who covers them, until when,
    and what that means for ``covered``."""
    cover = selectors.cover_of_absence(iro, on=on)
    if cover is None:
        return ""
    until = f" until {cover.ends_on:%-d %B %Y}" if cover.ends_on else ", with no end date set"
    return (
        f"{_name(iro)} is on leave on {on:%-d %B %Y}: {_name(cover.covering_iro)} covers their children{until}. "
        f"{covered}"
    )


def _absences_today():
    """Who is on leave today, for the warning above an IRO choice (one query)."""
    today = timezone.localdate()
    return [
        f"{_name(cover.absent_iro)} (covered by {_name(cover.covering_iro)}"
        + (f" until {cover.ends_on:%-d %B %Y})" if cover.ends_on else ", no end date set)")
        for cover in CoverArrangement.objects.absent_on(today)
    ]


@audited(child=child_in_url("pk"), summary="Change IRO page viewed")
@permission_page("children.allocate_iro", methods=["GET", "POST"])
def child_reallocate(request, pk):
    """Change the child's IRO. Each IRO offered shows their caseload and cover load; choosing an
    IRO on leave on the start date is allowed, with a warning that their cover holds the child."""
    child = _visible_child(request, pk, Child.objects.for_record())
    current = child.current_allocation.iro if child.current_allocation else None
    form = forms.AllocationForm(request.POST or None, exclude_iro=current)
    call = partial(services.allocation_change, child=child, by=request.user)
    if save_with_service(request, form, lambda data: call(**data), success=form.success_message):
        data = form.cleaned_data
        covered = f"{child.full_name}'s reviews fall to them meanwhile."
        if warning := _on_leave_warning(data["iro"], on=data["starts_on"], covered=covered):
            messages.warning(request, warning)
        return redirect("children:detail", pk=child.pk)
    context = {"form": form, "child": child, "title": form.page_title, "on_leave": _absences_today()}
    return render(request, "children/form.html", context)


@no_child_data("Cover arrangements between IROs: names staff only")
@permission_page("children.allocate_iro")
def cover_list(request):
    today = timezone.localdate()
    covers = CoverArrangement.objects.select_related("absent_iro", "covering_iro", "arranged_by").order_by(
        "-starts_on", "-pk"
    )
    page = Paginator(covers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "children/cover_list.html", {"page": page, "today": today})


@no_child_data("Cover arrangements between IROs: names staff only")
@permission_page("children.allocate_iro", methods=["GET", "POST"])
def cover_create(request):
    """Arrange cover. A covering IRO who is on leave themselves on the start date is allowed, with a warning."""
    form = forms.CoverForm(request.POST or None)
    if save_with_service(
        request, form, lambda data: services.cover_grant(by=request.user, **data), success="Cover arranged"
    ):
        data = form.cleaned_data
        covered = f"Check that someone is there for {_name(data['absent_iro'])}'s children."
        if warning := _on_leave_warning(data["covering_iro"], on=data["starts_on"], covered=covered):
            messages.warning(request, warning)
        return redirect("children:cover_list")
    context = {"form": form, "title": "Arrange cover for an IRO's children", "on_leave": _absences_today()}
    return render(request, "children/form.html", context)


def _uncovered_warning(cover, *, ends_on) -> str:
    left = selectors.children_left_uncovered(cover, ends_on=ends_on)
    if not left:
        return ""
    absent = _name(cover.absent_iro)
    children = f"{left} {'child' if left == 1 else 'children'}"
    return (
        f"If {absent} is still away after {ends_on:%-d %B %Y}, their {children} will have no covering IRO: "
        "arrange other cover."
    )


@no_child_data("Cover arrangements between IROs: names staff only")
@permission_page("children.allocate_iro", methods=["GET", "POST"])
def cover_end(request, pk):
    """End a cover. When no other cover follows, the page warns that the absent IRO's children will
    have no cover if they are still away; once saved, it warns again if the cover was planned to
    run longer (the absent IRO is still absent by the plan)."""
    cover = get_object_or_404(CoverArrangement.objects.select_related("absent_iro", "covering_iro"), pk=pk)
    planned_end = cover.ends_on
    today = timezone.localdate()
    form = forms.CoverEndForm(request.POST or None, initial={"ends_on": today})
    if save_with_service(
        request, form, lambda data: services.cover_end(cover=cover, by=request.user, **data), success="Cover ended"
    ):
        ends_on = form.cleaned_data["ends_on"]
        still_away = planned_end is None or planned_end > ends_on
        if still_away and (warning := _uncovered_warning(cover, ends_on=ends_on)):
            messages.warning(request, warning)
        return redirect("children:cover_list")
    warning = _uncovered_warning(cover, ends_on=today)
    context = {"form": form, "title": f"End cover: {cover}", "warnings": [warning] if warning else []}
    return render(request, "children/form.html", context)


def _timeline_url(child_pk: int) -> str:
    """The child's timeline, where significant changes are shown among the reviews: another app's
    page, found through the ``CHILD_TIMELINE_URL`` setting (children never imports it)."""
    return import_string(settings.CHILD_TIMELINE_URL)(child_pk=child_pk)


#: The success message after recording a significant change, by whether it needs a review first.
SIGNIFICANT_CHANGE_RECORDED = {
    False: "Significant change recorded. The child's IRO will see it until they acknowledge it.",
    True: "Significant change recorded. This change needs a review endorsed by the IRO before it happens: "
    "a review must be held first.",
}


@audited(child=child_in_url("pk"), summary="Significant change form viewed")
@permission_page("children.record_significant_change", methods=["GET", "POST"])
def significant_change_create(request, pk):
    child = _visible_child(request, pk)
    form = forms.SignificantChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.significant_change_record(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, SIGNIFICANT_CHANGE_RECORDED[change.needs_review_first])
            return redirect(_timeline_url(child.pk))
    return render(request, "children/form.html", {"form": form, "child": child, "title": "Record a significant change"})


def _significant_change(request, pk) -> SignificantChange:
    """The change, if this user may see its child: 404 otherwise, or the page saying the child is
    no longer on their caseload for an IRO who once held them."""
    change = selectors.significant_change_for_acknowledgement(request.user, pk).first()
    if change is None:
        selectors.refuse_record(request.user, SignificantChange, pk)
    return change


@audited(child=object_in_url(SignificantChange), summary="Significant change viewed")
@permission_page("children.record_significant_change", methods=["GET", "POST"])
def significant_change_acknowledge(request, pk):
    change = _significant_change(request, pk)
    if request.method == "POST" and not change.can_acknowledge:
        raise PermissionDenied("Only the child's IRO, or the IRO covering them, can acknowledge a significant change.")
    form = forms.AcknowledgeForm(request.POST if request.method == "POST" else None)
    if save_with_service(
        request,
        form,
        lambda data: services.significant_change_acknowledge(change=change, by=request.user, **data),
        success="Change acknowledged",
    ):
        return redirect(_timeline_url(change.child_id))
    sections = page_sections(
        "SIGNIFICANT_CHANGE_SECTIONS", change=change, user=request.user, today=timezone.localdate()
    )
    return render(
        request,
        "children/significant_change_acknowledge.html",
        {"form": form, "change": change, "sections": sections, "timeline_url": _timeline_url(change.child_id)},
    )


@audited_by_service("POST only: significant_change_mark_seen audits it, then it redirects")
@permission_page("children.view_all_children", methods=["POST"])
def significant_change_seen(request, pk):
    """A manager records that they have seen the change; the IRO's alert stays."""
    change = _significant_change(request, pk)
    try:
        services.significant_change_mark_seen(change=change, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Recorded that you have seen the change. It stays with the IRO to acknowledge.")
    return redirect("children:significant_change_acknowledge", pk=change.pk)
