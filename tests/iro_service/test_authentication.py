"""Signing in: lockout, the audit of sign-ins, session time limits, password rules, two-factor
sign-in and single sign-on (docs/authentication.md)."""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from binascii import unhexlify
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from iro_service import otp
from iro_service.middleware import LAST_SEEN_AT
from iro_service.models import AuditAction, AuditEvent
from iro_service.oidc import CouncilOIDCBackend
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

LOGIN = "/accounts/login/"
OFFICE = "203.0.113.9"
ELSEWHERE = "198.51.100.20"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LOCKOUT_TEXT = "too many failed attempts to sign in"


def sign_in(client, username, password, *, address=OFFICE, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


# --- Lockout -------------------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_is_refused_with_the_lockout_message(client, iro):
    first = sign_in(client, "iro_a", "wrong-password-0")
    assert first.status_code == 200
    assert "Enter a correct username and password" in first.text

    for attempt in range(1, 30):
        sign_in(client, "iro_a", f"wrong-password-{attempt}")
    response = sign_in(client, "iro_a", PASSWORD)

    assert not signed_in(client)
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.text
    assert "Wait 15 minutes, then try again" in response.text
    assert "ask your IRO service administrator" in response.text
    # A GOV.UK page with the sign-in form, not a bare error.
    assert "govuk-error-summary" in response.text and 'name="username"' in response.text
    assert "<title>Sign in (error)" in response.text


def test_five_failures_for_one_account_lock_it_from_every_address(client, iro):
    for n in range(5):
        sign_in(client, "iro_a", "not-the-password", address=f"192.0.2.{n + 1}")

    response = sign_in(client, "iro_a", PASSWORD, address=ELSEWHERE)

    assert response.status_code == 429 and LOCKOUT_TEXT in response.text
    assert not signed_in(client)


def test_twenty_failures_from_one_address_lock_it_across_usernames(client, iro):
    for n in range(19):
        sign_in(client, f"guess{n}", "not-the-password")
    assert sign_in(client, "guess19", "not-the-password").status_code == 429

    from_the_office = sign_in(client, "iro_a", PASSWORD)
    assert from_the_office.status_code == 429 and LOCKOUT_TEXT in from_the_office.text
    assert not signed_in(client)

    from_elsewhere = sign_in(client, "iro_a", PASSWORD, address=ELSEWHERE)
    assert from_elsewhere.status_code == 302
    assert signed_in(client)


def test_a_lockout_lifts_after_the_cool_off(client, iro):
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(5):
            sign_in(client, "iro_a", "not-the-password")
        assert sign_in(client, "iro_a", PASSWORD).status_code == 429

        traveller.shift(dt.timedelta(minutes=16))
        assert sign_in(client, "iro_a", PASSWORD).status_code == 302
        assert signed_in(client)


@override_settings(
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), AXES_IPWARE_PROXY_ORDER="right-most"
)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw_and_cannot_be_spoofed(client, iro):
    for n in range(20):
        # Each attempt claims a different address; the proxy appends the one it really saw.
        sign_in(client, f"guess{n}", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7")

    locked = sign_in(client, "iro_a", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).first().changes["address"] == "198.51.100.7"


# --- Audit of sign-ins ---------------------------------------------------------------------------


def test_failed_and_successful_sign_ins_and_sign_outs_are_audited_without_the_password(client, iro):
    sign_in(client, "iro_a", "Secret-guess-123")
    sign_in(client, "nobody", "Another-guess-456")
    sign_in(client, "iro_a", PASSWORD)
    client.post("/accounts/logout/", REMOTE_ADDR=OFFICE)

    events = list(AuditEvent.objects.order_by("pk"))
    assert [(e.action, e.actor, e.object_id, e.changes) for e in events] == [
        (AuditAction.SIGN_IN_FAILED, None, str(iro.pk), {"username": "iro_a", "address": OFFICE}),
        (AuditAction.SIGN_IN_FAILED, None, "", {"username": "nobody", "address": OFFICE}),
        (AuditAction.SIGNED_IN, iro, str(iro.pk), {"username": "iro_a", "address": OFFICE, "method": "password"}),
        (
            AuditAction.SIGNED_OUT,
            iro,
            str(iro.pk),
            {"username": "iro_a", "address": OFFICE, "reason": "signed out"},
        ),
    ]
    assert all(e.child_id is None for e in events)
    written = json.dumps([[e.summary, e.changes, e.path] for e in events])
    assert "Secret-guess-123" not in written and "Another-guess-456" not in written and PASSWORD not in written


def test_a_lockout_is_audited_once_when_it_starts(client, iro):
    for _ in range(8):
        sign_in(client, "iro_a", "not-the-password")

    lockouts = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT)
    assert [(e.object_id, e.changes) for e in lockouts] == [(str(iro.pk), {"username": "iro_a", "address": OFFICE})]
    assert lockouts.get().summary == "Sign-in locked for 15 minutes after repeated failures"
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 8


# --- Session time limits -------------------------------------------------------------------------


def test_a_session_idle_for_31_minutes_is_signed_out_with_a_message(client, iro):
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(iro)
        assert client.get("/reviews/").status_code == 200

        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/reviews/")

        assert response.status_code == 302
        assert response.url == "/accounts/login/?signed-out=idle&next=%2Freviews%2F"
        assert not signed_in(client)
        page = client.get(response.url)
    assert "You were signed out after 30 minutes without activity." in page.text
    assert "govuk-notification-banner" in page.text
    signed_out = AuditEvent.objects.get(action=AuditAction.SIGNED_OUT)
    assert signed_out.actor == iro and signed_out.changes["reason"] == "idle timeout"


def test_a_session_with_a_request_every_29_minutes_stays_signed_in_until_31_idle_minutes(client, iro):
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(iro)
        for _ in range(10):  # almost five hours
            traveller.shift(dt.timedelta(minutes=29))
            assert client.get("/reviews/").status_code == 200
        assert signed_in(client)

        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/reviews/")
        assert response.status_code == 302 and "signed-out=idle" in response.url
        assert not signed_in(client)


def test_a_session_ends_8_hours_after_sign_in_however_active(client, iro):
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(iro)
        for _ in range(23):  # every 20 minutes up to 7 hours 40
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get("/reviews/").status_code == 200

        traveller.shift(dt.timedelta(minutes=20))
        response = client.get("/reviews/")

        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?signed-out=expired")
        page = client.get(response.url)
    assert "You were signed out because you signed in more than 8 hours ago." in page.text
    assert not signed_in(client)


def test_activity_is_written_to_the_session_at_most_once_a_minute(client, iro):
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(iro)
        signed_in_at = client.session[LAST_SEEN_AT]

        traveller.shift(dt.timedelta(seconds=45))
        client.get("/reviews/")
        assert client.session[LAST_SEEN_AT] == signed_in_at

        traveller.shift(dt.timedelta(seconds=30))
        client.get("/reviews/")
        assert client.session[LAST_SEEN_AT] == signed_in_at + 75


@override_settings(SESSION_IDLE_TIMEOUT=5 * 60)
def test_the_idle_timeout_is_a_setting(client, iro):
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(iro)
        traveller.shift(dt.timedelta(minutes=6))
        response = client.get("/reviews/", follow=True)
    assert "You were signed out after 5 minutes without activity." in response.text


# --- Passwords -----------------------------------------------------------------------------------


def test_weak_passwords_are_refused_and_strong_ones_accepted():
    weak = ["aaaaaaaaaaaa", "password1234", "abcabcabcabc", "123456789012", "qwertyuiopas", "aabbccaabbcc"]
    strong = ["Kestrel-marmalade-47-ribbon", "correct horse battery staple", "first-stage-horse-91"]
    accepted = []
    for password in weak + strong:
        try:
            validate_password(password)
        except ValidationError:
            continue
        accepted.append(password)
    assert accepted == strong


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaaaa", "at least 6 different characters"),
        ("abcabcabcabc", "must not be a repeated pattern"),
        ("Zq7Zq7Zq7Zq7Zq7", "must not be a repeated pattern"),
        ("123456789012", "run of consecutive characters"),
        ("ZYXWVUTSRQ-17", "run of consecutive characters"),
    ],
)
def test_each_pattern_is_refused_with_a_reason(password, message):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(message in text for text in error.value.messages)


class RangeAPI(BaseHTTPRequestHandler):
    """A local stand-in for the Pwned Passwords range API."""

    requested: list[str] = []
    breached_hash = ""

    def do_GET(self):
        type(self).requested.append(self.path)
        prefix = self.path.rsplit("/", 1)[-1]
        lines = ["0000000000000000000000000000000000A:0"]  # padding, as the real API sends
        if self.breached_hash.startswith(prefix):
            lines.append(f"{self.breached_hash[5:]}:4021")
        body = "\r\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def range_api():
    import hashlib

    RangeAPI.requested = []
    RangeAPI.breached_hash = hashlib.sha1(b"Kestrel-marmalade-47-ribbon").hexdigest().upper()  # noqa: S324
    server = ThreadingHTTPServer(("127.0.0.1", 0), RangeAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/range/"
    server.shutdown()
    server.server_close()


def test_a_breached_password_is_refused_and_only_a_hash_prefix_leaves_the_server(range_api):
    with override_settings(PASSWORD_BREACH_API_URL=range_api):
        with pytest.raises(ValidationError) as error:
            validate_password("Kestrel-marmalade-47-ribbon")
        validate_password("Heron-quince-83-lantern")

    assert "appeared in a data breach" in error.value.messages[0]
    assert RangeAPI.requested == ["/range/" + RangeAPI.breached_hash[:5], RangeAPI.requested[1]]
    assert all(len(path.rsplit("/", 1)[-1]) == 5 for path in RangeAPI.requested)


def test_an_unreachable_breach_service_leaves_the_local_checks_in_force():
    with override_settings(PASSWORD_BREACH_API_URL="http://127.0.0.1:9/range/", PASSWORD_BREACH_API_TIMEOUT=0.5):
        validate_password("Kestrel-marmalade-47-ribbon")
        with pytest.raises(ValidationError):
            validate_password("aaaaaaaaaaaa")


# --- Two-factor sign-in --------------------------------------------------------------------------


def code_for(key_hex: str, at: dt.datetime) -> str:
    totp = TOTP(unhexlify(key_hex.encode()))
    totp.time = at.timestamp()
    return f"{totp.token():06d}"


@override_settings(OTP_REQUIRED_FOR_PRIVILEGED=True)
def test_a_manager_without_an_app_reaches_only_the_set_up_page(client, manager):
    assert sign_in(client, "mgr", PASSWORD).status_code == 302

    for path in ["/", "/children/caseloads/", "/children/", "/admin/", "/accounts/two-factor/code/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/accounts/two-factor/set-up/"), (path, response.url)

    page = client.get("/accounts/two-factor/set-up/")
    assert page.status_code == 200
    assert "you must set up two-factor sign-in before you can carry on" in page.text
    assert "<svg" in page.text and "<script" not in page.text.split("<main")[1].split("</main>")[0]


@override_settings(OTP_REQUIRED_FOR_PRIVILEGED=True)
def test_a_manager_sets_up_an_app_with_a_code_from_it_and_then_gets_in(client, manager):
    with time_machine.travel(T0, tick=False):
        sign_in(client, "mgr", PASSWORD)
        client.get("/accounts/two-factor/set-up/?next=/children/caseloads/")
        key = client.session[otp.PENDING_KEY_SESSION_KEY]

        wrong = client.post("/accounts/two-factor/set-up/", {"code": "12345x"})
        assert wrong.status_code == 200 and "Enter the 6-digit security code" in wrong.text
        assert not TOTPDevice.objects.exists()

        done = client.post("/accounts/two-factor/set-up/", {"code": code_for(key, T0), "next": "/children/caseloads/"})
        assert done.status_code == 302 and done.url == "/children/caseloads/"
        assert client.get("/children/caseloads/").status_code == 200

    device = TOTPDevice.objects.get(user=manager)
    assert device.confirmed and device.key == key
    event = AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR)
    assert event.actor == manager and event.child_id is None


@override_settings(OTP_REQUIRED_FOR_PRIVILEGED=True)
def test_with_an_app_the_right_code_lets_a_manager_in_and_a_wrong_one_does_not(client, manager):
    device = TOTPDevice.objects.create(user=manager, name="Authenticator app", confirmed=True)
    with time_machine.travel(T0, tick=False) as traveller:
        sign_in(client, "mgr", PASSWORD)
        gated = client.get("/children/caseloads/")
        assert gated.status_code == 302 and gated.url.startswith("/accounts/two-factor/code/")

        right = code_for(device.key, T0)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        refused = client.post("/accounts/two-factor/code/", {"code": wrong})
        assert refused.status_code == 200 and "The security code is wrong" in refused.text
        assert client.get("/children/caseloads/").status_code == 302

        traveller.shift(dt.timedelta(seconds=5))  # past django-otp's throttle after one wrong code
        accepted = client.post(
            "/accounts/two-factor/code/", {"code": code_for(device.key, T0 + dt.timedelta(seconds=5))}
        )
        assert accepted.status_code == 302
        assert client.get("/children/caseloads/").status_code == 200
        assert client.get("/admin/").status_code == 302  # a manager is not staff: the admin's own login

    summaries = list(AuditEvent.objects.filter(actor=manager).order_by("pk").values_list("summary", flat=True))
    assert summaries[:2] == [
        "Signed in: password accepted, security code still to be entered",
        "Signed in: security code accepted",
    ]
    assert AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED).summary == "Sign-in failed: wrong security code"


@override_settings(OTP_REQUIRED_FOR_PRIVILEGED=True)
def test_the_admin_site_needs_the_second_factor(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="Authenticator app", confirmed=True)
    with time_machine.travel(T0, tick=False):
        client.post("/admin/login/", {"username": "sysadmin", "password": PASSWORD}, REMOTE_ADDR=OFFICE)
        gated = client.get("/admin/")
        assert gated.status_code == 302 and gated.url.startswith("/accounts/two-factor/code/")

        client.post("/accounts/two-factor/code/", {"code": code_for(device.key, T0)})
        assert client.get("/admin/").status_code == 200


@override_settings(OTP_REQUIRED_FOR_PRIVILEGED=True)
def test_an_iro_is_not_made_to_set_up_an_app_but_may_choose_to(client, iro):
    sign_in(client, "iro_a", PASSWORD)
    assert client.get("/reviews/").status_code == 200
    status = client.get("/accounts/two-factor/")
    assert status.status_code == 200 and 'govuk-tag--grey">Off<' in status.text


def test_anyone_who_set_up_an_app_is_asked_for_the_code_even_where_it_is_not_required(client, iro):
    TOTPDevice.objects.create(user=iro, name="Authenticator app", confirmed=True)
    sign_in(client, "iro_a", PASSWORD)

    response = client.get("/reviews/")

    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/code/")


def test_any_user_can_set_up_an_app_from_the_account_page(client, iro):
    with time_machine.travel(T0, tick=False):
        client.force_login(iro)
        assert "Set up two-factor sign-in" in client.get("/accounts/two-factor/").text
        client.get("/accounts/two-factor/set-up/")
        key = client.session[otp.PENDING_KEY_SESSION_KEY]
        client.post("/accounts/two-factor/set-up/", {"code": code_for(key, T0)})
        assert TOTPDevice.objects.filter(user=iro, confirmed=True).exists()
        assert 'govuk-tag--green">On<' in client.get("/accounts/two-factor/").text


def test_single_sign_on_counts_as_the_second_factor_only_when_set(iro):
    TOTPDevice.objects.create(user=iro, name="Authenticator app", confirmed=True)
    assert otp.second_factor_needed(iro, single_sign_on=True) == otp.VERIFY
    with override_settings(OIDC_SATISFIES_SECOND_FACTOR=True):
        assert otp.second_factor_needed(iro, single_sign_on=True) == ""
        assert otp.second_factor_needed(iro, single_sign_on=False) == otp.VERIFY


# --- Single sign-on ------------------------------------------------------------------------------

OIDC = {
    "OIDC_RP_CLIENT_ID": "client",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.test/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example.test/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example.test/keys",
    "OIDC_RP_SIGN_ALGO": "RS256",
}


@override_settings(**OIDC)
def test_single_sign_on_never_grants_a_role(manager):
    backend = CouncilOIDCBackend()
    claims_roles = {"groups": ["IRO manager", "Administrator"], "roles": ["IRO manager"], "wids": ["admin"]}

    existing = list(backend.filter_users_by_claims({"email": "MGR@example.test", **claims_roles}))
    assert existing == [manager]
    assert backend.update_user(manager, claims_roles) == manager
    assert [g.name for g in manager.groups.all()] == ["IRO manager"]

    new = backend.create_user({"email": "new.person@council.example", "given_name": "New", **claims_roles})
    new.refresh_from_db()
    assert (new.username, new.email, new.first_name) == ("new.person@council.example",) * 2 + ("New",)
    assert not new.groups.exists() and not new.user_permissions.exists()
    assert not new.is_staff and not new.is_superuser and not new.has_usable_password()


def test_a_failed_single_sign_on_is_explained_on_the_sign_in_page(client):
    response = client.get("/accounts/login/?single-sign-on=failed")
    assert "You could not be signed in with your council account." in response.text
    assert "has the same email address and is active" in response.text


@override_settings(**OIDC)
def test_single_sign_on_does_not_revive_an_inactive_account():
    UserFactory(username="left", email="left@council.example", is_active=False)
    backend = CouncilOIDCBackend()

    assert not backend.filter_users_by_claims({"email": "left@council.example"}).exists()
    assert backend.create_user({"email": "left@council.example"}) is None
    assert get_user_model().objects.filter(email__iexact="left@council.example").count() == 1


def run_shell(code: str, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_requires_two_factor_of_managers_and_the_demo_does_not(tmp_path):
    show = "from django.conf import settings; print(settings.OTP_REQUIRED_FOR_PRIVILEGED)"
    production = run_shell(
        show,
        DJANGO_SETTINGS_MODULE="iro_service.settings.production",
        SECRET_KEY="k" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="iro.example.gov.uk",
    )
    local = run_shell(show, DJANGO_SETTINGS_MODULE="iro_service.settings.local")
    assert (production.stdout.strip(), local.stdout.strip()) == ("True", "False"), production.stderr + local.stderr


def test_single_sign_on_turns_on_from_the_environment_with_a_button_on_the_sign_in_page(tmp_path):
    result = run_shell(
        "from django.conf import settings; from django.test import Client; "
        "page = Client().get('/accounts/login/?next=/children/').text; "
        "print(settings.AUTHENTICATION_BACKENDS[-1]); print(settings.OIDC_OP_TOKEN_ENDPOINT); "
        "print('href=\"/oidc/authenticate/?next=/children/\"' in page)",
        DJANGO_SETTINGS_MODULE="iro_service.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="testserver",
        OIDC_RP_CLIENT_ID="iro-service",
        OIDC_RP_CLIENT_SECRET="a-client-secret",
        OIDC_ENTRA_TENANT_ID="00000000-1111-2222-3333-444444444444",
    )
    assert result.stdout.split() == [
        "iro_service.oidc.CouncilOIDCBackend",
        "https://login.microsoftonline.com/00000000-1111-2222-3333-444444444444/oauth2/v2.0/token",
        "True",
    ], result.stderr
