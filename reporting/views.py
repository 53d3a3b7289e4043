"""The annual report pages (manager: narrative, generate, publish; committee: published
versions), the live service dashboard and the list of reviews behind its figures.

Thin views over ``reporting.services`` and ``reporting.figures``. Committee members see only
published versions (404 for anything else) and no child's record (docs/rules.md#data-protection).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, Min, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from children.models import CareEpisode
from iro_service.audit import audited, no_child_data, note_listing, object_in_url
from iro_service.concurrency import save_or_merge
from iro_service.db_router import reads_from_replica
from iro_service.models import AuditAction
from iro_service.page_access import permission_page
from iro_service.periods import ReportingYear
from reviews.models import Review, ReviewDue
from reviews.querysets import DueWindow

from . import services
from .charts import chart_alt_text, chart_svg, format_value, has_chart, table_header
from .csv_export import tables_csv as zip_of_tables
from .dashboard import Shown, chart_digest, dashboard_figures, sections_from_json
from .figures import Scope
from .figures.report import annual_report_sections
from .forms import DashboardFilterForm, NarrativeForm, PublishForm, RecordsForm, WithdrawForm
from .models import DashboardSummary, ReportNarrative, ReportStatus, ReportVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MANAGE = "reporting.generate_annual_report"
READ_PUBLISHED = "reporting.view_published_reports"
DASHBOARD = "reporting.view_service_dashboard"
PAGE_SIZE = 50
CHART_CACHE_SECONDS = 24 * 60 * 60


def _reporting_years(today: date) -> list[ReportingYear]:
    """From the year of the earliest care episode to the current one, oldest first."""
    first = CareEpisode.objects.aggregate(first=Min("started_on"))["first"]
    current = ReportingYear.containing(today)
    start = min(ReportingYear.containing(first), current) if first else current
    return [ReportingYear(n) for n in range(start.start_year, current.start_year + 1)]


def _year(text: str, *, today: date) -> ReportingYear:
    try:
        year = ReportingYear.parse(text)
    except ValueError:
        raise Http404("Not a reporting year") from None
    if year not in _reporting_years(today):
        raise Http404("No records for that reporting year")
    return year


def _with_current(versions):
    """Mark the highest-numbered published version of each year as its current one."""
    newer = ReportVersion.objects.published().filter(start_year=OuterRef("start_year"), number__gt=OuterRef("number"))
    return versions.select_related("requested_by", "published_by", "withdrawn_by").annotate(
        is_current=~Exists(newer) & Q(published_at__isnull=False, withdrawn_at__isnull=True)
    )


def _downloadable(user: User):
    """Managers may download any ready version; everyone else only published ones."""
    ready = ReportVersion.objects.filter(status=ReportStatus.READY)
    return ready if user.has_perm(MANAGE) else ready.published()


def _annual_page(request, *, errors=(), status=200):
    today = timezone.localdate()
    by_year: dict[int, list[ReportVersion]] = {}
    for version in _with_current(ReportVersion.objects.all()):
        by_year.setdefault(version.start_year, []).append(version)
    written = set(ReportNarrative.objects.values_list("start_year", flat=True))
    years = [
        {"year": year, "versions": by_year.get(year.start_year, []), "has_narrative": year.start_year in written}
        for year in reversed(_reporting_years(today))
    ]
    return render(request, "reporting/annual.html", {"years": years, "errors": errors}, status=status)


@no_child_data("Versions of the annual report and their status: no child is named")
@permission_page(MANAGE)
def annual(request):
    return _annual_page(request)


@no_child_data("The manager's narrative for the annual report: no child is named")
@permission_page(MANAGE, methods=["GET", "POST"])
def narrative(request, year):
    year = _year(year, today=timezone.localdate())
    saved = ReportNarrative.objects.filter(start_year=year.start_year).first()
    form = NarrativeForm(request.POST or None, initial=NarrativeForm.initial_for(saved))
    form.lock(saved)
    if request.method == "POST" and form.is_valid():
        save = partial(services.narrative_save, start_year=year.start_year)
        if save_or_merge(request, form, save, success=f"Narrative for {year} saved").saved:
            return redirect("reporting:annual")
    context = {"form": form, "year": year, "conflict": form.conflict}
    return render(request, "reporting/narrative.html", context)


@no_child_data("POST only: queues a report version, then redirects")
@permission_page(MANAGE, methods=["POST"])
def generate(request, year):
    year = _year(year, today=timezone.localdate())
    version = services.report_request(year=year, by=request.user)
    return redirect("reporting:progress", pk=version.pk)


def _progress_page(request, pk, *, errors=(), status=200):
    version = get_object_or_404(ReportVersion.objects.select_related("requested_by"), pk=pk)
    working = version.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
    context = {
        "version": version,
        "working": working,
        "may_retry": version.may_retry(now=timezone.now(), stuck_after=services.stuck_after()),
        "stuck_minutes": settings.TASK_STUCK_AFTER_MINUTES,
        "errors": errors,
    }
    return render(request, "reporting/progress.html", context, status=status)


@no_child_data("The progress of a report version: no child is named")
@permission_page(MANAGE)
def progress(request, pk):
    return _progress_page(request, pk)


@no_child_data("POST only: queues a report version again; no child is named")
@permission_page(MANAGE, methods=["POST"])
def retry(request, pk):
    """Queue a failed or stuck version again (the "Try again" button of its progress page)."""
    version = get_object_or_404(ReportVersion, pk=pk)
    try:
        services.report_retry(version=version, by=request.user)
    except ValidationError as error:
        return _progress_page(request, pk, errors=[("#report-progress", m) for m in error.messages], status=400)
    return redirect("reporting:progress", pk=version.pk)


@audited(child=object_in_url(ReportVersion, summary="{obj} downloaded (PDF)"))
@permission_page(READ_PUBLISHED)
def download(request, pk):
    version = get_object_or_404(_downloadable(request.user), pk=pk)
    name = services.report_file_name(version)
    return FileResponse(version.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


def _attach(form, error: ValidationError) -> None:
    """A service's refusal onto the form: on its field when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@no_child_data("Confirming that a version is published (report_publish audits it): no child is named")
@permission_page(MANAGE, methods=["GET", "POST"])
def publish(request, pk):
    """The confirmation page, with why the version should wait (a year not ended, narrative
    unwritten) and room for the manager's reason to publish anyway (docs/rules.md#annual-report)."""
    version = get_object_or_404(ReportVersion, pk=pk)
    concerns = services.publish_concerns(version, today=timezone.localdate())
    form = PublishForm(request.POST if request.method == "POST" else None, needs_reason=bool(concerns))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_publish(version=version, by=request.user, reason=form.cleaned_data.get("reason", ""))
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, f"{version} published for the committee")
            return redirect("reporting:annual")
    context = {"form": form, "version": version, "year": ReportingYear(version.start_year), "concerns": concerns}
    return render(request, "reporting/publish.html", context, status=400 if form.errors else 200)


@no_child_data("Withdrawing a published version, with the reason (report_withdraw audits it): no child is named")
@permission_page(MANAGE, methods=["GET", "POST"])
def withdraw(request, pk):
    version = get_object_or_404(ReportVersion.objects.published(), pk=pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_withdraw(version=version, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, f"{version} withdrawn: the committee no longer sees it")
            return redirect("reporting:annual")
    context = {"form": form, "version": version, "year": ReportingYear(version.start_year)}
    return render(request, "reporting/withdraw.html", context, status=400 if form.errors else 200)


@audited(child=object_in_url(ReportVersion, summary="{obj} tables downloaded (CSV)"))
@permission_page(READ_PUBLISHED)
@reads_from_replica()
def tables_csv(request, pk):
    version = get_object_or_404(_downloadable(request.user), pk=pk)
    sections = annual_report_sections(ReportingYear(version.start_year), scope=Scope())
    response = HttpResponse(zip_of_tables(sections), content_type="application/zip")
    name = services.report_file_name(version).removesuffix(".pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-tables.zip"'
    return response


@no_child_data("The list of published report versions: no child is named")
@permission_page(READ_PUBLISHED)
def published(request):
    """The committee's start page (``/`` shows it too): every published version."""
    versions = _with_current(ReportVersion.objects.published())
    return render(request, "home_committee.html", {"versions": versions})


# --- The live service dashboard ------------------------------------------------------------


def _shown_table(table, *, summary) -> dict:
    """A table with its cells formatted as the PDF prints them, row labels linked to the
    records behind them, and the address of its chart (``dashboard_chart``) with the chart's
    text alternative, ``chart_alt_text(table)``: the page itself draws nothing."""
    label_header, headers = table_header(table)
    charted = has_chart(table)
    return {
        "table": table,
        "label_header": label_header,
        "headers": headers,
        "rows": [
            {
                "label": row[0],
                "url": table.links.get(str(row[0]), ""),
                "cells": [format_value(value) for value in row[1:]],
            }
            for row in table.rows
        ],
        "chart_url": reverse("reporting:dashboard_chart", args=[summary.pk, table.key, chart_digest(table)])
        if charted
        else "",
        "chart_alt": chart_alt_text(table) if charted else "",
    }


def _shown(shown: Shown) -> list[dict]:
    return [
        {"section": section, "tables": [_shown_table(table, summary=shown.summary) for table in section.tables]}
        for section in shown.sections
    ]


@no_child_data("Figures for the service, by month, IRO and team; row labels link to records (audited there)")
@permission_page(DASHBOARD)
@reads_from_replica()
def dashboard(request):
    """The stored figures of the year in progress for the filter (``reporting.dashboard``):
    recomputed by a task when the records have changed, the page saying so meanwhile."""
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET or None)
    year = ReportingYear.containing(today)
    filters = {"iro_id": None, "team_id": None} | form.scope_filters()
    shown = dashboard_figures(year=year, today=today, **filters)
    context = {"form": form, "year": year, "today": today, "shown": shown, "sections": _shown(shown)}
    return render(request, "reporting/dashboard.html", context)


@no_child_data("A chart of a dashboard table's aggregate figures, by the table's key and digest: no child")
@permission_page(DASHBOARD)
def dashboard_chart(request, pk, key, digest):
    """The SVG chart of one table of a stored dashboard summary, drawn once per change of its
    figures: cached under the digest of what it is drawn from, which the address carries, so
    the same address always gives the same chart. A digest that no longer matches the table
    (the figures were recomputed since the page was drawn) is not found."""
    cache_key = f"reporting:chart:{digest}"
    svg = cache.get(cache_key)
    if svg is None:
        summary = get_object_or_404(DashboardSummary, pk=pk)
        tables = (table for section in sections_from_json(summary.sections) for table in section.tables)
        table = next((t for t in tables if t.key == key and chart_digest(t) == digest), None)
        if table is None:
            raise Http404("No such chart")
        svg = chart_svg(table) or ""
        cache.set(cache_key, svg, CHART_CACHE_SECONDS)
    if not svg:
        raise Http404("That table has no chart")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = f"private, max-age={CHART_CACHE_SECONDS}"
    return response


def _reviews_behind(user: User, data: dict, *, today: date):
    """The held reviews a dashboard figure counts (as ``reporting.figures.reviews`` counts
    them), for the cleaned filters in ``data``."""
    year: ReportingYear = data["year"]
    late = Q(held_on__gt=F("due_on"))
    kinds = {
        "reviews": Q(),
        "participation": Q(),
        "late_reviews": late,
        "records_late": Q(record_distributed_on__gt=F("record_due_on"))
        | Q(record_distributed_on__isnull=True, record_due_on__lt=today),
    }
    month = next((day for day in year.months() if day.month == data["month"]), None)
    conditions = [
        kinds[data["kind"]],
        Q(held_on__year=month.year, held_on__month=month.month) if month else Q(),
        {None: Q(), True: Q(held_on__lte=F("due_on")), False: late}[data["in_time"]],
        Q(participation_code=data["code"]) if data["code"] else Q(),
        Q(chair=data["iro"]) if data["iro"] else Q(),
        Q(chair__iro_profile__team=data["team"]) if data["team"] else Q(),
    ]
    reviews = Review.objects.visible_to(user).held_between(year.start, min(year.end, today))
    return reviews.filter(*conditions).select_related("child").order_by("held_on", "pk")


def _not_held_behind(user: User, data: dict, *, window: DueWindow):
    """The reviews due in the year and not held by its end (or today), as
    ``reporting.figures.reviews`` counts them: ``month`` is the month due, and the IRO or team
    is the one allocated to the child on the due date."""
    year: ReportingYear = data["year"]
    rows = ReviewDue.objects.visible_to(user).allocated_to(
        iro_id=data["iro"].pk if data["iro"] else None, team_id=data["team"].pk if data["team"] else None
    )
    month = next((day for day in year.months() if day.month == data["month"]), None)
    if month:
        rows = rows.filter(due_on__year=month.year, due_on__month=month.month)
    return rows.not_held(window).select_related("child")


@audited(action=AuditAction.LISTED)
@permission_page(DASHBOARD)
@reads_from_replica()
def records(request):
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("kind", "reviews")
    data.setdefault("year", ReportingYear.containing(today).label)
    form = RecordsForm(data, years=_reporting_years(today))
    not_held = form.is_valid() and form.cleaned_data["kind"] == "not_held"
    window = None
    if not form.is_valid():
        rows = Review.objects.none()
    elif not_held:
        year = form.cleaned_data["year"]
        window = DueWindow.for_year(year.start, year.end, today=today)
        rows = _not_held_behind(request.user, form.cleaned_data, window=window)
    else:
        rows = _reviews_behind(request.user, form.cleaned_data, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if not_held:
        for due in page.object_list:
            due.reason_for_child = due.reason_for(due.child.first_name)
    what = "Reviews due but not held" if not_held else "Reviews"
    note_listing(
        request,
        child_ids=[row.child_id for row in page.object_list],
        summary=f"{what} behind a report figure: {page.paginator.count} found",
        query=data.urlencode()[:200],
    )
    query = data.copy()
    for name in ("page", "apply"):
        query.pop(name, None)
    context = {"form": form, "page": page, "query": query.urlencode(), "not_held": not_held, "window": window}
    return render(request, "reporting/records.html", context)
