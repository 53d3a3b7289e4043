"""The child protection part of the DfE Children in Need (CIN) census return
(docs/rules.md#child-protection).

The census year runs 1 April to 31 March; its ReferenceDate is the 31 March. A child is in
this return when, in the year, a section 47 enquiry that led to a conference request started,
their initial child protection conference was held, or they were on a child protection plan at
any time. What this service holds is written with the element names of the DfE's CIN XML (and
of the published validator, csc-validator-be-cin): the child's identifiers and ethnicity; one
``CINdetails`` per child; a ``Section47`` per enquiry started in the year
(``S47ActualStartDate``, ``InitialCPCtarget``, ``DateOfInitialCPC``, ``ICPCnotRequired``); a
conference held in the year for an enquiry started the year before as the ``CINdetails``'
``DateOfInitialCPC`` (the census records a conference in one place only); a
``ChildProtectionPlans`` per plan open in the year, with its ``Reviews`` (``CPPreviewDate``)
held in the year.

What the service does not hold is left out, never invented (``NOT_HELD``): the referral
(``CINreferralDate``, ``ReferralSource``, ``PrimaryNeedCode``), the CIN episode's closure,
assessments, CIN plan dates, disabilities, former UPNs, expected and death dates, the reason a
UPN is unknown, and section 47 enquiries that never led to a conference request. The local
authority's case management system supplies them and merges this return into its own.

Reading is one query for the children, a chunk at a time, and three for each chunk (the
initial conferences, the plans, the review conferences): a return of any size is streamed,
with only a chunk of children in memory.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from django.db.models import Exists, OuterRef, Q

from children.models import Child
from conferences.codes import CATEGORY_FIELDS, MULTIPLE_CATEGORIES, ConferenceKind, ConferenceStatus
from conferences.deadlines import initial_conference_due_from_section_47
from conferences.models import ConferenceChild, ProtectionPlan
from iro_service.periods import ReportingYear
from reviews.calendar import statutory_non_working_days

#: Children read from the database at a time.
CHUNK = 2000

COLLECTION = "CIN"
#: "L": the return comes from a local authority.
SOURCE_LEVEL = "L"
SOFTWARE_CODE = "IRO service"
RELEASE = "1"
DATE_FORMAT = "%Y-%m-%d"

#: From the 2024/25 census (year ending 31 March 2025) the child's ``Sex`` (M, F, U) replaced
#: ``GenderCurrent`` (1 male, 2 female, 0 not known); the validator's rules follow the year.
FIRST_YEAR_OF_SEX = 2025
GENDER_CURRENT = {"M": "1", "F": "2", "U": "0"}

#: The validator's rule packs by the year the census ends; later years use the latest pack.
RULESETS = {2023: "cin2022_23", 2024: "cin2023_24", 2025: "cin2024_25", 2026: "cin2025_26", 2027: "cin2026_27"}

#: Elements of the census this service does not hold, and so leaves out: (element, what it is).
#: The page shows this list; the case management system supplies these.
NOT_HELD: tuple[tuple[str, str], ...] = (
    ("CINreferralDate", "the date of the referral that began the child in need episode"),
    ("ReferralSource", "who made the referral"),
    ("PrimaryNeedCode", "the child's primary need (N0 to N9)"),
    ("CINclosureDate, ReasonForClosure", "when and why the child in need episode closed"),
    ("ReferralNFA", "whether the referral led to no further action"),
    ("Assessments", "assessments and the factors identified at them"),
    ("CINPlanDates", "child in need plan start and end dates"),
    ("Disabilities", "the child's disabilities (NONE when none)"),
    ("FormerUPN, UPNunknown", "a former UPN, and why a UPN is unknown"),
    ("ExpectedPersonBirthDate, PersonDeathDate", "unborn children's expected dates, and deaths"),
    ("Section47 without a conference request", "section 47 enquiries that ended without a conference request"),
)

#: The CSV layout: one row per section 47 enquiry or plan, the child's fields repeated, with the
#: CIN XML's element names. ``Item`` says which; a plan's review dates are joined by ``;``.
#: ``DateOfInitialCPC`` is, on a Section47 row, its conference's; on a plan row, the CINdetails'
#: (a conference held in the year for an enquiry of the year before). Only one of ``Sex`` and
#: ``GenderCurrent`` is filled, as the year asks.
CSV_COLUMNS = [
    "LAchildID",
    "UPN",
    "PersonBirthDate",
    "Sex",
    "GenderCurrent",
    "Ethnicity",
    "DateOfInitialCPC",
    "Item",
    "S47ActualStartDate",
    "InitialCPCtarget",
    "ICPCnotRequired",
    "CPPstartDate",
    "CPPendDate",
    "InitialCategoryOfAbuse",
    "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
    "CPPreviewDate",
]

# Characters XML 1.0 cannot hold at all (escaping does not help): dropped from the text written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Section47:
    started_on: date
    target_on: date
    icpc_on: date | None
    not_required: bool


@dataclass
class Plan:
    started_on: date
    ended_on: date | None
    initial_category: str
    latest_category: str
    previous_plans: int
    reviews: list[date] = field(default_factory=list)


@dataclass
class CensusChild:
    pk: int
    la_child_id: str
    upn: str
    born_on: date
    sex: str
    ethnicity: str
    section_47s: list[Section47] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    #: An initial conference held in the year for an enquiry that started the year before.
    earlier_enquiry_icpc_on: date | None = None

    @property
    def date_of_initial_cpc(self) -> date | None:
        """``CINdetails/DateOfInitialCPC``: only for a conference whose enquiry started before
        the year (one in a ``Section47`` of the return is recorded there, and only there:
        validator rule 2884)."""
        return self.earlier_enquiry_icpc_on


def ruleset(year: ReportingYear) -> str:
    end = year.start_year + 1
    return RULESETS.get(end, RULESETS[max(RULESETS)] if end > max(RULESETS) else RULESETS[min(RULESETS)])


def _initial_in_year(year: ReportingYear) -> Q:
    """Places at an initial conference whose section 47 enquiry started, or which was held, in the year."""
    return Q(conference__kind=ConferenceKind.INITIAL) & (
        Q(conference__section_47_started_on__range=(year.start, year.end))
        | Q(conference__status=ConferenceStatus.HELD, conference__held_on__range=(year.start, year.end))
    )


def _plans_in_year(year: ReportingYear) -> Q:
    return Q(started_on__lte=year.end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=year.start))


def census_children_queryset(year: ReportingYear):
    """The children in ``year``'s return, in LAchildID order."""
    places = ConferenceChild.objects.filter(_initial_in_year(year), child=OuterRef("pk"))
    plans = ProtectionPlan.objects.filter(_plans_in_year(year), child=OuterRef("pk"))
    return Child.objects.filter(Exists(places) | Exists(plans)).order_by("local_reference", "pk")


def census_child_ids(year: ReportingYear) -> list[int]:
    return list(census_children_queryset(year).values_list("pk", flat=True))


def census_children(year: ReportingYear, *, chunk: int = CHUNK) -> Iterator[CensusChild]:
    """``year``'s children with their section 47 enquiries and plans: one query for the
    children, read ``chunk`` at a time, and three for each chunk."""
    rows = census_children_queryset(year).values_list(
        "pk", "local_reference", "upn", "date_of_birth", "sex", "ethnicity"
    )
    iterator = rows.iterator(chunk_size=chunk)
    non_working = statutory_non_working_days(year.start.replace(year=year.start.year - 1), year.end)
    while batch := list(islice(iterator, chunk)):
        children = {row[0]: CensusChild(*row) for row in batch}
        _add_section_47s(year, children, non_working)
        _add_plans(year, children)
        yield from children.values()


def _add_section_47s(year: ReportingYear, children: dict[int, CensusChild], non_working) -> None:
    places = (
        ConferenceChild.objects.filter(_initial_in_year(year), child_id__in=children)
        .order_by("conference__section_47_started_on", "conference__strategy_discussion_on", "conference_id")
        .values_list(
            "child_id",
            "conference__section_47_started_on",
            "conference__strategy_discussion_on",
            "conference__status",
            "conference__held_on",
        )
    )
    for child_id, s47_on, strategy_on, status, held_on in places:
        started_on = s47_on or strategy_on
        if started_on < year.start:  # the enquiry was in last year's return; the conference is this year's
            children[child_id].earlier_enquiry_icpc_on = held_on
            continue
        children[child_id].section_47s.append(
            Section47(
                started_on=started_on,
                target_on=initial_conference_due_from_section_47(started_on, non_working=non_working),
                icpc_on=held_on if status == ConferenceStatus.HELD and held_on <= year.end else None,
                not_required=status == ConferenceStatus.CANCELLED,
            )
        )


def _category(place: dict) -> str:
    codes = [code for code, name in CATEGORY_FIELDS.items() if place[name]]
    if not codes:
        return ""
    return codes[0].value if len(codes) == 1 else MULTIPLE_CATEGORIES


def _add_plans(year: ReportingYear, children: dict[int, CensusChild]) -> None:
    plans = list(
        ProtectionPlan.objects.filter(_plans_in_year(year), child_id__in=children)
        .order_by("started_on", "pk")
        .values_list("pk", "child_id", "started_on", "ended_on", "initial_category", "sequence")
    )
    reviews: dict[int, list[dict]] = defaultdict(list)
    held = (
        ConferenceChild.objects.filter(
            plan_id__in=[p[0] for p in plans],
            conference__kind=ConferenceKind.REVIEW,
            conference__status=ConferenceStatus.HELD,
            conference__held_on__lte=year.end,
        )
        .order_by("conference__held_on", "pk")
        .values("plan_id", "conference__held_on", *CATEGORY_FIELDS.values())
    )
    for place in held:
        reviews[place["plan_id"]].append(place)
    for pk, child_id, started_on, ended_on, initial, sequence in plans:
        latest = initial
        for place in reviews[pk]:  # the category as the last conference held by the year end left it
            latest = _category(place) or latest
        children[child_id].plans.append(
            Plan(
                started_on=started_on,
                ended_on=ended_on if ended_on and ended_on <= year.end else None,
                initial_category=initial,
                latest_category=latest,
                previous_plans=max(sequence - 1, 0),
                reviews=[p["conference__held_on"] for p in reviews[pk] if p["conference__held_on"] >= year.start],
            )
        )


def _day(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def _sex_element(year: ReportingYear, sex: str) -> tuple[str, str]:
    if year.start_year + 1 >= FIRST_YEAR_OF_SEX:
        return "Sex", sex
    return "GenderCurrent", GENDER_CURRENT.get(sex, "0")


class _Writer:
    """Elements written with ``XMLGenerator`` (which escapes every text), indented."""

    def __init__(self, out):
        self.gen = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
        self.depth = 0

    def start(self, name: str) -> None:
        self.gen.ignorableWhitespace("\n" + "  " * self.depth)
        self.gen.startElement(name, AttributesImpl({}))
        self.depth += 1

    def end(self, name: str) -> None:
        self.depth -= 1
        self.gen.ignorableWhitespace("\n" + "  " * self.depth)
        self.gen.endElement(name)

    def text(self, name: str, value: str | date | None) -> None:
        """``<name>value</name>``; nothing when there is no value (an element is left out, not empty)."""
        text = _day(value) if isinstance(value, date) else _NOT_XML.sub("", value or "")
        if not text:
            return
        self.gen.ignorableWhitespace("\n" + "  " * self.depth)
        self.gen.startElement(name, AttributesImpl({}))
        self.gen.characters(text)
        self.gen.endElement(name)


def _header(w: _Writer, year: ReportingYear, *, lea: str, serial: int, now: datetime) -> None:
    w.start("Header")
    w.start("CollectionDetails")
    w.text("Collection", COLLECTION)
    w.text("Year", str(year.start_year + 1))
    w.text("ReferenceDate", year.end)
    w.end("CollectionDetails")
    w.start("Source")
    w.text("SourceLevel", SOURCE_LEVEL)
    w.text("LEA", lea)
    w.text("SoftwareCode", SOFTWARE_CODE)
    w.text("Release", RELEASE)
    w.text("SerialNo", str(serial))
    w.text("DateTime", now.replace(microsecond=0, tzinfo=None).isoformat())
    w.end("Source")
    w.end("Header")


def _child(w: _Writer, year: ReportingYear, child: CensusChild) -> None:
    w.start("Child")
    w.start("ChildIdentifiers")
    w.text("LAchildID", child.la_child_id)
    w.text("UPN", child.upn)
    w.text("PersonBirthDate", child.born_on)
    w.text(*_sex_element(year, child.sex))
    w.end("ChildIdentifiers")
    w.start("ChildCharacteristics")
    w.text("Ethnicity", child.ethnicity)
    w.end("ChildCharacteristics")
    w.start("CINdetails")
    w.text("DateOfInitialCPC", child.date_of_initial_cpc)
    for s47 in child.section_47s:
        w.start("Section47")
        w.text("S47ActualStartDate", s47.started_on)
        w.text("InitialCPCtarget", s47.target_on)
        w.text("DateOfInitialCPC", s47.icpc_on)
        w.text("ICPCnotRequired", "1" if s47.not_required else "0")
        w.end("Section47")
    for plan in child.plans:
        w.start("ChildProtectionPlans")
        w.text("CPPstartDate", plan.started_on)
        w.text("CPPendDate", plan.ended_on)
        w.text("InitialCategoryOfAbuse", plan.initial_category)
        w.text("LatestCategoryOfAbuse", plan.latest_category)
        w.text("NumberOfPreviousCPP", str(plan.previous_plans))
        if plan.reviews:
            w.start("Reviews")
            for held_on in plan.reviews:
                w.text("CPPreviewDate", held_on)
            w.end("Reviews")
        w.end("ChildProtectionPlans")
    w.end("CINdetails")
    w.end("Child")


def xml_chunks(
    year: ReportingYear, children: Iterable[CensusChild], *, lea: str, serial: int = 1, now: datetime
) -> Iterator[bytes]:
    """The return as UTF-8 XML, a few dozen children's elements at a time."""
    out = io.StringIO()
    w = _Writer(out)

    def flush() -> bytes:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text.encode("utf-8")

    w.gen.startDocument()
    w.start("Message")
    _header(w, year, lea=lea, serial=serial, now=now)
    w.start("Children")
    yield flush()
    for child in children:
        _child(w, year, child)
        if out.tell() > 64 * 1024:
            yield flush()
    w.end("Children")
    w.end("Message")
    w.gen.ignorableWhitespace("\n")
    w.gen.endDocument()
    yield flush()


def csv_rows(year: ReportingYear, children: Iterable[CensusChild]) -> Iterator[list[str]]:
    """The CSV layout's rows (``CSV_COLUMNS``): one per section 47 enquiry and one per plan."""
    for child in children:
        name, value = _sex_element(year, child.sex)
        who = [
            child.la_child_id,
            child.upn,
            _day(child.born_on),
            value if name == "Sex" else "",
            value if name == "GenderCurrent" else "",
            child.ethnicity,
            _day(child.date_of_initial_cpc),
        ]
        for s47 in child.section_47s:
            when = [_day(s47.started_on), _day(s47.target_on), "1" if s47.not_required else "0"]
            yield [*who[:6], _day(s47.icpc_on), "Section47", *when, "", "", "", "", "", ""]
        for plan in child.plans:
            yield [
                *who,
                "ChildProtectionPlans",
                "",
                "",
                "",
                _day(plan.started_on),
                _day(plan.ended_on),
                plan.initial_category,
                plan.latest_category,
                str(plan.previous_plans),
                ";".join(_day(d) for d in plan.reviews),
            ]
