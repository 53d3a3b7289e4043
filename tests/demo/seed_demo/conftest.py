"""The full-size demo authority, built once for the whole ``tests/demo/seed_demo`` package."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.demo.seed_demo.seeding import SEED_ARGS, seed


@pytest.fixture(scope="package")
def demo_town(django_db_setup, django_db_blocker):
    """The full-size demo authority (seed 7, today 23 November 2026) and the command's output,
    inside a transaction rolled back once the package's tests are done."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed(*SEED_ARGS)
        yield output
        transaction.set_rollback(True)
