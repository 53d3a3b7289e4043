"""Role grants: a role that reads children's records (or the Administrator role) takes effect
only when an IRO manager who neither asked for it nor receives it approves; every step is
audited; the server operator bootstraps roles with ``manage.py grant_role``."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iro_service import role_grants, roles
from iro_service.models import AuditAction, AuditEvent, RoleGrant, RoleGrantStatus
from tests.factories import UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def second_manager(db):
    return UserFactory(username="mgr2", first_name="Nadia", last_name="Osei", role=roles.IRO_MANAGER)


def fresh(user):
    """The user as a new request would load them (permissions are cached per instance)."""
    return User.objects.get(pk=user.pk)


def request_in_admin(client, *, user, role, reason="Covering the service manager's leave"):
    return client.post(reverse("admin:iro_service_rolegrant_add"), {"user": user.pk, "role": role, "reason": reason})


def actions_about(user):
    """Changes to the user's account and roles (their own sign-ins are audited too, but are not changes)."""
    return list(
        AuditEvent.objects.filter(object_type="auth.User", object_id=str(user.pk))
        .exclude(action__in=[AuditAction.SIGNED_IN, AuditAction.SIGNED_OUT])
        .order_by("pk")
        .values_list("action", "actor__username")
    )


def test_an_administrator_asking_for_iro_manager_for_themselves_gets_a_pending_request_only(client_for, administrator):
    response = request_in_admin(client_for(administrator), user=administrator, role=roles.IRO_MANAGER)

    assert response.status_code == 302
    grant = RoleGrant.objects.get()
    assert (grant.user, grant.role, grant.status, grant.requested_by) == (
        administrator,
        roles.IRO_MANAGER,
        RoleGrantStatus.PENDING,
        administrator,
    )
    assert not fresh(administrator).groups.filter(name=roles.IRO_MANAGER).exists()
    assert not fresh(administrator).has_perm("children.view_all_children")
    assert actions_about(administrator) == [(AuditAction.ROLE_GRANT_REQUESTED, "sysadmin")]


def test_the_administrator_cannot_approve_a_request(client_for, administrator):
    grant = role_grants.role_grant_request(user=administrator, role=roles.IRO_MANAGER, by=administrator)
    client = client_for(administrator)

    assert client.get(reverse("role_requests")).status_code == 403
    assert client.post(reverse("role_request_approve", args=[grant.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        role_grants.role_grant_approve(grant=grant, by=administrator)
    assert RoleGrant.objects.get().status == RoleGrantStatus.PENDING
    assert not fresh(administrator).has_perm("children.view_all_children")


def test_a_manager_cannot_approve_a_role_for_themselves(client_for, administrator, manager):
    grant = role_grants.role_grant_request(user=manager, role=roles.ADMINISTRATOR, by=administrator)
    client = client_for(manager)

    page = client.get(reverse("role_requests")).content.decode()
    assert "This is for you: another manager must decide." in page
    response = client.post(reverse("role_request_approve", args=[grant.pk]), follow=True)

    assert "You cannot approve a role for yourself" in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING
    assert not fresh(manager).groups.filter(name=roles.ADMINISTRATOR).exists()
    assert not fresh(manager).is_staff


def test_whoever_asked_for_a_role_cannot_approve_it(client_for, administrator, committee):
    both = UserFactory(username="both", role=roles.IRO_MANAGER)
    role_grants.role_grant_bootstrap(user=both, role=roles.ADMINISTRATOR, reason="test")
    grant = role_grants.role_grant_request(user=committee, role=roles.IRO, by=fresh(both))

    response = client_for(both).post(reverse("role_request_approve", args=[grant.pk]), follow=True)

    assert "You asked for this role: another manager must decide." in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING
    assert not fresh(committee).has_perm("children.view_caseload")


def test_a_second_manager_approves_and_the_role_takes_effect(client_for, administrator, manager):
    request_in_admin(client_for(administrator), user=administrator, role=roles.IRO_MANAGER)
    grant = RoleGrant.objects.get()

    response = client_for(manager).post(reverse("role_request_approve", args=[grant.pk]), follow=True)

    assert "Alex Admin now has the IRO manager role." in response.content.decode()
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == (RoleGrantStatus.APPROVED, manager)
    assert fresh(administrator).has_perm("children.view_all_children")
    assert actions_about(administrator) == [
        (AuditAction.ROLE_GRANT_REQUESTED, "sysadmin"),
        (AuditAction.ROLE_GRANTED, "mgr"),
    ]
    granted = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert granted.changes["requested_by"] == "sysadmin" and granted.changes["approved_by"] == "mgr"
    # Decided once: the request is no longer there to approve.
    assert client_for(manager).post(reverse("role_request_approve", args=[grant.pk])).status_code == 404


def test_a_refused_request_gives_nothing(client_for, administrator, manager, committee):
    grant = role_grants.role_grant_request(user=committee, role=roles.IRO, by=administrator)

    client_for(manager).post(reverse("role_request_refuse", args=[grant.pk]), {"note": "Not an IRO"})

    grant.refresh_from_db()
    assert (grant.status, grant.decided_by, grant.decision_note) == (RoleGrantStatus.REFUSED, manager, "Not an IRO")
    assert not fresh(committee).groups.filter(name=roles.IRO).exists()
    assert actions_about(committee) == [
        (AuditAction.ROLE_GRANT_REQUESTED, "sysadmin"),
        (AuditAction.ROLE_GRANT_REFUSED, "mgr"),
    ]


def test_the_committee_member_role_is_given_directly_and_audited(client_for, administrator):
    newcomer = UserFactory(username="cllr2")
    request_in_admin(client_for(administrator), user=newcomer, role=roles.COMMITTEE, reason="New committee member")

    grant = RoleGrant.objects.get()
    assert (grant.status, grant.route) == (RoleGrantStatus.APPROVED, "direct")
    assert fresh(newcomer).has_perm("reporting.view_published_reports")
    assert actions_about(newcomer) == [(AuditAction.ROLE_GRANTED, "sysadmin")]


def test_the_administrator_role_needs_approval_and_brings_the_admin_with_it(administrator, manager):
    newcomer = UserFactory(username="admin2")
    grant = role_grants.role_grant_request(user=newcomer, role=roles.ADMINISTRATOR, by=administrator)
    assert grant.status == RoleGrantStatus.PENDING
    assert not fresh(newcomer).is_staff

    role_grants.role_grant_approve(grant=grant, by=manager)
    assert fresh(newcomer).is_staff

    role_grants.role_revoke(user=newcomer, role=roles.ADMINISTRATOR, by=manager)
    assert not fresh(newcomer).is_staff
    assert not fresh(newcomer).groups.exists()


def test_a_role_is_removed_directly_by_a_manager_or_an_administrator_and_audited(
    client_for, administrator, manager, iro, other_iro
):
    response = client_for(manager).post(reverse("role_remove", args=[iro.pk]), {"role": roles.IRO}, follow=True)
    assert "Ada Okafor no longer has the IRO role." in response.content.decode()
    assert not fresh(iro).has_perm("children.view_caseload")

    role_grants.role_grant_bootstrap(user=manager, role=roles.COMMITTEE, reason="test")
    grant = RoleGrant.objects.get(user=manager, role=roles.COMMITTEE)
    client_for(administrator).post(
        reverse("admin:iro_service_rolegrant_changelist"), {"action": "remove_roles", "_selected_action": [grant.pk]}
    )
    grant.refresh_from_db()
    assert (grant.status, grant.revoked_by) == (RoleGrantStatus.REVOKED, administrator)
    assert not fresh(manager).groups.filter(name=roles.COMMITTEE).exists()
    removed = AuditEvent.objects.filter(action=AuditAction.ROLE_REMOVED).order_by("pk")
    assert [(e.actor.username, e.object_id, e.changes["role"]) for e in removed] == [
        ("mgr", str(iro.pk), roles.IRO),
        ("sysadmin", str(manager.pk), roles.COMMITTEE),
    ]
    # An IRO cannot remove anyone's role.
    assert (
        client_for(other_iro).post(reverse("role_remove", args=[manager.pk]), {"role": roles.IRO_MANAGER}).status_code
        == 403
    )


def test_the_database_refuses_a_grant_decided_by_its_requester_or_its_grantee(administrator, manager, committee):
    now = timezone.now()
    decided = {"status": RoleGrantStatus.APPROVED, "requested_at": now, "decided_at": now, "role": roles.IRO}
    for user, requested_by, decided_by in (
        (committee, administrator, administrator),  # approved by whoever asked
        (manager, administrator, manager),  # approved by the grantee
        (committee, None, manager),  # approval with nobody asking
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            RoleGrant.objects.create(user=user, requested_by=requested_by, decided_by=decided_by, **decided)
    with pytest.raises(IntegrityError), transaction.atomic():
        # Only the Committee member role is given directly.
        RoleGrant.objects.create(
            user=administrator, requested_by=administrator, decided_by=administrator, route="direct", **decided
        )
    assert not RoleGrant.objects.exists()
    RoleGrant.objects.create(user=committee, requested_by=administrator, decided_by=manager, **decided)


def test_the_server_operator_grants_a_role_with_a_command_and_it_is_audited(capsys):
    first = UserFactory(username="first_manager")

    call_command("grant_role", "first_manager", roles.IRO_MANAGER, "--reason", "First manager of the service")

    assert "first_manager now has the IRO manager role" in capsys.readouterr().out
    assert fresh(first).has_perm("children.view_all_children")
    assert not fresh(first).is_superuser
    grant = RoleGrant.objects.get(user=first)
    assert (grant.route, grant.requested_by, grant.decided_by) == ("operator", None, None)
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert (event.actor, event.object_id) == (None, str(first.pk))
    assert "server operator" in event.summary
    with pytest.raises(CommandError, match="already holds"):
        call_command("grant_role", "first_manager", roles.IRO_MANAGER)
    with pytest.raises(CommandError):
        call_command("grant_role", "first_manager", "superuser")


def test_decisions_are_post_only_and_need_the_csrf_token(administrator, manager, committee):
    grant = role_grants.role_grant_request(user=committee, role=roles.IRO, by=administrator)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    assert client.get(reverse("role_request_approve", args=[grant.pk])).status_code == 405
    assert client.post(reverse("role_request_approve", args=[grant.pk])).status_code == 403
    assert client.post(reverse("role_remove", args=[committee.pk]), {"role": roles.COMMITTEE}).status_code == 403
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING
    assert fresh(committee).groups.filter(name=roles.COMMITTEE).exists()


def test_managers_find_role_requests_in_the_navigation(client_for, manager, iro):
    assert reverse("role_requests") in client_for(manager).get(reverse("children:caseloads")).content.decode()
    assert reverse("role_requests") not in client_for(iro).get(reverse("reviews:home")).content.decode()
    assert client_for(iro).get(reverse("role_requests")).status_code == 403


def test_the_role_requests_page_costs_the_same_queries_however_many_requests(
    client_for, django_assert_num_queries, administrator, manager
):
    client = client_for(manager)
    role_grants.role_grant_request(user=UserFactory(username="p1"), role=roles.IRO, by=administrator)
    client.get(reverse("role_requests"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("role_requests"))
    for name in ("p2", "p3", "p4"):
        grant = role_grants.role_grant_request(user=UserFactory(username=name), role=roles.IRO, by=administrator)
    role_grants.role_grant_approve(grant=grant, by=manager)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("role_requests"))
    assert page.content.decode().count(">Approve<") == 3


def test_ensure_roles_leaves_the_code_definition_and_writes_no_permission_event():
    group = Group.objects.get(name=roles.ADMINISTRATOR)
    group.permissions.clear()  # made in the shell: audited
    roles.ensure_roles()
    held = {
        f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    assert held == set(roles.ROLE_PERMISSIONS[roles.ADMINISTRATOR])
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSIONS_CHANGED).count() == 1
