"""Disputes say which work they are about (issue 15, docs/rules.md#disputes): the IRO raises
about a looked-after child's care, the chair of a child's conferences about child protection
work; neither about the other's; whoever holds both says which; the list and the dashboard
filter and count the two apart."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from children.codes import AllocationWork
from disputes import services
from disputes.models import Dispute
from tests.conferences.factories import allocate_chair, make_cp_chair, make_cp_children
from tests.disputes.factories import TODAY, raise_dispute
from tests.factories import make_child_in_care
from tests.forms import date_fields

pytestmark = pytest.mark.django_db

LA, CP = AllocationWork.LOOKED_AFTER, AllocationWork.CHILD_PROTECTION
CHAIRED_FROM = dt.date(2026, 1, 5)


@pytest.fixture
def chair():
    return make_cp_chair(username="chair", first_name="Chloe", last_name="Chair")


@pytest.fixture
def cp_child(chair):
    """A child on child protection work only (never in care), whose conferences ``chair`` chairs."""
    (child,) = make_cp_children(1, family="Ash")
    allocate_chair(child, chair, started_on=CHAIRED_FROM)
    return child


@pytest.fixture
def both_child(iro, chair):
    """A looked-after child whose IRO is ``iro`` and whose conferences ``chair`` chairs."""
    child = make_child_in_care(iro=iro, looked_after_on=dt.date(2025, 1, 6), first_name="Kit")
    allocate_chair(child, chair, started_on=CHAIRED_FROM)
    return child


def test_a_chair_raises_a_child_protection_dispute_for_a_child_they_chair(chair, cp_child):
    dispute = raise_dispute(cp_child, chair)

    assert (dispute.work, dispute.raised_by) == (CP, chair)


def test_a_chair_may_not_raise_about_the_care_of_a_looked_after_child(chair, both_child):
    with pytest.raises(PermissionDenied, match="care of children you hold"):
        raise_dispute(both_child, chair, work=LA)
    assert raise_dispute(both_child, chair).work == CP  # inferred: the one kind they may raise about
    assert Dispute.objects.filter(work=LA).count() == 0


def test_an_iro_raises_about_care_and_not_about_conferences_they_do_not_chair(iro, both_child):
    assert raise_dispute(both_child, iro).work == LA
    with pytest.raises(PermissionDenied, match="conferences you chair"):
        raise_dispute(both_child, iro, work=CP)


def test_an_iro_who_holds_both_kinds_must_say_which(iro):
    child = make_child_in_care(iro=iro, looked_after_on=dt.date(2025, 1, 6))
    allocate_chair(child, iro, started_on=CHAIRED_FROM)

    assert services.raisable_work(child, iro, today=TODAY) == [LA, CP]
    with pytest.raises(ValidationError) as refused:
        raise_dispute(child, iro)
    assert "work" in refused.value.message_dict
    assert raise_dispute(child, iro, work=CP).work == CP


def test_an_unknown_kind_of_work_is_refused(iro, both_child):
    with pytest.raises(ValidationError):
        raise_dispute(both_child, iro, work="fostering")


def test_only_the_raiser_of_that_kind_moves_the_dispute_on(iro, chair, both_child):
    dispute = raise_dispute(both_child, chair)
    with pytest.raises(PermissionDenied):
        services.dispute_record_response(
            dispute=dispute, by=iro, responded_on=dt.date(2026, 11, 5), response="Agreed.", today=TODAY
        )
    services.dispute_record_response(
        dispute=dispute, by=chair, responded_on=dt.date(2026, 11, 5), response="Agreed.", today=TODAY
    )
    assert dispute.steps.get().response == "Agreed."


def test_someone_with_neither_kind_may_not_raise(other_iro, cp_child):
    assert services.raisable_work(cp_child, other_iro, today=TODAY) == []
    with pytest.raises(PermissionDenied):
        raise_dispute(cp_child, other_iro)


# --- The pages ---------------------------------------------------------------------------------


def _post(today, **overrides):
    return {
        "category": "drift",
        "issue": "The plan has not moved since the conference.",
        "impact_on_child": "Risk continues.",
        "what_must_change": "The core group to meet.",
        "change_by_whom": "Team manager",
        **date_fields("change_by_when", today + dt.timedelta(days=20)),
        "start_stage": "1",
        **overrides,
    }


def test_the_raise_page_asks_which_work_only_when_the_raiser_holds_both(client_for, iro, today):
    both = make_child_in_care(iro=iro, looked_after_on=today - dt.timedelta(days=300))
    allocate_chair(both, iro, started_on=today - dt.timedelta(days=30))
    only_care = make_child_in_care(iro=iro, looked_after_on=today - dt.timedelta(days=300))
    client = client_for(iro)

    assert "Which work is the dispute about?" in client.get(reverse("disputes:raise", args=[both.pk])).text
    assert "Which work is the dispute about?" not in client.get(reverse("disputes:raise", args=[only_care.pk])).text

    refused = client.post(reverse("disputes:raise", args=[both.pk]), _post(today))
    assert refused.status_code == 200 and "Choose which work the dispute is about" in refused.text
    saved = client.post(reverse("disputes:raise", args=[both.pk]), _post(today, work=CP))
    assert saved.status_code == 302 and Dispute.objects.get(child=both).work == CP


def test_a_chair_raises_through_the_page_without_being_asked(client_for, chair, today):
    (child,) = make_cp_children(1)
    allocate_chair(child, chair, started_on=today - dt.timedelta(days=30))

    response = client_for(chair).post(reverse("disputes:raise", args=[child.pk]), _post(today))

    assert response.status_code == 302 and Dispute.objects.get(child=child).work == CP


def test_the_list_filters_by_work(client_for, iro, chair, both_child):
    raise_dispute(both_child, iro, issue="About care.")
    raise_dispute(both_child, chair, issue="About conferences.")
    client = client_for(iro)

    care = client.get(reverse("disputes:list"), {"work": LA})
    conferences = client_for(chair).get(reverse("disputes:list"), {"work": CP})

    assert [d.work for d in care.context["page"]] == [LA]
    assert [d.work for d in conferences.context["page"]] == [CP]


def test_the_dashboard_counts_each_kind_of_work_apart_and_filters_by_it(client_for, manager, iro, chair, both_child):
    raise_dispute(both_child, iro)
    raise_dispute(both_child, chair)
    raise_dispute(both_child, chair, category="health")
    client = client_for(manager)

    works = {
        row["label"]: (row["raised"], row["open_now"])
        for row in client.get(reverse("disputes:dashboard")).context["works"]
    }
    narrowed = client.get(reverse("disputes:dashboard"), {"work": CP}).context

    assert works == {
        AllocationWork.LOOKED_AFTER.label: (1, 1),
        AllocationWork.CHILD_PROTECTION.label: (2, 2),
        "Total": (3, 3),
    }
    assert narrowed["headline"]["open_now"] == 2
    assert "Disputes by kind of work" in client.get(reverse("disputes:dashboard")).text
