"""The deadlines pages: the service page (managers) a page at a time, filtered by IRO, team and
where the next review stands, its counts from SQL over the filtered set; the IRO's own page
their whole caseload, whatever filters the address carries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from children.codes import SignificantChangeCategory
from iro_service.models import AuditAction, AuditEvent
from reviews import deadlines
from reviews.calendar import local_non_working_days
from reviews.models import Action, ReviewSchedule
from reviews.schedule import schedule_refresh
from reviews.views import reviews as review_views
from tests.factories import TeamFactory, make_child_in_care, make_iro
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def south_iro(db):
    return make_iro(username="iro_c", first_name="Cy", last_name="Dunn", team=TeamFactory(name="South team"))


def set_due(child, due_on, *, unknown=False):
    ReviewSchedule.objects.filter(child=child).update(next_due_on=due_on, first_due_unknown=unknown)


@pytest.fixture
def service(iro, other_iro, south_iro):
    """Seven children in care, by hand: Ada (North) holds Ola (overdue), Pip (due soon), Quin
    Adams (on track) and Ria (first review date not known); Ben (North) holds Sam (overdue); Cy
    (South) holds Tia (due soon) and Uma Baker (on track, due the same day as Quin). Ola has a
    late review record; Tia two overdue actions."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=400)
    made = {
        name: make_child_in_care(iro=holder, looked_after_on=start, first_name=name, last_name=last)
        for name, last, holder in [
            ("Ola", "Test", iro),
            ("Pip", "Test", iro),
            ("Quin", "Adams", iro),
            ("Ria", "Test", iro),
            ("Sam", "Test", other_iro),
            ("Tia", "Test", south_iro),
            ("Uma", "Baker", south_iro),
        ]
    }
    late = held_review(
        made["Ola"], iro=iro, held_on=today - dt.timedelta(days=60), record_due_on=today - dt.timedelta(days=30)
    )
    actions_review = held_review(
        made["Tia"], iro=south_iro, held_on=today - dt.timedelta(days=50), record_distributed_on=today
    )
    for what in ("Call Nan", "Book dentist"):
        Action.objects.create(
            review=actions_review, child=made["Tia"], description=what, owner="SW", due_on=today - dt.timedelta(days=2)
        )
    schedule_refresh([c.pk for c in made.values()])
    assert late.record_distributed_on is None
    for name, due in {
        "Ola": today - dt.timedelta(days=5),
        "Pip": today + dt.timedelta(days=1),
        "Quin": today + dt.timedelta(days=60),
        "Sam": today - dt.timedelta(days=2),
        "Tia": today + dt.timedelta(days=3),
        "Uma": today + dt.timedelta(days=60),
    }.items():
        set_due(made[name], due)
    set_due(made["Ria"], None, unknown=True)
    return made


def names(response) -> list[str]:
    return [row.child.first_name for row in response.context["rows"]]


def counts(response) -> tuple:
    listing = response.context["listing"]
    figures = listing.counts
    return (
        figures.children,
        figures.overdue,
        figures.due_soon,
        figures.not_known,
        listing.records_overdue.paginator.count,
        listing.actions_overdue.paginator.count,
    )


def test_the_service_page_lists_unknown_first_then_soonest_due_then_by_name(client_for, manager, service):
    response = client_for(manager).get(reverse("reviews:service"))
    assert names(response) == ["Ria", "Ola", "Sam", "Pip", "Tia", "Quin", "Uma"]
    assert counts(response) == (7, 2, 2, 1, 1, 2)
    assert "Every child looked after" in response.text


@pytest.mark.parametrize(
    ("status", "expected", "figures"),
    [
        ("overdue", ["Ola", "Sam"], (2, 2, 0, 0, 1, 0)),
        ("due_soon", ["Pip", "Tia"], (2, 0, 2, 0, 0, 2)),
        ("not_known", ["Ria"], (1, 0, 0, 1, 0, 0)),
        ("", ["Ria", "Ola", "Sam", "Pip", "Tia", "Quin", "Uma"], (7, 2, 2, 1, 1, 2)),
    ],
)
def test_the_status_filter_and_the_counts_over_what_it_lets_through(
    client_for, manager, service, status, expected, figures
):
    response = client_for(manager).get(reverse("reviews:service"), {"status": status})
    assert names(response) == expected
    assert counts(response) == figures


def test_the_iro_filter(client_for, manager, iro, service):
    response = client_for(manager).get(reverse("reviews:service"), {"iro": iro.pk})
    assert names(response) == ["Ria", "Ola", "Pip", "Quin"]
    assert counts(response) == (4, 1, 1, 1, 1, 0)
    assert "Sam" not in response.text


def test_the_team_filter(client_for, manager, south_iro, service):
    south = south_iro.iro_profile.team
    response = client_for(manager).get(reverse("reviews:service"), {"team": south.pk})
    assert names(response) == ["Tia", "Uma"]
    assert counts(response) == (2, 0, 1, 0, 0, 2)
    assert "Ola" not in response.text


def test_the_filters_combine_and_the_count_links_keep_them(client_for, manager, iro, service):
    north = iro.iro_profile.team
    response = client_for(manager).get(reverse("reviews:service"), {"team": north.pk, "status": "overdue"})
    assert names(response) == ["Ola", "Sam"]
    assert "Children whose review is overdue" in response.text
    assert f'href="?team={north.pk}&amp;status=due_soon#children"' in response.text


def test_a_filter_outside_the_choices_is_refused_not_applied_wrongly(client_for, manager, service):
    response = client_for(manager).get(reverse("reviews:service"), {"status": "everything", "iro": "999999"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors.keys() == {"status", "iro"}
    assert len(names(response)) == 7


def test_an_iro_cannot_open_the_service_page(client_for, iro, service):
    response = client_for(iro).get(reverse("reviews:service"), {"status": "overdue"})
    assert response.status_code == 403
    assert "Sam" not in response.text


def test_an_iro_cannot_use_the_filters_to_see_other_children_on_their_own_page(
    client_for, iro, other_iro, south_iro, service
):
    client = client_for(iro)
    for params in ({"iro": other_iro.pk}, {"team": south_iro.iro_profile.team.pk}, {"status": "due_soon"}):
        response = client.get(reverse("reviews:home"), params)
        assert sorted(names(response)) == ["Ola", "Pip", "Quin", "Ria"], params
        for theirs in ("Sam", "Tia", "Uma"):
            assert theirs not in response.text, params
        assert response.context["filter"] is None


def test_the_iro_page_keeps_its_sections_and_counts(client_for, iro, service):
    response = client_for(iro).get(reverse("reviews:home"))
    context = response.context
    assert names(response) == ["Ria", "Ola", "Pip", "Quin"]
    assert [r.child.first_name for r in context["overdue"]] == ["Ola"]
    assert [r.child.first_name for r in context["due_soon"]] == ["Pip"]
    assert [r.child.first_name for r in context["unknown"]] == ["Ria"]
    assert counts(response) == (4, 1, 1, 1, 1, 0)
    for heading in ("Reviews overdue", "First review date not known", "Reviews due within 15 working days"):
        assert heading in response.text
    assert "Your caseload" in response.text
    assert "Pages of children" not in response.text


def test_the_service_page_goes_a_page_at_a_time_keeping_the_filters(client_for, manager, service, monkeypatch):
    monkeypatch.setattr(review_views, "PAGE_SIZE", 3)
    client = client_for(manager)
    first = client.get(reverse("reviews:service"))
    assert names(first) == ["Ria", "Ola", "Sam"]
    assert "Page 1 of 3" in first.text
    assert 'href="?page=2#children"' in first.text
    assert names(client.get(reverse("reviews:service"), {"page": 2})) == ["Pip", "Tia", "Quin"]
    assert names(client.get(reverse("reviews:service"), {"page": 3})) == ["Uma"]
    assert names(client.get(reverse("reviews:service"), {"page": 99})) == ["Uma"]  # an old link: the last page
    assert names(client.get(reverse("reviews:service"), {"page": "x"})) == ["Ria", "Ola", "Sam"]

    filtered = client.get(reverse("reviews:service"), {"status": "overdue"})
    assert names(filtered) == ["Ola", "Sam"]
    assert "Page 1 of" not in filtered.text  # one page: no navigation


def test_late_records_and_overdue_actions_go_a_page_at_a_time(client_for, manager, service, monkeypatch):
    today = timezone.localdate()
    tia = service["Tia"]
    review = tia.reviews.get()
    for number in range(3):
        Action.objects.create(
            review=review, child=tia, description=f"Later {number}", owner="SW", due_on=today - dt.timedelta(days=1)
        )
    monkeypatch.setattr(review_views, "PAGE_SIZE", 3)
    client = client_for(manager)
    first = client.get(reverse("reviews:service"))
    actions = first.context["listing"].actions_overdue
    assert (actions.paginator.count, len(actions.object_list), actions.paginator.num_pages) == (5, 3, 2)
    assert 'href="?actions_page=2#actions"' in first.text
    second = client.get(reverse("reviews:service"), {"actions_page": 2}).context["listing"].actions_overdue
    assert [a.description for a in second.object_list] == ["Later 1", "Later 2"]  # by due date, then pk
    assert counts(client.get(reverse("reviews:service"), {"actions_page": 2}))[5] == 5


def test_the_audit_event_names_exactly_the_children_on_the_page_and_the_filters(
    client_for, manager, iro, service, monkeypatch
):
    monkeypatch.setattr(review_views, "PAGE_SIZE", 2)
    client_for(manager).get(reverse("reviews:service"), {"iro": iro.pk, "page": 2})
    event = AuditEvent.objects.filter(action=AuditAction.LISTED).latest("pk")
    assert event.changes["child_ids"] == [service["Pip"].pk, service["Quin"].pk]
    assert event.changes["filters"] == {"iro": str(iro.pk)}
    assert event.summary == "Reviews across the service: 2 of 4 children, page 2 of 2; IRO: Ada Okafor"


def test_due_soon_in_sql_is_the_rule_the_status_tag_uses(client_for, manager, iro):
    """The last day of the due-soon window is due soon by both the filter and the tag; the day after, by neither."""
    today = timezone.localdate()
    until = deadlines.due_soon_until(today, non_working=local_non_working_days(today, today))
    last, after = (make_child_in_care(iro=iro, first_name=name, looked_after_on=today) for name in ("Vic", "Wes"))
    schedule_refresh([last.pk, after.pk])
    set_due(last, until)
    set_due(after, until + dt.timedelta(days=1))
    client = client_for(manager)
    states = {r.child.first_name: r.state.status for r in client.get(reverse("reviews:service")).context["rows"]}
    assert states == {"Vic": "due_soon", "Wes": "on_track"}
    assert names(client.get(reverse("reviews:service"), {"status": "due_soon"})) == ["Vic"]


def _caseload(iro, size):
    """``size`` children in care for ``iro``, each with a late record, an overdue action and a
    significant change to acknowledge."""
    today = timezone.localdate()
    children = [make_child_in_care(iro=iro, looked_after_on=today - dt.timedelta(days=200)) for _ in range(size)]
    for child in children:
        review = held_review(
            child, iro=iro, held_on=today - dt.timedelta(days=100), record_due_on=today - dt.timedelta(days=70)
        )
        Action.objects.create(review=review, child=child, description="x", owner="y", due_on=today - dt.timedelta(1))
        child.significant_changes.create(
            category=SignificantChangeCategory.PLACEMENT_CHANGE_REQUEST,
            occurred_on=today - dt.timedelta(days=3),
            description="Moved",
            iro=iro,
            recorded_by=iro,
        )
    schedule_refresh([c.pk for c in children])


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    ("who", "name", "params"),
    [
        ("iro", "reviews:home", {}),
        ("manager", "reviews:service", {}),
        ("manager", "reviews:service", {"status": "overdue", "page": "2", "records_page": "2"}),
    ],
)
def test_the_deadlines_pages_cost_the_same_queries_at_any_size(
    client_for, django_assert_max_num_queries, request, monkeypatch, iro, manager, who, name, params, size
):
    monkeypatch.setattr(review_views, "PAGE_SIZE", 2)  # a second page of everything at both sizes
    _caseload(iro, size)
    client = client_for(request.getfixturevalue(who))
    client.get(reverse(name), params)  # warm up anything cached per process
    # 13, and who waits for each late record (two prefetches); the IRO's own page two more for
    # the conferences panel (HOME_SECTIONS).
    with django_assert_max_num_queries(15 + (2 if name == "reviews:home" else 0)):
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    assert response.context["listing"].records_overdue.paginator.count == size
