"""The demo authority the ``tests/demo/seed_demo`` modules share (see conftest.py)."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command

TODAY = date(2026, 11, 23)
SEED_ARGS = ("--seed=7", "--today=2026-11-23")


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()
