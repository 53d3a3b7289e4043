"""A dispute, and every other record about a child, is visible exactly when the child is.

The IRO who raised a dispute keeps no sight of it once the child is reallocated: not on the
list, not on the detail page (404), not in the records behind the managers' dashboard and
its CSV, not on the child's record. The same holds for every model whose QuerySet answers
``visible_to`` (reviews, actions, visits, midway reviews, case notes, significant changes,
episodes, allocations, dispute steps, CAFCASS referrals)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.apps import apps
from django.urls import reverse

from children import services as children_services
from children.models import CareEpisode, Child, IROAllocation, SignificantChange
from children.querysets import VisibleThroughChild
from disputes import services
from disputes.models import CafcassReferral, Dispute, DisputeStep
from reviews.models import Action, ActionProgress, CaseNote, MidwayReview, Review, Visit
from reviews.services import footprint
from tests.disputes.factories import CAFCASS_EVIDENCE as EVIDENCE
from tests.disputes.factories import child_in_care_a_year, open_dispute
from tests.factories import make_cover
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db

ISSUE = "The placement plan for Zanthe has not moved since spring"


@pytest.fixture
def child(iro, today):
    return child_in_care_a_year(iro=iro, today=today, first_name="Zanthe", last_name="Quill")


@pytest.fixture
def dispute(child, iro, today):
    return open_dispute(child, iro, today, issue=ISSUE)


def reallocate(child, *, to, by, today):
    children_services.allocation_change(child=child, by=by, iro=to, starts_on=today, reason="Caseload balance")


def test_the_raising_iro_loses_sight_of_the_dispute_when_the_child_is_reallocated(
    client_for, iro, other_iro, manager, child, dispute, today
):
    client = client_for(iro)
    assert ISSUE[:20] in client.get(reverse("disputes:detail", args=[dispute.pk])).content.decode()

    reallocate(child, to=other_iro, by=manager, today=today)

    assert not Dispute.objects.visible_to(iro).exists()
    assert client.get(reverse("disputes:detail", args=[dispute.pk])).status_code == 404
    listing = client.get(reverse("disputes:list"))
    assert listing.status_code == 200
    assert reverse("disputes:detail", args=[dispute.pk]) not in listing.content.decode()
    assert "Zanthe" not in listing.content.decode()
    # The dashboard and its CSV are the managers' (and read through the same visible_to).
    assert client.get(reverse("disputes:dashboard")).status_code == 403
    assert client.get(reverse("disputes:dashboard_csv")).status_code == 403
    # Nor can they act on it.
    for name in ("respond", "meeting", "escalate", "resolve", "withdraw", "refer"):
        assert client.get(reverse(f"disputes:{name}", args=[dispute.pk])).status_code == 404, name
    # The child's page says they are no longer on the IRO's caseload, naming no one (issue 14).
    record = client.get(reverse("children:detail", args=[child.pk]))
    assert record.status_code == 403
    assert "This child is no longer on your caseload" in record.content.decode()
    assert "Zanthe" not in record.content.decode()


def test_the_new_iro_and_the_manager_see_it_in_the_list_detail_and_csv(
    client_for, iro, other_iro, manager, child, dispute, today
):
    reallocate(child, to=other_iro, by=manager, today=today)

    assert list(Dispute.objects.visible_to(other_iro)) == [dispute]
    new_iro = client_for(other_iro)
    assert new_iro.get(reverse("disputes:detail", args=[dispute.pk])).status_code == 200
    assert reverse("disputes:detail", args=[dispute.pk]) in new_iro.get(reverse("disputes:list")).content.decode()

    managers = client_for(manager)
    rows = list(csv.reader(io.StringIO(managers.get(reverse("disputes:dashboard_csv")).content.decode())))
    assert [row[0] for row in rows[1:]] == [str(dispute.pk)]
    assert managers.get(reverse("disputes:detail", args=[dispute.pk])).status_code == 200


def test_cover_gives_sight_only_while_it_lasts(iro, other_iro, manager, child, dispute, today):
    cover = make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today - dt.timedelta(days=3), by=manager)
    assert list(Dispute.objects.visible_to(other_iro)) == [dispute]
    children_services.cover_end(cover=cover, by=manager, ends_on=today - dt.timedelta(days=1))
    assert not Dispute.objects.visible_to(other_iro).exists()
    assert list(Dispute.objects.visible_to(iro)) == [dispute]


def records_about(child, *, iro, dispute, today) -> list:
    """One record of every kind about ``child``, written through the services where they exist."""
    review = held_review(child, iro=iro, held_on=today - dt.timedelta(days=60))
    midway = footprint.midway_review_record(
        child=child, by=iro, held_on=today - dt.timedelta(days=10), notes="On track", progress=[], today=today
    )
    action = Action.objects.create(
        review=review, child=child, description="Refer to CAMHS", owner="Social worker", due_on=today
    )
    ActionProgress.objects.create(midway_review=midway, action=action, status="open", note="Waiting")
    footprint.visit_record(
        child=child, by=iro, visited_on=today - dt.timedelta(days=5), seen_alone=True, notes="Seen", today=today
    )
    footprint.case_note_add(child=child, by=iro, written_on=today, text="Phoned the carer", today=today)
    children_services.significant_change_record(
        child=child, by=iro, category="unexpected_move", occurred_on=today, description="Moved", today=today
    )
    services.dispute_refer_to_cafcass(dispute=dispute, by=iro, referred_on=today, **EVIDENCE)
    return [
        Review,
        Action,
        MidwayReview,
        ActionProgress,
        Visit,
        CaseNote,
        SignificantChange,
        Dispute,
        DisputeStep,
        CafcassReferral,
        CareEpisode,
        IROAllocation,
    ]


def test_every_record_about_the_child_follows_the_child(iro, other_iro, manager, child, dispute, today):
    expected = records_about(child, iro=iro, dispute=dispute, today=today)
    for model in expected:
        assert model.objects.visible_to(iro).exists(), model.__name__
        assert not model.objects.visible_to(other_iro).exists(), model.__name__

    reallocate(child, to=other_iro, by=manager, today=today)

    for model in expected:
        assert not model.objects.visible_to(iro).exists(), f"{model.__name__} still visible to the previous IRO"
        assert model.objects.visible_to(other_iro).exists(), model.__name__
        assert model.objects.visible_to(manager).exists(), model.__name__


def _reaches_child(model, depth: int = 2) -> bool:
    """Whether ``model`` is about one child: a foreign key to Child, directly or through
    another model (an action's progress, a dispute's step)."""
    for field in model._meta.get_fields():
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            continue
        target = field.related_model
        if target is Child or (depth > 1 and target is not model and _reaches_child(target, depth - 1)):
            return True
    return False


def test_every_model_about_a_child_answers_visible_to_through_the_child():
    """A new model about a child must say who sees it, and say it through the child."""
    missing = []
    for app in ("children", "reviews", "conferences", "disputes"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or not _reaches_child(model):
                continue
            if not isinstance(model._default_manager.all(), VisibleThroughChild):
                missing.append(model.__name__)
    assert missing == []
