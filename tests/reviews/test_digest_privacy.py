"""Digest emails leave the case system, so they carry initials, references, ids and links
only: never a child's name, date of birth or the free text of an action (its description or
owner), which name children and their health (docs/rules.md#data-protection)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from reviews.codes import ActionStatus
from reviews.digests import digests_send
from reviews.flags import flags_sweep
from reviews.models import Action
from reviews.schedule import schedule_refresh
from tests.factories import make_child_in_care
from tests.reviews.factories import held_review_record_due

pytestmark = pytest.mark.django_db

TODAY = date(2024, 5, 17)
FIRST, LAST = "Ronniella", "Vasquez-Thorne"
DESCRIPTION = "Refer Ronniella to CAMHS about self-harm"
OWNER = "Dr Pemberton-Skye, community paediatrician"
BORN = date(2011, 9, 23)


@pytest.fixture
def flagged(iro, other_iro, manager):
    """Ronniella: an overdue action and a record not distributed; a second child overdue for review."""
    child = make_child_in_care(
        iro=iro, looked_after_on=date(2024, 1, 8), first_name=FIRST, last_name=LAST, date_of_birth=BORN
    )
    review = held_review_record_due(child, chair=iro, held_on=date(2024, 3, 20))
    action = Action.objects.create(
        review=review, child=child, description=DESCRIPTION, owner=OWNER, due_on=date(2024, 5, 1)
    )
    assert action.status == ActionStatus.OPEN
    make_child_in_care(iro=other_iro, looked_after_on=date(2024, 3, 1), first_name="Wilbur", last_name="Fenwick")
    schedule_refresh(list(child.__class__.objects.values_list("pk", flat=True)))
    flags_sweep(today=TODAY)
    return {"child": child, "review": review, "action": action}


def _texts(message) -> list[str]:
    """The subject, the body and every alternative part (an HTML version, if any)."""
    return [message.subject, message.body, *[content for content, _ in getattr(message, "alternatives", [])]]


FORBIDDEN = (
    FIRST,
    LAST,
    "Wilbur",
    "Fenwick",
    DESCRIPTION[:20],
    "CAMHS",
    "self-harm",
    "Pemberton",
    "paediatrician",
    BORN.isoformat(),
    "23 September 2011",
    "23/09/2011",
)


def test_no_digest_carries_a_name_a_date_of_birth_or_an_actions_free_text(flagged):
    assert digests_send(today=TODAY) == 3  # both IROs and the manager
    for message in mail.outbox:
        for text in _texts(message):
            leaked = [word for word in FORBIDDEN if word in text]
            assert leaked == [], f"{message.to}: {leaked}"


def test_each_item_is_named_by_initials_reference_and_ids_with_a_link(flagged):
    digests_send(today=TODAY)
    child, review, action = flagged["child"], flagged["review"], flagged["action"]
    for address in ("iro_a@example.test", "mgr@example.test"):
        (message,) = [m for m in mail.outbox if m.to == [address]]
        assert f"R. V. ({child.local_reference})" in message.body
        assert f"action {action.pk} of review {review.pk}" in message.body
        assert f"/reviews/{review.pk}/#status-{action.pk}" in message.body
        assert f"record of review {review.pk}" in message.body
        assert f"/reviews/{review.pk}/\n" in message.body
