"""Child protection conferences and plans: conferences held and their timeliness, plans started
and ended, who is on a plan at the year end, how long plans lasted, participation, and the
disputes of each kind of work.

docs/rules.md#child-protection and #annual-report. Kirklees prints ICPCs held and how many were
within 15 working days of the start of the section 47 enquiry, review conferences within
timescale, second plans, plans by category and the length of the plans that ended ("56.8% of our
CPPs end within 6 months"), and its disputes split between child protection and looked-after work
(Kirklees, docs/sources.md#kirklees-2016-17). The section is printed only where the service chairs
child protection conferences
(``settings.CHAIRS_CHILD_PROTECTION_CONFERENCES``); otherwise ``sections`` returns none and reads
nothing.

How each figure is counted, so that the dashboard, the PDF and the CSV agree:

* A year runs 1 April to 31 March; a year still in progress runs to ``scope.today`` (or the
  local date), both days included.
* **Initial conferences held**: initial conferences with status held and ``held_on`` in the year
  (one per family, whatever the number of children). **Within 15 working days of the strategy
  discussion**: held on or before ``conferences.deadlines.initial_conference_due`` of the
  strategy discussion (that day is day 0; weekends and bank holidays in England do not count:
  ``reviews.calendar.statutory_non_working_days``). **Of the section 47 enquiry**: the same from
  the day the enquiry started (the CIN census's measure); a conference with no start recorded is
  not within.
* **Review conferences held**: review conferences held in the year. **In timescale**: held on or
  before the due date, at that time, of every plan it reviewed: ``deadlines.next_review_due`` from
  the plan's start and the review conferences held for it before that day (3 months after the
  initial conference, then 6 months after the previous review).
* **Plans started / ended**: ``ProtectionPlan.started_on`` / ``ended_on`` in the year, one per
  child. **Second or later plans**: plans started in the year whose ``sequence`` is 2 or more.
  **By category**: the plans started in the year, by their category at the start (the CIN
  census code; ``MUL`` for more than one).
* **On a plan at the year end**: started on or before the year-end day and not ended by then
  (a plan ended on the year-end day is not counted, as ``ProtectionPlan.objects.open(on=)``).
  Age is whole years on the year-end day, banded as ``children.codes.AGE_BAND_YEARS``; gender and
  ethnicity (grouped as the cohort's ``ETHNICITY_GROUPS``) are as recorded now.
* **Length of plan**: the plans ended in the year, by whole calendar months from start to end
  (``deadlines.plan_length_months``): under 3, 3 to under 6, 6 to under 12, 12 to under 18, 18 or
  more. Percentages are of the plans ended in that year, to one decimal place.
* **Participation**: each child's place at a conference held in the year (initial and review),
  by how the child and how the parents took part; "Not recorded" where the chair left it blank.
* **Disputes by work**: disputes raised in the year, by ``Dispute.work``.
* **Scope**: ``iro_id``: the conferences that person chaired, the plans made at the initial
  conferences they chaired, the disputes they raised; ``team_id``: the same for the chairs whose
  profile is in the team now.
* **Years**: each table keeps the report's year and the earlier years in which a conference was
  held or a plan was started, ended or open at the year end.
* The tables hold only counts: no child, family or chair is named, and no row links to records.

Queries: five, whatever the number of conferences, plans or years (none when the service does not
chair child protection conferences).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q

from children.codes import AGE_BAND_YEARS, AgeBand, AllocationWork, Sex
from conferences import deadlines
from conferences.codes import (
    MULTIPLE_CATEGORIES,
    AbuseCategory,
    ChildParticipation,
    ConferenceKind,
    ConferenceStatus,
    ParentParticipation,
)
from conferences.models import Conference, ConferenceChild, ProtectionPlan
from disputes.models import Dispute
from iro_service.periods import ReportingYear
from reviews.calendar import statutory_non_working_days

from . import Scope, Section, Table
from .cohort.counts import ETHNICITY_GROUPS
from .shared import Period, fmt, join_notes, percentage, periods_of, person_scope, to_date_note

#: Bands of the length of a plan, in whole months: (label, at least, under).
LENGTH_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Under 3 months", 0, 3),
    ("3 months to under 6 months", 3, 6),
    ("6 months to under 12 months", 6, 12),
    ("12 months to under 18 months", 12, 18),
    ("18 months or more", 18, None),
)
#: The plans' category codes in print order: the CIN census's four, then multiple.
CATEGORIES: tuple[tuple[str, str], ...] = (
    *AbuseCategory.choices,
    (MULTIPLE_CATEGORIES, "Multiple categories"),
)
NOT_RECORDED = "Not recorded"


# --- the queries ------------------------------------------------------------------------------


@dataclass
class Records:
    conferences: list[dict]
    places: list[dict]
    plans: list[dict]
    review_dates: dict[int, list[tuple[date, int]]]  # plan id → (held on, conference id) of its reviews
    plan_starts: dict[int, date]  # plan id → started on, for the plans in ``review_dates``
    disputes: list[dict]


def _records(periods: list[Period], scope: Scope) -> Records:
    """Every row the section counts: five queries whatever the number of rows or years."""
    start, end = periods[0].start, max(p.end for p in periods)
    held = Q(status=ConferenceStatus.HELD, held_on__gte=start, held_on__lte=end)
    conferences = list(
        Conference.objects.filter(held, person_scope(scope, "chair"))
        .order_by()
        .values("pk", "kind", "held_on", "strategy_discussion_on", "section_47_started_on")
    )
    places = list(
        ConferenceChild.objects.filter(
            person_scope(scope, "conference__chair"),
            conference__status=ConferenceStatus.HELD,
            conference__held_on__gte=start,
            conference__held_on__lte=end,
        )
        .order_by()
        .values("conference__held_on", "child_participation", "parents_participation")
    )
    overlapping = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    plans = list(
        ProtectionPlan.objects.filter(overlapping, person_scope(scope, "initial_conference__chair"))
        .order_by()
        .values(
            "pk",
            "started_on",
            "ended_on",
            "sequence",
            "initial_category",
            "child__date_of_birth",
            "child__sex",
            "child__ethnicity",
        )
    )
    review_dates: dict[int, list[tuple[date, int]]] = {}
    plan_starts: dict[int, date] = {}
    # Every review conference held for a plan open in the years, whoever chaired it: a
    # conference's timeliness depends on its plans' earlier reviews (the scope applies to the
    # conferences counted, above).
    reviews = (
        ConferenceChild.objects.filter(
            Q(plan__ended_on__isnull=True) | Q(plan__ended_on__gte=start),
            plan__started_on__lte=end,
            conference__kind=ConferenceKind.REVIEW,
            conference__status=ConferenceStatus.HELD,
            conference__held_on__lte=end,
        )
        .order_by()
        .values_list("plan_id", "plan__started_on", "conference__held_on", "conference_id")
    )
    for plan_id, started_on, held_on, conference_id in reviews:
        plan_starts[plan_id] = started_on
        review_dates.setdefault(plan_id, []).append((held_on, conference_id))
    disputes = list(
        Dispute.objects.filter(person_scope(scope, "raised_by"), opened_on__gte=start, opened_on__lte=end)
        .order_by()
        .values("work", "opened_on")
        .annotate(n=Count("pk"))
    )
    return Records(conferences, places, plans, review_dates, plan_starts, disputes)


def _index(periods: list[Period], day: date | None) -> int | None:
    """The period ``day`` falls in."""
    if day is None:
        return None
    return next((i for i, p in enumerate(periods) if p.start <= day <= p.end), None)


def _on_plan(plan: dict, day: date) -> bool:
    return plan["started_on"] <= day and (plan["ended_on"] is None or plan["ended_on"] > day)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _age_band(born: date, on: date) -> str | None:
    age = _age(born, on)
    return next((band for band, (low, high) in AGE_BAND_YEARS.items() if low <= age <= high), None)


def _length_band(started_on: date, ended_on: date) -> str:
    months = deadlines.plan_length_months(started_on, ended_on)
    return next(label for label, low, high in LENGTH_BANDS if months >= low and (high is None or months < high))


def _ethnic_group(code: str) -> str:
    return next((group for group, codes in ETHNICITY_GROUPS.items() if code in codes), "Not known")


class _Counts:
    """Every figure of the section, one Counter per period, counted in Python over the rows."""

    def __init__(self, periods: list[Period], records: Records):
        n = len(periods)
        self.periods = periods
        self.c: list[Counter] = [Counter() for _ in range(n)]
        self._conferences(records)
        self._plans(records)
        for place in records.places:
            i = _index(periods, place["conference__held_on"])
            if i is not None:
                self.c[i][("child", place["child_participation"] or NOT_RECORDED)] += 1
                self.c[i][("parents", place["parents_participation"] or NOT_RECORDED)] += 1
        for row in records.disputes:
            i = _index(periods, row["opened_on"])
            if i is not None:
                self.c[i][("disputes", row["work"])] += row["n"]

    def _conferences(self, records: Records) -> None:
        initial = [row for row in records.conferences if row["kind"] == ConferenceKind.INITIAL]
        firsts = [d for row in initial for d in (row["strategy_discussion_on"], row["section_47_started_on"]) if d]
        calendar = statutory_non_working_days(min(firsts), max(firsts)) if firsts else frozenset()
        plans_at: dict[int, list[tuple[date, list[date]]]] = {}
        for plan_id, reviews in records.review_dates.items():
            for held_on, conference_id in reviews:
                earlier = [d for d, other in reviews if d < held_on and other != conference_id]
                plans_at.setdefault(conference_id, []).append((records.plan_starts[plan_id], earlier))
        for row in records.conferences:
            i = _index(self.periods, row["held_on"])
            if i is None:
                continue
            counts = self.c[i]
            if row["kind"] == ConferenceKind.INITIAL:
                counts["initial"] += 1
                strategy, s47 = row["strategy_discussion_on"], row["section_47_started_on"]
                if row["held_on"] <= deadlines.initial_conference_due(strategy, non_working=calendar):
                    counts["initial_strategy"] += 1
                if s47 and row["held_on"] <= deadlines.initial_conference_due_from_section_47(
                    s47, non_working=calendar
                ):
                    counts["initial_s47"] += 1
            else:
                counts["review"] += 1
                reviewed = plans_at.get(row["pk"], [])
                if reviewed and all(
                    row["held_on"]
                    <= deadlines.next_review_due(started_on=started, review_conferences_held=earlier).due_on
                    for started, earlier in reviewed
                ):
                    counts["review_in_time"] += 1

    def _plans(self, records: Records) -> None:
        for plan in records.plans:
            i = _index(self.periods, plan["started_on"])
            if i is not None:
                self.c[i]["started"] += 1
                self.c[i][("category", plan["initial_category"])] += 1
                if plan["sequence"] >= 2:
                    self.c[i]["second"] += 1
            i = _index(self.periods, plan["ended_on"])
            if i is not None:
                self.c[i]["ended"] += 1
                self.c[i][("length", _length_band(plan["started_on"], plan["ended_on"]))] += 1
            for i, period in enumerate(self.periods):
                if period.end >= period.start and _on_plan(plan, period.end):
                    self.c[i]["on_plan"] += 1
                    self.c[i][("sex", plan["child__sex"])] += 1
                    self.c[i][("age", _age_band(plan["child__date_of_birth"], period.end))] += 1
                    self.c[i][("ethnic", _ethnic_group(plan["child__ethnicity"]))] += 1

    def row(self, key) -> list[int]:
        return [counts[key] for counts in self.c]

    def percent(self, part, whole) -> list[float | None]:
        return [percentage(counts[part], counts[whole]) for counts in self.c]


# --- the tables -------------------------------------------------------------------------------


class _Columns:
    """The years a table prints: the report's year, and earlier years with child protection work."""

    def __init__(self, counts: _Counts):
        periods = counts.periods
        n = len(periods)
        active = ("initial", "review", "started", "ended", "on_plan")
        self.kept = [i for i in range(n) if i == n - 1 or any(counts.c[i][key] for key in active)]
        self.labels = [periods[i].label for i in self.kept]
        self.note_to_date = to_date_note(periods)

    def table(self, key: str, title: str, heading: str, rows: list[list], *, note="", chart="") -> Table:
        return Table(
            key=key,
            title=title,
            columns=[heading, *self.labels],
            rows=[[label, *(values[i] for i in self.kept)] for label, *values in rows],
            note=join_notes(note, self.note_to_date),
            chart=chart,
        )


def sections(years: list[ReportingYear], *, scope: Scope) -> list[Section]:
    """The section "Child protection conferences and plans" (see the module docstring for how it
    counts), or none where the service does not chair child protection conferences."""
    if not getattr(settings, "CHAIRS_CHILD_PROTECTION_CONFERENCES", False):
        return []
    periods = periods_of(years, scope)
    counts = _Counts(periods, _records(periods, scope))
    columns = _Columns(counts)
    last = counts.c[-1]
    within_6 = last[("length", LENGTH_BANDS[0][0])] + last[("length", LENGTH_BANDS[1][0])]
    return [
        Section(
            key="child_protection",
            title="Child protection conferences and plans",
            tables=[
                _conferences_table(columns, counts),
                _plans_table(columns, counts),
                _category_table(columns, counts),
                *_on_plan_tables(columns, counts),
                *_length_tables(columns, counts),
                *_participation_tables(columns, counts),
                _disputes_table(columns, counts),
            ],
            headline=[
                ("Initial conferences held", fmt(last["initial"])),
                (
                    "Initial conferences within 15 working days of the strategy discussion",
                    f"{fmt(percentage(last['initial_strategy'], last['initial']))}%",
                ),
                (
                    "Review conferences in timescale",
                    f"{fmt(percentage(last['review_in_time'], last['review']))}%",
                ),
                ("Children on a plan at the year end", fmt(last["on_plan"])),
                ("Plans ended within 6 months", f"{fmt(percentage(within_6, last['ended']))}%"),
            ],
        )
    ]


def _conferences_table(columns: _Columns, counts: _Counts) -> Table:
    return columns.table(
        "cp_conferences",
        "Child protection conferences held, and within timescale",
        "Measure",
        [
            ["Initial conferences held", *counts.row("initial")],
            ["Within 15 working days of the strategy discussion", *counts.row("initial_strategy")],
            ["Within 15 working days of the strategy discussion, %", *counts.percent("initial_strategy", "initial")],
            ["Within 15 working days of the section 47 enquiry starting", *counts.row("initial_s47")],
            ["Within 15 working days of the section 47 enquiry starting, %", *counts.percent("initial_s47", "initial")],
            ["Review conferences held", *counts.row("review")],
            ["Review conferences in timescale", *counts.row("review_in_time")],
            ["Review conferences in timescale, %", *counts.percent("review_in_time", "review")],
        ],
        note="One conference per family. Working days leave out weekends and bank holidays in England; the "
        "strategy discussion (or the start of the enquiry) is day 0. A review conference is in timescale when "
        "held by the due date of every plan it reviewed: 3 months after the initial conference, then 6 months "
        "after the previous review.",
    )


def _plans_table(columns: _Columns, counts: _Counts) -> Table:
    return columns.table(
        "cp_plans",
        "Child protection plans started and ended",
        "Measure",
        [
            ["Plans started", *counts.row("started")],
            ["Second or later plans started", *counts.row("second")],
            ["Second or later plans started, %", *counts.percent("second", "started")],
            ["Plans ended", *counts.row("ended")],
            ["Children on a plan at the year end", *counts.row("on_plan")],
        ],
        note="One plan per child. A second or later plan is a child's second plan or more, counting plans "
        "held elsewhere.",
        chart="bar",
    )


def _category_table(columns: _Columns, counts: _Counts) -> Table:
    return columns.table(
        "cp_category",
        "Plans started, by category of abuse",
        "Category",
        [[label, *counts.row(("category", code))] for code, label in CATEGORIES],
        note="The category at the start of the plan, as the CIN census codes it.",
        chart="bar",
    )


def _on_plan_tables(columns: _Columns, counts: _Counts) -> list[Table]:
    note = "Children on a child protection plan at the year end."
    return [
        columns.table(
            "cp_gender",
            "Children on a plan at the year end, by gender",
            "Gender",
            [[label, *counts.row(("sex", code))] for code, label in Sex.choices],
            note=note,
        ),
        columns.table(
            "cp_age",
            "Children on a plan at the year end, by age",
            "Age",
            [[label, *counts.row(("age", band))] for band, label in AgeBand.choices],
            note=join_notes(note, "Age in whole years on the year-end day."),
        ),
        columns.table(
            "cp_ethnicity",
            "Children on a plan at the year end, by ethnicity",
            "Ethnicity",
            [[group, *counts.row(("ethnic", group))] for group in ETHNICITY_GROUPS],
            note=note,
        ),
    ]


def _length_tables(columns: _Columns, counts: _Counts) -> list[Table]:
    note = "Plans ended in the year, by whole calendar months from the start of the plan to its end."
    return [
        columns.table(
            "cp_length",
            "Length of the plans that ended",
            "Length",
            [[label, *counts.row(("length", label))] for label, _low, _high in LENGTH_BANDS],
            note=note,
            chart="bar",
        ),
        columns.table(
            "cp_length_percent",
            "Length of the plans that ended, %",
            "Length",
            [[label, *counts.percent(("length", label), "ended")] for label, _low, _high in LENGTH_BANDS],
            note=join_notes(note, "Percentages of the plans ended that year."),
        ),
    ]


def _participation_tables(columns: _Columns, counts: _Counts) -> list[Table]:
    note = "Each child's place at a conference held in the year, initial and review."
    return [
        columns.table(
            "cp_child_participation",
            "How children took part in their conferences",
            "Participation",
            [
                *([label, *counts.row(("child", value))] for value, label in ChildParticipation.choices),
                [NOT_RECORDED, *counts.row(("child", NOT_RECORDED))],
            ],
            note=note,
        ),
        columns.table(
            "cp_parent_participation",
            "How parents took part in their children's conferences",
            "Participation",
            [
                *([label, *counts.row(("parents", value))] for value, label in ParentParticipation.choices),
                [NOT_RECORDED, *counts.row(("parents", NOT_RECORDED))],
            ],
            note=note,
        ),
    ]


def _disputes_table(columns: _Columns, counts: _Counts) -> Table:
    return columns.table(
        "cp_disputes_work",
        "Disputes raised, by the work they are about",
        "Work",
        [[label, *counts.row(("disputes", value))] for value, label in AllocationWork.choices],
        note="Disputes opened in the year, whatever their outcome.",
    )
