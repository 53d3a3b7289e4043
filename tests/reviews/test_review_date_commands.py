"""``review_schedule`` (one child's chain with reasons; a stable JSON interface) and
``recompute_review_dates`` (recompute every chain and report what changed)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iro_service.models import AuditAction, AuditEvent
from reviews.models import Review, ReviewDue, ReviewSchedule
from tests.factories import make_child_in_care
from tests.reviews.factories import record_review

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 11, 23)


def record(child, by, held_on):
    return record_review(child, by, held_on, today=TODAY)


@pytest.fixture
def amira(iro):
    child = make_child_in_care(
        iro=iro, looked_after_on=D(2024, 6, 3), date_of_birth=D(2014, 1, 1), first_name="Amira", local_reference="C-101"
    )
    record(child, iro, D(2024, 6, 20))
    record(child, iro, D(2024, 10, 1))
    return child


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_review_schedule_json_has_the_stable_keys_and_the_worked_dates(amira):
    data = json.loads(run("review_schedule", "--child", "C-101", "--today", "2024-11-01", "--json"))

    assert data["child"] == "C-101"
    assert data["period_start"] == "2024-06-03"
    assert [(r["due_on"], r["held_on"], r["on_time"], r["rule"]) for r in data["reviews"]] == [
        ("2024-07-01", "2024-06-20", True, "reg33-first"),
        ("2024-09-20", "2024-10-01", False, "reg33-second"),
    ]
    assert (data["next_due_on"], data["next_rule"]) == ("2025-04-01", "reg33-later")
    assert data["reviews"][1]["reason"] == "3 months after the first review on 20 June 2024"
    assert "when Amira became looked after" in data["reviews"][0]["reason"]
    assert AuditEvent.objects.filter(
        child_id=amira.pk, action=AuditAction.VIEWED, path="manage.py review_schedule"
    ).exists()


def test_review_schedule_as_at_an_earlier_day_shows_the_chain_as_it_then_stood(amira):
    data = json.loads(run("review_schedule", "--child", "C-101", "--today", "2024-08-01", "--json"))

    assert [r["held_on"] for r in data["reviews"]] == ["2024-06-20"]
    assert (data["next_due_on"], data["next_rule"], data["status"]) == ("2024-09-20", "reg33-second", "on_track")


def test_review_schedule_in_words_says_why(amira):
    text = run("review_schedule", "--child", "C-101", "--today", "2024-11-01")

    assert "Review 2: held 1 October 2024, due by 20 September 2024, late" in text
    assert "why: 3 months after the first review on 20 June 2024" in text
    assert "Next review due by 1 April 2025" in text


def test_review_schedule_refuses_an_unknown_reference(db):
    with pytest.raises(CommandError, match="No child has the reference"):
        run("review_schedule", "--child", "NOPE")


def test_recompute_finds_stale_dates_reports_them_and_writes_only_with_commit(amira):
    second = Review.objects.get(child=amira, held_on=D(2024, 10, 1))
    Review.objects.filter(pk=second.pk).update(due_on=D(2024, 10, 1), review_type="first")  # stale, as before the fix
    ReviewSchedule.objects.filter(child=amira).update(next_due_on=D(2025, 6, 1))
    ReviewDue.objects.filter(child=amira).delete()

    dry = run("recompute_review_dates")
    assert "1 children checked; 1 would change." in dry
    assert "held reviews' due date or type: 1" in dry
    assert "reviews due (held or missed): 3" in dry
    assert "child C-101: review held 2024-10-01: 2024-10-01 first -> 2024-09-20 second" in dry
    second.refresh_from_db()
    assert second.due_on == D(2024, 10, 1)  # the dry run wrote nothing

    written = run("recompute_review_dates", "--commit")
    assert "1 changed." in written
    second.refresh_from_db()
    assert (second.due_on, second.review_type) == (D(2024, 9, 20), "second")
    assert ReviewSchedule.objects.get(child=amira).next_due_on == D(2025, 4, 1)
    assert ReviewDue.objects.filter(child=amira).count() == 3

    assert "0 changed." in run("recompute_review_dates", "--commit")


def test_the_upgrade_migration_recomputes_every_chain(amira):
    from importlib import import_module

    from django.apps import apps

    Review.objects.filter(child=amira).update(due_on=None, review_type="")
    ReviewDue.objects.filter(child=amira).delete()
    migration = import_module("reviews.migrations.0005_recompute_review_chains")

    migration.recompute(apps, None)

    assert list(Review.objects.filter(child=amira).order_by("held_on").values_list("due_on", "review_type")) == [
        (D(2024, 7, 1), "first"),
        (D(2024, 9, 20), "second"),
    ]
    assert ReviewDue.objects.filter(child=amira).count() == 3
