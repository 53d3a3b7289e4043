"""reporting.figures.reviews: the sections "Reviews", "Participation", "Review records" and
"The IRO's footprint", checked against a small authority whose every figure is worked out by
hand below.

Report year 2024-25 (1 April 2024 to 31 March 2025), figures as on TODAY, 15 April 2025. Bank
holidays in England that matter here: 6 and 27 May 2024, 26 August 2024, 25 and 26 December
2023, 1 January 2024, 18 and 21 April 2025 (Easter).

Due dates (docs/rules.md#review-timescales, "Counting, exactly"; the start day is day 0) and record due
dates (20 working days after the review) are computed by the review services' own function,
and the key ones are asserted against these hand calculations:

Each review: date held; type and due date; in time or days late; code; parents; record due date,
date distributed and how that counts.

Eve (born 2008), looked after from Thu 1 June 2023, IRO Ada
  E1 Mon 26 Jun 2023; first, due Thu 29 Jun 2023; in time; PN1; attended; record 24 Jul, out 20 Jul: in time
  E2 Mon 2 Oct 2023; second, due Tue 26 Sep 2023; 6 days late; PN6; not invited; record 30 Oct, out 1 Nov: late
  E3 Tue 2 Apr 2024; subsequent, due Tue 2 Apr 2024; in time; PN1; attended; record 30 Apr, out 25 Apr: in time
  E4 Tue 1 Oct 2024; subsequent, due Wed 2 Oct 2024; in time; PN4; not applicable; record 29 Oct, out 29 Oct
  A booking for 28 Mar 2024 cancelled on 15 Mar 2024, reason "Brought into the review of 2 April".
Dan (born 2010): looked after from Fri 1 Sep 2023 to 1 Feb 2024 (IRO Ada), and again from Mon 15
July 2024 (IRO Ada, then Ben from 1 Oct 2024). The first-review rule applies again from the new start.
  D1 Thu 28 Sep 2023; first, due Fri 29 Sep 2023; in time; PN1; attended; record 26 Oct, out 10 Oct: in time
  D2 Fri 15 Dec 2023; second, due Thu 28 Dec 2023; in time; PN5; views given; record 17 Jan, out 5 Jan: in time
  D3 Fri 9 Aug 2024; first, due Mon 12 Aug 2024; in time; PN7; invited, no views; record 9 Sep, out 20 Aug: in time
     (counted as a later review of the first period it would have been due by 15 Jun 2024: late)
  D4 Wed 20 Nov 2024; second, due Sat 9 Nov 2024; 11 days late; PN2; invited, no views; record 18 Dec,
     out 2 Dec: in time. Chaired by Ben; postponed twice: "Child unwell", then "Social worker unavailable".
Cara (born 10 Sep 2021, under 4 throughout), looked after from Thu 2 May 2024, IRO Ada
  C1 Mon 3 Jun 2024; first, due Mon 3 Jun 2024; in time; PN0; views given; record 1 Jul 2024, never out: overdue
     (20 working days cross both May bank holidays; without them the review was due Thu 30 May: late)
  C2 Tue 20 Aug 2024; second, due Tue 3 Sep 2024; in time; PN0; views given; record 18 Sep, out 10 Sep: in time
  A booking for 10 Feb 2025 cancelled on 3 Feb 2025 with no reason recorded (no ReviewDateChange row).
Amy (born 2012), looked after from Mon 3 June 2024, IRO Ada
  A1 Mon 1 Jul 2024; first, due Mon 1 Jul 2024: held ON the due date, in time; PN1; attended;
     record due 29 Jul, out 29 Jul (on its due date): in time
  A2 Wed 2 Oct 2024; second, due Tue 1 Oct 2024: ONE day late; PN6; attended; postponed "Social worker
     unavailable"; record due Wed 30 Oct, out Thu 31 Oct: one day late
  A booking for 20 Jan 2025 cancelled on 10 Jan 2025, reason "Child on holiday".
Finn (born 2015), looked after from Mon 3 Feb 2025, IRO Ada
  F1 Mon 24 Mar 2025; first, due Mon 3 Mar 2025; 21 days late; PN3; not invited; record due Wed 23 Apr
     2025 (over Easter), not out: not yet due

2024-25: held 9 (E3 C1 A1 D3 C2 E4 A2 D4 F1); in time 6; out of time 3 (A2 1 day, D4 11, F1 21: 33 days);
  records in time 6 (E3 A1 D3 C2 E4 D4), late 1 (A2), overdue 1 (C1), not yet due 1 (F1): 6 of 8 = 75.0%.
2023-24: held 4 (E1 D1 D2 E2); in time 3; out of time 1; records in time 3, late 1: 75.0%; 1 cancelled.
2020-21 to 2022-23: nothing, so those columns are left out.

Footprint: 2023-24 a visit to Eve (20 Mar 2024, not alone) and a midway review for Eve (1 Jan 2024).
2024-25 visits to Cara (28 May 2024), Amy (25 Jun 2024, alone), Dan (15 Nov 2024, alone, by Ben); a
midway review for Amy (15 Aug 2024); case notes for Amy (2 Jul 2024, Ada) and Dan (21 Nov 2024, Ben).
A visit on 2 April 2025 is in 2025-26 and counted nowhere.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from children.models import CareEpisode, IROAllocation
from iro_service.periods import ReportingYear
from reporting.figures import Scope, Section, reviews
from reporting.figures.report import report_years
from reviews.models import CaseNote, MidwayReview, Review, ReviewDateChange, Visit
from reviews.schedule import schedule_refresh
from reviews.services.reviews import _check_review_date
from tests.factories import TeamFactory, make_care_episode, make_child_in_care, make_iro
from tests.reporting.report_samples import tables
from tests.reviews.factories import cancelled_review, date_change

pytestmark = [pytest.mark.django_db]

D = dt.date
TODAY = D(2025, 4, 15)
YEAR = ReportingYear(2024)
YEARS = report_years(YEAR)  # 2020-21 ... 2024-25
MONTHS = [
    "April 2024",
    "May 2024",
    "June 2024",
    "July 2024",
    "August 2024",
    "September 2024",
    "October 2024",
    "November 2024",
    "December 2024",
    "January 2025",
    "February 2025",
    "March 2025",
]


def held(child, chair, held_on, code, parents, *, distributed=None, created_by=None) -> Review:
    """A held review with its due dates computed exactly as ``reviews.services.review_record`` does."""
    record_due_on = _check_review_date(child, held_on)
    review = Review.objects.create(
        child=child,
        chair=chair,
        created_by=created_by or chair,
        status="held",
        held_on=held_on,
        participation_code=code,
        parents_participation=parents,
        record_due_on=record_due_on,
        record_distributed_on=distributed,
    )
    schedule_refresh([child.pk])
    review.refresh_from_db()
    return review


def cancelled(child, chair, booked_for, cancelled_on, reason=None) -> Review:
    return cancelled_review(child, iro=chair, booked_for=booked_for, cancelled_on=cancelled_on, reason=reason)


def postponed(review, by, from_date, to_date, reason) -> None:
    date_change(review, kind="postponed", from_date=from_date, to_date=to_date, reason=reason, by=by)


@pytest.fixture
def authority(iro, other_iro):
    """The children and reviews of the module docstring. ``iro`` is Ada Okafor, ``other_iro``
    Ben Harris (both in North team)."""
    ada, ben = iro, other_iro
    eve = make_child_in_care(iro=ada, looked_after_on=D(2023, 6, 1), first_name="Eve", date_of_birth=D(2008, 2, 2))
    dan = make_child_in_care(iro=ada, looked_after_on=D(2023, 9, 1), first_name="Dan", date_of_birth=D(2010, 7, 7))
    cara = make_child_in_care(iro=ada, looked_after_on=D(2024, 5, 2), first_name="Cara", date_of_birth=D(2021, 9, 10))
    amy = make_child_in_care(iro=ada, looked_after_on=D(2024, 6, 3), first_name="Amy", date_of_birth=D(2012, 1, 5))
    finn = make_child_in_care(iro=ada, looked_after_on=D(2025, 2, 3), first_name="Finn", date_of_birth=D(2015, 3, 3))

    r = {}
    r["E1"] = held(eve, ada, D(2023, 6, 26), "PN1", "attended", distributed=D(2023, 7, 20))
    r["E2"] = held(eve, ada, D(2023, 10, 2), "PN6", "not_invited", distributed=D(2023, 11, 1))
    cancelled(eve, ada, D(2024, 3, 28), D(2024, 3, 15), "Brought into the review of 2 April")
    r["E3"] = held(eve, ada, D(2024, 4, 2), "PN1", "attended", distributed=D(2024, 4, 25))
    r["E4"] = held(eve, ada, D(2024, 10, 1), "PN4", "not_applicable", distributed=D(2024, 10, 29))

    r["D1"] = held(dan, ada, D(2023, 9, 28), "PN1", "attended", distributed=D(2023, 10, 10))
    r["D2"] = held(dan, ada, D(2023, 12, 15), "PN5", "views_given", distributed=D(2024, 1, 5))
    CareEpisode.objects.filter(child=dan).update(ended_on=D(2024, 2, 1), reason_ceased="E13")
    IROAllocation.objects.filter(child=dan).update(ended_on=D(2024, 2, 1))
    make_care_episode(dan, started_on=D(2024, 7, 15))
    IROAllocation.objects.create(child=dan, iro=ada, started_on=D(2024, 7, 15), ended_on=D(2024, 10, 1))
    IROAllocation.objects.create(child=dan, iro=ben, started_on=D(2024, 10, 1))
    r["D3"] = held(dan, ada, D(2024, 8, 9), "PN7", "invited_no_views", distributed=D(2024, 8, 20))
    r["D4"] = held(dan, ben, D(2024, 11, 20), "PN2", "invited_no_views", distributed=D(2024, 12, 2))
    postponed(r["D4"], ben, D(2024, 11, 8), D(2024, 11, 15), "Child unwell")
    postponed(r["D4"], ben, D(2024, 11, 15), D(2024, 11, 20), "Social worker unavailable")

    r["C1"] = held(cara, ada, D(2024, 6, 3), "PN0", "views_given")
    r["C2"] = held(cara, ada, D(2024, 8, 20), "PN0", "views_given", distributed=D(2024, 9, 10))
    cancelled(cara, ada, D(2025, 2, 10), D(2025, 2, 3))

    r["A1"] = held(amy, ada, D(2024, 7, 1), "PN1", "attended", distributed=D(2024, 7, 29))
    r["A2"] = held(amy, ada, D(2024, 10, 2), "PN6", "attended", distributed=D(2024, 10, 31))
    postponed(r["A2"], ada, D(2024, 9, 30), D(2024, 10, 2), "Social worker unavailable")
    cancelled(amy, ada, D(2025, 1, 20), D(2025, 1, 10), "Child on holiday")

    r["F1"] = held(finn, ada, D(2025, 3, 24), "PN3", "not_invited")

    Visit.objects.create(child=eve, iro=ada, visited_on=D(2024, 3, 20), notes="Before her review")
    MidwayReview.objects.create(child=eve, iro=ada, held_on=D(2024, 1, 1))
    Visit.objects.create(child=cara, iro=ada, visited_on=D(2024, 5, 28), notes="Met her carers")
    Visit.objects.create(child=amy, iro=ada, visited_on=D(2024, 6, 25), seen_alone=True, notes="Seen at school")
    Visit.objects.create(child=dan, iro=ben, visited_on=D(2024, 11, 15), seen_alone=True, notes="First visit")
    Visit.objects.create(child=amy, iro=ada, visited_on=D(2025, 4, 2), notes="In 2025-26")
    MidwayReview.objects.create(child=amy, iro=ada, held_on=D(2024, 8, 15))
    CaseNote.objects.create(child=amy, author=ada, written_on=D(2024, 7, 2), text="Record sent")
    CaseNote.objects.create(child=dan, author=ben, written_on=D(2024, 11, 21), text="Spoke to his social worker")
    return SimpleNamespace(ada=ada, ben=ben, reviews=r)


def by_key(sections: list[Section]) -> dict[str, Section]:
    return {section.key: section for section in sections}


def run(scope: Scope | None = None) -> dict[str, Section]:
    return by_key(reviews.sections(YEARS, scope=scope or Scope(today=TODAY)))


def test_the_due_dates_are_the_hand_calculated_ones(authority):
    r = authority.reviews
    expected = {
        "E1": ("first", D(2023, 6, 29), D(2023, 7, 24)),
        "E2": ("second", D(2023, 9, 26), D(2023, 10, 30)),
        "E3": ("subsequent", D(2024, 4, 2), D(2024, 4, 30)),
        "E4": ("subsequent", D(2024, 10, 2), D(2024, 10, 29)),
        "D1": ("first", D(2023, 9, 29), D(2023, 10, 26)),
        "D2": ("second", D(2023, 12, 28), D(2024, 1, 17)),
        "D3": ("first", D(2024, 8, 12), D(2024, 9, 9)),  # the new period of care: first-review rule again
        "D4": ("second", D(2024, 11, 9), D(2024, 12, 18)),
        "C1": ("first", D(2024, 6, 3), D(2024, 7, 1)),  # over the 6 and 27 May 2024 bank holidays
        "C2": ("second", D(2024, 9, 3), D(2024, 9, 18)),  # over 26 August 2024
        "A1": ("first", D(2024, 7, 1), D(2024, 7, 29)),  # the rules' own example: 3 June 2024 -> 1 July 2024
        "A2": ("second", D(2024, 10, 1), D(2024, 10, 30)),
        "F1": ("first", D(2025, 3, 3), D(2025, 4, 23)),  # the record over Easter 2025
    }
    assert {k: (v.review_type, v.due_on, v.record_due_on) for k, v in r.items()} == expected


def test_the_reviews_section(authority):
    section = run()["reviews"]
    t = tables(section)
    assert [table.key for table in section.tables] == [
        "reviews_trend",
        "reviews_by_month",
        "reviews_by_quarter",
        "late_reviews",
        "late_review_reasons",
        "review_cancellations",
        "reviews_due_trend",
        "reviews_due_by_month",
        "reviews_due_days",
    ]
    assert section.title == "Reviews"
    # By due date (tests/reporting/test_figures_reviews_due.py has the tables): due in 2024-25 are
    # E3 E4 D3 D4 C1 C2 A1 A2 F1 and Cara's third, due 20 Feb 2025 (6 months after C2) and never
    # held (her booking of 10 Feb was cancelled): 10 due, 6 on time (60%), 1 not held by 31 March.
    # Of the 5 children only Eve had every review due on time: 20%.
    assert section.headline == [
        ("Reviews held", "9"),
        ("Held within timescale", "66.7%"),
        ("Held out of timescale", "3"),
        ("Booked reviews cancelled", "2"),
        ("Reviews due in the year held on time", "60%"),
        ("Reviews due in the year not held by 31 March 2025", "1"),
        ("Children whose reviews due were all held on time", "20%"),
    ]

    trend = t["reviews_trend"]
    assert trend.columns == ["Measure", "2023-24", "2024-25"]  # 2020-21 to 2022-23 hold nothing
    assert trend.rows == [
        ["Reviews held", 4, 9],
        ["Held within timescale", 3, 6],
        ["% held within timescale", 75.0, 66.7],
        ["Held out of timescale", 1, 3],
        ["Booked reviews cancelled", 1, 2],  # 2023-24: Eve's; 2024-25: Amy's (with a reason) and Cara's
    ]

    by_month = t["reviews_by_month"]
    assert by_month.columns == ["Month", "Reviews held", "Held within timescale", "% held within timescale"]
    assert by_month.rows == [
        ["April 2024", 1, 1, 100.0],  # E3, held on its due date
        ["May 2024", 0, 0, None],
        ["June 2024", 1, 1, 100.0],  # C1
        ["July 2024", 1, 1, 100.0],  # A1, on its due date
        ["August 2024", 2, 2, 100.0],  # D3, C2
        ["September 2024", 0, 0, None],
        ["October 2024", 2, 1, 50.0],  # E4 in time, A2 one day late
        ["November 2024", 1, 0, 0.0],  # D4
        ["December 2024", 0, 0, None],
        ["January 2025", 0, 0, None],
        ["February 2025", 0, 0, None],
        ["March 2025", 1, 0, 0.0],  # F1
        ["Total", 9, 6, 66.7],
    ]

    assert t["reviews_by_quarter"].rows == [
        ["Quarter 1 (April to June)", 2, 2, 100.0],
        ["Quarter 2 (July to September)", 3, 3, 100.0],
        ["Quarter 3 (October to December)", 3, 1, 33.3],
        ["Quarter 4 (January to March)", 1, 0, 0.0],
        ["Total", 9, 6, 66.7],
    ]

    late = t["late_reviews"]
    assert late.columns == [
        "Month",
        "Reviews out of timescale",
        "Total days late",
        "Average days late",
        "Most days late",
        "Reasons",
    ]
    none_late = [0, 0, None, None, ""]
    assert late.rows == [
        ["April 2024", *none_late],
        ["May 2024", *none_late],
        ["June 2024", *none_late],
        ["July 2024", *none_late],
        ["August 2024", *none_late],
        ["September 2024", *none_late],
        ["October 2024", 1, 1, 1.0, 1, "Social worker unavailable (1)"],
        ["November 2024", 1, 11, 11.0, 11, "Child unwell (1); Social worker unavailable (1)"],
        ["December 2024", *none_late],
        ["January 2025", *none_late],
        ["February 2025", *none_late],
        ["March 2025", 1, 21, 21.0, 21, "No reason recorded (1)"],
        ["Total", 3, 33, 11.0, 21, "Social worker unavailable (2); Child unwell (1); No reason recorded (1)"],
    ]
    assert t["late_review_reasons"].rows == [
        ["Social worker unavailable", 2],
        ["Child unwell", 1],
        ["No reason recorded", 1],
    ]
    assert t["review_cancellations"].rows == [["Child on holiday", 1], ["No reason recorded", 1], ["Total", 2]]


def test_the_participation_section(authority):
    section = run()["participation"]
    participation, parents = section.tables
    assert participation.key == "participation"
    assert participation.columns == ["How the child took part", "2023-24", "2024-25"]
    assert participation.rows == [
        ["PN0: Child aged under 4 at the time of the review", 0, 2],  # Cara twice
        ["PN1: Child physically attends and speaks for themselves", 2, 2],  # E1 D1 | E3 A1
        ["PN2: Child physically attends and an advocate speaks on their behalf", 0, 1],  # D4
        ["PN3: Child attends and conveys their view symbolically (non-verbally)", 0, 1],  # F1
        [
            "PN4: Child physically attends but does not speak, convey views symbolically or ask an advocate to speak",
            0,
            1,  # E4
        ],
        ["PN5: Child does not attend but briefs an advocate to speak for them", 1, 0],  # D2
        [
            "PN6: Child does not attend but conveys their views by another medium (views sent, app, carer, letter)",
            1,  # E2
            1,  # A2
        ],
        ["PN7: Child does not attend and their views are not conveyed", 0, 1],  # D3
        ["No participation recorded", 0, 0],
        ["Total", 4, 9],
    ]
    assert parents.key == "parents_participation"
    assert parents.columns == ["Parents' participation", "2023-24", "2024-25"]
    assert parents.rows == [
        ["Attended and gave their views", 2, 3],  # E1 D1 | E3 A1 A2
        ["Did not attend but gave their views", 1, 2],  # D2 | C1 C2
        ["Invited but did not attend or give views", 0, 2],  # D3 D4
        ["Not invited (reason recorded)", 1, 1],  # E2 | F1
        ["Not applicable (for example, parents deceased)", 0, 1],  # E4
        ["Not recorded", 0, 0],
        ["Total", 4, 9],
    ]
    # Aged 4 or over: 9 - 2 PN0 = 7. Attended (PN1-PN4): 2+1+1+1 = 5. Views conveyed
    # (PN1, PN2, PN3, PN5, PN6): 2+1+1+0+1 = 5.
    assert section.headline == [
        ("Children aged 4 or over who attended their review", "71.4%"),
        ("Children aged 4 or over whose views were conveyed", "71.4%"),
    ]


def test_the_review_records_section(authority):
    section = run()["records"]
    trend, by_month = section.tables
    assert trend.columns == ["Measure", "2023-24", "2024-25"]
    assert trend.rows == [
        ["Reviews held", 4, 9],
        ["Records distributed within 20 working days", 3, 6],
        ["% distributed within 20 working days", 75.0, 75.0],  # 3 of 4; 6 of 8 (F1 not yet due)
        ["Records distributed late", 1, 1],  # E2 | A2, one day late
        ["Not yet distributed: overdue", 0, 1],  # C1
        ["Not yet distributed: not yet due", 0, 1],  # F1, due 23 April 2025
    ]
    assert by_month.rows == [
        ["April 2024", 1, 1, 100.0, 0, 0, 0],
        ["May 2024", 0, 0, None, 0, 0, 0],
        ["June 2024", 1, 0, 0.0, 0, 1, 0],
        ["July 2024", 1, 1, 100.0, 0, 0, 0],  # A1 distributed on its due date
        ["August 2024", 2, 2, 100.0, 0, 0, 0],
        ["September 2024", 0, 0, None, 0, 0, 0],
        ["October 2024", 2, 1, 50.0, 1, 0, 0],  # A2 distributed a day late
        ["November 2024", 1, 1, 100.0, 0, 0, 0],
        ["December 2024", 0, 0, None, 0, 0, 0],
        ["January 2025", 0, 0, None, 0, 0, 0],
        ["February 2025", 0, 0, None, 0, 0, 0],
        ["March 2025", 1, 0, None, 0, 0, 1],
        ["Total", 9, 6, 75.0, 1, 1, 1],
    ]
    assert section.headline == [
        ("Records distributed within 20 working days", "75%"),
        ("Records overdue, not yet distributed", "1"),
    ]


def test_once_the_record_is_due_it_counts_as_overdue(authority):
    """On 24 April 2025 F1's record (due 23 April) is overdue: 6 of 9 in time."""
    trend = run(Scope(today=D(2025, 4, 24)))["records"].tables[0]
    assert trend.rows[2:] == [
        ["% distributed within 20 working days", 75.0, 66.7],
        ["Records distributed late", 1, 1],
        ["Not yet distributed: overdue", 0, 2],
        ["Not yet distributed: not yet due", 0, 0],
    ]


def test_the_footprint_section(authority):
    section = run()["footprint"]
    (table,) = section.tables
    assert table.columns == ["Recorded by the IROs", "2023-24", "2024-25"]
    assert table.rows == [
        ["Visits to children", 1, 3],
        ["Visits where the child was seen alone", 0, 2],
        ["Children visited", 1, 3],
        ["Midway reviews", 1, 1],
        ["Case notes", 0, 2],
        ["Reviews held", 4, 9],
    ]
    assert section.headline == [("Visits to children", "3"), ("Midway reviews", "1"), ("Case notes", "2")]


def test_the_sections_in_order(authority):
    sections = reviews.sections(YEARS, scope=Scope(today=TODAY))
    assert [(s.key, s.title) for s in sections] == [
        ("reviews", "Reviews"),
        ("participation", "Participation"),
        ("records", "Review records"),
        ("footprint", "The IRO's footprint"),
    ]


def test_scoped_to_one_iro(authority):
    """Ben chaired only D4 (2024-25), visited Dan once and wrote one case note: 2023-24 drops out."""
    sections = run(Scope(iro_id=authority.ben.pk, today=TODAY))
    t = tables(sections["reviews"])
    assert t["reviews_trend"].columns == ["Measure", "2024-25"]
    assert t["reviews_trend"].rows == [
        ["Reviews held", 1],
        ["Held within timescale", 0],
        ["% held within timescale", 0.0],
        ["Held out of timescale", 1],
        ["Booked reviews cancelled", 0],
    ]
    assert t["late_review_reasons"].rows == [["Child unwell", 1], ["Social worker unavailable", 1]]
    assert t["review_cancellations"].rows == [["Total", 0]]
    assert sections["participation"].tables[0].rows[2] == [
        "PN2: Child physically attends and an advocate speaks on their behalf",
        1,
    ]
    assert sections["records"].tables[0].rows == [
        ["Reviews held", 1],
        ["Records distributed within 20 working days", 1],
        ["% distributed within 20 working days", 100.0],
        ["Records distributed late", 0],
        ["Not yet distributed: overdue", 0],
        ["Not yet distributed: not yet due", 0],
    ]
    assert sections["footprint"].tables[0].rows == [
        ["Visits to children", 1],
        ["Visits where the child was seen alone", 1],
        ["Children visited", 1],
        ["Midway reviews", 0],
        ["Case notes", 1],
        ["Reviews held", 1],
    ]


def test_scoped_to_a_team_with_nobody_in_it(authority):
    """An empty team keeps the report's year, with nothing in it."""
    south = TeamFactory(name="South team")
    make_iro(username="iro_s", first_name="Sam", last_name="South", team=south)
    sections = run(Scope(team_id=south.pk, today=TODAY))
    trend = tables(sections["reviews"])["reviews_trend"]
    assert trend.columns == ["Measure", "2024-25"]
    assert trend.rows == [
        ["Reviews held", 0],
        ["Held within timescale", 0],
        ["% held within timescale", None],
        ["Held out of timescale", 0],
        ["Booked reviews cancelled", 0],
    ]
    assert sections["participation"].tables[0].rows[-1] == ["Total", 0]
    assert sections["records"].headline[0] == ("Records distributed within 20 working days", "none")
    assert sections["footprint"].tables[0].columns == ["Recorded by the IROs", "2024-25"]


def test_scoped_to_the_team_of_the_iros(authority, team):
    assert tables(run(Scope(team_id=team.pk, today=TODAY))["reviews"])["reviews_trend"].rows[0] == [
        "Reviews held",
        4,
        9,
    ]


def test_a_year_in_progress_counts_to_date(authority):
    """On 15 November 2024: held E3 C1 A1 D3 C2 E4 A2 (D4 is on 20 November), 6 in time; months
    from December on are still to come; no cancellation yet. Records as on that day: C1 overdue,
    A2 late, the other 5 in time: 5 of 7. Visits: Cara, Amy and Dan (on 15 November itself)."""
    sections = run(Scope(today=D(2024, 11, 15)))
    t = tables(sections["reviews"])
    assert t["reviews_trend"].rows[:4] == [
        ["Reviews held", 4, 7],
        ["Held within timescale", 3, 6],
        ["% held within timescale", 75.0, 85.7],
        ["Held out of timescale", 1, 1],
    ]
    assert t["reviews_trend"].rows[4] == ["Booked reviews cancelled", 1, 0]
    assert "2024-25 is to 15 November 2024" in t["reviews_trend"].note
    assert t["reviews_by_month"].rows[6:] == [
        ["October 2024", 2, 1, 50.0],
        ["November 2024", 0, 0, None],
        ["December 2024", None, None, None],
        ["January 2025", None, None, None],
        ["February 2025", None, None, None],
        ["March 2025", None, None, None],
        ["Year to date", 7, 6, 85.7],
    ]
    assert t["reviews_by_quarter"].rows == [
        ["Quarter 1 (April to June)", 2, 2, 100.0],
        ["Quarter 2 (July to September)", 3, 3, 100.0],
        ["Quarter 3 (October to December)", 2, 1, 50.0],
        ["Quarter 4 (January to March)", None, None, None],
        ["Year to date", 7, 6, 85.7],
    ]
    assert t["late_reviews"].rows[-1] == ["Year to date", 1, 1, 1.0, 1, "Social worker unavailable (1)"]
    assert sections["records"].tables[0].rows[1:] == [
        ["Records distributed within 20 working days", 3, 5],
        ["% distributed within 20 working days", 75.0, 71.4],
        ["Records distributed late", 1, 1],
        ["Not yet distributed: overdue", 0, 1],
        ["Not yet distributed: not yet due", 0, 0],
    ]
    assert sections["footprint"].tables[0].rows[0] == ["Visits to children", 1, 3]


def test_a_review_with_no_due_date_is_counted_apart(authority):
    """A review imported without its due dates (Gus, 5 March 2025) is held, but neither in nor out
    of timescale, and its record neither in time nor late: the percentages leave it out (6 of 9
    reviews; 6 of 8 records)."""
    gus = make_child_in_care(iro=authority.ada, looked_after_on=D(2024, 9, 2), first_name="Gus")
    Review.objects.create(
        child=gus,
        chair=authority.ada,
        created_by=authority.ada,
        status="held",
        held_on=D(2025, 3, 5),
        participation_code="PN1",
        parents_participation="attended",
    )
    sections = run()
    t = tables(sections["reviews"])
    assert t["reviews_trend"].rows == [
        ["Reviews held", 4, 10],
        ["Held within timescale", 3, 6],
        ["% held within timescale", 75.0, 66.7],
        ["Held out of timescale", 1, 3],
        ["Held with no due date recorded", 0, 1],
        ["Booked reviews cancelled", 1, 2],
    ]
    assert "neither in nor out of timescale" in t["reviews_trend"].note
    assert t["reviews_by_month"].rows[-2:] == [["March 2025", 2, 0, 0.0], ["Total", 10, 6, 66.7]]
    assert t["reviews_by_quarter"].rows[-2] == ["Quarter 4 (January to March)", 2, 0, 0.0]
    assert sections["records"].tables[0].rows == [
        ["Reviews held", 4, 10],
        ["Records distributed within 20 working days", 3, 6],
        ["% distributed within 20 working days", 75.0, 75.0],
        ["Records distributed late", 1, 1],
        ["Not yet distributed: overdue", 0, 1],
        ["Not yet distributed: not yet due", 0, 1],
        ["No due date recorded", 0, 1],
    ]


def test_links_go_to_the_records_behind_each_figure(authority):
    t = tables(run()["reviews"])
    base = "/reporting/records/"
    assert t["reviews_by_month"].links["April 2024"] == f"{base}?kind=reviews&year=2024-25&month=4"
    assert t["reviews_by_month"].links["Total"] == f"{base}?kind=reviews&year=2024-25"
    assert len(t["reviews_by_month"].links) == 13
    assert t["reviews_trend"].links == {
        "Reviews held": f"{base}?kind=reviews&year=2024-25",
        "Held within timescale": f"{base}?kind=reviews&year=2024-25&in_time=1",
        "Held out of timescale": f"{base}?kind=late_reviews&year=2024-25",
    }
    assert t["late_reviews"].links == {
        "October 2024": f"{base}?kind=late_reviews&year=2024-25&month=10",
        "November 2024": f"{base}?kind=late_reviews&year=2024-25&month=11",
        "March 2025": f"{base}?kind=late_reviews&year=2024-25&month=3",
        "Total": f"{base}?kind=late_reviews&year=2024-25",
    }
    participation = run(Scope(iro_id=authority.ada.pk, today=TODAY))["participation"].tables[0]
    assert participation.links["PN0: Child aged under 4 at the time of the review"] == (
        f"{base}?kind=participation&year=2024-25&code=PN0&iro={authority.ada.pk}"
    )
    assert len(participation.links) == 8
    records = run()["records"].tables
    assert records[0].links == {
        "Records distributed late": f"{base}?kind=records_late&year=2024-25",
        "Not yet distributed: overdue": f"{base}?kind=records_late&year=2024-25",
    }
    assert records[1].links == {
        "June 2024": f"{base}?kind=records_late&year=2024-25&month=6",
        "October 2024": f"{base}?kind=records_late&year=2024-25&month=10",
    }


def bulk(authority, count: int) -> None:
    """``count`` more held reviews (a few late, some postponed, records in every state), cancellations,
    visits, midway reviews and case notes, spread over 2023-24 and 2024-25."""
    ada = authority.ada
    child = make_child_in_care(iro=ada, looked_after_on=D(2023, 4, 3), first_name="Bulk")
    made = Review.objects.bulk_create(
        Review(
            child=child,
            chair=ada,
            created_by=ada,
            status="held",
            review_type="subsequent",
            held_on=D(2023, 4, 3) + dt.timedelta(days=n % 700),
            due_on=D(2023, 4, 3) + dt.timedelta(days=n % 700 + (-3 if n % 5 else 4)),
            participation_code=f"PN{n % 8}",
            parents_participation="attended",
            record_due_on=D(2023, 4, 30) + dt.timedelta(days=n % 700),
            record_distributed_on=None if n % 7 == 0 else D(2023, 4, 20) + dt.timedelta(days=n % 700 + n % 20),
        )
        for n in range(count)
    )

    def date_change(review, kind, from_date, reason):
        return ReviewDateChange(
            review=review, kind=kind, from_date=from_date, reason=reason, iro_consented=True, changed_by=ada
        )

    ReviewDateChange.objects.bulk_create(
        date_change(review, "postponed", review.held_on, f"Reason {n % 4}")
        for n, review in enumerate(made)
        if n % 3 == 0
    )
    cancelled_reviews = Review.objects.bulk_create(
        Review(
            child=child,
            chair=ada,
            created_by=ada,
            status="cancelled",
            booked_for=D(2023, 5, 1) + dt.timedelta(days=n % 600),
            cancelled_on=D(2023, 4, 20) + dt.timedelta(days=n % 600),
        )
        for n in range(count // 10)
    )
    ReviewDateChange.objects.bulk_create(
        date_change(review, "cancelled", review.booked_for, f"Cancel {n % 3}")
        for n, review in enumerate(cancelled_reviews)
    )
    Visit.objects.bulk_create(
        Visit(child=child, iro=ada, visited_on=D(2023, 4, 3) + dt.timedelta(days=n % 700), notes="v")
        for n in range(count)
    )
    MidwayReview.objects.bulk_create(
        MidwayReview(child=child, iro=ada, held_on=D(2023, 4, 3) + dt.timedelta(days=n % 700)) for n in range(count)
    )
    CaseNote.objects.bulk_create(
        CaseNote(child=child, author=ada, written_on=D(2023, 4, 3) + dt.timedelta(days=n % 700), text="n")
        for n in range(count)
    )


@pytest.mark.parametrize("size", [0, 600])
@pytest.mark.parametrize("scope", ["service", "iro", "team"])
def test_a_fixed_number_of_queries_whatever_the_number_of_reviews(
    authority, team, django_assert_max_num_queries, request, size, scope
):
    bulk(authority, size)
    assert Review.objects.count() == 16 + size + size // 10
    scope = {
        "service": Scope(today=TODAY),
        "iro": Scope(iro_id=authority.ada.pk, today=TODAY),
        "team": Scope(team_id=team.pk, today=TODAY),
    }[scope]
    with django_assert_max_num_queries(11) as captured:
        sections = reviews.sections(YEARS, scope=scope)
    # the yearly counts, the months, late and cancelled reasons, 2 codes, 3 footprint; the reviews
    # due per year and per month due
    assert len(captured) == 11
    request.node.user_properties.append(("queries", len(captured)))
    held = tables(by_key(sections)["reviews"])["reviews_trend"].rows[0]
    in_scope = Review.objects.filter(status="held", held_on__gte=D(2023, 4, 1), held_on__lte=D(2025, 3, 31))
    if scope.iro_id:
        in_scope = in_scope.filter(chair=authority.ada)
    assert sum(held[1:]) == in_scope.count()
