"""Separation of duties in the Django admin: the administrator manages accounts but cannot give
anyone (themselves included) access to children's records, set a password, or see a child's
data; every change to accounts, roles and permissions is in the audit trail."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from children import services as child_services
from iro_service import roles
from iro_service.checks import no_active_superusers
from iro_service.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, UserFactory, make_child_in_care

User = get_user_model()
pytestmark = pytest.mark.django_db


def perm(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def change_form(user, **overrides):
    """Everything the user change page posts, including what Django's stock UserAdmin would
    accept (dates, superuser status, groups), so that only the admin's rules decide."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "last_login_0": "",
        "last_login_1": "",
        "iro_profile-TOTAL_FORMS": "0",
        "iro_profile-INITIAL_FORMS": "0",
        "iro_profile-MIN_NUM_FORMS": "0",
        "iro_profile-MAX_NUM_FORMS": "1",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def user_change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def test_the_administrator_cannot_make_themselves_or_anyone_a_superuser(client_for, administrator, manager):
    client = client_for(administrator)
    for user in (administrator, manager):
        response = client.post(
            user_change_url(user),
            change_form(user, first_name="Renamed", is_superuser="on", is_staff="on"),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        user.refresh_from_db()
        assert user.first_name == "Renamed"
        assert not user.is_superuser
    manager.refresh_from_db()
    assert not manager.is_staff


def test_the_administrator_cannot_give_a_child_reading_role_or_permission_through_the_user_form(
    client_for, administrator, manager
):
    client = client_for(administrator)
    child_roles = [Group.objects.get(name=roles.IRO_MANAGER).pk, Group.objects.get(name=roles.IRO).pk]
    for user in (administrator, manager):
        response = client.post(
            user_change_url(user),
            change_form(
                user,
                groups=child_roles,
                user_permissions=[perm("children.view_all_children").pk, perm("auth.change_group").pk],
            ),
        )
        assert response.status_code == 302

    administrator = User.objects.get(pk=administrator.pk)
    assert [g.name for g in administrator.groups.all()] == [roles.ADMINISTRATOR]
    assert not administrator.user_permissions.exists()
    assert not administrator.has_perm("children.view_all_children")
    assert not administrator.has_perm("children.view_caseload")
    assert [g.name for g in User.objects.get(pk=manager.pk).groups.all()] == [roles.IRO_MANAGER]


def test_group_permissions_cannot_be_changed_in_the_browser(client_for, administrator):
    client = client_for(administrator)
    group = Group.objects.get(name=roles.ADMINISTRATOR)
    before = set(group.permissions.values_list("pk", flat=True))
    url = reverse("admin:auth_group_change", args=[group.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="permissions"' not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()

    response = client.post(url, {"name": group.name, "permissions": [perm("children.view_all_children").pk]})
    assert response.status_code == 403
    assert client.post(reverse("admin:auth_group_add"), {"name": "Readers"}).status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before
    assert not Group.objects.filter(name="Readers").exists()

    # Not even a superuser edits a role in the browser: roles are defined in code.
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert client_for(root).post(url, {"name": group.name, "permissions": []}).status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before


def test_the_administrator_role_reads_no_child_and_changes_no_role():
    held = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=roles.ADMINISTRATOR).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert held == set(roles.ROLE_PERMISSIONS[roles.ADMINISTRATOR])
    child_reading = {
        dotted
        for dotted in (*roles.ROLE_PERMISSIONS[roles.IRO], *roles.ROLE_PERMISSIONS[roles.IRO_MANAGER])
        if dotted.split(".")[0] in {"children", "reviews", "disputes", "reporting"}
    }
    assert not held & child_reading
    assert not {"auth.change_group", "auth.add_group", "auth.change_permission"} & held


def test_nobody_sets_or_reads_another_persons_password_in_the_admin(client_for, administrator, manager):
    url = reverse("admin:auth_user_password_change", args=[manager.pk])
    client = client_for(administrator)
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "a-new-password-9876", "password2": "a-new-password-9876"})
    assert response.status_code == 403
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert client_for(root).get(url).status_code == 403
    # Nor can a password hash be guessed by filtering the list of users.
    assert client.get(reverse("admin:auth_user_changelist"), {"password__startswith": "md5"}).status_code == 400
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)
    assert "md5$" not in client.get(user_change_url(manager)).content.decode()


def reset_link(message):
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)


def test_the_administrator_sends_a_password_reset_and_the_link_works_once(client, client_for, administrator, manager):
    response = client_for(administrator).post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [manager.pk]},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]
    link = reset_link(mail.outbox[0])

    client.logout()
    set_password_page = client.get(link, follow=True)
    assert "Set your password" in set_password_page.content.decode()
    form_url = set_password_page.redirect_chain[-1][0]
    too_short = client.post(form_url, {"new_password1": "short-pw", "new_password2": "short-pw"})
    assert "at least 12 characters" in too_short.content.decode()
    done = client.post(
        form_url, {"new_password1": "kettle-harbour-violet-9", "new_password2": "kettle-harbour-violet-9"}
    )
    assert done.status_code == 302

    manager.refresh_from_db()
    assert manager.check_password("kettle-harbour-violet-9")
    assert "This link has expired" in client.get(link, follow=True).content.decode()
    sent = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET_SENT)
    assert (sent.actor, sent.object_type, sent.object_id, sent.child_id) == (
        administrator,
        "auth.User",
        str(manager.pk),
        None,
    )
    changed = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGED)
    assert (changed.actor, changed.object_id) == (manager, str(manager.pk))


def test_a_new_account_has_no_password_and_is_emailed_a_link_to_set_one(client, client_for, administrator):
    response = client_for(administrator).post(
        reverse("admin:auth_user_add"),
        {
            "username": "newiro",
            "first_name": "Nia",
            "last_name": "Newcombe",
            "email": "nia@example.test",
            "usable_password": "true",
            "password1": "admin-chosen-password-1",
            "password2": "admin-chosen-password-1",
            "is_superuser": "on",
            "iro_profile-TOTAL_FORMS": "0",
            "iro_profile-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newiro")
    assert not user.has_usable_password()
    assert not user.is_superuser and not user.groups.exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nia@example.test"]
    assert "Your username is newiro" in mail.outbox[0].body
    created = AuditEvent.objects.get(action=AuditAction.USER_CREATED)
    assert (created.actor, created.object_id) == (administrator, str(user.pk))
    assert created.changes["email"] == [None, "nia@example.test"]

    client.logout()
    form_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "lantern-moss-quarry-4", "new_password2": "lantern-moss-quarry-4"})
    user.refresh_from_db()
    assert user.check_password("lantern-moss-quarry-4")


def test_the_administrator_cannot_redirect_a_managers_password_resets_to_themselves(client_for, administrator, manager):
    response = client_for(administrator).post(
        user_change_url(manager), change_form(manager, email="sysadmin@example.test")
    )
    assert response.status_code == 200
    assert "password resets go to its email address" in response.content.decode()
    manager.refresh_from_db()
    assert manager.email == "mgr@example.test"
    assert not AuditEvent.objects.filter(action=AuditAction.USER_CHANGED).exists()


def test_account_changes_are_audited_with_before_and_after_and_never_the_password(client_for, administrator, committee):
    client = client_for(administrator)
    client.post(user_change_url(committee), change_form(committee, last_name="Reid", email="colin@example.test"))
    data = change_form(committee, last_name="Reid", email="colin@example.test")
    del data["is_active"]
    client.post(user_change_url(committee), data)

    changed, deactivated = AuditEvent.objects.filter(action=AuditAction.USER_CHANGED).order_by("pk")
    assert changed.actor == administrator
    assert (changed.object_type, changed.object_id, changed.child_id) == ("auth.User", str(committee.pk), None)
    assert changed.changes == {"last_name": ["Reed", "Reid"], "email": ["cllr@example.test", "colin@example.test"]}
    assert deactivated.changes == {"is_active": [True, False]}
    assert deactivated.summary == "Account cllr deactivated"
    committee.refresh_from_db()
    assert not committee.is_active
    for event in AuditEvent.objects.all():
        assert "password" not in event.changes
        assert committee.password not in str(event.changes)


def test_an_iro_profile_change_in_the_admin_is_audited(client_for, administrator, iro):
    profile = iro.iro_profile
    data = change_form(
        iro,
        **{
            "iro_profile-TOTAL_FORMS": "1",
            "iro_profile-INITIAL_FORMS": "1",
            "iro_profile-0-id": str(profile.pk),
            "iro_profile-0-user": str(iro.pk),
            "iro_profile-0-fte": "0.80",
            "iro_profile-0-team": str(profile.team_id),
        },
    )
    assert client_for(administrator).post(user_change_url(iro), data).status_code == 302
    profile.refresh_from_db()
    assert str(profile.fte) == "0.80"
    event = AuditEvent.objects.get(action=AuditAction.USER_CHANGED)
    assert (event.actor, event.object_id, event.changes) == (
        administrator,
        str(iro.pk),
        {"IRO profile fte": ["1.00", "0.80"]},
    )


def test_a_change_to_groups_or_permissions_made_in_the_shell_is_audited(manager, committee):
    iro_role = Group.objects.get(name=roles.IRO)
    administrator_role = Group.objects.get(name=roles.ADMINISTRATOR)

    committee.groups.add(iro_role)
    administrator_role.permissions.add(perm("children.view_all_children"))
    iro_role.user_set.remove(committee)
    manager.user_permissions.add(perm("auth.change_group"))
    manager.user_permissions.clear()

    events = list(AuditEvent.objects.filter(action=AuditAction.PERMISSIONS_CHANGED).order_by("pk"))
    assert [(e.actor, e.child_id, e.object_type, e.object_id, e.changes) for e in events] == [
        (None, None, "auth.User", str(committee.pk), {"added": ["IRO"]}),
        (None, None, "auth.Group", str(administrator_role.pk), {"added": ["children.view_all_children"]}),
        (None, None, "auth.User", str(committee.pk), {"removed": ["IRO"]}),
        (None, None, "auth.User", str(manager.pk), {"added": ["auth.change_group"]}),
        (None, None, "auth.User", str(manager.pk), {"removed": ["auth.change_group"]}),
    ]
    assert "outside the role services" in events[0].summary


def test_the_administrator_sees_no_childs_data_anywhere_in_the_admin(client_for, administrator, manager, iro):
    child = make_child_in_care(iro=iro, first_name="Zephyrine", last_name="Quillfeather")
    child_services.child_view(child=child, by=manager)
    child_services.child_update(
        child=child,
        by=manager,
        expected_version=child.version,
        last_name="Quillfeather-Vane",
        date_of_birth=dt.date(2013, 2, 27),
    )
    child_event = AuditEvent.objects.filter(child_id=child.pk).order_by("-pk").first()
    assert "Quillfeather" in str(child_event.changes)  # the event the admin must not show
    client = client_for(administrator)
    client.post(user_change_url(manager), change_form(manager, first_name="Mara"))

    pages = [
        reverse("admin:index"),
        reverse("admin:iro_service_auditevent_changelist"),
        reverse("admin:iro_service_auditevent_changelist") + "?q=Vane",
        reverse("admin:iro_service_auditevent_changelist") + f"?child_id={child.pk}",
        reverse("admin:iro_service_auditevent_change", args=[child_event.pk]),
        reverse("admin:auth_user_changelist"),
    ]
    for url in pages:
        content = client.get(url, follow=True).content.decode()
        for secret in ("Quillfeather", "Zephyrine", "2013-02-27", "2013-02-28"):
            assert secret not in content, (url, secret)

    account_events = client.get(reverse("admin:iro_service_auditevent_changelist")).content.decode()
    assert "Account mgr changed: first_name" in account_events

    # A manager reads the child's trail in the service, as before.
    trail = client_for(manager).get(reverse("children:audit", args=[child.pk]))
    assert trail.status_code == 200
    assert "Quillfeather-Vane" in trail.content.decode()


def test_the_deploy_check_warns_while_an_active_superuser_exists():
    assert no_active_superusers(databases=["default"]) == []
    UserFactory(username="root", is_superuser=True, is_staff=True)
    UserFactory(username="oldroot", is_superuser=True, is_active=False)
    warnings = no_active_superusers(databases=["default"])
    assert [w.id for w in warnings] == ["iro_service.W001"]
    assert "root" in warnings[0].msg and "oldroot" not in warnings[0].msg
    assert no_active_superusers(databases=None) == []
