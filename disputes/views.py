"""The IRO's dispute pages: thin views over ``disputes.services``.

IROs (``disputes.raise_dispute``) raise and move disputes about children they hold or cover.
Managers (``disputes.view_dispute_dashboard``) read every dispute but do not act on them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from children.models import Child
from children.selectors import visible_child_or_404
from iro_service.audit import audited, child_in_url, note_listing, object_in_url
from iro_service.concurrency import save_or_merge
from iro_service.forms import save_with_service
from iro_service.models import AuditAction
from iro_service.pagination import CappedPaginator
from reviews.views.pages import page

from . import forms, ladder, services
from .codes import DisputeStatus
from .models import CafcassReferral, Dispute, DisputeStep, EscalationStage

RAISE = "disputes.raise_dispute"
READ_ANY = "disputes.view_dispute_dashboard"
PAGE_SIZE = 50


def dispute_reader_required(view):
    """IROs and managers read disputes (each through ``visible_to``); anyone else gets 403."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not (request.user.has_perm(RAISE) or request.user.has_perm(READ_ANY)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return check


def _for_list(user):
    """The disputes ``user`` may see, with the child, the stage and the current step's dates."""
    current = DisputeStep.objects.filter(dispute=OuterRef("pk"), ended_on__isnull=True)
    return (
        Dispute.objects.visible_to(user)
        .select_related("child", "current_stage")
        .annotate(
            response_due_on=Subquery(current.values("response_due_on")[:1]),
            responded_on=Subquery(current.values("responded_on")[:1]),
        )
    )


def _next_stage(current: EscalationStage) -> EscalationStage | None:
    """The ladder's next rung after ``current`` (None at the top of the ladder)."""
    stages = list(EscalationStage.objects.active())
    try:
        rung = ladder.next_rung(ladder.rungs_of(stages), current.number)
    except ladder.MoveRefused:
        return None
    return next(stage for stage in stages if stage.number == rung.number)


def _can_act(user, dispute: Dispute) -> bool:
    """The IRO who holds or covers the child for the dispute's kind of work (the services check
    the same)."""
    children = Child.objects.visible_to(user, work=dispute.work)
    return user.has_perm(RAISE) and children.filter(pk=dispute.child_id).exists()


def _actionable(request, pk) -> Dispute:
    return get_object_or_404(Dispute.objects.visible_to(request.user).select_related("child", "current_stage"), pk=pk)


def _acting_page(summary: str, *, child=None):
    """An IRO's page that acts on a dispute: audited as ``summary``, for ``RAISE`` only, GET or POST."""
    return page(RAISE, child=child or object_in_url(Dispute), summary=summary, form=True)


@audited(action=AuditAction.LISTED)
@login_required
@dispute_reader_required
def dispute_list(request):
    dispute_filter = forms.DisputeListFilter(request.GET or None, queryset=_for_list(request.user), request=request)
    page = CappedPaginator(dispute_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    note_listing(
        request,
        child_ids=[d.child_id for d in page.object_list],
        summary=f"Listed {len(page.object_list)} disputes",
        query=request.GET.urlencode()[:200],
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": dispute_filter, "page": page, "query": query.urlencode(), "today": timezone.localdate()}
    return render(request, "disputes/list.html", context)


@audited(child=object_in_url(Dispute), summary="Dispute viewed")
@login_required
@dispute_reader_required
def dispute_detail(request, pk):
    steps = Prefetch("steps", DisputeStep.objects.select_related("stage", "raised_by"))
    dispute = get_object_or_404(
        Dispute.objects.visible_to(request.user)
        .select_related("child", "current_stage", "raised_by", "cafcass_referral__referred_by")
        .prefetch_related(steps),
        pk=pk,
    )
    is_open = dispute.status == DisputeStatus.OPEN
    context = {
        "dispute": dispute,
        "child": dispute.child,
        "referral": getattr(dispute, "cafcass_referral", None),
        "can_act": _can_act(request.user, dispute),
        "next_stage": _next_stage(dispute.current_stage) if is_open else None,
    }
    return render(request, "disputes/detail.html", context)


@_acting_page("Raise a dispute page viewed", child=child_in_url("child_pk"))
def dispute_raise(request, child_pk):
    child = visible_child_or_404(request.user, child_pk)
    works = services.raisable_work(child, request.user, today=timezone.localdate())
    form = forms.RaiseForm(request.POST or None, works=works)
    raised = {}

    def call(data):
        raised["dispute"] = services.dispute_raise(child=child, by=request.user, **data)

    if save_with_service(request, form, call, success="Dispute raised"):
        return redirect("disputes:detail", pk=raised["dispute"].pk)
    return render(request, "disputes/form.html", {"form": form, "child": child, "title": "Raise a dispute"})


def _act(request, dispute, form, call, *, success: str | Callable[[Dispute], str], title: str, **context):
    """Call one service with the version the form was loaded with. On a stale version, merge
    what was typed with the dispute as it is saved now and show every difference. ``success``
    is the message, or makes it from what the service returned."""
    if request.method == "GET" and dispute.status != DisputeStatus.OPEN:
        return redirect("disputes:detail", pk=dispute.pk)
    form.lock(dispute)
    if request.method == "POST" and form.is_valid():
        attempt = save_or_merge(request, form, partial(call, dispute=dispute), success=success)
        if attempt.saved:
            return redirect("disputes:detail", pk=dispute.pk)
        if attempt.stale:
            dispute = _actionable(request, dispute.pk)
    step = dispute.steps.filter(ended_on__isnull=True).select_related("stage").first()
    context.update(form=form, dispute=dispute, child=dispute.child, step=step, conflict=form.conflict, title=title)
    return render(request, "disputes/form.html", context)


def _initial(dispute, **values):
    return {"version": dispute.version, **values}


def _action_page(summary: str, form_class: type[forms.VersionedForm], call, **context):
    """The page, audited as ``summary``, that loads ``form_class`` at the dispute's version (its
    ``dated`` field set to today) and acts through ``_act`` with the form's title and message."""

    @_acting_page(summary)
    def act(request, pk):
        dispute = _actionable(request, pk)
        today = {form_class.dated: timezone.localdate()} if form_class.dated else {}
        form = form_class(request.POST or None, initial=_initial(dispute, **today))
        title = form_class.page_title.format(stage=dispute.current_stage.name)
        return _act(request, dispute, form, call, success=form_class.success_message, title=title, **context)

    return act


dispute_respond = _action_page("Record the response page viewed", forms.ResponseForm, services.dispute_record_response)
dispute_meeting = _action_page("Record the meeting page viewed", forms.MeetingForm, services.dispute_record_meeting)


@_acting_page("Escalate page viewed")
def dispute_escalate(request, pk):
    dispute = _actionable(request, pk)
    stages = list(EscalationStage.objects.active())
    later = [stage for stage in stages if stage.number > dispute.current_stage.number]
    initial = {"raised_on": timezone.localdate()}
    if later and not later[0].is_cafcass:
        initial["to_stage"] = later[0].number  # the next stage, unless stages are bypassed
    form = forms.EscalateForm(
        request.POST or None,
        initial=_initial(dispute, **initial),
        stages=stages,
        current=dispute.current_stage.number,
    )
    return _act(
        request,
        dispute,
        form,
        services.dispute_escalate,
        success=lambda escalated: f"Dispute escalated to {escalated.current_stage.name}",
        title="Escalate the dispute",
    )


dispute_resolve = _action_page("Resolve page viewed", forms.ResolveForm, services.dispute_resolve)
dispute_withdraw = _action_page("Withdraw page viewed", forms.WithdrawForm, services.dispute_withdraw)
dispute_refer = _action_page(
    "Refer to CAFCASS page viewed", forms.ReferForm, services.dispute_refer_to_cafcass, referral_intro=True
)


@_acting_page("CAFCASS outcome page viewed")
def cafcass_outcome(request, pk):
    referral = get_object_or_404(
        CafcassReferral.objects.visible_to(request.user).select_related("dispute__child", "dispute__current_stage"),
        dispute_id=pk,
    )
    form = forms.CafcassOutcomeForm(request.POST or None, initial={"outcome_on": timezone.localdate()})
    if save_with_service(
        request,
        form,
        lambda data: services.cafcass_outcome_record(referral=referral, by=request.user, **data),
        success="CAFCASS's outcome recorded",
    ):
        return redirect("disputes:detail", pk=pk)
    context = {"form": form, "dispute": referral.dispute, "child": referral.dispute.child, "referral": referral}
    return render(request, "disputes/form.html", {**context, "title": "Record CAFCASS's outcome"})
