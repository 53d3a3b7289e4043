"""Write a collection year's SSDA903 return (docs/rules.md#ssda903).

A return covers every child looked after at any time in the collection year (1 April to
31 March): the Header row of each, every episode open at any time in the year, the reviews
held in the year, a UASC row for each unaccompanied asylum-seeking child, and a PrevPerm row
for each child who started to be looked after in the year. An episode still open on 31 March
is returned open (DEC and REC empty), as the guidance asks, even when it ended later.

Three queries whatever the number of children (the children, with their Header, UASC and
PrevPerm rows; the episodes; the reviews), each read in chunks (``.iterator(chunk_size=...)``)
as tuples of values, never model objects: ``write_year`` streams a return of any size to its
files with only a chunk of rows in memory (docs/decisions/0006-streamed-interchange.md).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path

from django.db.models import Exists, OuterRef, Q

from children.models import CareEpisode, Child
from iro_service.csv import csv_writer
from iro_service.periods import ReportingYear
from reviews.codes import ReviewStatus
from reviews.models import Review

from . import spec
from .spec import format_date


def _in_year(year: ReportingYear) -> Q:
    return Q(started_on__lte=year.end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=year.start))


def _mother(value: bool | None) -> str:
    if value is None:
        return ""
    return "1" if value else "0"


#: Rows fetched from the database at a time while a return is written.
CHUNK = 2000

#: The Child fields a Header, UASC or PrevPerm row is made of (``started``: annotated).
_CHILD_FIELDS = ("pk", "started", *spec.CHILD_FIELDS)
_EPISODE_FIELDS = ("child__local_reference", *spec.EPISODE_FIELDS)


def build_return(year: ReportingYear) -> dict[str, list[list[str]]]:
    """The tables of ``year``'s return: table name → rows (header row first), as strings."""
    return build_return_with_children(year)[0]


def build_return_with_children(year: ReportingYear) -> tuple[dict[str, list[list[str]]], set[int]]:
    """``build_return`` and the ids of the children in the return (for the audit trail)."""
    child_ids: list[int] = []
    tables: dict[str, list[list[str]]] = {name: [columns] for name, columns in spec.COLUMNS.items()}
    for name, row in return_rows(year, child_ids=child_ids):
        tables[name].append(row)
    return tables, set(child_ids)


def return_rows(year: ReportingYear, *, child_ids: list[int] | None = None) -> Iterator[tuple[str, list[str]]]:
    """``year``'s return row by row, as (table name, row of strings), without the header rows:
    the children (their Header, UASC and PrevPerm rows), then the episodes, then the reviews.
    Three queries, each read a chunk at a time. Each child's id joins ``child_ids``."""
    end_year = year.start_year + 1
    for c in _rows(_children(year), _CHILD_FIELDS):
        if child_ids is not None:
            child_ids.append(c.pk)
        yield spec.HEADER, _header_row(c, end_year)
        if c.is_uasc:
            yield spec.UASC, _uasc_row(c, end_year)
        if c.started:
            yield spec.PREV_PERM, _prev_perm_row(c)
    for e in _episodes(year):
        yield spec.EPISODES, _episode_row(e, year)
    yield from ((spec.REVIEWS, row) for row in _review_rows(year))


def _looked_after_in(year: ReportingYear) -> Exists:
    return Exists(CareEpisode.objects.filter(_in_year(year), child=OuterRef("pk")))


def _started_in(year: ReportingYear) -> Exists:
    """The child started to be looked after in the year (a new period, RNE S)."""
    return Exists(
        CareEpisode.objects.filter(
            child=OuterRef("pk"), reason_new_episode="S", started_on__gte=year.start, started_on__lte=year.end
        )
    )


def _children(year: ReportingYear):
    """The children in the return, in the order of the return; ``started``: a PrevPerm row."""
    return Child.objects.filter(_looked_after_in(year)).annotate(started=_started_in(year)).order_by("local_reference")


def _rows(queryset, fields: tuple[str, ...]) -> Iterator:
    return queryset.values_list(*fields, named=True).iterator(chunk_size=CHUNK)


def _episodes(year: ReportingYear) -> Iterator:
    """Every episode open at any time in ``year``, in the order of the return."""
    episodes = CareEpisode.objects.filter(_in_year(year)).order_by("child__local_reference", "started_on", "pk")
    return _rows(episodes, _EPISODE_FIELDS)


def _review_rows(year: ReportingYear) -> Iterator[list[str]]:
    """The reviews held in ``year`` of the children in the return."""
    reviews = (
        Review.objects.filter(status=ReviewStatus.HELD, held_on__gte=year.start, held_on__lte=year.end)
        .filter(Exists(CareEpisode.objects.filter(_in_year(year), child=OuterRef("child_id"))))
        .order_by("child__local_reference", "held_on", "pk")
        .values_list("child__local_reference", "child__date_of_birth", "held_on", "participation_code")
        .iterator(chunk_size=CHUNK)
    )
    for reference, dob, held_on, code in reviews:
        yield [reference, format_date(dob), format_date(held_on), code]


def _header_row(c, end_year: int) -> list[str]:
    return [
        c.local_reference,
        spec.sex_for_year(c.sex, end_year),
        format_date(c.date_of_birth),
        c.ethnicity,
        c.upn,
        _mother(c.is_mother),
        format_date(c.mother_child_dob),
    ]


def _uasc_row(c, end_year: int) -> list[str]:
    """A UASC row, for an unaccompanied asylum-seeking child."""
    sex = spec.sex_for_year(c.sex, end_year)
    return [c.local_reference, sex, format_date(c.date_of_birth), format_date(c.uasc_ceased_on)]


def _prev_perm_row(c) -> list[str]:
    """A PrevPerm row, for a child who started to be looked after in the year."""
    return [
        c.local_reference,
        format_date(c.date_of_birth),
        c.previous_permanence,
        c.previous_permanence_la,
        c.previous_permanence_date,
    ]


def _episode_row(e, year: ReportingYear) -> list[str]:
    """An episode as the return holds it: open (DEC and REC empty) if still open on 31 March."""
    ended_in_year = e.ended_on is not None and e.ended_on <= year.end
    return [
        e.child__local_reference,
        format_date(e.started_on),
        e.reason_new_episode,
        e.legal_status,
        e.category_of_need,
        e.placement_type,
        e.placement_provider,
        format_date(e.ended_on) if ended_in_year else "",
        e.reason_ceased if ended_in_year else "",
        # The reason a placement changed belongs to the episode that ended (rule 233).
        e.reason_place_change if ended_in_year else "",
        e.home_postcode,
        e.placement_postcode,
        e.urn,
    ]


def table_csv(rows: list[list[str]]) -> bytes:
    """A table as CSV. Valid values (codes, dd/mm/yyyy dates, references, postcodes) never
    start with a formula character, so ``csv_writer`` changes none of them; a reference typed
    as ``=HYPERLINK(...)`` is written as text instead of running in the LA's spreadsheet."""
    buffer = io.StringIO()
    csv_writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_return(tables: Mapping[str, list[list[str]]], directory: Path) -> list[Path]:
    """Write a return's tables as one CSV per table into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in tables.items():
        path = directory / spec.FILE_NAMES[name]
        path.write_bytes(table_csv(rows))
        paths.append(path)
    return paths


def write_year(year: ReportingYear, directory: Path, *, child_ids: list[int]) -> list[tuple[Path, int]]:
    """Write ``year``'s return into ``directory``, one CSV per table, row by row as the
    queries give them (``return_rows``): a chunk of rows in memory whatever the return's size.
    Returns each file and its number of rows after the header row; each child's id joins
    ``child_ids``."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / spec.FILE_NAMES[name] for name in spec.COLUMNS}
    counts = dict.fromkeys(spec.COLUMNS, 0)
    with ExitStack() as stack:
        writers = {}
        for name, path in paths.items():
            writers[name] = csv_writer(
                stack.enter_context(path.open("w", encoding="utf-8", newline="")), lineterminator="\n"
            )
            writers[name].writerow(spec.COLUMNS[name])
        for name, row in return_rows(year, child_ids=child_ids):
            writers[name].writerow(row)
            counts[name] += 1
    return [(paths[name], counts[name]) for name in spec.COLUMNS]


def return_zip(tables: Mapping[str, list[list[str]]], year: ReportingYear) -> bytes:
    """A return's tables as a zip of CSV files, with a fixed timestamp so it is reproducible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            info = zipfile.ZipInfo(
                f"ssda903-{year.label}/{spec.FILE_NAMES[name]}", date_time=(year.end.year, 3, 31, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, table_csv(rows))
    return buffer.getvalue()
