"""The manager's dispute dashboard and its CSV export: thin views over ``disputes.dashboard``.

Managers only (``disputes.view_dispute_dashboard``): IROs see their own disputes on the list
page; committee members and administrators see no dispute records (docs/rules.md#data-protection).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from iro_service.audit import audited, no_child_data, note_listing
from iro_service.csv import csv_writer
from iro_service.models import AuditAction

from . import dashboard as figures
from .filters import DisputeDashboardFilter
from .models import Dispute

PERMISSION = "disputes.view_dispute_dashboard"
IRO_ROWS_A_PAGE = 50


def _filter(request, today):
    return DisputeDashboardFilter(
        request.GET, queryset=Dispute.objects.visible_to(request.user), request=request, today=today
    )


@no_child_data("Figures across the service: counts by stage, category and IRO; no child is named")
@login_required
@permission_required(PERMISSION, raise_exception=True)
def dashboard(request):
    today = timezone.localdate()
    dispute_filter = _filter(request, today)
    context = figures.figures(
        dispute_filter.qs,
        any_period=dispute_filter.qs_any_period,
        period=dispute_filter.reporting_period,
        today=today,
        iros=dispute_filter.iros,
        category=dispute_filter.chosen_category,
    )
    # Every IRO has a row (a quiet IRO is a finding too): a hosted service's hundreds, a page at a time.
    context["iros"] = Paginator(context["iros"], IRO_ROWS_A_PAGE).get_page(request.GET.get("iros_page"))
    context.update(filter=dispute_filter, today=today, query=dispute_filter.query_string)
    return render(request, "disputes/dashboard.html", context)


@audited(action=AuditAction.LISTED)
@login_required
@permission_required(PERMISSION, raise_exception=True)
def dashboard_csv(request):
    today = timezone.localdate()
    dispute_filter = _filter(request, today)
    rows = figures.export_rows(dispute_filter.qs, today=today)
    note_listing(
        request,
        child_ids=(),  # the CSV names children by reference: its disputes are listed by id
        summary="Dispute dashboard CSV exported",
        dispute_ids=[row[0] for row in rows],
        query=request.GET.urlencode()[:200],
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="disputes-{today.isoformat()}.csv"'
    writer = csv_writer(response)
    writer.writerow(figures.EXPORT_HEADER)
    writer.writerows(rows)
    return response
