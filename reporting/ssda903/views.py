"""The SSDA903 page for IRO managers: download a collection year's return, upload a return,
see its dry run (what it would change and every bad row) and import it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from children.models import CareEpisode
from iro_service.csv import csv_writer

from ..models import SSDA903Upload, UploadStatus
from ..periods import ReportingYear
from . import exporter, services
from .forms import ExportForm, UploadForm

PERMISSION = services.PERMISSION
#: Rows of changes and problems shown on the page; the CSV download has them all.
SHOWN = 200


def _years() -> list[ReportingYear]:
    """Collection years from the first episode held to the current one, latest first."""
    today = timezone.localdate()
    current = ReportingYear.containing(today)
    first = CareEpisode.objects.aggregate(first=Min("started_on"))["first"]
    start = ReportingYear.containing(first).start_year if first else current.start_year
    return [ReportingYear(y) for y in range(current.start_year, max(start, current.start_year - 20) - 1, -1)]


def _page(request, *, export_form=None, upload_form=None, status=200):
    years = _years()
    context = {
        "export_form": export_form or ExportForm(years=years, initial={"year": years[min(1, len(years) - 1)].label}),
        "upload_form": upload_form or UploadForm(),
        "uploads": SSDA903Upload.objects.select_related("uploaded_by", "imported_by")[:10],
    }
    return render(request, "reporting/ssda903/index.html", context, status=status)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def index(request):
    return _page(request)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def export(request):
    form = ExportForm(request.GET or None, years=_years())
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    year = form.cleaned_data["year"]
    tables = services.ssda903_export(year=year, by=request.user, path=request.path)
    response = HttpResponse(exporter.return_zip(tables, year), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="ssda903-{year.label}.zip"'
    return response


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    files = [(f.name, f.read()) for f in form.cleaned_data["files"]]
    checked = services.ssda903_upload_check(files=files, by=request.user)
    return redirect("reporting:ssda903_upload", pk=checked.pk)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def upload_detail(request, pk):
    checked = get_object_or_404(SSDA903Upload.objects.select_related("uploaded_by", "imported_by"), pk=pk)
    plan = services.ssda903_upload_plan(upload=checked)
    changes = plan.creates + plan.updates
    context = {
        "upload": checked,
        "plan": plan,
        "summary": plan.summary,
        "changes": changes[:SHOWN],
        "more_changes": max(0, len(changes) - SHOWN),
        "total_changes": len(changes),
        "problems": plan.problems[:SHOWN],
        "more_problems": max(0, len(plan.problems) - SHOWN),
        "can_import": checked.status != UploadStatus.IMPORTED and plan.is_valid and bool(changes),
        "shown": SHOWN,
    }
    return render(request, "reporting/ssda903/upload.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def upload_report(request, pk):
    """Every change and every problem of an upload's dry run, as CSV."""
    checked = get_object_or_404(SSDA903Upload, pk=pk)
    plan = services.ssda903_upload_plan(upload=checked)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ssda903-upload-{checked.pk}-check.csv"'
    writer = csv_writer(response)
    writer.writerow(["outcome", "file", "line", "column", "value", "reason or change"])
    for p in plan.problems:
        writer.writerow(["problem", p.file, p.line, p.column, p.value, p.reason])
    for verb, changes in (("create", plan.creates), ("update", plan.updates)):
        for c in changes:
            writer.writerow([f"{verb} {c.kind}", "", "", c.reference, c.key, c.description])
    return response


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def upload_import(request, pk):
    checked = get_object_or_404(SSDA903Upload, pk=pk)
    try:
        plan = services.ssda903_upload_import(upload=checked, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reporting:ssda903_upload", pk=checked.pk)
    if plan.problems:
        messages.error(request, f"Not imported: the return now has {len(plan.problems)} problems. Nothing was written.")
    else:
        s = plan.summary
        messages.success(
            request,
            f"Imported: {s['create_child']} new and {s['update_child']} updated children, "
            f"{s['create_episode'] + s['update_episode']} episodes, {s['create_review'] + s['update_review']} reviews",
        )
    return redirect("reporting:ssda903_upload", pk=checked.pk)
