"""Passwords: each person sets and changes their own, audited; the 12-character rule applies."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from iro_service import accounts
from iro_service.models import AuditAction, AuditEvent
from tests.factories import PASSWORD

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_a_user_changes_their_own_password_and_it_is_audited(client_for, iro):
    client = client_for(iro)
    page = client.get(reverse("password_change"))
    assert "Change your password" in page.content.decode()

    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short-one", "new_password2": "short-one"},
    )
    assert "at least 12 characters" in weak.content.decode()
    done = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "walnut-glacier-comet-8",
            "new_password2": "walnut-glacier-comet-8",
        },
        follow=True,
    )

    assert "Password changed" in done.content.decode()
    assert User.objects.get(pk=iro.pk).check_password("walnut-glacier-comet-8")
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGED)
    assert (event.actor, event.object_id, event.child_id) == (iro, str(iro.pk), None)
    assert "walnut" not in str(event.changes) + event.summary


def test_the_admins_change_password_link_leads_to_the_same_audited_page(client_for, administrator):
    client = client_for(administrator)
    for response in (client.get(reverse("admin:password_change")), client.post(reverse("admin:password_change"))):
        assert response.status_code == 302
        assert response.url == reverse("password_change")
    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "copper-meadow-lantern-3",
            "new_password2": "copper-meadow-lantern-3",
        },
    )
    assert User.objects.get(pk=administrator.pk).check_password("copper-meadow-lantern-3")
    assert AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGED).actor == administrator


def test_nobody_sets_another_persons_password_even_in_code(administrator, manager):
    with pytest.raises(PermissionDenied):
        accounts.password_change(user=manager, by=administrator, new_password="copper-meadow-lantern-3", via="test")
    assert User.objects.get(pk=manager.pk).check_password(PASSWORD)
    assert not AuditEvent.objects.exists()


def test_a_forgotten_password_link_goes_only_to_the_address_on_the_account(client, manager):
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.test"}, follow=True)
    known = client.post(reverse("password_reset"), {"email": "MGR@example.test"}, follow=True)

    assert "Check your email" in unknown.content.decode() and "Check your email" in known.content.decode()
    assert [m.to for m in mail.outbox] == [["mgr@example.test"]]
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET_SENT)
    assert (event.actor, event.object_id) == (None, str(manager.pk))
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    assert "Set your password" in client.get(link, follow=True).content.decode()
