"""The demo authority's SSDA903 details, kept as the DfE validator's rules want them.

The validator (csc-validator-be-903) runs outside the project's venv (tools/validate_903.py,
with ``demo.shape.DEMO_LA_CODE`` as the local authority); these tests pin what the demo must keep
for its returns from 2022/23 to 2025/26 to pass it: real postcodes and the DfE's distances,
URNs, a reason for every change of placement, the UN codes, motherhood and previous
permanence. The full-size authority is the package's ``demo_town`` (conftest.py).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

import demo.draw
import demo.placements
import demo.places
import demo.shape
import demo.ssda903
from children import codes
from children.ages import age_on
from children.models import CareEpisode, Child
from demo import postcodes as demo_postcodes
from tests.demo.seed_demo.seeding import TODAY

HOMES = {postcode for postcode, *_ in demo_postcodes.HOME_POSTCODES}
IN_AREA = set(demo.places.IN_AREA)
ELSEWHERE = set(demo.places.ELSEWHERE)


def episodes_by_child() -> dict[int, list[CareEpisode]]:
    by_child: dict[int, list[CareEpisode]] = {}
    for e in CareEpisode.objects.select_related("child").order_by("child_id", "started_on", "pk"):
        by_child.setdefault(e.child_id, []).append(e)
    return by_child


@pytest.mark.django_db
def test_postcodes_are_real_and_distances_follow_the_dfe_formula(demo_town):
    assert f"local authority {demo.shape.DEMO_LA_CODE}" in demo_town
    far, measured = 0, 0
    episodes = list(CareEpisode.objects.select_related("child"))
    for e in episodes:
        if e.child.is_uasc:  # rules 392a and 406: no home postcode, so no distance
            assert (e.home_postcode, e.distance_from_home_miles) == ("", None)
        else:
            assert e.home_postcode in HOMES
        if e.placement_type == "P1":
            assert e.placement_postcode == e.home_postcode
            continue
        assert e.placement_postcode in IN_AREA | ELSEWHERE  # never home (rule 392d)
        if e.home_postcode:
            miles = demo.places.miles_between(demo.places.GRID[e.home_postcode], demo.places.GRID[e.placement_postcode])
            assert e.distance_from_home_miles == Decimal(f"{miles:.1f}")
            far, measured = far + e.is_far_from_home, measured + 1
        if e.placement_provider == "PR2":
            assert e.placement_postcode in ELSEWHERE
        if e.placement_provider == "PR1" and e.placement_type not in demo.placements.FOSTER + demo.placements.ADOPTION:
            assert e.placement_postcode in IN_AREA  # rule 1015
        if e.placement_type in ("H5", "K3"):
            assert e.placement_postcode in IN_AREA  # rule 241
    assert 0.10 <= far / measured <= 0.25  # about one placement in six is more than 20 miles away
    assert any(e.placement_postcode in ELSEWHERE for e in episodes)


@pytest.mark.django_db
def test_urns_and_supported_accommodation_follow_each_years_rules(demo_town):
    for e in CareEpisode.objects.all():
        if e.placement_type in ("P1", "R1"):
            assert e.urn == ""
        elif e.placement_type in demo.placements.ADOPTION:
            assert e.urn == "XXXXXXX"
        elif e.placement_type == "H5":
            assert e.ended_on is not None and e.ended_on < demo.placements.K3_FROM
            if e.urn == "":
                assert e.ended_on < date(2023, 10, 29)  # rule 230
            else:
                assert e.started_on >= demo.placements.H5_URN_FROM and re.fullmatch(r"\d{7}", e.urn)  # 2022/23 rule 222
        elif e.placement_type == "K3":
            assert e.started_on >= demo.placements.K3_FROM and re.fullmatch(r"\d{7}", e.urn)
        else:
            assert re.fullmatch(r"SC\d{6}", e.urn), (e.placement_type, e.urn)
    assert CareEpisode.objects.filter(placement_type="H5").exists()
    assert CareEpisode.objects.filter(placement_type="K3").exists()


@pytest.mark.django_db
def test_each_change_of_placement_gives_its_reason(demo_town):
    reasons = set()
    for episodes in episodes_by_child().values():
        for earlier, later in zip(episodes, episodes[1:], strict=False):
            if earlier.reason_ceased == "X1" and later.reason_new_episode in "PBTU":
                assert earlier.reason_place_change in codes.ReasonPlaceChange.values  # rule 225
                reasons.add(earlier.reason_place_change)
            else:
                assert earlier.reason_place_change == ""
        assert episodes[-1].reason_place_change == ""
    assert "CUSTOD" not in reasons
    assert {"CARPL", "PLACE", "CREQB"} <= reasons


@pytest.mark.django_db
def test_girls_are_asked_about_motherhood_and_every_child_has_a_upn_or_its_code(demo_town):
    by_child = episodes_by_child()
    for child in Child.objects.filter(episodes__isnull=False).distinct():  # the children looked after
        episodes = by_child[child.pk]
        if child.sex == "F":
            assert child.is_mother is not None  # rules 393 and 607
        else:
            assert child.is_mother is None
        if child.is_mother:
            assert demo.draw.birthday(child.date_of_birth, 15) <= child.mother_child_dob < episodes[0].started_on
        else:
            assert child.mother_child_dob is None
        assert child.upn and child.upn != "UN4"  # rules 442 and 210
        if child.upn == "UN1":
            assert demo.ssda903.under_school_age(child.date_of_birth, episodes[-1].ended_on or TODAY)
        if child.is_uasc and demo.ssda903.uasc_ceased_on(child.date_of_birth) <= TODAY:
            assert child.uasc_ceased_on == demo.ssda903.uasc_ceased_on(child.date_of_birth)
        else:
            assert child.uasc_ceased_on is None
    assert Child.objects.filter(is_mother=True).exists()
    assert {"UN1", "UN2", "UN5"} <= set(Child.objects.values_list("upn", flat=True))


@pytest.mark.django_db
def test_previous_permanence_is_recorded_for_every_child(demo_town):
    by_child = episodes_by_child()
    for child in Child.objects.filter(episodes__isnull=False).distinct():  # the children looked after
        if child.previous_permanence == "Z1":
            assert (child.previous_permanence_la, child.previous_permanence_date) == ("", "")
            continue
        assert child.previous_permanence in ("P1", "P2", "P3")
        assert child.previous_permanence_la in demo.ssda903.PERMANENCE_LAS  # rule 633
        day, month, year = child.previous_permanence_date.split("/")  # rule 632: before care began
        made = date(int(year), int(month), 1 if day == "zz" else int(day))
        assert made < by_child[child.pk][0].started_on
        assert sum(e.reason_new_episode == "S" for e in by_child[child.pk]) == 1
        assert age_on(child.date_of_birth, made) >= 1
    assert Child.objects.exclude(previous_permanence="Z1").exists()


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        (date(2020, 9, 1), date(2026, 3, 31), True),  # 2025/26: 4 after 31 August 2024
        (date(2020, 8, 31), date(2026, 3, 31), False),  # 4 on 31 August 2024: school age (rule 209)
        (date(2020, 9, 1), date(2026, 4, 1), False),  # 2026/27: 4 by 31 August 2025
        (date(2024, 2, 29), date(2026, 11, 23), True),
    ],
)
def test_un1_is_only_for_children_under_school_age_in_the_year(dob, on, expected):
    assert demo.ssda903.under_school_age(dob, on) is expected


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (date(2008, 2, 29), date(2026, 2, 28)),
        (date(2008, 3, 1), date(2026, 3, 1)),
        (date(2009, 12, 31), date(2027, 12, 31)),
    ],
)
def test_uasc_status_ceases_on_the_18th_birthday(dob, expected):
    assert demo.ssda903.uasc_ceased_on(dob) == expected


@pytest.mark.parametrize(
    ("ptype", "provider", "since", "expected"),
    [
        ("P1", "PR0", date(2024, 1, 1), ""),
        ("R1", "PR3", date(2024, 1, 1), ""),
        ("A6", "PR1", date(2024, 1, 1), "XXXXXXX"),
        ("U6", "PR1", date(2024, 1, 1), demo.placements.OWN_FOSTERING_URN),
        ("H5", "PR4", date(2023, 3, 31), ""),
    ],
)
def test_placement_urns(ptype, provider, since, expected):
    assert demo.placements.placement_urn(ptype, provider, "LN1 1AA", since=since) == expected


def test_urns_of_settings_depend_on_the_setting_only():
    home = demo.placements.placement_urn("K2", "PR4", "LN1 1AA", since=date(2024, 1, 1))
    assert re.fullmatch(r"SC\d{6}", home)
    assert demo.placements.placement_urn("K2", "PR4", "LN1 1AA", since=date(2020, 1, 1)) == home
    assert demo.placements.placement_urn("K2", "PR4", "PE21 6AA", since=date(2024, 1, 1)) != home
    assert (
        demo.placements.placement_urn("U4", "PR4", "LN1 1AA", since=date(2024, 1, 1))
        in demo.placements.AGENCY_FOSTERING_URNS
    )
    assert re.fullmatch(r"\d{7}", demo.placements.placement_urn("H5", "PR4", "LN1 1AA", since=date(2023, 4, 1)))


def test_miles_follow_the_dfe_formula():
    assert demo.places.miles_between((500_000, 300_000), (500_000, 300_000)) == 0
    assert demo.places.miles_between((500_000, 300_000), (501_609.3, 300_000)) == pytest.approx(1.0)
    assert demo.places.miles_between((0, 0), (3_000, 4_000)) == pytest.approx(5 / 1.6093)


@pytest.mark.parametrize(
    ("ptype", "provider", "area"),
    [("K2", "PR1", "in"), ("K2", "PR4", "any"), ("U4", "PR1", "any"), ("K1", "PR2", "out"), ("K3", "PR4", "in")],
)
def test_where_a_placement_may_be(ptype, provider, area):
    assert demo.placements.placement_area(ptype, provider) == area


@pytest.mark.parametrize(
    ("end_year", "valid", "invalid"),
    [
        (2023, {"H5", "P2", "Z1"}, {"K3", "Z11"}),
        (2024, {"H5", "P2", "Z1"}, {"K3", "Z11"}),
        (2025, {"H5", "K3", "P2", "Z1"}, {"Z11"}),
        (2026, {"K3", "Z11", "Z14"}, {"H5", "P2", "Z1"}),
    ],
)
def test_placement_codes_follow_each_years_list(end_year, valid, invalid):
    codes_of_year = codes.placement_codes_for_year(end_year)
    assert valid <= codes_of_year
    assert not invalid & codes_of_year


@pytest.mark.django_db
def test_every_episode_has_a_placement_code_of_each_year_it_is_returned_in(demo_town):
    for e in CareEpisode.objects.all():
        for end_year in range(2023, 2027):  # 2022/23 to 2025/26
            if e.started_on <= date(end_year, 3, 31) and (e.ended_on is None or e.ended_on >= date(end_year - 1, 4, 1)):
                assert e.placement_type in codes.placement_codes_for_year(end_year), (e.placement_type, end_year)
