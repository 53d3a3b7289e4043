"""The settings for more than one machine (docs/scaling.md): a read replica, PgBouncer and a
CDN for static files each change something only when their variable is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUTER = "iro_service.db_router.PrimaryReplicaRouter"
PIN_MIDDLEWARE = "iro_service.db_router.PrimaryPinMiddleware"
REPLICA_URL = "postgres://reader@replica.example:5432/iro"

SHOW = f"""
import json, django
django.setup()
from django.conf import settings
databases = settings.DATABASES.items()
print(json.dumps({{
    "routers": settings.DATABASE_ROUTERS,
    "pinned": "{PIN_MIDDLEWARE}" in settings.MIDDLEWARE,
    "databases": {{alias: [db.get("HOST", ""), db["DISABLE_SERVER_SIDE_CURSORS"]] for alias, db in databases}},
    "static_url": settings.STATIC_URL,
    "script_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"],
}}))
"""


def settings_with(settings_module: str = "iro_service.settings.local", **variables: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REPLICA_DATABASE_URL", "PGBOUNCER", "STATIC_URL"}}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, DATABASE_URL="postgres://app@primary.example:5432/iro")
    env.update(variables)
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout)


def test_with_none_of_the_variables_nothing_changes():
    shown = settings_with()
    assert shown["routers"] == [] and not shown["pinned"]
    assert shown["databases"] == {"default": ["primary.example", False]}
    assert (shown["static_url"], shown["script_src"]) == ("/static/", ["'self'"])


def test_a_replica_url_adds_the_replica_the_router_and_the_pin():
    shown = settings_with(REPLICA_DATABASE_URL=REPLICA_URL)
    assert shown["routers"] == [ROUTER] and shown["pinned"]
    assert shown["databases"] == {"default": ["primary.example", False], "replica": ["replica.example", False]}


def test_production_reads_the_replica_and_pgbouncer_too():
    shown = settings_with(
        "iro_service.settings.production",
        REPLICA_DATABASE_URL=REPLICA_URL,
        PGBOUNCER="true",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="iro.example.gov.uk",
    )
    assert shown["routers"] == [ROUTER]
    assert shown["databases"] == {"default": ["primary.example", True], "replica": ["replica.example", True]}


def test_a_cdn_for_static_files_is_allowed_by_the_content_security_policy():
    shown = settings_with(STATIC_URL="https://cdn.example.net/static/")
    assert shown["static_url"] == "https://cdn.example.net/static/"
    assert shown["script_src"] == ["'self'", "https://cdn.example.net"]
