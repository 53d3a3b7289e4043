"""Auditing is a property of the view layer (iro_service/audit.py).

Every URL's view declares what child data it shows: ``@audited`` (one event per page shown),
``@audited_by_service`` (its service writes the events) or ``@no_child_data(reason)``. A URL
added without a decision fails ``test_every_url_declares_what_child_data_it_shows``; each
audited page, fetched by a user allowed to see it, writes exactly one event naming its child,
and a user refused it writes none."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import reverse

from iro_service.audit import audited, child_in_url, no_child_data, note_listing
from iro_service.models import AuditAction, AuditEvent
from tests.forms import date_fields
from tests.iro_service.url_world import (
    HOLDER,
    MANAGER,
    OTHER_IRO,
    OUR_PACKAGES,
    QUERY,
    build_world,
    expected_child,
    routes,
)

pytestmark = pytest.mark.django_db

#: Views from libraries, which cannot carry our decorator, by URL name (checked to be theirs).
LIBRARY_VIEWS = {
    "login": "Django's sign-in form: shows no child's data",
    "logout": "Django's sign-out: shows no child's data",
}

#: The pages issue 10 found showing a child's data without an audit event: they must stay audited.
FORM_PAGES = (
    "children:edit",
    "children:reallocate",
    "children:episode_change",
    "children:leave_care",
    "children:return_to_care",
    "children:archive",
    "children:significant_change_create",
    "children:significant_change_acknowledge",
    "children:contact_add",
    "children:contact_edit",
    "children:contact_end",
    "reviews:edit",
    "reviews:book",
    "reviews:record",
    "reviews:distribution",
    "reviews:reschedule",
    "reviews:cancel",
    "reviews:invitations",
    "reviews:visit_create",
    "reviews:midway_create",
    "reviews:case_note_create",
    "disputes:raise",
    "disputes:respond",
    "disputes:meeting",
    "disputes:escalate",
    "disputes:resolve",
    "disputes:withdraw",
    "disputes:refer",
    "disputes:cafcass_outcome",
    "interchange:ssda903_upload",
    "interchange:ssda903_upload_report",
)

#: Lists whose event must name the child (the data set puts the child on each).
LISTS_THE_CHILD = (
    "children:list",
    "reviews:home",
    "reviews:service",
    "disputes:list",
    "reporting:records",
    "reviews:calendar",
    "reviews:service_calendar",
    "conferences:mine",
    "voice:answers",  # the IRO's own answers (issue 16)
)

#: Pages about a record that is about no one child: their event names the record only.
NO_ONE_CHILD = (
    "reporting:download",
    "reporting:tables_csv",
    "interchange:ssda903_upload",
    "interchange:ssda903_upload_report",
)
# A conference's pages write one event per child of the family (the world's conference has one
# child, so one event naming it; tests/conferences/test_chair_views.py checks a family of two).


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _ours(view) -> bool:
    module = getattr(getattr(view, "view_class", None), "__module__", None) or view.__module__
    return module.split(".")[0] in OUR_PACKAGES


def _policy(route):
    return getattr(route.callback, "audit_policy", None)


def test_every_url_declares_what_child_data_it_shows():
    undecided = []
    for route in routes():
        policy = _policy(route)
        if policy is None and not (route.name in LIBRARY_VIEWS and not _ours(route.callback)):
            undecided.append(f"{route.name} ({route.pattern})")
        if policy is not None and policy.kind != "audited" and not policy.reason.strip():
            undecided.append(f"{route.name}: {policy.kind} without a reason")
    assert undecided == [], (
        "Every view must say what child data it shows: decorate it with @audited(...), "
        "@audited_by_service(reason) or @no_child_data(reason) from iro_service.audit. Undecided:\n"
        + "\n".join(undecided)
    )


def test_the_pages_that_showed_child_data_unaudited_are_audited():
    policies = {route.name: _policy(route) for route in routes()}
    assert [name for name in FORM_PAGES if getattr(policies.get(name), "kind", None) != "audited"] == []


def _new_events(before: int, action: str):
    return list(AuditEvent.objects.filter(pk__gt=before, action=action).order_by("pk"))


def _last_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _url(world, route) -> str:
    return reverse(route.name, kwargs=world.kwargs.get(route.name, {})) + QUERY.get(route.name, "").format(
        year=world.year
    )


def _check_event(world, route, events, user, url) -> list[str]:
    policy = _policy(route)
    if len(events) != 1:
        return [f"{route.name}: {len(events)} {policy.action} events, expected exactly one"]
    event = events[0]
    problems = []
    if (event.actor_id, event.path) != (user.pk, url.split("?")[0]):
        problems.append(f"{route.name}: event by {event.actor_id} at {event.path}")
    if policy.action == AuditAction.LISTED:
        if route.name in LISTS_THE_CHILD and world.child.pk not in event.changes.get("child_ids", []):
            problems.append(f"{route.name}: the listing event does not name the child: {event.changes}")
    else:
        expected = None if route.name in NO_ONE_CHILD else expected_child(world, route.name)
        if event.child_id != expected:
            problems.append(f"{route.name}: event names child {event.child_id}, expected {expected}")
        pk = world.kwargs.get(route.name, {}).get("pk")
        if pk is not None and event.object_id != str(pk):
            problems.append(f"{route.name}: event names object {event.object_type} {event.object_id}, not {pk}")
    return problems


def test_each_audited_page_writes_one_event_naming_its_child_and_a_refused_user_none(client):
    world = build_world()
    failures = []
    for route in routes():
        policy = _policy(route)
        if policy is None or policy.kind != "audited":
            continue
        url = _url(world, route)

        refused = world.users[OTHER_IRO]
        client.force_login(refused)
        before = _last_id()
        status = client.get(url).status_code
        if route.name not in LISTS_THE_CHILD and status == 200:
            failures.append(f"{route.name}: the other IRO got 200")
        if status != 200 and _new_events(before, policy.action):
            failures.append(f"{route.name}: a refused GET ({status}) wrote an audit event")

        for role in (HOLDER, MANAGER):
            user = world.users[role]
            client.force_login(user)
            before = _last_id()
            response = client.get(url)
            if response.status_code == 200:
                failures.extend(_check_event(world, route, _new_events(before, policy.action), user, url))
                break
            if _new_events(before, policy.action):
                failures.append(f"{route.name}: a {response.status_code} for {role} wrote an audit event")
        else:
            failures.append(f"{route.name}: neither the holding IRO nor the manager could open {url}")
    assert failures == [], "\n".join(failures)


def test_a_form_shown_again_after_a_post_is_a_read_and_a_saved_form_is_not(client):
    """An invalid POST shows the child's data again (one VIEWED event); a valid one redirects
    and only the service's event is written."""
    world = build_world()
    client.force_login(world.users[HOLDER])
    url = reverse("children:significant_change_create", args=[world.child.pk])

    before = _last_id()
    assert client.post(url, {}).status_code == 200
    (viewed,) = _new_events(before, AuditAction.VIEWED)
    assert (viewed.child_id, viewed.summary) == (world.child.pk, "Significant change form viewed")

    before = _last_id()
    today = world.change.occurred_on
    response = client.post(
        url,
        {
            "category": "missing",
            **date_fields("occurred_on", today),
            "description": "Missing for four days",
        },
    )
    assert response.status_code == 302
    assert _new_events(before, AuditAction.VIEWED) == []
    assert [e.child_id for e in _new_events(before, AuditAction.CREATED)] == [world.child.pk]


def test_the_ssda903_export_is_audited_by_its_service_for_each_child(client):
    world = build_world()
    client.force_login(world.users[MANAGER])
    before = _last_id()
    response = client.get(reverse("interchange:ssda903_export") + f"?year={world.year}")
    assert response.status_code == 200
    exported = {e.child_id for e in _new_events(before, AuditAction.EXPORTED)}
    assert world.child.pk in exported


# --- The decorator itself ------------------------------------------------------------------------


@pytest.fixture
def user(iro):
    return iro


def _request(user, method="get", path="/children/7/"):
    request = getattr(RequestFactory(), method)(path)
    request.user = user
    return request


def test_the_decorator_writes_one_event_for_a_page_shown_and_none_otherwise(user):
    outcomes = {
        "shown": lambda: HttpResponse("the record"),
        "redirected": lambda: redirect("/elsewhere/"),
        "bad request": lambda: HttpResponse(status=400),
    }

    for outcome, respond in outcomes.items():

        @audited(child=child_in_url("pk"), summary="Page viewed")
        def view(request, pk, respond=respond):
            return respond()

        before = _last_id()
        view(_request(user), pk=7)
        expected = 1 if outcome == "shown" else 0
        assert len(_new_events(before, AuditAction.VIEWED)) == expected, outcome

    for error in (Http404, PermissionDenied):

        @audited(child=child_in_url("pk"))
        def refusing(request, pk, error=error):
            raise error

        before = _last_id()
        with pytest.raises(error):
            refusing(_request(user), pk=7)
        assert _new_events(before, AuditAction.VIEWED) == []

    @audited(child=child_in_url("pk"), summary="Page viewed")
    def page(request, pk):
        return HttpResponse("the record")

    before = _last_id()
    page(_request(user, "post"), pk=7)
    (event,) = _new_events(before, AuditAction.VIEWED)
    assert (event.actor, event.child_id, event.object_type, event.object_id, event.summary, event.path) == (
        user,
        7,
        "children.Child",
        "7",
        "Page viewed",
        "/children/7/",
    )
    assert page.audit_policy.kind == "audited"


def test_a_list_page_must_say_which_children_it_listed(user):
    @audited(action=AuditAction.LISTED)
    def forgetful(request):
        return HttpResponse("a list")

    with pytest.raises(ImproperlyConfigured, match="note_listing"):
        forgetful(_request(user, path="/children/"))

    @audited(action=AuditAction.LISTED)
    def listing(request):
        note_listing(request, child_ids=[3, 5], summary="Listed 2 children", query="q=a")
        return HttpResponse("a list")

    before = _last_id()
    listing(_request(user, path="/children/"))
    (event,) = _new_events(before, AuditAction.LISTED)
    assert (event.child_id, event.summary, event.changes) == (
        None,
        "Listed 2 children",
        {"child_ids": [3, 5], "query": "q=a"},
    )


def test_a_decision_is_required_to_be_explicit():
    with pytest.raises(ImproperlyConfigured):
        audited()  # a page about one child must say how to find the child
    marked = no_child_data("The accessibility statement")(lambda request: HttpResponse())
    assert (marked.audit_policy.kind, marked.audit_policy.reason) == ("no_child_data", "The accessibility statement")
