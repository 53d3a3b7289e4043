"""The "Children looked after" section of the annual report (reporting.figures.cohort).

The hand-built authority (``town``), recorded through the children services. The report's year
is 2024-25 with the four years before it; today is 30 June 2025, so every year is complete.
IROs: Ada and Ben (North team), Sam (South team). Ages are whole years on the year-end day.

Amy   F, WBRI, born 15 Jun 2010. Looked after from 1 May 2019 (C2, U4 foster care, 3 miles), Ada.
      1 Jul 2024 P: C2, U6, 25 miles. 1 Sep 2024 reallocated to Ben.
      2 Dec 2024 U: E1 placement order, A5 placed for adoption, 25 miles.
      Placements in 2024-25: the one on 1 April 2024 + P + U = 3 (every earlier year: 1).
      Time in care on 31 March: 2021 1y11m (1-2), 2022 2y11m, 2023 3y11m, 2024 4y11m (2-5),
      2025 5y11m (5+). Age 10, 11, 12, 13, 14: always 10 to 15.
Bilal M, BAFR, UASC, born 1 Sep 2007. From 10 Oct 2023 (V2, H5, exactly 20 miles: not "more
      than 20"), Ben. 31 Mar 2024: 16, under 1 year; 31 Mar 2025: 17, 1 to 2 years.
Cara  F, MWBC, born 20 Feb 2015: re-entered care. 1 Jun 2022 (V2, U6) to 15 Dec 2022, returned
      home (E4A); again from 10 Jan 2024 (C1, U6), Ada. Timed from 10 Jan 2024: under 1 year in
      2024 (not 1 to 2 from June 2022), 1 to 2 years in 2025 (not 2 to 5). Age 9, then 10.
Dan   M, WBRI, born 1 Mar 2021. 3 Apr 2023 (E1, A6), Ada; adopted (E11) on Sunday 31 March
      2024: a leaver of 2023-24 and NOT looked after on 31 March 2024.
Eve   F, AIND, born 8 Aug 2012. 1 Jun 2023 (C2, U3), Ada; special guardianship (E45) 15 Nov 2024.
      31 Mar 2024: 11, under 1 year.
Finn  M, CHNE (Other), born 20 Jan 2018. 1 Sep 2023 (C1, P1 placed with parents), Ada; child
      arrangements order (E41) 20 May 2024. 31 Mar 2024: 6, under 1 year.
Gus   U, NOBT, born 1 Dec 2024. 5 Jan 2025 (L2 emergency protection, R3, distance not recorded),
      Sam. 31 Mar 2025: under 1, under 1 year.

Looked after on 31 March: 2021 Amy; 2022 Amy; 2023 Amy; 2024 Amy Bilal Cara Eve Finn (5);
2025 Amy Bilal Cara Gus (4). Left care: 2022-23 Cara (E4A); 2023-24 Dan (adoption); 2024-25
Finn (CAO) and Eve (SGO). Population entered for 2024-25 only: 15,000, so the rate is
4 × 10,000 / 15,000 = 2.67, rounded to 3; the other years say "not entered".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from children import services
from children.codes import Ethnicity
from children.models import CareEpisode, Child
from iro_service.periods import ReportingYear
from reporting.figures import Scope
from reporting.figures.cohort import ETHNICITY_GROUPS, rate_per_10000, sections
from reporting.figures.report import report_years
from reporting.models import ChildPopulation
from tests.factories import TeamFactory, create_child, make_care_episode, make_child_in_care, make_iro
from tests.reporting.report_samples import rows, tables

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)
YEARS = report_years(ReportingYear(2024))  # 2020-21 ... 2024-25
ALL_YEARS = ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def add_child(manager, iro, ref, *, dob, sex, ethnicity, on, legal, place, miles=None, uasc=False):
    return create_child(
        by=manager,
        iro=iro,
        today=TODAY,
        local_reference=ref,
        first_name=ref,
        last_name="Test",
        date_of_birth=d(dob),
        sex=sex,
        ethnicity=ethnicity,
        is_uasc=uasc,
        looked_after_on=d(on),
        legal_status=legal,
        placement_type=place,
        distance_from_home_miles=None if miles is None else Decimal(miles),
    )


def change(manager, child, on, reason, legal, place, miles):
    services.episode_change(
        child=child,
        by=manager,
        changed_on=d(on),
        reason_new_episode=reason,
        legal_status=legal,
        placement_type=place,
        placement_provider="PR4",
        category_of_need="N1",
        distance_from_home_miles=Decimal(miles),
        today=TODAY,
    )


def leave(manager, child, on, reason):
    services.care_period_end(child=child, by=manager, ended_on=d(on), reason_ceased=reason, today=TODAY)


@pytest.fixture
def sam(db):
    return make_iro(username="iro_s", first_name="Sam", last_name="Cole", team=TeamFactory(name="South team"))


@pytest.fixture
def town(manager, iro, other_iro, sam):
    assert not Child.objects.exists(), "these figures need an empty database (no demo town)"
    amy = add_child(manager, iro, "Amy", dob="2010-06-15", sex="F", ethnicity="WBRI", on="2019-05-01", legal="C2",
                    place="U4", miles="3")  # fmt: skip
    change(manager, amy, "2024-07-01", "P", "C2", "U6", "25")
    services.allocation_change(
        child=amy, by=manager, iro=other_iro, starts_on=d("2024-09-01"), reason="Caseload balance", today=TODAY
    )
    change(manager, amy, "2024-12-02", "U", "E1", "A5", "25")
    add_child(manager, other_iro, "Bilal", dob="2007-09-01", sex="M", ethnicity="BAFR", on="2023-10-10", legal="V2",
              place="H5", miles="20", uasc=True)  # fmt: skip
    cara = add_child(manager, iro, "Cara", dob="2015-02-20", sex="F", ethnicity="MWBC", on="2022-06-01", legal="V2",
                     place="U6", miles="4")  # fmt: skip
    leave(manager, cara, "2022-12-15", "E4A")
    services.care_period_start(
        child=cara,
        by=manager,
        started_on=d("2024-01-10"),
        iro=iro,
        legal_status="C1",
        placement_type="U6",
        placement_provider="PR1",
        category_of_need="N1",
        distance_from_home_miles=Decimal("6"),
        today=TODAY,
    )
    dan = add_child(manager, iro, "Dan", dob="2021-03-01", sex="M", ethnicity="WBRI", on="2023-04-03", legal="E1",
                    place="A6", miles="8")  # fmt: skip
    leave(manager, dan, "2024-03-31", "E11")
    eve = add_child(manager, iro, "Eve", dob="2012-08-08", sex="F", ethnicity="AIND", on="2023-06-01", legal="C2",
                    place="U3", miles="5")  # fmt: skip
    leave(manager, eve, "2024-11-15", "E45")
    finn = add_child(manager, iro, "Finn", dob="2018-01-20", sex="M", ethnicity="CHNE", on="2023-09-01", legal="C1",
                     place="P1", miles="0")  # fmt: skip
    leave(manager, finn, "2024-05-20", "E41")
    add_child(manager, sam, "Gus", dob="2024-12-01", sex="U", ethnicity="NOBT", on="2025-01-05", legal="L2",
              place="R3")  # fmt: skip
    ChildPopulation.objects.create(start_year=2024, children_under_18=15_000, source="ONS mid-2024")


def section(scope: Scope, years=YEARS):
    (result,) = sections(years, scope=scope)
    assert result.key == "cohort"
    assert result.title == "Children looked after"
    return result


def test_every_figure_for_the_whole_service(town):
    result = section(Scope(today=TODAY))
    by_key = tables(result)
    assert list(by_key) == [
        "cohort",
        "cohort_gender",
        "cohort_age",
        "cohort_ethnicity",
        "cohort_legal_status",
        "cohort_placement_type",
        "cohort_time_in_care",
        "cohort_stability",
        "cohort_exits",
    ]
    # Amy was looked after at every year end, so every table keeps all five years.
    for table in result.tables:
        assert table.columns[1:] == ALL_YEARS, table.key
        assert table.links == {}, "past year ends have no list to link to"

    assert rows(by_key["cohort"]) == {
        "Children looked after": [1, 1, 1, 5, 4],
        "Rate per 10,000 children": [None, None, None, None, 3],
        "Unaccompanied asylum-seeking children (UASC)": [0, 0, 0, 1, 1],
        "UASC (% of children looked after)": [0.0, 0.0, 0.0, 20.0, 25.0],
        "Adopted in the year": [0, 0, 0, 1, 0],
    }
    assert rows(by_key["cohort_gender"]) == {
        "Male": [0, 0, 0, 2, 1],  # Bilal, Finn; then Bilal
        "Female": [1, 1, 1, 3, 2],  # Amy; Amy Cara Eve; Amy Cara
        "Not known or indeterminate": [0, 0, 0, 0, 1],  # Gus
    }
    assert rows(by_key["cohort_age"]) == {
        "Under 1": [0, 0, 0, 0, 1],  # Gus
        "1 to 4": [0, 0, 0, 0, 0],
        "5 to 9": [0, 0, 0, 2, 0],  # Cara 9, Finn 6
        "10 to 15": [1, 1, 1, 2, 2],  # Amy; Amy Eve; Amy Cara (10 on 20 Feb 2025)
        "16 and over": [0, 0, 0, 1, 1],  # Bilal
    }
    assert rows(by_key["cohort_ethnicity"]) == {
        "White": [1, 1, 1, 1, 1],  # Amy (Dan left on 31 March 2024)
        "Mixed": [0, 0, 0, 1, 1],  # Cara
        "Asian or Asian British": [0, 0, 0, 1, 0],  # Eve
        "Black or Black British": [0, 0, 0, 1, 1],  # Bilal
        "Other ethnic group": [0, 0, 0, 1, 0],  # Finn (CHNE)
        "Not known": [0, 0, 0, 0, 1],  # Gus (NOBT)
    }
    assert rows(by_key["cohort_legal_status"]) == {
        "Care order (interim or full)": [1, 1, 1, 4, 1],  # Amy Cara Eve Finn; then Cara
        "Placement order": [0, 0, 0, 0, 1],  # Amy, E1 from 2 Dec 2024
        "Section 20": [0, 0, 0, 1, 1],  # Bilal
        "Short breaks": [0, 0, 0, 0, 0],
        "Youth justice": [0, 0, 0, 0, 0],
        "Emergency and police protection": [0, 0, 0, 0, 1],  # Gus
    }
    assert rows(by_key["cohort_placement_type"]) == {
        "Foster care": [1, 1, 1, 3, 1],  # Amy Cara Eve; then Cara
        "Placed for adoption": [0, 0, 0, 0, 1],  # Amy A5
        "Placed with parents": [0, 0, 0, 1, 0],  # Finn
        "Children's homes and residential": [0, 0, 0, 0, 1],  # Gus R3
        "Independent and supported living": [0, 0, 0, 1, 1],  # Bilal H5
        "Custody": [0, 0, 0, 0, 0],
        "Temporary": [0, 0, 0, 0, 0],
        "Other": [0, 0, 0, 0, 0],
    }
    assert rows(by_key["cohort_time_in_care"]) == {
        "Under 1 year": [0, 0, 0, 4, 1],  # Bilal Cara Eve Finn; Gus
        "1 year to under 2 years": [1, 0, 0, 0, 2],  # Amy; Bilal Cara
        "2 years to under 5 years": [0, 1, 1, 1, 0],  # Amy
        "5 years or more": [0, 0, 0, 0, 1],  # Amy
    }
    assert rows(by_key["cohort_stability"]) == {
        "Three or more placements in the year": [0, 0, 0, 0, 1],  # Amy
        "Three or more placements (% of children looked after)": [0.0, 0.0, 0.0, 0.0, 25.0],
        "Placed more than 20 miles from home": [0, 0, 0, 0, 1],  # Amy 25; Bilal's 20 is not more
        "More than 20 miles from home (% of children looked after)": [0.0, 0.0, 0.0, 0.0, 25.0],
    }
    assert rows(by_key["cohort_exits"]) == {
        "Children who left care": [0, 0, 1, 1, 2],  # Cara; Dan; Finn Eve
        "Special guardianship order": [0, 0, 0, 0, 1],
        "Child arrangements order": [0, 0, 0, 0, 1],
        "Adoption": [0, 0, 0, 1, 0],
        "Special guardianship order (% of children who left care)": [None, None, 0.0, 0.0, 50.0],
        "Child arrangements order (% of children who left care)": [None, None, 0.0, 0.0, 50.0],
        "Adoption (% of children who left care)": [None, None, 0.0, 100.0, 0.0],
    }
    assert result.headline == [
        ("Children looked after on 31 March 2025", "4"),
        ("Rate per 10,000 children", "3"),
        ("Unaccompanied asylum-seeking children", "1 (25%)"),
        ("Adopted in the year", "0"),
        ("Three or more placements in the year", "1 (25%)"),
        ("Placed more than 20 miles from home", "1 (25%)"),
    ]


def test_the_note_says_which_years_have_no_population_and_never_invents_a_rate(town):
    note = tables(section(Scope(today=TODAY)))["cohort"].note
    assert "not entered for 2020-21, 2021-22, 2022-23, 2023-24" in note
    assert "a child whose care ended that day is not counted" in note


def test_no_population_for_the_reports_year_says_not_entered(town):
    ChildPopulation.objects.filter(start_year=2024).update(children_under_18=0)
    result = section(Scope(today=TODAY))
    assert rows(tables(result)["cohort"])["Rate per 10,000 children"] == [None] * 5
    assert ("Rate per 10,000 children", "not entered") in result.headline


def test_one_iro_counts_the_children_allocated_to_them_on_each_year_end(town, iro):
    by_key = tables(section(Scope(iro_id=iro.pk, today=TODAY)))
    # Ada held Amy until 1 Sep 2024; then Cara, Eve, Finn; on 31 Mar 2025 only Cara. She held
    # every leaver on the day they left.
    assert rows(by_key["cohort"]) == {
        "Children looked after": [1, 1, 1, 4, 1],
        "Rate per 10,000 children": [None] * 5,
        "Unaccompanied asylum-seeking children (UASC)": [0, 0, 0, 0, 0],
        "UASC (% of children looked after)": [0.0, 0.0, 0.0, 0.0, 0.0],
        "Adopted in the year": [0, 0, 0, 1, 0],
    }
    assert "not shown for one IRO or team" in by_key["cohort"].note
    assert rows(by_key["cohort_time_in_care"])["1 year to under 2 years"] == [1, 0, 0, 0, 1]  # Amy; Cara
    assert rows(by_key["cohort_exits"])["Children who left care"] == [0, 0, 1, 1, 2]


def test_earlier_years_without_data_are_dropped_but_the_reports_year_is_kept(town, other_iro, sam):
    ben = tables(section(Scope(iro_id=other_iro.pk, today=TODAY)))
    # Ben: Bilal from Oct 2023, Amy too from 1 Sep 2024 (with her three placements and 25 miles).
    assert ben["cohort"].columns == ["Measure", "2023-24", "2024-25"]
    assert rows(ben["cohort"]) == {
        "Children looked after": [1, 2],
        "Rate per 10,000 children": [None, None],
        "Unaccompanied asylum-seeking children (UASC)": [1, 1],
        "UASC (% of children looked after)": [100.0, 50.0],
        "Adopted in the year": [0, 0],
    }
    assert rows(ben["cohort_stability"]) == {
        "Three or more placements in the year": [0, 1],
        "Three or more placements (% of children looked after)": [0.0, 50.0],
        "Placed more than 20 miles from home": [0, 1],
        "More than 20 miles from home (% of children looked after)": [0.0, 50.0],
    }
    assert rows(ben["cohort_exits"])["Children who left care"] == [0, 0]

    south = section(Scope(team_id=sam.iro_profile.team_id, today=TODAY))
    for table in south.tables:
        assert table.columns[1:] == ["2024-25"], table.key
    assert rows(tables(south)["cohort"])["Children looked after"] == [1]
    assert rows(tables(south)["cohort_age"])["Under 1"] == [1]
    assert rows(tables(south)["cohort_exits"])["Children who left care"] == [0]
    assert [label for label, _value in south.headline][1] == "Unaccompanied asylum-seeking children"

    north = section(Scope(team_id=other_iro.iro_profile.team_id, today=TODAY))
    assert rows(tables(north)["cohort"])["Children looked after"] == [1, 1, 1, 5, 3]  # everyone but Gus


def test_a_year_in_progress_is_counted_to_today_and_links_to_the_children_list(town, iro):
    today = dt.date(2025, 11, 20)
    years = report_years(ReportingYear(2025))
    result = section(Scope(today=today), years)
    by_key = tables(result)
    # On 20 Nov 2025: Amy, Bilal (18 on 1 Sep 2025, still looked after), Cara, Gus.
    assert rows(by_key["cohort"])["Children looked after"] == [1, 1, 5, 4, 4]
    assert rows(by_key["cohort_age"])["16 and over"] == [0, 0, 1, 1, 1]
    assert rows(by_key["cohort_time_in_care"]) == {
        "Under 1 year": [0, 0, 4, 1, 1],  # Gus
        "1 year to under 2 years": [0, 0, 0, 2, 1],  # Cara (from 10 Jan 2024)
        "2 years to under 5 years": [1, 1, 1, 0, 1],  # Bilal (from 10 Oct 2023)
        "5 years or more": [0, 0, 0, 1, 1],  # Amy
    }
    assert result.headline[0] == ("Children looked after on 20 November 2025", "4")
    assert "2025-26 is to 20 November 2025" in by_key["cohort"].note
    assert by_key["cohort"].links == {"Children looked after": "/children/?status=in_care"}
    assert by_key["cohort_age"].links == {
        "Under 1": "/children/?status=in_care&age_band=under-1",
        "1 to 4": "/children/?status=in_care&age_band=1-4",
        "5 to 9": "/children/?status=in_care&age_band=5-9",
        "10 to 15": "/children/?status=in_care&age_band=10-15",
        "16 and over": "/children/?status=in_care&age_band=16%2B",
    }
    # A group of several codes has no link: the list filters on one code.
    assert by_key["cohort_legal_status"].links == {"Section 20": "/children/?status=in_care&legal_status=V2"}
    assert by_key["cohort_placement_type"].links == {
        "Placed with parents": "/children/?status=in_care&placement_type=P1",
        "Custody": "/children/?status=in_care&placement_type=R5",
    }
    assert by_key["cohort_gender"].links == {}

    mine = tables(section(Scope(iro_id=iro.pk, today=today), years))
    assert mine["cohort"].links == {"Children looked after": f"/children/?status=in_care&iro={iro.pk}"}
    team = tables(section(Scope(team_id=iro.iro_profile.team_id, today=today), years))
    assert team["cohort"].links == {}, "the children list cannot filter by team"


def test_every_ethnicity_code_is_in_exactly_one_group():
    grouped = [code for codes in ETHNICITY_GROUPS.values() for code in codes]
    assert sorted(grouped) == sorted(Ethnicity.values)
    assert ETHNICITY_GROUPS["Other ethnic group"] == ("CHNE", "OOTH")
    assert ETHNICITY_GROUPS["Not known"] == ("REFU", "NOBT")


@pytest.mark.parametrize(
    ("children", "population", "rate"),
    [(4, 15_000, 3), (294, 45_000, 65), (1, 20_000, 1), (0, 20_000, 0), (4, None, None), (4, 0, None)],
)
def test_rate_per_10000_rounds_half_up_and_needs_a_population(children, population, rate):
    assert rate_per_10000(children, population) == rate


def _more_children(iro, count: int) -> None:
    """``count`` more children, each with three episodes (a placement move and a legal change)."""
    for n in range(count):
        child = make_child_in_care(iro=iro, looked_after_on=d("2021-01-04"), local_reference=f"X{n:04d}")
        episode = CareEpisode.objects.get(child=child)
        episode.ended_on, episode.reason_ceased = d("2023-06-01"), "X1"
        episode.save()
        make_care_episode(
            child,
            started_on=d("2023-06-01"),
            ended_on=d("2024-08-01"),
            reason_ceased="X1",
            reason_new_episode="P",
            placement_type="U6",
        )
        make_care_episode(
            child,
            started_on=d("2024-08-01"),
            reason_new_episode="L",
            legal_status="E1",
            placement_type="U6",
            distance_from_home_miles=Decimal("30"),
        )


@pytest.mark.parametrize("scope", [Scope(today=TODAY), "iro", "team"])
def test_a_fixed_number_of_queries_whatever_the_number_of_children(town, iro, scope, django_assert_max_num_queries):
    if scope == "iro":
        scope = Scope(iro_id=iro.pk, today=TODAY)
    elif scope == "team":
        scope = Scope(team_id=iro.iro_profile.team_id, today=TODAY)
    # One per year end, one for the leavers, one for the population (none in a scope).
    expected = len(YEARS) + (2 if scope.iro_id is None and scope.team_id is None else 1)
    with django_assert_max_num_queries(expected):
        small = section(scope)
    _more_children(iro, 40)
    with CaptureQueriesContext(connection) as captured:
        large = section(scope)
    assert len(captured) == expected
    looked_after = rows(tables(small)["cohort"])["Children looked after"]
    assert rows(tables(large)["cohort"])["Children looked after"] == [n + 40 for n in looked_after]
    far = rows(tables(small)["cohort_stability"])["Placed more than 20 miles from home"][-1]
    assert rows(tables(large)["cohort_stability"])["Placed more than 20 miles from home"][-1] == far + 40
