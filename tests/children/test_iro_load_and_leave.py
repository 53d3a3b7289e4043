"""Choosing an IRO on the reallocation and cover pages: each IRO shows the children they hold
and the children they cover, read in one query; choosing an IRO on leave, and ending a cover
that leaves children uncovered, are allowed with a GOV.UK warning."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from children.models import CoverArrangement, IROAllocation
from tests.factories import make_child_in_care, make_cover, make_iro
from tests.forms import date_fields

pytestmark = pytest.mark.django_db

WARNING = 'class="govuk-warning-text"'


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def child(iro):
    return make_child_in_care(iro=iro, first_name="Kai", last_name="Morgan")


@pytest.fixture
def sam(team):
    return make_iro(username="iro_s", first_name="Sam", last_name="Jones", team=team)


def options(response, field: str) -> list[str]:
    return [label for _, label in response.context["form"].fields[field].choices][1:]


# --- Caseload and cover load next to each IRO ------------------------------------------------------


def test_the_reallocation_choice_shows_each_iros_children_and_cover(
    client_for, manager, iro, other_iro, sam, child, today
):
    for n in range(2):
        make_child_in_care(iro=other_iro, first_name=f"Held{n}")
    make_child_in_care(iro=sam, first_name="Away")
    make_cover(absent_iro=sam, covering_iro=other_iro, starts_on=today - dt.timedelta(days=3))
    make_cover(
        absent_iro=iro, covering_iro=sam, starts_on=today - dt.timedelta(days=30), ends_on=today - dt.timedelta(days=1)
    )

    response = client_for(manager).get(reverse("children:reallocate", args=[child.pk]))

    assert options(response, "iro") == [  # Ada, the child's IRO now, is not offered
        "Ben Harris: 2 children, covering 1",
        "Sam Jones: 1 child, covering 0 (on leave today)",  # Sam's cover of Ada ended yesterday
    ]


def test_the_cover_page_shows_the_load_for_both_choices(client_for, manager, iro, other_iro, child, today):
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today)

    response = client_for(manager).get(reverse("children:cover_create"))

    expected = ["Ben Harris: 0 children, covering 1", "Ada Okafor: 1 child, covering 0 (on leave today)"]
    assert options(response, "covering_iro") == options(response, "absent_iro") == expected
    assert "Ben Harris: 0 children, covering 1</option>" in response.text


def test_a_name_with_markup_is_escaped_in_the_choice(client_for, manager, team, child):
    make_iro(username="iro_x", first_name="<script>alert(1)</script>", last_name="X", team=team)

    page = client_for(manager).get(reverse("children:reallocate", args=[child.pk])).text

    assert "&lt;script&gt;alert(1)&lt;/script&gt; X: 0 children, covering 0" in page
    assert "<script>alert(1)" not in page


def test_a_name_with_markup_is_escaped_when_the_iro_is_on_leave_too(client_for, manager, other_iro, team, today):
    scripted = make_iro(username="iro_y", first_name="<script>alert(2)</script>", last_name="Y", team=team)
    make_cover(absent_iro=scripted, covering_iro=other_iro, starts_on=today)

    page = client_for(manager).get(reverse("children:cover_create")).text

    assert "&lt;script&gt;alert(2)&lt;/script&gt; Y: 0 children, covering 0 (on leave today)" in page
    assert "<script>alert(2)" not in page


@pytest.mark.parametrize("page", ["reallocate", "cover_create"])
def test_the_iro_choices_take_a_fixed_number_of_queries(
    client_for, manager, team, child, today, page, django_assert_max_num_queries
):
    url = reverse(f"children:{page}", args=[child.pk] if page == "reallocate" else [])
    client = client_for(manager)
    counts = []
    for extra in (2, 30):
        for n in range(extra):
            covering = make_iro(username=f"iro_{extra}_{n}", team=team)
            absent = make_iro(username=f"away_{extra}_{n}", team=team)
            make_child_in_care(iro=absent)
            make_cover(absent_iro=absent, covering_iro=covering, starts_on=today)
        client.get(url)
        with django_assert_max_num_queries(20) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Choosing an IRO who is on leave: allowed, with a warning ---------------------------------------


def test_the_pages_say_who_is_on_leave_today(client_for, manager, iro, other_iro, sam, child, today):
    make_cover(absent_iro=sam, covering_iro=other_iro, starts_on=today, ends_on=dt.date(2099, 1, 2))
    client = client_for(manager)

    for url in (reverse("children:reallocate", args=[child.pk]), reverse("children:cover_create")):
        page = client.get(url).text
        assert WARNING in page
        assert "On leave today:\n        Sam Jones (covered by Ben Harris until 2 January 2099)." in page


def test_no_warning_when_nobody_is_on_leave(client_for, manager, iro, other_iro, child):
    page = client_for(manager).get(reverse("children:reallocate", args=[child.pk])).text
    assert WARNING not in page and "On leave today" not in page


def test_reallocating_to_an_iro_on_leave_is_saved_with_a_warning(
    client_for, manager, iro, other_iro, sam, child, today
):
    make_cover(
        absent_iro=sam,
        covering_iro=other_iro,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=9),
    )
    client = client_for(manager)

    response = client.post(
        reverse("children:reallocate", args=[child.pk]),
        {"iro": sam.pk, **date_fields("starts_on", today), "reason": "Caseload balancing"},
        follow=True,
    )

    assert IROAllocation.objects.get(child=child, ended_on__isnull=True).iro == sam
    assert WARNING in response.text
    ends = today + dt.timedelta(days=9)
    assert (
        f"Sam Jones is on leave on {today:%-d %B %Y}: Ben Harris covers their children until {ends:%-d %B %Y}. "
        "Kai Morgan&#x27;s reviews fall to them meanwhile." in response.text
    )


def test_reallocating_to_an_iro_not_on_leave_has_no_warning(client_for, manager, iro, other_iro, child, today):
    response = client_for(manager).post(
        reverse("children:reallocate", args=[child.pk]),
        {"iro": other_iro.pk, **date_fields("starts_on", today), "reason": "Caseload balancing"},
        follow=True,
    )
    assert "IRO changed" in response.text and WARNING not in response.text


def test_a_covering_iro_on_leave_is_allowed_with_a_warning(client_for, manager, iro, other_iro, sam, child, today):
    make_cover(absent_iro=other_iro, covering_iro=sam, starts_on=today)

    response = client_for(manager).post(
        reverse("children:cover_create"),
        {"absent_iro": iro.pk, "covering_iro": other_iro.pk, **date_fields("starts_on", today), "reason": "Leave"},
        follow=True,
    )

    assert CoverArrangement.objects.filter(absent_iro=iro, covering_iro=other_iro).exists()
    assert "Cover arranged" in response.text and WARNING in response.text
    assert (
        f"Ben Harris is on leave on {today:%-d %B %Y}: Sam Jones covers their children, with no end date set."
        in response.text
    )
    assert "Check that someone is there for Ada Okafor&#x27;s children." in response.text


# --- Ending a cover that leaves children uncovered ----------------------------------------------------


def test_ending_a_cover_warns_that_the_absent_iros_children_would_be_uncovered(
    client_for, manager, iro, other_iro, child, today
):
    make_child_in_care(iro=iro, first_name="Second")
    cover = make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today - dt.timedelta(days=5))

    page = client_for(manager).get(reverse("children:cover_end", args=[cover.pk])).text

    assert WARNING in page
    assert f"If Ada Okafor is still away after {today:%-d %B %Y}, their 2 children will have no covering IRO" in page


def test_no_uncovered_warning_when_another_cover_follows(client_for, manager, iro, other_iro, sam, child, today):
    cover = make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today - dt.timedelta(days=5))
    make_cover(absent_iro=iro, covering_iro=sam, starts_on=today + dt.timedelta(days=1))

    page = client_for(manager).get(reverse("children:cover_end", args=[cover.pk])).text

    assert WARNING not in page


def test_ending_a_cover_early_is_saved_with_a_warning(client_for, manager, iro, other_iro, child, today):
    planned = today + dt.timedelta(days=10)
    cover = make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today - dt.timedelta(days=5), ends_on=planned)

    response = client_for(manager).post(
        reverse("children:cover_end", args=[cover.pk]), date_fields("ends_on", today), follow=True
    )

    cover.refresh_from_db()
    assert cover.ends_on == today
    assert "Cover ended" in response.text and WARNING in response.text
    assert (
        f"If Ada Okafor is still away after {today:%-d %B %Y}, their 1 child will have no covering IRO" in response.text
    )


def test_ending_a_cover_on_its_planned_day_has_no_warning(client_for, manager, iro, other_iro, child, today):
    cover = make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today - dt.timedelta(days=5), ends_on=today)

    response = client_for(manager).post(
        reverse("children:cover_end", args=[cover.pk]), date_fields("ends_on", today), follow=True
    )

    assert "Cover ended" in response.text and WARNING not in response.text


# --- Who may use these pages ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["iro", "committee"])
def test_iros_and_the_committee_are_refused_the_choice_pages(request, client_for, who, other_iro, child, today):
    cover = make_cover(absent_iro=other_iro, covering_iro=request.getfixturevalue("iro"), starts_on=today)
    client = client_for(request.getfixturevalue(who))
    for url in (
        reverse("children:reallocate", args=[child.pk]),
        reverse("children:cover_create"),
        reverse("children:cover_end", args=[cover.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("children:cover_end", args=[cover.pk]), date_fields("ends_on", today)).status_code in (
        403,
        404,
    )
    cover.refresh_from_db()
    assert cover.ends_on is None
