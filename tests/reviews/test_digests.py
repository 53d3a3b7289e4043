"""The daily digest emails (reviews.digests): one per person per day, an IRO's own flags only,
the service's flags for managers, nobody without flags, in a fixed number of queries."""

from __future__ import annotations

import smtplib
from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iro_service import roles
from reviews.codes import ActionStatus
from reviews.digests import digests_send
from reviews.flags import flags_sweep
from reviews.models import Action, DigestSent
from reviews.schedule import schedule_refresh
from tests.factories import UserFactory, make_iro
from tests.reviews.factories import child_in_care, held_review_record_due

pytestmark = pytest.mark.django_db

TODAY = date(2024, 5, 17)


def overdue_action(child, *, chair) -> Action:
    """A held review with its record distributed and one open action due 1 May 2024."""
    review = held_review_record_due(
        child, chair=chair, held_on=date(2024, 3, 20), record_distributed_on=date(2024, 4, 2)
    )
    schedule_refresh([child.pk])
    return Action.objects.create(
        review=review,
        child=child,
        description="Book the annual health assessment",
        owner="Looked-after children nurse",
        due_on=date(2024, 5, 1),
        status=ActionStatus.OPEN,
    )


@pytest.fixture
def caseloads(iro, other_iro, part_time_iro):
    """Ada: an overdue review and an overdue action; Ben: a review due soon; Priya: nothing due."""
    ada_overdue = child_in_care(iro, date(2024, 3, 1), first_name="Amara", last_name="Obi")
    ada_action = child_in_care(iro, date(2024, 2, 1), first_name="Bella", last_name="Stone")
    overdue_action(ada_action, chair=iro)
    ben_due_soon = child_in_care(other_iro, date(2024, 5, 10), first_name="Callum", last_name="O'Neill")
    child_in_care(part_time_iro, date(2024, 5, 13), first_name="Dina", last_name="Reyes")  # due 11 June: not soon
    flags_sweep(today=TODAY)
    return {"ada_overdue": ada_overdue, "ada_action": ada_action, "ben_due_soon": ben_due_soon}


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if message.to == [address]]


def test_each_iro_gets_their_own_flags_and_the_manager_the_whole_service(caseloads, iro, other_iro, manager):
    assert digests_send(today=TODAY) == 3

    assert sorted(m.to[0] for m in mail.outbox) == ["iro_a@example.test", "iro_b@example.test", "mgr@example.test"]
    (ada,) = sent_to("iro_a@example.test")
    assert ada.subject == "Your caseload: 2 deadlines to act on, 17 May 2024"
    assert "Review overdue (1)\n- A. O. (T" in ada.body
    assert "Amara" not in ada.body  # initials only: email leaves the case system
    assert "due 2 April 2024" in ada.body
    assert f"/children/{caseloads['ada_overdue'].pk}/" in ada.body
    assert "Action past its due date (1)\n- B. S. (T" in ada.body
    action = Action.objects.get()
    assert f"action {action.pk} of review {action.review_id}" in ada.body
    assert f"/reviews/{action.review_id}/#status-{action.pk}" in ada.body
    assert "Book the annual health assessment" not in ada.body  # free text stays in the system
    assert "C. O." not in ada.body

    (ben,) = sent_to("iro_b@example.test")
    assert "Review due within 15 working days (1)\n- C. O. (T" in ben.body
    assert "due 10 June 2024" in ben.body
    assert "A. O." not in ben.body and "B. S." not in ben.body

    (maria,) = sent_to("mgr@example.test")
    assert maria.subject == "IRO service deadlines: 3 deadlines to act on, 17 May 2024"
    assert "- Review due within 15 working days: 1\n- Review overdue: 1\n- Action past its due date: 1" in maria.body
    assert "- Ada Okafor: 2 (review overdue 1; action past its due date 1)" in maria.body
    assert "- Ben Harris: 1 (review due within 15 working days 1)" in maria.body
    assert "Priya" not in maria.body
    for initials in ("A. O.", "B. S.", "C. O."):
        assert initials in maria.body
    assert "Ben Harris" in maria.body and "O'Neill" not in maria.body
    assert "IRO Ben Harris: due 10 June 2024" in maria.body

    assert dict(DigestSent.objects.values_list("recipient__username", "flag_count")) == {
        "iro_a": 2,
        "iro_b": 1,
        "mgr": 3,
    }


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(caseloads, manager):
    assert digests_send(today=TODAY) == 3
    assert digests_send(today=TODAY) == 0
    assert len(mail.outbox) == 3
    assert DigestSent.objects.filter(sent_on=TODAY).count() == 3

    assert digests_send(today=date(2024, 5, 20)) == 3
    assert len(mail.outbox) == 6


def test_people_without_flags_or_an_email_address_get_nothing(caseloads, iro, part_time_iro, manager):
    iro.email = ""
    iro.save()
    UserFactory(username="mgr_gone", role=roles.IRO_MANAGER, is_active=False)
    UserFactory(username="cllr", role=roles.COMMITTEE)

    assert digests_send(today=TODAY) == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["iro_b@example.test", "mgr@example.test"]
    assert set(DigestSent.objects.values_list("recipient__username", flat=True)) == {"iro_b", "mgr"}


def test_nobody_is_emailed_when_nothing_is_flagged(iro, manager):
    child_in_care(iro, date(2024, 5, 13))
    flags_sweep(today=TODAY)

    assert digests_send(today=TODAY) == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_a_manager_who_also_holds_children_gets_one_email_with_their_own_section(caseloads, manager):
    child_in_care(manager, date(2024, 3, 4), first_name="Eve", last_name="Lowe")
    flags_sweep(today=TODAY)

    digests_send(today=TODAY)

    (maria,) = sent_to("mgr@example.test")
    assert "On your own caseload\n\nReview overdue (1)\n- E. L. (T" in maria.body
    assert "- Maria Lopez: 1 (review overdue 1)" in maria.body


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_refused_send_records_nothing_so_the_retry_sends(caseloads, manager, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with pytest.raises(smtplib.SMTPServerDisconnected):
        digests_send(today=TODAY)
    assert not DigestSent.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digests_send(today=TODAY) == 3


def _queries_for_digests(*, iros: int, children_each: int) -> int:
    people = [make_iro(username=f"iro_{n}") for n in range(iros)]
    for person in people:
        for _ in range(children_each):
            child = child_in_care(person, date(2024, 2, 1))
            overdue_action(child, chair=person)
    flags_sweep(today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        sent = digests_send(today=TODAY)
    assert sent == iros + 1  # each IRO and the manager
    return len(queries)


@pytest.mark.parametrize("size", [(2, 1), (8, 6)])
def test_digests_take_a_fixed_number_of_queries(manager, size):
    iros, children_each = size
    # Open flags, managers, digests sent today, the DigestSent rows; the test's own transaction
    # adds a savepoint and its release around the insert.
    assert _queries_for_digests(iros=iros, children_each=children_each) == 6
