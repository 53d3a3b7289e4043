"""Read and check an SSDA903 return, and plan what importing it would change.

Nothing here writes. ``read_tables`` recognises each CSV by its exact set of column headers
(as the DfE validator does) and ``plan_import`` checks every row, then compares the return
with the records already held, in a fixed number of queries (chunked ``IN`` lookups), so
that a dry run can list what would be created and updated and every bad row by file, line,
column and reason. ``services.ssda903_import`` writes a plan only when it has no errors.

Matching: children on CHILD (the local reference), episodes on child and DECOM, reviews on
child and REVIEW date. A return says nothing about names or IROs: new children get
``NAME_TO_BE_ENTERED`` and no IRO, for the manager to complete.

A blank DEC in a return means the episode was open at the end of that collection year, not
that it is open today: it never reopens an episode the system already holds as ended.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from children.ages import age_on, eighteenth_birthday
from children.models import CareEpisode, Child, upn_validator
from children.rules import motherhood_broken
from iro_service.forms import EARLIEST, EARLIEST_BIRTH
from reporting.periods import ReportingYear
from reviews.codes import PN0_AGE_LIMIT, Participation, ReviewStatus
from reviews.models import Review

from . import spec

NAME_TO_BE_ENTERED = "Name not entered"
#: Rows read per ``IN (...)`` query: below every database's limit on bound parameters.
CHUNK = 2000

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

#: Dates of birth (of the child, and of a mother's child) may be as early as 1972.
_BIRTH_COLUMNS = frozenset({"DOB", "MC_DOB"})
_REFERENCE = re.compile(r"[A-Za-z0-9_\-/]{1,20}")
_POSTCODE_MAX = 8
_LA_PERM = re.compile(r"\d{3}")
_DATE_PERM = re.compile(r"(\d{2}|zz)/(\d{2}|zz)/\d{4}")


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


@dataclass
class Table:
    name: str
    file: str
    rows: list[Row]


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
    """Recognise each CSV by its columns and read its rows (values stripped, codes upper-cased)."""
    result = ReadResult()
    known = {name: set(columns) for name, columns in spec.COLUMNS.items()}
    other = {name: set(columns) for name, columns in OTHER_TABLES.items()}
    for file_name, content in files:
        try:
            text = decode(content, name=file_name)
        except UnreadableFile as error:
            result.problems.append(Problem(file_name, 1, "", str(error)))
            continue
        lines = list(csv.reader(io.StringIO(text)))
        if not lines or not any(cell.strip() for cell in lines[0]):
            result.problems.append(Problem(file_name, 1, "", "The file is empty: it has no header row."))
            continue
        header = [cell.strip().upper() for cell in lines[0]]
        name = next((n for n, cols in known.items() if set(header) == cols and len(header) == len(cols)), None)
        if name is None:
            ignored = next((n for n, cols in other.items() if set(header) == cols), None)
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
            continue
        if name in result.tables:
            result.problems.append(
                Problem(file_name, 1, "", f"A second {name} table: {result.tables[name].file} already holds it.")
            )
            continue
        rows = []
        for number, cells in enumerate(lines[1:], start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                result.problems.append(
                    Problem(file_name, number, "", f"The row has {len(cells)} values; the header has {len(header)}.")
                )
                continue
            rows.append(Row(file_name, number, {col: cell.strip() for col, cell in zip(header, cells, strict=True)}))
        result.tables[name] = Table(name, file_name, rows)
    for name in spec.REQUIRED_TABLES:
        if name not in result.tables and not any(p.line == 1 for p in result.problems):
            result.problems.append(Problem("", 0, "", f"The {name} table is missing: a return must include it."))
    return result


# --------------------------------------------------------------------------- parsed rows


@dataclass
class HeaderRow:
    row: Row
    reference: str
    sex: str
    date_of_birth: date
    ethnicity: str
    upn: str
    is_mother: bool | None
    mother_child_dob: date | None


@dataclass
class EpisodeRow:
    row: Row
    reference: str
    started_on: date
    ended_on: date | None
    values: dict  # model field → value, for the fields a return holds


@dataclass
class ReviewRow:
    row: Row
    reference: str
    held_on: date
    participation_code: str


class _RowChecker:
    """Reads one row's values, collecting a Problem for each bad one."""

    def __init__(self, row: Row, problems: list[Problem]):
        self.row = row
        self.problems = problems
        self.ok = True

    def problem(self, column: str, reason: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.row.file, self.row.line, column, reason, self.row.values.get(column, "")))

    def text(self, column: str, *, required: bool = False, upper: bool = True) -> str:
        value = self.row.values[column]
        value = value.upper() if upper else value
        if required and not value:
            self.problem(column, f"{column} is missing.")
        return value

    def code(self, column: str, codes: frozenset[str], *, required: bool = True) -> str:
        value = self.text(column, required=required)
        if value and value not in codes:
            self.problem(column, f"{value!r} is not a {column} code.")
        return value

    def date(self, column: str, *, required: bool = True, today: date, future: bool = False) -> date | None:
        value = self.row.values[column]
        if not value:
            if required:
                self.problem(column, f"{column} is missing.")
            return None
        try:
            day = spec.parse_date(value)
        except ValueError as error:
            self.problem(column, f"{value!r} {error}.")
            return None
        if day > today and not future:
            self.problem(column, f"{value} is in the future.")
            return None
        earliest = EARLIEST_BIRTH if column in _BIRTH_COLUMNS else EARLIEST
        if day < earliest:  # the window every date typed into this service keeps to
            self.problem(column, f"{value} is before {earliest:%-d %B %Y}: no record this service holds is that old.")
            return None
        return day


#: How the import words the motherhood rules (children.rules.motherhood_broken) for SSDA903 columns.
_MOTHERHOOD_WORDS = {
    "boy": ("MOTHER", "MOTHER is completed for a boy: leave it empty."),
    "not-a-mother": ("MC_DOB", "MC_DOB is completed but MOTHER is not 1."),
    "born-before-mother": ("MC_DOB", "The mother's child is born before the mother."),
}


def _parse_header(row: Row, problems: list[Problem], today: date) -> HeaderRow | None:
    c = _RowChecker(row, problems)
    reference = c.text("CHILD", required=True, upper=False)
    if reference and not _REFERENCE.fullmatch(reference):
        c.problem("CHILD", "CHILD must be 1 to 20 letters, digits, hyphens, slashes or underscores.")
    sex_code = c.text("SEX", required=True)
    sex = spec.sex_from_code(sex_code) if sex_code else None
    if sex_code and sex is None:
        c.problem("SEX", f"{sex_code!r} is not a SEX code (1 or 2 up to 2023/24; M, F or U from 2024/25).")
    dob = c.date("DOB", today=today)
    ethnicity = c.code("ETHNIC", spec.ETHNIC_CODES)
    upn = c.text("UPN")
    if upn:
        try:
            upn_validator(upn)
        except Exception:  # noqa: BLE001
            c.problem("UPN", "UPN must be 13 characters (a letter, 11 digits and a digit or letter), or UN1 to UN5.")
    mother_code = c.text("MOTHER")
    is_mother = {"1": True, "0": False, "": None}.get(mother_code, "bad")
    if is_mother == "bad":
        c.problem("MOTHER", f"{mother_code!r} is not a MOTHER code: use 1 (yes), 0 (no) or leave it empty.")
    mc_dob = c.date("MC_DOB", required=False, today=today)
    known = None if is_mother == "bad" else is_mother
    for broken in motherhood_broken(sex=sex, is_mother=known, mother_child_dob=mc_dob, date_of_birth=dob):
        c.problem(*_MOTHERHOOD_WORDS[broken.code])
    if not c.ok:
        return None
    return HeaderRow(row, reference, sex, dob, ethnicity, upn, is_mother, mc_dob)


def _parse_episode(row: Row, problems: list[Problem], today: date) -> EpisodeRow | None:
    c = _RowChecker(row, problems)
    reference = c.text("CHILD", required=True, upper=False)
    started_on = c.date("DECOM", today=today)
    ended_on = c.date("DEC", required=False, today=today)
    values = {
        "reason_new_episode": c.code("RNE", spec.RNE_CODES),
        "legal_status": c.code("LS", spec.LS_CODES),
        "category_of_need": c.code("CIN", spec.CIN_CODES),
        "placement_type": c.code("PLACE", spec.PLACE_CODES),
        "placement_provider": c.code("PLACE_PROVIDER", spec.PROVIDER_CODES),
        "reason_ceased": c.code("REC", spec.REC_CODES, required=False),
        "reason_place_change": c.code("REASON_PLACE_CHANGE", spec.REASON_PLACE_CHANGE_CODES, required=False),
        "home_postcode": c.text("HOME_POST"),
        "placement_postcode": c.text("PL_POST"),
        "urn": c.text("URN"),
    }
    for column in ("HOME_POST", "PL_POST"):
        if len(row.values[column]) > _POSTCODE_MAX:
            c.problem(column, f"A postcode has at most {_POSTCODE_MAX} characters.")
    if len(values["urn"]) > 8:
        c.problem("URN", "URN has at most 8 characters.")
    if ended_on and not values["reason_ceased"]:
        c.problem("REC", "DEC is completed, so REC (why the episode ceased) is needed.")
    if values["reason_ceased"] and not ended_on and row.values["DEC"] == "":
        c.problem("REC", "REC is completed but DEC (when the episode ceased) is empty.")
    if started_on and ended_on and ended_on < started_on:
        c.problem("DEC", "The episode ceases before it starts (DEC is before DECOM).")
    if not c.ok:
        return None
    return EpisodeRow(row, reference, started_on, ended_on, values)


def _parse_review(row: Row, problems: list[Problem], today: date) -> ReviewRow | None:
    c = _RowChecker(row, problems)
    reference = c.text("CHILD", required=True, upper=False)
    c.date("DOB", today=today)
    held_on = c.date("REVIEW", today=today)
    code = c.code("REVIEW_CODE", spec.REVIEW_CODES)
    if not c.ok:
        return None
    return ReviewRow(row, reference, held_on, code)


# --------------------------------------------------------------------------- the plan


@dataclass(eq=False)
class Change:
    """One record to create or update: ``fields`` maps a field to its new value; ``before`` the old."""

    reference: str
    kind: str  # "child", "episode" or "review"
    key: str  # what identifies the record to a person: the reference, DECOM or REVIEW date
    fields: dict
    before: dict = field(default_factory=dict)
    instance: object = None

    @property
    def description(self) -> str:
        """What the change does, in words a manager checks a dry run by."""
        model = {"child": Child, "episode": CareEpisode, "review": Review}[self.kind]
        if self.instance is not None:
            return "; ".join(
                f"{model._meta.get_field(name).verbose_name}: {_shown(self.before.get(name))} → {_shown(value)}"
                for name, value in self.fields.items()
            )
        f = self.fields
        if self.kind == "child":
            return f"born {_shown(f['date_of_birth'])}, sex {f['sex']}, ethnicity {f['ethnicity']}"
        if self.kind == "episode":
            ended = f" to {_shown(f['ended_on'])} ({f['reason_ceased']})" if f["ended_on"] else ", open"
            return f"{f['reason_new_episode']}, {f['legal_status']}, {f['placement_type']}{ended}"
        return f"held, {f['participation_code']}"


def _shown(value) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, date):
        return spec.format_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass
class ImportPlan:
    read: ReadResult
    problems: list[Problem]
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    unchanged: int = 0
    #: Imported reviews whose timeliness cannot be known: the period's earlier reviews are missing.
    reviews_without_due_date: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def count(self, changes: list[Change], kind: str) -> int:
        return sum(1 for c in changes if c.kind == kind)

    @property
    def summary(self) -> dict[str, int]:
        return {
            f"{verb}_{kind}": self.count(changes, kind)
            for verb, changes in (("create", self.creates), ("update", self.updates))
            for kind in ("child", "episode", "review")
        }

    @property
    def child_references(self) -> set[str]:
        return {c.reference for c in self.creates + self.updates}


def chunks(items: list, size: int = CHUNK):
    """``items`` in slices small enough for one ``IN (...)`` query on any database."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _duplicates(rows: list, key, label: str, problems: list[Problem]) -> list:
    """Rows with a key seen before are problems; return the first of each key."""
    seen: dict = {}
    kept = []
    for item in rows:
        k = key(item)
        if k in seen:
            problems.append(
                Problem(
                    item.row.file,
                    item.row.line,
                    "CHILD",
                    f"Duplicate row: {label} repeats line {seen[k]}.",
                    item.reference,
                )
            )
            continue
        seen[k] = item.row.line
        kept.append(item)
    return kept


def _not_in_header(rows: list, headers: dict, problems: list[Problem], named: set[str]) -> list:
    """Rows of children in the Header. A child whose Header row is bad (``named`` but not in
    ``headers``) has its other rows dropped without a second problem: that row is reported."""
    kept = []
    for item in rows:
        if item.reference in named and item.reference not in headers:
            continue
        if item.reference not in headers:
            problems.append(
                Problem(
                    item.row.file,
                    item.row.line,
                    "CHILD",
                    f"Child {item.reference} is not in the Header table.",
                    item.reference,
                )
            )
        else:
            kept.append(item)
    return kept


def _child_row_kept(c: _RowChecker, reference: str, seen: dict, table: str, headers: dict, named: set) -> bool:
    """Whether a one-row-per-child table's row is kept: not a repeat, and of a child whose
    Header row is good (a child with a bad Header row is reported there once)."""
    if reference in seen:
        c.problem("CHILD", f"Duplicate row: the same CHILD is in the {table} table twice.")
        return False
    if reference in named and reference not in headers:
        return False
    if reference not in headers:
        c.problem("CHILD", f"Child {reference} is not in the Header table.")
        return False
    return True


def _rows(queryset, lock: bool):
    """``queryset``, with its rows locked until the transaction ends when about to write, so
    that nobody changes a record between this check and the import's write (PostgreSQL)."""
    return queryset.select_for_update() if lock else queryset


def _existing_children(references: list[str], lock: bool) -> dict[str, Child]:
    found: dict[str, Child] = {}
    for chunk in chunks(references):
        found.update((c.local_reference, c) for c in _rows(Child.objects.filter(local_reference__in=chunk), lock))
    return found


def _existing_episodes(child_ids: list[int], lock: bool) -> dict[int, list[CareEpisode]]:
    found: dict[int, list[CareEpisode]] = defaultdict(list)
    for chunk in chunks(child_ids):
        for episode in _rows(CareEpisode.objects.filter(child_id__in=chunk).order_by("started_on", "pk"), lock):
            found[episode.child_id].append(episode)
    return found


def _existing_reviews(child_ids: list[int], lock: bool) -> dict[int, dict[date, Review]]:
    found: dict[int, dict[date, Review]] = defaultdict(dict)
    for chunk in chunks(child_ids):
        held = Review.objects.filter(child_id__in=chunk, status=ReviewStatus.HELD).order_by("held_on", "pk")
        for review in _rows(held, lock):
            found[review.child_id].setdefault(review.held_on, review)
    return found


def _child_fields(header: HeaderRow) -> dict:
    return {
        "sex": header.sex,
        "date_of_birth": header.date_of_birth,
        "ethnicity": header.ethnicity,
        "upn": header.upn,
        "is_mother": header.is_mother,
        "mother_child_dob": header.mother_child_dob,
    }


def _diff(instance, fields: dict) -> tuple[dict, dict]:
    after = {k: v for k, v in fields.items() if getattr(instance, k) != v}
    return after, {k: getattr(instance, k) for k in after}


def plan_import(read: ReadResult, *, today: date, lock: bool = False) -> ImportPlan:
    """Check every row of ``read`` and compare it with the records held; write nothing.
    With ``lock`` (inside the import's transaction) the records compared are locked."""
    problems = list(read.problems)
    plan = ImportPlan(read=read, problems=problems)
    if "Header" not in read.tables or "Episodes" not in read.tables:
        return plan

    headers_list = [h for r in read.tables[spec.HEADER].rows if (h := _parse_header(r, problems, today))]
    headers_list = _duplicates(headers_list, lambda h: h.reference, "the same CHILD", problems)
    headers = {h.reference: h for h in headers_list}
    named = {r.values["CHILD"] for r in read.tables[spec.HEADER].rows}

    episodes = [e for r in read.tables[spec.EPISODES].rows if (e := _parse_episode(r, problems, today))]
    # Children with a bad episode row: their timeline is incomplete, so checks against it
    # (overlaps, reviews outside every episode) would only repeat that row's problem.
    parsed = {id(e.row) for e in episodes}
    incomplete = {r.values["CHILD"] for r in read.tables[spec.EPISODES].rows if id(r) not in parsed}
    episodes = _duplicates(episodes, lambda e: (e.reference, e.started_on), "the same CHILD and DECOM", problems)
    episodes = _not_in_header(episodes, headers, problems, named)

    reviews: list[ReviewRow] = []
    if spec.REVIEWS in read.tables:
        reviews = [v for r in read.tables[spec.REVIEWS].rows if (v := _parse_review(r, problems, today))]
        reviews = _duplicates(reviews, lambda v: (v.reference, v.held_on), "the same CHILD and REVIEW", problems)
        reviews = _not_in_header(reviews, headers, problems, named)

    uasc: dict[str, date | None] | None = None
    if spec.UASC in read.tables:
        uasc = {}
        for row in read.tables[spec.UASC].rows:
            c = _RowChecker(row, problems)
            reference = c.text("CHILD", required=True, upper=False)
            c.text("SEX")
            c.date("DOB", today=today)
            # DUC is usually the 18th birthday, which may be still to come (rule 205B).
            ceased = c.date("DUC", required=False, today=today, future=True)
            if c.ok and _child_row_kept(c, reference, uasc, "UASC", headers, named):
                uasc[reference] = ceased

    prev_perm: dict[str, dict] = {}
    if spec.PREV_PERM in read.tables:
        for row in read.tables[spec.PREV_PERM].rows:
            c = _RowChecker(row, problems)
            reference = c.text("CHILD", required=True, upper=False)
            code = c.code("PREV_PERM", spec.PREV_PERM_CODES, required=False)
            la = c.text("LA_PERM")
            when = c.text("DATE_PERM", upper=False).lower()
            if la and not _LA_PERM.fullmatch(la):
                c.problem("LA_PERM", "LA_PERM is the three-digit code of a local authority.")
            if when and not _DATE_PERM.fullmatch(when):
                c.problem("DATE_PERM", "DATE_PERM is written dd/mm/yyyy; the day or month may be zz.")
            if c.ok and _child_row_kept(c, reference, prev_perm, "PrevPerm", headers, named):
                prev_perm[reference] = {
                    "previous_permanence": code,
                    "previous_permanence_la": la,
                    "previous_permanence_date": when,
                }

    # Cross-table checks that need the Header: dates of birth must agree.
    for table, check_sex in ((spec.REVIEWS, False), (spec.UASC, True), (spec.PREV_PERM, False)):
        for row in read.tables[table].rows if table in read.tables else []:
            header = headers.get(row.values["CHILD"])
            if header is None:
                continue
            dob = row.values["DOB"]
            if dob and dob != spec.format_date(header.date_of_birth):
                problems.append(
                    Problem(row.file, row.line, "DOB", "DOB differs from the child's DOB in the Header table.", dob)
                )
            if check_sex and spec.sex_from_code(row.values["SEX"]) != header.sex:
                problems.append(
                    Problem(
                        row.file,
                        row.line,
                        "SEX",
                        "SEX differs from the child's SEX in the Header table.",
                        row.values["SEX"],
                    )
                )

    existing = _existing_children(list(headers), lock)
    held_episodes = _existing_episodes([c.pk for c in existing.values()], lock)
    held_reviews = _existing_reviews([c.pk for c in existing.values()], lock)

    # Episodes: the return's over the ones held, checked as one timeline per child.
    file_episodes: dict[str, list[EpisodeRow]] = defaultdict(list)
    for e in episodes:
        header = headers[e.reference]
        if e.started_on < header.date_of_birth:
            problems.append(
                Problem(
                    e.row.file, e.row.line, "DECOM", "The episode starts before the child's DOB.", e.row.values["DECOM"]
                )
            )
            continue
        if not _within_childhood(e, header.date_of_birth, problems):
            incomplete.add(e.reference)  # its reviews are not checked against a timeline without it
            continue
        file_episodes[e.reference].append(e)

    timelines: dict[str, list[tuple[date, date | None, EpisodeRow | None]]] = {}
    for reference in headers:
        child = existing.get(reference)
        held = {ep.started_on: ep for ep in held_episodes.get(child.pk, [])} if child else {}
        timeline: dict[date, tuple[date, date | None, EpisodeRow | None]] = {
            start: (start, ep.ended_on, None) for start, ep in held.items()
        }
        for e in file_episodes.get(reference, []):
            held_ep = held.get(e.started_on)
            ended_on = e.ended_on if e.ended_on or held_ep is None else held_ep.ended_on
            timeline[e.started_on] = (e.started_on, ended_on, e)
        ordered = [timeline[k] for k in sorted(timeline)]
        _same_day_restarts(ordered, held, problems)
        for (start, end, _), (next_start, _, next_row) in zip(ordered, ordered[1:], strict=False):
            if end is None or end > next_start:
                blame = next_row or next((t[2] for t in ordered if t[0] == start), None)
                if blame is None:
                    continue
                what = "is still open" if end is None else f"ends {spec.format_date(end)}"
                problems.append(
                    Problem(
                        blame.row.file,
                        blame.row.line,
                        "DECOM",
                        f"Episodes overlap: the episode from {spec.format_date(start)} {what}, "
                        f"after the episode from {spec.format_date(next_start)} begins.",
                        blame.row.values["DECOM"],
                    )
                )
        timelines[reference] = ordered

    for v in reviews:
        header = headers[v.reference]
        age = age_on(header.date_of_birth, v.held_on)
        if v.participation_code == Participation.PN0 and age >= PN0_AGE_LIMIT:
            problems.append(
                Problem(
                    v.row.file,
                    v.row.line,
                    "REVIEW_CODE",
                    f"PN0 is only for a child under 4; this child was {age}.",
                    "PN0",
                )
            )
        elif v.participation_code != Participation.PN0 and age < PN0_AGE_LIMIT:
            problems.append(
                Problem(
                    v.row.file,
                    v.row.line,
                    "REVIEW_CODE",
                    "The child was under 4 on the review date, so the code must be PN0.",
                    v.participation_code,
                )
            )
        if v.reference in incomplete:
            continue
        if not any(
            start <= v.held_on and (end is None or v.held_on <= end) for start, end, _ in timelines[v.reference]
        ):
            problems.append(
                Problem(
                    v.row.file,
                    v.row.line,
                    "REVIEW",
                    "The review is outside every episode of care of this child.",
                    v.row.values["REVIEW"],
                )
            )

    if problems:
        plan.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.reason))
        return plan

    _plan_changes(plan, headers, existing, file_episodes, held_episodes, reviews, held_reviews, uasc, prev_perm)
    return plan


def _within_childhood(e: EpisodeRow, date_of_birth: date, problems: list[Problem]) -> bool:
    """Whether the episode lies before the child's 18th birthday, when a person stops being
    looked after (docs/rules.md#review-timescales); each problem names the row. Nobody starts to be
    looked after at 18 or over (DfE rule 352), no episode begins on or after the birthday,
    and care ends on it at the latest."""
    birthday = eighteenth_birthday(date_of_birth)
    on = spec.format_date(birthday)
    reason = ""
    if e.started_on >= birthday and e.values["reason_new_episode"] == "S":
        reason = (
            f"The child started to be looked after at 18 or over (DfE rule 352): they turned 18 on {on}, "
            "and a person stops being looked after at 18."
        )
    elif e.started_on >= birthday:
        reason = (
            f"The episode starts on or after the child's 18th birthday ({on}): a person stops being looked after at 18."
        )
    if reason:
        problems.append(Problem(e.row.file, e.row.line, "DECOM", reason, e.row.values["DECOM"]))
        return False
    if e.ended_on is not None and e.ended_on > birthday:
        problems.append(
            Problem(
                e.row.file,
                e.row.line,
                "DEC",
                f"The episode ceases after the child's 18th birthday ({on}): "
                "care ends on the 18th birthday at the latest.",
                e.row.values["DEC"],
            )
        )
        return False
    return True


def _same_day_restarts(
    ordered: list[tuple[date, date | None, EpisodeRow | None]], held: dict[date, CareEpisode], problems: list[Problem]
) -> None:
    """A new period (RNE S) starting on the day the previous episode ceased is continuous care,
    not a new period (DfE rule 431; docs/rules.md#review-timescales). The return's row is blamed: the
    S row, or else the row that ends the previous episode that day."""
    for (_, end, row), (next_start, _, next_row) in zip(ordered, ordered[1:], strict=False):
        reason_new = next_row.values["reason_new_episode"] if next_row else held[next_start].reason_new_episode
        if end != next_start or reason_new != "S":
            continue
        blame, column = (next_row, "RNE") if next_row else (row, "DEC")
        if blame is None:
            continue
        problems.append(
            Problem(
                blame.row.file,
                blame.row.line,
                column,
                f"A new period of care (RNE S) starts on {spec.format_date(next_start)}, the day the previous "
                "episode ceased: that is continuous care, not a new period (DfE rule 431). Record a change of "
                "placement or legal status instead.",
                blame.row.values[column],
            )
        )


def _plan_changes(plan, headers, existing, file_episodes, held_episodes, reviews, held_reviews, uasc, prev_perm):
    for reference, header in headers.items():
        fields = _child_fields(header)
        if uasc is not None:
            fields["is_uasc"] = reference in uasc
            fields["uasc_ceased_on"] = uasc.get(reference)
        fields.update(prev_perm.get(reference, {}))
        child = existing.get(reference)
        if child is None:
            plan.creates.append(Change(reference, "child", reference, fields))
        else:
            after, before = _diff(child, fields)
            if after:
                plan.updates.append(Change(reference, "child", reference, after, before, child))
            else:
                plan.unchanged += 1

        held = {ep.started_on: ep for ep in held_episodes.get(child.pk, [])} if child else {}
        for e in file_episodes.get(reference, []):
            fields = {"started_on": e.started_on, "ended_on": e.ended_on, **e.values}
            episode = held.get(e.started_on)
            key = spec.format_date(e.started_on)
            if episode is None:
                plan.creates.append(Change(reference, "episode", key, fields))
                continue
            if e.ended_on is None and episode.ended_on is not None:
                # Open at the end of the return's year; the system knows it ended later, and why.
                for name in ("ended_on", "reason_ceased", "reason_place_change"):
                    fields.pop(name)
            after, before = _diff(episode, fields)
            if after:
                plan.updates.append(Change(reference, "episode", key, after, before, episode))
            else:
                plan.unchanged += 1

    for v in reviews:
        child = existing.get(v.reference)
        review = held_reviews.get(child.pk, {}).get(v.held_on) if child else None
        key = spec.format_date(v.held_on)
        if review is None:
            plan.creates.append(
                Change(v.reference, "review", key, {"held_on": v.held_on, "participation_code": v.participation_code})
            )
        elif review.participation_code != v.participation_code:
            plan.updates.append(
                Change(
                    v.reference,
                    "review",
                    key,
                    {"participation_code": v.participation_code},
                    {"participation_code": review.participation_code},
                    review,
                )
            )
        else:
            plan.unchanged += 1


def coverage_start(review_dates: Iterable[date]) -> date | None:
    """The first day a return's reviews of a child are known from: the start of the reporting
    year of the earliest review (a return holds every review of its collection year)."""
    dates = list(review_dates)
    return ReportingYear.containing(min(dates)).start if dates else None
