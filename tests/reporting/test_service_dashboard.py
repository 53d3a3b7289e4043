"""The live service dashboard (the annual report's figures for the year to date, filtered by
IRO or team, with charts) and the list of reviews behind a figure. Managers only."""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from iro_service.models import AuditAction, AuditEvent
from iro_service.periods import ReportingYear
from reporting import views
from tests.factories import TeamFactory, make_child_in_care, make_iro
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db

YEAR = ReportingYear(2025)  # complete on the suite's clock


def review(child, iro, held_on, *, due_on, code="PN1", record_due_on=None, distributed_on=None):
    return held_review(
        child,
        iro=iro,
        held_on=held_on,
        due_on=due_on,
        code=code,
        review_type="subsequent",
        record_due_on=record_due_on,
        record_distributed_on=distributed_on,
    )


def build_service(iro, *, children: int, first_name: str = "Kid") -> list:
    """``children`` children in care from June 2024, each with a review this year (held in
    time) and one last year (late, record late), chaired by ``iro``."""
    today = timezone.localdate()
    this_year = ReportingYear.containing(today)
    built = []
    for n in range(children):
        child = make_child_in_care(iro=iro, looked_after_on=dt.date(2024, 6, 3), first_name=f"{first_name}{n}")
        review(
            child,
            iro,
            dt.date(2025, 9, 10),
            due_on=dt.date(2025, 9, 8),
            code="PN7",
            record_due_on=dt.date(2025, 10, 8),
            distributed_on=dt.date(2025, 10, 20),
        )
        review(child, iro, max(this_year.start, today - dt.timedelta(days=3)), due_on=today, code="PN1")
        built.append(child)
    return built


# --- The dashboard --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["committee", "iro", "administrator"])
def test_only_managers_see_the_dashboard_and_the_records(client_for, request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("reporting:dashboard")).status_code == 403
    assert client.get(reverse("reporting:records")).status_code == 403


def test_the_dashboard_shows_every_section_with_charts_and_links_to_the_reviews(client_for, manager, iro):
    build_service(iro, children=3)

    response = client_for(manager).get(reverse("reporting:dashboard"))

    assert response.status_code == 200
    text = response.text
    sections = response.context["sections"]
    assert len(sections) >= 4
    for shown in sections:
        assert f'id="section-{shown["section"].key}"' in text
    assert "Reviews held" in text
    charts = re.findall(r'<img src="([^"]+\.svg)" alt="([^"]+)"', text)
    assert charts, "no chart shown"
    for url, alt in charts:
        svg = client_for(manager).get(url).text
        title = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}title")  # noqa: S314 - the app's own SVG
        assert alt and html.unescape(alt) == title.text  # the text alternative the SVG is labelled by
        root = re.search(r"<svg[^>]*>", svg).group(0)
        assert 'role="img"' in root
        for label_id in re.search(r'aria-labelledby="([^"]+)"', root).group(1).split():
            assert f'id="{label_id}"' in svg
    assert f'href="{reverse("reporting:records")}?kind=' in text


def test_the_dashboard_is_filtered_by_iro_and_by_team(client_for, manager, iro):
    south = TeamFactory(name="South team")
    sam = make_iro(username="iro_s", first_name="Sam", last_name="Cole", team=south)
    build_service(iro, children=2)
    client = client_for(manager)

    by_iro = client.get(reverse("reporting:dashboard"), {"iro": sam.pk})
    by_team = client.get(reverse("reporting:dashboard"), {"team": south.pk})

    assert "for the children Sam Cole reviews" in by_iro.text
    assert f"iro={sam.pk}" in by_iro.text and f"iro={iro.pk}" not in by_iro.text
    assert "in South team" in by_team.text and f"team={south.pk}" in by_team.text


def test_an_unknown_filter_is_reported_and_the_figures_are_for_the_whole_service(client_for, manager, iro):
    build_service(iro, children=1)

    response = client_for(manager).get(reverse("reporting:dashboard"), {"iro": "999999"})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "iro=999999" not in response.text


def test_the_dashboard_takes_a_fixed_number_of_queries_whatever_the_size(
    client_for, manager, iro, other_iro, django_assert_max_num_queries
):
    """The figures modules run most of them (one aggregate query per question); the view adds
    the session, the user, the filter's choices (the child protection section adds five). The
    same at 2 and at 26 children. Children's feedback (reporting.figures.voice) adds four."""
    client = client_for(manager)
    build_service(iro, children=2, first_name="Small")
    with django_assert_max_num_queries(49) as small:
        assert client.get(reverse("reporting:dashboard")).status_code == 200

    build_service(iro, children=12, first_name="Big")
    build_service(other_iro, children=12, first_name="Other")
    with django_assert_max_num_queries(49) as large:
        assert client.get(reverse("reporting:dashboard"), {"team": iro.iro_profile.team_id}).status_code == 200

    print(f"dashboard queries: {len(small)} (2 children), {len(large)} (26 children, filtered by team)")
    assert len(small) == len(large)


# --- The reviews behind a figure --------------------------------------------------------------------


@pytest.fixture
def reviews_2025(iro, other_iro):
    """Six reviews held in 2025-26 and one in 2024-25."""
    kids = [make_child_in_care(iro=iro, first_name=name) for name in ("Amy", "Ben", "Cal", "Dee", "Eli")]
    held = {
        "amy_may": review(kids[0], iro, dt.date(2025, 5, 1), due_on=dt.date(2025, 5, 2), code="PN1",
                          record_due_on=dt.date(2025, 5, 30), distributed_on=dt.date(2025, 5, 20)),
        "ben_may_late": review(kids[1], iro, dt.date(2025, 5, 9), due_on=dt.date(2025, 5, 2), code="PN6",
                               record_due_on=dt.date(2025, 6, 6), distributed_on=dt.date(2025, 6, 20)),
        "cal_jan": review(kids[2], other_iro, dt.date(2026, 1, 15), due_on=dt.date(2026, 1, 20), code="PN6",
                          record_due_on=dt.date(2026, 2, 12), distributed_on=None),
        "dee_mar_late": review(kids[3], other_iro, dt.date(2026, 3, 31), due_on=dt.date(2026, 3, 1), code="PN1",
                               record_due_on=dt.date(2026, 4, 29), distributed_on=dt.date(2026, 4, 1)),
        "eli_apr": review(kids[4], iro, dt.date(2025, 4, 1), due_on=dt.date(2025, 4, 1), code="PN2"),
        "amy_last_year": review(kids[0], iro, dt.date(2025, 3, 31), due_on=dt.date(2025, 4, 2), code="PN1"),
    }  # fmt: skip
    return held


def listed(client, **params) -> list:
    response = client.get(reverse("reporting:records"), {"year": YEAR.label, **params})
    assert response.status_code == 200
    return [r.pk for r in response.context["page"].object_list]


def test_the_records_list_filters_by_kind_month_code_and_iro(client_for, manager, iro, other_iro, reviews_2025):
    r = {name: review.pk for name, review in reviews_2025.items()}
    client = client_for(manager)

    assert listed(client, kind="reviews") == [
        r["eli_apr"],
        r["amy_may"],
        r["ben_may_late"],
        r["cal_jan"],
        r["dee_mar_late"],
    ]
    assert listed(client, kind="late_reviews") == [r["ben_may_late"], r["dee_mar_late"]]
    assert listed(client, kind="reviews", in_time="1") == [r["eli_apr"], r["amy_may"], r["cal_jan"]]
    assert listed(client, kind="records_late") == [r["ben_may_late"], r["cal_jan"]]
    assert listed(client, kind="participation", code="PN6") == [r["ben_may_late"], r["cal_jan"]]
    assert listed(client, kind="reviews", month="5") == [r["amy_may"], r["ben_may_late"]]
    assert listed(client, kind="reviews", month="1") == [r["cal_jan"]]
    assert listed(client, kind="reviews", iro=str(other_iro.pk)) == [r["cal_jan"], r["dee_mar_late"]]
    assert listed(client, kind="reviews", team=str(iro.iro_profile.team_id), code="PN1") == [
        r["amy_may"],
        r["dee_mar_late"],
    ]
    assert listed(client, kind="reviews", year="2024-25") == [r["amy_last_year"]]  # fmt: skip


def test_the_records_list_shows_each_review_and_is_audited(client_for, manager, reviews_2025):
    response = client_for(manager).get(reverse("reporting:records"), {"kind": "late_reviews", "year": YEAR.label})

    text = response.text
    assert "2 reviews found" in text
    assert "Ben Test" in text and "9 May 2025" in text and "2 May 2025" in text and "Late" in text
    assert reverse("reviews:detail", args=[reviews_2025["ben_may_late"].pk]) in text
    event = AuditEvent.objects.get(action=AuditAction.LISTED, actor=manager)
    assert sorted(event.changes["child_ids"]) == sorted(
        [reviews_2025["ben_may_late"].child_id, reviews_2025["dee_mar_late"].child_id]
    )


def test_the_records_list_is_paginated_keeping_the_filters(client_for, manager, reviews_2025, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for(manager)

    first = client.get(reverse("reporting:records"), {"kind": "reviews", "year": YEAR.label})
    third = client.get(reverse("reporting:records"), {"kind": "reviews", "year": YEAR.label, "page": 3})

    assert "Page 1 of 3" in first.text and "?kind=reviews&amp;year=2025-26&amp;page=2" in first.text
    assert [r.pk for r in third.context["page"].object_list] == [reviews_2025["dee_mar_late"].pk]


def test_records_with_a_bad_filter_show_the_problem_and_no_reviews(client_for, manager, reviews_2025):
    response = client_for(manager).get(reverse("reporting:records"), {"kind": "everything", "year": "1999-00"})

    assert response.status_code == 200
    assert "There is a problem" in response.text and "Choose a reporting year" in response.text
    assert response.context["page"].paginator.count == 0


def test_the_records_list_takes_a_fixed_number_of_queries(client_for, manager, iro, django_assert_max_num_queries):
    client = client_for(manager)
    build_service(iro, children=2, first_name="Small")
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("reporting:records"), {"kind": "reviews", "year": YEAR.label})
    build_service(iro, children=15, first_name="Big")
    with django_assert_max_num_queries(12) as large:
        client.get(reverse("reporting:records"), {"kind": "reviews", "year": YEAR.label})
    print(f"records queries: {len(small)} (2 children), {len(large)} (17 children)")
    assert len(small) == len(large)
