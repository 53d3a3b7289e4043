"""Every response carries the Content-Security-Policy and Permissions-Policy, so the next
escaping mistake cannot run a script: pages, the sign-in page, a 404, a CSV download and the
admin; and under the production settings Django's own headers (frames, HSTS, sniffing,
referrer, opener) are there too."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.iro_service.test_settings import production_env

ROOT = Path(__file__).resolve().parents[2]

CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def directives(header: str) -> dict[str, set[str]]:
    parts = [part.split() for part in header.split(";") if part.strip()]
    policy = {name: set(values) for name, *values in parts}
    assert len(policy) == len(parts), f"a directive is repeated in {header!r}"
    return policy


def assert_policies(response):
    assert directives(response["Content-Security-Policy"]) == CSP
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_a_page_signed_in_carries_the_policies(client_for, iro):
    response = client_for(iro).get(reverse("children:list"))
    assert response.status_code == 200
    assert_policies(response)


def test_the_sign_in_page_carries_the_policies(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_policies(response)


@pytest.mark.django_db
def test_a_page_not_found_carries_the_policies(client_for, iro):
    response = client_for(iro).get("/no-such-page/")
    assert response.status_code == 404
    assert_policies(response)


@pytest.mark.django_db
def test_a_csv_download_carries_the_policies(client_for, manager):
    response = client_for(manager).get(reverse("disputes:dashboard_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert_policies(response)


@pytest.mark.django_db
def test_the_admin_carries_the_policies(client_for, administrator):
    response = client_for(administrator).get(reverse("admin:index"))
    assert response.status_code == 200
    assert_policies(response)


def test_no_template_served_to_a_browser_has_inline_script_or_style():
    """The policy forbids them, so they would silently stop working. The PDF's template is
    laid out by WeasyPrint and never served, so its <style> is allowed."""
    pattern = r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:"
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = str(path.relative_to(ROOT))
        if relative.startswith("templates/reporting/pdf/"):
            continue
        found += [f"{relative}: {m.group(0)}" for m in re.finditer(pattern, path.read_text())]
    assert found == []


PRODUCTION_HEADERS = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/", secure=True)
print(json.dumps({"status": response.status_code, **response.headers}))
"""


def test_production_settings_send_every_security_header(tmp_path):
    """Under the production settings (in a process of their own), over HTTPS, a response
    (here the redirect to sign in, which needs no database) carries all of them."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    env.update(production_env(tmp_path / "db.sqlite3", ALLOWED_HOSTS="testserver"))
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PRODUCTION_HEADERS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])

    assert headers["status"] == 302  # to sign in
    assert directives(headers["Content-Security-Policy"]) == CSP
    assert headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
