"""``manage.py flag_deadlines``: the daily job run now, in-process, with its counts printed."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from reviews.codes import FlagKind
from reviews.models import DeadlineFlag, DigestSent, ReviewSchedule
from reviews.schedule import schedule_refresh
from tests.factories import make_child_in_care

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("flag_deadlines", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def flagged(iro, other_iro, manager):
    """Ada: one child overdue (due 2 April 2024); Ben: one due soon (due 10 June 2024)."""
    children = [
        make_child_in_care(iro=iro, looked_after_on=date(2024, 3, 1)),
        make_child_in_care(iro=other_iro, looked_after_on=date(2024, 5, 10)),
    ]
    schedule_refresh([child.pk for child in children])
    return children


def test_the_command_flags_prints_the_counts_and_sends_the_digests(flagged):
    output = run("--today", "2024-05-17")

    assert output.splitlines() == [
        "Deadline flags as at 17 May 2024",
        "Review schedules refreshed: 0",
        "                                         new  resolved   open",
        "Review due within 15 working days          1         0      1",
        "Review overdue                             1         0      1",
        "Review record not distributed in time      0         0      0",
        "Action past its due date                   0         0      0",
        "Dispute response overdue                   0         0      0",
        "Dispute open too long                      0         0      0",
        "Initial CP conference overdue              0         0      0",
        "Review CP conference overdue               0         0      0",
        "CP conference minutes late                 0         0      0",
        "CP plan of 15 months or more               0         0      0",
        "Second or later CP plan                    0         0      0",
        "Total                                      2         0      2",
        "Digests sent: 3",
    ]
    assert set(DeadlineFlag.objects.values_list("kind", flat=True)) == {
        FlagKind.REVIEW_DUE_SOON,
        FlagKind.REVIEW_OVERDUE,
    }
    assert len(mail.outbox) == 3


def test_running_the_command_again_adds_and_sends_nothing(flagged):
    run("--today", "2024-05-17")

    output = run("--today", "2024-05-17")

    assert "Total                                      0         0      2" in output
    assert "Digests sent: 0" in output
    assert DeadlineFlag.objects.count() == 2
    assert len(mail.outbox) == 3


def test_a_later_day_resolves_due_soon_into_overdue(flagged):
    run("--today", "2024-05-17", "--no-digests")

    output = run("--today", "2024-06-11", "--no-digests")

    assert "Review due within 15 working days          0         1      0" in output
    assert "Review overdue                             1         0      2" in output


def test_no_digests_updates_the_flags_and_sends_no_email(flagged):
    output = run("--today", "2024-05-17", "--no-digests")

    assert "Digests sent: none (not asked for)" in output
    assert DeadlineFlag.objects.count() == 2
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_a_dry_run_reports_the_counts_and_saves_nothing(flagged):
    output = run("--today", "2024-05-17", "--dry-run")

    assert "(dry run: nothing saved)" in output
    assert "Total                                      2         0      2" in output
    assert not DeadlineFlag.objects.exists()
    assert mail.outbox == []


def test_the_command_repairs_a_stale_review_schedule(flagged):
    ReviewSchedule.objects.filter(child=flagged[0]).update(next_due_on=date(2025, 1, 1))

    output = run("--today", "2024-05-17", "--no-digests")

    assert "Review schedules refreshed: 1" in output
    assert DeadlineFlag.objects.get(child=flagged[0]).kind == FlagKind.REVIEW_OVERDUE


def test_a_malformed_date_is_refused():
    with pytest.raises(CommandError, match="--today must be a date as YYYY-MM-DD, not '17/05/2024'"):
        run("--today", "17/05/2024")
