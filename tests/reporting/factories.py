"""Helpers for report tests: versions of the annual report, queued or ready."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from iro_service.periods import ReportingYear
from reporting import services
from reporting.models import ReportNarrative, ReportStatus, ReportVersion

YEAR = ReportingYear(2025)  # 2025-26: complete on the suite's clock (the care episodes start in 2024)


def queued_version(manager, *, year: ReportingYear = YEAR) -> ReportVersion:
    return ReportVersion.objects.create(start_year=year.start_year, number=_next(year), requested_by=manager)


def _next(year: ReportingYear) -> int:
    return ReportVersion.objects.filter(start_year=year.start_year).count() + 1


def ready_version(manager, *, year: ReportingYear = YEAR, content: bytes = b"%PDF-1.7 test report") -> ReportVersion:
    """A ready version as report_generate leaves one, without rendering a PDF."""
    version = queued_version(manager, year=year)
    version.pdf.save(services.report_file_name(version), ContentFile(content), save=False)
    version.sha256 = hashlib.sha256(content).hexdigest()
    version.generated_at = timezone.now()
    version.status = ReportStatus.READY
    version.progress = 100
    version.save()
    return version


def narrative_written(*, year: ReportingYear = YEAR) -> ReportNarrative:
    """Every section of the year's narrative written, so a version of it may be published without a reason."""
    words = {name: f"{name.replace('_', ' ').capitalize()} for {year.label}." for name in services.NARRATIVE_FIELDS}
    narrative, _ = ReportNarrative.objects.update_or_create(start_year=year.start_year, defaults=words)
    return narrative


def publishable_version(
    manager, *, year: ReportingYear = YEAR, content: bytes = b"%PDF-1.7 test report"
) -> ReportVersion:
    """A ready version of a year that has ended, with its narrative written: publishing needs no reason."""
    narrative_written(year=year)
    return ready_version(manager, year=year, content=content)
