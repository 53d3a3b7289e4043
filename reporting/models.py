"""What the reporting app stores: the child population per year (for the rate per 10,000),
the manager's narrative for each reporting year, and every generated annual report as an
immutable version that a manager publishes for the committee."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from iro_service.models import TimeStampedModel, UndeletableModel, UndeletableQuerySet


class ChildPopulation(TimeStampedModel):
    """The local authority's population aged under 18 for a reporting year, which an
    administrator enters (ONS mid-year estimate); the rate per 10,000 children uses it."""

    start_year = models.PositiveSmallIntegerField("reporting year starting in", unique=True)
    children_under_18 = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True, help_text="For example, ONS mid-2021 estimate.")

    class Meta:
        ordering = ["-start_year"]
        verbose_name = "child population"

    def __str__(self):
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}: {self.children_under_18:,} children"


class ReportNarrative(UndeletableModel):
    """The words the manager writes for a reporting year (IRO Handbook para 7.11; NAIRO, docs/sources.md#nairo-2019)."""

    start_year = models.PositiveSmallIntegerField(unique=True)
    introduction = models.TextField(blank=True)
    independence = models.TextField("independence of the service and any barriers", blank=True)
    childrens_feedback = models.TextField("children's feedback", blank=True)
    last_year_objectives = models.TextField("last year's objectives reviewed", blank=True)
    next_year_objectives = models.TextField("next year's objectives", blank=True)
    version = models.PositiveIntegerField(default=1)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year"]


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being generated"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


#: Why a version or an upload failed when its task could not be sent to the workers.
NOT_QUEUED = "It could not be queued: the service that runs it is unavailable. Try again in a few minutes."


class ReportVersionQuerySet(UndeletableQuerySet):
    def published(self):
        """What the committee sees: published and not withdrawn since."""
        return self.filter(published_at__isnull=False, withdrawn_at__isnull=True, status=ReportStatus.READY)


class ReportVersion(UndeletableModel):
    """One generated annual report. Once ready its file, hash and figures never change;
    publishing only stamps who published it and when."""

    kept_because = "Report versions are kept."

    start_year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField("version")
    status = models.CharField(max_length=10, choices=ReportStatus, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, for the progress page.")
    progress_message = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="reports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publish_reason = models.TextField(
        "reason for publishing anyway",
        blank=True,
        help_text="Why the manager published before the year ended or with narrative sections unwritten.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField("reason for withdrawing", blank=True)

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "-number"]
        permissions = [
            ("generate_annual_report", "Can write the narrative, generate and publish the annual report"),
            ("view_published_reports", "Can read and download published annual reports"),
            ("view_service_dashboard", "Can see the live service dashboard"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["start_year", "number"], name="one_number_per_year_version"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status="ready"), name="only_ready_versions_published"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(published_at__isnull=False),
                name="only_published_versions_withdrawn",
            ),
        ]

    def __str__(self):
        return f"Annual IRO report {self.year_label}, version {self.number}"

    @property
    def year_label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def not_queued(self) -> bool:
        return self.status == ReportStatus.FAILED and self.error == NOT_QUEUED

    def may_retry(self, *, now, stuck_after) -> bool:
        """Failed, or queued or running with no progress for ``stuck_after`` (a ``timedelta``)."""
        if self.status == ReportStatus.FAILED:
            return True
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) and self.updated_at <= now - stuck_after


class UploadStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    CHECKED = "checked", "Checked, not imported"
    REFUSED = "refused", "Has errors, not imported"
    IMPORTING = "importing", "Being imported"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Could not be checked"


#: The states in which a task is working on an upload (its page follows along).
UPLOAD_WORKING = (UploadStatus.QUEUED, UploadStatus.CHECKING, UploadStatus.IMPORTING)


class SSDA903Upload(UndeletableModel):
    """An SSDA903 return a manager uploaded: its files as they came, the result of checking it
    (stored once, by the check task: counts here, every change and problem in ``plan_lines``)
    and whether and when it was imported. Kept (never deleted) as the record of what came in."""

    kept_because = "Uploads are kept as the record of what was imported."

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: File name → text, as uploaded. Large: read only by the tasks (pages defer it).
    files = models.JSONField(default=dict)
    file_names = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=UploadStatus, default=UploadStatus.QUEUED)
    progress_message = models.CharField(max_length=200, blank=True)
    #: Why the last check or import could not run (shown on the upload's page).
    error = models.TextField(blank=True)
    #: What the check (and, after import, the import) found: counts per kind of change, the
    #: tables recognised ([file, table, rows]) and the files ignored ([file, table]).
    summary = models.JSONField(default=dict)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "SSDA903 upload"
        permissions = [("exchange_ssda903", "Can import and export the SSDA903 return")]

    def __str__(self):
        return f"SSDA903 upload {self.pk} ({self.get_status_display()})"

    @property
    def working(self) -> bool:
        return self.status in UPLOAD_WORKING

    @property
    def not_queued(self) -> bool:
        return self.error == NOT_QUEUED

    def may_retry(self, *, now, stuck_after) -> bool:
        """The check failed, or a check or import has had no progress for ``stuck_after``."""
        if self.status == UploadStatus.FAILED:
            return True
        return self.working and self.updated_at <= now - stuck_after

    def problem_rows(self) -> list[list]:
        """Every problem as [file, line, column, reason, value], in the order found."""
        return [
            [p.file, p.line, p.column, p.text, p.value]
            for p in self.plan_lines.filter(outcome=PlanOutcome.PROBLEM).order_by("position")
        ]


class PlanOutcome(models.TextChoices):
    PROBLEM = "problem", "Problem"
    CREATE = "create", "New"
    UPDATE = "update", "Update"


class SSDA903PlanLine(models.Model):
    """One line of an upload's stored check: a problem (file, line, column, value, reason) or a
    change (child reference, kind of record, its key, what changes). Written by the check task
    and replaced by the import's own check; pages show them a page at a time."""

    upload = models.ForeignKey(SSDA903Upload, on_delete=models.CASCADE, related_name="plan_lines")
    position = models.PositiveIntegerField()
    outcome = models.CharField(max_length=7, choices=PlanOutcome)
    kind = models.CharField(max_length=7, blank=True)  # child, episode or review (changes)
    file = models.CharField(max_length=255, blank=True)
    line = models.PositiveIntegerField(default=0)
    column = models.CharField(max_length=40, blank=True)
    reference = models.CharField(max_length=40, blank=True)
    key = models.CharField(max_length=40, blank=True)
    value = models.TextField(blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["upload", "position"]
        constraints = [models.UniqueConstraint(fields=["upload", "position"], name="one_plan_line_per_position")]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.text[:60]}"


class DashboardSummary(models.Model):
    """The service dashboard's figures for one reporting year and filter, as
    ``reporting.figures.report.annual_report_sections`` computed them (``reporting.dashboard``),
    with the version of the records they were computed from: the dashboard shows these and
    recomputes them when the records' version moves on (a change, or a new day)."""

    start_year = models.PositiveSmallIntegerField()
    scope_key = models.CharField(max_length=40, help_text='"all", or the IRO and team filter: "iro=3", "team=2".')
    computed_on = models.DateField(help_text="The day the figures run to (the year in progress ends that day).")
    computed_at = models.DateTimeField()
    data_version = models.CharField(max_length=64)
    sections = models.JSONField()
    refresh_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "dashboard summaries"
        constraints = [
            models.UniqueConstraint(fields=["start_year", "scope_key"], name="one_summary_per_year_and_scope")
        ]

    def __str__(self):
        return f"Dashboard {self.start_year} {self.scope_key} as at {self.computed_at:%Y-%m-%d %H:%M}"
