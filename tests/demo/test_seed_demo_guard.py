"""seed_demo creates accounts with the published demo password and, with --reset, empties the
whole database: it refuses to run unless DEMO_DATA_ALLOWED is True, which production never is."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from children.models import Child
from iro_service.models import AuditEvent
from tests.factories import make_child_in_care
from tests.iro_service.test_settings import production_env, run_manage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("args", [("--reset", "--children=10"), ("--children=10",)])
def test_seed_demo_refuses_and_writes_nothing_when_demo_data_is_not_allowed(settings, iro, args):
    settings.DEMO_DATA_ALLOWED = False
    child = make_child_in_care(iro=iro, first_name="Real", last_name="Person")
    users = set(get_user_model().objects.values_list("username", flat=True))
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED") as refused:
        call_command("seed_demo", *args, stdout=StringIO())

    assert "published demo password" in str(refused.value)
    assert list(Child.objects.all()) == [child]
    assert set(get_user_model().objects.values_list("username", flat=True)) == users
    assert AuditEvent.objects.count() == events


def test_seed_demo_refuses_when_the_setting_is_absent(settings):
    del settings.DEMO_DATA_ALLOWED
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("seed_demo", "--children=10", stdout=StringIO())
    assert not Child.objects.exists()


def test_production_settings_refuse_seed_demo_even_when_the_environment_allows_it(tmp_path):
    database = tmp_path / "db.sqlite3"
    result = run_manage(
        "seed_demo",
        "--reset",
        env_overrides=production_env(database, DEMO_DATA_ALLOWED="true"),
    )
    assert result.returncode != 0
    assert "DEMO_DATA_ALLOWED" in result.stderr
    assert not database.exists()  # refused before touching the database
