"""Erasing a child from the SSDA903 returns uploaded, when the retention service destroys or
anonymises their record (children/erasure.py; docs/rules.md#retention). ``children`` runs it
through the ``CHILD_ERASURE_STEPS`` setting, so that it never imports ``reporting``."""

from __future__ import annotations

import csv
import io

from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast

from reporting.models import SSDA903PlanLine, SSDA903Upload


def blank_child_rows(text: str, references: set[str]) -> tuple[str, list[int]]:
    """``text`` (one CSV file of a return) with every row whose CHILD is one of ``references``
    blanked: its cells emptied on one line, so every other row keeps its number (the header is
    row 1, as the import counts) and stays exactly as it came. Returns the rows blanked too."""
    lines = io.StringIO(text).readlines()  # the lines csv.reader reads and counts
    reader = csv.reader(io.StringIO(text))
    records, start = [], 0
    for cells in reader:
        records.append((start, reader.line_num, cells))
        start = reader.line_num
    if not records:
        return text, []
    header = [cell.strip().lstrip("\ufeff").upper() for cell in records[0][2]]
    if "CHILD" not in header:
        return text, []
    column = header.index("CHILD")
    out, blanked = [], []
    for number, (first, end, cells) in enumerate(records, start=1):
        if number > 1 and len(cells) > column and cells[column].strip() in references:
            last = lines[end - 1]
            out.append("," * (len(cells) - 1) + last[len(last.rstrip("\r\n")) :])
            blanked.append(number)
        else:
            out.extend(lines[first:end])
    return "".join(out + lines[records[-1][1] :]), blanked


def redact_uploads(*, references: set[str]) -> dict[str, int]:
    """Blank the child's rows in every SSDA903 return uploaded, and remove the lines of each
    upload's stored check that name the child or point at a blanked row. A step of
    ``CHILD_ERASURE_STEPS``: ``references`` is every local reference the child has had."""
    if not references:
        return {"SSDA903 uploaded rows": 0}
    blanked_rows = 0
    query = models.Q()
    for ref in references:
        query |= models.Q(files_text__contains=ref)
    uploads = SSDA903Upload.objects.annotate(files_text=Cast("files", TextField())).filter(query)
    for upload in uploads.only("pk", "files").iterator():
        files, lines = {}, models.Q()
        for name, text in upload.files.items():
            files[name], blanked = blank_child_rows(text, references)
            blanked_rows += len(blanked)
            if blanked:
                lines |= models.Q(file=name, line__in=blanked)
        if lines:
            SSDA903Upload.objects.filter(pk=upload.pk).update(files=files)
            SSDA903PlanLine.objects.filter(lines, upload_id=upload.pk).delete()
    SSDA903PlanLine.objects.filter(reference__in=references).delete()
    return {"SSDA903 uploaded rows": blanked_rows}
