"""Importing the hand-made return: exactly the children, episodes and reviews it holds, names
to be entered, due dates where the whole period is known, audit and history, and nothing new
on a second import."""

from __future__ import annotations

from datetime import date

import pytest

from children.models import CareEpisode, Child
from interchange import importer, services
from iro_service.models import AuditAction, AuditEvent
from reviews.models import Review, ReviewSchedule

from .helpers import as_files, hand_made_files, hand_made_texts, synthetic_files, with_cell

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def _import(files, by, *, commit=True):
    return services.ssda903_import(files=files, by=by, commit=commit, today=TODAY)


def test_dry_run_lists_what_would_be_created_and_writes_nothing(manager):
    plan = _import(hand_made_files(), manager, commit=False)

    assert plan.is_valid
    assert plan.summary == {
        "create_child": 3,
        "create_episode": 4,
        "create_review": 6,
        "update_child": 0,
        "update_episode": 0,
        "update_review": 0,
    }
    assert sorted(c.reference for c in plan.creates if c.kind == "child") == ["HM001", "HM002", "HM003"]
    assert Child.objects.count() == 0
    assert CareEpisode.objects.count() == 0
    assert Review.objects.count() == 0


def test_import_creates_the_children_as_the_return_describes_them(manager):
    _import(hand_made_files(), manager)

    girl = Child.objects.get(local_reference="HM001")
    assert (girl.sex, girl.date_of_birth, girl.ethnicity, girl.upn) == ("F", date(2012, 2, 14), "WBRI", "A123456789012")
    assert girl.is_mother is False
    assert (girl.first_name, girl.name_to_be_entered) == (importer.NAME_TO_BE_ENTERED, True)
    assert girl.previous_permanence == "Z1"
    assert girl.allocations.count() == 0

    boy = Child.objects.get(local_reference="HM002")
    assert (boy.sex, boy.is_uasc, boy.uasc_ceased_on, boy.upn, boy.is_mother) == (
        "M",
        True,
        date(2024, 1, 1),
        "UN2",
        None,
    )
    assert (boy.previous_permanence, boy.previous_permanence_la, boy.previous_permanence_date) == (
        "P2",
        "318",
        "zz/06/2015",
    )
    assert Child.objects.get(local_reference="HM003").is_uasc is False


def test_import_creates_the_episodes_in_order_with_their_codes(manager):
    _import(hand_made_files(), manager)

    episodes = list(
        CareEpisode.objects.filter(child__local_reference="HM001").values_list(
            "started_on", "ended_on", "reason_new_episode", "placement_type", "reason_ceased", "reason_place_change"
        )
    )
    assert episodes == [
        (date(2023, 5, 10), date(2023, 9, 1), "S", "U4", "X1", "CARPL"),
        (date(2023, 9, 1), None, "P", "U6", "", ""),
    ]
    left = CareEpisode.objects.get(child__local_reference="HM002")
    assert (left.ended_on, left.reason_ceased, left.placement_postcode, left.home_postcode) == (
        date(2024, 1, 1),
        "E8",
        "TW1 3QS",
        "",
    )


def test_imported_reviews_get_reg_33_due_dates_where_the_whole_period_is_known(manager):
    plan = _import(hand_made_files(), manager)

    reviews = {
        (r.child.local_reference, r.held_on): r for r in Review.objects.select_related("child").filter(source="ssda903")
    }
    assert len(reviews) == 6
    first = reviews[("HM001", date(2023, 6, 6))]
    # Care began Wed 10 May 2023: 20 working days, skipping the 29 May bank holiday, is 8 June.
    assert (first.review_type, first.due_on) == ("first", date(2023, 6, 8))
    assert (reviews[("HM001", date(2023, 9, 5))].review_type, reviews[("HM001", date(2023, 9, 5))].due_on) == (
        "second",
        date(2023, 9, 6),
    )
    assert reviews[("HM001", date(2024, 3, 1))].due_on == date(2024, 3, 5)
    # HM003's care began in November 2022: the reviews before the return's year are not in it.
    assert reviews[("HM003", date(2023, 5, 10))].due_on is None
    assert reviews[("HM003", date(2023, 5, 10))].review_type == ""
    assert plan.reviews_without_due_date == 2
    assert {r.status for r in reviews.values()} == {"held"}
    assert {r.chair_id for r in reviews.values()} == {None}
    assert {r.created_by for r in reviews.values()} == {manager}
    assert reviews[("HM003", date(2023, 11, 8))].participation_code == "PN0"


def test_import_is_audited_per_child_with_history_and_refreshes_the_schedule(manager):
    _import(hand_made_files(), manager)

    events = AuditEvent.objects.filter(action=AuditAction.CREATED, actor=manager)
    assert events.count() == 3
    hm001 = Child.objects.get(local_reference="HM001")
    event = events.get(child_id=hm001.pk)
    assert event.changes == {"childs created": 1, "episodes created": 2, "reviews created": 3}
    assert hm001.history.count() == 1
    assert hm001.history.first().history_user == manager
    assert Review.history.filter(child_id=hm001.pk).count() == 3
    schedule = ReviewSchedule.objects.get(child=hm001)
    assert (schedule.period_start, schedule.last_review_on, schedule.next_due_on) == (
        date(2023, 5, 10),
        date(2024, 3, 1),
        date(2024, 9, 1),
    )
    assert ReviewSchedule.objects.get(child__local_reference="HM002").next_due_on is None


def stored_counts() -> tuple[int, ...]:
    """How many children, episodes, reviews, history rows of each and audit events are stored."""
    return (
        Child.objects.count(),
        CareEpisode.objects.count(),
        Review.objects.count(),
        Child.history.count(),
        CareEpisode.history.count(),
        Review.history.count(),
        AuditEvent.objects.count(),
    )


def test_importing_the_same_files_twice_changes_nothing_the_second_time(manager):
    _import(hand_made_files(), manager)
    counts = stored_counts()

    again = _import(hand_made_files(), manager)

    assert again.is_valid
    assert again.creates == [] and again.updates == []
    assert again.unchanged == 3 + 4 + 6
    assert stored_counts() == counts


def test_a_corrected_return_updates_only_what_changed(manager):
    _import(hand_made_files(), manager)
    texts = with_cell(hand_made_texts(), "reviews.csv", 3, "REVIEW_CODE", "PN7")
    texts = with_cell(texts, "header.csv", 4, "ETHNIC", "MOTH")

    plan = _import(as_files(texts), manager)

    assert plan.summary["update_review"] == 1 and plan.summary["update_child"] == 1
    assert sum(plan.summary.values()) == 2
    assert Review.objects.get(child__local_reference="HM001", held_on=date(2023, 9, 5)).participation_code == "PN7"
    child = Child.objects.get(local_reference="HM003")
    assert (child.ethnicity, child.version) == ("MOTH", 2)
    assert AuditEvent.objects.filter(action=AuditAction.IMPORTED, child_id=child.pk).count() == 1


def test_a_blank_dec_never_reopens_an_episode_known_to_have_ended(manager):
    _import(hand_made_files(), manager)
    episode = CareEpisode.objects.get(child__local_reference="HM001", started_on=date(2023, 9, 1))
    CareEpisode.objects.filter(pk=episode.pk).update(ended_on=date(2025, 6, 1), reason_ceased="E4A")

    plan = _import(hand_made_files(), manager)

    assert plan.updates == []
    episode.refresh_from_db()
    assert (episode.ended_on, episode.reason_ceased) == (date(2025, 6, 1), "E4A")


def test_a_manager_naming_an_imported_child_clears_the_name_to_be_entered(manager):
    from children.services import child_update

    _import(hand_made_files(), manager)
    child = Child.objects.get(local_reference="HM001")

    child = child_update(child=child, by=manager, expected_version=child.version, first_name="Amira", last_name="Khan")

    assert (child.full_name, child.name_to_be_entered) == ("Amira Khan", False)


def test_other_ssda903_tables_are_recognised_and_ignored(manager):
    texts = {
        **hand_made_texts(),
        "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END\nHM001,14/02/2012,M,01/01/2024,02/01/2024\n",
    }

    plan = _import(as_files(texts), manager, commit=False)

    assert plan.is_valid
    assert plan.read.ignored == [("missing.csv", "Missing")]


def test_the_dry_run_describes_each_change_in_words(manager):
    plan = _import(hand_made_files(), manager, commit=False)
    words = {(c.reference, c.kind, c.key): c.description for c in plan.creates}

    assert words[("HM001", "child", "HM001")] == "born 14/02/2012, sex F, ethnicity WBRI"
    assert words[("HM001", "episode", "10/05/2023")] == "S, C2, U4 to 01/09/2023 (X1)"
    assert words[("HM001", "episode", "01/09/2023")] == "P, C2, U6, open"
    assert words[("HM003", "review", "10/05/2023")] == "held, PN0"

    _import(hand_made_files(), manager)
    texts = with_cell(hand_made_texts(), "reviews.csv", 3, "REVIEW_CODE", "PN7")
    update = _import(as_files(texts), manager, commit=False).updates[0]
    assert update.description == "participation code: PN6 → PN7"


def test_a_date_uasc_status_ceases_may_be_still_to_come(manager):
    texts = with_cell(hand_made_texts(), "uasc.csv", 2, "DUC", "01/01/2030")

    plan = _import(as_files(texts), manager)

    assert plan.is_valid
    assert Child.objects.get(local_reference="HM002").uasc_ceased_on == date(2030, 1, 1)


def test_the_import_writes_in_bulk_the_same_number_of_queries_for_3_or_60_children(manager, tmp_path):
    from django.db import connection
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat
    from django.test.utils import CaptureQueriesContext

    assert manager.has_perm(services.PERMISSION)  # the permission cache is filled before counting
    counts = []
    for size, seed in ((3, 1), (60, 2)):
        files = synthetic_files(size, tmp_path / str(size), seed=seed)
        # The earlier set's children take other references, so that every child here is new.
        Child.objects.filter(local_reference__startswith="SYN").update(
            local_reference=Concat(Value("OLD"), Cast("pk", CharField()))
        )
        with CaptureQueriesContext(connection) as queries:
            plan = _import(files, manager)
        assert plan.is_valid and plan.summary["create_child"] == size
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    # On PostgreSQL one more: the advisory lock that lets one import write at a time.
    # The whole chain of every child is recomputed (three reads, then one statement per kind of
    # write: due dates, reviews due, schedules) and the children's reviews known-from date set.
    assert counts[1] == 22 + (connection.vendor == "postgresql")
