"""The SSDA903 page for IRO managers: download a collection year's return, upload a return,
see its check (what it would change and every bad row, a page at a time) and import it. And the
CIN census page: the child protection part of a census year's return, as XML or CSV.

Checking and importing run as Celery tasks (a large return takes minutes); the upload's page
follows them, refreshing itself without script, and shows the stored result when done."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from children.models import CareEpisode
from iro_service.audit import audited, audited_by_service, no_child_data, object_in_url
from iro_service.csv import csv_writer, streamed_csv
from iro_service.forms import add_service_errors
from iro_service.page_access import permission_page
from iro_service.periods import ReportingYear
from reporting.models import PlanOutcome, SSDA903Upload, UploadStatus

from . import cin_census, exporter, services
from .forms import CensusForm, ExportForm, UploadForm

PERMISSION = services.PERMISSION
#: Changes or problems shown a page at a time; the CSV download has them all.
PAGE_SIZE = 100
#: Census years offered on the CIN census page.
CENSUS_YEARS = 20
#: Room for the form fields and multipart boundaries around the files in a request body.
BODY_OVERHEAD = 1024 * 1024


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
        "uploads": SSDA903Upload.objects.defer("files").select_related("uploaded_by", "imported_by")[:10],
    }
    return render(request, "interchange/index.html", context, status=status)


@no_child_data("The SSDA903 forms and the last uploads (file names and who uploaded them)")
@permission_page(PERMISSION)
def index(request):
    return _page(request)


@audited_by_service("ssda903_export records an EXPORTED event for every child in the return")
@permission_page(PERMISSION)
def export(request):
    form = ExportForm(request.GET or None, years=_years())
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    year = form.cleaned_data["year"]
    tables = services.ssda903_export(year=year, by=request.user, path=request.path)
    response = HttpResponse(exporter.return_zip(tables, year), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="ssda903-{year.label}.zip"'
    return response


def _too_large(request) -> bool:
    """The request body alone is larger than the files may be (checked before reading it)."""
    try:
        length = int(request.headers.get("content-length") or 0)
    except ValueError:
        return False
    return length > services.max_upload_bytes() + BODY_OVERHEAD


@audited_by_service("POST only: ssda903_upload_create records the upload; its check is a stored plan")
@permission_page(PERMISSION, methods=["POST"])
def upload(request):
    if _too_large(request):
        form = UploadForm()
        form.cleaned_data = {}  # refused unread: the body is not parsed
        form.add_error("files", services.too_large_message())
        return _page(request, upload_form=form, status=413)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    try:
        created = services.ssda903_upload_create(
            files=[(f.name, f.read()) for f in form.cleaned_data["files"]], by=request.user
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _page(request, upload_form=form, status=400)
    return redirect("interchange:ssda903_upload", pk=created.pk)


def _upload_page(request, pk, *, errors=(), status=200):
    """A task is working on the upload: its progress. Otherwise the stored check, paged."""
    uploads = SSDA903Upload.objects.defer("files").select_related("uploaded_by", "imported_by")
    checked = get_object_or_404(uploads, pk=pk)
    context = {
        "upload": checked,
        "errors": errors,
        "may_retry": checked.may_retry(now=timezone.now(), stuck_after=services.stuck_after()),
        "stuck_minutes": settings.TASK_STUCK_AFTER_MINUTES,
    }
    if checked.working or checked.status == UploadStatus.FAILED:
        return render(request, "interchange/progress.html", context, status=status)
    summary = checked.summary
    page = Paginator(checked.plan_lines.order_by("position"), PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {
        "summary": summary,
        "page": page,
        "problems": summary.get("problems", 0),
        "changes": summary.get("changes", 0),
        "can_import": checked.status == UploadStatus.CHECKED and bool(summary.get("changes")),
    }
    return render(request, "interchange/upload.html", context, status=status)


@audited(child=object_in_url(SSDA903Upload, summary="SSDA903 upload {obj.pk} dry run viewed"))
@permission_page(PERMISSION)
def upload_detail(request, pk):
    return _upload_page(request, pk)


@audited(child=object_in_url(SSDA903Upload, summary="SSDA903 upload {obj.pk} check report downloaded (CSV)"))
@permission_page(PERMISSION)
def upload_report(request, pk):
    """Every change and every problem of an upload's stored check, as CSV."""
    checked = get_object_or_404(SSDA903Upload.objects.defer("files"), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ssda903-upload-{checked.pk}-check.csv"'
    writer = csv_writer(response)
    writer.writerow(["outcome", "file", "line", "column", "value", "reason or change"])
    for line in checked.plan_lines.order_by("position").iterator(chunk_size=2000):
        if line.outcome == PlanOutcome.PROBLEM:
            cells = ["problem", line.file, line.line, line.column, line.value, line.text]
        else:
            cells = [f"{line.outcome} {line.kind}", "", "", line.reference, line.key, line.text]
        writer.writerow(cells)
    return response


@audited_by_service("POST only: the import records an event for every child it writes")
@permission_page(PERMISSION, methods=["POST"])
def upload_import(request, pk):
    return _queue_again(request, pk, services.ssda903_upload_import_request)


@audited_by_service("POST only: queues the check or import again; the task records what it writes")
@permission_page(PERMISSION, methods=["POST"])
def upload_retry(request, pk):
    """Check (or import) a failed or stuck upload again: the "Try again" button of its page."""
    return _queue_again(request, pk, services.ssda903_upload_retry)


def _queue_again(request, pk, service):
    """Call ``service(upload=, by=)`` on the upload, then show its page: with the reason, if
    the service refused."""
    checked = get_object_or_404(SSDA903Upload.objects.defer("files"), pk=pk)
    try:
        service(upload=checked, by=request.user)
    except ValidationError as error:
        return _upload_page(request, pk, errors=[("#main-content", m) for m in error.messages], status=400)
    return redirect("interchange:ssda903_upload", pk=checked.pk)


def _census_years() -> list[ReportingYear]:
    """The last twenty census years, latest (the current one) first."""
    current = ReportingYear.containing(timezone.localdate())
    return [ReportingYear(current.start_year - back) for back in range(CENSUS_YEARS)]


def _census_page(request, *, form=None, status=200):
    years = _census_years()
    form = form or CensusForm(years=years, initial={"year": years[min(1, len(years) - 1)].label})
    context = {"form": form, "not_held": cin_census.NOT_HELD, "lea": settings.CIN_CENSUS_LEA}
    return render(request, "interchange/cin_census.html", context, status=status)


@no_child_data("The CIN census form and the list of what the return leaves out")
@permission_page(PERMISSION)
def census(request):
    return _census_page(request)


@audited_by_service("cin_census_export records an EXPORTED event for every child in the return, and the count")
@permission_page(PERMISSION)
def census_download(request):
    """The child protection part of a census year's CIN return, as XML or CSV, streamed."""
    form = CensusForm(request.GET or None, years=_census_years())
    if not form.is_valid():
        return _census_page(request, form=form, status=400)
    year, file_format = form.cleaned_data["year"], form.cleaned_data["file_format"]
    _, children = services.cin_census_export(year=year, file_format=file_format, by=request.user, path=request.path)
    filename = f"cin-census-{year.label}.{file_format}"
    if file_format == "csv":
        return streamed_csv(cin_census.CSV_COLUMNS, cin_census.csv_rows(year, children), filename=filename)
    chunks = cin_census.xml_chunks(year, children, lea=settings.CIN_CENSUS_LEA, now=timezone.localtime())
    response = StreamingHttpResponse(chunks, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
