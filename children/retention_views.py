"""The retention pages (docs/rules.md#data-protection), for IRO managers: the closed records past their
retention date, one record's retention date with the form to propose anonymising or destroying
it, and a proposal, where a second manager approves or refuses it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iro_service.audit import audited, child_in_url, note_listing, object_in_url
from iro_service.forms import add_service_errors, save_with_service
from iro_service.models import AuditAction

from . import erasure, retention_forms, retention_services
from .models import Child, RetentionAction, RetentionRequest
from .retention import rule_text

PAGE_SIZE = 50
MANAGE = "children.manage_retention"


@audited(action=AuditAction.LISTED)
@login_required
@permission_required(MANAGE, raise_exception=True)
def retention_list(request):
    today = timezone.localdate()
    due = (
        Child.objects.visible_to(request.user)
        .past_retention(on=today)
        .with_pending_retention_request()
        .order_by("local_reference", "pk")
    )
    page = Paginator(due, PAGE_SIZE).get_page(request.GET.get("page"))
    pending = list(RetentionRequest.objects.visible_to(request.user).pending().for_review().order_by("proposed_at"))
    note_listing(
        request,
        child_ids=sorted({c.pk for c in page.object_list} | {r.child_id for r in pending}),
        summary=f"Listed {len(page.object_list)} records past their retention date",
    )
    context = {
        "page": page,
        "today": today,
        "rule": rule_text(
            years_after_birth=settings.RETENTION_YEARS_AFTER_BIRTH,
            years_after_death=settings.RETENTION_YEARS_AFTER_DEATH,
        ),
        "pending": pending,
        "carried_out": RetentionRequest.objects.carried_out().for_review().order_by("-decided_at")[:20],
    }
    return render(request, "children/retention_list.html", context)


@audited(child=child_in_url("pk"), summary="Retention of the record viewed")
@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def retention_propose(request, pk):
    queryset = Child.objects.visible_to(request.user).with_retention().with_pending_retention_request()
    child = get_object_or_404(queryset, pk=pk)
    form = retention_forms.RetentionProposalForm(request.POST or None)
    if save_with_service(
        request,
        form,
        lambda data: retention_services.retention_request_propose(child=child, by=request.user, **data),
        success="Proposed. Nothing changes until a second manager approves.",
    ):
        return redirect("children:retention_list")
    context = {"child": child, "retention": child.retention, "today": timezone.localdate(), "form": form}
    return render(request, "children/retention_propose.html", context)


def _rows_to_change(proposal: RetentionRequest) -> list[tuple[str, int]]:
    """What carrying out the proposal touches: rows by kind, history copies counted together."""
    if proposal.child is None:
        return []
    rows, copies = [], 0
    for model, pks in erasure.rows_about(proposal.child).items():
        if hasattr(model, "instance_type"):
            copies += len(pks)
        else:
            rows.append((str(model._meta.verbose_name_plural if len(pks) != 1 else model._meta.verbose_name), len(pks)))
    return sorted(rows) + ([("history copies of them", copies)] if copies else [])


@audited(child=object_in_url(RetentionRequest), summary="Retention proposal viewed")
@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def retention_request(request, pk):
    proposal = get_object_or_404(RetentionRequest.objects.visible_to(request.user).for_review(), pk=pk)
    refusal = retention_services.approver_refusal(request=proposal, by=request.user)
    form = retention_forms.RetentionDecisionForm(request.POST or None, can_approve=not refusal)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        service = (
            retention_services.retention_request_approve if approve else retention_services.retention_request_refuse
        )
        try:
            service(request=proposal, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "destroyed" if proposal.action == RetentionAction.DESTROY else "anonymised"
            messages.success(request, f"The record was {done}." if approve else "Not carried out: the record is kept.")
            return redirect("children:retention_list")
    context = {
        "proposal": proposal,
        "form": form,
        "rows": _rows_to_change(proposal),
        "refusal": refusal,
    }
    return render(request, "children/retention_request.html", context)
