"""Is each row of the return well formed, and is it about a child of the Header table?

One parser per table reads a row's values (codes, dates, references), collecting a
``Problem`` for each bad one, and returns the row parsed, or None when any value is bad. The
rules a child's details keep are the ones the services apply (``children.rules``), worded
here for the SSDA903 column. ``parse_return`` then keeps one row per key and only rows of
children whose Header row is good.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from children.models import upn_validator
from children.rules import motherhood_broken
from iro_service.forms import EARLIEST, EARLIEST_BIRTH

from .. import spec
from .reading import Problem, Row

#: Dates of birth (of the child, and of a mother's child) may be as early as 1972.
_BIRTH_COLUMNS = frozenset({"DOB", "MC_DOB"})
_REFERENCE = re.compile(r"[A-Za-z0-9_\-/]{1,20}")
_POSTCODE_MAX = 8
_LA_PERM = re.compile(r"\d{3}")
_DATE_PERM = re.compile(r"(\d{2}|zz)/(\d{2}|zz)/\d{4}")


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


@dataclass
class ChildRow:
    """A row of a table with at most one row per child (UASC, PrevPerm): the fields it sets."""

    row: Row
    reference: str
    fields: dict


@dataclass
class ParsedReturn:
    """The well-formed rows of a return, and what the later checks need to know of the rest."""

    headers: dict[str, HeaderRow]
    named: set[str]  # every CHILD of the Header table, its row good or bad
    episodes: list[EpisodeRow]
    incomplete: set[str]  # children with a bad episode row: their timeline is not whole
    reviews: list[ReviewRow]
    uasc: dict[str, date | None] | None  # None: no UASC table, so nobody's status changes
    prev_perm: dict[str, dict]


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


def parse_header(row: Row, problems: list[Problem], today: date) -> HeaderRow | None:
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
        except ValidationError:
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


def parse_episode(row: Row, problems: list[Problem], today: date) -> EpisodeRow | None:
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


def parse_review(row: Row, problems: list[Problem], today: date) -> ReviewRow | None:
    c = _RowChecker(row, problems)
    reference = c.text("CHILD", required=True, upper=False)
    c.date("DOB", today=today)
    held_on = c.date("REVIEW", today=today)
    code = c.code("REVIEW_CODE", spec.REVIEW_CODES)
    if not c.ok:
        return None
    return ReviewRow(row, reference, held_on, code)


def parse_uasc(row: Row, problems: list[Problem], today: date) -> ChildRow | None:
    c = _RowChecker(row, problems)
    reference = c.text("CHILD", required=True, upper=False)
    c.text("SEX")
    c.date("DOB", today=today)
    # DUC is usually the 18th birthday, which may be still to come (rule 205B).
    ceased = c.date("DUC", required=False, today=today, future=True)
    return ChildRow(row, reference, {"uasc_ceased_on": ceased}) if c.ok else None


def parse_prev_perm(row: Row, problems: list[Problem], today: date) -> ChildRow | None:
    c = _RowChecker(row, problems)
    reference = c.text("CHILD", required=True, upper=False)
    code = c.code("PREV_PERM", spec.PREV_PERM_CODES, required=False)
    la = c.text("LA_PERM")
    when = c.text("DATE_PERM", upper=False).lower()
    if la and not _LA_PERM.fullmatch(la):
        c.problem("LA_PERM", "LA_PERM is the three-digit code of a local authority.")
    if when and not _DATE_PERM.fullmatch(when):
        c.problem("DATE_PERM", "DATE_PERM is written dd/mm/yyyy; the day or month may be zz.")
    if not c.ok:
        return None
    fields = {"previous_permanence": code, "previous_permanence_la": la, "previous_permanence_date": when}
    return ChildRow(row, reference, fields)


# --------------------------------------------------------------------------- the rows kept


def parse_return(tables: dict[str, list[Row]], problems: list[Problem], today: date) -> ParsedReturn:
    """Every table's well-formed rows, one per key, of children whose Header row is good.
    ``tables`` holds the rows of some children (a chunk of the return: every row of each of
    them), by table, and includes the Header and Episodes tables."""
    header_rows = tables[spec.HEADER]
    headers_list = [h for r in header_rows if (h := parse_header(r, problems, today))]
    headers_list = _duplicates(headers_list, lambda h: h.reference, "the same CHILD", problems)
    headers = {h.reference: h for h in headers_list}
    named = {r.values["CHILD"] for r in header_rows}

    episode_rows = tables[spec.EPISODES]
    episodes = [e for r in episode_rows if (e := parse_episode(r, problems, today))]
    # Children with a bad episode row: their timeline is incomplete, so checks against it
    # (overlaps, reviews outside every episode) would only repeat that row's problem.
    parsed = {id(e.row) for e in episodes}
    incomplete = {r.values["CHILD"] for r in episode_rows if id(r) not in parsed}
    episodes = _duplicates(episodes, lambda e: (e.reference, e.started_on), "the same CHILD and DECOM", problems)
    episodes = _in_header(episodes, headers, problems, named)

    reviews: list[ReviewRow] = []
    if spec.REVIEWS in tables:
        reviews = [v for r in tables[spec.REVIEWS] if (v := parse_review(r, problems, today))]
        reviews = _duplicates(reviews, lambda v: (v.reference, v.held_on), "the same CHILD and REVIEW", problems)
        reviews = _in_header(reviews, headers, problems, named)

    def one_per_child(table: str, parse) -> dict[str, ChildRow]:
        items = [i for r in tables[table] if (i := parse(r, problems, today))]
        return _one_per_child(items, table, headers, named, problems)

    uasc = None
    if spec.UASC in tables:
        uasc = {ref: item.fields["uasc_ceased_on"] for ref, item in one_per_child(spec.UASC, parse_uasc).items()}
    prev_perm = {}
    if spec.PREV_PERM in tables:
        prev_perm = {ref: item.fields for ref, item in one_per_child(spec.PREV_PERM, parse_prev_perm).items()}
    return ParsedReturn(headers, named, episodes, incomplete, reviews, uasc, prev_perm)


def _duplicates(rows: list, key: Callable, label: str, problems: list[Problem]) -> list:
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


def _in_header(rows: list, headers: dict, problems: list[Problem], named: set[str]) -> list:
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


def _one_per_child(
    items: list[ChildRow], table: str, headers: dict, named: set[str], problems: list[Problem]
) -> dict[str, ChildRow]:
    """The rows of a one-row-per-child table kept: not a repeat, and of a child whose Header
    row is good (a child with a bad Header row is reported there once)."""
    kept: dict[str, ChildRow] = {}
    for item in items:
        reason = ""
        if item.reference in kept:
            reason = f"Duplicate row: the same CHILD is in the {table} table twice."
        elif item.reference in named and item.reference not in headers:
            continue
        elif item.reference not in headers:
            reason = f"Child {item.reference} is not in the Header table."
        if reason:
            problems.append(Problem(item.row.file, item.row.line, "CHILD", reason, item.row.values.get("CHILD", "")))
        else:
            kept[item.reference] = item
    return kept
