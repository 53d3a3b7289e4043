import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from children.models import Child, IROProfile
from children.querysets import years_before
from tests.factories import ChildFactory, make_child_in_care, make_cover

pytestmark = pytest.mark.django_db


def test_iro_sees_own_children_only(iro, other_iro):
    mine = make_child_in_care(iro=iro)
    make_child_in_care(iro=other_iro)
    assert list(Child.objects.visible_to(iro)) == [mine]


def test_iro_sees_covered_children_only_while_cover_runs(iro, other_iro, manager):
    theirs = make_child_in_care(iro=other_iro)
    make_cover(
        absent_iro=other_iro,
        covering_iro=iro,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 30),
        by=manager,
    )

    assert list(Child.objects.visible_to(iro, on=dt.date(2026, 11, 15))) == [theirs]
    assert list(Child.objects.visible_to(iro, on=dt.date(2026, 10, 31))) == []
    assert list(Child.objects.visible_to(iro, on=dt.date(2026, 12, 1))) == []
    # cover is one way: the absent IRO does not see the coverer's children
    make_child_in_care(iro=iro)
    assert Child.objects.visible_to(other_iro, on=dt.date(2026, 11, 15)).count() == 1


def test_iro_no_longer_sees_a_child_after_reallocation(iro, other_iro):
    child = make_child_in_care(iro=iro)
    allocation = child.allocations.get()
    allocation.ended_on = dt.date(2026, 1, 1)
    allocation.save()
    child.allocations.create(iro=other_iro, started_on=dt.date(2026, 1, 1))
    assert not Child.objects.visible_to(iro).exists()
    assert list(Child.objects.visible_to(other_iro)) == [child]


def test_manager_sees_every_child_and_committee_administrator_and_anonymous_none(
    iro, manager, committee, administrator
):
    make_child_in_care(iro=iro)
    ChildFactory()  # a child who has left care, with no allocation
    assert Child.objects.visible_to(manager).count() == 2
    assert Child.objects.visible_to(committee).count() == 0
    assert Child.objects.visible_to(administrator).count() == 0
    assert Child.objects.visible_to(AnonymousUser()).count() == 0


def test_inactive_iro_sees_nothing(iro):
    make_child_in_care(iro=iro)
    iro.is_active = False
    iro.save()
    assert Child.objects.visible_to(iro).count() == 0


@pytest.mark.parametrize(
    ("born", "band", "included"),
    [
        (dt.date(2026, 1, 1), "under-1", True),
        (dt.date(2025, 11, 23), "under-1", False),  # first birthday today
        (dt.date(2025, 11, 23), "1-4", True),
        (dt.date(2021, 11, 24), "1-4", True),  # turns 5 tomorrow
        (dt.date(2021, 11, 23), "5-9", True),
        (dt.date(2010, 11, 23), "16+", True),
        (dt.date(2010, 11, 24), "10-15", True),
    ],
)
def test_aged_uses_whole_years_on_the_date(born, band, included):
    child = ChildFactory(date_of_birth=born)
    assert (child in Child.objects.aged(band, on=dt.date(2026, 11, 23))) is included


def test_years_before_handles_leap_days():
    assert years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)
    assert years_before(dt.date(2024, 2, 29), 4) == dt.date(2020, 2, 29)


def test_a_child_born_on_29_february_is_one_on_1_march():
    leapling = ChildFactory(date_of_birth=dt.date(2024, 2, 29))
    assert leapling not in Child.objects.aged("1-4", on=dt.date(2025, 2, 28))
    assert leapling in Child.objects.aged("1-4", on=dt.date(2025, 3, 1))
    assert leapling.age_on(dt.date(2025, 3, 1)) == 1


def test_with_caseload_counts_open_allocations_and_shows_cover(iro, other_iro, part_time_iro, manager):
    for _ in range(3):
        make_child_in_care(iro=iro)
    make_child_in_care(iro=part_time_iro)
    left = make_child_in_care(iro=iro)
    left.allocations.update(ended_on=dt.date(2026, 1, 1))
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=dt.date(2026, 11, 1), by=manager)

    rows = {p.user.username: p for p in IROProfile.objects.with_caseload(on=dt.date(2026, 11, 23))}
    assert {name: p.caseload for name, p in rows.items()} == {"iro_a": 3, "iro_b": 0, "iro_pt": 1}
    assert rows["iro_pt"].band == (30, 42)
    assert rows["iro_pt"].status == "under"
    assert [c.covering_iro for c in rows["iro_a"].user.active_cover_given] == [other_iro]
    assert [c.absent_iro for c in rows["iro_b"].user.active_cover_taken] == [iro]


def test_the_visibility_rule_reads_the_iro_as_one_list_never_an_or(iro, other_iro):
    """``iro IN (me UNION whom I cover)``: an ``iro = me OR iro IN (...)`` stops PostgreSQL using
    the open-allocations index and reads every allocation in the service (issue 13's plans)."""
    make_cover(absent_iro=other_iro, covering_iro=iro, starts_on=timezone.localdate())
    held = make_child_in_care(iro=iro)
    covered = make_child_in_care(iro=other_iro)
    sql = str(Child.objects.visible_to(iro).query).upper()
    assert "UNION" in sql
    assert not re.search(r'"IRO_ID"[^()]*\bOR\b|\bOR\b[^()]*"IRO_ID"', sql)
    assert set(Child.objects.visible_to(iro)) == {held, covered}
