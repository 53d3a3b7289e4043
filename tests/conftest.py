"""One fixture per role, shared by every test folder."""

import logging

import pytest
from django.utils import timezone

from iro_service import roles
from tests.factories import TeamFactory, UserFactory, make_iro


@pytest.fixture
def today():
    """The local date now (tests that need a fixed day pin their own)."""
    return timezone.localdate()


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def iro(db, team):
    return make_iro(username="iro_a", first_name="Ada", last_name="Okafor", team=team)


@pytest.fixture
def other_iro(db, team):
    return make_iro(username="iro_b", first_name="Ben", last_name="Harris", team=team)


@pytest.fixture
def part_time_iro(db, team):
    return make_iro(username="iro_pt", first_name="Priya", last_name="Shah", fte="0.60", team=team)


@pytest.fixture
def manager(db):
    return UserFactory(username="mgr", first_name="Maria", last_name="Lopez", role=roles.IRO_MANAGER)


@pytest.fixture
def committee(db):
    return UserFactory(username="cllr", first_name="Colin", last_name="Reed", role=roles.COMMITTEE)


@pytest.fixture
def administrator(db):
    return UserFactory(
        username="sysadmin", first_name="Alex", last_name="Admin", role=roles.ADMINISTRATOR, is_staff=True
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns the test client signed in as ``user``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _logging_left_as_found():
    """A Celery worker started in a test (celery.contrib.testing.worker.start_worker) sets up
    logging for itself and replaces the root logger's handlers (pytest's capture among them).
    Put the handlers and the level back, so a later test's records reach what it expects."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    if root.level != level or root.handlers != handlers:
        root.handlers[:] = handlers
        root.setLevel(level)  # also clears every logger's isEnabledFor cache
