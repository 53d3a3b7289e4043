"""Write a collection year's SSDA903 return (docs/rules.md#ssda903).

A return covers every child looked after at any time in the collection year (1 April to
31 March): the Header row of each, every episode open at any time in the year, the reviews
held in the year, a UASC row for each unaccompanied asylum-seeking child, and a PrevPerm row
for each child who started to be looked after in the year. An episode still open on 31 March
is returned open (DEC and REC empty), as the guidance asks, even when it ended later.

Three queries whatever the number of children; rows come straight from ``values()``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.db.models import Q

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


def build_return(year: ReportingYear) -> dict[str, list[list[str]]]:
    """The tables of ``year``'s return: table name → rows (header row first), as strings."""
    return build_return_with_children(year)[0]


def build_return_with_children(year: ReportingYear) -> tuple[dict[str, list[list[str]]], set[int]]:
    """``build_return`` and the ids of the children in the return (for the audit trail)."""
    episodes = _episodes(year)
    child_ids = {e["child_id"] for e in episodes}
    starters = {e["child_id"] for e in episodes if e["reason_new_episode"] == "S" and e["started_on"] >= year.start}
    children = _children(child_ids)
    dob = {c["pk"]: format_date(c["date_of_birth"]) for c in children}
    tables: dict[str, list[list[str]]] = {name: [columns] for name, columns in spec.COLUMNS.items()}
    for c in children:
        _add_child(tables, c, dob=dob[c["pk"]], end_year=year.start_year + 1, starter=c["pk"] in starters)
    tables[spec.EPISODES].extend(_episode_row(e, year) for e in episodes)
    reviews = (
        Review.objects.filter(
            child_id__in=child_ids, status=ReviewStatus.HELD, held_on__gte=year.start, held_on__lte=year.end
        )
        .order_by("child__local_reference", "held_on", "pk")
        .values_list("child_id", "child__local_reference", "held_on", "participation_code")
    )
    for child_id, reference, held_on, code in reviews:
        tables[spec.REVIEWS].append([reference, dob[child_id], format_date(held_on), code])
    return tables, child_ids


def _episodes(year: ReportingYear) -> list[dict]:
    """Every episode open at any time in ``year``, in the order of the return."""
    return list(
        CareEpisode.objects.filter(_in_year(year))
        .order_by("child__local_reference", "started_on", "pk")
        .values(
            "child_id",
            "child__local_reference",
            "started_on",
            "ended_on",
            "reason_new_episode",
            "legal_status",
            "category_of_need",
            "placement_type",
            "placement_provider",
            "reason_ceased",
            "reason_place_change",
            "home_postcode",
            "placement_postcode",
            "urn",
        )
    )


def _children(child_ids: set[int]) -> list[dict]:
    return list(
        Child.objects.filter(pk__in=child_ids)
        .order_by("local_reference")
        .values(
            "pk",
            "local_reference",
            "sex",
            "date_of_birth",
            "ethnicity",
            "upn",
            "is_mother",
            "mother_child_dob",
            "is_uasc",
            "uasc_ceased_on",
            "previous_permanence",
            "previous_permanence_la",
            "previous_permanence_date",
        )
    )


def _add_child(tables: dict[str, list[list[str]]], c: dict, *, dob: str, end_year: int, starter: bool) -> None:
    """The child's Header row, a UASC row for an unaccompanied asylum-seeking child, and a
    PrevPerm row for a child who started to be looked after in the year."""
    sex = spec.sex_for_year(c["sex"], end_year)
    reference = c["local_reference"]
    tables[spec.HEADER].append(
        [reference, sex, dob, c["ethnicity"], c["upn"], _mother(c["is_mother"]), format_date(c["mother_child_dob"])]
    )
    if c["is_uasc"]:
        tables[spec.UASC].append([reference, sex, dob, format_date(c["uasc_ceased_on"])])
    if starter:
        tables[spec.PREV_PERM].append(
            [reference, dob, c["previous_permanence"], c["previous_permanence_la"], c["previous_permanence_date"]]
        )


def _episode_row(e: dict, year: ReportingYear) -> list[str]:
    """An episode as the return holds it: open (DEC and REC empty) if still open on 31 March."""
    ended_in_year = e["ended_on"] is not None and e["ended_on"] <= year.end
    return [
        e["child__local_reference"],
        format_date(e["started_on"]),
        e["reason_new_episode"],
        e["legal_status"],
        e["category_of_need"],
        e["placement_type"],
        e["placement_provider"],
        format_date(e["ended_on"]) if ended_in_year else "",
        e["reason_ceased"] if ended_in_year else "",
        # The reason a placement changed belongs to the episode that ended (rule 233).
        e["reason_place_change"] if ended_in_year else "",
        e["home_postcode"],
        e["placement_postcode"],
        e["urn"],
    ]


def table_csv(rows: list[list[str]]) -> bytes:
    """A table as CSV. Valid values (codes, dd/mm/yyyy dates, references, postcodes) never
    start with a formula character, so ``csv_writer`` changes none of them; a reference typed
    as ``=HYPERLINK(...)`` is written as text instead of running in the LA's spreadsheet."""
    buffer = io.StringIO()
    csv_writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_return(tables: dict[str, list[list[str]]], directory: Path) -> list[Path]:
    """Write a return's tables as one CSV per table into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in tables.items():
        path = directory / spec.FILE_NAMES[name]
        path.write_bytes(table_csv(rows))
        paths.append(path)
    return paths


def return_zip(tables: dict[str, list[list[str]]], year: ReportingYear) -> bytes:
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
