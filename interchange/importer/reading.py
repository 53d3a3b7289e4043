"""Which SSDA903 table is each uploaded file, and what are its rows?

Each CSV is recognised by its exact set of column headers, as the DfE validator does, not by
its name. Values are stripped; nothing is checked here beyond the shape of the file (its
encoding, its header row, the number of values in each row). ``rows`` checks the values.

A file is read row by row and each row kept compactly, grouped by the child it names: its
line and a tuple of its values, repeated values (codes, dates, references) shared, not a dict
per row. The planner (``planning``) then takes the rows of a chunk of children at a time
(``Table.rows_of``), so that only that chunk's rows ever become ``Row`` objects
(docs/decisions/0006-streamed-interchange.md).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .. import spec

#: Columns of the other SSDA903 tables: recognised so that a whole return can be uploaded,
#: then ignored, since this system holds none of that data.
OTHER_TABLES: dict[str, list[str]] = {
    "OC2": [
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "AD1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "PlacedAdoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "SWEpisodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
    "DoLo": ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
}


@dataclass(frozen=True, order=True)
class Problem:
    """One reason a return cannot be imported. ``line`` counts the header as line 1."""

    file: str
    line: int
    column: str
    reason: str
    value: str = ""


@dataclass
class Row:
    file: str
    line: int
    values: dict[str, str]


#: A row as read: its line (the header is line 1) and its values, stripped, in column order.
CompactRow = tuple[int, tuple[str, ...]]


@dataclass
class Table:
    """A table's rows, grouped by the child each names (its CHILD value), in the file's order."""

    name: str
    file: str
    columns: list[str]
    by_child: dict[str, list[CompactRow]] = field(default_factory=dict)
    count: int = 0  # rows kept (blank rows and rows with the wrong number of values are not)

    def __post_init__(self) -> None:
        self._child = self.columns.index("CHILD")

    def add(self, line: int, cells: tuple[str, ...]) -> None:
        self.by_child.setdefault(cells[self._child], []).append((line, cells))
        self.count += 1

    def rows_of(self, references) -> list[Row]:
        """The rows of the children ``references``, in the order of the file."""
        found = [row for reference in references for row in self.by_child.get(reference, ())]
        found.sort()
        return [Row(self.file, line, dict(zip(self.columns, cells, strict=True))) for line, cells in found]

    @property
    def rows(self) -> list[Row]:
        """Every row, in the order of the file (small tables and tests; the planner reads by chunk)."""
        return self.rows_of(self.by_child)


@dataclass
class ReadResult:
    tables: dict[str, Table] = field(default_factory=dict)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (file, table)
    problems: list[Problem] = field(default_factory=list)


class UnreadableFile(ValueError):
    """A file that is not text this system can read. The message names the file."""


_SAVE_AS = "Save it again as CSV UTF-8 (in Excel: Save as, then CSV UTF-8) and upload it."


def decode(content: bytes, *, name: str = "The file") -> str:
    """Text of an uploaded CSV: UTF-16 with a byte order mark, UTF-8 (with or without one), else
    Windows-1252 (Excel's plain "CSV" on Windows). A NUL byte, or bytes that none of these
    read, raise ``UnreadableFile`` naming the file: such a file is not a text CSV (a
    spreadsheet saved under a .csv name, or UTF-16 without its byte order mark)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    text = None
    for encoding in encodings:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError as error:
            position = error.start + 1
    if text is None:
        raise UnreadableFile(
            f"{name} cannot be read: byte {position:,} is not UTF-8, UTF-16 or Windows-1252 text. {_SAVE_AS}"
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise UnreadableFile(
            f"{name} cannot be read: line {line:,} holds a NUL byte, so it is not a text CSV file. {_SAVE_AS}"
        )
    return text


def read_tables(files: Iterable[tuple[str, bytes]]) -> ReadResult:
    """Recognise each CSV by its columns and read its rows (values stripped)."""
    result = ReadResult()
    for file_name, content in files:
        _read_file(result, file_name, content)
    for name in spec.REQUIRED_TABLES:
        if name not in result.tables and not any(p.line == 1 for p in result.problems):
            result.problems.append(Problem("", 0, "", f"The {name} table is missing: a return must include it."))
    return result


def _read_file(result: ReadResult, file_name: str, content: bytes) -> None:
    """Add the file's table to ``result``, or the problem that stops it being read."""
    try:
        text = decode(content, name=file_name)
    except UnreadableFile as error:
        result.problems.append(Problem(file_name, 1, "", str(error)))
        return
    lines = csv.reader(_lines(text))
    first = next(lines, None)
    del text  # the reader holds it until the last line
    if not first or not any(cell.strip() for cell in first):
        result.problems.append(Problem(file_name, 1, "", "The file is empty: it has no header row."))
        return
    header = [cell.strip().upper() for cell in first]
    name = _recognise(result, file_name, header)
    if name is not None:
        table = Table(name, file_name, header)
        _rows(result, table, lines)
        result.tables[name] = table


def _lines(text: str) -> Iterator[str]:
    """``text`` line by line, each with its newline, as ``io.StringIO(text)`` gives them, without
    copying the whole text into a buffer four bytes a character."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _recognise(result: ReadResult, file_name: str, header: list[str]) -> str | None:
    """The table this system reads whose columns ``header`` holds. Otherwise None, with the file
    listed as ignored (another SSDA903 table) or a problem (no SSDA903 table, or a second copy)."""
    columns = set(header)
    name = next((n for n, cols in spec.COLUMNS.items() if columns == set(cols) and len(header) == len(cols)), None)
    if name is None:
        ignored = next((n for n, cols in OTHER_TABLES.items() if columns == set(cols)), None)
        if ignored is not None:
            result.ignored.append((file_name, ignored))
        else:
            result.problems.append(
                Problem(
                    file_name,
                    1,
                    "",
                    "The columns do not match any SSDA903 table (Header, Episodes, Reviews, UASC, PrevPerm). "
                    "Check the header row against the DfE column names.",
                    ",".join(header)[:200],
                )
            )
        return None
    if name in result.tables:
        result.problems.append(
            Problem(file_name, 1, "", f"A second {name} table: {result.tables[name].file} already holds it.")
        )
        return None
    return name


def _rows(result: ReadResult, table: Table, lines: Iterator[list[str]]) -> None:
    """Add the file's rows after its header (line 2 on) to ``table``, skipping blank ones; a row
    with the wrong number of values is a problem. Rows are numbered as the csv module reads
    them, the header being 1."""
    width = len(table.columns)
    shared: dict[str, str] = {}
    number = 1
    for cells in lines:
        number += 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != width:
            result.problems.append(
                Problem(table.file, number, "", f"The row has {len(cells)} values; the header has {width}.")
            )
            continue
        table.add(number, tuple(shared.setdefault(value := cell.strip(), value) for cell in cells))
