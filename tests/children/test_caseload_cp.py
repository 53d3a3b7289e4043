"""Caseloads that count child protection work (issue 15, docs/rules.md#caseloads): looked-after
children, children whose conferences a person chairs, their families, and the weighted count
against the band; child protection chairs appear in the table even with no IRO profile."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from children.caseload import Caseload, CaseloadStatus, weighted_caseload
from children.forms import iro_queryset_with_load
from children.models import IROProfile
from children.querysets import caseload_staff, staff_with_caseload
from conferences.codes import PlanEndReason
from tests.conferences.factories import allocate_chair, make_cp_chair, make_cp_children, make_icpc, make_rcpc
from tests.factories import make_child_in_care, make_iro

URL = reverse("children:caseloads")
CSV_URL = reverse("children:caseloads_csv")
STRATEGY = dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("looked_after", "child_protection", "weight", "weighted"),
    [(40, 10, "1.0", "50"), (40, 10, "1.5", "55"), (40, 10, "0.5", "45"), (0, 3, "1.25", "3.75")],
)
def test_the_weighted_caseload_adds_child_protection_children_times_the_weight(
    looked_after, child_protection, weight, weighted
):
    assert weighted_caseload(looked_after, child_protection, weight=Decimal(weight)) == Decimal(weighted)


@pytest.mark.parametrize(
    ("weight", "status"),
    [("1.0", CaseloadStatus.WITHIN), ("0.4", CaseloadStatus.UNDER), ("3.0", CaseloadStatus.OVER)],
)
def test_the_status_compares_the_weighted_count_with_the_band(weight, status):
    load = Caseload(looked_after=45, child_protection=10, families=4, fte=Decimal("1.00"), weight=Decimal(weight))
    assert load.status is status


def test_the_weighted_count_is_shown_without_trailing_zeros():
    assert Caseload(looked_after=10, child_protection=3, weight=Decimal("1.0")).weighted_text == "13"
    assert Caseload(looked_after=10, child_protection=3, weight=Decimal("1.5")).weighted_text == "14.5"


def _families_of_three(chair):
    """Two brothers on plans from one initial conference, a child with a booked initial
    conference, and a child allocated with no conference yet: four children, three families."""
    brothers = make_cp_children(2, family="Ash")
    make_icpc(brothers, strategy_on=STRATEGY, chair=chair, held_on=STRATEGY + dt.timedelta(days=10))
    (booked,) = make_cp_children(1, family="Birch")
    make_icpc([booked], strategy_on=STRATEGY, chair=chair, booked_for=STRATEGY + dt.timedelta(days=12))
    (new,) = make_cp_children(1, family="Cedar")
    allocate_chair(new, chair, started_on=STRATEGY)
    return brothers, booked, new


def test_families_are_the_conferences_the_children_share(db, team):
    chair = make_iro(username="iro_both", team=team)
    make_child_in_care(iro=chair)
    make_child_in_care(iro=chair)
    _families_of_three(chair)

    (row,) = staff_with_caseload(caseload_staff())

    assert (row.caseload, row.child_protection, row.families) == (2, 4, 3)


def test_a_plan_keeps_its_family_after_a_review_and_ended_work_is_not_counted(db, team):
    chair = make_iro(username="iro_cp", team=team)
    ash = make_cp_children(2, family="Ash")
    icpc = make_icpc(ash, strategy_on=STRATEGY, chair=chair, held_on=STRATEGY + dt.timedelta(days=10))
    plans = [place.plan for place in icpc.places.all()]
    make_rcpc(plans, held_on=STRATEGY + dt.timedelta(days=90), ends={plans[1]: PlanEndReason.STEP_DOWN})
    (row,) = staff_with_caseload(caseload_staff())

    assert (row.caseload, row.child_protection, row.families) == (0, 1, 1)


def test_two_families_with_separate_conferences_count_twice(db, team):
    chair = make_iro(username="iro_cp", team=team)
    for family in ("Ash", "Birch"):
        make_icpc(make_cp_children(2, family=family), strategy_on=STRATEGY, chair=chair)

    profile = IROProfile.objects.with_caseload().get()

    assert (profile.caseload, profile.child_protection, profile.families) == (0, 4, 2)


def test_a_chair_with_no_profile_is_in_the_table_as_full_time(client_for, manager, team, settings):
    settings.CP_CASE_WEIGHT = Decimal("1.5")
    chair = make_cp_chair(username="chair", first_name="Chloe", last_name="Chair")
    _families_of_three(chair)
    make_iro(username="iro_la", first_name="Lou", last_name="After", team=team)

    response = client_for(manager).get(URL)

    rows = {row.username: row for row in response.context["page"]}
    assert set(rows) == {"chair", "iro_la"}
    assert (rows["chair"].caseload, rows["chair"].child_protection, rows["chair"].families) == (0, 4, 3)
    page = response.content.decode()
    for header in ("Looked after", "Child protection", "Families", "Weighted", "Against band"):
        assert f">{header}</th>" in page
    chair_row = re.search(r"Chloe Chair</a>.*?</tr>", page, re.S).group(0)
    assert "1.00 <span" in chair_row and "(no profile)" in chair_row
    assert re.search(r">0</td>\s*<td[^>]*>4</td>\s*<td[^>]*>3</td>\s*<td[^>]*>6</td>", chair_row)  # 4 x 1.5
    assert "Under" in chair_row
    assert "weighted 1.5" in page


def test_an_inactive_chair_and_a_plain_user_are_not_in_the_table(client_for, manager):
    make_cp_chair(username="gone", is_active=False)

    response = client_for(manager).get(URL)

    assert [row.username for row in response.context["page"]] == []


def test_the_csv_has_the_chair_and_the_weighted_count(client_for, manager, team, settings):
    settings.CP_CASE_WEIGHT = Decimal("0.5")
    chair = make_cp_chair(username="chair", first_name="Chloe", last_name="Chair")
    _families_of_three(chair)
    iro = make_iro(username="iro_both", first_name="Ada", last_name="Both", team=team)
    make_child_in_care(iro=iro)
    make_icpc(make_cp_children(3, family="Dale"), strategy_on=STRATEGY, chair=iro)

    lines = b"".join(client_for(manager).get(CSV_URL).streaming_content).decode().splitlines()

    assert (
        lines[0]
        .lstrip("\ufeff")
        .startswith("IRO,Team,FTE,Band,Looked after,Child protection,Families,Weighted,Against band")
    )
    assert "Chloe Chair,,1.00 (no profile),50 to 70,0,4,3,2,Under band,," in lines
    assert f"Ada Both,{team},1.00,50 to 70,1,3,1,2.5,Under band,," in lines


def test_the_allocation_and_cover_choices_show_child_protection_work(db, team):
    iro = make_iro(username="iro_both", first_name="Ada", last_name="Both", team=team)
    make_child_in_care(iro=iro)
    make_icpc(make_cp_children(2), strategy_on=STRATEGY, chair=iro)

    (user,) = iro_queryset_with_load()
    profile = IROProfile.objects.with_caseload().get()

    assert (user.caseload, user.child_protection, user.families) == (1, 2, 1)
    assert profile.load.weighted_text == "3"


@pytest.mark.parametrize("size", [2, 40])
def test_the_table_and_csv_take_the_same_queries_whatever_the_work(
    client_for, manager, team, size, django_assert_max_num_queries
):
    for n in range(size):
        iro = make_iro(username=f"iro_{n}", team=team)
        make_child_in_care(iro=iro)
        make_icpc(make_cp_children(2, family=f"F{n}"), strategy_on=STRATEGY, chair=iro)
        _families_of_three(make_cp_chair(username=f"chair_{n}"))
    client = client_for(manager)
    client.get(URL)
    with django_assert_max_num_queries(13):
        response = client.get(URL)
    assert len(response.context["page"]) == min(2 * size, 50)
    with django_assert_max_num_queries(9):
        assert len(b"".join(client.get(CSV_URL).streaming_content).decode().splitlines()) == 2 * size + 1
