"""The service dashboard answers from its stored figures (``reporting.dashboard``): the page
draws no chart, each chart has its own address and is drawn once per change of its figures,
and a change in the records makes the next page say the figures are being worked out again
and queues their recomputation, which gives exactly what the annual report computes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from matplotlib.figure import Figure

from children.models import CareEpisode, IROAllocation
from iro_service.celery import app as celery_app
from iro_service.periods import ReportingYear
from reporting import charts, dashboard, views
from reporting.dashboard import dashboard_summary_refresh, data_version, sections_from_json
from reporting.figures import Scope
from reporting.figures.report import annual_report_sections
from reporting.models import DashboardSummary
from reporting.tasks import refresh_dashboards
from reviews.models import ReviewDue
from tests.factories import TeamFactory, make_iro
from tests.reporting.test_service_dashboard import build_service

pytestmark = pytest.mark.django_db

CHART_URL = re.compile(r'<img src="(/reporting/dashboard/\d+/charts/[\w-]+/[0-9a-f]{64}\.svg)" alt="[^"]+"')
REFRESHING = "The records have changed since: the figures are being worked out again."


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_drawing(monkeypatch):
    """Drawing a chart (matplotlib writing an SVG) fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a chart was drawn")

    monkeypatch.setattr(Figure, "savefig", refuse)


@pytest.fixture
def drawn(monkeypatch):
    """Every chart drawn by the chart view, by table key."""
    calls: list[str] = []
    real = views.chart_svg

    def spy(table):
        calls.append(table.key)
        return real(table)

    monkeypatch.setattr(views, "chart_svg", spy)
    return calls


def _today_scope(**filters) -> Scope:
    return Scope(today=timezone.localdate(), **filters)


def _year() -> ReportingYear:
    return ReportingYear.containing(timezone.localdate())


# --- The page and its charts -----------------------------------------------------------------------


def test_the_page_draws_no_chart_and_links_each_chart_by_its_address(client_for, manager, iro, no_drawing):
    build_service(iro, children=3)
    client = client_for(manager)

    first = client.get(reverse("reporting:dashboard"))  # nothing stored yet: computed here, still not drawn
    again = client.get(reverse("reporting:dashboard"))

    for response in (first, again):
        assert response.status_code == 200
        assert "<svg" not in response.text
        assert len(CHART_URL.findall(response.text)) >= 3
    assert DashboardSummary.objects.count() == 1


def test_a_chart_address_gives_the_svg_and_the_second_time_it_comes_from_the_cache(client_for, manager, iro, drawn):
    build_service(iro, children=3)
    client = client_for(manager)
    url = CHART_URL.search(client.get(reverse("reporting:dashboard")).text).group(1)

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "image/svg+xml"
    assert first.content.startswith(b"<svg ") and b'role="img"' in first.content
    assert second.content == first.content
    assert len(drawn) == 1  # drawn once; the second came from the cache


def test_the_same_figures_give_the_same_chart_address_and_changed_figures_a_new_one(
    client_for, manager, iro, django_capture_on_commit_callbacks
):
    build_service(iro, children=2)
    client = client_for(manager)
    before = set(CHART_URL.findall(client.get(reverse("reporting:dashboard")).text))
    assert set(CHART_URL.findall(client.get(reverse("reporting:dashboard")).text)) == before

    build_service(iro, children=2, first_name="New")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reporting:dashboard"))
    after = set(CHART_URL.findall(client.get(reverse("reporting:dashboard")).text))

    assert after != before
    old = (before - after).pop()
    assert client.get(old).status_code == 404  # never drawn, and no longer the stored figures


def test_a_chart_address_that_names_no_stored_table_is_not_found(client_for, manager, iro):
    build_service(iro, children=1)
    client = client_for(manager)
    client.get(reverse("reporting:dashboard"))
    summary = DashboardSummary.objects.get()

    for pk in (summary.pk, summary.pk + 1):
        assert client.get(reverse("reporting:dashboard_chart", args=[pk, "cohort", "0" * 64])).status_code == 404


@pytest.mark.parametrize("who", ["committee", "iro", "administrator"])
def test_only_managers_may_fetch_a_chart(client_for, manager, iro, request, who):
    build_service(iro, children=2)
    url = CHART_URL.search(client_for(manager).get(reverse("reporting:dashboard")).text).group(1)

    assert client_for(request.getfixturevalue(who)).get(url).status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in_for_a_chart(client, client_for, manager, iro):
    build_service(iro, children=2)
    url = CHART_URL.search(client_for(manager).get(reverse("reporting:dashboard")).text).group(1)
    client.logout()

    response = client.get(url)

    assert response.status_code == 302 and "login" in response.url


def test_a_chart_address_carries_no_child_data(client_for, manager, iro):
    build_service(iro, children=2, first_name="Zebedee")
    text = client_for(manager).get(reverse("reporting:dashboard")).text
    summary = DashboardSummary.objects.get()
    keys = {table.key for section in sections_from_json(summary.sections) for table in section.tables}

    urls = CHART_URL.findall(text)
    assert urls
    for url in urls:
        pk, _charts, key, digest = url.removeprefix("/reporting/dashboard/").split("/")
        assert (int(pk), key in keys, re.fullmatch(r"[0-9a-f]{64}\.svg", digest) is not None) == (
            summary.pk,
            True,
            True,
        )
        assert "Zebedee" not in url


# --- Fresh and stale ------------------------------------------------------------------------------


def test_the_stored_figures_are_the_annual_reports_figures_exactly(client_for, manager, iro, other_iro):
    build_service(iro, children=3)
    build_service(other_iro, children=2, first_name="Other")
    client = client_for(manager)

    client.get(reverse("reporting:dashboard"))
    client.get(reverse("reporting:dashboard"), {"iro": other_iro.pk})

    whole = DashboardSummary.objects.get(scope_key="all")
    one_iro = DashboardSummary.objects.get(scope_key=f"iro={other_iro.pk}")
    assert sections_from_json(whole.sections) == annual_report_sections(_year(), scope=_today_scope())
    assert sections_from_json(one_iro.sections) == annual_report_sections(
        _year(), scope=_today_scope(iro_id=other_iro.pk)
    )
    assert sections_from_json(whole.sections) != sections_from_json(one_iro.sections)


def test_a_change_in_the_records_shows_the_stored_figures_as_being_refreshed_and_the_task_recomputes_them(
    client_for, manager, iro, django_capture_on_commit_callbacks
):
    build_service(iro, children=2)
    client = client_for(manager)
    assert REFRESHING not in client.get(reverse("reporting:dashboard")).text
    before = DashboardSummary.objects.get()

    build_service(iro, children=3, first_name="Late")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        stale = client.get(reverse("reporting:dashboard"))

    assert REFRESHING in stale.text
    assert f"These are the figures as at {timezone.localtime(before.computed_at):%-d %B %Y, %H:%M}" in stale.text
    assert stale.context["shown"].sections == sections_from_json(before.sections)  # the stored figures
    assert len(queued) == 1

    queued[0]()  # the refresh task (eager without Redis)

    after = DashboardSummary.objects.get()
    assert after.data_version == data_version(today=timezone.localdate()) != before.data_version
    assert sections_from_json(after.sections) == annual_report_sections(_year(), scope=_today_scope())
    fresh = client.get(reverse("reporting:dashboard"))
    assert REFRESHING not in fresh.text
    assert fresh.context["shown"].sections == sections_from_json(after.sections)


def test_a_second_page_while_the_refresh_is_queued_queues_no_other(
    client_for, manager, iro, django_capture_on_commit_callbacks
):
    build_service(iro, children=1)
    client = client_for(manager)
    client.get(reverse("reporting:dashboard"))
    build_service(iro, children=1, first_name="Late")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.get(reverse("reporting:dashboard"))
        second = client.get(reverse("reporting:dashboard"))

    assert REFRESHING in second.text
    assert len(queued) == 1


def test_a_refresh_that_cannot_be_queued_is_queued_by_the_next_page(
    client_for, manager, iro, django_capture_on_commit_callbacks, monkeypatch
):
    build_service(iro, children=1)
    client = client_for(manager)
    client.get(reverse("reporting:dashboard"))
    build_service(iro, children=1, first_name="Late")
    monkeypatch.setattr("iro_service.celery.enqueue", lambda task, *args: False)  # the broker is down

    with django_capture_on_commit_callbacks(execute=True):
        assert REFRESHING in client.get(reverse("reporting:dashboard")).text
    assert DashboardSummary.objects.get().refresh_queued_at is None

    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.get(reverse("reporting:dashboard"))
    assert len(queued) == 1


@pytest.mark.parametrize(
    "change",
    ["new_child", "episode_edited", "allocation_ended", "due_date_moved_in_bulk", "due_date_deleted", "next_day"],
)
def test_the_records_version_moves_on_with_every_kind_of_change(iro, change):
    child = build_service(iro, children=1)[0]
    today = timezone.localdate()
    before = data_version(today=today)
    assert data_version(today=today) == before
    if change == "new_child":
        build_service(iro, children=1, first_name="New")
    elif change == "episode_edited":
        episode = CareEpisode.objects.get(child=child)
        episode.distance_from_home_miles = 25
        episode.save()
    elif change == "allocation_ended":
        allocation = IROAllocation.objects.get(child=child)
        allocation.ended_on = today
        allocation.save()
    elif change == "due_date_moved_in_bulk":  # a table without history: an UPDATE setting updated_at
        ReviewDue.objects.filter(child=child).update(due_on=today, updated_at=timezone.now())
    elif change == "due_date_deleted":
        ReviewDue.objects.filter(child=child).first().delete()
    else:
        today += dt.timedelta(days=1)

    assert data_version(today=today) != before


def test_every_table_of_the_apps_the_figures_read_is_in_the_version():
    tables = {model._meta.db_table for model in dashboard.source_models()}
    assert {"children_careepisode", "reviews_review", "reviews_reviewdue", "disputes_dispute"} <= tables
    assert {"reporting_childpopulation", "auth_user", "auth_user_groups", "children_iroprofile"} <= tables


# --- Filters ------------------------------------------------------------------------------------------


def test_each_filter_has_its_own_stored_figures(client_for, manager, iro):
    south = TeamFactory(name="South team")
    sam = make_iro(username="iro_s", first_name="Sam", last_name="Cole", team=south)
    build_service(iro, children=2)
    build_service(sam, children=1, first_name="Sams")
    client = client_for(manager)

    client.get(reverse("reporting:dashboard"))
    by_iro = client.get(reverse("reporting:dashboard"), {"iro": sam.pk})
    by_team = client.get(reverse("reporting:dashboard"), {"team": south.pk})

    keys = set(DashboardSummary.objects.values_list("scope_key", flat=True))
    assert keys == {"all", f"iro={sam.pk}", f"team={south.pk}"}
    assert by_iro.context["shown"].sections == annual_report_sections(_year(), scope=_today_scope(iro_id=sam.pk))
    assert by_team.context["shown"].sections == annual_report_sections(_year(), scope=_today_scope(team_id=south.pk))
    assert "for the children Sam Cole reviews" in by_iro.text


# --- The daily sweep ----------------------------------------------------------------------------------


def test_the_daily_sweep_recomputes_every_stored_filter_of_the_year(client_for, manager, iro):
    build_service(iro, children=2)
    client = client_for(manager)
    client.get(reverse("reporting:dashboard"), {"iro": iro.pk})
    DashboardSummary.objects.update(data_version="old", sections=[])

    result = refresh_dashboards.apply(args=[timezone.localdate().isoformat()]).get()

    assert result == {"refreshed": 2}
    version = data_version(today=timezone.localdate())
    for summary in DashboardSummary.objects.all():
        assert summary.data_version == version
        assert summary.sections
    assert DashboardSummary.objects.get(scope_key="all")


def test_the_daily_sweep_is_on_the_beat_schedule_and_names_a_task():
    entries = [entry["task"] for entry in celery_app.conf.beat_schedule.values()]
    assert "reporting.tasks.refresh_dashboards" in entries
    assert "reporting.tasks.refresh_dashboards" in celery_app.tasks


# --- Queries ------------------------------------------------------------------------------------------


def test_a_page_from_stored_figures_takes_a_few_queries_whatever_the_size(
    client_for, manager, iro, other_iro, django_assert_max_num_queries
):
    """Session, user, permissions, the records' version, the stored figures, the filter's
    choices: none of the figures' own queries."""
    client = client_for(manager)
    by_team = {"team": iro.iro_profile.team_id}
    build_service(iro, children=2, first_name="Small")
    client.get(reverse("reporting:dashboard"), by_team)  # the first look at the filter computes
    with django_assert_max_num_queries(10) as small:
        assert client.get(reverse("reporting:dashboard"), by_team).status_code == 200

    build_service(iro, children=12, first_name="Big")
    build_service(other_iro, children=12, first_name="Other")
    dashboard.dashboard_summary_refresh(start_year=_year().start_year, team_id=iro.iro_profile.team_id)  # the task
    with django_assert_max_num_queries(10) as large:
        response = client.get(reverse("reporting:dashboard"), by_team)
    assert response.status_code == 200 and REFRESHING not in response.text

    print(f"dashboard from stored figures: {len(small)} queries (2 children), {len(large)} (26 children, by team)")
    assert len(small) == len(large)


def test_has_chart_agrees_with_what_is_drawn(iro):
    build_service(iro, children=2)
    for section in annual_report_sections(_year(), scope=_today_scope()):
        for table in section.tables:
            assert charts.has_chart(table) == (charts.chart_svg(table) is not None)


def test_with_a_worker_the_first_look_at_a_filter_queues_its_figures_and_says_so(
    client_for, manager, iro, monkeypatch, django_capture_on_commit_callbacks
):
    """At national size the figures take longer than a request may: with a worker (Redis), the
    first page of a year and filter stores a pending summary, queues the computation and says so."""
    build_service(iro, children=2)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    sent = []  # the broker: what the page sends to the workers
    monkeypatch.setattr("iro_service.celery.enqueue", lambda task, *args: sent.append((task.name, args)) or True)
    client = client_for(manager)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = client.get(reverse("reporting:dashboard"))

    assert "are being worked out for the first time" in first.text
    assert first.context["shown"].sections == []
    assert sent == [("reporting.tasks.refresh_dashboard", (_year().start_year, None, None))] and queued == []
    assert "Figures on" not in first.text

    dashboard_summary_refresh(start_year=_year().start_year)  # what the worker does
    with django_capture_on_commit_callbacks(execute=False) as queued_again:
        shown = client.get(reverse("reporting:dashboard"))
    assert "worked out" not in shown.text and queued_again == [] and len(sent) == 1
    assert shown.context["shown"].sections == annual_report_sections(_year(), scope=_today_scope())


def test_with_the_broker_down_the_first_look_computes_the_figures_itself(client_for, manager, iro, monkeypatch):
    build_service(iro, children=2)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr("iro_service.celery.enqueue", lambda task, *args: False)  # the broker is down

    page = client_for(manager).get(reverse("reporting:dashboard"))

    assert "worked out" not in page.text
    assert page.context["shown"].sections == annual_report_sections(_year(), scope=_today_scope())
    assert DashboardSummary.objects.get().refresh_queued_at is None
