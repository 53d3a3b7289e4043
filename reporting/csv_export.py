"""The report's tables as CSV for a committee officer: a zip of one CSV per table.

Each table is ``<Table.key>.csv`` with the table's own header row and rows, figures left as
plain numbers (no thousands separators) and blank where there is no figure. ``index.csv``
lists the files in the report's order with their section, title and note. Every file is
UTF-8 with a byte-order mark so Excel reads it as UTF-8, and any text cell that a
spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage
return) is prefixed with an apostrophe (``iro_service.csv``, as every CSV of the service).
The zip holds no dates, so the same figures give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile

from iro_service.csv import csv_writer

from .charts import table_header
from .figures import Section

#: A fixed timestamp for every member (the zip format's earliest), so output is reproducible.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _csv_bytes(rows: list[list]) -> bytes:
    buffer = io.StringIO(newline="")
    csv_writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _file_name(key: str, taken: set[str]) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "table"
    name, n = f"{stem}.csv", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.csv"
    taken.add(name)
    return name


def tables_csv(sections: list[Section]) -> bytes:
    """A zip of ``index.csv`` and one CSV per table of ``sections``."""
    index = [["file", "section", "table", "rows", "note"]]
    members: list[tuple[str, bytes]] = []
    taken = {"index.csv"}
    for section in sections:
        for table in section.tables:
            label_header, columns = table_header(table)
            width = len(columns) + 1
            rows = [[label_header, *columns]] + [[*row, *[None] * (width - len(row))] for row in table.rows]
            name = _file_name(table.key, taken)
            members.append((name, _csv_bytes(rows)))
            index.append([name, section.title, table.title, len(table.rows), table.note])

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in [("index.csv", _csv_bytes(index)), *members]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
