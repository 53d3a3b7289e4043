"""The role-by-URL matrix: every URL pattern from the resolver (the admin's are tested by the
admin tests), tried as every role with GET and with an empty POST, using the ids of the first
IRO's child and their records (the other IRO once held the child and raised its dispute).

``DECISIONS`` states who may reach each URL name. A role in the set must get 200, a redirect
that is not to the sign-in page, 400 (a form refused) or 405 (the other method); a role not in
it must get a redirect to the sign-in page (anonymous), 403, 404 or 405 (the other method,
refused before any record is read), and no response to a refused role may name the child.
A URL name the table does not mention fails the test, so every new URL needs a decision.
Every failure is collected and printed before the test fails."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.iro_service.url_world import (
    ADMINISTRATOR,
    ANONYMOUS,
    CHILD_FIRST_NAME,
    CHILD_LAST_NAME,
    COMMITTEE,
    HOLDER,
    MANAGER,
    NO_ROLE,
    OTHER_IRO,
    QUERY,
    ROLES,
    build_world,
    routes,
)

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
IROS = frozenset({HOLDER, OTHER_IRO})
CASELOAD = frozenset({HOLDER, OTHER_IRO, MANAGER})  # each sees their own children's list
CHILD = frozenset({HOLDER, MANAGER})  # the child's record: their IRO and managers
CHAIR = frozenset({HOLDER})  # what only the child's IRO (or cover) does
MANAGERS = frozenset({MANAGER})
REPORT_READERS = frozenset({MANAGER, COMMITTEE})

#: Who may reach each URL: a set for both methods, or ``{"GET": ..., "POST": ...}``.
DECISIONS: dict[str, frozenset | dict[str, frozenset]] = {
    "home": SIGNED_IN,
    "login": EVERYONE,
    "logout": EVERYONE,
    "accessibility": EVERYONE,
    "favicon": EVERYONE,
    # one's own account: password and second factor (no child's data)
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,
    "password_reset_complete": EVERYONE,
    "two_factor": SIGNED_IN,
    "two_factor_setup": SIGNED_IN,
    "two_factor_verify": SIGNED_IN,
    # trying again a report or an upload check that failed or stuck
    "reporting:retry": {"GET": frozenset(), "POST": MANAGERS},
    "interchange:ssda903_upload_retry": {"GET": frozenset(), "POST": MANAGERS},
    # role grants: decided by an IRO manager (separation of duties)
    "role_requests": MANAGERS,
    "role_request_approve": {"GET": frozenset(), "POST": MANAGERS},
    "role_request_refuse": {"GET": frozenset(), "POST": MANAGERS},
    "role_remove": {"GET": frozenset(), "POST": MANAGERS | {ADMINISTRATOR}},  # removing access needs no second person
    # children
    "children:list": CASELOAD,
    "children:list_csv": CASELOAD,
    "children:create": MANAGERS,
    "children:caseloads": MANAGERS,
    "children:caseloads_csv": MANAGERS,
    "children:unallocated": MANAGERS,
    "children:cover_list": MANAGERS,
    "children:cover_create": MANAGERS,
    "children:cover_end": MANAGERS,
    "children:detail": CHILD,
    "children:edit": MANAGERS,
    "children:reallocate": MANAGERS,
    "children:episode_change": MANAGERS,
    "children:leave_care": MANAGERS,
    "children:return_to_care": MANAGERS,
    "children:archive": MANAGERS,
    "children:audit": MANAGERS,
    "children:significant_change_create": CHILD,
    # A manager reads the change; only the IRO acknowledges it.
    "children:significant_change_acknowledge": {"GET": CHILD, "POST": CHAIR},
    "children:significant_change_seen": MANAGERS,
    # retention: a manager proposes, a second manager decides (the world's proposal is not theirs)
    "children:retention_list": MANAGERS,
    "children:retention_propose": MANAGERS,
    "children:retention_request": MANAGERS,
    # the people around the child: read and changed by the child's IRO (or cover) and managers
    "children:contacts": CHILD,
    "children:contact_add": CHILD,
    "children:contact_edit": CHILD,
    "children:contact_end": CHILD,
    # reviews
    "reviews:home": IROS,
    # A child protection chair's start page; an IRO is sent on to reviews:home (302).
    "conferences:home": CASELOAD,
    "reviews:service": MANAGERS,
    "reviews:service_csv": MANAGERS,
    "reviews:child": CHILD,
    "reviews:book": CHAIR,
    "reviews:record": CHAIR,
    "reviews:detail": CHILD,
    "reviews:edit": CHAIR,
    "reviews:distribution": CHAIR,
    "reviews:reschedule": CHAIR,
    "reviews:cancel": CHAIR,
    "reviews:invitations": CHAIR,
    "reviews:calendar_file": CHILD,
    "reviews:action_update": CHAIR,
    "reviews:timeline": CHILD,
    "reviews:visit_create": CHAIR,
    "reviews:midway_create": CHAIR,
    "reviews:case_note_create": CHAIR,
    # the calendars; the feed is a bearer URL (the token is the holder's): no sign-in
    "reviews:calendar": IROS,
    "reviews:service_calendar": MANAGERS,
    "reviews:calendar_feed": IROS,
    "reviews:calendar_feed_ics": EVERYONE,
    "reviews:record_pdf": CHILD,
    "reviews:letter_pdf": CHILD,
    # disputes: the other IRO raised this one, and sees it no more
    "disputes:list": CASELOAD,
    "disputes:raise": CHAIR,
    "disputes:detail": CHILD,
    "disputes:respond": CHAIR,
    "disputes:meeting": CHAIR,
    "disputes:escalate": CHAIR,
    "disputes:resolve": CHAIR,
    "disputes:withdraw": CHAIR,
    "disputes:refer": CHAIR,
    "disputes:cafcass_outcome": CHAIR,
    "disputes:dashboard": MANAGERS,
    "disputes:dashboard_csv": MANAGERS,
    # conferences: the chair's pages (the first IRO also chairs the child's conferences)
    "conferences:mine": CASELOAD,
    "conferences:chair_detail": CHILD,
    "conferences:record": CHILD,
    "conferences:minutes": CHILD,
    "conferences:minutes_sent": CHILD,
    "conferences:minutes_pdf": CHILD,
    "conferences:plan": CHILD,
    "conferences:plan_action_update": CHILD,
    "conferences:core_group_leave": CHILD,
    # reporting: the committee reads published versions only
    "reporting:annual": MANAGERS,
    # child protection conferences, the manager's side (issue 15)
    **{
        f"conferences:{name}": MANAGERS
        for name in ("manage", "request", "allocate_chair", "book", "review_book", "move", "cancel")
    },
    "reporting:narrative": MANAGERS,
    "reporting:generate": MANAGERS,
    "reporting:progress": MANAGERS,
    "reporting:download": REPORT_READERS,
    "reporting:publish": MANAGERS,
    "reporting:withdraw": MANAGERS,
    "reporting:tables_csv": REPORT_READERS,
    "reporting:published": REPORT_READERS,
    "reporting:dashboard": MANAGERS,
    "reporting:dashboard_chart": MANAGERS,
    "reporting:records": MANAGERS,
    # the manager's feedback comments and quotes (issue 16): never the committee
    "reporting:feedback_comments": MANAGERS,
    "reporting:feedback_quote": MANAGERS,
    "reporting:feedback_quote_withdraw": {"GET": frozenset(), "POST": MANAGERS},
    "interchange:ssda903": MANAGERS,
    "interchange:ssda903_export": MANAGERS,
    "interchange:ssda903_upload_create": MANAGERS,
    "interchange:ssda903_upload": MANAGERS,
    "interchange:ssda903_upload_report": MANAGERS,
    "interchange:ssda903_upload_import": MANAGERS,
    "interchange:cin_census": MANAGERS,
    "interchange:cin_census_download": MANAGERS,
    # The child's voice, the public forms (issue 16): whoever holds the link, signed in or not.
    # An empty POST is refused with the form again (200): nothing answered, the link stays open.
    "voice:form": EVERYONE,
    "voice:thanks": EVERYONE,
    # the child's voice, sending links (issue 16): only the IRO who holds or covers the child
    # (a manager reads the answers elsewhere, but the asking is the IRO's)
    "voice:consultation_send": CHAIR,
    "voice:feedback_send": CHAIR,
    "voice:link_revoke": {"GET": frozenset(), "POST": CHAIR},
    # the child's voice, the IRO's answers (issue 16): the list is the IRO's own; a manager reads
    # one answer (never its private words); only the child's IRO copies it into the review
    "voice:answers": IROS,
    "voice:answer": CHILD,
    "voice:answer_copy": {"GET": frozenset(), "POST": CHAIR},
}

ALLOWED_STATUS = {200, 302, 400, 405}
#: 405: a signed-in user sent the other method to a one-method view, refused before any record is read.
REFUSED_STATUS = {302, 403, 404, 405}
#: Where success is a redirect to the sign-in page.
SIGNS_OUT = {"logout"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def allowed(name: str, method: str) -> frozenset:
    decision = DECISIONS[name]
    return decision[method] if isinstance(decision, dict) else decision


def _to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


def _names_the_child(response) -> bool:
    if getattr(response, "streaming", False):
        return False  # file downloads (the published report) are checked by the reporting tests
    body = response.content.decode("utf-8", "replace")
    return CHILD_FIRST_NAME in body or CHILD_LAST_NAME in body


def _judge(name: str, method: str, role: str, response) -> str | None:
    status = response.status_code
    where = f"{method} {name} as {role}: {status}"
    if role in allowed(name, method):
        if status not in ALLOWED_STATUS or (_to_login(response) and name not in SIGNS_OUT):
            return f"{where}, expected to be allowed (200/302/400/405, not a redirect to sign in)"
        return None
    if status not in REFUSED_STATUS or (status == 302 and not _to_login(response)):
        location = f" to {response['Location']}" if status == 302 else ""
        return f"{where}{location}, expected a refusal (sign-in redirect, 403 or 404)"
    if role == ANONYMOUS and status != 302:
        return f"{where}, expected a redirect to sign in"
    if _names_the_child(response):
        return f"{where}: the refused response names the child"
    return None


def test_the_table_decides_every_url_and_only_urls_that_exist():
    names = {route.name for route in routes()}
    assert sorted(names - DECISIONS.keys()) == [], "URLs with no decision in DECISIONS: say who may reach them"
    assert sorted(DECISIONS.keys() - names) == [], "DECISIONS names URLs that no longer exist"


def _clients(world) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if role != ANONYMOUS:
            clients[role].force_login(world.users[role])
    return clients


def _run(method: str) -> list[str]:
    world = build_world()
    clients = _clients(world)
    failures = []
    for route in routes():
        if route.name not in DECISIONS:
            continue  # reported by test_the_table_decides_every_url_and_only_urls_that_exist
        kwargs = world.kwargs.get(route.name)
        if route.kwarg_names and kwargs is None:
            failures.append(f"{route.name}: no ids for its URL in tests/iro_service/url_world.py")
            continue
        url = reverse(route.name, kwargs=kwargs) + QUERY.get(route.name, "").format(year=world.year)
        # Refused roles first, so an allowed POST that changes something cannot hide a refusal.
        for role in sorted(ROLES, key=lambda r: r in allowed(route.name, method)):
            client = clients[role]
            response = client.get(url) if method == "GET" else client.post(url, {})
            failure = _judge(route.name, method, role, response)
            if failure:
                failures.append(failure)
            if route.name == "logout" and role != ANONYMOUS:
                client.force_login(world.users[role])
    return failures


def test_every_role_gets_exactly_what_the_table_allows_on_get():
    failures = _run("GET")
    print("\n".join(failures))
    assert failures == [], f"{len(failures)} GET decisions broken:\n" + "\n".join(failures)


def test_every_role_gets_exactly_what_the_table_allows_on_post():
    failures = _run("POST")
    print("\n".join(failures))
    assert failures == [], f"{len(failures)} POST decisions broken:\n" + "\n".join(failures)


def test_the_other_iro_reaches_none_of_the_childs_records():
    """The denials the matrix asserts, spelled out for the case issue 10 found: the IRO who
    raised the dispute and then lost the child."""
    refused = [
        name
        for name, decision in DECISIONS.items()
        if OTHER_IRO not in (decision["GET"] if isinstance(decision, dict) else decision)
    ]
    for name in ("children:detail", "disputes:detail", "disputes:respond", "reviews:detail", "reviews:timeline"):
        assert name in refused
    assert {ADMINISTRATOR, COMMITTEE, NO_ROLE}.isdisjoint(DECISIONS["disputes:detail"])
