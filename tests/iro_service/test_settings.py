import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def production_env(database: Path, **overrides: str) -> dict[str, str]:
    """The environment a production process needs (settings, a long secret key, a host), on a
    SQLite file of the test's own."""
    return {
        "DJANGO_SETTINGS_MODULE": "iro_service.settings.production",
        "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-0123456789",
        "DATABASE_URL": f"sqlite:///{database}",
        "ALLOWED_HOSTS": "iro.example.gov.uk",
        **overrides,
    }


def run_manage(*args, env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides=production_env(tmp_path / "db.sqlite3"),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "iro_service.settings.production",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "ALLOWED_HOSTS": "iro.example.gov.uk",
        },
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_database_follows_database_url():
    url = os.environ.get("DATABASE_URL", "")
    expected = "django.db.backends.postgresql" if url.startswith("postgres") else "django.db.backends.sqlite3"
    assert settings.DATABASES["default"]["ENGINE"] == expected


@pytest.mark.django_db
def test_login_page_is_a_gov_uk_form(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "govuk-frontend.min.css" in response.text
    response = client.post("/accounts/login/", {"username": "", "password": ""})
    assert "There is a problem" in response.text
    assert "Enter your username" in response.text


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached(client_for, manager):
    response = client_for(manager).get("/children/")
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_roles_carry_exactly_their_capabilities(iro, manager, committee, administrator):
    assert iro.has_perm("children.view_caseload") and not iro.has_perm("children.view_all_children")
    assert manager.has_perm("children.allocate_iro") and manager.has_perm("children.view_audit_trail")
    assert not any(committee.has_perm(p) for p in ["children.view_caseload", "children.view_all_children"])
    assert administrator.has_perm("auth.change_user")
    assert not administrator.has_perm("children.view_caseload")
