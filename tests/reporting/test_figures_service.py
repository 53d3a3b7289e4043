"""reporting.figures.service: the section "The IRO service", checked against a small authority
whose every figure is worked out by hand below.

Report year 2024-25; TODAY is 30 June 2025, so 2024-25 is a past year and its caseloads are
counted on 31 March 2025. An allocation holds a child from its start up to, not including, its
end (the services end the old allocation on the day the new one starts or care ends).

IROs (FTE, team):
  Ada Okafor 1.00 North; Ben Harris 1.00 North; Priya Shah 0.60 North (band 30-42);
  Omar Quayle 0.10 North (band 5-7); Zoe Underwood 0.10 South (band 5-7);
  Len Gone 1.00 North, no longer active (left the service).

Children and their allocations:
  A1  Ada from 1 Sep 2023 (care starts), open.
  A2  Ada 1 Sep 2023 to 1 Feb 2024 (left care); back in care 15 Jul 2024 with Ada; Priya from
      1 Oct 2024: a change of IRO in 2024-25. Re-entering care is not a change.
  A3  Len from 1 Jun 2023; Ada from 1 Dec 2023: a change of IRO in 2023-24.
  A4  Ada 1 Apr 2024 to 31 Mar 2025 (left care that day, so not held on 31 March).
  P1  Priya from 1 May 2023, open.          P2  Priya from 1 May 2024, open.
  R   Priya 1 May 2023 to 1 Nov 2024 (left care); back in care the same day with Ben: a new
      period of care, so not a change of IRO even though Ben took over from Priya that day.
  L2  Len 1 Jun 2023 to 1 Mar 2024 (left care).
  Z1-Z6  Zoe from 1 Jan 2025.               O1-O8  Omar from 1 Mar 2025.

2023-24 (nobody held a child before May 2023, so 2020-21 to 2022-23 are left out):
  IROs who held a child: Ada, Priya, Len = 3; FTE 1 + 0.6 + 1 = 2.6.
  On 31 Mar 2024: Ada A1 A3 = 2 (2.0 per FTE), Priya P1 R = 2 (3.3 per FTE); Len none, so he is
  not in the year-end figures. 4 children over 1.6 FTE = 2.5; lowest 2.0, highest 3.3; both under.
  Changes of IRO: A3 = 1.
2024-25:
  IROs who held a child: Ada, Ben, Omar, Priya, Zoe = 5 (Len held none); FTE 1+1+0.1+0.6+0.1 = 2.8.
  On 31 Mar 2025: Ben R = 1 (1.0), Ada A1 A3 = 2 (2.0), Omar 8 (80.0, over 5-7), Priya P1 P2 A2 = 3
  (5.0), Zoe 6 (60.0, within 5-7). 20 children over 2.8 FTE = 7.1; lowest 1.0, highest 80.0;
  within 1, over 1, under 3. Changes of IRO: A2 = 1.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from children.models import CareEpisode, Child, IROAllocation
from iro_service.periods import ReportingYear
from reporting.figures import Scope, service
from reporting.figures.report import report_years
from tests.factories import ChildFactory, TeamFactory, care_episode, make_care_episode, make_child_in_care, make_iro

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 6, 30)
YEAR = ReportingYear(2024)
YEARS = report_years(YEAR)  # 2020-21 ... 2024-25
MEASURES = [
    "IROs",
    "Full-time equivalent (FTE)",
    "Children allocated at year end",
    "Average caseload per FTE",
    "Lowest caseload per FTE",
    "Highest caseload per FTE",
    "IROs within their caseload band",
    "IROs over their caseload band",
    "IROs under their caseload band",
    "Changes of IRO",
]


def leave_care(child: Child, on: dt.date) -> None:
    CareEpisode.objects.filter(child=child, ended_on__isnull=True).update(ended_on=on, reason_ceased="E13")
    IROAllocation.objects.filter(child=child, ended_on__isnull=True).update(ended_on=on)


def return_to_care(child: Child, on: dt.date, iro) -> None:
    make_care_episode(child, started_on=on)
    IROAllocation.objects.create(child=child, iro=iro, started_on=on)


def reallocate(child: Child, on: dt.date, iro) -> None:
    IROAllocation.objects.filter(child=child, ended_on__isnull=True).update(ended_on=on)
    IROAllocation.objects.create(child=child, iro=iro, started_on=on, reason="Caseload balance")


@pytest.fixture
def staff(iro, other_iro, part_time_iro, team):
    south = TeamFactory(name="South team")
    return {
        "ada": iro,
        "ben": other_iro,
        "priya": part_time_iro,
        "omar": make_iro(username="iro_o", first_name="Omar", last_name="Quayle", fte="0.10", team=team),
        "zoe": make_iro(username="iro_z", first_name="Zoe", last_name="Underwood", fte="0.10", team=south),
        "len": make_iro(username="iro_l", first_name="Len", last_name="Gone", team=team, is_active=False),
        "north": team,
        "south": south,
    }


@pytest.fixture
def authority(staff):
    ada, ben, priya, omar, zoe, len_ = (staff[k] for k in ("ada", "ben", "priya", "omar", "zoe", "len"))
    make_child_in_care(iro=ada, looked_after_on=D(2023, 9, 1), first_name="A1")
    a2 = make_child_in_care(iro=ada, looked_after_on=D(2023, 9, 1), first_name="A2")
    leave_care(a2, D(2024, 2, 1))
    return_to_care(a2, D(2024, 7, 15), ada)
    reallocate(a2, D(2024, 10, 1), priya)
    a3 = make_child_in_care(iro=len_, looked_after_on=D(2023, 6, 1), first_name="A3")
    reallocate(a3, D(2023, 12, 1), ada)
    a4 = make_child_in_care(iro=ada, looked_after_on=D(2024, 4, 1), first_name="A4")
    leave_care(a4, D(2025, 3, 31))
    make_child_in_care(iro=priya, looked_after_on=D(2023, 5, 1), first_name="P1")
    make_child_in_care(iro=priya, looked_after_on=D(2024, 5, 1), first_name="P2")
    r = make_child_in_care(iro=priya, looked_after_on=D(2023, 5, 1), first_name="R")
    leave_care(r, D(2024, 11, 1))
    return_to_care(r, D(2024, 11, 1), ben)
    l2 = make_child_in_care(iro=len_, looked_after_on=D(2023, 6, 1), first_name="L2")
    leave_care(l2, D(2024, 3, 1))
    for n in range(6):
        make_child_in_care(iro=zoe, looked_after_on=D(2025, 1, 1), first_name=f"Z{n + 1}")
    for n in range(8):
        make_child_in_care(iro=omar, looked_after_on=D(2025, 3, 1), first_name=f"O{n + 1}")
    return staff


def run(scope: Scope):
    (section,) = service.sections(YEARS, scope=scope)
    assert (section.key, section.title) == ("service", "The IRO service")
    trend, caseloads = section.tables
    assert (trend.key, caseloads.key) == ("iro_service", "iro_caseloads")
    assert [row[0] for row in trend.rows] == MEASURES
    return section, trend, caseloads


def children_url(user) -> str:
    return f"/children/?iro={user.pk}"


def test_the_iro_service_over_the_years(authority):
    section, trend, caseloads = run(Scope(today=TODAY))
    assert trend.columns == ["Measure", "2023-24", "2024-25"]
    assert [row[1:] for row in trend.rows] == [
        [3, 5],  # IROs
        [2.6, 2.8],  # FTE
        [4, 20],  # children at year end
        [2.5, 7.1],  # average per FTE
        [2.0, 1.0],  # lowest
        [3.3, 80.0],  # highest
        [0, 1],  # within
        [0, 1],  # over
        [2, 3],  # under
        [1, 1],  # changes of IRO
    ]
    assert "no history of FTE" in trend.note
    assert caseloads.title == "Caseload of each IRO on 31 March 2025"
    assert caseloads.columns == ["IRO", "FTE", "Children", "Caseload band", "Against the band"]
    assert caseloads.rows == [
        ["Ben Harris", 1.0, 1, "50-70", "Under"],
        ["Ada Okafor", 1.0, 2, "50-70", "Under"],
        ["Omar Quayle", 0.1, 8, "5-7", "Over"],
        ["Priya Shah", 0.6, 3, "30-42", "Under"],
        ["Zoe Underwood", 0.1, 6, "5-7", "Within"],
        ["Total", 2.8, 20, "", ""],
    ]
    assert caseloads.links == {
        "Ben Harris": children_url(authority["ben"]),
        "Ada Okafor": children_url(authority["ada"]),
        "Omar Quayle": children_url(authority["omar"]),
        "Priya Shah": children_url(authority["priya"]),
        "Zoe Underwood": children_url(authority["zoe"]),
    }
    assert "not on that date" in caseloads.note  # the children list shows today's caseload
    assert section.headline == [
        ("IROs", "5"),
        ("Full-time equivalent", "2.8"),
        ("Average caseload per FTE", "7.1"),
        ("Caseload range per FTE", "1 to 80"),
        ("Changes of IRO", "1"),
    ]


def test_a_year_in_progress_counts_the_iros_in_post_and_caseloads_today(authority):
    """On 15 November 2024 the IROs in post are the five active ones (Len has left): Ada holds A1 A3
    A4 = 3, Priya P1 P2 A2 = 3, Ben R = 1, Omar and Zoe none yet: 7 children over 2.8 FTE = 2.5, all
    five under their band, lowest 0, highest 5.0. A2's change on 1 October is the only one so far."""
    section, trend, caseloads = run(Scope(today=D(2024, 11, 15)))
    assert trend.columns == ["Measure", "2023-24", "2024-25"]
    assert [row[1:] for row in trend.rows] == [
        [3, 5],
        [2.6, 2.8],
        [4, 7],
        [2.5, 2.5],
        [2.0, 0.0],
        [3.3, 5.0],
        [0, 0],
        [0, 0],
        [2, 5],
        [1, 1],
    ]
    assert "2024-25 is to 15 November 2024" in trend.note
    assert caseloads.title == "Caseload of each IRO on 15 November 2024"
    assert caseloads.rows == [
        ["Ben Harris", 1.0, 1, "50-70", "Under"],
        ["Ada Okafor", 1.0, 3, "50-70", "Under"],
        ["Omar Quayle", 0.1, 0, "5-7", "Under"],
        ["Priya Shah", 0.6, 3, "30-42", "Under"],
        ["Zoe Underwood", 0.1, 0, "5-7", "Under"],
        ["Total", 2.8, 7, "", ""],
    ]
    assert "not on that date" not in caseloads.note
    assert section.headline[3] == ("Caseload range per FTE", "0 to 5")


def test_scoped_to_a_team(authority):
    """South team is Zoe alone, who held nobody in 2023-24."""
    section, trend, caseloads = run(Scope(team_id=authority["south"].pk, today=TODAY))
    assert trend.columns == ["Measure", "2024-25"]
    assert [row[1:] for row in trend.rows] == [[1], [0.1], [6], [60.0], [60.0], [60.0], [1], [0], [0], [0]]
    assert caseloads.rows == [["Zoe Underwood", 0.1, 6, "5-7", "Within"], ["Total", 0.1, 6, "", ""]]


def test_scoped_to_one_iro(authority):
    """Priya: 2 children on 31 March 2024 (3.3 per FTE), 3 on 31 March 2025 (5.0); A2 came to her."""
    section, trend, caseloads = run(Scope(iro_id=authority["priya"].pk, today=TODAY))
    assert trend.columns == ["Measure", "2023-24", "2024-25"]
    assert [row[1:] for row in trend.rows] == [
        [1, 1],
        [0.6, 0.6],
        [2, 3],
        [3.3, 5.0],
        [3.3, 5.0],
        [3.3, 5.0],
        [0, 0],
        [0, 0],
        [1, 1],
        [0, 1],
    ]
    assert caseloads.rows == [["Priya Shah", 0.6, 3, "30-42", "Under"], ["Total", 0.6, 3, "", ""]]
    assert caseloads.links == {"Priya Shah": children_url(authority["priya"])}


def test_an_authority_with_no_records_keeps_the_report_year_only(db):
    section, trend, caseloads = run(Scope(today=TODAY))
    assert trend.columns == ["Measure", "2024-25"]
    assert [row[1:] for row in trend.rows] == [[0], [None], [0], [None], [None], [None], [0], [0], [0], [0]]
    assert caseloads.rows == [["Total", 0.0, 0, "", ""]]
    assert section.headline == [
        ("IROs", "0"),
        ("Full-time equivalent", "none"),
        ("Average caseload per FTE", "none"),
        ("Caseload range per FTE", "none"),
        ("Changes of IRO", "0"),
    ]


def bulk(staff, count: int) -> None:
    """``count`` more children, each with a first allocation and, for one in three, a change of IRO."""
    iros = [staff["ada"], staff["ben"], staff["priya"], staff["omar"]]
    children = Child.objects.bulk_create(
        ChildFactory.build(local_reference=f"B{n:05d}", first_name=f"Bulk{n}") for n in range(count)
    )
    start = [D(2021, 4, 1) + dt.timedelta(days=n % 1400) for n in range(count)]
    CareEpisode.objects.bulk_create(care_episode(child, started_on=start[n]) for n, child in enumerate(children))
    changed = {n: start[n] + dt.timedelta(days=30) for n in range(count) if n % 3 == 0}
    IROAllocation.objects.bulk_create(
        [
            *(
                IROAllocation(child=child, iro=iros[n % 4], started_on=start[n], ended_on=changed.get(n))
                for n, child in enumerate(children)
            ),
            *(IROAllocation(child=children[n], iro=iros[(n + 1) % 4], started_on=on) for n, on in changed.items()),
        ]
    )


@pytest.mark.parametrize("size", [0, 400])
@pytest.mark.parametrize("scope", ["service", "iro", "team"])
def test_a_fixed_number_of_queries_whatever_the_number_of_children(
    authority, django_assert_max_num_queries, request, size, scope
):
    bulk(authority, size)
    assert Child.objects.count() == 22 + size
    scope = {
        "service": Scope(today=TODAY),
        "iro": Scope(iro_id=authority["ada"].pk, today=TODAY),
        "team": Scope(team_id=authority["north"].pk, today=TODAY),
    }[scope]
    with django_assert_max_num_queries(2) as captured:
        (section,) = service.sections(YEARS, scope=scope)
    assert len(captured) == 2  # one row per IRO with their counts per year; the changes of IRO
    request.node.user_properties.append(("queries", len(captured)))
    if scope.iro_id is None and scope.team_id is None:
        on_31_march = IROAllocation.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=D(2025, 3, 31)), started_on__lte=D(2025, 3, 31)
        ).count()
        assert section.tables[0].rows[2][-1] == on_31_march
