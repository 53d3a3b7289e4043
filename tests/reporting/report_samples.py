"""Hand-made figures for testing the report's renderers (PDF, charts, CSV) without a database.

``small_sections()`` is quick to render; ``realistic_sections()`` has the shape of a whole
annual report (the seeds' sections, 30 tables, a dozen charts) for looking at the pages and
timing the render.
"""

from __future__ import annotations

from iro_service.periods import ReportingYear
from reporting.figures import Section, Table
from reporting.models import ReportNarrative

YEAR = ReportingYear(2021)

YEARS = ["2017-18", "2018-19", "2019-20", "2020-21", "2021-22"]
MONTHS = [
    "Apr 2021",
    "May 2021",
    "Jun 2021",
    "Jul 2021",
    "Aug 2021",
    "Sep 2021",
    "Oct 2021",
    "Nov 2021",
    "Dec 2021",
    "Jan 2022",
    "Feb 2022",
    "Mar 2022",
]


def tables(section: Section) -> dict[str, Table]:
    """A section's tables by key."""
    return {table.key: table for table in section.tables}


def rows(table: Table) -> dict[str, list]:
    """A table's rows by their label (first cell): the figures after it."""
    return {row[0]: row[1:] for row in table.rows}


def small_sections() -> list[Section]:
    return [
        Section(
            key="reviews",
            title="Reviews of children's care plans",
            headline=[("reviews held", "933"), ("held within timescale", "100%")],
            tables=[
                Table(
                    key="reviews-by-year",
                    title="Reviews held each year",
                    columns=["Year", "Reviews held"],
                    rows=[["2019-20", 820], ["2020-21", 864], ["2021-22", 933]],
                    chart="bar",
                ),
                Table(
                    key="participation",
                    title="Participation of children in their reviews",
                    columns=["Participation", "2020-21", "2021-22"],
                    rows=[
                        ["PN0 Child aged under 4", 151, 131],
                        ["PN1 Child attended and spoke for themselves", 459, 471],
                        ["PN7 No views sent", None, 15],
                        ["Total", 610, 617],
                    ],
                ),
            ],
        ),
        Section(
            key="disputes",
            title="Disputes and escalation",
            tables=[
                Table(
                    key="disputes-by-stage",
                    title="Disputes by stage reached",
                    columns=["Stage", "Disputes"],
                    rows=[["Informal", 41], ["Team manager", 9], ["Head of service", 2]],
                    note="A dispute is counted once, at the highest stage it reached.",
                ),
            ],
        ),
    ]


def narrative(**overrides) -> ReportNarrative:
    words = {
        "introduction": "The IRO service reviewed every child's plan this year.\n\nIt is <independent> & proud of it.",
        "independence": "IROs are line managed outside the children's social care teams.",
        "childrens_feedback": "Children told us they want shorter review records.",
        "last_year_objectives": "1. Embed the new review records.",
        "next_year_objectives": "1. Improve participation of children aged 16 and 17.",
    }
    return ReportNarrative(start_year=YEAR.start_year, **(words | overrides))


def realistic_sections() -> list[Section]:
    """Every section of a year's report, shaped like the seeds' reports, with 30 tables."""
    held = [74, 91, 96, 79, 42, 96, 80, 74, 82, 67, 55, 97]
    late = [0, 1, 0, 2, 0, 0, 1, 0, 3, 0, 0, 1]
    return [
        Section(
            key="service",
            title="The IRO service",
            headline=[("IROs (full-time equivalent)", "5.0"), ("average caseload per FTE", "59"), ("vacancies", "0")],
            tables=[
                Table(
                    "staffing",
                    "IRO staffing at 31 March",
                    ["", *YEARS],
                    [
                        ["IROs (headcount)", 6, 6, 5, 5, 5],
                        ["Full-time equivalent", 5.6, 5.5, 5.0, 5.0, 5.0],
                        ["Agency IROs", 1, 0, 0, 0, 0],
                        ["Left the service", 1, 1, 1, 0, 0],
                    ],
                ),
                Table(
                    "caseloads",
                    "Caseloads per full-time IRO",
                    ["", *YEARS[1:]],
                    [
                        ["Average caseload", 62, 60, 60, 59],
                        ["Lowest caseload", 44, 57, 58, 57],
                        ["Highest caseload", 68, 62, 61, 61],
                    ],
                    chart="line",
                    note="The IRO Handbook suggests 50 to 70 children for a full-time IRO.",
                ),
                Table(
                    "iro-diversity",
                    "Who the IROs are",
                    ["", "IROs"],
                    [
                        ["Female", 2],
                        ["Male", 3],
                        ["White British", 3],
                        ["Black or Black British", 1],
                        ["Asian or Asian British", 1],
                    ],
                ),
                Table(
                    "iro-qualified",
                    "Registration and checks",
                    ["", "IROs"],
                    [["Registered with Social Work England", 5], ["Enhanced DBS check in date", 5]],
                ),
            ],
        ),
        Section(
            key="reviews",
            title="Reviews of children's care plans",
            headline=[
                ("reviews held", "933"),
                ("held within timescale", "99.1%"),
                ("records sent within 20 working days", "99.1%"),
            ],
            tables=[
                Table(
                    "reviews-by-month",
                    "Reviews held each month",
                    ["Month", "Held", "Within timescale", "Late"],
                    [[m, h, h - lt, lt] for m, h, lt in zip(MONTHS, held, late, strict=True)]
                    + [["Total", sum(held), sum(held) - sum(late), sum(late)]],
                    chart="bar",
                ),
                Table(
                    "reviews-by-month-wide",
                    "Reviews due and held by month",
                    ["", *[m[:3] for m in MONTHS], "Year"],
                    [
                        ["Held", *held, sum(held)],
                        ["In timescale", *[h - lt for h, lt in zip(held, late, strict=True)], sum(held) - sum(late)],
                        [
                            "% in timescale",
                            *[round(100 * (h - lt) / h, 1) for h, lt in zip(held, late, strict=True)],
                            99.1,
                        ],
                    ],
                ),
                Table(
                    "reviews-by-quarter",
                    "Reviews held each quarter",
                    ["Quarter", "Held", "% within timescale"],
                    [
                        ["April to June", 261, 99.6],
                        ["July to September", 217, 99.1],
                        ["October to December", 236, 98.3],
                        ["January to March", 219, 99.5],
                    ],
                ),
                Table(
                    "reviews-trend",
                    "Reviews held each year",
                    ["", *YEARS],
                    [["Reviews held", 760, 747, 867, 864, 933]],
                    chart="line",
                ),
                Table(
                    "timeliness-trend",
                    "Reviews held within timescale",
                    ["", *YEARS],
                    [["% within timescale", 96.1, 97.0, 98.4, 98.4, 99.1]],
                    chart="line",
                ),
                Table(
                    "participation",
                    "Participation of children in their reviews",
                    ["Participation (SSDA903 code)", *YEARS[1:]],
                    [
                        ["PN0 Child aged under 4", 100, 142, 151, 131],
                        ["PN1 Child attended and spoke for themselves", 372, 439, 459, 471],
                        ["PN2 Child attended, an advocate spoke for them", 3, 10, 0, 3],
                        ["PN3 Child attended and gave views non-verbally", 2, 0, 0, 2],
                        ["PN4 Child attended without contributing", 5, 14, 10, 6],
                        ["PN5 Child did not attend, an advocate briefed the IRO", 3, 59, 20, 12],
                        ["PN6 Child did not attend, views sent", 159, 163, 209, 242],
                        ["PN7 Child did not attend, no views sent", 103, 40, 15, 15],
                        ["Total", 747, 867, 864, 882],
                    ],
                    chart="bar",
                ),
                Table(
                    "participation-share",
                    "Share of children aged 4 and over who took part",
                    ["", *YEARS[1:]],
                    [["% took part", 84.0, 94.5, 97.9, 97.9]],
                    chart="line",
                ),
                Table(
                    "records-distributed",
                    "Review records sent within 20 working days",
                    ["", *YEARS[1:]],
                    [
                        ["Records sent", 740, 860, 860, 925],
                        ["Within 20 working days", 712, 845, 839, 917],
                        ["% within 20 working days", 96.2, 98.3, 97.6, 99.1],
                    ],
                ),
                Table(
                    "midway",
                    "Midway reviews and visits between reviews",
                    ["", "2020-21", "2021-22"],
                    [["Midway reviews", 402, 455], ["IRO visits to children", 512, 590]],
                ),
            ],
        ),
        Section(
            key="cohort",
            title="Children looked after",
            headline=[
                ("children looked after at 31 March 2022", "294"),
                ("per 10,000 children", "65"),
                ("unaccompanied asylum-seeking children", "28"),
            ],
            tables=[
                Table(
                    "cohort",
                    "Children looked after at 31 March",
                    ["", *YEARS],
                    [
                        ["Children looked after", 308, 293, 298, 298, 294],
                        ["Rate per 10,000 children", 72, 68, 67, 67, 65],
                        ["Unaccompanied asylum-seeking children", 32, 30, 20, 24, 28],
                        ["Adopted in the year", 7, 13, 14, 8, 8],
                    ],
                    chart="line",
                ),
                Table(
                    "monthly-cohort",
                    "Children looked after at the end of each month",
                    ["Month", "Children"],
                    [
                        [m, n]
                        for m, n in zip(
                            MONTHS, [301, 305, 308, 306, 303, 300, 299, 297, 296, 295, 294, 294], strict=True
                        )
                    ],
                    chart="line",
                ),
                Table(
                    "gender",
                    "Children looked after by sex",
                    ["", *YEARS[2:]],
                    [["Boys", 176, 180, 179], ["Girls", 122, 118, 115]],
                    chart="bar",
                ),
                Table(
                    "age",
                    "Children looked after by age",
                    ["Age", *YEARS[2:]],
                    [
                        ["Under 1", 14, 12, 11],
                        ["1 to 4", 38, 35, 33],
                        ["5 to 9", 55, 52, 50],
                        ["10 to 15", 120, 118, 115],
                        ["16 and 17", 71, 81, 85],
                    ],
                    chart="bar",
                ),
                Table(
                    "ethnicity",
                    "Children looked after by ethnicity",
                    ["Ethnicity", "Children", "%", "School census %"],
                    [
                        ["White British", 198, 67.3, 62.0],
                        ["White Irish", 2, 0.7, 0.5],
                        ["Any other White background", 18, 6.1, 7.2],
                        ["White and Black Caribbean", 9, 3.1, 1.9],
                        ["White and Black African", 5, 1.7, 1.3],
                        ["White and Asian", 4, 1.4, 1.5],
                        ["Any other mixed background", 8, 2.7, 1.6],
                        ["Indian", 1, 0.3, 1.8],
                        ["Pakistani", 2, 0.7, 1.5],
                        ["Bangladeshi", 1, 0.3, 0.6],
                        ["Any other Asian background", 3, 1.0, 1.2],
                        ["Caribbean", 6, 2.0, 1.8],
                        ["African", 24, 8.2, 10.4],
                        ["Any other Black background", 5, 1.7, 1.7],
                        ["Chinese", 0, 0.0, 0.4],
                        ["Any other ethnic group", 6, 2.0, 2.4],
                        ["Not recorded", 2, 0.7, None],
                        ["Total", 294, 100.0, 100.0],
                    ],
                ),
                Table(
                    "legal-status",
                    "Children looked after by legal status",
                    ["Legal status", *YEARS[2:]],
                    [
                        ["Interim care order (C1)", 52, 57, 55],
                        ["Full care order (C2)", 160, 165, 171],
                        ["Placement order (E1)", 15, 12, 13],
                        ["Section 20 (V2)", 69, 62, 53],
                        ["Remand (J1)", 2, 2, 2],
                    ],
                    chart="bar",
                ),
                Table(
                    "time-in-care",
                    "How long children had been looked after at 31 March",
                    ["", "Children", "%"],
                    [
                        ["Under 1 year", 88, 29.9],
                        ["1 to 2 years", 62, 21.1],
                        ["2 to 5 years", 79, 26.9],
                        ["5 years or more", 65, 22.1],
                    ],
                    chart="bar",
                ),
                Table(
                    "placement-stability",
                    "Children with three or more placements in the year",
                    ["", *YEARS[1:]],
                    [["Children", 25, 24, 25, 32], ["% of children looked after", 8.5, 8.1, 8.4, 10.9]],
                    chart="line",
                ),
                Table(
                    "distance",
                    "Children placed more than 20 miles from home",
                    ["", *YEARS[1:]],
                    [["Children", 82, 87, 87, 99], ["% of children looked after", 28.0, 29.2, 29.2, 33.6]],
                ),
                Table(
                    "placement-types",
                    "Children looked after by placement at 31 March",
                    ["Placement", "Children"],
                    [
                        ["Foster care with relatives or friends (Q1)", 41],
                        ["Foster care with other carers (U4-U6)", 170],
                        ["Placed for adoption (A3-A6)", 9],
                        ["Placed with parents (P1)", 14],
                        ["Children's homes (K2)", 31],
                        ["Independent and semi-independent living (H5, K3)", 25],
                        ["Other placements", 4],
                    ],
                    chart="bar",
                ),
                Table(
                    "exits",
                    "Children who left care by reason",
                    ["Reason", *YEARS[2:]],
                    [
                        ["Special guardianship order (E45-E48)", 12, 9, 7],
                        ["Child arrangements order (E41)", 6, 5, 1],
                        ["Adopted (E11, E12)", 14, 8, 8],
                        ["Returned home", 31, 35, 30],
                        ["Turned 18", 37, 40, 44],
                        ["Other reasons", 10, 12, 9],
                    ],
                    chart="bar",
                ),
                Table(
                    "sgo-share",
                    "Share of children leaving care by special guardianship",
                    ["", *YEARS[2:]],
                    [["% of children leaving care", 10.9, 8.1, 5.6]],
                    chart="line",
                ),
            ],
        ),
        Section(
            key="disputes",
            title="Disputes and escalation",
            headline=[
                ("disputes raised", "11"),
                ("resolved to the IRO's satisfaction", "11"),
                ("referred to CAFCASS", "0"),
            ],
            tables=[
                Table(
                    "disputes-by-stage",
                    "Disputes by the highest stage reached",
                    ["Stage", *YEARS[2:]],
                    [
                        ["Informal resolution", 30, 26, 20],
                        ["Team manager", 9, 7, 8],
                        ["Service manager", 3, 2, 2],
                        ["Head of service", 1, 1, 1],
                        ["Director of children's services", 0, 0, 0],
                        ["CAFCASS", 0, 0, 0],
                    ],
                    chart="bar",
                ),
                Table(
                    "disputes-outcome",
                    "Disputes by outcome",
                    ["Outcome", "Disputes"],
                    [["Resolved", 11], ["Withdrawn", 0], ["Still open at 31 March", 2]],
                ),
                Table(
                    "disputes-themes",
                    "What the disputes were about",
                    ["Theme", "Disputes", "%"],
                    [
                        ["Drift in the care plan", 6, 46.2],
                        ["Placement", 3, 23.1],
                        ["Contact with family", 2, 15.4],
                        ["Education", 1, 7.7],
                        ["Health", 1, 7.7],
                    ],
                ),
                Table(
                    "disputes-time",
                    "Working days to resolve a dispute",
                    ["", "2020-21", "2021-22"],
                    [["Median", 12, 10], ["Longest", 41, 33]],
                    note="Counted from raising to resolving.",
                ),
                Table(
                    "disputes-by-team",
                    "Disputes by team of the child's social worker",
                    ["Team", "Informal", "Formal", "Total"],
                    [
                        ["Assessment", 4, 1, 5],
                        ["Children in care 1", 6, 2, 8],
                        ["Children in care 2", 5, 1, 6],
                        ["Disabled children", 2, 0, 2],
                        ["Leaving care", 3, 1, 4],
                        ["Total", 20, 5, 25],
                    ],
                ),
            ],
        ),
    ]
