import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from children import services
from children.models import CareEpisode, Child, IROAllocation
from iro_service.concurrency import StaleEditError
from iro_service.models import AuditAction, AuditEvent, HardDeleteForbidden
from tests.factories import UserFactory, care_facts, create_child, make_child_in_care, make_cover

TODAY = dt.date(2026, 11, 23)

pytestmark = pytest.mark.django_db


def new_child(manager, iro, **overrides):
    fields = {
        "local_reference": "LA0001",
        "first_name": "Amara",
        "last_name": "Fenwick",
        "date_of_birth": dt.date(2015, 2, 10),
        "looked_after_on": dt.date(2026, 3, 2),
    }
    return create_child(by=manager, iro=iro, today=TODAY, **(fields | overrides))


def test_child_create_opens_one_episode_and_one_allocation_and_audits_them(manager, iro):
    child = new_child(manager, iro)

    episode = CareEpisode.objects.get(child=child)
    assert (episode.reason_new_episode, episode.started_on, episode.ended_on) == ("S", dt.date(2026, 3, 2), None)
    allocation = IROAllocation.objects.get(child=child)
    assert (allocation.iro, allocation.ended_on, allocation.allocated_by) == (iro, None, manager)
    actions = list(AuditEvent.objects.filter(child_id=child.pk).order_by("pk").values_list("action", flat=True))
    assert actions == [AuditAction.CREATED, AuditAction.EPISODE_STARTED, AuditAction.ALLOCATED]
    assert child.history.first().history_user == manager


def test_child_create_refuses_care_starting_before_birth_and_writes_nothing(manager, iro):
    with pytest.raises(ValidationError) as error:
        new_child(manager, iro, date_of_birth=dt.date(2026, 5, 1), looked_after_on=dt.date(2026, 4, 1))
    assert "before their date of birth" in str(error.value)
    assert not Child.objects.exists()
    assert not AuditEvent.objects.exists()


def test_child_create_refuses_a_user_who_is_not_an_iro(manager, iro):
    with pytest.raises(ValidationError, match="not an active IRO"):
        new_child(manager, manager)
    assert not Child.objects.exists()


def test_database_allows_only_one_open_allocation_per_child(iro, other_iro):
    child = make_child_in_care(iro=iro)
    with pytest.raises(IntegrityError), transaction.atomic():
        IROAllocation.objects.create(child=child, iro=other_iro, started_on=dt.date(2025, 1, 1))
    assert IROAllocation.objects.filter(child=child, ended_on__isnull=True).count() == 1


def test_reallocation_keeps_the_old_allocation_with_its_dates(manager, iro, other_iro):
    child = make_child_in_care(iro=iro, looked_after_on=dt.date(2024, 6, 3))

    services.allocation_change(
        child=child, by=manager, iro=other_iro, starts_on=dt.date(2026, 9, 1), reason="Caseload balancing", today=TODAY
    )

    history = list(
        IROAllocation.objects.filter(child=child)
        .order_by("started_on")
        .values_list("iro__username", "started_on", "ended_on")
    )
    assert history == [
        ("iro_a", dt.date(2024, 6, 3), dt.date(2026, 9, 1)),
        ("iro_b", dt.date(2026, 9, 1), None),
    ]
    event = AuditEvent.objects.get(child_id=child.pk, action=AuditAction.REALLOCATED)
    assert event.changes["iro"] == ["Ada Okafor", "Ben Harris"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"starts_on": dt.date(2024, 1, 1)}, "cannot be before it"),
        ({"starts_on": dt.date(2026, 12, 1)}, "not in advance"),
        ({"reason": "  "}, "Enter why"),
    ],
)
def test_reallocation_refuses_bad_dates_and_missing_reasons(manager, iro, other_iro, kwargs, message):
    child = make_child_in_care(iro=iro)
    call = {
        "child": child,
        "by": manager,
        "iro": other_iro,
        "starts_on": dt.date(2026, 9, 1),
        "reason": "Leave",
        "today": TODAY,
        **kwargs,
    }
    with pytest.raises(ValidationError, match=message):
        services.allocation_change(**call)
    assert IROAllocation.objects.get(child=child).iro == iro


def test_reallocation_to_the_same_iro_is_refused(manager, iro):
    child = make_child_in_care(iro=iro)
    with pytest.raises(ValidationError, match="already this child's IRO"):
        services.allocation_change(child=child, by=manager, iro=iro, starts_on=TODAY, reason="x", today=TODAY)


def test_episode_change_closes_with_x1_and_opens_the_next_the_same_day(manager, iro):
    child = make_child_in_care(iro=iro, legal_status="C1", placement_type="U6")

    services.episode_change(
        child=child,
        by=manager,
        changed_on=dt.date(2026, 1, 15),
        reason_new_episode="L",
        today=TODAY,
        **care_facts(legal_status="C2", placement_type="U6"),
    )

    first, second = CareEpisode.objects.filter(child=child).order_by("started_on", "pk")
    assert (first.ended_on, first.reason_ceased) == (dt.date(2026, 1, 15), "X1")
    assert (second.started_on, second.reason_new_episode, second.legal_status, second.ended_on) == (
        dt.date(2026, 1, 15),
        "L",
        "C2",
        None,
    )


@pytest.mark.parametrize(
    ("reason", "legal_status", "placement_type", "field_message"),
    [
        ("L", "C2", "U6", "is the same as before"),  # L needs a new legal status
        ("P", "C1", "U4", "changed"),  # P keeps the legal status
        ("L", "C1", "K2", "placement must stay the same"),
    ],
)
def test_episode_change_must_match_its_reason(manager, iro, reason, legal_status, placement_type, field_message):
    child = make_child_in_care(iro=iro, legal_status="C2", placement_type="U6")
    with pytest.raises(ValidationError, match=field_message):
        services.episode_change(
            child=child,
            by=manager,
            changed_on=dt.date(2026, 1, 15),
            reason_new_episode=reason,
            today=TODAY,
            **care_facts(legal_status=legal_status, placement_type=placement_type),
        )
    assert CareEpisode.objects.filter(child=child).count() == 1


def test_leaving_care_ends_the_episode_and_the_allocation(manager, iro):
    child = make_child_in_care(iro=iro)
    services.care_period_end(child=child, by=manager, ended_on=dt.date(2026, 10, 1), reason_ceased="E45", today=TODAY)

    episode = CareEpisode.objects.get(child=child)
    assert (episode.ended_on, episode.reason_ceased) == (dt.date(2026, 10, 1), "E45")
    assert IROAllocation.objects.get(child=child).ended_on == dt.date(2026, 10, 1)
    assert not Child.objects.in_care().exists()


def test_leaving_care_with_x1_is_refused(manager, iro):
    child = make_child_in_care(iro=iro)
    with pytest.raises(ValidationError, match="Choose why"):
        services.care_period_end(
            child=child, by=manager, ended_on=dt.date(2026, 10, 1), reason_ceased="X1", today=TODAY
        )


def test_return_to_care_starts_a_new_period_with_one_open_allocation(manager, iro, other_iro):
    child = make_child_in_care(iro=iro, looked_after_on=dt.date(2023, 4, 3))
    services.care_period_end(child=child, by=manager, ended_on=dt.date(2025, 2, 1), reason_ceased="E4A", today=TODAY)

    with pytest.raises(ValidationError, match="cannot start before it"):
        services.care_period_start(
            child=child, by=manager, started_on=dt.date(2025, 1, 1), iro=other_iro, today=TODAY, **care_facts()
        )
    services.care_period_start(
        child=child,
        by=manager,
        started_on=dt.date(2026, 5, 11),
        iro=other_iro,
        today=TODAY,
        **care_facts(legal_status="V2"),
    )

    assert Child.objects.with_looked_after_since().get(pk=child.pk).looked_after_since == dt.date(2026, 5, 11)
    open_allocations = IROAllocation.objects.filter(child=child, ended_on__isnull=True)
    assert [a.iro for a in open_allocations] == [other_iro]
    with pytest.raises(ValidationError, match="already looked after"):
        services.care_period_start(
            child=child, by=manager, started_on=dt.date(2026, 6, 1), iro=iro, today=TODAY, **care_facts()
        )


def test_child_update_refuses_a_stale_version_and_keeps_the_other_persons_change(manager, iro):
    child = make_child_in_care(iro=iro, preferred_name="")
    other_manager = UserFactory(username="mgr2", first_name="Sam", last_name="Patel", role="IRO manager")
    loaded_version = child.version

    services.child_update(child=child, by=other_manager, expected_version=loaded_version, preferred_name="Sunny")
    with pytest.raises(StaleEditError) as stale:
        services.child_update(child=child, by=manager, expected_version=loaded_version, preferred_name="Sol")

    assert stale.value.changed_by == "Sam Patel"
    assert stale.value.current.preferred_name == "Sunny"
    child.refresh_from_db()
    assert (child.preferred_name, child.version) == ("Sunny", loaded_version + 1)
    assert AuditEvent.objects.filter(child_id=child.pk, action=AuditAction.UPDATED).count() == 1


def test_child_update_records_field_changes_in_audit_and_history(manager, iro):
    child = make_child_in_care(iro=iro, first_name="Jon")
    services.child_update(child=child, by=manager, expected_version=child.version, first_name="John", is_uasc=True)

    event = AuditEvent.objects.get(child_id=child.pk, action=AuditAction.UPDATED)
    assert event.changes == {"first_name": ["Jon", "John"], "is_uasc": [False, True]}
    latest = Child.objects.get(pk=child.pk).history.first()
    assert (latest.first_name, latest.history_user) == ("John", manager)


def test_nothing_is_hard_deleted(iro):
    child = make_child_in_care(iro=iro)
    with pytest.raises(HardDeleteForbidden):
        child.delete()
    with pytest.raises(HardDeleteForbidden):
        Child.objects.all().delete()
    with pytest.raises(HardDeleteForbidden):
        IROAllocation.objects.filter(child=child).delete()
    with pytest.raises(HardDeleteForbidden):
        CareEpisode.objects.get(child=child).delete()
    assert Child.objects.filter(pk=child.pk).exists()


def test_audit_events_are_append_only(manager, iro):
    child = make_child_in_care(iro=iro)
    services.child_view(child=child, by=manager)
    event = AuditEvent.objects.get()
    event.summary = "tampered"
    with pytest.raises(HardDeleteForbidden):
        event.save()
    with pytest.raises(HardDeleteForbidden):
        AuditEvent.objects.update(summary="tampered")
    with pytest.raises(HardDeleteForbidden):
        event.delete()
    assert AuditEvent.objects.get().summary == "Record viewed"


def test_archive_only_after_leaving_care(manager, iro):
    child = make_child_in_care(iro=iro)
    with pytest.raises(ValidationError, match="cannot be archived"):
        services.child_archive(child=child, by=manager)
    services.care_period_end(child=child, by=manager, ended_on=dt.date(2026, 10, 1), reason_ceased="E13", today=TODAY)
    services.child_archive(child=child, by=manager)
    assert Child.objects.active().count() == 0
    assert Child.objects.count() == 1


def test_cover_refuses_overlap_and_self_cover(manager, iro, other_iro):
    services.cover_grant(
        by=manager,
        absent_iro=iro,
        covering_iro=other_iro,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 30),
        reason="Leave",
    )
    with pytest.raises(ValidationError, match="overlaps"):
        services.cover_grant(
            by=manager,
            absent_iro=iro,
            covering_iro=other_iro,
            starts_on=dt.date(2026, 11, 20),
            ends_on=None,
            reason="Sickness",
        )
    with pytest.raises(ValidationError, match="own caseload"):
        services.cover_grant(
            by=manager, absent_iro=iro, covering_iro=iro, starts_on=dt.date(2026, 12, 1), ends_on=None, reason="x"
        )


def test_cover_end_cannot_precede_its_start(manager, iro, other_iro):
    cover = make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=dt.date(2026, 11, 1), by=manager)
    with pytest.raises(ValidationError, match="cannot end before it"):
        services.cover_end(cover=cover, by=manager, ends_on=dt.date(2026, 10, 1))
    services.cover_end(cover=cover, by=manager, ends_on=dt.date(2026, 11, 10))
    cover.refresh_from_db()
    assert cover.ends_on == dt.date(2026, 11, 10)
